"""MIP polish of the ``lp_guided`` schedule: small restricted MIPs by site and day around
the incumbent, with the incumbent as a hint, solved in batches of MIPs that share no row
(in worker processes when there are several workers; see docs/schedule.md)."""

from __future__ import annotations

import logging
import multiprocessing as mp
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

import numpy as np
from ortools.linear_solver import linear_solver_pb2, pywraplp

from wfm.core.config import SolverConfig
from wfm.core.errors import SolverError
from wfm.core.workers import terminate, worker_pool
from wfm.schedule.model import BuiltModel
from wfm.schedule.problem_data import Problem
from wfm.schedule.restricted_mips import WholeModel, group_columns, whole_model
from wfm.schedule.solvers import STATUS_NAMES, resolve_lp
from wfm.schedule.tuning import TUNING

log = logging.getLogger(__name__)


@dataclass
class _Run:
    """What the passes carry from batch to batch."""

    current: np.ndarray  # the incumbent's shift counts
    incumbent: float  # its objective
    workers: int
    pool: ProcessPoolExecutor | None
    improved: int = 0  # restricted MIPs that improved the incumbent
    solved: int = 0  # restricted MIPs solved
    n_groups: int = 0  # groups over all passes


def polish_schedule(
    lp: pywraplp.Solver,
    b: BuiltModel,
    problem: Problem,
    config: SolverConfig,
    seed: int,
    relaxed: np.ndarray,
    deadline: float,
    bound: float,
) -> dict:
    """Re-optimise the schedule by restricted MIPs around the incumbent, one site-day at a time.

    Each restricted MIP frees the counts of one site on one day (later two days) on patterns
    the LP relaxation or the incumbent uses, within ``TUNING.polish_reach`` agents of the
    incumbent's; the continuous columns of that site and its overflow partners over the
    intervals those patterns cover, and the open receiving switches there (they may close).
    Every other column stays at the incumbent's value (``SparseModel.restricted``). SCIP solves
    it from the incumbent as hint with a node limit and a share of the remaining time;
    groups that share no row are solved at once (``_solve_all``) and a batch's better
    schedules are taken over before the next batch is cut. At the end the best schedule replaces the
    incumbent in ``lp`` (counts and switches fixed, flows re-solved). The restricted
    problems' bounds are not bounds of the model and are not used. Returns what it did (for
    ``detail``).
    """
    out: dict = {"kept": False}
    remaining = deadline - time.perf_counter()
    best = lp.Objective().Value()
    if remaining < TUNING.polish_min_s:
        out["skipped"] = "time"
        return out
    if (best - bound) / max(abs(best), 1e-9) <= config.gap_target_rate:
        out["skipped"] = "gap"
        return out
    t0 = time.perf_counter()
    current = np.array([round(v.lb()) for v in b.x], dtype=np.int64)
    z_keys = list(b.z)
    z_now = np.array([b.z[k].lb() for k in z_keys])
    cut = whole_model(problem, b, config, seed, z_keys, z_now, current)
    support = (relaxed > TUNING.integral_tol) | (current > 0)
    params = f"randomization/randomseedshift = {seed}\nlimits/totalnodes = {TUNING.polish_nodes}\n"
    params += TUNING.polish_scip
    workers = max(1, min(config.num_workers, TUNING.polish_max_workers))
    pool = _worker_pool(workers, deadline)
    run = _Run(
        current=current, incumbent=best, workers=workers if pool is not None else 1, pool=pool
    )
    out["workers"] = run.workers
    try:
        sweeps = _passes(cut, problem, config, support, params, run, bound, deadline)
    except BaseException:  # interrupted or failed: end the workers at once
        if run.pool is not None:
            terminate(run.pool)
            run.pool = None
        raise
    finally:
        if run.pool is not None:
            run.pool.shutdown(cancel_futures=True)
    out["sweeps"] = sweeps + 1
    z_new = list(np.round(cut.values[cut.z_idx]))
    out["groups"], out["solved"], out["improved"] = run.n_groups, run.solved, run.improved
    out["support"] = int(support.sum())
    out["wall_s"] = round(time.perf_counter() - t0, 3)
    out["mip_objective"] = run.incumbent
    if run.improved == 0:
        return out
    _adopt(lp, b, z_keys, z_now, run.current, z_new, best, out)
    return out


