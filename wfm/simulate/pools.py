"""Agent pools of the simulation check: who is on queue in each interval after shrinkage.

A pool is a group of agents of one site who share a set of skills. The plan gives the agents
each pool has on queue per interval (breaks removed, shrinkage not yet); each replication
turns a fractional count into whole agents and removes the share lost to shrinkage by the
draw :data:`SHRINKAGE_DRAW` that ``simulation.shrinkage_draw`` names. Given the schedule's
coverage, :func:`pool_deferred_cap` caps the agents of each pool that work on deferred contacts
at once, per interval.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from wfm.core.config import Scenario
from wfm.core.errors import InputError


def _shrink_binomial(rng: np.random.Generator, agents: np.ndarray, keep: np.ndarray) -> np.ndarray:
    return rng.binomial(agents, keep)


def _shrink_expected(rng: np.random.Generator, agents: np.ndarray, keep: np.ndarray) -> np.ndarray:
    del rng
    return np.rint(agents * keep).astype(np.int64)


def _shrink_none(rng: np.random.Generator, agents: np.ndarray, keep: np.ndarray) -> np.ndarray:
    del rng, keep
    return agents


SHRINKAGE_DRAW: dict[str, Callable[[np.random.Generator, np.ndarray, np.ndarray], np.ndarray]] = {
    "binomial": _shrink_binomial,
    "expected": _shrink_expected,
    "none": _shrink_none,
}
"""Agents available after shrinkage, from scheduled agents and the kept share per pool."""


def pool_order(scenario: Scenario) -> list[tuple[str, str]]:
    """(site, pool) keys, specialists first.

    A contact tries the pool holding the fewest skills first.
    """
    pool_keys = [(s, p) for s, site in scenario.sites.items() for p in site.pools]
    pool_keys.sort(key=lambda sp_: len(scenario.sites[sp_[0]].pools[sp_[1]].skills))
    return pool_keys


def pool_staff(
    pool_agents: pd.DataFrame,
    pool_keys: list[tuple[str, str]],
    n_int: int,
    idx: Callable[[pd.Series, str], np.ndarray],
) -> np.ndarray:
    """Scheduled agents per interval and pool, shape (intervals, pools) [agents]."""
    pa = pool_agents.copy()
    pkey = list(zip(pa["site"], pa["pool"], strict=True))
    pidx = {k: i for i, k in enumerate(pool_keys)}
    bad = [k for k in pkey if k not in pidx]
    if bad:
        raise InputError(
            f"unknown pool {bad[0][1]!r} of site {bad[0][0]!r}", source="pool_agents", key="pool"
        )
    staff = np.zeros((n_int, len(pool_keys)))
    np.add.at(
        staff,
        (idx(pa["interval_start"], "pool_agents"), np.array([pidx[k] for k in pkey], dtype=int)),
        pa["agents"].to_numpy(dtype=float),
    )
    return staff


def pool_keep_rate(scenario: Scenario, pool_keys: list[tuple[str, str]]) -> np.ndarray:
    """Share of each pool's agents left after shrinkage: 1 − mean rate of its skills' channels."""
    return np.array(
        [
            1.0
            - float(
                np.mean(
                    [
                        scenario.shrinkage_rate(s, scenario.skill_channel(k))
                        for k in scenario.sites[s].pools[p].skills
                    ]
                )
            )
            for s, p in pool_keys
        ]
    )


def pool_deferred_cap(
    coverage: pd.DataFrame,
    scenario: Scenario,
    pool_keys: list[tuple[str, str]],
    staff: np.ndarray,
    idx: Callable[[pd.Series, str], np.ndarray],
) -> np.ndarray:
    """Most agents of each pool working on deferred contacts at once, per interval [agents].

    Parameters
    ----------
    coverage : pandas.DataFrame
        COVERAGE table: ``interval_start``, ``site``, ``skill``, ``agents_scheduled`` (paid
        agents the schedule allocates to the skill, before shrinkage) [agents].
    scenario : Scenario
        Skills, their channels' queue models, sites' pools and shrinkage.
    pool_keys : list of (str, str)
        (site, pool) of each column of ``staff``.
    staff : numpy.ndarray of float, shape (intervals, pools)
        Agents each pool has on queue (``pool_agents.agents``) [agents].
    idx : callable
        Maps interval starts to interval numbers of the simulation grid.

    Returns
    -------
    numpy.ndarray of int64, shape (intervals, pools)
        The cap K[b, p].

    Notes
    -----
    For interval b, site s and each deferred skill k of s, the net agents the schedule
    allocates are ``D = agents_scheduled · (1 − shrinkage_rate(s, channel(k)))``, the same
    thinning the simulation applies to on-queue agents. D is split over the pools of s that
    hold k in proportion to their on-queue agents ``staff[b, p]``; a pool's shares of all
    deferred skills add up to ``x[b, p]`` and ``K = max(1, ⌊x + ½⌋)`` where ``x > 0``
    (rounded to the nearest agent, at least one so that allocated backlog can clear), else 0.
    Coverage rows outside the simulated intervals are ignored.
    """
    n_int, n_pool = staff.shape
    x = np.zeros((n_int, n_pool))
    deferred = {
        k
        for k in scenario.skill_names()
        if scenario.channels[scenario.skill_channel(k)].queue_model == "deferred"
    }
    cov = coverage[coverage["skill"].isin(deferred)]
    unknown = sorted(set(cov["site"]) - set(scenario.sites))
    if unknown:
        raise InputError(f"unknown site {unknown[0]!r}", source="coverage", key="site")
    if cov.empty:
        return np.zeros((n_int, n_pool), dtype=np.int64)
    b_of = idx(cov["interval_start"], "coverage")
    holders: dict[tuple[str, str], np.ndarray] = {}
    for b, s, k, scheduled in zip(
        b_of, cov["site"], cov["skill"], cov["agents_scheduled"].to_numpy(dtype=float), strict=True
    ):
        if b < 0 or b >= n_int or scheduled <= 0:
            continue
        if (s, k) not in holders:
            holders[(s, k)] = np.array(
                [
                    i
                    for i, (ps, p) in enumerate(pool_keys)
                    if ps == s and k in scenario.sites[ps].pools[p].skills
                ],
                dtype=int,
            )
        pools = holders[(s, k)]
        on_queue = staff[b, pools]
        total = float(on_queue.sum())
        if total <= 0:
            continue  # no agent on queue to cap
        net = scheduled * (1.0 - scenario.shrinkage_rate(s, scenario.skill_channel(k)))
        x[b, pools] += net * on_queue / total
    cap = np.floor(x + 0.5).astype(np.int64)
    return np.where(x > 1e-9, np.maximum(cap, 1), 0)


def agents_on_queue(
    staff: np.ndarray, keep_rate: np.ndarray, shrinkage_draw: str, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Scheduled and available agents of one replication, shape (intervals, pools) [agents].

    A fractional scheduled count becomes one more agent with the probability of its
    fractional part; ``shrinkage_draw`` names the draw of :data:`SHRINKAGE_DRAW` that then
    removes the agents lost to shrinkage.
    """
    whole = np.floor(staff)
    scheduled = (whole + (rng.random(staff.shape) < staff - whole)).astype(np.int64)
    available = SHRINKAGE_DRAW[shrinkage_draw](rng, scheduled, keep_rate[None, :])
    return scheduled, available


