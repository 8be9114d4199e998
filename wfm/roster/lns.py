"""Large-neighbourhood search around the exact roster model.

From a valid roster, repeatedly free a part of it — all days of a share of the people, every
person's days in a window of days, or half the people over a longer window, in turn; each
share grows after a sub-search solved to optimality and shrinks after one cut by its time
limit — fix the rest to the current roster (through the variables' domains), and let CP-SAT
re-optimise that part (the whole model, so every rule still holds); keep the result when the
independent checker prices it lower. Small sub-problems are
solved to optimality in a fraction of a second, which improves 28-day rosters much faster
than one search over all of it on a small CPU share.
"""

from __future__ import annotations

import random
import time

from ortools.sat.python import cp_model

from wfm.roster.check import check_roster
from wfm.roster.model import RosterModel
from wfm.roster.problem import RosterProblem

STEP_S = 1.0  # longest sub-search [s]: many short steps beat a few long ones
START_SIZE = 0.2  # first share of the people (or of the days) left free
KINDS = 3  # neighbourhood kinds: people, a window of days, people × a window


def _free(pb: RosterProblem, rng: random.Random, k: int, size: float) -> set[tuple[int, int]]:
    """(person index, day) pairs left free in step ``k``: a share ``size`` of the people; or
    a window of a share ``size`` of the days for everyone; or half the people over a window of
    twice that share of the days (a swap between people over a few weeks)."""
    n, days, kind = len(pb.staff), pb.days, k % KINDS
    if kind == 0:
        people = rng.sample(range(n), max(2, min(n, round(size * n))))
        return {(p, d) for p in people for d in range(days)}
    if kind == 1:
        width = max(2, min(days, round(size * days)))
        people = list(range(n))
    else:
        width = max(3, min(days, round(2 * size * days)))
        people = rng.sample(range(n), max(2, min(n, round(n / 2))))
    lo = rng.randrange(0, max(1, days - width + 1))
    return {(p, d) for p in people for d in range(lo, lo + width)}


def sub_model(
    rm: RosterModel,
    roster: dict[tuple[str, int], str],
    free: set[tuple[int, int]],
    ids: list[str],
) -> cp_model.CpModel:
    """A copy of the whole model hinted with ``roster``, every (person, day) outside ``free``
    fixed to it through the variables' domains (no added constraints to build or presolve)."""
    sub = rm.model.clone()
    sub.clear_hints()
    for (p, d, t), v in rm.x.items():
        val = 1 if roster.get((ids[p], d)) == t else 0
        sub.add_hint(sub.get_bool_var_from_proto_index(v.index), val)
        if (p, d) not in free:
            domain = sub.proto.variables[v.index].domain
            domain[0] = domain[1] = val
    return sub


def improve(
    pb: RosterProblem,
    rm: RosterModel,
    assignment: dict[tuple[str, int], str],
    deadline: float,
    workers: int,
    seed: int,
) -> tuple[dict[tuple[str, int], str], int, bool]:
    """A roster at least as good as ``assignment`` (valid) found before ``deadline``
    (``time.perf_counter()`` value), the number of improving steps, and whether a search
    with the whole roster free proved it optimal."""
    rng = random.Random(seed)
    best, best_obj = assignment, check_roster(pb, assignment).objective
    ids = [s.id for s in pb.staff]
    k, better, size = 0, 0, [START_SIZE] * KINDS
    while time.perf_counter() < deadline - 0.2:
        free = _free(pb, rng, k, size[k % KINDS])
        k += 1
        sub = sub_model(rm, best, free, ids)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = min(STEP_S, deadline - time.perf_counter())
        solver.parameters.num_workers = int(workers)
        solver.parameters.random_seed = int(seed + k)
        status = solver.solve(sub)
        # adapt: a neighbourhood solved to optimality grows, one cut by the time limit shrinks
        grow = 1.25 if status == cp_model.OPTIMAL else 0.8
        size[(k - 1) % KINDS] = min(1.0, max(0.05, size[(k - 1) % KINDS] * grow))
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            continue
        found = {
            (ids[p], d): t
            for (p, d, t), v in rm.x.items()
            if solver.boolean_value(sub.get_bool_var_from_proto_index(v.index))
        }
        check = check_roster(pb, found)
        if not check.violations and check.objective < best_obj:
            best, best_obj, better = found, check.objective, better + 1
        if status == cp_model.OPTIMAL and len(free) == len(pb.staff) * pb.days:
            return best, better, True  # the whole roster was free: this one is optimal
    return best, better, False
