"""Event loop of the simulation check: contacts, skill queues and agent pools on one clock.

The loop is a plain ``heapq`` discrete-event simulation (no simulation library): contacts
arrive from a pre-drawn, time-sorted array, wait in one FIFO queue per (site, skill), and are
answered by agents of the pools that hold the skill. Abandonment is resolved lazily: a
queued contact whose patience ran out is removed (and recorded as abandoned at its patience
deadline) the next time its queue is looked at, which is exact for FIFO queues and needs no
abandonment events. ``docs/simulate.md`` gives the measured comparison with SimPy that chose
this design.

The network it runs on and the outcome it returns are described in
:mod:`wfm.simulate.network`.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections import deque
from collections.abc import Callable

import numpy as np

from wfm.simulate.network import ABANDONED, ANSWERED, UNSERVED, Network, Outcome

_DEPART, _STAFF, _OVERFLOW = 0, 1, 2
_OVER_TIER = 1 << 20  # another site's queues come after every tier of the pool's own site


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
    state = _State(network, arrival_s, queue, work_s, patience_s, agents, deferred_cap, tiers)
    _loop(state)
    return _outcome(state)


class _State:
    """Contacts, queues, agents, clock and event heap of one run of the event loop.

    The event handlers are closures over these lists (built by the ``_*`` factories below),
    which keeps the hot loop as fast as one function with local variables; the two scalars
    that change during a run live in ``clock`` (``clock[0]``: time of the current event [s])
    and ``seq`` (tie-break counter of the event heap), and ``cap_now`` is updated in place.
    """

    __slots__ = (
        "n", "n_int", "n_pool", "n_q", "ivl", "arr", "qof", "work", "pat", "staff",
        "kmax", "fac", "qchan", "qrank", "qdef", "ow", "capped", "cap_rows", "cap_now",
        "def_busy", "status", "wait", "handle", "served_by", "own_pools", "over_pools",
        "pool_q", "queues", "a_pool", "a_load", "a_chan", "a_def", "idle", "part",
        "offline", "online", "busy", "leaving", "online_s", "busy_s", "last_t",
        "backlog_n", "backlog_age", "agent_of", "heap", "seq", "clock", "fill_first",
        "route_rows", "pool_rows",
    )  # fmt: skip

    def __init__(
        self,
        network: Network,
        arrival_s: np.ndarray,
        queue: np.ndarray,
        work_s: np.ndarray,
        patience_s: np.ndarray,
        agents: np.ndarray,
        deferred_cap: np.ndarray | None,
        tiers: np.ndarray | None = None,
    ) -> None:
        self.n = n = len(arrival_s)
        self.n_int, self.n_pool = n_int, n_pool = agents.shape
        self.ivl = float(network.interval_s)
        self.arr = arrival_s.tolist()
        self.qof = queue.tolist()
        self.work = work_s.tolist()
        self.pat = patience_s.tolist()
        self.staff = agents.tolist()
        self.kmax = kmax = list(network.max_concurrency)
        self.fac = list(network.concurrency_aht_factor)
        self.qchan = [q.channel for q in network.queues]
        self.qrank = [q.rank for q in network.queues]
        self.qdef = [q.deferred for q in network.queues]
        self.n_q = n_q = len(network.queues)
        self.ow = network.overflow_wait_s
        self.fill_first = network.concurrent_placement == "fill"
        self.capped = deferred_cap is not None
        self.cap_rows: list[list[int]] = (
            np.asarray(deferred_cap, dtype=np.int64).tolist() if deferred_cap is not None else []
        )
        if self.capped and len(self.cap_rows) != n_int:
            raise ValueError(f"deferred_cap has {len(self.cap_rows)} intervals, agents has {n_int}")
        self.cap_now = [0] * n_pool  # cap of the current interval, per pool
        self.def_busy = [0] * n_pool  # agents busy on deferred contacts, per pool
        self.status = [UNSERVED] * n
        self.wait = [0.0] * n
        self.handle = [0.0] * n
        self.served_by = [-1] * n
        self.agent_of = [-1] * n  # agent answering each contact (departures carry the contact)
        self._routes(network)
        self._tiered_routes(tiers)
        self.queues: list[deque[int]] = [deque() for _ in range(n_q)]
        self._agents(kmax)
        # time integrals per interval (the row after the horizon is dropped from the results)
        self.online_s = [[0.0] * n_pool for _ in range(n_int + 1)]
        self.busy_s = [[0.0] * n_pool for _ in range(n_int + 1)]
        self.last_t = [0.0] * n_pool
        self.backlog_n = [[0] * n_q for _ in range(n_int)]
        self.backlog_age = [[0.0] * n_q for _ in range(n_int)]
        self.heap: list[tuple[float, int, int, int]] = []
        self.seq = itertools.count(1)
        self.clock = [0.0]
        for b in range(n_int + 1):  # staffing boundaries
            heapq.heappush(self.heap, (b * self.ivl, next(self.seq), _STAFF, b))

    def _routes(self, network: Network) -> None:
        """Pools serving each queue (own site first, in pool order), with proficiency."""
        self.own_pools: list[list[tuple[int, float]]] = [[] for _ in range(self.n_q)]
        self.over_pools: list[list[tuple[int, float]]] = [[] for _ in range(self.n_q)]
        self.pool_q: list[list[tuple[int, float, bool, int]]] = []
        for p, spec in enumerate(network.pools):
            lst = []
            for q, pr in zip(spec.queues, spec.proficiency, strict=True):
                self.own_pools[q].append((p, pr))
                lst.append((q, pr, False, 0))
            for q, pr in zip(spec.overflow_queues, spec.overflow_proficiency, strict=True):
                self.over_pools[q].append((p, pr))
                lst.append((q, pr, True, _OVER_TIER))
            self.pool_q.append(lst)

    def _tiered_routes(self, tiers: np.ndarray | None) -> None:
        """Per interval: pools of each queue by tier, and each pool's queues with their tier.

        ``own_pools`` and ``pool_q`` hold the current interval's rows (swapped in place at
        each staffing boundary); identical intervals share their rows.
        """
        self.route_rows: list[list[list[tuple[int, float]]]] = []
        self.pool_rows: list[list[list[tuple[int, float, bool, int]]]] = []
        if tiers is None:
            return
        if tiers.shape != (self.n_int, self.n_pool, self.n_q):
            raise ValueError(
                f"tiers has shape {tiers.shape}, expected {(self.n_int, self.n_pool, self.n_q)}"
            )
        static_own = [list(row) for row in self.own_pools]
        static_pq = [list(row) for row in self.pool_q]
        seen: dict[bytes, tuple[list, list]] = {}
        for b in range(self.n_int):
            t = np.ascontiguousarray(tiers[b])
            key = t.tobytes()
            if key not in seen:
                tl: list[list[int]] = t.tolist()
                routes = [
                    [
                        (p, pr)
                        for _, p, pr in sorted(
                            (tl[p][q], p, pr) for p, pr in static_own[q] if tl[p][q] >= 0
                        )
                    ]
                    for q in range(self.n_q)
                ]
                pools = [
                    [
                        (q, pr, over, tier if over else tl[p][q])
                        for q, pr, over, tier in static_pq[p]
                        if over or tl[p][q] >= 0
                    ]
                    for p in range(self.n_pool)
                ]
                seen[key] = (routes, pools)
            self.route_rows.append(seen[key][0])
            self.pool_rows.append(seen[key][1])

    def _agents(self, kmax: list[int]) -> None:
        """Agent state: none logged in yet."""
        n_pool = self.n_pool
        self.a_pool: list[int] = []
        self.a_load: list[int] = []
        self.a_chan: list[int] = []
        self.a_def: list[bool] = []  # agent's conversations are deferred contacts
        self.idle: list[list[int]] = [[] for _ in range(n_pool)]
        # partially loaded agents of concurrent channels: part[p][c][k] = set of agents with k
        self.part: list[list[list[set[int]] | None]] = [
            [[set() for _ in range(k)] if k > 1 else None for k in kmax] for _ in range(n_pool)
        ]
        self.offline: list[list[int]] = [[] for _ in range(n_pool)]
        self.online = [0] * n_pool
        self.busy = [0] * n_pool
        self.leaving = [0] * n_pool


def _loop(st: _State) -> None:
    """Process arrivals and events in time order until none is left."""
    account = _accountant(st)
    head, pick = _queue_heads(st)
    start, try_answer = _answering(st, account)
    fill, wake = _agent_work(st, account, pick, start)
    boundary = _boundary(st, account, head, fill, wake)
    overflow = _overflowing(st, head, try_answer)
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
                    heappush(heap, (now + ow, next(seq), _OVERFLOW, i))
            continue
        if not heap:
            break
        now, _, kind, x = heappop(heap)
        clock[0] = now
        if kind == _DEPART:  # contact x ends: its agent frees a slot
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
            boundary(x)
        else:
            overflow(x)


def _overflowing(
    st: _State, head: Callable[[int, bool], int], try_answer: Callable
) -> Callable[[int], None]:
    """``overflow(x)``: contact x has waited ``overflow_wait_s``; another site may answer it."""
    status, agent_of, qof, queues, over_pools = (
        st.status, st.agent_of, st.qof, st.queues, st.over_pools
    )  # fmt: skip

    def overflow(x: int) -> None:
        if status[x] != UNSERVED or agent_of[x] >= 0:
            return
        q = qof[x]
        if head(q, True) != x:
            return  # not at the head: an earlier contact overflows first
        if try_answer(x, q, over_pools[q]):
            queues[q].popleft()

    return overflow


def _outcome(st: _State) -> Outcome:
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
    account = _accountant(st)
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


def _accountant(st: _State) -> Callable[[int, float], None]:
    """``account(p, t)``: add pool p's online and busy agent-seconds up to time t [s]."""
    last_t, online, busy, online_s, busy_s = (
        st.last_t, st.online, st.busy, st.online_s, st.busy_s
    )  # fmt: skip
    ivl, n_int = st.ivl, st.n_int

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

    return account


