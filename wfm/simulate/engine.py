"""Event loop of the simulation check: contacts, skill queues and agent pools on one clock.

The loop is a plain ``heapq`` discrete-event simulation (no simulation library): contacts
arrive from a pre-drawn, time-sorted array, wait in one FIFO queue per (site, skill), and are
answered by agents of the pools that hold the skill. Abandonment is resolved lazily: a
queued contact whose patience ran out is removed (and recorded as abandoned at its patience
deadline) the next time its queue is looked at, which is exact for FIFO queues and needs no
abandonment events. ``docs/simulate.md`` gives the measured comparison with SimPy that chose
this design.

The network it runs on and the outcome it returns are described in
:mod:`wfm.simulate.network`. The state of a run is :mod:`wfm.simulate.floor`; its event
handlers are built by :mod:`wfm.simulate.queues` (heads, abandonment, overflow),
:mod:`wfm.simulate.agents` (agent time, answering, queued work) and
:mod:`wfm.simulate.boundaries` (backlog, routing and staffing at each interval boundary).
"""

from __future__ import annotations

import heapq
import math

import numpy as np

from wfm.simulate.agents import accountant, agent_work, answering
from wfm.simulate.boundaries import interval_boundary
from wfm.simulate.floor import DEPART, OVERFLOW, STAFF, Floor
from wfm.simulate.network import ABANDONED, UNSERVED, Network, Outcome
from wfm.simulate.queues import overflowing, queue_heads


def run_events(
    network: Network,
    arrival_s: np.ndarray,
    queue: np.ndarray,
    work_s: np.ndarray,
    patience_s: np.ndarray,
    agents: np.ndarray,
    *,
    deferred_cap: np.ndarray | None = None,
    tiers: np.ndarray | None = None,
) -> Outcome:
    """Simulate one replication of contacts through queues and pools.

    Parameters
    ----------
    network : Network
        Queues, pools, channels and interval length.
    arrival_s : numpy.ndarray of float
        Arrival time of each contact at its queue, sorted ascending, from the start of the
        first interval [s].
    queue : numpy.ndarray of int
        Queue each contact joins.
    work_s : numpy.ndarray of float
        Handle time at full speed and no concurrency [s].
    patience_s : numpy.ndarray of float
        Time the contact waits before abandoning (``inf``: never; ≤ 0: abandons on
        arrival unless an agent is free) [s].
    agents : numpy.ndarray of int, shape (intervals, pools)
        Agents logged in per interval and pool; after the last interval, none.
    deferred_cap : numpy.ndarray of int, shape (intervals, pools), optional
        Most agents of each pool that may work on contacts of deferred queues
        (``QueueSpec.deferred``) at once, per interval [agents]; None: no cap.
    tiers : numpy.ndarray of int, shape (intervals, pools, queues), optional
        Priority tier of each pool for each queue of its own site per interval (the routing
        policy, :func:`wfm.simulate.routing.routing_tiers`); −1: the pool does not answer the
        queue in that interval. None: every pool answers its own site's queues at tier 0.

    Returns
    -------
    Outcome

    Notes
    -----
    Agents are work-conserving: an agent that frees a slot takes the queued contact of its
    pool's lowest tier, then the lowest queue rank, then the longest-waiting one, among the
    queues it serves (another site's queues, after ``overflow_wait_s``, come after its own).
    A contact that arrives takes a free agent of the first pool (by tier, then pool order)
    that has one; within a pool a concurrent channel's contact goes, with
    ``network.concurrent_placement == "spread"``, to an idle agent first, else to the agent of
    that channel with the fewest conversations below ``max_concurrency``; with ``"fill"``, to
    that partly loaded agent first and to an idle agent only when none has a free slot.
    Handle time of a conversation that starts as the k-th one of its agent is
    ``work_s · (1 + concurrency_aht_factor · (k − 1)) / proficiency``. When staffing falls,
    idle agents log off at once and busy ones when they free up (no pre-emption).

    With ``deferred_cap``, an agent with no conversation starts a deferred contact only while
    fewer than ``deferred_cap[b, p]`` agents of its pool p are busy on deferred contacts in the
    current interval b; otherwise the contact waits in its queue (deferred contacts have a
    deadline, not patience). An agent already on a deferred channel with a free slot may take
    more of it. When the cap falls below the agents busy on deferred work, they finish (no
    pre-emption); when it rises, or a deferred contact ends, idle agents of the pool take
    queued deferred work up to the cap.
    """
    state = Floor(network, arrival_s, queue, work_s, patience_s, agents, deferred_cap, tiers)
    _loop(state)
    return _outcome(state)


