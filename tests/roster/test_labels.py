"""A person's cheapest working patterns by labelling, against every pattern and against CP-SAT.

The references are independent of the labelling: every pattern of a short horizon checked
with :func:`wfm.roster.check_roster` (its rules and own cost), and the person's CP-SAT model
(:func:`wfm.roster.model.build_model`) minimised under the same prices.
"""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
from ortools.sat.python import cp_model

from wfm.roster import Contract, Request, RosterProblem, ShiftType, Staff, Weights, check_roster
from wfm.roster.labels import cheapest_patterns
from wfm.roster.model import build_model
from wfm.roster.pricing import pricing_data

SCALE = 1000
# early 06:00 and late 14:00, 8 h; a night 22:00 for 10 h: late→early and night→anything
# but a night break the 11 h rest
TWO = (ShiftType("E", 360, 480, 450), ShiftType("L", 840, 480, 480, evening=True))
THREE = (*TWO, ShiftType("N", 1320, 600, 600, night=True))


def _person(rng: random.Random, days: int, shifts) -> Staff:
    """One person with a random draw of every contract rule the labelling holds."""
    lo = rng.choice([None, 450 * (days // 3)])
    caps = {s.id: rng.randint(0, days // 2) for s in shifts if rng.random() < 0.5}
    contract = Contract(
        min_total_min=lo,
        max_total_min=rng.choice([None, 480 * (days * 2 // 3)]),
        max_shifts=caps,
        max_consecutive_days=rng.choice([None, 2, 3, 5]),
        min_consecutive_days=rng.choice([None, 2]),
        min_consecutive_days_off=rng.choice([None, 2]),
        max_weekends=rng.choice([None, 0, 1]),
        max_days_per_week=rng.choice([None, 3, 4]),
        max_min_per_week=rng.choice([None, 1500]),
        nights_allowed=rng.random() < 0.8,
    )
    return Staff(
        "a",
        contract,
        days_off=frozenset(d for d in range(days) if rng.random() < 0.1),
        blocked=frozenset((d, s.id) for d in range(days) for s in shifts if rng.random() < 0.05),
    )


def _problem(rng: random.Random, days: int, shifts) -> RosterProblem:
    """A one-person problem with requests, a published roster (some days pinned) and the
    person's own soft terms, drawn at random."""
    ids = [s.id for s in shifts]
    requests = tuple(
        Request("a", rng.randrange(days), rng.choice([*ids, None]), rng.randint(1, 4), on)
        for on in (True, False)
        for _ in range(rng.randint(0, 3))
    )
    published = {("a", d): rng.choice([*ids, None]) for d in range(days) if rng.random() < 0.3}
    pinned = frozenset(k for k in published if rng.random() < 0.3)
    weights = Weights(
        isolated_day_off=rng.choice([0, 3]),
        start_change=rng.choice([0, 2]),
        change=rng.choice([0, 1]),
        short_per_min=rng.choice([0, 0, 1]),
    )
    return RosterProblem(
        days=days,
        shifts=shifts,
        staff=(_person(rng, days, shifts),),
        requests=requests,
        first_weekday=rng.randrange(7),
        weights=weights,
        published=published,
        pinned=pinned,
    )


def _prices(rng: random.Random, pb: RosterProblem) -> np.ndarray:
    """Random cover prices per (day, shift) in units of 1 / SCALE; the day off costs none."""
    table = np.zeros((pb.days, len(pb.shifts) + 1), dtype=np.int64)
    table[:, 1:] = rng.choice([0, 1, 3]) * np.array(
        [[rng.randint(0, 4000) for _ in pb.shifts] for _ in range(pb.days)]
    )
    return table


def _cost(pb: RosterProblem, pattern, table: np.ndarray):
    """A pattern's own cost (checked) scaled, less its prices; None if it breaks a rule."""
    check = check_roster(pb, {("a", d): t for d, t in pattern})
    if check.violations:
        return None
    column = {s.id: k + 1 for k, s in enumerate(pb.shifts)}
    return SCALE * check.objective - sum(int(table[d, column[t]]) for d, t in pattern)


def _every(pb: RosterProblem, table: np.ndarray) -> list[int]:
    """The costs of every pattern that meets the rules, least first."""
    costs = []
    for options in itertools.product([None, *(s.id for s in pb.shifts)], repeat=pb.days):
        pattern = tuple((d, t) for d, t in enumerate(options) if t)
        cost = _cost(pb, pattern, table)
        if cost is not None:
            costs.append(cost)
    return sorted(costs)


@pytest.mark.parametrize("seed", range(12))
def test_cheapest_patterns_are_those_of_every_pattern(seed):
    rng = random.Random(seed)
    pb = _problem(rng, 8, TWO)
    table = _prices(rng, pb)
    found = cheapest_patterns(pricing_data(pb), table, SCALE, 4)
    every = _every(pb, table)
    if not every:  # no pattern meets this draw's rules
        assert found == []
        return
    # the first is the least of all; the others (the cheapest that survive dominance) are
    # distinct valid patterns, each at its own cost, cheapest first
    assert found[0][1] == every[0]
    assert len({pattern for pattern, _ in found}) == len(found) <= 4
    assert [z for _, z in found] == sorted(z for _, z in found)
    for pattern, z in found:
        assert _cost(pb, pattern, table) == z


def _cp_sat(pb: RosterProblem, table: np.ndarray) -> int | None:
    """The least cost by the person's CP-SAT model (None if it has no pattern)."""
    rm = build_model(pb)
    column = {s.id: k + 1 for k, s in enumerate(pb.shifts)}
    own = sum(w * e for w, e, _ in rm.terms) + rm.constant
    priced = sum(int(table[d, column[t]]) * v for (_, d, t), v in rm.x.items())
    rm.model.minimize(SCALE * own - priced)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    status = solver.solve(rm.model)
    if status == cp_model.INFEASIBLE:
        return None
    assert status == cp_model.OPTIMAL
    return round(solver.objective_value)


@pytest.mark.parametrize("seed", range(16))
def test_cheapest_pattern_is_cp_sats_optimum_over_three_weeks(seed):
    rng = random.Random(100 + seed)
    pb = _problem(rng, 21, THREE)
    table = _prices(rng, pb)
    found = cheapest_patterns(pricing_data(pb), table, SCALE, 1)
    best = _cp_sat(pb, table)
    assert (found[0][1] if found else None) == best
    if found:
        assert _cost(pb, found[0][0], table) == best


def test_search_below_a_bound_finds_only_cheaper_patterns():
    rng = random.Random(7)
    pb = _problem(rng, 8, TWO)
    table = _prices(rng, pb)
    every = _every(pb, table)
    bound = every[2]
    found = cheapest_patterns(pricing_data(pb), table, SCALE, 10, bound=bound)
    assert found[0][1] == every[0]
    assert all(z <= bound for _, z in found)
    assert not cheapest_patterns(pricing_data(pb), table, SCALE, 10, bound=every[0] - 1)


def test_a_rotation_is_priced_by_cp_sat():
    pb = RosterProblem(
        days=14,
        shifts=TWO,
        staff=(Staff("a", Contract()),),
        weights=Weights(rotation=1),
        rotation_days=7,
    )
    assert pricing_data(pb) is None
    assert pricing_data(RosterProblem(days=14, shifts=TWO, staff=pb.staff)) is not None
