"""Stage entry: requirements → shifts per site and pool, overflow between regions, coverage.

``schedule_shifts`` turns the REQUIREMENTS table into the arrays of
:class:`wfm.schedule.problem_data.Problem` (shift patterns per site-local day, pools with their
skills, gross requirement per site and skill, overflow arcs priced through the queue model),
solves it, and returns the SCHEDULE table with the coverage, overflow, pool_agents and cost
side tables and the solver outcome.
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from wfm.core.calendar import open_mask, whole_local_days
from wfm.core.checks import check_requirements
from wfm.core.config import Scenario
from wfm.core.results import SolveResult, StageResult
from wfm.schedule.optimiser import cut_note, solve
from wfm.schedule.problem import (
    build_ai_moves,
    build_arcs,
    build_need,
    check_minimum_on_queue,
    pools_and_columns,
    requirement_grid,
)
from wfm.schedule.problem_data import Problem
from wfm.schedule.results import (
    allocation_table,
    cost_table,
    coverage_table,
    overflow_table,
    pool_agents_table,
    schedule_table,
)
from wfm.schedule.solution import Solution

log = logging.getLogger(__name__)

_MIN_PER_H = 60.0


def schedule_shifts(requirements: pd.DataFrame, scenario: Scenario) -> StageResult:
    """Choose shifts per site and pool and route overflow at least cost.

    Parameters
    ----------
    requirements : pandas.DataFrame
        REQUIREMENTS table: per UTC ``interval_start``, ``site`` and ``skill`` the gross
        on-queue agents ``agents_required_gross`` (shrinkage without the breaks placed here),
        net ``agents_required``, ``contacts`` and ``aht_s``.
    scenario : Scenario
        Sites, pools, shift rules, overflow policy, solver settings and seed.

    Returns
    -------
    StageResult
        ``table``: SCHEDULE (agents per site, pool, local day and shift with its breaks);
        ``tables``: ``coverage`` (COVERAGE), ``overflow``, ``pool_agents``, ``cost`` and
        ``allocation`` (:data:`wfm.core.routing.ALLOCATION`: on-queue agents of each pool
        allocated to each skill per interval, which the simulation check follows);
        ``solve``: status, objective, best bound (LP relaxation), gap, wall time, workers,
        seed; ``notes``: shortfall and approximations a planner must see.

    Raises
    ------
    InputError
        A requirements row names a site or skill the scenario does not have, lies off the
        interval grid or beyond the scenario's horizon (``check_requirements``).
    InfeasibleError
        A hard rule cannot be met (no template fits a site's opening hours, headcount below
        ``min_agents_on_queue``, weekly rules); the message names the rule, site and time.

    Notes
    -----
    The model, its objective and constraints are in :mod:`wfm.schedule.model`; the pricing
    of overflow through the queue model in :mod:`wfm.schedule.overflow`.
    """
    req = requirements.sort_values(["interval_start", "site", "skill"], kind="mergesort")
    # lines as in requirements.csv, which is written in this order
    check_requirements(req.reset_index(drop=True), scenario, source="requirements")
    notes: list[str] = []
    problem, grid, rows, patterns = _problem(req, scenario, notes)
    sol = solve(problem, scenario.solver, scenario.seed)
    schedule = schedule_table(sol, problem, patterns)
    coverage = coverage_table(sol, problem, grid, rows)
    overflow = overflow_table(sol, problem, grid)
    pool_agents = pool_agents_table(sol, problem, grid)
    cost = cost_table(sol, problem, scenario)
    short_h = _solution_notes(sol, problem, coverage, notes)
    result = _solve_result(sol, scenario, short_h, notes)
    figures = {
        "paid_h": float(
            sum(c.paid_h * k for c, k in zip(problem.columns, sol.counts, strict=True))
        ),
        "shortfall_agent_h": short_h,
        "overflow_contacts": float(overflow["contacts"].sum()) if len(overflow) else 0.0,
        "shifts": int(sol.counts.sum()),
        "objective": sol.objective,
        "gap_rate": result.gap_rate,
    }
    return StageResult(
        table=schedule,
        tables={
            "coverage": coverage,
            "overflow": overflow,
            "pool_agents": pool_agents,
            "allocation": allocation_table(sol, problem, grid),
            "cost": cost,
        },
        notes=tuple(notes),
        figures=figures,
        solve=result,
    )


def _problem(
    req: pd.DataFrame, scenario: Scenario, notes: list[str]
) -> tuple[Problem, pd.DatetimeIndex, Any, Any]:
    """The :class:`Problem` of the checked, sorted requirements ``req``: grid, pools and
    pattern columns, need, overflow arcs, AI moves and the hard minimum. Appends the notes
    on skills no pool holds and on AI moves to ``notes``. Returns the problem, the UTC
    interval grid, the requirement rows and the shift patterns."""
    interval_min = scenario.interval_min
    grid = requirement_grid(req, interval_min)
    n = len(grid)
    pools, columns, patterns = pools_and_columns(scenario, grid, interval_min)
    need, rows = build_need(req, grid)
    for (site, skill), arr in sorted(need.items()):
        holders = [p for p in pools if p.site == site and skill in p.skills]
        if not holders and arr.sum() > 0:
            notes.append(
                f"site {site} has a requirement for skill {skill} but no pool holding "
                "it; it can only be met by overflow or stays short"
            )
    arcs, receivers = build_arcs(scenario, rows, grid)
    ai_moves, ai_per_contact, ai_free = build_ai_moves(scenario, rows, n, notes)
    masks = {s: open_mask(grid, cfg, interval_min) for s, cfg in scenario.sites.items()}
    check_minimum_on_queue(scenario, pools, columns, masks, grid)
    problem = Problem(
        n_intervals=n,
        interval_min=interval_min,
        pools=tuple(pools),
        columns=tuple(columns),
        need=need,
        open_mask=masks,
        arcs=tuple(arcs),
        receivers=receivers,
        max_days_per_week=scenario.shifts.max_days_per_week,
        max_h_per_week=scenario.shifts.max_h_per_week,
        min_rest_min=scenario.shifts.min_rest_h * _MIN_PER_H,
        min_agents_on_queue=scenario.shifts.min_agents_on_queue,
        horizon_days=whole_local_days(grid, interval_min, [c.tz for c in scenario.sites.values()]),
        shortfall_cost=scenario.solver.shortfall_cost_per_h,
        overstaff_cost=scenario.solver.overstaff_cost_per_h,
        overflow_cost_per_contact=scenario.overflow.cost_per_contact,
        ai_moves=tuple(ai_moves),
        ai_sessions_per_contact=ai_per_contact,
        ai_free_sessions=ai_free,
    )
    return problem, grid, rows, patterns


def _solution_notes(
    sol: Solution, problem: Problem, coverage: pd.DataFrame, notes: list[str]
) -> float:
    """Append the shortfall and overflow-pricing notes; return the shortfall [agent-h]."""
    short_h = (
        float(sum(a.sum() for a in sol.shortfall.values())) * problem.interval_min / _MIN_PER_H
    )
    if short_h > 1e-6:
        worst = coverage.sort_values("agents_gap", kind="mergesort").iloc[0]
        notes.append(
            f"shortfall of {short_h:.1f} agent-hours in total; worst interval "
            f"{worst['interval_start'].isoformat()} at {worst['site']} skill {worst['skill']}: "
            f"{-worst['agents_gap']:.1f} agents short"
        )
    if problem.arcs:
        notes.append(
            "overflow priced conservatively: savings at the origin and agents at the "
            "receiving site from a tabled Erlang C requirement over the allowed overflow "
            "range, the receiver's with a fixed charge (see docs/schedule.md)"
        )
    return short_h


def _solve_result(
    sol: Solution, scenario: Scenario, short_h: float, notes: list[str]
) -> SolveResult:
    """The solver outcome with its detail; appends the note of a search cut short."""
    detail = dict(sol.detail)
    detail["shortfall_agent_h"] = round(short_h, 6)
    gap_rate = (sol.objective - sol.best_bound) / max(abs(sol.objective), 1e-9)
    cut = cut_note(detail, scenario.solver, gap_rate)
    if cut:
        notes.append(cut)
    return SolveResult(
        status=sol.status,
        objective=sol.objective,
        best_bound=sol.best_bound,
        gap_rate=gap_rate,
        wall_s=sol.wall_s,
        num_workers=scenario.solver.num_workers,
        seed=scenario.seed,
        solver=sol.solver,
        detail=detail,
    )


# -- inputs -----------------------------------------------------------------------------------
