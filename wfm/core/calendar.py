"""Time: UTC interval grids, site-local days, DST, opening hours and public holidays.

Grids are built in UTC and converted to local time, never by adding hours to local times,
so a site-local day has 23, 24 or 25 hours across DST changes.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np
import pandas as pd

from wfm.core.config import WEEKDAYS, SiteConfig
from wfm.core.errors import ConfigError
from wfm.core.units import MIN_PER_DAY


def local_midnight_utc(day: dt.date, tz: str) -> pd.Timestamp:
    """UTC instant of local midnight starting ``day`` in ``tz`` (first valid time after a gap)."""
    ts = pd.Timestamp(day).tz_localize(tz, nonexistent="shift_forward", ambiguous=True)
    return ts.tz_convert("UTC")


def interval_grid(start: dt.date, days: int, interval_min: int, tz: str) -> pd.DatetimeIndex:
    """UTC interval starts of the local days ``[start, start + days)`` in ``tz``.

    The grid is the plan's: interval starts are multiples of ``interval_min`` in UTC (the
    grid the history is on), and an interval belongs to the local day its start falls on.
    Where local midnight is not on that grid (a +05:30 zone at 60-minute intervals) the
    day's intervals start at hh:30 local, and the interval across midnight belongs to the
    day it starts in.

    Parameters
    ----------
    start : datetime.date
        First local day.
    days : int
        Number of local days [days].
    interval_min : int
        Interval length [min].
    tz : str
        IANA time zone of the days.

    Returns
    -------
    pandas.DatetimeIndex
        tz-aware UTC starts; a day with a spring-forward change has one hour fewer.
    """
    a, b = _day_bounds(start, days, interval_min, tz)
    return pd.date_range(a, b, freq=f"{interval_min}min", inclusive="left", name="interval_start")


def plan_grid(
    start: dt.date, days: int, interval_min: int, tzs: list[str] | tuple[str, ...]
) -> pd.DatetimeIndex:
    """One UTC interval grid covering the local days ``[start, start + days)`` of every zone.

    Sites at different UTC offsets share one grid: it runs from the earliest zone's first
    local midnight to the latest zone's last, so at a site whose offset differs from the
    others' it also holds a few hours of the day before or after its horizon.

    Parameters
    ----------
    start : datetime.date
        First local day.
    days : int
        Number of local days at each site [days].
    interval_min : int
        Interval length [min].
    tzs : sequence of str
        IANA zones of the sites (at least one).

    Returns
    -------
    pandas.DatetimeIndex
        tz-aware UTC starts, consecutive, on multiples of ``interval_min``.
    """
    bounds = [_day_bounds(start, days, interval_min, tz) for tz in dict.fromkeys(tzs)]
    a = min(lo for lo, _ in bounds)
    b = max(hi for _, hi in bounds)
    return pd.date_range(a, b, freq=f"{interval_min}min", inclusive="left", name="interval_start")


def whole_local_days(grid: pd.DatetimeIndex, interval_min: int, tzs: list[str]) -> int:
    """Most local days that lie wholly inside ``grid`` at any of the zones ``tzs``.

    A plan over sites at different UTC offsets has a grid longer than its horizon (each
    site's days plus a few hours of the others'); this counts the horizon's days back, e.g.
    for weekly rules. At least 1.
    """
    if len(grid) == 0:
        return 1
    end = grid[-1] + pd.Timedelta(minutes=interval_min)
    best = 0
    for tz in dict.fromkeys(tzs):
        n = 0
        for day in sorted(set(local_dates(grid, tz))):
            a, b = _day_bounds(day, 1, interval_min, tz)
            n += int(a >= grid[0] and b <= end)
        best = max(best, n)
    return max(best, 1)


def _day_bounds(
    start: dt.date, days: int, interval_min: int, tz: str
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First grid instant at or after local midnight of ``start`` and of ``start + days``."""
    freq = f"{interval_min}min"
    a = local_midnight_utc(start, tz).ceil(freq)
    b = local_midnight_utc(start + dt.timedelta(days=days), tz).ceil(freq)
    return a, b


def local_dates(intervals: pd.DatetimeIndex | pd.Series, tz: str) -> np.ndarray:
    """Site-local calendar date (``datetime.date``) of each UTC interval start."""
    idx = pd.DatetimeIndex(intervals)
    return np.asarray(idx.tz_convert(tz).date)


@lru_cache(maxsize=64)
def _holiday_dates(country: str, years: tuple[int, ...]) -> frozenset[dt.date]:
    import holidays

    try:
        cal = holidays.country_holidays(country, years=list(years))
    except NotImplementedError:
        raise ConfigError(
            f"no public-holiday calendar for country {country!r}; expected an ISO 3166 code",
            key="country",
        ) from None
    return frozenset(cal.keys())


def public_holidays(country: str, years: list[int] | tuple[int, ...]) -> frozenset[dt.date]:
    """Public holidays of ``country`` (ISO 3166 code) in ``years``, from the holidays package."""
    if not country:
        return frozenset()
    return _holiday_dates(country.upper(), tuple(sorted(set(years))))


