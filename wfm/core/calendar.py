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


def local_midnight_utc(day: dt.date, tz: str) -> pd.Timestamp:
    """UTC instant of local midnight starting ``day`` in ``tz`` (first valid time after a gap)."""
    ts = pd.Timestamp(day).tz_localize(tz, nonexistent="shift_forward", ambiguous=True)
    return ts.tz_convert("UTC")


def interval_grid(start: dt.date, days: int, interval_min: int, tz: str) -> pd.DatetimeIndex:
    """UTC interval starts covering local days ``[start, start + days)`` in ``tz``.

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
    a = local_midnight_utc(start, tz)
    b = local_midnight_utc(start + dt.timedelta(days=days), tz)
    return pd.date_range(a, b, freq=f"{interval_min}min", inclusive="left", name="interval_start")


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

    An interval is open when its local start lies inside the opening span of its local
    weekday, or inside the after-midnight tail of the previous day's span
    (``"20:00-02:00"``). With ``closed_on_holidays`` the spans of public holidays of the
    site's country are closed.

    Returns
    -------
    numpy.ndarray of bool
    """
    idx = pd.DatetimeIndex(intervals)
    if len(idx) == 0:
        return np.zeros(0, dtype=bool)
    local = idx.tz_convert(site.tz)
    minute = np.asarray(local.hour * 60 + local.minute)
    weekday = np.asarray(local.day_of_week)
    dates = np.asarray(local.date)
    prev_dates = np.asarray((local - pd.Timedelta(days=1)).date)
    closed_days: frozenset[dt.date] = frozenset()
    if site.closed_on_holidays and site.country:
        years = sorted({d.year for d in dates} | {d.year for d in prev_dates})
        closed_days = public_holidays(site.country, years)
    is_holiday = (
        np.array([d in closed_days for d in dates])
        if closed_days
        else np.zeros(len(idx), dtype=bool)
    )
    prev_holiday = (
        np.array([d in closed_days for d in prev_dates])
        if closed_days
        else np.zeros(len(idx), dtype=bool)
    )
    out = np.zeros(len(idx), dtype=bool)
    for wd, name in enumerate(WEEKDAYS):
        span = site.open_span_min(name)
        if span is None:
            continue
        start, end = span
        today = weekday == wd
        tomorrow = weekday == (wd + 1) % 7
        if end > start:
            out |= today & (minute >= start) & (minute < end) & ~is_holiday
        else:  # crosses midnight: [start, 24:00) today, [00:00, end) tomorrow
            out |= today & (minute >= start) & ~is_holiday
            out |= tomorrow & (minute < end) & ~prev_holiday
    return out


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
