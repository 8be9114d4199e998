"""Queue network of the simulation check: skill queues, agent pools, channels and outcomes.

The event loop of :mod:`wfm.simulate.engine` runs on a :class:`Network`: the FIFO queues contacts
of one skill join at one site (:class:`QueueSpec`), the pools of agents who serve them
(:class:`PoolSpec`), and the concurrency of each channel. What happened to every contact
and agent in one replication comes back as an :class:`Outcome`, with the contact outcome codes
:data:`ANSWERED`, :data:`ABANDONED` and :data:`UNSERVED`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ANSWERED, ABANDONED, UNSERVED = 0, 1, 2
"""Outcome codes of a contact."""


@dataclass(frozen=True, slots=True, kw_only=True)
class QueueSpec:
    """One FIFO queue: the contacts of one skill arriving at one site.

    Attributes
    ----------
    channel : int
        Index of the queue's channel in the channel arrays of :class:`Network`.
    rank : int
        Routing priority: an agent that frees up takes the lowest rank first, then the
        longest-waiting contact.
    deferred : bool
        Whether the queue holds deferred work (email, back office); only deferred queues
        count against the ``deferred_cap`` of :func:`wfm.simulate.engine.run_events`.
    """

    channel: int
    rank: int
    deferred: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class PoolSpec:
    """Agents of one site who share a set of skills.

    Attributes
    ----------
    queues : tuple of int
        Queues of the pool's own site it serves, in preference order.
    proficiency : tuple of float
        Speed on each of ``queues`` (1 = full speed; handle time is divided by it).
    overflow_queues : tuple of int
        Queues of other sites it may serve once their head has waited ``overflow_wait_s``.
    overflow_proficiency : tuple of float
        Speed on each of ``overflow_queues``.
    """

    queues: tuple[int, ...]
    proficiency: tuple[float, ...]
    overflow_queues: tuple[int, ...] = ()
    overflow_proficiency: tuple[float, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Network:
    """Queues, pools and channels of one simulation.

    Attributes
    ----------
    queues : tuple of QueueSpec
    pools : tuple of PoolSpec
    max_concurrency : tuple of int
        Conversations one agent holds at once, per channel [contacts].
    concurrency_aht_factor : tuple of float
        Handle-time growth per extra simultaneous conversation, per channel.
    interval_s : float
        Length of a staffing interval [s].
    overflow_wait_s : float, optional
        Wait after which a contact may be answered by another site's pool [s]; None: never.
    concurrent_placement : {"spread", "fill"}
        Where a new contact of a concurrent channel goes within a pool: an idle agent first
        (``spread``), or an agent already in conversations of the channel, the least loaded
        first, up to its ``max_concurrency`` (``fill``; the scenario's default, see
        :mod:`wfm.core.routing`).
    """

    queues: tuple[QueueSpec, ...]
    pools: tuple[PoolSpec, ...]
    max_concurrency: tuple[int, ...]
    concurrency_aht_factor: tuple[float, ...]
    interval_s: float
    overflow_wait_s: float | None = None
    concurrent_placement: str = "spread"


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """What happened to every contact and agent in one replication.

    Attributes
    ----------
    status : numpy.ndarray of int8
        ANSWERED, ABANDONED or UNSERVED (still waiting when the last agent logged off).
    wait_s : numpy.ndarray of float
        Time in queue until answer or abandonment; for UNSERVED, until the end [s].
    handle_s : numpy.ndarray of float
        Handle time of answered contacts (after concurrency and proficiency), else 0 [s].
    pool : numpy.ndarray of int
        Pool that answered the contact, −1 if none.
    online_s, busy_s : numpy.ndarray of float, shape (intervals, pools)
        Agent-seconds logged in, and with at least one contact, per interval and pool [s].
    backlog_contacts : numpy.ndarray of int, shape (intervals, queues)
        Contacts waiting at the end of each interval.
    backlog_age_s : numpy.ndarray of float, shape (intervals, queues)
        Age of the oldest waiting contact at the end of each interval (0 when none) [s].
    end_s : float
        Time of the last event [s].
    """

    status: np.ndarray
    wait_s: np.ndarray
    handle_s: np.ndarray
    pool: np.ndarray
    online_s: np.ndarray
    busy_s: np.ndarray
    backlog_contacts: np.ndarray
    backlog_age_s: np.ndarray
    end_s: float
