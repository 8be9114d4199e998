"""Solve a shift and overflow :class:`~wfm.schedule.problem_data.Problem`: the LP bound, then the
``lp_guided`` heuristics (dive, switch closing, local search, MIP polish) or one MIP."""

from __future__ import annotations

import logging
import time

import numpy as np
from ortools.linear_solver import pywraplp

from wfm.core.config import SolverConfig
from wfm.core.errors import InfeasibleError, SolverError
from wfm.schedule.model import BuiltModel, build_schedule_model
from wfm.schedule.polish import polish_schedule
from wfm.schedule.problem_data import Problem
from wfm.schedule.search import close_switches, finish_fast, local_search, lp_dive
from wfm.schedule.solution import Solution, extract_solution
from wfm.schedule.solvers import SOLVER_NAMES, STATUS_NAMES, mip_parameters, new_solver

log = logging.getLogger(__name__)


def solve(problem: Problem, config: SolverConfig, seed: int) -> Solution:
    """Solve ``problem`` as configured (see module notes).

    Raises
    ------
    InfeasibleError
        The hard rules (headcount, weekly rules, minimum on queue) cannot all hold.
    SolverError
        The solver itself failed (an LP solve ended neither optimal nor infeasible).

    Notes
    -----
    Once the relaxation is solved a schedule always follows: when the time limit ends the
    dive (or the MIP solver finds nothing in time), the fast rounding
    (:mod:`wfm.schedule.rounding`) finishes from the last LP point, and
    ``detail["fast_rounding"]`` says why and what it did. The relaxation itself is never
    cut short, so the wall time can exceed the limit by the relaxation's time and one
    LP re-solve.
    """
    t0 = time.perf_counter()
    lp = new_solver("GLOP", config, seed)
    built = build_schedule_model(problem, lp, integer=False)
    lp_status = lp.Solve()
    if lp_status == pywraplp.Solver.INFEASIBLE:
        raise InfeasibleError(
            "the hard rules (headcount per pool and day, working days, paid "
            "hours, rest, minimum on queue) cannot all be met; relax "
            "min_agents_on_queue or the weekly rules, or raise headcount"
        )
    if lp_status != pywraplp.Solver.OPTIMAL:
        raise SolverError(
            f"LP relaxation ended with status {STATUS_NAMES.get(lp_status, lp_status)}"
        )
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
        objective, name = _lp_guided(lp, built, problem, config, seed, t0, relaxed, detail)
        bound = lp_bound
    else:
        objective, bound, name, built = _mip(lp, built, problem, config, seed, t0, detail)
    bound = min(bound, objective)
    gap = (objective - bound) / max(abs(objective), 1e-9)
    out_status = "OPTIMAL" if gap <= 1e-6 else "FEASIBLE"
    sol = extract_solution(problem, built)
    wall = time.perf_counter() - t0
    return Solution(
        counts=sol["counts"],
        on_queue=sol["on_queue"],
        allocated=sol["allocated"],
        pool_allocated=sol["pool_allocated"],
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


def _lp_guided(
    lp: pywraplp.Solver,
    built: BuiltModel,
    problem: Problem,
    config: SolverConfig,
    seed: int,
    t0: float,
    relaxed: np.ndarray,
    detail: dict,
) -> tuple[float, str]:
    """Dive, switch closing, local search and (with ``config.polish``) the MIP polish on the
    solved relaxation ``lp``; return the objective and the solver's name. Fills ``detail``."""
    deadline = t0 + config.time_limit_s
    rounds, finish = lp_dive(lp, built, problem, deadline)
    dive_objective = lp.Objective().Value()
    if finish:
        detail["fast_rounding"] = finish
    closed = close_switches(lp, built, deadline)
    moves, tried = local_search(
        lp, built, problem, deadline, detail["lp_bound"], config.gap_target_rate
    )
    detail["local_search_objective"] = lp.Objective().Value()
    polished: dict = {"kept": False, "skipped": "off"}
    if config.polish:
        polished = polish_schedule(
            lp, built, problem, config, seed, relaxed, deadline, detail["lp_bound"]
        )
    detail["polish"] = polished
    if polished.get("kept"):
        more, more_tried = local_search(
            lp, built, problem, deadline, detail["lp_bound"], config.gap_target_rate
        )
        moves, tried = moves + more, tried + more_tried
    detail["switches_closed"] = closed
    detail["dive_rounds"] = rounds
    detail["dive_objective"] = dive_objective
    detail["improving_moves"], detail["moves_tried"] = moves, tried
    detail["variables"], detail["constraints"] = lp.NumVariables(), lp.NumConstraints()
    name = "GLOP dive" + (" + fast rounding" if finish else "")
    return lp.Objective().Value(), name


def _mip(
    lp: pywraplp.Solver,
    built: BuiltModel,
    problem: Problem,
    config: SolverConfig,
    seed: int,
    t0: float,
    detail: dict,
) -> tuple[float, float, str, BuiltModel]:
    """The whole model as one MIP; when the MIP solver ends without a schedule (time limit,
    solver failure), the fast rounding of the relaxation ``lp`` gives one. Returns the
    objective, bound, solver name and the handles of the model holding the schedule."""
    name = SOLVER_NAMES[config.solver]
    mip = new_solver(name, config, seed)
    mip_built = build_schedule_model(problem, mip, integer=True)
    remaining_s = max(config.time_limit_s - (time.perf_counter() - t0), 1.0)
    mip.SetTimeLimit(int(remaining_s * 1000))
    status = mip.Solve(mip_parameters(config))
    detail["mip_status"] = STATUS_NAMES.get(status, str(status))
    detail["variables"], detail["constraints"] = mip.NumVariables(), mip.NumConstraints()
    if status == pywraplp.Solver.INFEASIBLE:
        raise InfeasibleError("the hard rules cannot all be met with whole shift counts")
    if status in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        bound = max(detail["lp_bound"], mip.Objective().BestBound())
        return mip.Objective().Value(), bound, name, mip_built
    del mip, mip_built
    log.warning(
        "%s found no schedule within %g s (status %s); rounding the LP relaxation",
        name,
        config.time_limit_s,
        detail["mip_status"],
    )
    reason = "time limit" if time.perf_counter() > t0 + config.time_limit_s else "MIP solver"
    relaxed = np.array([v.solution_value() for v in built.x])
    detail["fast_rounding"] = finish_fast(lp, built, problem, relaxed, reason)
    return lp.Objective().Value(), detail["lp_bound"], f"{name} + GLOP fast rounding", built


def cut_note(detail: dict, config: SolverConfig, gap_rate: float) -> str | None:
    """The note a planner must see when the fast rounding ended the search, else None."""
    finish = detail.get("fast_rounding")
    if not finish:
        return None
    why = {
        "time limit": f"the time limit (solver.time_limit_s = {config.time_limit_s:g} s) "
        "cut the search",
        "hard rule": "the LP dive could not round a shift count within the hard rules",
        "MIP solver": f"the MIP solver ended without a schedule ({detail.get('mip_status')})",
    }[finish["reason"]]
    note = (
        f"{why}: {finish['counts_rounded_down']} fractional shift counts were rounded down "
        f"and {finish['shifts_added']} shifts added where cover was short within the hard "
        f"rules (fast rounding); the schedule is feasible, {100 * gap_rate:.2f} % above the "
        "LP bound"
    )
    if detail.get("lp_wall_s", 0.0) > config.time_limit_s:
        note += f"; the LP relaxation alone took {detail['lp_wall_s']:.1f} s"
    if finish["reason"] != "hard rule":
        note += "; raise solver.time_limit_s for a cheaper schedule"
    return note
