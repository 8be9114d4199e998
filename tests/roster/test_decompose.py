"""The decomposed roster of large pools (days, then shift types day by day) on small cases
forced through it (``decompose_above=0``): every hard rule, cover and pins."""

from __future__ import annotations

import time

from wfm.roster import (
    Contract,
    Cover,
    RosterProblem,
    ShiftType,
    Staff,
    Weights,
    check_roster,
    solve_roster,
)

EARLY = ShiftType("E", 7 * 60, 480, 480)
LATE = ShiftType("L", 14 * 60, 480, 480)
SHORT = ShiftType("S", 9 * 60, 240, 240)


def _problem(staff, need, days=14, shifts=(EARLY, LATE), **kw) -> RosterProblem:
    cover = tuple(
        Cover(d, s.id, need.get((d, s.id), 0), 1000, 50) for d in range(days) for s in shifts
    )
    return RosterProblem(days=days, shifts=shifts, staff=tuple(staff), cover=cover, **kw)


def _decomposed(pb):
    sol = solve_roster(pb, time_limit_s=10, workers=1, seed=1, decompose_above=0)
    check = check_roster(pb, sol.assignment)
    assert check.violations == ()
    assert check.objective == sol.solve.objective
    return sol, check


def test_decomposed_roster_covers_with_rest_days_and_runs():
    # 4 people × 5 days a week = 20 ≥ 14 agent-shifts a week (an early and a late every day);
    # late then early breaks the 11 h rest, and at most 4 days in a row
    staff = [Staff(f"p{i}", Contract(max_days_per_week=5, max_consecutive_days=4)) for i in "1234"]
    need = {(d, t): 1 for d in range(14) for t in ("E", "L")}
    sol, check = _decomposed(_problem(staff, need, weights=Weights(isolated_day_off=20)))
    assert sol.solve.status == "DECOMPOSED"
    assert check.terms["cover_under"] == 0
    assert check.terms["cover_over"] == 0


def test_decomposed_roster_keeps_room_for_the_week_and_time_off():
    # a part-timer of 3 × 4 h a week (720 min) on 4 days off-limits one day: the day plan may give
    # 3 days, and the shift types must keep the week within 720 min
    staff = [
        Staff("pt", Contract(max_min_per_week=720, max_days_per_week=3), days_off=frozenset({2})),
        Staff("ft", Contract(max_days_per_week=5)),
    ]
    need = {(d, "S"): 1 for d in range(7)}
    need.update({(d, "E"): 1 for d in range(7)})
    sol, check = _decomposed(_problem(staff, need, days=7, shifts=(EARLY, SHORT)))
    assert ("pt", 2) not in sol.assignment
    pt_min = sum(480 if t == "E" else 240 for (s, _), t in sol.assignment.items() if s == "pt")
    assert pt_min <= 720
    assert check.terms["cover_under"] == 1000 * (14 - len(sol.assignment))
    assert len(sol.assignment) == 8  # 3 for the part-timer, 5 for the full-timer


def test_decomposed_rerostering_keeps_pins_and_moves_the_sick_days():
    staff = [Staff(f"p{i}", Contract(max_days_per_week=5)) for i in "123"]
    need = {(d, "E"): 2 for d in range(7)}
    pb = _problem(staff, need, days=7, shifts=(EARLY,), weights=Weights(change=200))
    first, _ = _decomposed(pb)
    published = {(s, d): None for s in ("p1", "p2", "p3") for d in range(7)}
    published.update(first.assignment)
    sick = [Staff("p1", Contract(max_days_per_week=5), days_off=frozenset(range(7)))] + staff[1:]
    pinned = frozenset(k for k in published if k[0] == "p2")
    again = _problem(
        sick,
        need,
        days=7,
        shifts=(EARLY,),
        weights=Weights(change=200),
        published=published,
        pinned=pinned,
    )
    sol, check = _decomposed(again)
    assert not any(s == "p1" for s, _ in sol.assignment)
    assert {k: v for k, v in sol.assignment.items() if k[0] == "p2"} == {
        k: v for k, v in first.assignment.items() if k[0] == "p2"
    }
    assert check.terms["cover_under"] == 1000 * (14 - len(sol.assignment))


def test_large_neighbourhood_search_improves_a_valid_roster_to_the_optimum():
    from wfm.roster.greedy import greedy_roster
    from wfm.roster.lns import improve

    # two people, early and late every day; the day-by-day roster gives both early shifts to
    # the same first person and leaves the 11 h rest to block the second
    staff = [Staff(f"p{i}", Contract(max_days_per_week=5)) for i in "12"]
    need = {(d, t): 1 for d in range(7) for t in ("E", "L")}
    pb = _problem(staff, need, days=7, weights=Weights(start_change=5, isolated_day_off=20))
    start = greedy_roster(pb)
    before = check_roster(pb, start)
    assert before.violations == ()
    found, steps, proven = improve(pb, start, time.perf_counter() + 60, 1, 1)
    after = check_roster(pb, found)
    assert after.violations == ()
    exact = solve_roster(pb, time_limit_s=20, workers=1, seed=1, lns=False)
    assert exact.solve.status == "OPTIMAL"
    assert after.objective == exact.solve.objective
    assert (steps > 0) == (after.objective < before.objective)
    assert proven  # the last neighbourhood freed the whole roster and was solved exactly