def _passes(
    cut: WholeModel,
    problem: Problem,
    config: SolverConfig,
    support: np.ndarray,
    params: str,
    run: _Run,
    bound: float,
    deadline: float,
) -> int:
    """Run the passes of ``TUNING.polish_passes`` (single days swept again while they improve)
    until the time, the target gap or the passes run out; returns the extra sweeps."""
    site_of = [problem.pools[col.pool].site for col in problem.columns]
    passes = list(TUNING.polish_passes)
    sweeps = 0
    while passes:
        span, shift = passes.pop(0)
        before = run.improved
        groups: dict[tuple[str, int], list[int]] = {}
        for j, col in enumerate(problem.columns):
            if support[j]:
                groups.setdefault((site_of[j], (col.day + shift) // span), []).append(j)
        # sites interleaved (each site's first group, then each one's second, ...) so
        # that a batch can take groups of different sites and days
        rank = {key: n for site_keys in _by_site(groups) for n, key in enumerate(site_keys)}
        pending = sorted(groups, key=lambda key: (rank[key], key))
        run.n_groups += len(pending)
        # free columns and the rows they touch, per group: fixed through the pass (only
        # the count bounds follow the incumbent)
        free_of: dict[tuple[str, int], tuple[np.ndarray, set[int]]] = {}
        while pending:
            left = deadline - TUNING.polish_reserve_s - time.perf_counter()
            gap = (run.incumbent - bound) / max(abs(run.incumbent), 1e-9)
            if left < 0.5 or gap <= config.gap_target_rate:
                break
            share = min(left * run.workers / len(pending), TUNING.polish_group_s)
            batch = _batch(cut, problem, groups, pending, free_of, run, params, share)
            _solve_batch(cut, batch, run)
        if span == 1 and run.improved > before and sweeps < TUNING.polish_sweeps:
            sweeps += 1
            passes.insert(0, (1, 0))  # sweep the single days again while they improve
    return sweeps


def _batch(
    cut: WholeModel,
    problem: Problem,
    groups: dict[tuple[str, int], list[int]],
    pending: list[tuple[str, int]],
    free_of: dict[tuple[str, int], tuple[np.ndarray, set[int]]],
    run: _Run,
    params: str,
    share: float,
) -> list[tuple[tuple[str, int], np.ndarray, Any]]:
    """Take up to ``run.workers`` pending groups that share no row, in order, off
    ``pending``; their restricted MIPs with ``share`` seconds each."""
    batch: list[tuple[tuple[str, int], np.ndarray, Any]] = []
    rows_taken: set[int] = set()
    for key in list(pending):
        if len(batch) == run.workers:
            break
        if key not in free_of:
            free = group_columns(
                groups[key], key[0], cut.partners, problem, cut.by_cell, cut.z_cells, cut.x_idx
            )
            free_of[key] = (free, set(np.unique(cut.whole.csc[:, free].indices)))
        cols, rows = free_of[key]
        if rows & rows_taken:
            continue  # shares a row with the batch: solved in a later batch
        rows_taken |= rows
        pending.remove(key)
        lower, upper = cut.whole.lower.copy(), cut.whole.upper.copy()
        js = [cut.x_idx[j] for j in groups[key]]
        lower[js] = np.maximum(0, run.current[groups[key]] - TUNING.polish_reach)
        upper[js] = run.current[groups[key]] + TUNING.polish_reach
        request = cut.whole.restricted(cols, cut.values, lower, upper)
        request.solver_specific_parameters = params
        request.solver_time_limit_seconds = max(share, 0.5)
        batch.append((key, cols, request))
    return batch


_OK = (
    linear_solver_pb2.MPSolverResponseStatus.MPSOLVER_OPTIMAL,
    linear_solver_pb2.MPSolverResponseStatus.MPSOLVER_FEASIBLE,
)


def _solve_batch(
    cut: WholeModel, batch: list[tuple[tuple[str, int], np.ndarray, Any]], run: _Run
) -> None:
    """Solve one batch and take its better schedules over into ``cut.values`` and ``run``."""
    t_batch = time.perf_counter()
    requests = [r for _, _, r in batch]
    try:
        responses = _solve_all(requests, run.pool)
    # a worker died, or this process may have none (multiprocessing asserts
    # that a daemonic process starts no children): go on in this process
    except (BrokenProcessPool, AssertionError, OSError) as exc:
        log.warning("polish worker processes stopped (%s); solving in turn", exc)
        if run.pool is not None:
            run.pool.shutdown(cancel_futures=True)
        run.pool, run.workers = None, 1
        responses = _solve_all(requests, None)
    base = run.incumbent
    for (key, cols, _), response in zip(batch, responses, strict=True):
        run.solved += 1
        log.debug(
            "polish %s day group %d: %d columns, status %s, %.1f -> %.1f (batch of %d, %.2f s)",
            key[0],
            key[1],
            len(cols),
            response.status,
            base,
            response.objective_value,
            len(batch),
            time.perf_counter() - t_batch,
        )
        if response.status in _OK and response.objective_value < base - 1e-6:
            # the batch's groups share no row: their gains add up
            cut.values[cols] = np.array(response.variable_value)
            run.incumbent += float(response.objective_value) - base
            run.improved += 1
    run.current = np.round(cut.values[cut.x_idx]).astype(np.int64)
    cut.values[cut.x_idx] = run.current


def _adopt(
    lp: pywraplp.Solver,
    b: BuiltModel,
    z_keys: list,
    z_now: np.ndarray,
    counts: np.ndarray,
    z_new: list,
    best: float,
    out: dict,
) -> None:
    """Fix the polished ``counts`` and switches ``z_new`` in ``lp`` and re-solve; keep them
    when the objective falls below ``best``, else restore the incumbent's."""
    current = np.array([round(v.lb()) for v in b.x], dtype=np.int64)
    for j, var in enumerate(b.x):
        var.SetBounds(float(counts[j]), float(counts[j]))
    for k, on in zip(z_keys, z_new, strict=True):
        b.z[k].SetBounds(float(on), float(on))
    status = resolve_lp(lp)
    if status == pywraplp.Solver.OPTIMAL and lp.Objective().Value() < best - 1e-6:
        out["kept"] = True
        out["objective"] = lp.Objective().Value()
        return
    for j, var in enumerate(b.x):
        var.SetBounds(float(current[j]), float(current[j]))
    for k, on in zip(z_keys, z_now, strict=True):
        b.z[k].SetBounds(float(on), float(on))
    status = resolve_lp(lp)
    if status != pywraplp.Solver.OPTIMAL:
        raise SolverError(f"polish ended with LP status {STATUS_NAMES.get(status, status)}")


def _by_site(groups: dict[tuple[str, int], list[int]]) -> list[list[tuple[str, int]]]:
    """Group keys per site, each site's in day order."""
    per_site: dict[str, list[tuple[str, int]]] = {}
    for key in sorted(groups):
        per_site.setdefault(key[0], []).append(key)
    return list(per_site.values())


def _solve_one(request: linear_solver_pb2.MPModelRequest) -> linear_solver_pb2.MPSolutionResponse:
    """Solve one restricted MIP in this process."""
    response = linear_solver_pb2.MPSolutionResponse()
    pywraplp.Solver.SolveWithProto(request, response)
    return response


def _solve_request(data: bytes) -> bytes:
    """Solve one serialised restricted MIP (in a worker process); the serialised response."""
    request = linear_solver_pb2.MPModelRequest()
    request.ParseFromString(data)
    return _solve_one(request).SerializeToString()


def _worker_pool(workers: int, deadline: float) -> ProcessPoolExecutor | None:
    """Worker processes for the restricted MIPs (OR-Tools holds the interpreter lock while
    SCIP solves, so threads would run them one after the other); none for one worker or
    too little time to start them."""
    if workers < 2 or deadline - time.perf_counter() < TUNING.polish_pool_min_s:
        return None
    try:
        # fork where there is one: a spawned worker would re-import the caller's script
        method = "fork" if "fork" in mp.get_all_start_methods() else None
        return worker_pool(workers, mp_context=mp.get_context(method))
    except (OSError, ValueError) as exc:  # no processes to be had: solve in turn
        log.debug("polish runs in one process: %s", exc)
        return None


def _solve_all(
    requests: list[linear_solver_pb2.MPModelRequest], pool: ProcessPoolExecutor | None
) -> list[linear_solver_pb2.MPSolutionResponse]:
    """Solve the restricted MIPs of one batch, in the worker processes when there are."""
    if pool is None or len(requests) == 1:
        return [_solve_one(request) for request in requests]
    out = []
    for data in pool.map(_solve_request, [r.SerializeToString() for r in requests]):
        response = linear_solver_pb2.MPSolutionResponse()
        response.ParseFromString(data)
        out.append(response)
    return out
