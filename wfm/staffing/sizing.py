"""Sizing of one skill's load at one site: agents per interval by the channel's queue model.

:data:`QUEUE_MODELS` maps the channel's ``queue_model`` to the function that sizes it:
realtime and concurrent channels on an Erlang C or Erlang A queue
(:func:`wfm.staffing.queues.queue_requirement`, slots of ``max_concurrency`` per agent for
concurrent ones), deferred channels by the least agent-hours that meet the deadline
(:func:`wfm.staffing.deferred.deferred_agents`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wfm.core.calendar import open_mask
from wfm.core.config import ChannelConfig, Scenario, ServiceTarget
from wfm.core.units import S_PER_H, interval_s
from wfm.staffing.deferred import deferred_agents
from wfm.staffing.queues import queue_requirement


@dataclass(frozen=True, slots=True, kw_only=True)
class SkillLoad:
    """Work of one skill at one site on the interval grid, and what it is staffed to.

    Attributes
    ----------
    intervals : pandas.DatetimeIndex
        Interval starts (UTC) of the grid.
    site, skill : str
        Site and skill of the load.
    channel : ChannelConfig
        The skill's channel (queue model, concurrency, deadline, patience).
    target : ServiceTarget
        The strictest target of the segments sharing the skill.
    contacts : numpy.ndarray
        Human contacts per interval [contacts].
    work_s : numpy.ndarray
        Handle work per interval [s].
    aht_s : numpy.ndarray
        Contact-weighted handle time per interval, 0 without contacts [s].
    scenario : Scenario
    """

    intervals: pd.DatetimeIndex
    site: str
    skill: str
    channel: ChannelConfig
    target: ServiceTarget
    contacts: np.ndarray
    work_s: np.ndarray
    aht_s: np.ndarray
    scenario: Scenario


@dataclass(frozen=True, slots=True, kw_only=True)
class SkillStaffing:
    """Agents on queue per interval for one :class:`SkillLoad` and the KPIs they reach.

    Attributes
    ----------
    agents_required : numpy.ndarray of int
        Agents on queue [agents].
    service_level_rate, asa_s, occupancy_rate : numpy.ndarray
        KPIs at that staffing (NaN where they do not apply).
    notes : tuple of str
        What the sizing could not staff or assumed.
    """

    agents_required: np.ndarray
    service_level_rate: np.ndarray
    asa_s: np.ndarray
    occupancy_rate: np.ndarray
    notes: tuple[str, ...] = ()


def _size_deferred(load: SkillLoad) -> SkillStaffing:
    """Deferred work: least agent-hours answering every contact within ``deadline_h``."""
    interval_min = load.scenario.interval_min
    flags = open_mask(load.intervals, load.scenario.sites[load.site], interval_min)
    plan = deferred_agents(
        load.work_s,
        flags,
        interval_min,
        float(load.channel.deadline_h or 0.0),
        load.target.max_occupancy_rate,
    )
    agents = plan.agents_required
    cap = agents * float(interval_s(interval_min))
    notes: tuple[str, ...] = ()
    if plan.carried_s > 0:
        notes = (
            f"{load.site}/{load.skill}: {plan.carried_s / S_PER_H:.1f} hours of work arrive "
            f"too late in the plan for their deadline to fall inside it; they are "
            f"not staffed here.",
        )
    return SkillStaffing(
        agents_required=agents,
        service_level_rate=np.where((load.contacts > 0) & (plan.due_index >= 0), 1.0, np.nan),
        asa_s=np.full(len(load.intervals), np.nan),
        occupancy_rate=np.divide(plan.worked_s, cap, out=np.full_like(cap, np.nan), where=cap > 0),
        notes=notes,
    )


def _size_queue(load: SkillLoad) -> SkillStaffing:
    """Realtime and concurrent channels: least agents on an Erlang C or Erlang A queue."""
    ch = load.channel
    req = queue_requirement(
        load.contacts,
        load.aht_s,
        interval_min=load.scenario.interval_min,
        target=load.target,
        realtime_model=ch.realtime_model,
        patience_s=ch.patience_s,
        max_concurrency=ch.max_concurrency,
        concurrency_aht_factor=ch.concurrency_aht_factor,
        abandoned_in_sl=load.scenario.abandoned_in_sl,
    )
    return SkillStaffing(
        agents_required=req.agents_required,
        service_level_rate=req.service_level_rate,
        asa_s=req.asa_s,
        occupancy_rate=req.occupancy_rate,
    )


QUEUE_MODELS: dict[str, Callable[[SkillLoad], SkillStaffing]] = {
    "realtime": _size_queue,
    "concurrent": _size_queue,
    "deferred": _size_deferred,
}
"""Sizing of a skill's load by its channel's ``queue_model`` (the realtime formula, Erlang C
or Erlang A, is resolved by :data:`wfm.staffing.queues.REALTIME_MODELS`)."""
