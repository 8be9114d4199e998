"""Sections of the report that count people: heads per site and day, FTE, the shift Gantt.

The coverage section draws, per site, the agents required (Σ over skills) against the heads
on queue from the shifts, in the site's local time; its tables give per site and day the
peaks and agent hours, people on shift and paid hours, and per site and pool the FTE. The
shifts section draws the Gantt of one day (the busiest by paid hours unless one is chosen):
one bar per shift of ``schedule.csv`` with its agents, its breaks hatched, per site and pool,
on the site's local clock. How heads and FTE are counted: :mod:`wfm.report.shifts`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from wfm.report.charts import (
    COLOURS,
    break_bar,
    chart_grid,
    shift_bar,
    style_axes,
    svg_chart,
    time_axis,
    zone_label,
)
from wfm.report.columns import check_report_table
from wfm.report.markup import Chart, Section, no_rows, not_run, table_view
from wfm.report.shifts import (
    busiest_day,
    day_bars,
    fte_per_pool,
    heads_on_queue,
    per_site_day,
    required_heads,
)


@dataclass(frozen=True, slots=True)
class Staffing:
    """What the people sections need from the scenario (all optional).

    Attributes
    ----------
    zones : mapping of str to str
        Time zone of each site (UTC for a site not in it).
    interval_min : int
        Interval length [min].
    horizon_days : int
        Days planned (for FTE per week).
    week_h : float
        Contract week [h]; ``week_source`` says where it comes from.
    headcount : mapping of (site, pool) to int
        Each pool's headcount in the scenario.
    gantt_day : str
        Local date of the Gantt ("" = the busiest day).
    """

    zones: Mapping[str, str] = field(default_factory=dict)
    interval_min: int = 30
    horizon_days: int = 7
    week_h: float = 40.0
    week_source: str = "40 h, the default (no scenario given)"
    headcount: Mapping[tuple[str, str], int] = field(default_factory=dict)
    gantt_day: str = ""


def coverage_section(tables: Mapping[str, pd.DataFrame], st: Staffing) -> Section:
    """Agents required and scheduled per site, in heads, with FTE and headcount."""
    anchor, title = "coverage", "Agents required and scheduled per site"
    source = (
        "required: Σ over a site's skills of coverage.csv agents_required (on-queue agents "
        "gross of shrinkage, no pooling gain); scheduled: agents of schedule.csv on shift and "
        f"not on a break; FTE = paid hours per 7 days / a {st.week_source} contract week"
    )
    cov, sched = tables.get("coverage"), tables.get("schedule")
    if cov is None:
        return not_run(anchor, title, source, "coverage.csv")
    cov = check_report_table(cov, "coverage")
    if cov.empty:
        return no_rows(anchor, title, source, "coverage.csv")
    sched = check_report_table(sched, "schedule") if sched is not None else sched
    need = required_heads(cov, st.zones)
    heads = heads_on_queue(sched, st.interval_min) if sched is not None else None
    sites = sorted(set(need["site"]))
    fig, axes = chart_grid(len(sites), ncols=min(3, len(sites)))
    for ax, site in zip(axes, sites, strict=True):
        n = need[need["site"] == site].sort_values("local_start")
        ax.step(
            n["local_start"],
            n["required"],
            where="post",
            color=COLOURS[3],
            lw=1.1,
            label="required",
        )
        if heads is not None:
            h = heads[heads["site"] == site].set_index("local_start")["heads"]
            h = h.reindex(n["local_start"], fill_value=0.0)
            ax.step(
                h.index,
                h.to_numpy(),
                where="post",
                color=COLOURS[0],
                lw=1.1,
                label="scheduled (on queue)",
            )
        style_axes(ax, site)
        time_axis(ax, st.zones.get(site, "UTC"))
    axes[0].legend(fontsize=7)
    fig.supylabel("agents on queue, all skills", fontsize=8, x=0.005)
    data: dict[str, Any] = {
        "chart": svg_chart(fig, "coverage", tight=False),
        "per_day": None,
        "per_pool": None,
        "week": st.week_source,
        "gaps": table_view(_skill_gaps(cov, st.interval_min / 60.0)),
    }
    if sched is not None:
        data["per_day"] = table_view(per_site_day(cov, sched, st.zones, st.interval_min))
        data["per_pool"] = table_view(fte_per_pool(sched, st.week_h, st.horizon_days, st.headcount))
    return Section(anchor, title, source, "coverage.html.j2", data)


def _skill_gaps(cov: pd.DataFrame, interval_h: float) -> pd.DataFrame:
    gap = cov["agents_gap"].to_numpy(dtype=float)
    return (
        cov.assign(
            short=np.clip(-gap, 0, None) * interval_h,
            over=np.clip(gap, 0, None) * interval_h,
            short_intervals=gap < -1e-9,
        )
        .groupby(["site", "skill"], sort=True)
        .agg(
            intervals_short=("short_intervals", "sum"),
            shortfall_agent_h=("short", "sum"),
            overstaff_agent_h=("over", "sum"),
        )
        .reset_index()
    )


def schedule_section(tables: Mapping[str, pd.DataFrame], st: Staffing) -> Section:
    """The shifts of one day as a Gantt per site and pool, and the shifts per day."""
    anchor, title = "schedule", "Shifts"
    source = "schedule.csv: shifts chosen per site, pool and site-local day"
    sched = tables.get("schedule")
    if sched is None:
        return not_run(anchor, title, source, "schedule.csv")
    sched = check_report_table(sched, "schedule")
    day = st.gantt_day or busiest_day(sched)
    data: dict[str, Any] = {"chart": None, "day": day, "chosen": bool(st.gantt_day)}
    if day is not None:
        bars = day_bars(sched, day)
        data["chart"] = gantt_chart(bars, day, st.zones) if len(bars) else None
        data["weekday"] = _weekday(day)
    paid = sched.assign(
        paid_h=sched["agents"].to_numpy(dtype=float)
        * sched["shift_length_min"].to_numpy(dtype=float)
        / 60.0
    )
    summary = (
        paid.groupby(["site", "pool", "local_date"], sort=True)
        .agg(shifts=("agents", "sum"), shift_h=("paid_h", "sum"))
        .reset_index()
    )
    data["table"] = table_view(summary)
    return Section(anchor, title, source, "schedule.html.j2", data)


def _weekday(day: str) -> str:
    """``"Monday "`` for ``"2025-03-03"``; "" when ``day`` is not a date."""
    try:
        return dt.date.fromisoformat(day).strftime("%A ")
    except ValueError:
        return ""


def gantt_chart(bars: pd.DataFrame, day: str, zones: Mapping[str, str]) -> Chart:
    """One axis per site; one bar per shift (its agents written on it), breaks hatched.

    Every shift bar carries the SVG id ``gantt-shift-<n>`` and every break
    ``gantt-break-<n>``, so the drawn bars can be counted.
    """
    sites = list(dict.fromkeys(bars["site"]))
    heights = [max(len(bars[bars["site"] == s]), 1) * 0.17 + 0.9 for s in sites]
    fig = Figure(figsize=(11, sum(heights) + 0.3), layout="constrained")
    axes = fig.subplots(len(sites), 1, squeeze=False, height_ratios=heights).ravel()
    pools = list(dict.fromkeys(bars["pool"]))
    weekday = _weekday(day)
    n_shift = n_break = 0
    for ax, site in zip(axes, sites, strict=True):
        rows = bars[bars["site"] == site].reset_index(drop=True)
        y = np.arange(len(rows))
        for i, r in rows.iterrows():
            colour = COLOURS[pools.index(r["pool"]) % len(COLOURS)]
            length_min = r["end_min"] - r["start_min"]
            gid = f"gantt-shift-{n_shift}"
            shift_bar(ax, i, r["start_min"], length_min, colour, height=0.72, gid=gid)
            n_shift += 1
            for b_start, b_len in r["breaks"]:
                gid = f"gantt-break-{n_break}"
                break_bar(ax, i, b_start, b_len, colour, height=0.72, gid=gid)
                n_break += 1
            ax.text(r["end_min"] / 60.0 + 0.08, i, f"×{int(r['agents'])}", va="center", fontsize=6)
        ax.set_yticks(
            y,
            [f"{p} · {s}" for p, s in zip(rows["pool"], rows["shift"], strict=True)],
            fontsize=5.5,
        )
        ax.invert_yaxis()
        lo = int(np.floor(rows["start_min"].min() / 60.0)) if len(rows) else 0
        hi = int(np.ceil(rows["end_min"].max() / 60.0)) + 1 if len(rows) else 24
        ax.set_xlim(lo, hi)
        ax.set_xticks(range(lo, hi + 1), [f"{h % 24:02d}:00" for h in range(lo, hi + 1)])
        style_axes(
            ax,
            f"{site} · {weekday}{day} · {int(rows['agents'].sum())} agents on {len(rows)} shifts",
        )
        ax.set_xlabel(zone_label(zones.get(site, "UTC")), fontsize=7)
    handles = [
        Patch(color=COLOURS[pools.index(p) % len(COLOURS)], label=f"pool {p}") for p in pools
    ]
    handles.append(Patch(facecolor="#ffffff", hatch="////", edgecolor="#555", label="break"))
    fig.legend(handles=handles, fontsize=7, loc="outside upper center", ncols=len(handles))
    return svg_chart(fig, "gantt")
