"""A history checked against the forecast asked of it: its interval length, its days.

Without a scenario the interval length is read from the history's own times
(:func:`infer_interval_min`): the longest interval that divides a day and holds nine times in
ten of the history's interval starts, so that one row typed at 07:15 in a 30-minute history
does not make the whole forecast 15-minute (the row is then refused as off the grid,
:func:`check_grid_phase`).

A forecast window (:func:`check_window`) must lie inside the span a plan can hold
(:data:`wfm.core.schemas.TIME_MIN_UTC` to :data:`~wfm.core.schemas.TIME_END_UTC`, with a day's
margin for any time zone), start after the history's first local day (before it there is
nothing to forecast from) and last at most :data:`~wfm.core.settings.MAX_HORIZON_DAYS` days.
A start long after the history's end is legitimate and gets a note.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from wfm.core.errors import ConfigError, InputError
from wfm.core.schemas import TIME_END_UTC, TIME_MIN_UTC
from wfm.core.settings import MAX_HORIZON_DAYS
from wfm.core.units import MIN_PER_DAY, S_PER_MIN
from wfm.forecast.intraday import local_slots

NS_PER_MIN = S_PER_MIN * 1_000_000_000
DAY_DIVISORS_MIN = tuple(d for d in range(1, MIN_PER_DAY + 1) if MIN_PER_DAY % d == 0)
"""Interval lengths a day holds a whole number of [min]."""
GRID_SHARE_RATE = 0.9
"""Share of the history's distinct interval starts an inferred grid must hold."""
FIRST_DAY = (TIME_MIN_UTC + pd.Timedelta(days=1)).date()
"""First forecast day a plan can hold in any time zone (its local midnight is in the span)."""
LAST_DAY = (TIME_END_UTC - pd.Timedelta(days=2)).date()
"""Last forecast day a plan can hold in any time zone (its local end is in the span)."""
GAP_NOTE_DAYS = 7
"""Days without history before the forecast start from which a note says so [days]."""


def infer_interval_min(history: pd.DataFrame, *, source: str = "history") -> int:
    """Interval length of a history: the longest that divides a day and holds its times [min].

    The candidates are the lengths that divide a day and are at least the smallest step
    between two distinct times; the longest whose UTC grid holds at least
    :data:`GRID_SHARE_RATE` of the distinct times wins, else the shortest candidate. Rows
    off the chosen grid are for the grid check to refuse.

    Parameters
    ----------
    history : pandas.DataFrame
        HISTORY table (UTC ``interval_start``).
    source : str
        How errors name the history (its file name).

    Raises
    ------
    InputError
        Fewer than two distinct times, or no two of them within a day of each other (naming
        the line of the later of the two closest).
    """
    t = history["interval_start"].dt.as_unit("ns").astype("int64").to_numpy()
    ts = np.unique(t)
    if ts.size < 2:
        raise InputError(
            "cannot infer the interval length from fewer than two times",
            source=source,
            key="interval_start",
            expected="rows at two interval starts or more (15, 30 or 60-minute intervals)",
        )
    steps = np.diff(ts)
    closest = int(np.argmin(steps))
    fits = [d for d in DAY_DIVISORS_MIN if d * NS_PER_MIN >= steps[closest]]
    if not fits:
        later = int(np.argmax(t == ts[closest + 1]))
        raise InputError(
            f"cannot infer the interval length: the closest interval starts are "
            f"{steps[closest] / (NS_PER_MIN * MIN_PER_DAY):g} days apart (this row and the "
            "one before it in time)",
            source=source,
            line=later + 2,
            key="interval_start",
            expected="one row per interval of 15, 30 or 60 minutes",
        )
    for d in reversed(fits):
        if np.mean(ts % (d * NS_PER_MIN) == 0) >= GRID_SHARE_RATE:
            return d
    return fits[0]