def _queue_heads(st: _State) -> tuple[Callable[[int, bool], int], Callable]:
    """``head(q, over)``: live head of queue q; ``pick(p, chan)``: best queued contact."""
    queues, arr, pat, status, wait, ow, clock = (
        st.queues, st.arr, st.pat, st.status, st.wait, st.ow, st.clock
    )  # fmt: skip
    qchan, qrank, qdef, pool_q = st.qchan, st.qrank, st.qdef, st.pool_q
    capped, def_busy, cap_now = st.capped, st.def_busy, st.cap_now

    def head(q: int, over: bool) -> int:
        """Live head contact of queue q (abandoned heads removed), or −1."""
        dq = queues[q]
        now = clock[0]
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
        best_key = (math.inf, math.inf, math.inf)
        held = capped and chan < 0 and def_busy[p] >= cap_now[p]
        for q, pr, over, tier in pool_q[p]:
            if chan >= 0 and qchan[q] != chan:
                continue
            if held and qdef[q]:
                continue
            i = head(q, over)
            if i < 0:
                continue
            key = (tier, qrank[q], arr[i])
            if key < best_key:
                best_key, best, best_q, best_pr = key, i, q, pr
        return best, best_q, best_pr

    return head, pick


def _answering(st: _State, account: Callable[[int, float], None]) -> tuple[Callable, Callable]:
    """``start(a, p, c, i, pr)``: agent a answers contact i; ``try_answer(i, q, pools)``."""
    a_load, a_chan, a_def, work, fac, arr, qof, qdef, qchan = (
        st.a_load, st.a_chan, st.a_def, st.work, st.fac, st.arr, st.qof, st.qdef, st.qchan
    )  # fmt: skip
    status, wait, handle, served_by, agent_of = (
        st.status, st.wait, st.handle, st.served_by, st.agent_of
    )  # fmt: skip
    capped, def_busy, cap_now, heap, seq, clock = (
        st.capped, st.def_busy, st.cap_now, st.heap, st.seq, st.clock
    )  # fmt: skip
    kmax, part, idle, busy, fill_first = st.kmax, st.part, st.idle, st.busy, st.fill_first
    heappush = heapq.heappush

    def start(a: int, p: int, c: int, i: int, pr: float) -> None:
        """Agent a of pool p starts contact i of channel c at proficiency pr."""
        now = clock[0]
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
        heappush(heap, (now + h, next(seq), _DEPART, i))
        if k < kmax[c]:
            part[p][c][k].add(a)  # type: ignore[index]

    def partly(p: int, c: int, i: int, pr: float) -> bool:
        """The least loaded agent of pool p with a free slot on channel c answers contact i."""
        buckets = part[p][c]
        if buckets is not None:
            for k in range(1, kmax[c]):
                if buckets[k]:
                    a = min(buckets[k])
                    buckets[k].discard(a)
                    start(a, p, c, i, pr)
                    return True
        return False

    def try_answer(i: int, q: int, pools: list[tuple[int, float]]) -> bool:
        """An idle or partly loaded agent of the first pool that has one answers contact i
        (partly loaded first when ``fill_first``)."""
        c = qchan[q]
        for p, pr in pools:
            if fill_first and partly(p, c, i, pr):
                return True
            if idle[p] and not (capped and qdef[q] and def_busy[p] >= cap_now[p]):
                a = idle[p].pop()
                account(p, clock[0])
                busy[p] += 1
                start(a, p, c, i, pr)
                return True
            if not fill_first and partly(p, c, i, pr):
                return True
        return False

    return start, try_answer


