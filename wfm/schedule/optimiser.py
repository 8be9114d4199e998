"""Solve a shift and overflow :class:`~wfm.schedule.model.Problem`: the LP bound, then the
``lp_guided`` heuristics (dive, switch closing, local search, MIP polish) or one MIP."""

from __future__ import annotations

import logging
import time

import numpy as np
from ortools.linear_solver import pywraplp

from wfm.core.config import SolverConfig
from wfm.core.errors import InfeasibleError, SolverError
from wfm.schedule.model import (
    _SOLVERS,
    _STATUS,
    Problem,
    Solution,
    _build,
    _extract,
    _new_solver,
    _params,
)
from wfm.schedule.polish import _polish
from wfm.schedule.search import _close_switches, _dive, _improve

log = logging.getLogger(__name__)


def solve(problem: Problem, config: SolverConfig, seed: int) -> Solution:
    """Solve ``problem`` as configured (see module notes).

    Raises
    ------
    InfeasibleError
        The hard rules (headcount, weekly rules, minimum on queue) cannot all hold.
    SolverError
        The solver stopped without a schedule (time limit too short, solver failure).
    """
    t0 = time.perf_counter()
    lp = _new_solver("GLOP", config, seed)
    built = _build(problem, lp, integer=False)
    lp_status = lp.Solve()
    if lp_status == pywraplp.Solver.INFEASIBLE:
        raise InfeasibleError(
            "the hard rules (headcount per pool and day, working days, paid "
            "hours, rest, minimum on queue) cannot all be met; relax "
            "min_agents_on_queue or the weekly rules, or raise headcount"
        )
    if lp_status != pywraplp.Solver.OPTIMAL:
        raise SolverError(f"LP relaxation ended with status {_STATUS.get(lp_status, lp_status)}")
    lp_bound = lp.Objective().Value()
    lp_wall = time.perf_counter() - t0
    relaxed = np.array([v.solution_value() for v in built.x])
    detail: dict = {
        "lp_bound": lp_bound,
        "lp_wall_s": round(lp_wall, 3),
        "method": config.method,
        "pattern_columns": len(problem.columns),
    }
    if config.method == "lp_guided":
        deadline = t0 + config.time_limit_s
        rounds = _dive(lp, built, deadline)
        dive_objective = lp.Objective().Value()
        closed = _close_switches(lp, built, deadline)
        moves, tried = _improve(lp, built, problem, deadline, lp_bound, config.gap_target_rate)
        detail["local_search_objective"] = lp.Objective().Value()
        polished = _polish(lp, built, problem, config, seed, relaxed, deadline, lp_bound)
        detail["polish"] = polished
        if polished.get("kept"):
            more, more_tried = _improve(
                lp, built, problem, deadline, lp_bound, config.gap_target_rate
            )
            moves, tried = moves + more, tried + more_tried
        detail["switches_closed"] = closed
        objective, bound, name = lp.Objective().Value(), lp_bound, "GLOP dive"
        detail["dive_rounds"] = rounds
        detail["dive_objective"] = dive_objective
        detail["improving_moves"], detail["moves_tried"] = moves, tried
        detail["variables"], detail["constraints"] = lp.NumVariables(), lp.NumConstraints()
    else:
        del built, lp
        name = _SOLVERS[config.solver]
        mip = _new_solver(name, config, seed)
        built = _build(problem, mip, integer=True)
        remaining_s = max(config.time_limit_s - (time.perf_counter() - t0), 1.0)
        mip.SetTimeLimit(int(remaining_s * 1000))
        status = mip.Solve(_params(config))
        if status == pywraplp.Solver.INFEASIBLE:
            raise InfeasibleError("the hard rules cannot all be met with whole shift counts")
        if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
            raise SolverError(
                f"{name} found no schedule within {config.time_limit_s:g} s "
                f"(status {_STATUS.get(status, status)}); raise "
                "solver.time_limit_s or use method 'lp_guided'"
            )
        objective = mip.Objective().Value()
        bound = max(lp_bound, mip.Objective().BestBound())
        detail["mip_status"] = _STATUS.get(status, str(status))
        detail["variables"], detail["constraints"] = mip.NumVariables(), mip.NumConstraints()
    bound = min(bound, objective)
    gap = (objective - bound) / max(abs(objective), 1e-9)
    out_status = "OPTIMAL" if gap <= 1e-6 else "FEASIBLE"
    sol = _extract(problem, built)
    wall = time.perf_counter() - t0
    return Solution(
        counts=sol["counts"],
        on_queue=sol["on_queue"],
        allocated=sol["allocated"],
        shortfall=sol["shortfall"],
        surplus=sol["surplus"],
        required=sol["required"],
        flows=sol["flows"],
        ai_contacts=sol["ai_contacts"],
        status=out_status,
        objective=objective,
        best_bound=bound,
        lp_bound=lp_bound,
        wall_s=wall,
        solver=name,
        detail=detail,
    )
