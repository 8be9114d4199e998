"""Primal heuristics of the ``lp_guided`` method: the LP dive that rounds shift counts,
closing receiving switches that do not pay, and a local search over single shifts."""

from __future__ import annotations

import logging
import time

import numpy as np
from ortools.linear_solver import pywraplp

from wfm.core.errors import SolverError
from wfm.schedule.model import BuiltModel
from wfm.schedule.problem_data import Problem
from wfm.schedule.rounding import round_fast
from wfm.schedule.solvers import STATUS_NAMES, fix_and_solve, resolve_lp
from wfm.schedule.tuning import TUNING

log = logging.getLogger(__name__)


class _Pace:
    """Whether another LP round of a dive fits before the deadline: the time left must be at
    least what the last round took (a round started just before the deadline ends well past
    it on a large model or a loaded machine)."""

    def __init__(self, deadline: float) -> None:
        self.deadline, self.last_s, self._start = deadline, 0.0, 0.0

    def another(self) -> bool:
        """Start a round if it fits (``time.perf_counter()`` seconds)."""
        self._start = time.perf_counter()
        return self._start + self.last_s <= self.deadline

    def done(self) -> None:
        """The round started by ``another`` has ended."""
        self.last_s = time.perf_counter() - self._start


def _dive_switches(
    lp: pywraplp.Solver, b: BuiltModel, deadline: float, pace: _Pace | None = None
) -> int:
    """Fix every receiving switch z open or closed by LP diving; return the LP re-solves.

    Each round fixes the switches the relaxation already makes 0 or 1 and half of the
    fractional ones (those nearest 0 or 1, rounded to it), then re-solves the LP so the
    flows and shift counts follow. A switch with weight 0.3 pays 0.3 of its fixed charge in
    the relaxation and all of it once open: opening every switch with any weight (the
    first form of this step) made the benchmark's 10-site week 2.3 % dearer than the
    relaxation before a single shift was rounded, this dive 0.25 %. When the next round
    would end past the deadline (``_Pace``) it stops with switches still free; the fast
    rounding opens every one the LP point uses (``_fix_switches``).
    """
    zs = list(b.z.values())
    fixed = np.zeros(len(zs), dtype=bool)
    rounds = 0
    pace = pace or _Pace(deadline)
    while True:
        if not pace.another():
            return rounds
        zv = np.array([v.solution_value() for v in zs])
        whole = (zv < TUNING.integral_tol) | (zv > 1 - TUNING.integral_tol)
        fractional = np.flatnonzero(~fixed & ~whole)
        if len(fractional) == 0:
            chosen, targets = np.flatnonzero(~fixed), zv[~fixed] > 0.5
        else:
            dist = np.minimum(zv[fractional], 1 - zv[fractional])
            k = max(1, int(np.ceil(len(fractional) * TUNING.switch_share)))
            picked = fractional[np.argsort(dist, kind="stable")[:k]]
            chosen = np.union1d(np.flatnonzero(~fixed & whole), picked)
            targets = zv[chosen] > 0.5
        for k_idx, on in zip(chosen, targets, strict=True):
            zs[k_idx].SetBounds(float(on), float(on))
        fixed[chosen] = True
        status = resolve_lp(lp)
        rounds += 1
        pace.done()
        if status != pywraplp.Solver.OPTIMAL:
            raise SolverError(f"switch dive stopped with status {STATUS_NAMES.get(status, status)}")
        if fixed.all():
            return rounds