def _loop(st: Floor) -> None:
    """Process arrivals and events in time order until none is left."""
    account = accountant(st)
    head, pick = queue_heads(st)
    start, try_answer = answering(st, account)
    fill, wake = agent_work(st, account, pick, start)
    boundary = interval_boundary(st, account, head, fill, wake)
    overflow = overflowing(st, head, try_answer)
    n, arr, qof, pat, heap, clock, seq = st.n, st.arr, st.qof, st.pat, st.heap, st.clock, st.seq
    queues, own_pools, over_pools, status, wait, ow = (
        st.queues, st.own_pools, st.over_pools, st.status, st.wait, st.ow
    )  # fmt: skip
    agent_of, a_pool, a_chan, a_load, a_def, kmax, part, busy, leaving = (
        st.agent_of, st.a_pool, st.a_chan, st.a_load, st.a_def, st.kmax, st.part, st.busy,
        st.leaving,
    )  # fmt: skip
    capped, def_busy = st.capped, st.def_busy
    heappush, heappop = heapq.heappush, heapq.heappop
    nxt = 0
    while True:
        if nxt < n and (not heap or arr[nxt] < heap[0][0]):  # arrival of contact nxt
            i = nxt
            nxt += 1
            now = clock[0] = arr[i]
            q = qof[i]
            if head(q, False) >= 0 or not try_answer(i, q, own_pools[q]):
                if pat[i] <= 0.0:
                    status[i] = ABANDONED
                    wait[i] = 0.0
                    continue
                queues[q].append(i)
                if ow is not None and over_pools[q] and pat[i] > ow:
                    heappush(heap, (now + ow, next(seq), OVERFLOW, i))
            continue
        if not heap:
            break
        now, _, kind, x = heappop(heap)
        clock[0] = now
        if kind == DEPART:  # contact x ends: its agent frees a slot
            a = agent_of[x]
            p = a_pool[a]
            c = a_chan[a]
            k = a_load[a]
            account(p, now)
            if k < kmax[c]:
                part[p][c][k].discard(a)  # type: ignore[index]
            k -= 1
            a_load[a] = k
            if k == 0:
                busy[p] -= 1
                a_chan[a] = -1
                freed = capped and a_def[a]
                if freed:
                    def_busy[p] -= 1
                    a_def[a] = False
                fill(a, p)
                if freed:
                    wake(p)
            else:
                part[p][c][k].add(a)  # type: ignore[index]
                if leaving[p] == 0:  # a leaving agent takes no new conversation
                    fill(a, p)
        elif kind == STAFF:
            boundary(x)
        else:
            overflow(x)


def _outcome(st: Floor) -> Outcome:
    """Close the run at its last event: contacts still queued, agent time, arrays."""
    end = st.clock[0]
    arr, pat, status, wait = st.arr, st.pat, st.status, st.wait
    for q in range(st.n_q):
        for i in st.queues[q]:
            if status[i] == UNSERVED and st.agent_of[i] < 0:
                if arr[i] + pat[i] <= end or math.isfinite(pat[i]):
                    status[i] = ABANDONED
                    wait[i] = max(pat[i], 0.0)
                else:
                    wait[i] = end - arr[i]
    account = accountant(st)
    for p in range(st.n_pool):
        account(p, end)
    n_int, n_pool, n_q = st.n_int, st.n_pool, st.n_q
    return Outcome(
        status=np.asarray(status, dtype=np.int8),
        wait_s=np.asarray(wait, dtype=float),
        handle_s=np.asarray(st.handle, dtype=float),
        pool=np.asarray(st.served_by, dtype=np.int64),
        online_s=np.asarray(st.online_s[:n_int], dtype=float).reshape(n_int, n_pool),
        busy_s=np.asarray(st.busy_s[:n_int], dtype=float).reshape(n_int, n_pool),
        backlog_contacts=np.asarray(st.backlog_n, dtype=np.int64).reshape(n_int, n_q),
        backlog_age_s=np.asarray(st.backlog_age, dtype=float).reshape(n_int, n_q),
        end_s=end,
    )
