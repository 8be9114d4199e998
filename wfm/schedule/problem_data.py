"""The data of one shift and overflow problem, as arrays over the UTC interval grid: pools
with their skills, headcount and cost, the shift-pattern columns they may work, the gross need
per site and skill, overflow arcs and what a receiving site needs for the load it takes, and
the contacts that may still go to AI agents.

Built from the requirements table by ``wfm.schedule.problem``; the linear model
(``wfm.schedule.model``), the search and the tables read it."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True, slots=True, kw_only=True)
class PatternColumn:
    """One integer column: a pattern of a pool.

    Attributes
    ----------
    pool : int
        Index into ``Problem.pools``.
    day : int
        Index of the local day (consecutive days differ by 1).
    intervals, on_queue_rate : numpy.ndarray
        Grid intervals covered and the on-queue share of each.
    paid_h : float
        Paid hours [h].
    start_min, end_min : float
        Start and end in minutes after the grid start (UTC elapsed) [min].
    """

    pool: int
    day: int
    intervals: np.ndarray
    on_queue_rate: np.ndarray
    paid_h: float
    start_min: float
    end_min: float


@dataclass(frozen=True, slots=True, kw_only=True)
class PoolSpec:
    """A pool of one site: skills with proficiency, headcount and hourly cost."""

    site: str
    name: str
    skills: tuple[str, ...]
    proficiency: tuple[float, ...]
    headcount: int
    cost_per_h: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Arc:
    """Overflow of one skill from one site to another.

    Attributes
    ----------
    cap_contacts : numpy.ndarray
        Upper bound on the contacts moved per interval.
    save_agents_per_contact : numpy.ndarray
        Gross agents one moved contact saves at the origin.
    """

    skill: str
    from_site: str
    to_site: str
    cap_contacts: np.ndarray
    save_agents_per_contact: np.ndarray


@dataclass(frozen=True, slots=True, kw_only=True)
class Receiver:
    """Linear-with-fixed-charge agents a site needs for the load it receives (gross)."""

    fixed_agents: np.ndarray
    agents_per_contact: np.ndarray
    cap_contacts: np.ndarray


@dataclass(frozen=True, slots=True, kw_only=True)
class AiMove:
    """Contacts of one site and skill the model may still hand to AI agents.

    Attributes
    ----------
    cap_contacts : numpy.ndarray
        Contacts per interval that may still go to AI (the split's upper bound less what it
        already sent).
    save_agents_per_contact : numpy.ndarray
        Gross agents one contact handed to AI saves (as for an outgoing overflow).
    cost_per_contact : float
        AI cost of one contact [currency].
    channel : str
        Channel, for the AI capacity row.
    """

    site: str
    skill: str
    channel: str
    cap_contacts: np.ndarray
    save_agents_per_contact: np.ndarray
    cost_per_contact: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """Everything the model needs, as arrays over the UTC interval grid."""

    n_intervals: int
    interval_min: int
    pools: tuple[PoolSpec, ...]
    columns: tuple[PatternColumn, ...]
    need: dict[tuple[str, str], np.ndarray]
    open_mask: dict[str, np.ndarray]
    arcs: tuple[Arc, ...] = ()
    receivers: dict[tuple[str, str], Receiver] = field(default_factory=dict)
    max_days_per_week: int = 5
    max_h_per_week: float = 40.0
    min_rest_min: float = 0.0
    min_agents_on_queue: int = 0
    horizon_days: int = 7
    shortfall_cost: float = 100.0
    overstaff_cost: float = 0.25
    overflow_cost_per_contact: float = 0.0
    ai_moves: tuple[AiMove, ...] = ()
    ai_sessions_per_contact: dict[str, float] = field(default_factory=dict)
    ai_free_sessions: dict[str, np.ndarray] = field(default_factory=dict)