def lp_dive(
    lp: pywraplp.Solver, b: BuiltModel, problem: Problem, deadline: float
) -> tuple[int, dict]:
    """Fix shift counts to whole numbers by LP diving.

    First every receiving switch z is fixed open or closed (``_dive_switches``). Then each
    round keeps every count the relaxation already makes whole, fixes a tenth of the
    fractional counts closest to a whole number (rounded to it) and re-solves the LP from
    its previous basis, so the remaining counts re-balance. When the next round would end
    past the deadline (``_Pace``), or a count has no rounding the hard rules allow, the
    counts still free are rounded from the last LP point by the fast rounding
    (``finish_fast``).

    Returns
    -------
    rounds : int
        LP re-solves.
    finish : dict
        Empty when the dive rounded every count; else the fast rounding's account
        (``reason`` "time limit" or "hard rule", counts rounded down, shifts added).
    """
    xs = b.x
    fixed = np.zeros(len(xs), dtype=bool)
    pace = _Pace(deadline)
    rounds = _dive_switches(lp, b, deadline, pace) if b.z else 0
    values = np.array([v.solution_value() for v in xs])
    while True:
        frac = values - np.floor(values)
        whole = (frac < TUNING.integral_tol) | (frac > 1 - TUNING.integral_tol)
        fractional = np.flatnonzero(~fixed & ~whole)
        if len(fractional) == 0:
            break
        if not pace.another():
            return rounds + 1, finish_fast(lp, b, problem, values, "time limit")
        pick = np.flatnonzero(~fixed & whole)
        dist = np.minimum(frac[fractional], 1 - frac[fractional])
        k = max(1, int(len(fractional) * TUNING.dive_share))
        chosen = fractional[np.argsort(dist, kind="stable")[:k]]
        for j in pick:
            v = float(np.round(values[j]))
            xs[j].SetBounds(v, v)
        fixed[pick] = True
        status = fix_and_solve(lp, xs, chosen, np.round(values[chosen]), values, deadline)
        rounds += 1
        if status != pywraplp.Solver.OPTIMAL:
            reason = "time limit" if time.perf_counter() > deadline else "hard rule"
            return rounds + 1, finish_fast(lp, b, problem, values, reason)
        fixed[chosen] = True
        values = np.array([v.solution_value() for v in xs])
        pace.done()
    _fix_switches(b)
    for j in np.flatnonzero(~fixed):
        v = float(np.round(values[j]))
        xs[j].SetBounds(v, v)
    status = resolve_lp(lp)
    rounds += 1
    if status != pywraplp.Solver.OPTIMAL:
        raise SolverError(f"LP dive stopped with status {STATUS_NAMES.get(status, status)}")
    return rounds, {}


def _fix_switches(b: BuiltModel) -> None:
    """Fix every receiving switch still free: open when the LP point uses it at all (an open
    switch never makes the model infeasible: the shortfall takes its fixed charge)."""
    free = [zv for zv in b.z.values() if zv.lb() < zv.ub()]
    # every value is read before any bound changes (a change voids the LP solution)
    used = [zv.solution_value() > TUNING.integral_tol for zv in free]
    for zv, on in zip(free, used, strict=True):
        zv.SetBounds(float(on), float(on))


def finish_fast(
    lp: pywraplp.Solver, b: BuiltModel, problem: Problem, values: np.ndarray, reason: str
) -> dict:
    """Fix every count by the fast rounding of the LP point ``values`` and re-solve.

    Raises
    ------
    SolverError
        The fast rounding could not hold ``min_agents_on_queue`` (the only hard rule it can
        miss), or the LP with every count fixed did not solve.
    """
    t0 = time.perf_counter()
    _fix_switches(b)
    counts, info = round_fast(problem, values, b.hard)
    if info["min_on_queue_short_agent_h"] > TUNING.integral_tol:
        raise SolverError(
            f"the LP dive stopped ({reason}) and rounding its last point left "
            f"{info['min_on_queue_short_agent_h']:.1f} agent-hours below min_agents_on_queue; "
            "raise solver.time_limit_s"
        )
    for var, count in zip(b.x, counts, strict=True):
        var.SetBounds(float(count), float(count))
    status = resolve_lp(lp)
    if status != pywraplp.Solver.OPTIMAL:
        raise SolverError(
            f"the LP with the fast rounding's counts ended with status "
            f"{STATUS_NAMES.get(status, status)}"
        )
    info["wall_s"] = round(time.perf_counter() - t0, 3)
    log.info("fast rounding (%s): %s", reason, info)
    return {"reason": reason, **info}