def _agent_work(
    st: _State, account: Callable[[int, float], None], pick: Callable, start: Callable
) -> tuple[Callable[[int, int], None], Callable[[int], None]]:
    """``fill(a, p)``: agent a takes queued work; ``wake(p)``: idle agents take capped work."""
    a_load, a_chan, kmax, part = st.a_load, st.a_chan, st.kmax, st.part
    busy, idle, online, offline, leaving, queues, qchan = (
        st.busy, st.idle, st.online, st.offline, st.leaving, st.queues, st.qchan
    )  # fmt: skip
    def_busy, cap_now, clock = st.def_busy, st.cap_now, st.clock

    def fill(a: int, p: int, picked: tuple[int, int, float] | None = None) -> None:
        """Give agent a (idle or partly loaded) queued work until it is full or none fits;
        ``picked`` is what ``pick`` just returned for an idle agent a of pool p."""
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
            i, q, pr = pick(p, c) if picked is None else picked
            picked = None
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

    def wake(p: int) -> None:
        """Idle agents of pool p take queued work the deferred cap held back, up to the cap."""
        for _ in range(len(idle[p])):
            if not idle[p] or def_busy[p] >= cap_now[p]:
                return
            picked = pick(p, -1)
            if picked[0] < 0:
                return
            a = idle[p].pop()
            account(p, clock[0])
            fill(a, p, picked)

    return fill, wake


