"""Routing policy of a centre: which pools answer which skills, in which order, and how.

One policy, read by the schedule (which writes the allocation the policy follows) and by
the simulation check, so that the plan and its check describe the same centre. It is the
optional ``[routing]`` table of a scenario; its defaults are what a real ACD does:

* **Pool priority** (``pool_priority``, default: the schedule's allocation). In each
  interval, the pools the schedule allocated to a skill at a site answer its contacts first
  (specialists, holding the fewest skills, before generalists); the other pools of the site
  that hold the skill take them only as spill-over, when no allocated agent is free. An agent
  who frees up takes the skills its pool is allocated to first (realtime before concurrent
  before deferred, then the longest-waiting contact), then spill-over work. A per-site,
  per-skill override (``[routing.pool_priority.SITE] SKILL = ["pool_a", "pool_b"]``) replaces
  the allocation by a fixed order for that skill; pools not listed do not answer it.
* **Concurrent placement** (``concurrent_placement``): ``"fill"`` (default) gives a new chat or
  message to an agent already in conversations of that channel, the least loaded first, up to
  ``max_concurrency``, before opening an idle agent; ``"spread"`` opens an idle agent first.
* **Deferred work** (``deferred_work``): ``"allocated"`` (default) lets only about the agents
  allocated to deferred skills in an interval work on them at once (the deferred cap, rounded
  to whole agents, at least one where work is allocated); ``"any"`` lets every free agent take
  deferred work.
* **Contacts moved to AI** by the schedule (coverage ``ai_moved_contacts``) are answered by AI
  agents, never given to people; **overflowed** contacts join the receiving site's queue in the
  schedule's overflow shares and are served there under the same priority rules.

The schedule's allocation is the table :data:`ALLOCATION` (``allocation.csv``): on-queue agents
of each pool allocated to each skill per interval.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from wfm.core.checks import check_choice
from wfm.core.errors import ConfigError
from wfm.core.schemas import MAX_AGENTS, Column, TableSchema

ConcurrentPlacement = Literal["fill", "spread"]
DeferredWork = Literal["allocated", "any"]

ALLOCATION = TableSchema(
    "allocation",
    (
        Column("interval_start", "time", key=True),
        Column("site", "str", key=True),
        Column("pool", "str", key=True),
        Column("skill", "str", key=True),
        Column("agents", "float", min_value=0.0, max_value=MAX_AGENTS),
    ),
)
"""The schedule's allocation: on-queue agents of a pool allocated to a skill per interval
(breaks removed, before shrinkage; rows with agents allocated only) [agents]."""

ALLOCATED_MIN_AGENTS = 1e-6
"""Smallest allocation that counts a pool as allocated to a skill in an interval [agents]."""

SPILL_OVER_TIER = 1
"""Priority tier of a pool that holds a skill the schedule did not allocate it to."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RoutingConfig:
    """The ``[routing]`` table of a scenario (see the module docstring).

    Attributes
    ----------
    concurrent_placement : {"fill", "spread"}
        Where a new contact of a concurrent channel goes: agents already in conversation up to
        ``max_concurrency`` first (``fill``), or idle agents first (``spread``).
    deferred_work : {"allocated", "any"}
        Whether only about the agents allocated to deferred skills work on them at once.
    pool_priority : dict of str to dict of str to tuple of str
        Per site and skill, the pools answering it in order, replacing the allocation.
    """

    concurrent_placement: ConcurrentPlacement = "fill"
    deferred_work: DeferredWork = "allocated"
    pool_priority: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_choice("concurrent_placement", self.concurrent_placement, ("fill", "spread"))
        check_choice("deferred_work", self.deferred_work, ("allocated", "any"))
        for site, by_skill in self.pool_priority.items():
            for skill, pools in by_skill.items():
                if not pools:
                    raise ConfigError(
                        "expected at least one pool", key=f"pool_priority.{site}.{skill}"
                    )
                if len(set(pools)) != len(pools):
                    raise ConfigError(
                        f"a pool is listed twice in {list(pools)}",
                        key=f"pool_priority.{site}.{skill}",
                    )


def check_routing(routing: RoutingConfig, sites: dict, skills: tuple[str, ...]) -> None:
    """Raise unless every override names a site, a skill and pools of that site holding it.

    ``sites`` maps site names to :class:`wfm.core.sites.SiteConfig`.
    """
    for site, by_skill in routing.pool_priority.items():
        key = f"routing.pool_priority.{site}"
        if site not in sites:
            raise ConfigError(f"unknown site {site!r}; expected one of {', '.join(sites)}", key=key)
        for skill, pools in by_skill.items():
            if skill not in skills:
                raise ConfigError(
                    f"unknown skill {skill!r}; expected one of {', '.join(skills)}",
                    key=f"{key}.{skill}",
                )
            holders = [p for p, cfg in sites[site].pools.items() if skill in cfg.skills]
            for p in pools:
                if p not in holders:
                    raise ConfigError(
                        f"pool {p!r} of site {site!r} does not hold skill {skill!r}; expected "
                        f"pools among {', '.join(holders) or '(none)'}",
                        key=f"{key}.{skill}",
                    )


def specialist_order(pools: dict) -> list[str]:
    """Pool names of one site, specialists (fewest skills) first, then declaration order.

    ``pools`` maps pool names to :class:`wfm.core.sites.PoolConfig`.
    """
    names = list(pools)
    return sorted(names, key=lambda p: (len(pools[p].skills), names.index(p)))


def pool_tiers(
    routing: RoutingConfig,
    site: str,
    skill: str,
    pools: dict,
    allocated: set[str] | None,
) -> dict[str, int]:
    """Priority tier of each pool of ``site`` answering ``skill`` in one interval.

    Parameters
    ----------
    routing : RoutingConfig
    site, skill : str
    pools : dict of str to PoolConfig
        The site's pools.
    allocated : set of str or None
        Pools the schedule allocated to the skill in the interval; None: no allocation known
        (every holder is tier 0).

    Returns
    -------
    dict of str to int
        Pools that answer the skill, with their tier: 0 for allocated pools (or the first pool
        of an override), :data:`SPILL_OVER_TIER` for other holders (an override's i-th pool
        has tier i). Within a tier, :func:`specialist_order` decides. Pools not in the dict
        never answer the skill.
    """
    override = routing.pool_priority.get(site, {}).get(skill)
    if override is not None:
        return {p: i for i, p in enumerate(override)}
    holders = [p for p in specialist_order(pools) if skill in pools[p].skills]
    if allocated is None:
        return dict.fromkeys(holders, 0)
    return {p: 0 if p in allocated else SPILL_OVER_TIER for p in holders}
