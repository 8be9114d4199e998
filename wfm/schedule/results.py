"""Tables of a solved schedule: shifts per site, pool and day; coverage, overflow, on-queue
agents per pool and the cost summary."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from wfm.core.config import Scenario
from wfm.core.routing import ALLOCATED_MIN_AGENTS, ALLOCATION
from wfm.core.schemas import COVERAGE, OVERFLOW, POOL_AGENTS, SCHEDULE, order_table
from wfm.schedule.patterns import Pattern
from wfm.schedule.problem_data import Problem
from wfm.schedule.solution import Solution

log = logging.getLogger(__name__)

_MIN_PER_H = 60.0


def schedule_table(sol: Solution, problem: Problem, patterns: list[Pattern]) -> pd.DataFrame:
    """The SCHEDULE table: agents per site, pool, local day and shift of ``sol``."""
    recs = []
    for j in np.flatnonzero(sol.counts > 0):
        col, pat = problem.columns[j], patterns[j]
        pool = problem.pools[col.pool]
        t = pat.template
        recs.append(
            {
                "site": pool.site,
                "pool": pool.name,
                "local_date": pat.local_date.isoformat(),
                "shift": t.name,
                "shift_start_local": f"{t.start_min // 60:02d}:{t.start_min % 60:02d}",
                "shift_length_min": int(t.length_min),
                "breaks": t.breaks_text(),
                "agents": int(sol.counts[j]),
                "shift_start": pat.start_utc,
                "paid_h": t.paid_min / _MIN_PER_H,
            }
        )
    df = pd.DataFrame(recs, columns=list(SCHEDULE.names) + ["shift_start", "paid_h"])
    df = df.astype({"shift_length_min": "int64", "agents": "int64", "paid_h": float})
    return order_table(df, SCHEDULE)


def coverage_table(
    sol: Solution, problem: Problem, grid: pd.DatetimeIndex, rows: dict
) -> pd.DataFrame:
    """The COVERAGE table: scheduled against required agents per interval, site and skill."""
    n = len(grid)
    out_in: dict[tuple[str, str], np.ndarray] = {}
    out_out: dict[tuple[str, str], np.ndarray] = {}
    for a_idx, f in sol.flows.items():
        arc = problem.arcs[a_idx]
        out_out.setdefault((arc.from_site, arc.skill), np.zeros(n))
        out_out[(arc.from_site, arc.skill)] += f
        out_in.setdefault((arc.to_site, arc.skill), np.zeros(n))
        out_in[(arc.to_site, arc.skill)] += f
    zero = np.zeros(n)
    ai: dict[tuple[str, str], np.ndarray] = {}
    for m_idx, a in sol.ai_contacts.items():
        move = problem.ai_moves[m_idx]
        ai[(move.site, move.skill)] = ai.get((move.site, move.skill), zero) + a
    keys = sorted(set(rows) | set(sol.allocated) | set(out_in))
    frames = []
    for site, skill in keys:
        sched = sol.allocated.get((site, skill), zero)
        required = sol.required.get((site, skill), zero)
        frames.append(
            pd.DataFrame(
                {
                    "interval_start": grid,
                    "site": site,
                    "skill": skill,
                    "agents_scheduled": np.clip(sched, 0.0, None),
                    "agents_required": required,
                    "agents_gap": sched - required,
                    "overflow_in_contacts": np.clip(out_in.get((site, skill), zero), 0.0, None),
                    "overflow_out_contacts": np.clip(out_out.get((site, skill), zero), 0.0, None),
                    "shortfall_agents": sol.shortfall.get((site, skill), zero),
                    "ai_moved_contacts": ai.get((site, skill), zero),
                }
            )
        )
    df = pd.concat(frames, ignore_index=True)
    return order_table(df, COVERAGE)


def overflow_table(sol: Solution, problem: Problem, grid: pd.DatetimeIndex) -> pd.DataFrame:
    """Contacts moved per interval, skill and pair of sites."""
    frames = []
    for a_idx, f in sol.flows.items():
        arc = problem.arcs[a_idx]
        keep = f > 1e-6
        if keep.any():
            frames.append(
                pd.DataFrame(
                    {
                        "interval_start": grid[keep],
                        "skill": arc.skill,
                        "from_site": arc.from_site,
                        "to_site": arc.to_site,
                        "contacts": f[keep],
                    }
                )
            )
    if not frames:
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in OVERFLOW.names})
        empty["interval_start"] = pd.Series(dtype="datetime64[ns, UTC]")
        empty["contacts"] = pd.Series(dtype=float)
        return empty
    return order_table(pd.concat(frames, ignore_index=True), OVERFLOW)


def pool_agents_table(sol: Solution, problem: Problem, grid: pd.DatetimeIndex) -> pd.DataFrame:
    """On-queue agents per interval, site and pool (breaks removed)."""
    frames = [
        pd.DataFrame(
            {
                "interval_start": grid,
                "site": pool.site,
                "pool": pool.name,
                "agents": sol.on_queue[p],
            }
        )
        for p, pool in enumerate(problem.pools)
    ]
    return order_table(pd.concat(frames, ignore_index=True), POOL_AGENTS)


def allocation_table(sol: Solution, problem: Problem, grid: pd.DatetimeIndex) -> pd.DataFrame:
    """ALLOCATION table: on-queue agents of each pool allocated to each skill per interval.

    The solved allocation variables of the pool-time rows (a pool's on-queue agents split over
    its skills); rows below :data:`~wfm.core.routing.ALLOCATED_MIN_AGENTS` are left out.
    """
    frames = []
    for (p, skill), agents in sorted(sol.pool_allocated.items()):
        keep = agents > ALLOCATED_MIN_AGENTS
        if keep.any():
            pool = problem.pools[p]
            frames.append(
                pd.DataFrame(
                    {
                        "interval_start": grid[keep],
                        "site": pool.site,
                        "pool": pool.name,
                        "skill": skill,
                        "agents": agents[keep],
                    }
                )
            )
    if not frames:
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in ALLOCATION.names})
        empty["interval_start"] = pd.Series(dtype="datetime64[ns, UTC]")
        empty["agents"] = pd.Series(dtype=float)
        return empty
    return order_table(pd.concat(frames, ignore_index=True), ALLOCATION)


def cost_table(sol: Solution, problem: Problem, scenario: Scenario) -> pd.DataFrame:
    """Labour, penalty, overflow and total cost per site [currency]."""
    step_h = problem.interval_min / _MIN_PER_H
    recs = []
    for site in scenario.sites:
        paid_h = sum(
            c.paid_h * k
            for c, k in zip(problem.columns, sol.counts, strict=True)
            if problem.pools[c.pool].site == site
        )
        recs.append(
            {
                "site": site,
                "item": "labour",
                "quantity": paid_h,
                "unit": "agent_h",
                "cost": paid_h * scenario.sites[site].cost_per_h,
            }
        )
        short = sum(a.sum() for (s, _), a in sol.shortfall.items() if s == site) * step_h
        recs.append(
            {
                "site": site,
                "item": "shortfall_penalty",
                "quantity": short,
                "unit": "agent_h",
                "cost": short * problem.shortfall_cost,
            }
        )
        over = sum(a.sum() for (s, _), a in sol.surplus.items() if s == site) * step_h
        recs.append(
            {
                "site": site,
                "item": "overstaff_penalty",
                "quantity": over,
                "unit": "agent_h",
                "cost": over * problem.overstaff_cost,
            }
        )
        moved = sum(f.sum() for a, f in sol.flows.items() if problem.arcs[a].from_site == site)
        recs.append(
            {
                "site": site,
                "item": "overflow",
                "quantity": moved,
                "unit": "contacts",
                "cost": moved * problem.overflow_cost_per_contact,
            }
        )
        ai_n = sum(a.sum() for m, a in sol.ai_contacts.items() if problem.ai_moves[m].site == site)
        ai_cost = sum(
            (a * problem.ai_moves[m].cost_per_contact).sum()
            for m, a in sol.ai_contacts.items()
            if problem.ai_moves[m].site == site
        )
        recs.append(
            {"site": site, "item": "ai", "quantity": ai_n, "unit": "contacts", "cost": ai_cost}
        )
    df = pd.DataFrame(recs)
    total = pd.DataFrame(
        [{"site": "all", "item": "total", "quantity": np.nan, "unit": "", "cost": df["cost"].sum()}]
    )
    return pd.concat([df, total], ignore_index=True)
