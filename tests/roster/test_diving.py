"""From the pattern relaxation to a roster: weekend branching, then the dive."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import wfm.roster.diving as diving
from tests.roster.test_columns import _random_problem
from wfm.roster import check_roster, solve_roster
from wfm.roster.columns import relax
from wfm.roster.diving import _branch_day, _weekend_cells, dive
from wfm.roster.labels import cheapest_patterns


def _relaxed(seed: int):
    pb = _random_problem(seed)
    start = solve_roster(pb, time_limit_s=5, workers=1, seed=1, lns=False).assignment
    master, relaxation = relax(pb, start, time.perf_counter() + 30, workers=1)
    return pb, master, relaxation


def _works(pattern, day: int) -> bool:
    return any(d == day for d, _ in pattern)


@pytest.mark.parametrize("worked", [True, False])
def test_a_weekend_day_branched_on_leaves_only_patterns_that_agree(worked):
    pb, master, _ = _relaxed(1)
    weekend_days = [d for weekend in pb.weekends() for d in weekend]
    p = 0
    d = next(d for d in weekend_days if d not in pb.staff[p].days_off)
    assert _branch_day(master, p, d, worked)
    person = master.people[p]
    assert person.patterns  # the person keeps a pattern, their cheapest under the branch
    assert all(_works(pattern, d) == worked for pattern in person.patterns)
    # the labelling prices only patterns that agree, whatever the prices
    prices = np.zeros_like(person.data.allowed, dtype=np.int64)
    prices[d, 1:] = -(10**6) if worked else 10**6  # prices pulling the other way
    cheapest = cheapest_patterns(person.data, prices, 1, 5)
    assert cheapest and all(_works(pattern, d) == worked for pattern, _ in cheapest)


def test_a_day_off_cannot_be_branched_as_worked():
    pb, master, _ = _relaxed(2)
    p = 0
    d = min(pb.staff[p].days_off)  # time off: no shift allowed that day
    before = dict(master.people[p].patterns)
    assert not _branch_day(master, p, d, True)
    assert master.people[p].patterns == before


def test_weekend_cells_are_the_weekend_days_worked_in_part_most_certain_first():
    pb, master, relaxation = _relaxed(3)
    weekend_days = {d for weekend in pb.weekends() for d in weekend}
    cells = _weekend_cells(master, relaxation.use, set())
    assert [c[0] for c in cells] == sorted((c[0] for c in cells), reverse=True)
    for certainty, p, d, worked in cells:
        share = sum(w for w, pattern in relaxation.use[p] if _works(pattern, d))
        assert d in weekend_days and 0 < share < 1
        assert certainty == pytest.approx(max(share, 1 - share))
        assert worked == (share >= 0.5)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_dive_leaves_the_root_bound_alone_and_ends_on_a_valid_roster(seed):
    pb, master, relaxation = _relaxed(seed)
    roster = dive(master, relaxation, time.perf_counter() + 10, workers=1, seed=1)
    # a bound priced under a branch bounds the branch, not the roster: the root's is kept
    assert master.bound == relaxation.lower_bound
    assert check_roster(pb, roster).violations == ()


def test_pricing_under_a_branch_keeps_the_root_bound():
    """A Lagrangian bound priced under a branch bounds the branch only: with every person
    made to work a weekend day the relaxation rests, the root's bound must stay."""
    pb, master, relaxation = _relaxed(1)
    weekend_days = [d for weekend in pb.weekends() for d in weekend]
    for p, person in enumerate(pb.staff):
        for d in weekend_days:
            share = sum(w for w, pattern in relaxation.use[p] if _works(pattern, d))
            if share < 1e-6 and d not in person.days_off and _branch_day(master, p, d, True):
                break
    with ThreadPoolExecutor(1) as pool:
        value, _ = master.generate(list(range(len(pb.staff))), time.perf_counter() + 10, pool, 50)
    assert value > relaxation.value + 1  # the branch costs: its own bound would be higher
    assert master.bound == relaxation.lower_bound


def test_the_people_the_dive_leaves_free_are_searched_until_the_search_deadline(monkeypatch):
    """The exact search over the people left free is the dive's most productive step (on
    Curtois & Qu instance 8 it turned misses of about 1400 into 1300-1304 when given 5-15 s
    instead of 1-2 s): it runs to ``search_deadline``, not to the branching's deadline."""
    pb, master, relaxation = _relaxed(1)
    limits: list[float] = []
    real = diving.part_step

    def recording(*args, **kwargs):
        limits.append(args[4])
        return real(*args, **kwargs)

    monkeypatch.setattr(diving, "part_step", recording)
    now = time.perf_counter()
    roster = dive(master, relaxation, now, workers=1, seed=1, search_deadline=now + 8)
    assert len(limits) == 1 and limits[0] > 5  # no branching time; the search keeps its own
    assert check_roster(pb, roster).violations == ()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_weekend_branching_step_takes_at_least_its_fewest_days_while_as_many_are_left(
    monkeypatch, seed
):
    """The branching's last steps took one day each (on Curtois & Qu instance 8, six of its
    fourteen steps), each priced again for up to three rounds: on a machine at half speed
    the clock stopped it with 7-11 weekend days still fractional, and those runs missed by a
    weekend person-shift. A step takes ``WEEKEND_STEP`` days while as many are left (fewer
    only after a step was undone)."""
    pb, master, relaxation = _relaxed(seed)
    steps: list[tuple[int, int, bool]] = []  # (days in the step, days left, undone)
    real_cells, real_try = diving._weekend_cells, diving._try_branch
    left: list[int] = []

    def cells(*args):
        found = real_cells(*args)
        left.append(len(found))
        return found

    def trying(master, step, *args):
        value, use = real_try(master, step, *args)
        steps.append((len(step), left[-1], use is None))
        return value, use

    monkeypatch.setattr(diving, "_weekend_cells", cells)
    monkeypatch.setattr(diving, "_try_branch", trying)
    top = relaxation.value * (1 + diving.DIVE_RISE) + 1e-6
    with ThreadPoolExecutor(1) as pool:
        diving._branch_weekends(master, relaxation.use, top, time.perf_counter() + 30, pool)
    assert steps
    for (size, days_left, _), (_, _, undone_before) in zip(
        steps, [(0, 0, False), *steps[:-1]], strict=True
    ):
        if not undone_before:
            assert size >= min(diving.WEEKEND_STEP, days_left)
