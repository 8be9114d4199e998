"""Per-agent summary and per-pool figures of a solved roster."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pandas as pd

from wfm.core.calendar import weekday_name
from wfm.core.checks import is_iso_date
from wfm.core.results import SolveResult
from wfm.roster.build import PoolRoster, clock_of

_STATUS_ORDER = ("OPTIMAL", "FEASIBLE")


def _pref_met(pr: PoolRoster, days: dict[int, str], kind: str, value: str) -> bool:
    first = pr.first_date
    if kind == "day_off":
        v = value.strip().lower()
        for d in days:
            day = first + dt.timedelta(days=d)
            if v in (weekday_name(day), day.isoformat()):
                return False
        return True
    if kind == "avoid_shift":
        return value.strip() not in days.values()
    lo, hi = (clock_of(x) for x in value.strip().split("-"))
    return all(lo <= pr.problem.shift(t).start_min <= hi for t in days.values())


def _applies(pr: PoolRoster, kind: str, value: str) -> bool:
    """False for a day off asked on a date outside the roster (it can be neither met nor
    broken here, so it is not counted)."""
    if kind != "day_off" or not is_iso_date(value):
        return True
    return 0 <= (dt.date.fromisoformat(value.strip()) - pr.first_date).days < pr.problem.days


def agent_summary(
    pr: PoolRoster, assignment: dict, preferences: pd.DataFrame | None
) -> tuple[list[dict], dict]:
    """Rows of the agent_summary table and the pool's figures."""
    pb = pr.problem
    per: dict[str, dict[int, str]] = {s.id: {} for s in pb.staff}
    for (a, d), t in assignment.items():
        per[a][d] = t
    rows = []
    for s in pb.staff:
        days = per[s.id]
        prefs = (
            preferences[preferences["agent_id"] == s.id]
            if preferences is not None and len(preferences)
            else pd.DataFrame(columns=["kind", "value"])
        )
        asked = [
            (k, str(v))
            for k, v in zip(prefs["kind"], prefs["value"], strict=True)
            if _applies(pr, k, str(v))
        ]
        met = sum(_pref_met(pr, days, k, v) for k, v in asked)
        changed = sum(1 for (a, d), t in pb.published.items() if a == s.id and days.get(d) != t)
        rows.append(
            {
                "agent_id": s.id,
                "site": pr.site,
                "pool": pr.pool,
                "paid_h": sum(pb.shift(t).paid_min for t in days.values()) / 60.0,
                "days": len(days),
                "weekends": pb.weekends_worked(days),
                "nights": pb.nights_worked(days),
                "evenings": pb.evenings_worked(days),
                "preferences_met": int(met),
                "preferences": len(asked),
                "changed_days": int(changed),
            }
        )
    return rows, _pool_figures(pr, assignment, rows)


def _pool_figures(pr: PoolRoster, assignment: dict, rows: list[dict]) -> dict:
    have: Counter = Counter((d, t) for (_, d), t in assignment.items())
    required = sum(c.requirement for c in pr.problem.cover)
    covered = sum(min(c.requirement, have[c.day, c.shift]) for c in pr.problem.cover)
    over = sum(max(0, have[c.day, c.shift] - c.requirement) for c in pr.problem.cover)
    df = pd.DataFrame(rows)
    fig = {
        "agents": len(rows),
        "shifts_required": int(required),
        "shifts_assigned": int(covered),
        "shifts_unassigned": int(required - covered),
        "shifts_over": int(over),
        "coverage_rate": covered / required if required else 1.0,
        "preferences": int(df["preferences"].sum()) if len(df) else 0,
        "preferences_met": int(df["preferences_met"].sum()) if len(df) else 0,
        "changed_days": int(df["changed_days"].sum()) if len(df) else 0,
    }
    for col in ("weekends", "nights", "evenings", "paid_h"):
        if len(df):
            fig[f"{col}_min"] = float(df[col].min())
            fig[f"{col}_max"] = float(df[col].max())
            fig[f"{col}_mean"] = float(df[col].mean())
    return fig


def total_figures(figures: dict) -> dict:
    """Sums over pools of the count figures, and the overall rates."""
    keys = (
        "agents",
        "shifts_required",
        "shifts_assigned",
        "shifts_unassigned",
        "shifts_over",
        "preferences",
        "preferences_met",
        "changed_days",
        "violations",
    )
    tot: dict[str, float] = {k: int(sum(f.get(k, 0) for f in figures.values())) for k in keys}
    tot["coverage_rate"] = (
        tot["shifts_assigned"] / tot["shifts_required"] if tot["shifts_required"] else 1.0
    )
    tot["preferences_met_rate"] = (
        tot["preferences_met"] / tot["preferences"] if tot["preferences"] else 1.0
    )
    return tot


def combine_solves(
    solves: list[SolveResult], workers: int, seed: int, wall_s: float
) -> SolveResult:
    """One SolveResult for the pools: objectives and bounds summed, the weakest status."""
    if not solves:
        return SolveResult(
            status="OPTIMAL",
            objective=0.0,
            best_bound=0.0,
            gap_rate=0.0,
            wall_s=wall_s,
            num_workers=workers,
            seed=seed,
            solver="CP-SAT",
        )
    status = "OPTIMAL" if all(s.status == "OPTIMAL" for s in solves) else "FEASIBLE"
    obj = sum(s.objective for s in solves)
    bound = sum(s.best_bound for s in solves)
    gap = max(0.0, obj - bound) / max(abs(obj), 1e-9) if obj else 0.0
    return SolveResult(
        status=status,
        objective=obj,
        best_bound=bound,
        gap_rate=min(gap, 1.0),
        wall_s=wall_s,
        num_workers=workers,
        seed=seed,
        solver="CP-SAT",
        detail={
            "pools": len(solves),
            "variables": sum(s.detail.get("variables", 0) for s in solves),
        },
    )
