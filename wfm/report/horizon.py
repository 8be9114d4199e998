"""The planned horizon in the report: what it says on top when sites are closed for the whole
horizon, and which days a chosen Gantt day may be.

A plan for a day on which every site is closed (a Sunday, a public holiday with
``closed_on_holidays``) is a valid plan with no shift in it; the report says so plainly
rather than leaving the reader to wonder at empty charts. With the scenario's sites the
report names the sites that never open; without them it can only see that no shift is
scheduled and no agent required.

The day of the shift Gantt (``wfm report --gantt-day``) must be a date ``YYYY-MM-DD`` between
the horizon's first and last site-local day (:func:`planned_days`); a day of it without shifts
is drawn as a sentence saying so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from wfm.core.calendar import open_mask
from wfm.core.checks import is_iso_date
from wfm.core.errors import InputError
from wfm.core.sites import SiteConfig

_TIMED_TABLES = ("forecast", "split", "coverage", "requirements", "simulation")
_DAY_TABLES = ("schedule", "roster")
"""Tables with a site-local ``local_date``; a roster spans whole weeks, past the schedule."""


def _horizon_intervals(tables: Mapping[str, pd.DataFrame]) -> pd.DatetimeIndex:
    """UTC interval starts of the planned horizon, from the first timed table that has rows."""
    for name in _TIMED_TABLES:
        df = tables.get(name)
        if df is not None and "interval_start" in df.columns and len(df):
            return pd.DatetimeIndex(pd.to_datetime(df["interval_start"], utc=True).unique())
    return pd.DatetimeIndex([], tz="UTC")


def _horizon_days(
    intervals: pd.DatetimeIndex, site: SiteConfig, parameters: Mapping[str, Any]
) -> str:
    """The planned days: ``start_date`` and ``horizon_days`` of the run, else the local
    dates of the intervals at ``site`` (a run without a start date plans from the day after
    its history, and its manifest says so in words)."""
    start, days = parameters.get("start_date"), parameters.get("horizon_days")
    try:
        first = dt.date.fromisoformat(str(start))
        last = first + dt.timedelta(days=int(str(days)) - 1)
    except ValueError:
        local = intervals.tz_convert(site.tz)
        first, last = local.min().date(), local.max().date()
    return first.isoformat() if first == last else f"{first.isoformat()} to {last.isoformat()}"


def horizon_notices(
    tables: Mapping[str, pd.DataFrame],
    manifest: Mapping[str, Any],
    sites: Mapping[str, SiteConfig] | None,
) -> list[str]:
    """Sentences for the top of the report about sites closed throughout the horizon.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        Plan tables by file stem.
    manifest : mapping
        The run's ``manifest.json`` (``parameters.interval_min``, ``start_date``,
        ``horizon_days``).
    sites : mapping of str to SiteConfig, optional
        The scenario's sites, with their opening hours and holidays.

    Returns
    -------
    list of str
        Empty when every site opens at some point of the horizon (or nothing can be said).
    """
    params = manifest.get("parameters")
    params = params if isinstance(params, Mapping) else {}
    intervals = _horizon_intervals(tables)
    if sites and len(intervals):
        interval_min = params.get("interval_min")
        interval_min = int(interval_min) if isinstance(interval_min, int | float) else 30
        closed = sorted(
            name
            for name, site in sites.items()
            if not open_mask(intervals, site, interval_min).any()
        )
        if len(closed) == len(sites):
            days = _horizon_days(intervals, next(iter(sites.values())), params)
            return [
                f"No site opens in the horizon ({days}): every site ({', '.join(closed)}) "
                "is closed on every day planned (weekly closing day or public holiday), so no "
                "shift is scheduled and no contact is answered by a person; contacts that "
                "arrive wait for the next opening."
            ]
        if closed:
            return [f"Closed throughout the horizon: {', '.join(closed)}."]
        return []
    schedule, coverage = tables.get("schedule"), tables.get("coverage")
    if (
        schedule is not None
        and schedule.empty
        and coverage is not None
        and "agents_required" in coverage.columns
        and not np.nansum(pd.to_numeric(coverage["agents_required"], errors="coerce")) > 0
    ):
        return [
            "No shift is scheduled and no agent is required in the horizon: no site opens in "
            "it, or no contact needs a person (the scenario's opening hours tell which)."
        ]
    return []


def planned_days(
    tables: Mapping[str, pd.DataFrame],
    manifest: Mapping[str, Any],
    zones: Mapping[str, str],
) -> tuple[dt.date, dt.date] | None:
    """First and last site-local day of a plan (None when nothing in it tells).

    The run's ``start_date`` and ``horizon_days`` when its manifest has both, else the local
    dates of its intervals in every site's zone (UTC without zones); widened to the
    ``local_date`` of every row of ``schedule`` and ``roster`` (a roster spans whole weeks,
    repeating the schedule's).

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        Plan tables by file stem.
    manifest : mapping
        The run's ``manifest.json`` (``parameters.start_date`` and ``horizon_days``).
    zones : mapping of str to str
        IANA time zone of each site.

    Returns
    -------
    tuple of datetime.date, or None
        The first and the last day, both planned.
    """
    params = manifest.get("parameters")
    params = params if isinstance(params, Mapping) else {}
    days: list[dt.date] = []
    try:
        first = dt.date.fromisoformat(str(params.get("start_date")))
        n_days = int(str(params.get("horizon_days")))
    except ValueError:
        intervals = _horizon_intervals(tables)
        if len(intervals):  # the ends of the span suffice, in each site's zone
            ends = pd.DatetimeIndex([intervals.min(), intervals.max()])
            for zone in set(zones.values()) or {"UTC"}:
                days += [t.date() for t in ends.tz_convert(zone)]
    else:
        if n_days >= 1:
            days += [first, first + dt.timedelta(days=n_days - 1)]
    for name in _DAY_TABLES:
        df = tables.get(name)
        if df is not None and "local_date" in df.columns and len(df):
            local = pd.to_datetime(df["local_date"].astype(str), format="%Y-%m-%d", errors="coerce")
            if local.notna().any():
                days += [local.min().date(), local.max().date()]
    return (min(days), max(days)) if days else None


def check_gantt_day(
    day: str,
    tables: Mapping[str, pd.DataFrame],
    manifest: Mapping[str, Any],
    zones: Mapping[str, str],
) -> str:
    """``day`` if it is a day of the plan (see :func:`planned_days`) or empty (the busiest).

    Parameters
    ----------
    day : str
        The chosen day of the shift Gantt (``--gantt-day``), ``YYYY-MM-DD``; "" for none.
    tables, manifest, zones
        As for :func:`planned_days`.

    Returns
    -------
    str
        ``day``, stripped of surrounding blanks.

    Raises
    ------
    InputError
        ``day`` is not a calendar date written ``YYYY-MM-DD`` (``2026-02-30``, ``20260301``),
        or lies outside the planned days; the message gives the first and the last.
    """
    day = str(day).strip()
    if not day:
        return day
    span = planned_days(tables, manifest, zones)
    expected = "a day YYYY-MM-DD"
    if span is not None:
        expected += f" from {span[0].isoformat()} to {span[1].isoformat()} (the plan's horizon)"
    if not is_iso_date(day):
        raise InputError("not a date", key="--gantt-day", got=day, expected=expected)
    date = dt.date.fromisoformat(day)
    if span is not None and not span[0] <= date <= span[1]:
        raise InputError(
            "not a day of the plan's horizon", key="--gantt-day", got=day, expected=expected
        )
    return day
