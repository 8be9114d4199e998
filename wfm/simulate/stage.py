"""Simulation check of a plan: what service the scheduled agents really deliver.

``simulate_plan`` turns the split (human contacts per interval, channel, segment and site)
and the agents the schedule puts on queue per pool into seeded replications of the
discrete-event model of :mod:`wfm.simulate.engine`, and returns per interval, site and skill
the simulated service level (with its confidence half-width), ASA, abandonment, occupancy and
deferred backlog, plus a summary per segment and channel.

:mod:`wfm.simulate.model` builds the arrays of a plan once, with the queues and overflow of
:mod:`wfm.simulate.routing` and the agents per interval and pool of :mod:`wfm.simulate.pools`;
:mod:`wfm.simulate.replication` runs one seeded replication and :mod:`wfm.simulate.results`
turns the tallies of all replications into tables.

The model
---------
Per replication r (generator r of ``SeedSequence(scenario.seed).spawn(R)``, so the same
seed gives the same result and replication r does not depend on R):

* arrivals per split row ~ Poisson(``human_contacts``), uniform within the interval
  (a Poisson process with piecewise-constant intensity);
* handle time ~ exponential or log-normal with mean ``human_aht_s``; the k-th
  simultaneous conversation of a concurrent channel lasts
  ``(1 + concurrency_aht_factor·(k − 1))`` times longer; divided by pool proficiency;
* patience ~ exponential with mean ``patience_s`` (channels without it never abandon;
  deferred channels never abandon); an escalated contact (probability
  ``escalated / human_contacts``) has already spent ``escalation_delay_s`` of it;
* available agents per interval and pool: the scheduled ``agents`` (a fractional part
  becomes one more agent with that probability) thinned by
  ``1 − shrinkage_rate`` as ``simulation.shrinkage_draw`` says; the pool's shrinkage is
  the mean of ``scenario.shrinkage_rate(site, channel)`` over its skills' channels.

Deferred cap (only with ``coverage``): in interval b at most K[b, p] agents of pool p
are busy on deferred contacts at once. The site's net deferred agents,
``Σ_k agents_scheduled(b, site, k) · (1 − shrinkage_rate(site, channel(k)))`` over its
deferred skills k, are split over the pools holding each skill in proportion to their
``pool_agents.agents``; K is the pool's share rounded to the nearest agent, at least 1
where the share is positive, else 0. Deferred contacts above the cap wait in their
queue; agents already on them finish (no pre-emption). This is the staffing model's
assumption: only the agents allocated to deferred work do it in that interval.

Service level of a row = contacts answered within their own segment's threshold
(deferred: within ``deadline_h`` of opening hours) / contacts, where abandoned contacts stay
in the denominator only when ``scenario.abandoned_in_sl``; contacts still waiting when
the last agent logs off count as not answered in time. ``sl_target_rate`` is the
contact-weighted target of the row's segments; ``meets_target`` compares the mean with
it (rows without contacts meet it). ASA is over answered contacts. Occupancy is busy
agent-time / logged-in agent-time of the site's pools that hold the skill.

References
----------
.. [1] N. Gans, G. Koole, A. Mandelbaum, "Telephone call centers: tutorial, review, and
   research prospects," Manuf. Serv. Oper. Manag., 5(2), 79–141, 2003.
.. [2] A. M. Law, *Simulation Modeling and Analysis*, 5th ed., McGraw-Hill, 2015,
   ch. 9 (independent replications and t confidence intervals).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping

import numpy as np
import pandas as pd

from wfm.core.config import Scenario
from wfm.core.results import StageResult
from wfm.simulate.model import PlanModel, build_model
from wfm.simulate.replication import replicate
from wfm.simulate.results import (
    interval_table,
    pool_table,
    replication_table,
    simulation_notes,
    summary_table,
)

log = logging.getLogger(__name__)

SIMULATION_COLUMNS = (
    "interval_start",
    "site",
    "skill",
    "contacts",
    "answered",
    "abandoned",
    "unserved",
    "overflow_out_contacts",
    "service_level_rate",
    "service_level_half_width_rate",
    "asa_s",
    "asa_half_width_s",
    "abandon_rate",
    "abandon_half_width_rate",
    "occupancy_rate",
    "backlog_contacts",
    "backlog_age_s",
    "sl_target_rate",
    "meets_target",
)
"""Columns of the simulation table, keyed by (interval_start, site, skill)."""


def simulate_tables(tables: Mapping[str, pd.DataFrame], scenario: Scenario) -> StageResult:
    """:func:`simulate_plan` on a plan's tables by name: ``split`` and ``pool_agents``, and
    ``overflow``, ``coverage``, ``allocation`` where the plan has them."""
    return simulate_plan(
        tables["split"],
        tables["pool_agents"],
        scenario,
        overflow=tables.get("overflow"),
        coverage=tables.get("coverage"),
        allocation=tables.get("allocation"),
    )


def simulate_plan(
    split: pd.DataFrame,
    pool_agents: pd.DataFrame,
    scenario: Scenario,
    *,
    overflow: pd.DataFrame | None = None,
    coverage: pd.DataFrame | None = None,
    allocation: pd.DataFrame | None = None,
) -> StageResult:
    """Simulate a plan and report the service it delivers per interval, site and skill.

    Parameters
    ----------
    split : pandas.DataFrame
        SPLIT table: ``interval_start`` (UTC), ``channel``, ``segment``, optional ``site``;
        ``human_contacts`` (expected per interval), ``human_aht_s`` [s], ``escalated``
        and optionally ``escalation_delay_s`` [s] (time already spent with the AI, which
        counts against patience; default the segment's AI policy).
    pool_agents : pandas.DataFrame
        POOL_AGENTS table: ``interval_start``, ``site``, ``pool``, ``agents`` on queue
        (breaks removed, shrinkage not yet) [agents].
    scenario : Scenario
        Channels (queue models, patience, concurrency), segments (targets, routing policy),
        sites, pools, shrinkage, overflow policy, ``seed`` and ``simulation`` settings.
    overflow : pandas.DataFrame, optional
        OVERFLOW table from the scheduler (``interval_start``, ``skill``, ``from_site``,
        ``to_site``, ``contacts``): that share of the from-site's contacts is routed to the
        to-site on arrival.
    coverage : pandas.DataFrame, optional
        COVERAGE table from the scheduler (``interval_start``, ``site``, ``skill``,
        ``agents_scheduled`` paid agents per skill [agents]). When given, the agents of a pool
        that work on deferred contacts at once are capped per interval by the schedule's
        allocation to deferred skills (see Notes); when None, pools are work-conserving
        across all their skills. Its ``ai_moved_contacts`` (contacts the schedule handed to
        AI agents) are not given to people.
    allocation : pandas.DataFrame, optional
        ALLOCATION table from the scheduler (``interval_start``, ``site``, ``pool``, ``skill``,
        ``agents``): the pools allocated to a skill in an interval answer it first, the other
        pools holding it as spill-over (``routing`` of the scenario,
        :mod:`wfm.core.routing`); it also sets the deferred cap pool by pool. None: every pool
        of a site holding a skill answers it, specialists first.

    Returns
    -------
    StageResult
        ``table``: one row per (interval_start, site, skill) of the split, columns
        :data:`SIMULATION_COLUMNS` (means over replications; half-widths of the
        ``simulation.level_rate`` confidence interval). ``tables["summary"]``: overall, per
        segment, per channel and per ``segment.channel`` (scope, name), with the contacts
        that missed their target (not answered within their threshold, abandoned included)
        and ``wait_s``, the mean time in queue of all answered or abandoned contacts.
        ``tables["pool_occupancy"]``: per (interval_start, site, pool) agents scheduled,
        available after shrinkage, and occupancy. ``tables["replications"]``: overall
        figures of each replication.

    Notes
    -----
    The model (arrivals, handle times, patience, shrinkage, the deferred cap and the
    service level it reports) is described in the module's docstring.
    """
    t_start = time.perf_counter()
    model = build_model(split, pool_agents, scenario, overflow, coverage, allocation)
    per_rep = _replications(model, scenario)
    table = interval_table(model, per_rep, scenario)
    summary = summary_table(model, per_rep, scenario)
    pools = pool_table(model, per_rep)
    reps = replication_table(per_rep, scenario)
    wall = time.perf_counter() - t_start
    return StageResult(
        table=table,
        tables={"summary": summary, "pool_occupancy": pools, "replications": reps},
        notes=tuple(simulation_notes(scenario, model, table)),
        figures=_figures(scenario, per_rep, table, summary, wall),
    )


def _replications(model: PlanModel, scenario: Scenario) -> list[dict]:
    """Tallies of each seeded replication (generator r of ``SeedSequence(seed).spawn(R)``)."""
    seeds = np.random.SeedSequence(scenario.seed).spawn(scenario.simulation.replications)
    per_rep = []
    for r, ss in enumerate(seeds):
        rng = np.random.default_rng(ss)
        res = replicate(model, scenario, rng)
        per_rep.append(res)
        log.debug("replication %d: %d contacts", r, res["n"])
    return per_rep


def _figures(
    scenario: Scenario,
    per_rep: list[dict],
    table: pd.DataFrame,
    summary: pd.DataFrame,
    wall_s: float,
) -> dict:
    """Headline figures of the run: overall service, contacts simulated and their rate."""
    n_simulated = sum(res["n"] for res in per_rep)
    overall = summary[summary["scope"] == "overall"].iloc[0]
    return {
        "replications": scenario.simulation.replications,
        "contacts_simulated": int(n_simulated),
        "contacts_per_s": round(n_simulated / wall_s, 1) if wall_s > 0 else None,
        "service_level_rate": _json_float(overall["service_level_rate"]),
        "abandon_rate": _json_float(overall["abandon_rate"]),
        "asa_s": _json_float(overall["asa_s"]),
        "intervals_below_target": int((~table["meets_target"]).sum()),
        "abandoned_in_sl": scenario.abandoned_in_sl,
    }


def _json_float(x: float) -> float | None:
    return None if x is None or not np.isfinite(x) else round(float(x), 6)
