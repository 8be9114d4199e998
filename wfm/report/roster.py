"""The roster section of the report: who works when, on each site's local clock.

Shown only when the plan has a roster (its scenario names an agents file). A day's roster is
drawn as a Gantt by agent: one row per agent, a bar from the shift's local start to its
local end, breaks hatched; the day is the one with the most agent-shifts (or the day asked
for). With more than :data:`MAX_GANTT_ROWS` agents on that day, the Gantt shows the busiest
site-pool of the day only, cut at that many rows, and says so. A week by agent gives, for
the roster's first seven days, each agent's local start–end, "off", or "time off" (a day the
time off the roster kept to overlaps). The figures: agent-shifts rostered against the
schedule's, the shifts left open with the rules that stopped the candidates, the spread of
weekends, nights, evenings and paid hours within each pool, and the preferences met.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from wfm.core.breaks import parse_breaks
from wfm.core.errors import InputError
from wfm.report import numbers as fmt
from wfm.report.charts import (
    COLOURS,
    break_bar,
    shift_bar,
    style_axes,
    svg_chart,
    zone_label,
)
from wfm.report.markup import Chart, Section, table_view

MAX_GANTT_ROWS = 60
"""Agents drawn in the roster Gantt at most."""

_ROSTER_COLUMNS = ("agent_id", "site", "pool", "local_date", "shift_start", "shift_end",
                   "shift_start_local")  # fmt: skip
_TOP_UNASSIGNED = 5


def _checked(df: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in _ROSTER_COLUMNS if c not in df.columns]
    if missing:
        raise InputError(
            f"missing column {missing[0]!r}",
            source="roster.csv",
            line=1,
            expected="columns " + ", ".join(_ROSTER_COLUMNS),
        )
    return df


def _line(row: pd.Series) -> int | None:
    line = row.get("csv_line")
    return None if line is None else int(line)


def local_spans(roster: pd.DataFrame, zones: Mapping[str, str]) -> pd.DataFrame:
    """The roster with ``start_min`` and ``end_min``: minutes after the local midnight of
    ``local_date`` on the site's clock (an end after midnight is above 1440). A site whose
    zone is not known (a report without its scenario) takes ``shift_start_local`` and the
    shift's length. ``csv_line`` is the row's line in ``roster.csv`` (an error names it)."""
    out = roster.reset_index(drop=True).copy()
    start = np.zeros(len(out), dtype=int)
    end = np.zeros(len(out), dtype=int)
    for site, idx in out.groupby("site", sort=False).groups.items():
        at = np.asarray(idx)
        t0 = pd.to_datetime(out.loc[idx, "shift_start"], utc=True)
        t1 = pd.to_datetime(out.loc[idx, "shift_end"], utc=True)
        zone = zones.get(str(site))
        if zone is None:
            clock = out.loc[idx, "shift_start_local"].astype(str).str.split(":", expand=True)
            start[at] = clock[0].astype(int).to_numpy() * 60 + clock[1].astype(int).to_numpy()
            end[at] = start[at] + ((t1 - t0) / pd.Timedelta(minutes=1)).to_numpy()
            continue
        day0 = pd.to_datetime(out.loc[idx, "local_date"].astype(str))
        for t, arr in ((t0, start), (t1, end)):
            naive = t.dt.tz_convert(zone).dt.tz_localize(None)
            arr[at] = ((naive - day0) / pd.Timedelta(minutes=1)).to_numpy()
    return out.assign(start_min=start, end_min=end, csv_line=np.arange(len(out)) + 2)


def pick_gantt(roster: pd.DataFrame, day: str = "") -> tuple[str, pd.DataFrame, str]:
    """The day drawn, its rows (sorted by site, pool, start, agent) and what was left out.

    The day is ``day`` when the roster has it, else the day with the most agent-shifts (the
    first of equals). Over :data:`MAX_GANTT_ROWS` rows, only the busiest site-pool of the
    day is kept, cut at that many rows; the third item says so ("" when nothing is cut).
    """
    dates = roster["local_date"].astype(str)
    if not day or day not in set(dates):
        counts = dates.value_counts()
        day = str(min(counts[counts == counts.max()].index))
    rows = roster[dates == day].sort_values(
        ["site", "pool", "start_min", "end_min", "agent_id"], kind="mergesort"
    )
    cut = ""
    if len(rows) > MAX_GANTT_ROWS:
        per = rows.groupby(["site", "pool"], sort=True).size()
        site, pool = per[per == per.max()].index[0]
        total = len(rows)
        rows = rows[(rows["site"] == site) & (rows["pool"] == pool)]
        shown = min(len(rows), MAX_GANTT_ROWS)
        cut = (
            f"{total:,d} agents work that day; the Gantt shows site {site}, pool {pool} "
            f"(the busiest), {shown:,d} of its {len(rows):,d} agents"
        )
        rows = rows.head(MAX_GANTT_ROWS)
    return day, rows.reset_index(drop=True), cut


def roster_gantt(rows: pd.DataFrame, day: str, zones: Mapping[str, str]) -> Chart:
    """One row per agent, a bar from local start to local end, breaks hatched.

    Every shift bar carries the SVG id ``roster-shift-<n>`` and every break
    ``roster-break-<n>``; the agent ids are the row labels (escaped by the SVG writer).
    """
    n = len(rows)
    fig = Figure(figsize=(11, 0.19 * n + 1.3), layout="constrained")
    ax = fig.subplots()
    pools = list(dict.fromkeys(zip(rows["site"], rows["pool"], strict=True)))
    n_break = 0
    for i, r in rows.iterrows():
        colour = COLOURS[pools.index((r["site"], r["pool"])) % len(COLOURS)]
        length_min = r["end_min"] - r["start_min"]
        shift_bar(ax, i, r["start_min"], length_min, colour, height=0.7, gid=f"roster-shift-{i}")
        breaks = parse_breaks(r.get("breaks"), source="roster.csv", line=_line(r))
        for b_start, b_len in breaks:
            if b_start < r["start_min"]:  # a break after midnight of a night shift
                b_start += 1440
            break_bar(ax, i, b_start, b_len, colour, height=0.7, gid=f"roster-break-{n_break}")
            n_break += 1
    ax.set_axisbelow(True)
    ax.set_yticks(np.arange(n), [str(a) for a in rows["agent_id"]], fontsize=6)
    ax.set_ylim(n - 0.5, -0.5)
    lo = int(np.floor(rows["start_min"].min() / 60.0))
    hi = int(np.ceil(rows["end_min"].max() / 60.0))
    ax.set_xlim(lo, hi)
    ax.set_xticks(range(lo, hi + 1), [f"{h % 24:02d}:00" for h in range(lo, hi + 1)])
    try:
        weekday = dt.date.fromisoformat(day).strftime("%A ")
    except ValueError:
        weekday = ""
    style_axes(ax, f"{weekday}{day} · {n} agents")
    site_zones = {zones.get(str(s)) for s in rows["site"]}
    ax.set_xlabel(
        " / ".join(zone_label(z) if z else "site-local time" for z in sorted(site_zones, key=str)),
        fontsize=7,
    )
    handles = [
        Patch(color=COLOURS[k % len(COLOURS)], label=f"{site} · {pool}")
        for k, (site, pool) in enumerate(pools)
    ]
    handles.append(Patch(facecolor="#ffffff", hatch="////", edgecolor="#555", label="break"))
    fig.legend(handles=handles, fontsize=7, loc="outside upper center", ncols=len(handles))
    return svg_chart(fig, "roster")


def week_by_agent(
    spans: pd.DataFrame,
    summary: pd.DataFrame | None,
    time_off: pd.DataFrame | None,
    zones: Mapping[str, str],
    scope: set[tuple[str, str]] | None = None,
) -> pd.DataFrame:
    """Agent × the roster's first 7 days: ``HH:MM–HH:MM`` (local), ``time off`` or ``off``.

    Agents are those of the agent summary (else of the roster), of the site-pools in
    ``scope`` when given, sorted by site, pool and id.
    """
    first = dt.date.fromisoformat(str(spans["local_date"].astype(str).min()))
    days = [first + dt.timedelta(days=i) for i in range(7)]
    who = summary if summary is not None and len(summary) else spans
    people = who[["agent_id", "site", "pool"]].astype(str).drop_duplicates()
    if scope is not None:
        keep = [(s, p) in scope for s, p in zip(people["site"], people["pool"], strict=True)]
        people = people[keep]
    people = people.sort_values(["site", "pool", "agent_id"], kind="mergesort")
    shifts = {
        (str(r.agent_id), str(r.local_date)): f"{_clock(r.start_min)}–{_clock(r.end_min)}"
        for r in spans.itertuples(index=False)
    }
    off = _time_off_days(time_off, people, days, zones)
    out: dict[str, list[str]] = {"agent_id": [], "pool": []}
    heads = [d.strftime("%a %d %b") for d in days]
    for h in heads:
        out[h] = []
    for r in people.itertuples(index=False):
        out["agent_id"].append(r.agent_id)
        out["pool"].append(f"{r.site} · {r.pool}")
        for d, h in zip(days, heads, strict=True):
            cell = shifts.get((r.agent_id, d.isoformat()))
            out[h].append(cell or ("time off" if (r.agent_id, d) in off else "off"))
    return pd.DataFrame(out)


def _clock(minutes: int) -> str:
    """Minutes after local midnight as ``HH:MM`` (``+1`` for the next day)."""
    m = int(minutes)
    text = f"{m % 1440 // 60:02d}:{m % 60:02d}"
    return text + " +1" if m > 1440 else ("24:00" if m == 1440 else text)


def _time_off_days(
    time_off: pd.DataFrame | None,
    people: pd.DataFrame,
    days: list[dt.date],
    zones: Mapping[str, str],
) -> set[tuple[str, dt.date]]:
    """(agent, local day) pairs some time off overlaps, on the agent's site's clock."""
    if time_off is None or time_off.empty or not {"agent_id", "start", "end"} <= set(time_off):
        return set()
    site_of = dict(zip(people["agent_id"], people["site"], strict=True))
    found = set()
    starts = pd.to_datetime(time_off["start"], utc=True)
    ends = pd.to_datetime(time_off["end"], utc=True)
    for agent, a, b in zip(time_off["agent_id"].astype(str), starts, ends, strict=True):
        if agent not in site_of:
            continue
        zone = zones.get(site_of[agent], "UTC")
        for d in days:
            lo = pd.Timestamp(d).tz_localize(zone)
            hi = pd.Timestamp(d + dt.timedelta(days=1)).tz_localize(zone)
            if a < hi and b > lo:
                found.add((agent, d))
    return found


def _spread(values: pd.Series, decimals: int = 0) -> str:
    lo, hi = float(values.min()), float(values.max())
    return f"{lo:,.{decimals}f}–{hi:,.{decimals}f} (spread {hi - lo:,.{decimals}f})"


def fairness_per_pool(summary: pd.DataFrame) -> pd.DataFrame:
    """Per site and pool: agents, and the spread of paid hours, weekends, nights and evenings
    worked over the roster, and the preferences met."""
    rows = []
    for (site, pool), g in summary.groupby(["site", "pool"], sort=True):
        n, met = int(g["preferences"].sum()), int(g["preferences_met"].sum())
        rows.append(
            {
                "site": site,
                "pool": pool,
                "people": f"{len(g):,d}",
                "paid hours min–max": _spread(g["paid_h"], 1),
                "weekends worked min–max": _spread(g["weekends"]),
                "nights worked min–max": _spread(g["nights"]),
                "evenings worked min–max": (
                    _spread(g["evenings"]) if "evenings" in g else "not recorded"
                ),
                "preferences met": f"{met:,d} of {n:,d}" if n else "none given",
            }
        )
    return pd.DataFrame(rows)


def roster_figures(
    roster: pd.DataFrame, unassigned: pd.DataFrame | None, stage: Mapping[str, Any]
) -> list[tuple[str, str]]:
    """The roster's key figures as (label, text): from the stage's figures in the manifest,
    else counted from the tables."""
    figs = stage.get("figures")
    figs = figs if isinstance(figs, Mapping) else {}
    total = figs.get("total")
    total = total if isinstance(total, Mapping) else None
    if total is None:
        open_ = int(unassigned["unassigned"].sum()) if unassigned is not None else 0
        total = {"shifts_assigned": len(roster), "shifts_unassigned": open_}
        total["shifts_required"] = len(roster) + open_
    req, got = int(total["shifts_required"]), int(total["shifts_assigned"])
    out = [
        (
            "agent-shifts rostered",
            f"{got:,d} of {req:,d} planned ({fmt.rate(got / req if req else 1.0)})",
        ),
        ("agent-shifts unassigned", f"{int(total['shifts_unassigned']):,d}"),
    ]
    if "shifts_over" in total:
        out.append(("agent-shifts beyond the schedule", f"{int(total['shifts_over']):,d}"))
    if "preferences" in total:
        n, met = int(total["preferences"]), int(total["preferences_met"])
        out.append(
            ("preferences met", f"{met:,d} of {n:,d} ({fmt.rate(met / n)})" if n else "none given")
        )
    if "violations" in total:
        out.append(("hard-rule violations", f"{int(total['violations']):,d}"))
    solve = figs.get("solve")
    if isinstance(solve, Mapping):
        out.append(
            (
                "roster solver",
                f"{solve.get('status', '?')}, gap {fmt.rate(solve.get('gap_rate'))}, "
                f"{fmt.decimal(solve.get('wall_s'))} s",
            )
        )
    return out


def top_unassigned(unassigned: pd.DataFrame | None) -> pd.DataFrame | None:
    """The shifts with the most agent-shifts left open, with the reasons (at most 5)."""
    if unassigned is None or unassigned.empty:
        return None
    top = unassigned.assign(_n=pd.to_numeric(unassigned["unassigned"], errors="coerce"))
    top = top.sort_values(["_n", "local_date"], ascending=[False, True], kind="mergesort")
    top = top.head(_TOP_UNASSIGNED)
    return pd.DataFrame(
        {
            "site": top["site"].astype(str),
            "pool": top["pool"].astype(str),
            "local_date": top["local_date"].astype(str),
            "start (local)": top["shift_start_local"].astype(str),
            "unassigned": [
                f"{int(v):,d} of {int(r):,d}"
                for v, r in zip(top["_n"], top["required"], strict=True)
            ],
            "why each candidate could not take it": top["reasons"].fillna("").astype(str),
        }
    )


def roster_section(
    tables: Mapping[str, pd.DataFrame],
    manifest: Mapping[str, Any],
    zones: Mapping[str, str],
    gantt_day: str = "",
) -> Section | None:
    """The roster of named agents (None when the plan has no roster)."""
    roster = tables.get("roster")
    if roster is None:
        return None
    anchor, title = "roster", "Roster of named agents"
    source = (
        "roster.csv (one row per agent-shift), unassigned.csv (shifts nobody could take, with "
        "the rule that stopped each candidate), agent_summary.csv; times on each site's "
        "local clock"
    )
    stages = manifest.get("stages")
    stage = stages.get("roster", {}) if isinstance(stages, Mapping) else {}
    unassigned, summary = tables.get("unassigned"), tables.get("agent_summary")
    data: dict[str, Any] = {
        "figures": roster_figures(roster, unassigned, stage if isinstance(stage, Mapping) else {}),
        "chart": None,
        "top": None,
        "fairness": None,
    }
    top = top_unassigned(unassigned)
    if top is not None:
        data["top"] = table_view(top)
    if summary is not None and len(summary):
        data["fairness"] = table_view(fairness_per_pool(summary))
    roster = _checked(roster)
    if roster.empty:
        return Section(anchor, title, source, "roster.html.j2", data)
    spans = local_spans(roster, zones)
    day, rows, cut = pick_gantt(spans, gantt_day)
    scope = set(zip(rows["site"], rows["pool"], strict=True)) if cut else None
    week = week_by_agent(spans, summary, tables.get("time_off"), zones, scope)
    data.update(
        chart=roster_gantt(rows, day, zones),
        day=day,
        chosen=bool(gantt_day) and gantt_day == day,
        cut=cut,
        week=table_view(week),
        week_first=week.columns[2],
    )
    return Section(anchor, title, source, "roster.html.j2", data)
