"""Agent pools of the simulation check: who is on queue in each interval after shrinkage.

A pool is a group of agents of one site who share a set of skills. The plan gives the agents
each pool has on queue per interval (breaks removed, shrinkage not yet); each replication
turns a fractional count into whole agents and removes the share lost to shrinkage by the
draw :data:`SHRINKAGE_DRAW` that ``simulation.shrinkage_draw`` names.
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


def _pool_order(scenario: Scenario) -> list[tuple[str, str]]:
    """(site, pool) keys, specialists first.

    A contact tries the pool holding the fewest skills first.
    """
    pool_keys = [(s, p) for s, site in scenario.sites.items() for p in site.pools]
    pool_keys.sort(key=lambda sp_: len(scenario.sites[sp_[0]].pools[sp_[1]].skills))
    return pool_keys


def _pool_staff(
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


def _keep_rate(scenario: Scenario, pool_keys: list[tuple[str, str]]) -> np.ndarray:
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


def _agents_on_queue(
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
