"""The OR-Tools solvers of the schedule: a solver with the run's threads and seed, the MIP
parameters, status names, and the LP re-solve after bounds change (fixing shift counts and
retrying one at a time when a hard rule conflicts)."""

from __future__ import annotations

import logging
import time

import numpy as np
from ortools.linear_solver import pywraplp

from wfm.core.config import SolverConfig
from wfm.core.errors import SolverError
from wfm.schedule.tuning import TUNING

log = logging.getLogger(__name__)

SOLVER_NAMES = {"cbc": "CBC", "scip": "SCIP", "highs": "HIGHS"}


def new_solver(name: str, config: SolverConfig, seed: int) -> pywraplp.Solver:
    """An OR-Tools solver ``name`` (GLOP, SCIP, CBC, HIGHS) with the run's threads and seed."""
    solver = pywraplp.Solver.CreateSolver(name)
    if solver is None:
        raise SolverError(f"OR-Tools has no {name} solver in this build")
    if name in ("SCIP", "HIGHS"):
        solver.SetNumThreads(config.num_workers)
    if name == "SCIP":
        solver.SetSolverSpecificParametersAsString(f"randomization/randomseedshift = {seed}\n")
    return solver


def mip_parameters(config: SolverConfig) -> pywraplp.MPSolverParameters:
    """MIP parameters of one solve: stop at ``config.gap_target_rate``."""
    params = pywraplp.MPSolverParameters()
    params.SetDoubleParam(pywraplp.MPSolverParameters.RELATIVE_MIP_GAP, config.gap_target_rate)
    return params


STATUS_NAMES = {
    pywraplp.Solver.OPTIMAL: "OPTIMAL",
    pywraplp.Solver.FEASIBLE: "FEASIBLE",
    pywraplp.Solver.INFEASIBLE: "INFEASIBLE",
    pywraplp.Solver.UNBOUNDED: "UNBOUNDED",
    pywraplp.Solver.ABNORMAL: "ABNORMAL",
    pywraplp.Solver.NOT_SOLVED: "NOT_SOLVED",
}


def resolve_lp(lp: pywraplp.Solver) -> int:
    """Re-solve the LP after a bound change; retry once without GLOP's presolve when the
    warm-started solve stops on anything but OPTIMAL. Returns the final status."""
    status = lp.Solve()
    if status in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.INFEASIBLE):
        return status
    lp.SetSolverSpecificParametersAsString(TUNING.glop_retry_params)
    status = lp.Solve()
    lp.SetSolverSpecificParametersAsString("")
    log.debug("LP re-solve retried without presolve: status %s", STATUS_NAMES.get(status, status))
    return status


def fix_and_solve(
    lp: pywraplp.Solver,
    xs: list,
    chosen: np.ndarray,
    targets: np.ndarray,
    values: np.ndarray,
    deadline: float = float("inf"),
) -> int:
    """Fix ``chosen`` counts to ``targets`` and re-solve; on a hard-rule conflict (headcount,
    minimum on queue) fall back to fixing them one at a time, trying the other rounding.

    Returns the status of the last re-solve: ``OPTIMAL`` when every chosen count is fixed,
    anything else when a count has no rounding the hard rules allow or ``deadline``
    (``time.perf_counter()`` seconds) passed during the one-at-a-time retries; the caller
    then rounds from its last LP point instead (``search.finish_fast``).
    """
    inf = lp.infinity()
    for j, v in zip(chosen, targets, strict=True):
        xs[j].SetBounds(float(v), float(v))
    status = resolve_lp(lp)
    if status == pywraplp.Solver.OPTIMAL:
        return status
    for j in chosen:
        xs[j].SetBounds(0.0, inf)
    for j, v in zip(chosen, targets, strict=True):
        if time.perf_counter() > deadline:
            return pywraplp.Solver.NOT_SOLVED
        for option in (float(v), float(np.floor(values[j])), float(np.ceil(values[j]))):
            xs[j].SetBounds(option, option)
            status = resolve_lp(lp)
            if status == pywraplp.Solver.OPTIMAL:
                break
        else:
            return status
    return status
