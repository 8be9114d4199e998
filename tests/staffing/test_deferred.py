"""Deferred work: deadlines in opening hours, the exact greedy against brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import example, given, settings, strategies as st

from wfm.core.calendar import deadline_index
from wfm.staffing import deferred


def test_deadline_counts_opening_hours_only() -> None:
    # hourly grid: open, open, closed (night), open, open; 2 opening hours to answer
    due = deadline_index([True, True, False, True, True], 60, 2.0)
    assert due.tolist() == [1, 3, 4, 4, -1]
    # a deadline shorter than the interval: due by the end of the arrival interval if open
    assert deadline_index([True, False, True], 30, 0.25).tolist() == [0, 2, 2]


def _feasible(work, flags, due, agents, capacity_s) -> bool:
    """Earliest-deadline-first with preemption: optimal for one resource with release times
    and deadlines, so a staffing is feasible exactly when EDF meets every deadline."""
    pending: list[list[float]] = []
    for t in range(len(work)):
        if work[t] > 0:
            pending.append([due[t] if due[t] >= 0 else np.inf, work[t]])
        room = agents[t] * capacity_s if flags[t] else 0.0
        pending.sort()
        for item in pending:
            take = min(item[1], room)
            item[1] -= take
            room -= take
        pending = [p for p in pending if p[1] > 1e-9]
        if any(d <= t for d, _ in pending):
            return False
    return True


@settings(max_examples=60, deadline=None)
@given(
    work=st.lists(st.sampled_from([0.0, 600.0, 1_800.0, 2_500.0, 3_600.0]), min_size=2, max_size=5),
    closed=st.lists(st.booleans(), min_size=5, max_size=5),
    deadline_h=st.sampled_from([0.5, 1.0, 2.0]),
)
# work piled up while closed needs 4 agents at opening: more than a fixed 0..3 search covers
@example(
    work=[0.0, 600.0, 3_600.0, 3_600.0, 3_600.0],
    closed=[False, True, True, True, False],
    deadline_h=0.5,
)
def test_greedy_meets_deadlines_with_least_agent_hours(work, closed, deadline_h) -> None:
    flags = np.array([not c for c in closed[: len(work)]])
    flags[-1] = True
    interval_min = 60
    plan = deferred.deferred_agents(work, flags, interval_min, deadline_h, profile="latest")
    cap = interval_min * 60.0
    assert _feasible(work, flags, plan.due_index, plan.agents_required, cap)
    assert plan.late_s == 0.0
    assert (plan.agents_required[~flags] == 0).all()
    # brute force over every staffing with 0..max+1 agents per interval: none feasible is
    # cheaper (work whose deadline is past the grid is not required, as in the greedy)
    top = int(plan.agents_required.max()) + 2
    best = min(
        sum(n)
        for n in itertools.product(range(top), repeat=len(work))
        if _feasible(work, flags, plan.due_index, np.array(n), cap)
    )
    assert plan.agents_required.sum() == best


def test_every_contact_answered_before_its_deadline_with_occupancy() -> None:
    rng = np.random.default_rng(3)
    flags = np.tile(np.r_[np.zeros(16, bool), np.ones(24, bool), np.zeros(8, bool)], 4)
    work = rng.uniform(0, 9_000, flags.size) * flags
    plan = deferred.deferred_agents(work, flags, 30, 8.0, max_occupancy_rate=0.8)
    cap = 30 * 60.0 * 0.8
    assert _feasible(work, flags, plan.due_index, plan.agents_required, cap)
    done_by_grid = plan.worked_s.sum() + plan.carried_s
    assert done_by_grid == pytest.approx(work.sum(), rel=1e-12)
    assert (plan.worked_s <= plan.agents_required * cap + 1e-6).all()
    assert plan.carried_s > 0  # the last day's work is due after the grid


def test_bad_inputs() -> None:
    with pytest.raises(ValueError):
        deferred.deferred_agents([1.0, 2.0], [True], 30, 1.0)
    with pytest.raises(ValueError):
        deferred.deferred_agents([1.0], [True], 30, 1.0, max_occupancy_rate=0.0)


@settings(max_examples=60, deadline=None)
@given(
    work=st.lists(
        st.sampled_from([0.0, 600.0, 1_800.0, 2_500.0, 3_600.0, 9_000.0]), min_size=2, max_size=12
    ),
    closed=st.lists(st.booleans(), min_size=12, max_size=12),
    deadline_h=st.sampled_from([0.5, 1.0, 2.0, 4.0]),
)
def test_level_profile_keeps_deadlines_with_a_lower_peak(work, closed, deadline_h) -> None:
    flags = np.array([not c for c in closed[: len(work)]])
    flags[-1] = True
    level = deferred.deferred_agents(work, flags, 60, deadline_h)
    latest = deferred.deferred_agents(work, flags, 60, deadline_h, profile="latest")
    cap = 3600.0
    assert _feasible(work, flags, level.due_index, level.agents_required, cap)
    assert level.late_s == 0.0
    assert (level.agents_required[~flags] == 0).all()
    assert level.agents_required.max() <= latest.agents_required.max()
    # each open interval's ceiling wastes less than one agent-interval
    assert level.agents_required.sum() <= latest.agents_required.sum() + flags.sum()


def test_level_spreads_overnight_email_over_the_day() -> None:
    # 10 agent-hours of email arrive overnight; 24 h deadline in a 12-hour day: due at the end
    # of the next day. "latest" puts all of it in the last open hour; "level" spreads it.
    flags = np.r_[np.zeros(8, bool), np.ones(12, bool), np.zeros(12, bool), np.ones(12, bool)]
    work = np.r_[np.full(8, 4_500.0), np.zeros(36)]  # 8 × 1.25 h = 10 agent-hours
    latest = deferred.deferred_agents(work, flags, 60, 24.0, profile="latest")
    level = deferred.deferred_agents(work, flags, 60, 24.0)
    assert latest.agents_required.max() == 10
    assert level.agents_required.max() == 1  # 10 h over 24 open hours: one agent at a time
    assert level.agents_required.sum() == 10
