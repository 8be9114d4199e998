"""Validation helpers for configuration dataclasses.

Messages name the field, the allowed interval in ``[a, b)`` notation and the value, so that
the scenario loader only has to prefix the key path.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from wfm.core.errors import ConfigError


def check_rate(name: str, value: float, *, low_open: bool = False, high_open: bool = False) -> None:
    """Raise unless ``value`` is a fraction in [0, 1] (ends open as asked)."""
    lo = "(" if low_open else "["
    hi = ")" if high_open else "]"
    ok = (value > 0 if low_open else value >= 0) and (value < 1 if high_open else value <= 1)
    if not ok or math.isnan(value):
        raise ConfigError(f"must be a fraction in {lo}0, 1{hi}; got {value}", key=name)


def check_positive(name: str, value: float, *, allow_zero: bool = False) -> None:
    """Raise unless ``value`` > 0 (or ≥ 0 with ``allow_zero``) and finite."""
    bad = (value < 0) if allow_zero else (value <= 0)
    if bad or math.isnan(value) or math.isinf(value):
        interval = "[0, ∞)" if allow_zero else "(0, ∞)"
        raise ConfigError(f"must be in {interval}; got {value}", key=name)


def check_between(name: str, value: int, low: int, high: int, *, high_open: bool = False) -> None:
    """Raise unless the whole number ``value`` lies in [low, high] (or [low, high))."""
    bad = value < low or (value >= high if high_open else value > high)
    if bad:
        interval = f"[{low}, {high})" if high_open else f"[{low}, {high}]"
        raise ConfigError(f"must be in {interval}; got {value}", key=name)


def check_choice(name: str, value: object, choices: Iterable[object]) -> None:
    """Raise unless ``value`` is one of ``choices``."""
    options = list(choices)
    if value not in options:
        raise ConfigError(f"must be one of {', '.join(map(str, options))}; got {value!r}", key=name)


def check_known(name: str, values: Iterable[str], known: Iterable[str], what: str) -> None:
    """Raise unless every name in ``values`` is among ``known`` (e.g. channels of a segment)."""
    known_set = set(known)
    for v in values:
        if v not in known_set:
            raise ConfigError(
                f"unknown {what} {v!r}; known {what}s: {', '.join(sorted(known_set)) or 'none'}",
                key=name,
            )


def check_slug(name: str, value: str) -> None:
    """Identifiers are lower-case slugs: letters, digits and underscores, starting with a letter."""
    if (
        not value
        or not value[0].isalpha()
        or not all(c.isalnum() or c == "_" for c in value)
        or value != value.lower()
    ):
        raise ConfigError(
            "must be a lower-case slug (letters, digits, '_', starting with a letter); "
            f"got {value!r}",
            key=name,
        )


def check_hhmm(name: str, value: str) -> int:
    """Parse ``HH:MM`` (00:00–24:00) into minutes after midnight; raise with the key if bad."""
    try:
        hh, mm = value.split(":")
        minutes = int(hh) * 60 + int(mm)
        if len(mm) != 2 or not 0 <= int(mm) < 60 or not 0 <= minutes <= 1440:
            raise ValueError
    except (ValueError, AttributeError):
        raise ConfigError(
            f"must be a time HH:MM between 00:00 and 24:00; got {value!r}", key=name
        ) from None
    return minutes
