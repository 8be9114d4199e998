"""Fair shares of evening shifts within a pool: counted by the problem and the checker, sought
by the exact model, the neighbourhood search's parts and the decomposed roster of large pools,
and reported per agent."""

from __future__ import annotations

from dataclasses import replace

from tests.roster.conftest import agent, agents, schedule
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
from wfm.roster.lns import part_problem
from wfm.roster.stage import roster_agents

EARLY = ShiftType("E", 7 * 60, 480, 480)
LATE = ShiftType("L", 14 * 60, 480, 480, evening=True)


def _problem(n_staff: int, days: int, weights: Weights) -> RosterProblem:
    """Every day an early and a late shift for each two people."""
    pairs = n_staff // 2
    cover = tuple(Cover(d, s.id, pairs, 1000, 50) for d in range(days) for s in (EARLY, LATE))
    staff = tuple(Staff(f"p{i}", Contract(max_days_per_week=5)) for i in range(n_staff))
    return RosterProblem(days=days, shifts=(EARLY, LATE), staff=staff, cover=cover, weights=weights)


def test_evenings_are_counted_and_their_spread_priced_by_the_checker():
    pb = _problem(2, 3, Weights(evening_spread=30))
    roster = {("p0", d): "E" for d in range(3)} | {("p1", d): "L" for d in range(3)}
    assert pb.evenings_worked({0: "L", 1: "E", 2: "L"}) == 2
    # p1 works 3 evenings, p0 none: a spread of 3 at 30 each
    assert check_roster(pb, roster).terms["evening_spread"] == 90
    assert "evening_spread" not in check_roster(replace(pb, weights=Weights()), roster).terms


def test_the_exact_model_shares_the_evenings():
    # Monday, Wednesday and Friday an early and a late shift for two people (days apart: a
    # late then an early next morning would break the 11 h rest). Each keeping one start time
    # puts all three lates on one person (spread 3 × 30); splitting them 2–1 costs two start
    # changes (2 × 5) and a spread of 1 (30): 40 < 90.
    need = {(d, s): 1 for d in (0, 2, 4) for s in ("E", "L")}
    pb = _problem(2, 5, Weights(evening_spread=30, start_change=5))
    pb = replace(
        pb, cover=tuple(replace(c, requirement=need.get((c.day, c.shift), 0)) for c in pb.cover)
    )
    sol = solve_roster(pb, time_limit_s=20, workers=1, seed=1)
    assert sol.solve.status == "OPTIMAL" and sol.solve.objective == 40
    per = {s.id: {d: t for (sid, d), t in sol.assignment.items() if sid == s.id} for s in pb.staff}
    assert sorted(pb.evenings_worked(days) for days in per.values()) == [1, 2]


def test_the_roster_stage_reports_evenings_per_agent_and_pool(tiny_scenario):
    # the tiny scenario's late shift (14:00–22:00) ends after 19:00: an evening shift
    sch = schedule({(d, s): 1 for d in (0, 2, 4) for s in ("early", "late")})
    team = agents(agent("a1"), agent("a2"))
    res = roster_agents(sch, team, tiny_scenario, weeks=1, time_limit_s=20, workers=1, seed=1)
    summary = res.tables["agent_summary"].set_index("agent_id")
    lates = res.table[res.table["shift_start_local"] == "14:00"]["agent_id"].value_counts()
    assert summary["evenings"].to_dict() == {a: int(lates.get(a, 0)) for a in ("a1", "a2")}
    pool = res.figures["lyon/all"]
    assert (pool["evenings_min"], pool["evenings_max"]) == (
        summary["evenings"].min(),
        summary["evenings"].max(),
    )


def test_a_part_sees_the_evenings_of_the_people_outside_it():
    pb = _problem(2, 3, Weights(evening_spread=30))
    roster = {("p0", 0): "L", ("p0", 1): "E", ("p1", 0): "E", ("p1", 2): "L"}
    _, outside = part_problem(pb, roster, [1])
    assert outside.evenings == {"": [1]}  # p0's one late shift


def test_the_decomposed_roster_shares_the_evenings():
    # 8 people, two weeks, every day 4 early and 4 late shifts: day by day the late shifts go
    # to those with the fewest evenings so far
    fair = _problem(8, 14, Weights(evening_spread=30))
    sol = solve_roster(fair, time_limit_s=10, workers=1, seed=1, decompose_above=0)
    check = check_roster(fair, sol.assignment)
    assert check.violations == ()
    per = {s.id: {} for s in fair.staff}
    for (sid, d), t in sol.assignment.items():
        per[sid][d] = t
    counts = [fair.evenings_worked(days) for days in per.values()]
    assert max(counts) - min(counts) <= 2, counts
