"""Independent check of multi-skill routing and concurrent placement by exact Markov chains.

Each test builds the continuous-time Markov chain of a small centre in numpy/scipy (states,
generator, stationary distribution) and compares the event loop's long-run figures with it,
within the 95 % confidence interval of independent replications (seeded, so deterministic).

Centre of the multi-skill test: pool A (3 agents) answers skill 1 only; pool B (4 agents)
answers both skills with priority to skill 2 (the routing policy's tiers: B is allocated to
skill 2 and takes skill 1 only as spill-over). Skill 1 arrivals try A first, then B. Handle
times exponential (300 s), patience exponential (120 s).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sps
import scipy.sparse.linalg as spla
from scipy import stats

from wfm.simulate.engine import run_events
from wfm.simulate.network import ABANDONED, Network, PoolSpec, QueueSpec

AHT_S = 300.0
PATIENCE_S = 120.0
IVL_S = 3600.0
N_INT = 40  # hours simulated per replication; the first and last are left out
REPS = 20


def _stationary(states: list[tuple], moves) -> np.ndarray:
    """Stationary distribution of the chain whose ``moves(state)`` yields (next, rate)."""
    index = {s: i for i, s in enumerate(states)}
    rows, cols, vals = [], [], []
    for s in states:
        for nxt, rate in moves(s):
            if rate > 0 and nxt in index and nxt != s:
                rows.append(index[s])
                cols.append(index[nxt])
                vals.append(rate)
    n = len(states)
    q = sps.csr_matrix((vals, (rows, cols)), shape=(n, n))
    q = q - sps.diags(np.asarray(q.sum(axis=1)).ravel())
    a = q.T.tolil()
    a[0, :] = 1.0  # replace one balance equation by Σπ = 1
    rhs = np.zeros(n)
    rhs[0] = 1.0
    return spla.spsolve(a.tocsc(), rhs)


def _two_skill_chain(n_a, n_b, lam1, lam2, q_max=25):
    """P(wait > 0) and abandonment share per skill of the A/B centre, exactly."""
    mu, theta = 1.0 / AHT_S, 1.0 / PATIENCE_S
    states = []
    for a1, b1, b2 in itertools.product(range(n_a + 1), range(n_b + 1), range(n_b + 1)):
        if b1 + b2 > n_b:
            continue
        full1 = a1 == n_a and b1 + b2 == n_b
        full2 = b1 + b2 == n_b
        for q1 in range(q_max + 1 if full1 else 1):
            for q2 in range(q_max + 1 if full2 else 1):
                states.append((a1, b1, b2, q1, q2))

    def moves(s):
        a1, b1, b2, q1, q2 = s
        # arrivals: skill 1 to A, then B, then the queue; skill 2 to B, then the queue
        if a1 < n_a:
            yield (a1 + 1, b1, b2, q1, q2), lam1
        elif b1 + b2 < n_b:
            yield (a1, b1 + 1, b2, q1, q2), lam1
        else:
            yield (a1, b1, b2, q1 + 1, q2), lam1
        if b1 + b2 < n_b:
            yield (a1, b1, b2 + 1, q1, q2), lam2
        else:
            yield (a1, b1, b2, q1, q2 + 1), lam2
        # an A agent frees: next skill 1 contact, else idle
        yield ((a1, b1, b2, q1 - 1, q2) if q1 else (a1 - 1, b1, b2, q1, q2)), a1 * mu
        # a B agent frees: skill 2 first (its tier), then skill 1, else idle
        for rate, (d1, d2) in ((b1 * mu, (1, 0)), (b2 * mu, (0, 1))):
            if q2:
                nxt = (a1, b1 - d1, b2 - d2 + 1, q1, q2 - 1)
            elif q1:
                nxt = (a1, b1 - d1 + 1, b2 - d2, q1 - 1, q2)
            else:
                nxt = (a1, b1 - d1, b2 - d2, q1, q2)
            yield nxt, rate
        yield (a1, b1, b2, q1 - 1, q2), q1 * theta
        yield (a1, b1, b2, q1, q2 - 1), q2 * theta

    pi = _stationary(states, moves)
    st = np.array(states)
    full_a, full_b = st[:, 0] == n_a, st[:, 1] + st[:, 2] == n_b
    return {
        "wait1": float(pi[full_a & full_b].sum()),  # PASTA: an arrival finds no agent for it
        "wait2": float(pi[full_b].sum()),
        "abandon1": float(theta * (pi * st[:, 3]).sum() / lam1),
        "abandon2": float(theta * (pi * st[:, 4]).sum() / lam2),
    }


def _replicate(net, rates, agents, tiers, seed, patient=False):
    """One replication: Poisson arrivals per queue, exponential work and patience (none when
    ``patient``)."""
    rng = np.random.default_rng(seed)
    horizon = N_INT * IVL_S
    arr, q = [], []
    for k, lam in enumerate(rates):
        n = rng.poisson(lam * horizon)
        arr.append(rng.random(n) * horizon)
        q.append(np.full(n, k))
    arrival, queue = np.concatenate(arr), np.concatenate(q)
    order = np.argsort(arrival, kind="stable")
    arrival, queue = arrival[order], queue[order]
    n = len(arrival)
    out = run_events(
        net,
        arrival,
        queue,
        rng.exponential(AHT_S, n),
        np.full(n, np.inf) if patient else rng.exponential(PATIENCE_S, n),
        np.tile(np.asarray(agents, dtype=np.int64), (N_INT, 1)),
        tiers=tiers,
    )
    keep = (arrival >= IVL_S) & (arrival < horizon - IVL_S)  # warm-up and closing left out
    return arrival, queue, out, keep


def _ci(values):
    v = np.asarray(values)
    half = stats.t.ppf(0.975, len(v) - 1) * v.std(ddof=1) / np.sqrt(len(v))
    return v.mean(), half


def test_two_skill_two_pool_routing_matches_the_exact_markov_chain():
    n_a, n_b = 3, 4
    lam1, lam2 = 3.2 / AHT_S, 2.6 / AHT_S  # offered loads 3.2 and 2.6 Erlang
    exact = _two_skill_chain(n_a, n_b, lam1, lam2)
    net = Network(
        queues=(QueueSpec(channel=0, rank=0), QueueSpec(channel=0, rank=0)),
        pools=(
            PoolSpec(queues=(0,), proficiency=(1.0,)),
            PoolSpec(queues=(0, 1), proficiency=(1.0, 1.0)),
        ),
        max_concurrency=(1,),
        concurrency_aht_factor=(0.0,),
        interval_s=IVL_S,
    )
    tiers = np.tile(np.array([[0, -1], [1, 0]]), (N_INT, 1, 1))  # [pool, queue]
    got = {key: [] for key in exact}
    for r in range(REPS):
        _, queue, out, keep = _replicate(net, (lam1, lam2), (n_a, n_b), tiers, 1000 + r)
        for k in (0, 1):
            sel = keep & (queue == k)
            got[f"wait{k + 1}"].append(float((out.wait_s[sel] > 0).mean()))
            got[f"abandon{k + 1}"].append(float((out.status[sel] == ABANDONED).mean()))
    for key, value in exact.items():
        mean, half = _ci(got[key])
        assert abs(mean - value) <= half, (key, mean, half, value)
    # the check has teeth: priority to skill 2 in B makes skill 1 wait more than skill 2 alone
    assert exact["wait1"] < exact["wait2"]
    assert 0.25 < exact["wait2"] < 0.6  # a loaded centre, not a trivial one


def _concurrent_chain(n, k, lam, fill: bool, q_max=40):
    """Mean agents with at least one conversation, and P(wait > 0), for n agents of
    ``max_concurrency`` 2 (k = 2), no handle-time growth, infinite patience."""
    assert k == 2
    mu = 1.0 / AHT_S
    states = [
        (n0, n1, n - n0 - n1, q)
        for n0 in range(n + 1)
        for n1 in range(n + 1 - n0)
        for q in range(q_max + 1 if n0 == 0 and n1 == 0 else 1)
    ]

    def moves(s):
        n0, n1, n2, q = s
        if fill and n1:
            yield (n0, n1 - 1, n2 + 1, q), lam
        elif n0:
            yield (n0 - 1, n1 + 1, n2, q), lam
        elif n1:
            yield (n0, n1 - 1, n2 + 1, q), lam
        else:
            yield (n0, n1, n2, q + 1), lam
        yield (n0 + 1, n1 - 1, n2, q), n1 * mu  # a single conversation ends
        # one of two conversations ends: the agent takes the next in queue, if any
        yield ((n0, n1, n2, q - 1) if q else (n0, n1 + 1, n2 - 1, q)), 2 * n2 * mu

    pi = _stationary(states, moves)
    st = np.array(states)
    return float((pi * (st[:, 1] + st[:, 2])).sum()), float(pi[st[:, 2] == n].sum())


def test_fill_and_spread_placement_match_their_markov_chains():
    n, lam = 6, 7.5 / AHT_S  # 7.5 Erlang of conversations on 12 slots
    for placement, fill in (("fill", True), ("spread", False)):
        busy_exact, wait_exact = _concurrent_chain(n, 2, lam, fill)
        net = Network(
            queues=(QueueSpec(channel=0, rank=1),),
            pools=(PoolSpec(queues=(0,), proficiency=(1.0,)),),
            max_concurrency=(2,),
            concurrency_aht_factor=(0.0,),
            interval_s=IVL_S,
            concurrent_placement=placement,
        )
        busy, waited = [], []
        for r in range(REPS):
            arrival, _, out, keep = _replicate(net, (lam,), (n,), None, 2000 + r, patient=True)
            busy.append(float(out.busy_s[1:-1, 0].sum() / (IVL_S * (N_INT - 2))))
            waited.append(float((out.wait_s[keep] > 0).mean()))
        mean, half = _ci(busy)
        assert abs(mean - busy_exact) <= half, (placement, mean, half, busy_exact)
        mean, half = _ci(waited)
        assert abs(mean - wait_exact) <= half, (placement, mean, half, wait_exact)
        if fill:
            busy_fill = busy_exact
        else:
            # spreading ties up about one agent per conversation; filling packs them: at
            # 7.5 Erlang of conversations, 5.30 agents busy against 4.40
            assert busy_exact == pytest.approx(5.302, abs=1e-3)
            assert busy_fill == pytest.approx(4.403, abs=1e-3)
