"""Local days from the history's own UTC offsets.

A centre's export writes each time with the offset of its own clock (``-05:00`` in winter,
``-04:00`` in summer for New York). Without a scenario or ``--tz`` the forecast reads the
local day of a row as the wall-clock date of that offset: it looks for the IANA zone whose
offset at every row's instant is the row's offset, and uses that zone's local days (a fixed
offset when none fits). With a scenario the sites' zones win; rows whose offset disagrees
with their site's zone are counted and reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import available_timezones

import numpy as np
import pandas as pd

PREFERRED = (
    "UTC",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Toronto",
    "America/Sao_Paulo",
    "America/Mexico_City",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Athens",
    "Europe/Moscow",
    "Asia/Jerusalem",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Australia/Adelaide",
    "Pacific/Auckland",
    "Africa/Johannesburg",
)
"""Zones tried first (the most common zone of each offset pattern)."""


@dataclass(frozen=True, slots=True)
class ZoneFromOffsets:
    """The zone whose local days a history's offsets describe.

    Attributes
    ----------
    tz : str
        IANA zone (``Etc/GMT+5`` style for a fixed whole-hour offset that no named zone
        matches; ``UTC`` when the history has no offsets).
    rows : int
        Rows with an offset.
    mismatched_rows : int
        Rows whose offset differs from ``tz``'s offset at their instant.
    note : str
        What was inferred, for the run's notes.
    """

    tz: str
    rows: int
    mismatched_rows: int
    note: str


@lru_cache(maxsize=1)
def _candidates() -> tuple[str, ...]:
    rest = sorted(
        z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "posix/"))
    )
    rest = [z for z in rest if z not in PREFERRED and not z.startswith("right/")]
    return (*PREFERRED, *rest)


def offsets_in_zone(utc_ns: np.ndarray, tz: str) -> np.ndarray:
    """Offset east of UTC of ``tz`` at each instant [min]."""
    idx = pd.DatetimeIndex(pd.to_datetime(np.asarray(utc_ns, dtype=np.int64), utc=True))
    local = idx.tz_convert(tz).tz_localize(None).as_unit("ns").asi8
    return ((local - idx.as_unit("ns").asi8) // 60_000_000_000).astype(float)


def zone_from_offsets(utc_ns: np.ndarray, offsets_min: np.ndarray) -> ZoneFromOffsets:
    """Find the IANA zone that wrote a history's offsets.

    Parameters
    ----------
    utc_ns : numpy.ndarray
        UTC instants of the rows, int64 nanoseconds since the epoch.
    offsets_min : numpy.ndarray
        Offset of each row as written in the file; ``NaN`` where none was [min].

    Returns
    -------
    ZoneFromOffsets
        The first zone (common zones first, then alphabetical) whose offset equals the
        row's offset at every instant where the offset changes, and at the first and last
        rows; else the fixed zone of the most frequent offset, with the rows it does not
        fit counted.
    """
    known = ~np.isnan(offsets_min)
    if not known.any():
        return ZoneFromOffsets("UTC", 0, 0, "history times carry no UTC offset: UTC days")
    t = np.asarray(utc_ns, dtype=np.int64)[known]
    off = np.asarray(offsets_min, dtype=float)[known]
    order = np.argsort(t, kind="stable")
    t, off = t[order], off[order]
    change = np.flatnonzero(np.diff(off) != 0)
    probe = np.unique(np.concatenate([[0, t.size - 1], change, change + 1]))
    probe = np.unique(np.concatenate([probe, np.linspace(0, t.size - 1, 9).astype(int)]))
    for tz in _candidates():
        if np.array_equal(offsets_in_zone(t[probe], tz), off[probe]):
            bad = int((offsets_in_zone(t, tz) != off).sum())
            if bad == 0 or bad < 0.01 * t.size:
                return ZoneFromOffsets(tz, int(t.size), bad, _note(tz, off, bad))
    values, counts = np.unique(off, return_counts=True)
    common = float(values[np.argmax(counts)])
    tz = _fixed_zone(common)
    bad = int((off != common).sum()) if tz != "UTC" or common == 0 else int(t.size)
    return ZoneFromOffsets(tz, int(t.size), bad, _note(tz, off, bad))


def _fixed_zone(offset_min: float) -> str:
    if offset_min == 0:
        return "UTC"
    if offset_min % 60 == 0 and -14 * 60 <= offset_min <= 12 * 60:
        h = int(offset_min // 60)
        return f"Etc/GMT{-h:+d}"  # POSIX sign: Etc/GMT+5 is five hours behind UTC
    return "UTC"


def _note(tz: str, off: np.ndarray, bad: int) -> str:
    shown = ", ".join(_fmt(v) for v in np.unique(off)[:4])
    text = f"local days from the history's UTC offsets ({shown}): {tz}"
    if bad:
        text += f"; {bad} rows carry another offset than {tz} gives them"
    return text


def _fmt(minutes: float) -> str:
    sign = "-" if minutes < 0 else "+"
    m = int(abs(minutes))
    return f"{sign}{m // 60:02d}:{m % 60:02d}"


def offset_disagreements(utc_ns: np.ndarray, offsets_min: np.ndarray, tz: str) -> str:
    """A note when rows' written offsets differ from ``tz`` (the scenario's zone wins).

    Returns
    -------
    str
        Empty when every row with an offset agrees with ``tz``.
    """
    known = ~np.isnan(offsets_min)
    if not known.any():
        return ""
    t = np.asarray(utc_ns, dtype=np.int64)[known]
    off = np.asarray(offsets_min, dtype=float)[known]
    bad = offsets_in_zone(t, tz) != off
    if not bad.any():
        return ""
    first = pd.Timestamp(int(t[np.argmax(bad)]), tz="UTC")
    guess = zone_from_offsets(t, off)
    return (
        f"{int(bad.sum())} of {t.size} history rows carry a UTC offset other than their "
        f"site's zone {tz} gives them (first at {first:%Y-%m-%d %H:%M} UTC, written "
        f"{_fmt(float(off[np.argmax(bad)]))}; the offsets fit {guess.tz}); the scenario's "
        "zone is used"
    )
