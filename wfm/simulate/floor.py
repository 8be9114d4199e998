"""The floor of one run of the event loop: contacts, queues, agents, clock and event heap.

:class:`Floor` holds what :mod:`wfm.simulate.engine` changes as it runs: each contact's
status, wait and handle time; one FIFO queue per (site, skill); the pools that serve each
queue (by priority tier, per interval when a routing policy gives tiers); the agents logged in,
idle or partly loaded; the agent-seconds and backlog per interval; and the event heap with its
event kinds.
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque

import numpy as np

from wfm.simulate.network import UNSERVED, Network

DEPART, STAFF, OVERFLOW = 0, 1, 2
_OVER_TIER = 1 << 20  # another site's queues come after every tier of the pool's own site


class Floor:
    """Contacts, queues, agents, clock and event heap of one run of the event loop.

    The event handlers are closures over these lists (built by the factories of
    :mod:`wfm.simulate.queues`, :mod:`wfm.simulate.agents` and :mod:`wfm.simulate.boundaries`),
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
            heapq.heappush(self.heap, (b * self.ivl, next(self.seq), STAFF, b))

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
