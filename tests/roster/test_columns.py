"""Working patterns priced against the cover: the relaxation, its bound and the dive."""

from __future__ import annotations

import importlib.util
import itertools
import random
import time
from pathlib import Path

import pytest
from ortools.sat.python import cp_model

from wfm.roster import (
    Contract,
    Cover,
    Request,
    RosterProblem,
    ShiftType,
    Staff,
    check_roster,
    solve_roster,
)
from wfm.roster.columns import DUAL_SCALE, _alone, own_cost, relax
from wfm.roster.diving import dive
from wfm.roster.model import build_model

DATA = Path(__file__).resolve().parents[1] / "data" / "roster"
BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "curtois.py"
POOR = {("A", d): "D" for d in (0, 1, 2, 5, 6)} | {("B", d): "D" for d in (2, 3, 4)}


def _tiny():
    spec = importlib.util.spec_from_file_location("curtois", BENCH)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.read_curtois(DATA / "tiny_instance.txt")


def _exact(pb: RosterProblem) -> float:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 60
    assert solver.solve(build_model(pb).model) == cp_model.OPTIMAL
    return solver.objective_value


SHIFTS = (ShiftType("E", 6 * 60, 480, 480), ShiftType("L", 14 * 60, 480, 480))


def _requests(rng: random.Random, people: int, n: int) -> tuple[Request, ...]:
    """``n`` random on/off requests of people ``p0``… over 14 days."""
    return tuple(
        Request(
            f"p{rng.randrange(people)}",
            rng.randrange(14),
            rng.choice(["E", "L", None]),
            rng.randint(1, 3),
            rng.random() < 0.5,
        )
        for _ in range(n)
    )


def _random_problem(seed: int) -> RosterProblem:
    """A small problem with requests, contract limits and weekends (no spreads)."""
    rng = random.Random(seed)
    shifts = SHIFTS
    staff = tuple(
        Staff(
            f"p{i}",
            Contract(
                max_total_min=480 * rng.randint(6, 9),
                min_total_min=480 * 4,
                max_consecutive_days=rng.randint(3, 5),
                min_consecutive_days_off=2,
                max_weekends=1,
                max_shifts={"L": rng.randint(2, 7)},
            ),
            days_off=frozenset(rng.sample(range(14), 2)),
        )
        for i in range(5)
    )
    cover = tuple(Cover(d, s.id, rng.randint(1, 2), 100, 1) for d in range(14) for s in shifts)
    requests = _requests(rng, 5, 10)
    return RosterProblem(
        days=14, shifts=shifts, staff=staff, cover=cover, requests=requests, min_rest_h=11.0
    )


def test_a_pattern_costs_what_the_checker_prices_for_its_person_alone():
    pb = _tiny()
    alone = _alone(pb, 1)  # B: on-request day 1 shift D weight 2, no cover, no spreads
    assert [s.id for s in alone.staff] == ["B"] and alone.cover == ()
    assert own_cost(alone, ((2, "D"), (3, "D"), (4, "D"))) == 2  # day 1 not worked
    assert own_cost(alone, ((1, "D"), (2, "D"))) == 0


def test_the_relaxation_never_costs_more_than_its_start_and_bounds_the_optimum():
    pb = _tiny()
    _, relaxation = relax(pb, POOR, time.perf_counter() + 30, workers=1)
    assert relaxation.lower_bound is not None  # every pricing search was exact
    assert relaxation.lower_bound <= relaxation.value + 1e-6
    assert relaxation.value <= 53 + 1e-6  # POOR is among its patterns
    assert relaxation.lower_bound <= 40 + 1e-6  # the hand-checked optimum
    for use in relaxation.use:  # one convex combination of patterns per person
        assert sum(w for w, _ in use) == pytest.approx(1.0)


def _least_reduced_cost(alone: RosterProblem, prices: dict) -> float:
    """Every pattern of one person enumerated: the least of own cost minus the prices of
    the (day, shift)s it works, over the patterns that meet the person's hard rules."""
    sid, options = alone.staff[0].id, [None, *(s.id for s in alone.shifts)]
    least = float("inf")
    for days in itertools.product(options, repeat=alone.days):
        roster = {(sid, d): t for d, t in enumerate(days) if t}
        check = check_roster(alone, roster)
        if not check.violations:
            least = min(
                least,
                check.objective - sum(prices.get((d, t), 0.0) for (_, d), t in roster.items()),
            )
    return least


