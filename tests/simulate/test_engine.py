"""Event loop: hand-computed timelines, routing rules, accounting identities and invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from wfm.simulate.engine import run_events
from wfm.simulate.network import (
    ABANDONED,
    ANSWERED,
    UNSERVED,
    Network,
    PoolSpec,
    QueueSpec,
)

INF = np.inf


def _net(kmax=1, factor=0.0, ivl=1000.0, queues=None, pools=None, overflow_wait_s=None):
    return Network(
        queues=queues or (QueueSpec(channel=0, rank=0),),
        pools=pools or (PoolSpec(queues=(0,), proficiency=(1.0,)),),
        max_concurrency=(kmax,) if np.isscalar(kmax) else tuple(kmax),
        concurrency_aht_factor=(factor,) if np.isscalar(factor) else tuple(factor),
        interval_s=ivl,
        overflow_wait_s=overflow_wait_s,
    )


def _run(net, arrival, work, patience=None, queue=None, agents=((1,),)):
    n = len(arrival)
    return run_events(
        net,
        np.asarray(arrival, dtype=float),
        np.zeros(n, dtype=int) if queue is None else np.asarray(queue),
        np.asarray(work, dtype=float),
        np.full(n, INF) if patience is None else np.asarray(patience, dtype=float),
        np.asarray(agents, dtype=np.int64),
    )


def test_fifo_single_agent_timeline():
    # one agent, three contacts of 30 s at 0, 10, 20 s: waits 0, 20, 40 s (by hand)
    out = _run(_net(), [0, 10, 20], [30, 30, 30])
    assert out.status.tolist() == [ANSWERED] * 3
    assert out.wait_s.tolist() == [0.0, 20.0, 40.0]
    assert out.handle_s.tolist() == [30.0, 30.0, 30.0]
    assert out.busy_s[0, 0] == pytest.approx(90.0)
    assert out.online_s[0, 0] == pytest.approx(1000.0)


def test_abandonment_at_patience_and_the_next_in_line_is_answered():
    # A holds the agent 0–100 s; B (patience 50 s) leaves at 60 s; C is answered at 100 s
    out = _run(_net(), [0, 10, 20], [100, 5, 5], patience=[INF, 50, 1000])
    assert out.status.tolist() == [ANSWERED, ABANDONED, ANSWERED]
    assert out.wait_s.tolist() == [0.0, 50.0, 80.0]
    assert out.pool.tolist() == [0, -1, 0]


def test_patience_spent_before_arrival_abandons_at_once_unless_answered():
    out = _run(_net(), [0, 10], [100, 5], patience=[-5.0, -5.0])
    assert out.status.tolist() == [ANSWERED, ABANDONED]  # the first finds the agent free
    assert out.wait_s.tolist() == [0.0, 0.0]


def test_concurrency_slots_and_handle_time_growth():
    # 1 agent, 2 slots, +50 % handle time for the 2nd conversation
    out = _run(_net(kmax=2, factor=0.5), [0, 10, 20], [100, 100, 100])
    # 0: alone → 100 s, ends 100; 1: second slot at 10 → 150 s, ends 160;
    # 2: waits for a slot until 100, starts as 2nd conversation → 150 s
    assert out.wait_s.tolist() == [0.0, 0.0, 80.0]
    assert out.handle_s.tolist() == [100.0, 150.0, 150.0]
    # the agent is busy (≥ 1 conversation) from 0 to 250 s
    assert out.busy_s[0, 0] == pytest.approx(250.0)


def test_staffing_drop_does_not_preempt_and_later_contacts_wait():
    # intervals of 100 s: 1 agent, then none; a contact at 50 s (100 s of work) finishes at
    # 150 s; one arriving at 120 s is never answered
    out = _run(_net(ivl=100.0), [50, 120], [100, 10], agents=((1,), (0,)))
    assert out.status.tolist() == [ANSWERED, UNSERVED]
    assert out.online_s[:, 0].tolist() == pytest.approx([100.0, 50.0])
    assert out.busy_s[:, 0].tolist() == pytest.approx([50.0, 50.0])


def test_staffing_rise_answers_the_queue_at_the_boundary():
    out = _run(_net(ivl=100.0), [10, 20], [500, 10], agents=((1,), (2,)))
    assert out.wait_s.tolist() == [0.0, 80.0]  # the second agent logs in at 100 s


def test_realtime_rank_before_longer_waiting_deferred_work():
    queues = (QueueSpec(channel=0, rank=0), QueueSpec(channel=1, rank=2))
    pools = (PoolSpec(queues=(0, 1), proficiency=(1.0, 1.0)),)
    net = _net(kmax=(1, 1), factor=(0.0, 0.0), queues=queues, pools=pools)
    # agent busy 0–100 s; deferred contact at 10 s, realtime at 20 s
    out = _run(net, [0, 10, 20], [100, 50, 50], queue=[0, 1, 0])
    assert out.wait_s.tolist() == [0.0, 140.0, 80.0]


def test_proficiency_slows_handle_time():
    net = _net(pools=(PoolSpec(queues=(0,), proficiency=(0.5,)),))
    out = _run(net, [0], [60])
    assert out.handle_s.tolist() == [120.0]


def test_overflow_after_wait_to_another_pool():
    # pool 0 (own) has one busy agent; pool 1 takes queue 0 after 30 s of wait
    pools = (
        PoolSpec(queues=(0,), proficiency=(1.0,)),
        PoolSpec(queues=(), proficiency=(), overflow_queues=(0,), overflow_proficiency=(1.0,)),
    )
    net = _net(pools=pools, overflow_wait_s=30.0)
    out = _run(net, [0, 10], [500, 20], agents=((1, 1),))
    assert out.pool.tolist() == [0, 1]
    assert out.wait_s.tolist() == [0.0, 30.0]


def test_backlog_at_interval_end():
    # no agents in the first interval: both contacts wait; at 100 s the oldest is 90 s old
    out = _run(_net(ivl=100.0), [10, 50], [10, 10], agents=((0,), (1,)))
    assert out.backlog_contacts[0, 0] == 2
    assert out.backlog_age_s[0, 0] == pytest.approx(90.0)
    assert out.backlog_contacts[1, 0] == 0


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(1, 60),
    agents=st.integers(0, 4),
    kmax=st.integers(1, 3),
    finite_patience=st.booleans(),
)
def test_invariants_on_random_instances(seed, n, agents, kmax, finite_patience):
    rng = np.random.default_rng(seed)
    arrival = np.sort(rng.uniform(0, 300, n))
    work = rng.exponential(60, n)
    patience = rng.exponential(40, n) if finite_patience else np.full(n, INF)
    net = _net(kmax=kmax, factor=0.1, ivl=100.0)
    staff = rng.integers(0, agents + 1, size=(4, 1))
    out = run_events(net, arrival, np.zeros(n, dtype=int), work, patience, staff)
    answered = out.status == ANSWERED
    # every contact has one outcome; waits are non-negative
    assert set(np.unique(out.status)) <= {ANSWERED, ABANDONED, UNSERVED}
    assert (out.wait_s >= 0).all()
    # nobody is answered after their patience ran out; abandoners waited their patience
    assert (out.wait_s[answered] <= patience[answered] + 1e-9).all()
    ab = out.status == ABANDONED
    assert np.allclose(out.wait_s[ab], np.maximum(patience[ab], 0.0))
    # FIFO: answered contacts start in arrival order (no concurrency reorders a single queue)
    starts = (arrival + out.wait_s)[answered]
    assert (np.diff(starts) >= -1e-9).all()
    # busy agent-time never exceeds logged-in agent-time
    assert (out.busy_s <= out.online_s + 1e-6).all()
    if kmax == 1:
        # Little's law for the servers: busy agent-time = total handle time of answered
        # contacts when every service ends inside the horizon
        ends = (arrival + out.wait_s + out.handle_s)[answered]
        if ends.size == 0 or ends.max() <= 400:
            assert out.busy_s.sum() == pytest.approx(out.handle_s[answered].sum(), abs=1e-6)


def test_same_inputs_same_outcome():
    rng = np.random.default_rng(3)
    arrival = np.sort(rng.uniform(0, 1000, 300))
    work = rng.exponential(30, 300)
    a = _run(_net(kmax=2, factor=0.2), arrival, work, agents=((3,),))
    b = _run(_net(kmax=2, factor=0.2), arrival, work, agents=((3,),))
    assert np.array_equal(a.wait_s, b.wait_s) and np.array_equal(a.handle_s, b.handle_s)
