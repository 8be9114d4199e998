"""Unit constants and interval arithmetic. Nothing else lives here."""

from __future__ import annotations

S_PER_MIN = 60
MIN_PER_H = 60
S_PER_H = 3600
H_PER_DAY = 24
MIN_PER_DAY = 1440

ALLOWED_INTERVAL_MIN = (15, 30, 60)


def intervals_per_day(interval_min: int) -> int:
    """Number of intervals in a 24-hour day of ``interval_min`` minutes."""
    return MIN_PER_DAY // interval_min


def interval_s(interval_min: int) -> int:
    """Length of an interval in seconds."""
    return interval_min * S_PER_MIN
