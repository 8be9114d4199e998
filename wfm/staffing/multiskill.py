"""Multi-skill pools: the pooled and the separate requirement side by side.

Agents of a pool (``sites.<site>.pools.<pool>``) hold every skill of the pool, so the
contacts of those skills can share them. Requirements stay keyed by skill (the scheduler
covers skills with pools); this module says how many agents the pool would need if it
answered its skills' contacts as one queue, so the planner sees the pooling gain.

Pooling rules
-------------
- Skills are pooled by queue class: realtime skills together (one M/M/N queue), concurrent
  skills with the same ``max_concurrency`` and ``concurrency_aht_factor`` together (one
  queue of slots). Deferred skills are not pooled: their workload adds up without queueing
  gain, so their pooled requirement is their separate one.
- The pooled queue carries the summed contacts, the contact-weighted AHT and the strictest
  target of its skills (:func:`wfm.core.channels.strictest_target`); it uses Erlang A with
  the shortest patience when every channel in it does, otherwise Erlang C.
- A skill shared by several pools counts in full in each pool's row: each row answers
  "what if this pool alone answered all its skills' contacts at this site".

References
----------
.. [1] G. Koole, A. Pot, "An overview of routing and staffing algorithms in multi-skill
   customer contact centers," Vrije Universiteit Amsterdam, 2006.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wfm.core.channels import strictest_target
from wfm.core.config import Scenario, ServiceTarget
from wfm.staffing.queues import queue_requirement

POOLING_COLUMNS = (
    "interval_start",
    "site",
    "pool",
    "skills",
    "agents_required_separate",
    "agents_required_pooled",
    "pooling_gain",
)


def _queue_class(scenario: Scenario, skill: str) -> tuple[str, int, float] | None:
    ch = scenario.channels[scenario.skill_channel(skill)]
    if ch.queue_model == "deferred":
        return None
    return ch.queue_model, ch.max_concurrency, ch.concurrency_aht_factor


def pooling_table(
    skill_table: pd.DataFrame,
    scenario: Scenario,
    targets: dict[str, ServiceTarget],
) -> pd.DataFrame:
    """Pooled vs separate requirement per (interval, site, pool).

    Parameters
    ----------
    skill_table : pandas.DataFrame
        Requirements per (interval_start, site, skill) with ``contacts``, ``aht_s`` and
        ``agents_required``, complete on its grid.
    scenario : Scenario
        Pools, channels and the service-level convention.
    targets : dict of str to ServiceTarget
        Target of each skill (the strictest of its segments).

    Returns
    -------
    pandas.DataFrame
        Columns ``POOLING_COLUMNS``; ``pooling_gain`` = separate − pooled agents. It is
        ≥ 0 when the pooled skills share one target (one queue with the summed traffic
        needs no more agents than the queues apart, the square-root staffing effect [1]_);
        it can be negative when a lax skill is pooled under a stricter skill's target.

    Notes
    -----
    Separate = Σ over the pool's skills of ``agents_required``; pooled = Σ over queue
    classes of the least N of the pooled queue, plus the deferred skills' own requirement.

    References
    ----------
    .. [1] G. Koole, A. Pot, Vrije Universiteit Amsterdam, 2006.
    """
    frames: list[pd.DataFrame] = []
    intervals = pd.DatetimeIndex(sorted(skill_table["interval_start"].unique()))
    for site in sorted(skill_table["site"].unique()):
        cfg = scenario.sites.get(site)
        if cfg is None or not cfg.pools:
            continue
        here = skill_table[skill_table["site"] == site]
        for pool in cfg.pools.values():
            skills = [s for s in pool.skills if s in set(here["skill"])]
            if not skills:
                continue
            sub = here[here["skill"].isin(skills)]
            wide = {
                col: sub.pivot(index="interval_start", columns="skill", values=col)
                .reindex(index=intervals, columns=skills)
                .fillna(0.0)
                for col in ("contacts", "aht_s", "agents_required")
            }
            separate = wide["agents_required"].sum(axis=1).to_numpy().astype(np.int64)
            pooled = _pooled_agents(wide, skills, scenario, targets)
            frames.append(
                pd.DataFrame(
                    {
                        "interval_start": intervals,
                        "site": site,
                        "pool": pool.name,
                        "skills": "+".join(skills),
                        "agents_required_separate": separate,
                        "agents_required_pooled": pooled,
                        "pooling_gain": separate - pooled,
                    }
                )
            )
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in POOLING_COLUMNS})
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["interval_start", "site", "pool"], ignore_index=True)


def _pooled_agents(
    wide: dict[str, pd.DataFrame],
    skills: list[str],
    scenario: Scenario,
    targets: dict[str, ServiceTarget],
) -> np.ndarray:
    """Agents of one pool per interval when each queue class of its skills is one queue.

    ``wide``: ``contacts``, ``aht_s`` and ``agents_required`` per interval (rows) and skill
    (columns). Deferred skills add their own requirement.
    """
    pooled = np.zeros(len(wide["contacts"]), dtype=np.int64)
    classes: dict[tuple[str, int, float], list[str]] = {}
    for s in skills:
        key = _queue_class(scenario, s)
        if key is None:
            pooled += wide["agents_required"][s].to_numpy().astype(np.int64)
        else:
            classes.setdefault(key, []).append(s)
    for (_, k, factor), members in classes.items():
        contacts = wide["contacts"][members].to_numpy()
        work = (contacts * wide["aht_s"][members].to_numpy()).sum(axis=1)
        total = contacts.sum(axis=1)
        aht = np.divide(work, total, out=np.zeros_like(work), where=total > 0)
        channels = [scenario.channels[scenario.skill_channel(m)] for m in members]
        all_a = all(c.realtime_model == "erlang_a" for c in channels)
        patience = min(c.patience_s for c in channels) if all_a else None  # type: ignore[type-var]
        req = queue_requirement(
            total,
            aht,
            interval_min=scenario.interval_min,
            target=strictest_target(targets[m] for m in members),
            realtime_model="erlang_a" if all_a else "erlang_c",
            patience_s=patience,
            max_concurrency=k,
            concurrency_aht_factor=factor,
            abandoned_in_sl=scenario.abandoned_in_sl,
        )
        pooled += req.agents_required
    return pooled
