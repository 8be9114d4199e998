"""Routing of the simulation check: which queue a contact joins and which pools serve it.

Contacts of one (site, skill, segment) wait in one queue. A share of a site's contacts is
routed on arrival to another site's queue, as the scheduler's overflow table says; pools serve
the queues of their own site and, once a contact has waited ``simulation.overflow_wait_s``,
those of other sites. Both kinds of overflow obey the scenario's overflow pairs and each
segment's policy (stay in region, onshore only, in-house only).

Which pools of a site answer a queue, and in which order, is the scenario's routing policy
(:mod:`wfm.core.routing`): :func:`routing_tiers` gives each pool a priority tier per interval
and queue from the schedule's allocation. A contact goes to the pools of the lowest tier
first; a freed agent serves the queues of its lowest tier first, then the queue of the lowest
:data:`QUEUE_RANK`, then the longest-waiting contact.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from wfm.core.config import Scenario
from wfm.core.errors import InputError
from wfm.core.routing import ALLOCATED_MIN_AGENTS, pool_tiers
from wfm.simulate.network import Network, PoolSpec, QueueSpec

QUEUE_RANK = {"realtime": 0, "concurrent": 1, "deferred": 2}
"""Routing priority of each queue model: a freed agent serves realtime contacts first."""


def overflow_routes(
    sp: pd.DataFrame,
    overflow: pd.DataFrame | None,
    row_interval: np.ndarray,
    contacts: np.ndarray,
    scenario: Scenario,
    idx: Callable[[pd.Series, str], np.ndarray],
    q_of: Callable[[tuple[str, str, str]], int],
) -> tuple[np.ndarray, np.ndarray]:
    """Routing by the scheduler's overflow shares: destination queues of each split row.

    Returns ``(over_queue, over_cum)``, both of shape (rows, D): the destination queues of
    each row and the cumulative shares of its contacts routed to them; a contact whose
    uniform draw is at or above the last cumulative share stays in its own queue. ``idx``
    maps interval starts to interval numbers; ``q_of`` gives (and adds) the queue of a
    (site, skill, segment).
    """
    over_dest: dict[int, list[tuple[int, float]]] = {}
    if overflow is not None and len(overflow):
        ov = overflow.assign(b=idx(overflow["interval_start"], "overflow"))
        ov = ov.sort_values(["b", "skill", "from_site", "to_site"], kind="mergesort")
        rows_of = (
            pd.DataFrame({"b": row_interval, "site": sp["site"], "skill": sp["skill"]})
            .groupby(["b", "site", "skill"])
            .indices
        )
        seg_arr = sp["segment"].to_numpy()
        allowed_of: dict[tuple[str, str, str], bool] = {}
        for b, skill, src, dst, moved_contacts in zip(
            ov["b"], ov["skill"], ov["from_site"], ov["to_site"], ov["contacts"], strict=True
        ):
            if dst not in scenario.sites:
                raise InputError(f"unknown site {dst!r}", source="overflow", key="to_site")
            rows = rows_of.get((b, src, skill))
            if rows is None or moved_contacts <= 0:
                continue
            ok = []
            for r_ in rows:
                key = (str(seg_arr[r_]), src, dst)
                if key not in allowed_of:
                    allowed_of[key] = scenario.may_answer_at(*key)
                if allowed_of[key]:
                    ok.append(int(r_))
            allowed = float(contacts[ok].sum()) if ok else 0.0
            if allowed <= 0:
                continue
            share = min(1.0, float(moved_contacts) / allowed)
            for r_ in ok:
                over_dest.setdefault(r_, []).append((q_of((dst, skill, str(seg_arr[r_]))), share))
    width = max((len(v) for v in over_dest.values()), default=0)
    over_q = np.zeros((len(sp), max(width, 1)), dtype=int)
    over_cum = np.zeros((len(sp), max(width, 1)), dtype=float)
    for r_, dests in over_dest.items():
        total = 0.0
        for d, (q, share) in enumerate(dests):
            total = min(1.0, total + share)
            over_q[r_, d] = q
            over_cum[r_, d] = total
        over_cum[r_, len(dests) :] = total
    return over_q, over_cum


def routing_tiers(
    scenario: Scenario,
    queue_keys: list[tuple[str, str, str]],
    pool_keys: list[tuple[str, str]],
    n_int: int,
    allocation: pd.DataFrame | None,
    idx: Callable[[pd.Series, str], np.ndarray],
) -> np.ndarray | None:
    """Priority tier of each pool for each queue of its own site, per interval.

    Parameters
    ----------
    allocation : pandas.DataFrame, optional
        ALLOCATION table (``interval_start``, ``site``, ``pool``, ``skill``, ``agents``).

    Returns
    -------
    numpy.ndarray of int, shape (intervals, pools, queues), or None
        :func:`wfm.core.routing.pool_tiers` of the pool for the queue's skill at its site, −1
        where the pool does not answer the queue; None when neither an allocation nor an
        override of ``routing.pool_priority`` orders the pools (every holder is tier 0).
    """
    routing = scenario.routing
    if allocation is None and not routing.pool_priority:
        return None
    allocated: dict[tuple[int, str, str], set[str]] = {}
    if allocation is not None and len(allocation):
        for col in ("interval_start", "site", "pool", "skill", "agents"):
            if col not in allocation.columns:
                raise InputError(f"missing column {col!r}", source="allocation", line=1)
        al = allocation[allocation["agents"].to_numpy(dtype=float) > ALLOCATED_MIN_AGENTS]
        b_of = idx(al["interval_start"], "allocation")
        for b, s, p, k in zip(b_of, al["site"], al["pool"], al["skill"], strict=True):
            allocated.setdefault((int(b), s, k), set()).add(p)
    pidx = {key: i for i, key in enumerate(pool_keys)}
    tiers = np.full((n_int, len(pool_keys), len(queue_keys)), -1, dtype=np.int64)
    memo: dict[tuple[str, str, frozenset[str] | None], dict[str, int]] = {}
    empty: frozenset[str] = frozenset()
    for q, (s, k, _) in enumerate(queue_keys):
        pools = scenario.sites[s].pools
        for b in range(n_int):
            got = allocated.get((b, s, k))
            key = (s, k, None if allocation is None else frozenset(got or empty))
            if key not in memo:
                memo[key] = pool_tiers(
                    routing, s, k, pools, None if key[2] is None else set(key[2])
                )
            for p, tier in memo[key].items():
                tiers[b, pidx[(s, p)], q] = tier
    return tiers


def build_network(
    scenario: Scenario,
    queue_keys: list[tuple[str, str, str]],
    pool_keys: list[tuple[str, str]],
    channels: list[str],
    interval_s: float,
) -> Network:
    """Queues, pools and channels of the event loop, indexed as ``queue_keys``, ``pool_keys``.

    A pool serves the queues of its own site that hold one of its skills and, when
    ``simulation.overflow_wait_s`` is set, those of other sites its policy allows.
    """
    ow = scenario.simulation.overflow_wait_s
    pools = []
    for s, p in pool_keys:
        cfg = scenario.sites[s].pools[p]
        own = [
            (q, cfg.proficiency.get(k, 1.0))
            for q, (qs, k, _) in enumerate(queue_keys)
            if qs == s and k in cfg.skills
        ]
        over = []
        if ow is not None:
            over = [
                (q, cfg.proficiency.get(k, 1.0))
                for q, (qs, k, g) in enumerate(queue_keys)
                if qs != s and k in cfg.skills and scenario.may_answer_at(g, qs, s)
            ]
        pools.append(
            PoolSpec(
                queues=tuple(q for q, _ in own),
                proficiency=tuple(pr for _, pr in own),
                overflow_queues=tuple(q for q, _ in over),
                overflow_proficiency=tuple(pr for _, pr in over),
            )
        )
    queues = tuple(
        QueueSpec(
            channel=channels.index(scenario.skill_channel(k)),
            rank=QUEUE_RANK[scenario.channels[scenario.skill_channel(k)].queue_model],
            deferred=scenario.channels[scenario.skill_channel(k)].queue_model == "deferred",
        )
        for _, k, _ in queue_keys
    )
    return Network(
        queues=queues,
        pools=tuple(pools),
        max_concurrency=tuple(scenario.channels[c].max_concurrency for c in channels),
        concurrency_aht_factor=tuple(scenario.channels[c].concurrency_aht_factor for c in channels),
        interval_s=interval_s,
        overflow_wait_s=ow,
        concurrent_placement=scenario.routing.concurrent_placement,
    )
