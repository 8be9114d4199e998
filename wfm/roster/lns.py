"""Large-neighbourhood search: re-roster a part of a valid roster, the rest held fixed.

Each step frees a part of the roster — a few people over the whole horizon, or half the
people over a window of days placed around a day drawn in proportion to its cover cost, in
turn — builds the exact roster model of that part alone (the
people outside it enter as constants: their cover and their fairness counts, see
:class:`wfm.roster.model.Outside`), hints it with the current roster and solves it with one
CP-SAT worker and its full linear relaxation (``linearization_level = 2``: on the Curtois &
Qu instances a 3-person part is solved to optimality in 0.1–0.4 s with it against 1–5 s
without). A part solved to optimality within the step's time grows by 10 % for the next step
of its kind, one cut by the time limit shrinks by 15 %, so parts stay about as large as can
be solved exactly. A result is kept when the independent checker prices the whole roster no
higher (equal cost moves the search along a plateau). One search thread runs per worker;
CP-SAT releases the interpreter while it solves, so 2 threads make about twice the steps.
The threads differ in their longest sub-search (1 s, 3 s, …): short steps make many small
moves, long ones solve larger parts to optimality.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import replace

from ortools.sat.python import cp_model

from wfm.roster.check import check_roster, cover_gaps
from wfm.roster.model import Outside, build_model, hint_roster, read_roster
from wfm.roster.problem import RosterProblem

Roster = dict[tuple[str, int], str]

STEP_S = 1.0  # longest sub-search of the first thread [s]; thread i allows (1 + 2 i) times it

START_PEOPLE = 3  # people in the first whole-horizon part
START_WINDOW_DAYS = 7  # days in the first window part (half the people)
GROW, SHRINK = 1.1, 0.85  # part size after a step solved to optimality / cut by its limit


def part_problem(
    pb: RosterProblem, roster: Roster, people: list[int]
) -> tuple[RosterProblem, Outside]:
    """The problem of ``people`` (indices into ``pb.staff``) alone, and what everyone else
    contributes with their days held at ``roster``."""
    keep = {pb.staff[p].id for p in people}
    part = replace(
        pb,
        staff=tuple(pb.staff[p] for p in people),
        requests=tuple(r for r in pb.requests if r.staff in keep),
        published={k: v for k, v in pb.published.items() if k[0] in keep},
        pinned=frozenset(k for k in pb.pinned if k[0] in keep),
    )
    cover: Counter = Counter()
    worked: dict[str, dict[int, str]] = {}
    for (sid, d), t in roster.items():
        if sid not in keep:
            cover[d, t] += 1
            worked.setdefault(sid, {})[d] = t
    weekends: dict[str, list[int]] = {}
    nights: dict[str, list[int]] = {}
    evenings: dict[str, list[int]] = {}
    for person in pb.staff:
        if person.id not in keep:
            mine = worked.get(person.id, {})
            weekends.setdefault(person.group, []).append(pb.weekends_worked(mine))
            nights.setdefault(person.group, []).append(pb.nights_worked(mine))
            evenings.setdefault(person.group, []).append(pb.evenings_worked(mine))
    return part, Outside(dict(cover), weekends, nights, evenings)


def part_step(
    pb: RosterProblem,
    roster: Roster,
    people: list[int],
    days: range,
    limit_s: float,
    seed: int,
    workers: int = 1,
) -> tuple[Roster | None, bool]:
    """Re-roster ``people`` on ``days`` (their other days fixed through the variables'
    domains), everything else held at ``roster``, with ``workers`` CP-SAT workers: the whole
    roster found (None if none in ``limit_s`` seconds) and whether that part was solved to
    optimality."""
    part, outside = part_problem(pb, roster, people)
    rm = build_model(part, outside)
    ids = [s.id for s in part.staff]
    hint_roster(rm, ids, roster, free_days=days)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, limit_s)
    solver.parameters.num_workers = max(1, int(workers))
    solver.parameters.linearization_level = 2
    solver.parameters.random_seed = int(seed)
    status = solver.solve(rm.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, False
    mine = set(ids)
    found = {key: t for key, t in roster.items() if key[0] not in mine}
    found.update(read_roster(rm, ids, solver))
    return found, status == cp_model.OPTIMAL


class _Best:
    """The best roster so far, shared by the search threads."""

    def __init__(self, pb: RosterProblem, roster: Roster) -> None:
        self.pb, self.roster = pb, dict(roster)
        self.objective = check_roster(pb, roster).objective
        self.better, self.proven = 0, False
        self.lock = threading.Lock()

    def offer(self, people: list[int], days: range, found: Roster) -> None:
        """Put ``found``'s days of ``people`` on ``days`` onto the best roster (another thread
        may have changed the rest meanwhile) and keep it if it costs no more."""
        ids = {self.pb.staff[p].id for p in people}
        with self.lock:
            merged = {k: t for k, t in self.roster.items() if not (k[0] in ids and k[1] in days)}
            merged.update({k: t for k, t in found.items() if k[0] in ids and k[1] in days})
            if merged == self.roster:
                return
            check = check_roster(self.pb, merged)
            if not check.violations and check.objective <= self.objective:
                self.better += check.objective < self.objective
                self.roster, self.objective = merged, check.objective


def _day_costs(pb: RosterProblem, roster: Roster) -> list[float]:
    """Each day's cover cost under ``roster`` plus one: where a window is most worth
    re-rostering (a day without cost keeps a small chance)."""
    cost = [1.0] * pb.days
    for c, under, over in cover_gaps(pb, roster):
        cost[c.day] += c.weight_under * under + c.weight_over * over
    return cost


def _search(best: _Best, deadline: float, seed: int, step_s: float) -> None:
    """One thread: whole-horizon parts of a few people and window parts of half the people,
    in turn, each sized by how the last part of its kind went; a window is placed around a
    day drawn in proportion to its cover cost. Each sub-search stops after ``step_s``."""
    pb, rng = best.pb, random.Random(seed)
    n, k = len(pb.staff), 0
    size = [float(START_PEOPLE), max(2.0, n / 2)]
    width = float(START_WINDOW_DAYS)
    while time.perf_counter() < deadline - 0.05 and not best.proven:
        kind, k = k % 2, k + 1
        people = rng.sample(range(n), max(1, min(n, round(size[kind]))))
        days = range(pb.days)
        with best.lock:
            roster = best.roster
        if kind == 1:
            w = max(2, min(pb.days, round(width)))
            centre = rng.choices(range(pb.days), weights=_day_costs(pb, roster))[0]
            lo = min(max(0, centre - rng.randrange(w)), pb.days - w)
            days = range(lo, lo + w)
        limit_s = min(step_s, deadline - time.perf_counter())
        found, optimal = part_step(pb, roster, people, days, limit_s, seed * 7919 + k)
        f = GROW if optimal else SHRINK
        size[kind] = min(float(n), max(2.0, size[kind] * f))
        if kind == 1:
            width = min(float(pb.days), max(3.0, width * f))
        if found is not None:
            best.offer(people, days, found)
            if optimal and len(people) == n and len(days) == pb.days and found == best.roster:
                best.proven = True  # the whole roster was free and solved exactly


def improve(
    pb: RosterProblem, assignment: Roster, deadline: float, workers: int, seed: int
) -> tuple[Roster, int, bool]:
    """A roster at least as good as ``assignment`` (valid) found before ``deadline``
    (``time.perf_counter()`` value) by ``workers`` search threads; the number of improving
    steps; whether a step with the whole roster free proved it optimal."""
    best = _Best(pb, assignment)
    threads = [
        threading.Thread(
            target=_search, args=(best, deadline, seed + i, STEP_S * (1 + 2 * i)), daemon=True
        )
        for i in range(max(1, int(workers)))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return best.roster, best.better, best.proven
