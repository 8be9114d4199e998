"""Requirement of one queue over many intervals: realtime and concurrent queue models.

Joins the kernels to the scenario's vocabulary: contacts per interval and AHT in, agents and
the KPIs at that staffing out, for the Erlang C or Erlang A model (``realtime_model``) and
for concurrent channels (slots of ``max_concurrency`` per agent, see
:mod:`wfm.staffing.concurrency`). Models are resolved through the ``REALTIME_MODELS``
registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from wfm.core.config import ServiceTarget
from wfm.core.units import interval_s
from wfm.staffing import agents_search, concurrency, erlang, erlang_a, erlang_c_search


@dataclass(frozen=True, slots=True, kw_only=True)
class QueueRequirement:
    """Agents per interval and the KPIs they reach (arrays of one length).

    Attributes
    ----------
    agents_required : numpy.ndarray of int64
        Least agents on queue meeting every target [agents].
    service_level_rate, asa_s, occupancy_rate, abandon_rate : numpy.ndarray
        KPIs at that staffing; NaN where the interval has no contacts. ``abandon_rate`` is 0
        under Erlang C (no abandonment in the model).
    """

    agents_required: np.ndarray
    service_level_rate: np.ndarray
    asa_s: np.ndarray
    occupancy_rate: np.ndarray
    abandon_rate: np.ndarray


Solver = Callable[..., tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]]


def _erlang_c(
    load: np.ndarray,
    aht: np.ndarray,
    target: ServiceTarget,
    patience_s: float | None,
    abandoned_in_sl: bool,
    slots_per_agent: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    del patience_s, abandoned_in_sl  # no abandonment in M/M/N
    slots = erlang_c_search.agents_for_target(
        load,
        aht,
        target.sl_threshold_s,
        _cap_target(target.sl_target_rate),
        asa_target_s=target.asa_target_s,
        max_occupancy_rate=target.max_occupancy_rate,
    )
    agents = concurrency.agents_from_slots(slots, slots_per_agent)
    n = concurrency.slots_of_agents(agents, slots_per_agent).astype(np.float64)
    sl = erlang.service_level(n, load, aht, target.sl_threshold_s)
    asa = erlang.asa_s(n, load, aht)
    occ = erlang.occupancy(n, load)
    return agents, sl, asa, occ, np.zeros_like(sl)


def _erlang_a(
    load: np.ndarray,
    aht: np.ndarray,
    target: ServiceTarget,
    patience_s: float | None,
    abandoned_in_sl: bool,
    slots_per_agent: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    if patience_s is None:
        raise ValueError("Erlang A needs patience_s")
    slots = agents_search.agents_for_target(
        load,
        aht,
        patience_s,
        target.sl_threshold_s,
        _cap_target(target.sl_target_rate),
        asa_target_s=target.asa_target_s,
        max_abandon_rate=target.max_abandon_rate,
        max_occupancy_rate=target.max_occupancy_rate,
        abandoned_in_sl=abandoned_in_sl,
    )
    agents = concurrency.agents_from_slots(slots, slots_per_agent)
    n = concurrency.slots_of_agents(agents, slots_per_agent).astype(np.float64)
    k = erlang_a.kpis(
        n, load, aht, patience_s, target.sl_threshold_s, abandoned_in_sl=abandoned_in_sl
    )
    return agents, k.service_level_rate, k.asa_s, k.occupancy_rate, k.abandon_probability


def _cap_target(rate: float) -> float:
    """A 100 % service level is out of reach of any finite staffing; plan for 99.99 %."""
    return min(rate, 0.9999)


REALTIME_MODELS: dict[str, Solver] = {"erlang_c": _erlang_c, "erlang_a": _erlang_a}


def queue_requirement(
    contacts: object,
    aht_s: object,
    *,
    interval_min: int,
    target: ServiceTarget,
    realtime_model: str = "erlang_c",
    patience_s: float | None = None,
    max_concurrency: int = 1,
    concurrency_aht_factor: float = 0.0,
    abandoned_in_sl: bool = True,
) -> QueueRequirement:
    """Least agents per interval for one queue, and its KPIs at that staffing.

    Parameters
    ----------
    contacts : array_like
        Contacts offered in each interval [contacts].
    aht_s : array_like
        Handle time of a contact (handled alone, for concurrent channels) [s].
    interval_min : int
        Interval length [min].
    target : ServiceTarget
        Service level, ASA, abandonment and occupancy targets of the queue.
    realtime_model : {"erlang_c", "erlang_a"}
        Queue formula, resolved through ``REALTIME_MODELS``.
    patience_s : float, optional
        Mean time to abandon (Erlang A) [s].
    max_concurrency : int
        Conversations per agent (1 for realtime channels) [contacts].
    concurrency_aht_factor : float
        Handle-time growth per extra simultaneous conversation.
    abandoned_in_sl : bool
        Service-level convention for abandoned contacts (Erlang A).

    Returns
    -------
    QueueRequirement

    Notes
    -----
    Offered load A = contacts × AHT' / interval_s with AHT' = AHT·(1 + f(k − 1)) the slot
    handle time; the least number of slots S is found on an M/M/S (or M/M/S+M) queue and
    N = ⌈S / k⌉ agents; the KPIs are those of N·k slots. For k = 1 this is plain Erlang.
    A 100 % service-level target is planned as 99.99 %.

    Examples
    --------
    >>> r = queue_requirement([100.0], [180.0], interval_min=30, target=ServiceTarget())
    >>> r.agents_required.tolist()
    [14]
    """
    if realtime_model not in REALTIME_MODELS:
        raise ValueError(
            f"unknown realtime_model {realtime_model!r}; known: {', '.join(REALTIME_MODELS)}"
        )
    c = np.atleast_1d(np.asarray(contacts, dtype=np.float64))
    aht = np.broadcast_to(np.asarray(aht_s, dtype=np.float64), c.shape).copy()
    slot_aht = concurrency.slot_aht_s(aht, max_concurrency, concurrency_aht_factor)
    live = (c > 0.0) & (slot_aht > 0.0)
    agents = np.zeros(c.shape, dtype=np.int64)
    sl, asa, occ, ab = (np.full(c.shape, np.nan) for _ in range(4))
    if live.any():
        load = c[live] * slot_aht[live] / interval_s(interval_min)
        out = REALTIME_MODELS[realtime_model](
            load, slot_aht[live], target, patience_s, abandoned_in_sl, max_concurrency
        )
        agents[live], sl[live], asa[live], occ[live], ab[live] = out
    return QueueRequirement(
        agents_required=agents,
        service_level_rate=sl,
        asa_s=asa,
        occupancy_rate=occ,
        abandon_rate=ab,
    )
