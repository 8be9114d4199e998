"""Shifts of a plan as people: heads on queue per site, FTE and headcount, a day's Gantt.

``coverage.csv`` gives agents per site and *skill*; a multi-skilled agent is shared out
between skills there, so the per-skill "scheduled" follows "required" by construction. Here
the schedule is counted in heads: every shift of ``schedule.csv`` (site, pool, site-local
day, start, length, breaks, agents) puts its agents on queue from its start to its end, less
its breaks, in the site's local time. The heads required at a site are the sum over its
skills of ``coverage.csv``'s ``agents_required`` (on-queue agents, gross of shrinkage; no
pooling gain counted).

FTE = paid hours per 7 days / the contract week (``shifts.max_h_per_week`` of the scenario,
40 h without one).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from wfm.core.breaks import parse_breaks

_HHMM = re.compile(r"\s*(\d{1,2}):(\d{2})")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DEFAULT_WEEK_H = 40.0
"""Contract week when the report has no scenario [h]."""


def _start_min(text: object) -> int | None:
    """``HH:MM`` → minutes after local midnight (None when it is not a time)."""
    m = _HHMM.match(str(text))
    return int(m[1]) * 60 + int(m[2]) if m else None


def _local_day(text: object) -> pd.Timestamp | None:
    """A ``YYYY-MM-DD`` local date as a naive midnight (None when it is not a date)."""
    m = _DATE.match(str(text))
    try:
        return pd.Timestamp(dt.date.fromisoformat(m[0])) if m else None
    except ValueError:
        return None


def _paid_h(sched: pd.DataFrame) -> np.ndarray:
    """Paid hours of each row (its ``paid_h`` per agent if written, else the shift length)."""
    agents = sched["agents"].to_numpy(dtype=float)
    if "paid_h" in sched.columns:
        per = pd.to_numeric(sched["paid_h"], errors="coerce").to_numpy(dtype=float)
        length_h = sched["shift_length_min"].to_numpy(dtype=float) / 60.0
        return agents * np.where(np.isfinite(per), per, length_h)
    return agents * sched["shift_length_min"].to_numpy(dtype=float) / 60.0


def busiest_day(sched: pd.DataFrame) -> str | None:
    """The site-local day with the most paid hours over all sites (first of equals)."""
    if sched.empty:
        return None
    by_day = pd.Series(_paid_h(sched), index=sched["local_date"].astype(str)).groupby(level=0)
    totals = by_day.sum().sort_index()
    return str(totals.idxmax())


def day_bars(sched: pd.DataFrame, day: str) -> pd.DataFrame:
    """The shifts of one local day, one row per schedule row: ``site``, ``pool``, ``shift``,
    ``start_min`` and ``end_min`` (minutes after local midnight), ``breaks`` (list of
    (start, length) [min]) and ``agents``; sorted by site, pool and start."""
    rows = sched[sched["local_date"].astype(str) == day]
    starts = [_start_min(s) for s in rows["shift_start_local"]]
    rows = rows[np.array([s is not None for s in starts], dtype=bool)]  # [] picks columns
    start = np.array([s for s in starts if s is not None], dtype=int)
    out = pd.DataFrame(
        {
            "site": rows["site"].astype(str).to_numpy(),
            "pool": rows["pool"].astype(str).to_numpy(),
            "shift": rows["shift"].astype(str).to_numpy() if "shift" in rows else "",
            "start_min": start,
            "end_min": start + rows["shift_length_min"].to_numpy(dtype=int),
            "breaks": [
                parse_breaks(b, source="schedule.csv", line=i + 2)
                for i, b in zip(rows.index, rows.get("breaks", [""] * len(rows)), strict=True)
            ],
            "agents": rows["agents"].to_numpy(dtype=int),
        }
    )
    return out.sort_values(["site", "pool", "start_min", "end_min"], kind="mergesort").reset_index(
        drop=True
    )


def heads_on_queue(sched: pd.DataFrame, interval_min: int) -> pd.DataFrame:
    """Agents on queue per site and local interval: on shift and not on a break.

    Returns
    -------
    pandas.DataFrame
        ``site``, ``local_start`` (naive site-local wall-clock time of the interval) and
        ``heads``; an interval counts an agent for the minutes of it they are on queue,
        as a share of the interval.
    """
    recs: dict[tuple[str, pd.Timestamp], float] = {}
    for row in sched.itertuples():
        day, start = _local_day(row.local_date), _start_min(row.shift_start_local)
        if day is None or start is None:
            continue
        end = start + int(row.shift_length_min)
        on = np.zeros(end - start, dtype=bool)
        on[:] = True
        breaks = getattr(row, "breaks", "")
        for b_start, b_len in parse_breaks(breaks, source="schedule.csv", line=row.Index + 2):
            on[max(b_start - start, 0) : max(b_start + b_len - start, 0)] = False
        first = start // interval_min * interval_min
        for m in range(first, end, interval_min):
            lo, hi = max(m, start), min(m + interval_min, end)
            share = on[lo - start : hi - start].sum() / interval_min
            if share > 0:
                key = (str(row.site), day + pd.Timedelta(minutes=m))
                recs[key] = recs.get(key, 0.0) + share * float(row.agents)
    if not recs:
        return pd.DataFrame({"site": [], "local_start": pd.to_datetime([]), "heads": []})
    out = pd.DataFrame(
        [(s, t, h) for (s, t), h in recs.items()], columns=["site", "local_start", "heads"]
    )
    return out.sort_values(["site", "local_start"], kind="mergesort").reset_index(drop=True)


def required_heads(coverage: pd.DataFrame, zones: Mapping[str, str]) -> pd.DataFrame:
    """Agents required per site and local interval: Σ over skills of ``agents_required``.

    Returns ``site``, ``local_start`` (naive, the site's zone; UTC without one) and
    ``required``.
    """
    g = coverage.groupby(["site", "interval_start"], sort=True)["agents_required"].sum()
    g = g.reset_index()
    local = [
        pd.Timestamp(t).tz_convert(zones.get(str(s), "UTC")).tz_localize(None)
        for s, t in zip(g["site"], pd.to_datetime(g["interval_start"], utc=True), strict=True)
    ]
    return pd.DataFrame(
        {"site": g["site"].astype(str), "local_start": local, "required": g["agents_required"]}
    )


def per_site_day(
    coverage: pd.DataFrame | None,
    sched: pd.DataFrame,
    zones: Mapping[str, str],
    interval_min: int,
) -> pd.DataFrame:
    """Per site and local day, in heads: peak agents required and on queue, agent hours
    required and on queue, people on shift (the day's shifts) and their paid hours."""
    step_h = interval_min / 60.0
    heads = heads_on_queue(sched, interval_min)
    if coverage is not None and len(coverage):
        need = required_heads(coverage, zones)
        both = need.merge(heads, on=["site", "local_start"], how="outer").fillna(0.0)
    else:
        both = heads.assign(required=np.nan)
    both["local_date"] = [t.date().isoformat() for t in pd.to_datetime(both["local_start"])]
    timed = (
        both.groupby(["site", "local_date"], sort=True)
        .agg(
            agents_required_peak=("required", "max"),
            agents_on_queue_peak=("heads", "max"),
            required_agent_h=("required", "sum"),
            on_queue_agent_h=("heads", "sum"),
        )
        .reset_index()
    )
    timed[["required_agent_h", "on_queue_agent_h"]] *= step_h
    people = (
        sched.assign(paid_h=_paid_h(sched), local_date=sched["local_date"].astype(str))
        .groupby(["site", "local_date"], sort=True)
        .agg(people_on_shift=("agents", "sum"), paid_h=("paid_h", "sum"))
        .reset_index()
    )
    out = timed.merge(people, on=["site", "local_date"], how="outer")
    out[["people_on_shift", "paid_h"]] = out[["people_on_shift", "paid_h"]].fillna(0.0)
    return out.sort_values(["site", "local_date"], kind="mergesort").reset_index(drop=True)


def fte_per_pool(
    sched: pd.DataFrame,
    week_h: float,
    horizon_days: int,
    headcount: Mapping[tuple[str, str], int] | None = None,
) -> pd.DataFrame:
    """Per site and pool over the horizon: paid hours, FTE, shifts, the most people on
    shift on one day and, with the scenario, the pool's headcount.

    FTE = paid hours × 7 / ``horizon_days`` / ``week_h`` (paid hours per week over the
    contract week).
    """
    per_day = (
        sched.assign(paid_h=_paid_h(sched))
        .groupby(["site", "pool", "local_date"], sort=True)
        .agg(people=("agents", "sum"), paid_h=("paid_h", "sum"))
        .reset_index()
    )
    out = (
        per_day.groupby(["site", "pool"], sort=True)
        .agg(paid_h=("paid_h", "sum"), shifts=("people", "sum"), people_peak_day=("people", "max"))
        .reset_index()
    )
    days = max(int(horizon_days), 1)
    out["fte"] = out["paid_h"] * 7.0 / days / float(week_h)
    if headcount:
        out["headcount"] = [
            headcount.get((str(s), str(p)), np.nan)
            for s, p in zip(out["site"], out["pool"], strict=True)
        ]
    return out
