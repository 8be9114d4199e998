"""Deferred cap: only the agents the schedule allocates to deferred work do it.

Hand-computed timelines of the event loop with and without the cap, the invariant that a
pool never has more agents starting deferred work than its cap, the cap built from a
coverage table, and deferred work meeting its deadline when the cap equals the deferred
requirement of :func:`wfm.staffing.deferred.deferred_agents`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from wfm.core.mapping import scenario_from_dict
from wfm.simulate import simulate_plan
from wfm.simulate.engine import run_events
from wfm.simulate.model import build_model
from wfm.simulate.network import ANSWERED, Network, PoolSpec, QueueSpec
from wfm.staffing.deferred import deferred_agents

INF = np.inf
VOICE, EMAIL = 0, 1  # queue (and channel) numbers of the two-queue network


def _net(n_pools: int = 1, ivl: float = 1000.0, kmax: tuple[int, int] = (1, 1)) -> Network:
    """Voice (realtime, rank 0) and email (deferred, rank 2); every pool serves both."""
    return Network(
        queues=(
            QueueSpec(channel=VOICE, rank=0),
            QueueSpec(channel=EMAIL, rank=2, deferred=True),
        ),
        pools=tuple(PoolSpec(queues=(0, 1), proficiency=(1.0, 1.0)) for _ in range(n_pools)),
        max_concurrency=kmax,
        concurrency_aht_factor=(0.0, 0.0),
        interval_s=ivl,
    )


def _run(net, arrival, work, queue, agents, cap=None):
    n = len(arrival)
    return run_events(
        net,
        np.asarray(arrival, dtype=float),
        np.asarray(queue, dtype=int),
        np.asarray(work, dtype=float),
        np.full(n, INF),
        np.asarray(agents, dtype=np.int64),
        deferred_cap=None if cap is None else np.asarray(cap, dtype=np.int64),
    )


# -- event loop: hand-computed timelines ---------------------------------------------------
def test_cap_holds_email_back_while_a_call_arrives():
    # 2 agents; emails (500 s of work) at 0 s and 10 s, a call (50 s) at 20 s.
    # Uncapped: both agents take an email; the call waits until the first ends at 500 s.
    # Cap 1: the second email waits; the call finds the second agent free at 20 s; that agent
    # stays idle from 70 s (cap reached) and the second email starts when the first ends.
    arrival, work, queue = [0, 10, 20], [500, 500, 50], [EMAIL, EMAIL, VOICE]
    free = _run(_net(), arrival, work, queue, agents=((2,),))
    capped = _run(_net(), arrival, work, queue, agents=((2,),), cap=((1,),))
    assert free.wait_s.tolist() == [0.0, 0.0, 480.0]
    assert capped.wait_s.tolist() == [0.0, 490.0, 0.0]
    assert capped.status.tolist() == [ANSWERED] * 3
    # busy agent-time: 500 + 50 + 500 (the second email runs 500–1000 s)
    assert capped.busy_s[0, 0] == pytest.approx(1050.0)


def test_cap_rise_at_the_boundary_starts_queued_email():
    # intervals of 100 s, 2 agents; cap 1 then 2: the email of 10 s starts at 100 s
    out = _run(
        _net(ivl=100.0), [0, 10], [500, 500], [EMAIL, EMAIL], agents=((2,), (2,)), cap=((1,), (2,))
    )
    assert out.wait_s.tolist() == [0.0, 90.0]


def test_cap_fall_does_not_preempt_and_a_freed_slot_goes_to_an_idle_agent():
    # intervals of 100 s, 3 agents. Cap 2: emails at 0 and 1 s start at once (300 s, 50 s).
    # Cap 1 from 100 s: the email of 120 s waits although an agent is idle, since the first
    # email (until 300 s) fills the cap. The call at 150 s goes to an idle agent at once.
    out = _run(
        _net(ivl=100.0),
        [0, 1, 120, 150],
        [300, 50, 10, 10],
        [EMAIL, EMAIL, EMAIL, VOICE],
        agents=((3,), (3,), (3,), (3,)),
        cap=((2,), (1,), (1,), (1,)),
    )
    assert out.wait_s.tolist() == [0.0, 0.0, 180.0, 0.0]


def test_zero_cap_holds_email_until_work_is_allocated():
    # no deferred allocation in the first interval: the email waits for the second
    out = _run(_net(ivl=100.0), [10], [30], [EMAIL], agents=((1,), (1,)), cap=((0,), (1,)))
    assert out.wait_s.tolist() == [90.0]


def test_agent_on_deferred_channel_fills_its_free_slots_within_the_cap():
    # email with 2 slots per agent, cap 1 agent: both emails go to the same agent at once
    out = _run(_net(kmax=(1, 2)), [0, 10], [100, 100], [EMAIL, EMAIL], agents=((2,),), cap=((1,),))
    assert out.wait_s.tolist() == [0.0, 0.0]
    assert out.busy_s[0, 0] == pytest.approx(110.0)  # one agent busy from 0 to 110 s


# -- without a cap, behaviour as before ------------------------------------------------------
def _random_instance(seed: int, n: int = 400, n_int: int = 12, ivl: float = 300.0):
    rng = np.random.default_rng(seed)
    arrival = np.sort(rng.uniform(0, n_int * ivl, n))
    queue = (rng.random(n) < 0.3).astype(int)  # 30 % email
    work = np.where(queue == EMAIL, rng.exponential(400, n), rng.exponential(120, n))
    patience = np.where(queue == EMAIL, INF, rng.exponential(200, n))
    agents = rng.integers(2, 9, size=(n_int, 2))
    return arrival, queue, work, patience, agents


REF_ANSWERED, REF_WAIT_S, REF_HANDLE_S = 235, 261507.292202, 41941.616415


def test_no_cap_gives_the_outcome_of_the_uncapped_loop():
    # Reference: the loop before the cap existed (commit 8b0c720) on this instance:
    # sums of waits and handle times and the answered count, rounded to 1e-6 s.
    arrival, queue, work, patience, agents = _random_instance(5)
    out = run_events(_net(2, ivl=300.0), arrival, queue, work, patience, agents)
    assert (out.status == ANSWERED).sum() == REF_ANSWERED
    assert out.wait_s.sum() == pytest.approx(REF_WAIT_S, rel=1e-12)
    assert out.handle_s.sum() == pytest.approx(REF_HANDLE_S, rel=1e-12)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_a_cap_that_never_binds_changes_nothing(seed):
    arrival, queue, work, patience, agents = _random_instance(seed, n=150)
    net = _net(2, ivl=300.0)
    a = run_events(net, arrival, queue, work, patience, agents)
    b = run_events(net, arrival, queue, work, patience, agents, deferred_cap=agents + 1)
    assert np.array_equal(a.status, b.status)
    assert np.array_equal(a.wait_s, b.wait_s)
    assert np.array_equal(a.pool, b.pool)


# -- invariant: agents on deferred work never exceed the cap ---------------------------------
@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), max_cap=st.integers(0, 4))
def test_agents_busy_on_deferred_work_never_exceed_the_cap(seed, max_cap):
    ivl = 300.0
    arrival, queue, work, patience, agents = _random_instance(seed, n=200, ivl=ivl)
    rng = np.random.default_rng(seed + 1)
    cap = rng.integers(0, max_cap + 1, size=agents.shape)
    out = run_events(_net(2, ivl=ivl), arrival, queue, work, patience, agents, deferred_cap=cap)
    start = arrival + out.wait_s
    end = start + out.handle_s
    on_email = (out.status == ANSWERED) & (queue == EMAIL)
    for i in np.flatnonzero(on_email):
        p, t = out.pool[i], start[i]
        b = int(t // ivl)
        same = on_email & (out.pool == p)
        # (1e-6 s: start + handle is rebuilt here from the wait, to within rounding)
        busy = int(((start[same] <= t + 1e-6) & (end[same] > t + 1e-6)).sum())
        # when an agent starts an email, the pool's agents on email (itself included) fit
        assert busy <= cap[b, p], (i, t, busy, cap[b, p])
    # no email is answered by a pool in an interval whose cap is 0 at its start
    b_start = (start[on_email] // ivl).astype(int)
    assert (cap[b_start, out.pool[on_email]] >= 1).all()


# -- stage: cap built from coverage, deadline met with the deferred requirement ---------------
def _two_channel_scenario(*, shrinkage: float = 0.0, replications: int = 4):
    return scenario_from_dict(
        {
            "name": "cap",
            "interval_min": 30,
            "seed": 3,
            "channels": {
                "voice": {"queue_model": "realtime"},
                "email": {"queue_model": "deferred", "deadline_h": 8},
            },
            "segments": {
                "open": {
                    "channels": ["voice", "email"],
                    "targets": {
                        "voice": {"sl_target_rate": 0.8, "sl_threshold_s": 20},
                        "email": {"sl_target_rate": 0.95},
                    },
                }
            },
            "sites": {
                "a": {
                    "region": "r",
                    "tz": "UTC",
                    "hours": {d: "00:00-24:00" for d in ("mon", "tue", "wed", "thu", "fri")},
                    "pools": {
                        "small": {"skills": ["voice_open", "email_open"], "headcount": 100},
                        "big": {"skills": ["voice_open", "email_open"], "headcount": 300},
                    },
                }
            },
            "shrinkage": {"default_rate": shrinkage},
            "simulation": {
                "replications": replications,
                "shrinkage_draw": "none",
                "service_time": "lognormal",
                "service_cv": 0.3,
            },
        }
    )


def _grid(n: int) -> pd.DatetimeIndex:
    return pd.date_range("2026-03-02", periods=n, freq="30min", tz="UTC")


def test_cap_is_the_pools_share_of_net_deferred_agents_rounded():
    sc = _two_channel_scenario(shrinkage=0.25)
    t = _grid(3)
    split = pd.DataFrame(
        {
            "interval_start": t,
            "channel": "voice",
            "segment": "open",
            "site": "a",
            "human_contacts": 1.0,
            "human_aht_s": 60.0,
        }
    )
    pool_agents = pd.DataFrame(
        {
            "interval_start": np.repeat(t, 2),
            "site": "a",
            "pool": ["small", "big"] * 3,
            "agents": [10.0, 30.0, 10.0, 30.0, 0.0, 0.0],
        }
    )
    coverage = pd.DataFrame(
        {
            "interval_start": np.repeat(t, 2),
            "site": "a",
            "skill": ["email_open", "voice_open"] * 3,
            # net email agents 0.75 × (8, 1, 4) = 6, 0.75, 3; voice rows are ignored
            "agents_scheduled": [8.0, 40.0, 1.0, 40.0, 4.0, 40.0],
        }
    )
    m = build_model(split, pool_agents, sc, None, coverage)
    order = [m.pool_keys.index(("a", "small")), m.pool_keys.index(("a", "big"))]
    cap = m.deferred_cap[:, order]
    # interval 0: 6 × (10, 30)/40 = 1.5, 4.5 → 2, 5 (nearest, halves up)
    # interval 1: 0.75 × (0.25, 0.75) = 0.1875, 0.5625 → at least 1 each
    # interval 2: no agent on queue → 0
    assert cap.tolist() == [[2, 5], [1, 1], [0, 0]]
    assert build_model(split, pool_agents, sc, None).deferred_cap is None


def _deadline_plan(n_arrive: int = 32, n_tail: int = 16, profile: str = "latest"):
    """Voice and email for ``n_arrive`` intervals; agents stay ``n_tail`` more.

    Voice: 80 calls of 180 s per 30 min (8 Erlang) with 12 agents. Email: 12 per 30 min of
    600 s (4 Erlang), staffed by :func:`deferred_agents` for its 8 h deadline at 0.85
    occupancy with the given ``profile`` ("latest": no email work is staffed before it
    must be; "level": the work spread as evenly as the deadlines allow).
    """
    n = n_arrive + n_tail
    t = _grid(n)
    email_contacts, email_aht_s = 12.0, 600.0
    work_s = np.r_[np.full(n_arrive, email_contacts * email_aht_s), np.zeros(n_tail)]
    plan = deferred_agents(work_s, np.ones(n, dtype=bool), 30, 8.0, 0.85, profile=profile)
    email_agents = plan.agents_required.astype(float)
    rows = []
    for ch, c, aht in (("voice", 80.0, 180.0), ("email", email_contacts, email_aht_s)):
        rows.append(
            pd.DataFrame(
                {
                    "interval_start": t[:n_arrive],
                    "channel": ch,
                    "segment": "open",
                    "site": "a",
                    "human_contacts": c,
                    "human_aht_s": aht,
                }
            )
        )
    split = pd.concat(rows, ignore_index=True)
    total = 12.0 + email_agents
    pool_agents = pd.DataFrame(
        {
            "interval_start": np.repeat(t, 2),
            "site": "a",
            "pool": ["small", "big"] * n,
            "agents": np.column_stack([total / 4, 3 * total / 4]).ravel(),
        }
    )
    coverage = pd.DataFrame(
        {
            "interval_start": np.repeat(t, 2),
            "site": "a",
            "skill": ["email_open", "voice_open"] * n,
            "agents_scheduled": np.column_stack([email_agents, np.full(n, 12.0)]).ravel(),
        }
    )
    return split, pool_agents, coverage, email_agents


@pytest.mark.parametrize("profile", ["latest", "level"])
def test_deferred_work_meets_its_deadline_when_the_cap_is_its_requirement(profile):
    sc = _two_channel_scenario()
    split, pool_agents, coverage, email_agents = _deadline_plan(profile=profile)
    if profile == "latest":
        assert email_agents[:4].sum() == 0  # the latest plan starts email work hours later
    free = simulate_plan(split, pool_agents, sc)
    capped = simulate_plan(split, pool_agents, sc, coverage=coverage)
    s_free = free.tables["summary"].set_index(["scope", "name"])
    s_cap = capped.tables["summary"].set_index(["scope", "name"])
    email, voice = ("channel", "email"), ("channel", "voice")
    # email: everything answered, within the 8 h deadline at the 0.95 target or better
    assert s_cap.loc[email, "unserved"] == 0
    assert s_cap.loc[email, "service_level_rate"] >= 0.95
    # the cap makes email wait for its allocated agents (hours when they come late) ...
    assert s_cap.loc[email, "asa_s"] > 3 * s_free.loc[email, "asa_s"]
    if profile == "latest":
        assert s_cap.loc[email, "asa_s"] > 3600
    # ... and voice no longer finds its agents busy on email
    assert s_cap.loc[voice, "service_level_rate"] > s_free.loc[voice, "service_level_rate"]
    assert any("deferred work capped" in n for n in capped.notes)
    assert any("deferred work not capped" in n for n in free.notes)


def test_coverage_none_is_the_default():
    sc = _two_channel_scenario(replications=2)
    split, pool_agents, _, _ = _deadline_plan(n_arrive=4, n_tail=2)
    a = simulate_plan(split, pool_agents, sc)
    b = simulate_plan(split, pool_agents, sc, coverage=None)
    pd.testing.assert_frame_equal(a.table, b.table)
    pd.testing.assert_frame_equal(a.tables["summary"], b.tables["summary"])


def test_deadline_counts_opening_hours_like_staffing():
    """An email at 19:30 with a 1-hour deadline at a site open 08:00–20:00 is due at the end
    of the next morning's first interval (08:30), not at 20:30: the clock of
    :func:`wfm.core.calendar.deadline_index`, as the staffing stage plans it."""
    data = {
        "name": "clock",
        "interval_min": 30,
        "channels": {"email": {"queue_model": "deferred", "deadline_h": 1}},
        "segments": {"open": {"channels": ["email"]}},
        "sites": {
            "a": {
                "region": "r",
                "tz": "UTC",
                "hours": {d: "08:00-20:00" for d in ("mon", "tue", "wed", "thu", "fri")},
                "pools": {"p": {"skills": ["email_open"], "headcount": 5}},
            }
        },
    }
    sc = scenario_from_dict(data)
    grid = pd.date_range("2026-03-02 08:00", "2026-03-03 09:00", freq="30min", tz="UTC")
    split = pd.DataFrame(
        {
            "interval_start": [pd.Timestamp("2026-03-02 19:30", tz="UTC")] * 1
            + [pd.Timestamp("2026-03-02 10:00", tz="UTC")],
            "channel": "email",
            "segment": "open",
            "site": "a",
            "human_contacts": [3.0, 2.0],
            "human_aht_s": 300.0,
        }
    )
    pool_agents = pd.DataFrame({"interval_start": grid, "site": "a", "pool": "p", "agents": 1.0})
    model = build_model(split, pool_agents, sc, None)
    t0 = grid[0]
    due = dict(zip(model.row_interval, model.row_due_s, strict=True))
    evening = int((pd.Timestamp("2026-03-02 19:30", tz="UTC") - t0) / pd.Timedelta("30min"))
    morning = int((pd.Timestamp("2026-03-02 10:00", tz="UTC") - t0) / pd.Timedelta("30min"))
    # 19:30 → due by 08:30 next day = 24.5 h after 08:00 on day one
    assert due[evening] == pytest.approx(24.5 * 3600.0)
    # 10:00 → due by 11:00 the same day
    assert due[morning] == pytest.approx(3.0 * 3600.0)