def allocated_deferred_cap(
    allocation: pd.DataFrame,
    scenario: Scenario,
    pool_keys: list[tuple[str, str]],
    n_int: int,
    idx: Callable[[pd.Series, str], np.ndarray],
) -> np.ndarray:
    """Most agents of each pool working on deferred contacts at once, from the allocation.

    Parameters
    ----------
    allocation : pandas.DataFrame
        ALLOCATION table: ``interval_start``, ``site``, ``pool``, ``skill``, ``agents`` (on-queue
        agents of the pool the schedule allocates to the skill, before shrinkage) [agents].
    scenario, pool_keys, idx
        As in :func:`pool_deferred_cap`.
    n_int : int
        Intervals of the simulation grid.

    Returns
    -------
    numpy.ndarray of int64, shape (intervals, pools)

    Notes
    -----
    A pool's net agents on deferred skills are ``x = Σ_k agents(b, p, k) · (1 −
    shrinkage_rate(site, channel(k)))`` over its deferred skills k, and ``K = max(1, ⌊x + ½⌋)``
    where ``x > 0``, else 0: the rule of :func:`pool_deferred_cap` with the schedule's own
    split over pools instead of one in proportion to on-queue agents.
    """
    x = np.zeros((n_int, len(pool_keys)))
    deferred = {
        k
        for k in scenario.skill_names()
        if scenario.channels[scenario.skill_channel(k)].queue_model == "deferred"
    }
    al = allocation[allocation["skill"].isin(deferred)]
    if al.empty:
        return np.zeros((n_int, len(pool_keys)), dtype=np.int64)
    pidx = {k: i for i, k in enumerate(pool_keys)}
    b_of = idx(al["interval_start"], "allocation")
    for b, s, p, k, agents in zip(
        b_of, al["site"], al["pool"], al["skill"], al["agents"].to_numpy(dtype=float), strict=True
    ):
        if (s, p) not in pidx:
            raise InputError(f"unknown pool {p!r} of site {s!r}", source="allocation", key="pool")
        if 0 <= b < n_int and agents > 0:
            x[b, pidx[(s, p)]] += agents * (
                1.0 - scenario.shrinkage_rate(s, scenario.skill_channel(k))
            )
    cap = np.floor(x + 0.5).astype(np.int64)
    return np.where(x > 1e-9, np.maximum(cap, 1), 0)
