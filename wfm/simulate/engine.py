"""Event loop of the simulation check: contacts, skill queues and agent pools on one clock.

The loop is a plain ``heapq`` discrete-event simulation (no simulation library): contacts
arrive from a pre-drawn, time-sorted array, wait in one FIFO queue per (site, skill), and are
answered by agents of the pools that hold the skill. Abandonment is resolved lazily: a
queued contact whose patience ran out is removed (and recorded as abandoned at its patience
deadline) the next time its queue is looked at, which is exact for FIFO queues and needs no
abandonment events. ``docs/simulate.md`` gives the measured comparison with SimPy that chose
this design.

The network it runs on and the outcome it returns are described in
:mod:`wfm.simulate.network`; their names are re-exported here.
"""

from __future__ import annotations

import heapq
import math
from collections import deque

import numpy as np

from wfm.simulate.network import (
    ABANDONED,
    ANSWERED,
    UNSERVED,
    Network,
    Outcome,
    PoolSpec as PoolSpec,
    QueueSpec as QueueSpec,
)

_DEPART, _STAFF, _OVERFLOW = 0, 1, 2


def run_events(
    network: Network,
    arrival_s: np.ndarray,
    queue: np.ndarray,
    work_s: np.ndarray,
    patience_s: np.ndarray,
    agents: np.ndarray,
    *,
    deferred_cap: np.ndarray | None = None,
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

    Returns
    -------
    Outcome

    Notes
    -----
    Agents are work-conserving: an agent that frees a slot takes the queued contact of the
    lowest queue rank, then the longest-waiting one, among the queues it serves. A contact
    that arrives takes a free agent of the first pool (in the queue's pool order) that has
    one; a concurrent channel's contact goes to an idle agent first, else to the agent of
    that channel with the fewest conversations below ``max_concurrency``. Handle time of a
    conversation that starts as the k-th one of its agent is
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
    n = len(arrival_s)
    n_int, n_pool = agents.shape
    ivl = float(network.interval_s)
    arr = arrival_s.tolist()
    qof = queue.tolist()
    work = work_s.tolist()
    pat = patience_s.tolist()
    staff = agents.tolist()
    kmax = list(network.max_concurrency)
    fac = list(network.concurrency_aht_factor)
    qchan = [q.channel for q in network.queues]
    qrank = [q.rank for q in network.queues]
    qdef = [q.deferred for q in network.queues]
    n_q = len(network.queues)
    n_ch = len(kmax)
    ow = network.overflow_wait_s
    capped = deferred_cap is not None
    cap_rows: list[list[int]] = (
        np.asarray(deferred_cap, dtype=np.int64).tolist() if deferred_cap is not None else []
    )
    if capped and len(cap_rows) != n_int:
        raise ValueError(f"deferred_cap has {len(cap_rows)} intervals, agents has {n_int}")
    cap_now = [0] * n_pool  # cap of the current interval, per pool
    def_busy = [0] * n_pool  # agents busy on deferred contacts, per pool

    status = [UNSERVED] * n
    wait = [0.0] * n
    handle = [0.0] * n
    served_by = [-1] * n

    # pools serving each queue (own site first, in pool order), with proficiency
    own_pools: list[list[tuple[int, float]]] = [[] for _ in range(n_q)]
    over_pools: list[list[tuple[int, float]]] = [[] for _ in range(n_q)]
    pool_q: list[list[tuple[int, float, bool]]] = []
    for p, spec in enumerate(network.pools):
        lst = []
        for q, pr in zip(spec.queues, spec.proficiency, strict=True):
            own_pools[q].append((p, pr))
            lst.append((q, pr, False))
        for q, pr in zip(spec.overflow_queues, spec.overflow_proficiency, strict=True):
            over_pools[q].append((p, pr))
            lst.append((q, pr, True))
        pool_q.append(lst)

    queues: list[deque[int]] = [deque() for _ in range(n_q)]
    # agent state
    a_pool: list[int] = []
    a_load: list[int] = []
    a_chan: list[int] = []
    a_def: list[bool] = []  # agent's conversations are deferred contacts
    idle: list[list[int]] = [[] for _ in range(n_pool)]
    # partially loaded agents of concurrent channels: part[p][c][k] = set of agents with k
    part: list[list[list[set[int]] | None]] = [
        [[set() for _ in range(kmax[c])] if kmax[c] > 1 else None for c in range(n_ch)]
        for _ in range(n_pool)
    ]
    offline: list[list[int]] = [[] for _ in range(n_pool)]
    online = [0] * n_pool
    busy = [0] * n_pool
    leaving = [0] * n_pool
    # time integrals per interval
    online_s = [[0.0] * n_pool for _ in range(n_int + 1)]
    busy_s = [[0.0] * n_pool for _ in range(n_int + 1)]
    last_t = [0.0] * n_pool
    backlog_n = [[0] * n_q for _ in range(n_int)]
    backlog_age = [[0.0] * n_q for _ in range(n_int)]

    agent_of = [-1] * n  # agent answering each contact (departure events carry the contact)
    heap: list[tuple[float, int, int, int]] = []
    seq = 0
    now = 0.0

    def account(p: int, t: float) -> None:
        """Add pool p's online and busy agent-seconds from its last change up to t."""
        t0 = last_t[p]
        if t <= t0:
            return
        last_t[p] = t
        on, bz = online[p], busy[p]
        if on == 0 and bz == 0:
            return
        b = int(t0 // ivl)
        while t0 < t:
            if b >= n_int:  # after the horizon: kept apart, dropped from the results
                online_s[n_int][p] += on * (t - t0)
                busy_s[n_int][p] += bz * (t - t0)
                return
            edge = (b + 1) * ivl
            seg_end = t if t < edge else edge
            online_s[b][p] += on * (seg_end - t0)
            busy_s[b][p] += bz * (seg_end - t0)
            t0 = seg_end
            b += 1

    def start(a: int, p: int, c: int, i: int, pr: float) -> None:
        nonlocal seq
        k = a_load[a] + 1
        a_load[a] = k
        a_chan[a] = c
        h = work[i] * (1.0 + fac[c] * (k - 1)) / pr
        status[i] = ANSWERED
        wait[i] = now - arr[i]
        handle[i] = h
        served_by[i] = p
        agent_of[i] = a
        if capped and k == 1 and qdef[qof[i]]:
            def_busy[p] += 1
            a_def[a] = True
        seq += 1
        heapq.heappush(heap, (now + h, seq, _DEPART, i))
        if k < kmax[c]:
            part[p][c][k].add(a)  # type: ignore[index]

    def head(q: int, over: bool) -> int:
        """Live head contact of queue q (abandoned heads removed), or −1."""
        dq = queues[q]
        while dq:
            i = dq[0]
            if arr[i] + pat[i] <= now:
                dq.popleft()
                status[i] = ABANDONED
                wait[i] = max(pat[i], 0.0)
                continue
            if over and now - arr[i] < ow:  # type: ignore[operator]
                return -1
            return i
        return -1

    def pick(p: int, chan: int) -> tuple[int, int, float]:
        """Best queued contact for pool p (any channel if chan < 0): (contact, queue, prof)."""
        best = -1
        best_q = -1
        best_pr = 1.0
        best_key = (math.inf, math.inf)
        held = capped and chan < 0 and def_busy[p] >= cap_now[p]
        for q, pr, over in pool_q[p]:
            if chan >= 0 and qchan[q] != chan:
                continue
            if held and qdef[q]:
                continue
            i = head(q, over)
            if i < 0:
                continue
            key = (qrank[q], arr[i])
            if key < best_key:
                best_key, best, best_q, best_pr = key, i, q, pr
        return best, best_q, best_pr

    def fill(a: int, p: int) -> None:
        """Give agent a (idle or partly loaded) queued work until it is full or none fits."""
        while True:
            k = a_load[a]
            if k == 0 and leaving[p] > 0:  # staffing fell: the first agent free logs off
                leaving[p] -= 1
                online[p] -= 1
                offline[p].append(a)
                return
            c = a_chan[a] if k > 0 else -1
            if k > 0 and k >= kmax[c]:
                return
            i, q, pr = pick(p, c)
            if i < 0:
                if k == 0:
                    idle[p].append(a)
                return
            queues[q].popleft()
            if k > 0:
                part[p][c][k].discard(a)  # type: ignore[index]
            else:
                busy[p] += 1
            start(a, p, qchan[q], i, pr)

    def login(p: int, count: int) -> None:
        for _ in range(count):
            if offline[p]:
                a = offline[p].pop()
            else:
                a = len(a_pool)
                a_pool.append(p)
                a_load.append(0)
                a_chan.append(-1)
                a_def.append(False)
            online[p] += 1
            fill(a, p)

    def staff_to(p: int, target: int) -> None:
        account(p, now)
        effective = online[p] - leaving[p]
        if target > effective:
            back = min(leaving[p], target - effective)
            leaving[p] -= back
            login(p, target - effective - back)
        elif target < effective:
            drop = effective - target
            while drop and idle[p]:
                offline[p].append(idle[p].pop())
                online[p] -= 1
                drop -= 1
            leaving[p] += drop

    def try_answer(i: int, q: int, pools: list[tuple[int, float]]) -> bool:
        c = qchan[q]
        for p, pr in pools:
            if idle[p] and not (capped and qdef[q] and def_busy[p] >= cap_now[p]):
                a = idle[p].pop()
                account(p, now)
                busy[p] += 1
                start(a, p, c, i, pr)
                return True
            buckets = part[p][c]
            if buckets is not None:
                for k in range(1, kmax[c]):
                    if buckets[k]:
                        a = min(buckets[k])
                        buckets[k].discard(a)
                        start(a, p, c, i, pr)
                        return True
        return False

    def wake(p: int) -> None:
        """Idle agents of pool p take queued work the deferred cap held back, up to the cap."""
        for _ in range(len(idle[p])):
            if not idle[p] or def_busy[p] >= cap_now[p]:
                return
            if pick(p, -1)[0] < 0:
                return
            a = idle[p].pop()
            account(p, now)
            fill(a, p)

    # staffing boundaries
    for b in range(n_int + 1):
        seq += 1
        heapq.heappush(heap, (b * ivl, seq, _STAFF, b))

    nxt = 0
    while True:
        if nxt < n and (not heap or arr[nxt] < heap[0][0]):
            i = nxt
            nxt += 1
            now = arr[i]
            q = qof[i]
            if head(q, False) >= 0 or not try_answer(i, q, own_pools[q]):
                if pat[i] <= 0.0:
                    status[i] = ABANDONED
                    wait[i] = 0.0
                    continue
                queues[q].append(i)
                if ow is not None and over_pools[q] and pat[i] > ow:
                    seq += 1
                    heapq.heappush(heap, (now + ow, seq, _OVERFLOW, i))
            continue
        if not heap:
            break
        now, _, kind, x = heapq.heappop(heap)
        if kind == _DEPART:
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
        elif kind == _STAFF:
            b = x
            if b > 0:
                for q in range(n_q):
                    hq = head(q, False)
                    if hq >= 0:
                        backlog_n[b - 1][q] = len(queues[q])
                        backlog_age[b - 1][q] = now - arr[hq]
            row = staff[b] if b < n_int else [0] * n_pool
            if capped:
                cap_now = cap_rows[b] if b < n_int else [0] * n_pool
            for p in range(n_pool):
                staff_to(p, int(row[p]))
            if capped:
                for p in range(n_pool):
                    wake(p)
        else:  # _OVERFLOW: contact x has waited overflow_wait_s
            if status[x] != UNSERVED or agent_of[x] >= 0:
                continue
            q = qof[x]
            if head(q, True) != x:
                continue  # not at the head: an earlier contact overflows first
            if try_answer(x, q, over_pools[q]):
                queues[q].popleft()
    end = now
    for q in range(n_q):
        for i in queues[q]:
            if status[i] == UNSERVED and agent_of[i] < 0:
                if arr[i] + pat[i] <= end or math.isfinite(pat[i]):
                    status[i] = ABANDONED
                    wait[i] = max(pat[i], 0.0)
                else:
                    wait[i] = end - arr[i]
    for p in range(n_pool):
        account(p, end)
    return Outcome(
        status=np.asarray(status, dtype=np.int8),
        wait_s=np.asarray(wait, dtype=float),
        handle_s=np.asarray(handle, dtype=float),
        pool=np.asarray(served_by, dtype=np.int64),
        online_s=np.asarray(online_s[:n_int], dtype=float).reshape(n_int, n_pool),
        busy_s=np.asarray(busy_s[:n_int], dtype=float).reshape(n_int, n_pool),
        backlog_contacts=np.asarray(backlog_n, dtype=np.int64).reshape(n_int, n_q),
        backlog_age_s=np.asarray(backlog_age, dtype=float).reshape(n_int, n_q),
        end_s=end,
    )