def test_the_lagrangian_bound_is_that_of_the_prices_it_was_priced_at():
    """L(pi) = sum of pi * requirement + each person's least reduced cost, by enumeration of
    all 3^7 patterns per person: exact for the rounded prices CP-SAT priced, not only for
    the master's own duals (a bound mixing the two is not a bound)."""
    pb = _tiny()
    master, relaxation = relax(pb, POOR, time.perf_counter() + 30, workers=1)
    prices = {k: v / DUAL_SCALE for k, v in master.center.items()}
    lagrange = sum(prices[c.day, c.shift] * c.requirement for c in pb.cover) + sum(
        _least_reduced_cost(_alone(pb, p), prices) for p in range(len(pb.staff))
    )
    assert relaxation.lower_bound == pytest.approx(lagrange, abs=1e-9)
    assert lagrange <= 40 + 1e-9  # the hand-checked optimum


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_on_random_problems_the_bound_is_below_the_exact_optimum_and_the_dive_valid(seed):
    pb = _random_problem(seed)
    start = solve_roster(pb, time_limit_s=5, workers=1, seed=1, lns=False).assignment
    optimum = _exact(pb)
    master, relaxation = relax(pb, start, time.perf_counter() + 30, workers=2)
    assert relaxation.lower_bound is not None
    assert relaxation.lower_bound <= optimum + 1e-6 <= check_roster(pb, start).objective + 1e-6
    roster = dive(master, relaxation, time.perf_counter() + 10, workers=1, seed=1)
    check = check_roster(pb, roster)
    assert check.violations == ()
    assert check.objective >= optimum


def _twelve_people(seed: int) -> RosterProblem:
    rng = random.Random(seed)
    shifts = (ShiftType("E", 7 * 60, 480, 480), ShiftType("L", 14 * 60, 480, 480))
    staff = tuple(
        Staff(
            f"p{i}",
            Contract(
                max_days_per_week=5,
                max_weekends=1,
                min_consecutive_days_off=2,
                max_total_min=480 * rng.randint(7, 10),
            ),
        )
        for i in range(12)
    )
    cover = tuple(Cover(d, s.id, rng.randint(2, 4), 100, 1) for d in range(14) for s in shifts)
    requests = _requests(rng, 12, 20)
    return RosterProblem(days=14, shifts=shifts, staff=staff, cover=cover, requests=requests)


def test_the_relaxation_bound_proves_an_optimum_the_first_search_could_not():
    # before the pattern relaxation, the bound of a roster came from CP-SAT's first search,
    # stopped early; the relaxation's Lagrangian bound closes the gap on this problem
    from wfm.roster.model import read_roster

    pb = _twelve_people(2)
    rm = build_model(pb)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 60
    assert solver.solve(rm.model) == cp_model.OPTIMAL and solver.objective_value == 201
    best = read_roster(rm, [s.id for s in pb.staff], solver)
    start = solve_roster(pb, time_limit_s=5, workers=1, seed=1, lns=False).assignment
    _, relaxation = relax(pb, start, time.perf_counter() + 30, workers=1)
    assert relaxation.rounds >= 1 and relaxation.lower_bound is not None
    assert 200 < relaxation.lower_bound <= 201 + 1e-6
    assert relaxation.proves(check_roster(pb, best).objective)
    assert not relaxation.proves(check_roster(pb, start).objective) or (
        check_roster(pb, start).objective == 201
    )


def test_people_with_too_many_labels_are_priced_by_cp_sat_to_the_same_relaxation(monkeypatch):
    from wfm.roster import labels

    pb = _random_problem(1)
    start = solve_roster(pb, time_limit_s=5, workers=1, seed=1, lns=False).assignment
    master, by_labels = relax(pb, start, time.perf_counter() + 30, workers=1)
    assert all(p.data is not None and p.model is None for p in master.people)
    monkeypatch.setattr(labels, "CAPACITY", 4)
    monkeypatch.setattr(labels, "MOST_LABELS", 8)  # every search overflows
    master, by_cp_sat = relax(pb, start, time.perf_counter() + 30, workers=1)
    assert all(p.data is None and p.model is not None for p in master.people)
    assert by_cp_sat.value == pytest.approx(by_labels.value, abs=1e-6)
    assert by_cp_sat.lower_bound is not None and by_labels.lower_bound is not None
