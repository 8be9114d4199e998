"""What the report says on top when sites are closed for the whole planned horizon.

A plan for a day on which every site is closed (a Sunday, a public holiday with
``closed_on_holidays``) is a valid plan with no shift in it; the report says so plainly
rather than leaving the reader to wonder at empty charts. With the scenario's sites the
report names the sites that never open; without them it can only see that no shift is
scheduled and no agent required.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from wfm.core.calendar import open_mask
from wfm.core.sites import SiteConfig

_TIMED_TABLES = ("forecast", "split", "coverage", "requirements", "simulation")


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