def check_grid_phase(history: pd.DataFrame, interval_min: int, *, source: str) -> None:
    """Raise unless every row of a history without a scenario lies on the grid of
    ``interval_min`` set by its first row.

    The grid's phase is the data's own: a +05:30 centre's hourly export at local hh:00 is on
    its grid. Rows missing inside a day are not refused, unlike a history read with a
    scenario (``wfm.io.series_checks.check_history_grid``): without a site's zone and hours
    a day's span is not known (an export in UTC, sites in several zones, a sparse series
    that omits zero intervals), and a missing interval reads as no contacts.

    Raises
    ------
    InputError
        Naming ``source``, the line (rows in file order) and the inferred interval.
    """
    ts = history["interval_start"]
    t = ts.dt.as_unit("ns").astype("int64").to_numpy()
    off = ((t - t.min()) % (interval_min * NS_PER_MIN)) != 0
    if off.any():
        row = int(np.argmax(off))
        raise InputError(
            f"{ts.iloc[row].isoformat()} is off the {interval_min}-minute grid of the other "
            f"rows; the interval inferred from the history's times is {interval_min} min",
            source=source,
            line=row + 2,
            key="interval_start",
            expected=f"interval starts {interval_min} minutes apart, on the grid of "
            f"{ts.min().isoformat()}",
        )


def history_days(history: pd.DataFrame, zones: pd.Series) -> tuple[dt.date, dt.date]:
    """First and last local days of a non-empty history, each row on its zone's calendar."""
    firsts, lasts = [], []
    times = history["interval_start"]
    for tz, rows in times.groupby(zones.to_numpy(), sort=True):
        ords, _ = local_slots(pd.DatetimeIndex([rows.min(), rows.max()]), str(tz), 1)
        firsts.append(int(ords[0]))
        lasts.append(int(ords[1]))
    return dt.date.fromordinal(min(firsts)), dt.date.fromordinal(max(lasts))


def check_window(
    start: dt.date, days: int, span: tuple[dt.date, dt.date] | None, *, key: str
) -> list[str]:
    """Raise when a forecast window is not one to forecast; the notes it deserves.

    Parameters
    ----------
    start : datetime.date
        First forecast day.
    days : int
        Forecast days [days].
    span : tuple of datetime.date, optional
        First and last local days of the history (:func:`history_days`); None without one.
    key : str
        How the errors name the start (``--start``, ``start_date``).

    Returns
    -------
    list of str
        A note when :data:`GAP_NOTE_DAYS` days or more lie between the history and ``start``.

    Raises
    ------
    ConfigError
        More than :data:`~wfm.core.settings.MAX_HORIZON_DAYS` days; a window outside
        :data:`FIRST_DAY` to :data:`LAST_DAY`; a start on or before the history's first day.
    """
    if not 1 <= days <= MAX_HORIZON_DAYS:
        raise ConfigError(
            f"a forecast of {days} days: expected 1 to {MAX_HORIZON_DAYS} days", key="days"
        )
    end = start.toordinal() + days - 1
    if start < FIRST_DAY or end > LAST_DAY.toordinal():
        last = dt.date.fromordinal(min(end, dt.date.max.toordinal()))
        raise ConfigError(
            f"the forecast of {days} days from {start} ends on {last}: outside the days a plan "
            f"can hold; expected forecast days from {FIRST_DAY} to {LAST_DAY}",
            key=key,
        )
    if span is None:
        return []
    first, last = span
    if start <= first:
        raise ConfigError(
            f"{start} is on or before the history's first day {first} (the history runs from "
            f"{first} to {last}): there is no history before it to forecast from; expected a "
            f"start after {first}, by default the day after the history ({last + dt.timedelta(1)})",
            key=key,
        )
    gap = (start - last).days - 1
    if gap < GAP_NOTE_DAYS:
        return []
    return [
        f"{gap} days lie between the history's last day {last} and the forecast start "
        f"{start}: nothing is known of them, the forecast carries the history's level across"
    ]