def _boundary(
    st: _State,
    account: Callable[[int, float], None],
    head: Callable[[int, bool], int],
    fill: Callable[[int, int], None],
    wake: Callable[[int], None],
) -> Callable[[int], None]:
    """``boundary(b)``: record the backlog of interval b − 1, then staff every pool to b."""
    a_pool, a_load, a_chan, a_def, idle, offline, online, leaving = (
        st.a_pool, st.a_load, st.a_chan, st.a_def, st.idle, st.offline, st.online, st.leaving
    )  # fmt: skip
    n_int, n_pool, n_q, staff, cap_rows, cap_now, capped = (
        st.n_int, st.n_pool, st.n_q, st.staff, st.cap_rows, st.cap_now, st.capped
    )  # fmt: skip
    queues, arr, backlog_n, backlog_age, clock = (
        st.queues, st.arr, st.backlog_n, st.backlog_age, st.clock
    )  # fmt: skip
    own_pools, pool_q, route_rows, pool_rows = st.own_pools, st.pool_q, st.route_rows, st.pool_rows

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
        account(p, clock[0])
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

    def boundary(b: int) -> None:
        if b > 0:
            for q in range(n_q):
                hq = head(q, False)
                if hq >= 0:
                    backlog_n[b - 1][q] = len(queues[q])
                    backlog_age[b - 1][q] = clock[0] - arr[hq]
        if route_rows and b < n_int:  # this interval's routing (the policy's tiers)
            own_pools[:] = route_rows[b]
            pool_q[:] = pool_rows[b]
        row = staff[b] if b < n_int else [0] * n_pool
        if capped:
            cap_now[:] = cap_rows[b] if b < n_int else [0] * n_pool
        for p in range(n_pool):
            staff_to(p, int(row[p]))
        if capped:
            for p in range(n_pool):
                wake(p)

    return boundary
