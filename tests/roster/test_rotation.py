"""Rotations: each agent's days repeat every N weeks when the scenario asks (soft, priced per
agent-day that breaks it), in the checker, the exact model, the decomposed roster of large
pools, the scenario's ``[roster]`` and ``wfm roster``."""

from __future__ import annotations

from dataclasses import replace

import pytest

from wfm.core.errors import ConfigError
from wfm.core.roster_settings import RosterConfig
from wfm.roster import (
    Contract,
    Cover,
    Request,
    RosterProblem,
    ShiftType,
    Staff,
    Weights,
    check_roster,
    solve_roster,
)

EARLY = ShiftType("E", 7 * 60, 480, 480)
LATE = ShiftType("L", 14 * 60, 480, 480)


def _problem(n_staff: int, per_shift: int, weights: Weights, **kw) -> RosterProblem:
    """Two weeks from a Monday; every weekday ``per_shift`` early and late shifts."""
    cover = tuple(
        Cover(d, s.id, per_shift if d % 7 < 5 else 0, 1000, 50)
        for d in range(14)
        for s in (EARLY, LATE)
    )
    staff = tuple(Staff(f"p{i}", Contract(max_days_per_week=5)) for i in range(n_staff))
    return RosterProblem(
        days=14, shifts=(EARLY, LATE), staff=staff, cover=cover, weights=weights, **kw
    )


def _per_person(pb: RosterProblem, assignment: dict) -> dict[str, dict[int, str]]:
    per: dict[str, dict[int, str]] = {s.id: {} for s in pb.staff}
    for (sid, d), t in assignment.items():
        per[sid][d] = t
    return per


def test_rotation_breaks_are_counted_and_priced_by_the_checker():
    pb = _problem(1, 1, Weights(rotation=20), rotation_days=7)
    # day 0 early, day 7 late (another shift); day 1 worked, day 8 off; day 9 worked, day 2 off
    days = {0: "E", 7: "L", 1: "E", 9: "E"}
    assert pb.rotation_breaks(days) == 3
    assert replace(pb, rotation_days=0).rotation_breaks(days) == 0
    assert check_roster(pb, {("p0", d): t for d, t in days.items()}).terms["rotation_breaks"] == 60


def test_the_exact_model_keeps_the_rotation_against_a_lighter_request():
    # p0 asks to work Wednesday of week 1 and to be off Wednesday of week 2 (weight 10 each):
    # honouring both breaks the rotation for p0 and for whoever takes the shift (2 × 20)
    requests = (Request("p0", 2, None, 10, True), Request("p0", 9, None, 10, False))
    pb = _problem(3, 1, Weights(rotation=20), rotation_days=7, requests=requests)
    sol = solve_roster(pb, time_limit_s=30, workers=1, seed=1)
    assert sol.solve.status == "OPTIMAL"
    per = _per_person(pb, sol.assignment)
    assert sum(pb.rotation_breaks(days) for days in per.values()) == 0
    assert (2 in per["p0"]) == (9 in per["p0"])  # one request gives way (both cost 10)
    assert sol.solve.objective == 10
    free = solve_roster(replace(pb, weights=Weights()), time_limit_s=30, workers=1, seed=1)
    mine = _per_person(pb, free.assignment)["p0"]
    assert 2 in mine and 9 not in mine  # without a rotation both are met
    assert free.solve.objective == 0


def test_the_decomposed_roster_repeats_the_rotation():
    # three people ask to work Tuesday of week 1 and to be off Tuesday of week 2 (weight 10):
    # without a rotation the day plan meets some of these and the weeks differ
    requests = tuple(
        r
        for i in range(3)
        for r in (Request(f"p{i}", 1, None, 10, True), Request(f"p{i}", 8, None, 10, False))
    )
    pb = _problem(8, 3, Weights(rotation=20, start_change=5), rotation_days=7, requests=requests)
    breaks = {}
    for weight in (0, 20):
        wb = replace(pb, weights=replace(pb.weights, rotation=weight))
        sol = solve_roster(wb, time_limit_s=10, workers=1, seed=1, decompose_above=0)
        check = check_roster(wb, sol.assignment)
        assert check.violations == () and check.terms.get("cover_under", 0) == 0
        per = _per_person(pb, sol.assignment)
        breaks[weight] = sum(pb.rotation_breaks(days) for days in per.values())
    assert breaks[20] == 0 < breaks[0]


@pytest.mark.parametrize("rotation", [4, 5])
def test_a_rotation_must_repeat_within_the_roster(rotation):
    with pytest.raises(ConfigError, match="rotation_weeks") as err:
        RosterConfig(agents="agents.csv", weeks=4, rotation_weeks=rotation)
    assert "from 1 to weeks - 1 = 3" in str(err.value)
    assert RosterConfig(agents="agents.csv", weeks=4, rotation_weeks=2).rotation_weeks == 2


def test_the_day_by_day_roster_repeats_the_rotation():
    # the quick roster a large pool falls back on when CP-SAT finds nothing better in time
    from wfm.roster.greedy import greedy_roster

    pb = _problem(8, 3, Weights(rotation=20), rotation_days=7)
    per = _per_person(pb, greedy_roster(pb))
    free = _per_person(pb, greedy_roster(replace(pb, weights=Weights())))
    assert sum(pb.rotation_breaks(days) for days in per.values()) == 0
    assert sum(pb.rotation_breaks(days) for days in free.values()) > 0