def close_switches(
    lp: pywraplp.Solver, b: BuiltModel, deadline: float, batches: int = TUNING.close_switch_batches
) -> int:
    """Close open receiving switches whose fixed charge costs more than their flows save.

    With the switches fixed, a positive reduced cost of an open switch says the model would
    rather not pay its fixed charge. All such switches are closed at once and the LP
    re-solved; the batch is kept if the objective falls, else undone. Repeats while it pays.
    Returns the number of switches closed.
    """
    keys = list(b.z)
    closed = 0
    for _ in range(batches):
        if time.perf_counter() >= deadline or not keys:
            break
        best = lp.Objective().Value()
        rc = [b.z[k].reduced_cost() for k in keys]
        lb = [b.z[k].lb() for k in keys]
        batch = [k for k, r, lo in zip(keys, rc, lb, strict=True) if lo > 0.5 and r > 1e-6]
        if not batch:
            break
        for k in batch:
            b.z[k].SetBounds(0.0, 0.0)
        status = resolve_lp(lp)
        if status == pywraplp.Solver.OPTIMAL and lp.Objective().Value() < best - 1e-6:
            closed += len(batch)
            continue
        for k in batch:
            b.z[k].SetBounds(1.0, 1.0)
        status = resolve_lp(lp)
        if status != pywraplp.Solver.OPTIMAL:
            raise SolverError(
                f"switch closing ended with LP status {STATUS_NAMES.get(status, status)}"
            )
        break
    return closed


def _neighbours(problem: Problem, reach_min: float = TUNING.move_reach_min) -> list[np.ndarray]:
    """Columns of the same pool and day starting within ``reach_min`` of each column."""
    groups: dict[tuple[int, int], list[int]] = {}
    for j, col in enumerate(problem.columns):
        groups.setdefault((col.pool, col.day), []).append(j)
    out: list[np.ndarray] = [np.zeros(0, dtype=np.int64)] * len(problem.columns)
    for js in groups.values():
        arr = np.array(js, dtype=np.int64)
        starts = np.array([problem.columns[j].start_min for j in js])
        for k, j in enumerate(js):
            near = arr[(np.abs(starts - starts[k]) <= reach_min) & (arr != j)]
            out[j] = near
    return out


def local_search(
    lp: pywraplp.Solver,
    b: BuiltModel,
    problem: Problem,
    deadline: float,
    bound: float,
    gap_target_rate: float,
) -> tuple[int, int]:
    """Local search on the whole schedule; return (moves kept, moves tried).

    Moves: add one agent to a pattern, drop one, or move one agent to a pattern of the same
    pool and day starting at most an hour apart (other length or break placement). With
    every count fixed, the reduced cost of a count is the objective change per extra agent
    on that pattern while the LP basis holds, so a move's promise is its reduced cost (or
    the difference of two). Moves are tried most promising first and kept when the
    re-solved objective falls; a move that does not pay is undone and not tried again.
    Stops at the deadline, at the target gap, or when no promising move is left.
    """
    xs = b.x
    near = _neighbours(problem)
    best = lp.Objective().Value()
    tabu: set[tuple[int, int]] = set()
    kept = tried = 0
    while time.perf_counter() < deadline:
        if (best - bound) / max(abs(best), 1e-9) <= gap_target_rate:
            break
        rc = np.array([v.reduced_cost() for v in xs])
        counts = np.array([v.lb() for v in xs])
        moves: list[tuple[float, int, int]] = []
        moves += [(rc[j], -1, int(j)) for j in np.flatnonzero(rc < -1e-6)]
        used = np.flatnonzero(counts >= 1)
        moves += [(-rc[j], int(j), -1) for j in used if rc[j] > 1e-6]
        for j in used:
            nb = near[j]
            if len(nb):
                gain = rc[nb] - rc[j]
                moves += [(g, int(j), int(k)) for g, k in zip(gain, nb, strict=True) if g < -1e-6]
        moves = sorted(m for m in moves if (m[1], m[2]) not in tabu)
        improved = False
        for _, out_j, in_j in moves[: TUNING.moves_per_round]:
            if time.perf_counter() >= deadline:
                break
            tried += 1
            for col, step in ((out_j, -1), (in_j, 1)):
                if col >= 0:
                    xs[col].SetBounds(counts[col] + step, counts[col] + step)
            status = resolve_lp(lp)
            value = lp.Objective().Value() if status == pywraplp.Solver.OPTIMAL else np.inf
            if value < best - 1e-6:
                best, kept, improved = value, kept + 1, True
                break
            tabu.add((out_j, in_j))
            for col in (out_j, in_j):
                if col >= 0:
                    xs[col].SetBounds(counts[col], counts[col])
        if not improved:
            break
    status = resolve_lp(lp)
    if status != pywraplp.Solver.OPTIMAL:
        raise SolverError(f"local search ended with LP status {STATUS_NAMES.get(status, status)}")
    return kept, tried