def check_country(name: str, country: str, years: list[int] | tuple[int, ...]) -> None:
    """Raise unless site ``name``'s ``country`` has a public-holiday calendar for ``years``.

    The error names the key ``sites.NAME.country``. A country that is known but has no
    holiday at all in one of the years is outside the range the holidays package covers.
    Without years (the horizon is not known yet) the current year is checked.
    """
    if not country:
        return
    key = f"sites.{name}.country"
    try:
        by_year = {
            y: public_holidays(country, [y]) for y in sorted(set(years) or {dt.date.today().year})
        }
    except ConfigError:
        raise ConfigError(
            f"no public-holiday calendar for country {country!r}; expected an ISO 3166 code "
            "known to the holidays package, such as 'FR', or an empty string for none",
            key=key,
        ) from None
    empty = [y for y, days in by_year.items() if not days]
    if empty:
        raise ConfigError(
            f"the public-holiday calendar of {country!r} has no holiday in {empty[0]}; "
            "expected a year it covers (or an empty country for none)",
            key=key,
        )


def open_mask(
    intervals: pd.DatetimeIndex | pd.Series, site: SiteConfig, interval_min: int
) -> np.ndarray:
    """Whether ``site`` is open during each UTC interval.

    An interval is open when any part of it lies inside an opening span: the span of its
    local day, the after-midnight tail of the previous day's span (``"20:00-02:00"``), or
    the start of the next day's span (an interval across local midnight). Opening hours off
    the interval grid are so rounded outward to whole intervals: ``"08:15-19:45"`` opens the
    08:00 and 19:30 intervals of a 30-minute grid, and in a +05:30 zone at 60-minute
    intervals ``"08:00-20:00"`` opens the intervals from 07:30 to 19:30 local. With
    ``closed_on_holidays`` the spans of public holidays of the site's country are closed
    (a span belongs to the day it opens on).

    Returns
    -------
    numpy.ndarray of bool
    """
    idx = pd.DatetimeIndex(intervals)
    if len(idx) == 0:
        return np.zeros(0, dtype=bool)
    local = idx.tz_convert(site.tz)
    minute = np.asarray(local.hour * 60 + local.minute)
    end_minute = minute + interval_min
    weekday = np.asarray(local.day_of_week)
    day = pd.Timedelta(days=1)
    holiday = _holiday_flags(site, [local - day, local, local + day])
    out = np.zeros(len(idx), dtype=bool)
    for wd, name in enumerate(WEEKDAYS):
        span = site.open_span_min(name)
        if span is None:
            continue
        start, end = span
        yesterday = (weekday == (wd + 1) % 7) & ~holiday[0]
        today = (weekday == wd) & ~holiday[1]
        tomorrow = (weekday == (wd - 1) % 7) & ~holiday[2]
        if end > start:
            out |= today & (minute < end) & (end_minute > start)
        else:  # crosses midnight: [start, 24:00) today, [00:00, end) the next day
            out |= today & (end_minute > start)
            out |= yesterday & (minute < end)
        # an interval across local midnight reaches into the next day's opening
        out |= tomorrow & (end_minute > MIN_PER_DAY + start)
    return out


def _holiday_flags(site: SiteConfig, days: list[pd.DatetimeIndex]) -> list[np.ndarray]:
    """Whether each local date of each index is a closing public holiday of ``site``."""
    dates = [np.asarray(d.date) for d in days]
    if not (site.closed_on_holidays and site.country):
        return [np.zeros(len(d), dtype=bool) for d in dates]
    years = sorted({x.year for d in dates for x in d})
    closed = public_holidays(site.country, years)
    return [np.array([x in closed for x in d], dtype=bool) for d in dates]


def weekday_name(day: dt.date) -> str:
    """``mon`` .. ``sun``."""
    return WEEKDAYS[day.weekday()]


def deadline_index(open_flags: object, interval_min: int, deadline_h: float) -> np.ndarray:
    """Interval by whose end work arriving in each interval is due.

    Parameters
    ----------
    open_flags : array_like of bool
        Whether the site is open in each interval of the grid (consecutive intervals).
    interval_min : int
        Interval length [min].
    deadline_h : float
        Answer-within time, counted in opening hours [h].

    Returns
    -------
    numpy.ndarray of int64
        For arrivals in interval t, the first interval u ≥ t such that the open time from
        the start of t to the end of u reaches ``deadline_h``; −1 when the grid ends first.
        Arrivals are counted from the start of their interval, the planner's usual
        convention for interval forecasts.

    Examples
    --------
    >>> deadline_index([True, True, False, True, True], 60, 2.0).tolist()
    [1, 3, 4, 4, -1]
    """
    flags = np.asarray(open_flags, dtype=bool)
    open_min = np.where(flags, float(interval_min), 0.0)
    cum_end = np.cumsum(open_min)  # open minutes up to the end of each interval
    cum_start = cum_end - open_min
    need = cum_start + deadline_h * 60.0 - 1e-9
    due = np.searchsorted(cum_end, need, side="left")
    return np.where(due < flags.size, due, -1).astype(np.int64)
