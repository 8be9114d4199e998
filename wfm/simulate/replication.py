"""One replication of the simulation check: draw contacts and agents, run, count.

A replication draws the contacts of every split row (Poisson arrivals uniform within the
interval, handle times from :data:`SERVICE_TIME`, patience, escalation, overflow
destinations) and the agents on queue, runs the event loop of :mod:`wfm.simulate.engine`,
and tallies the outcomes per (interval, site, skill), segment, channel and overall.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from wfm.core.config import Scenario
from wfm.simulate.engine import run_events
from wfm.simulate.model import PlanModel
from wfm.simulate.network import ABANDONED, ANSWERED, UNSERVED, Outcome
from wfm.simulate.pools import agents_on_queue


# -- distributions (registries resolved from SimulationConfig) ----------------------------
def _service_exponential(rng: np.random.Generator, mean_s: np.ndarray, cv: float) -> np.ndarray:
    del cv  # an exponential has cv 1
    return rng.exponential(mean_s)


def _service_lognormal(rng: np.random.Generator, mean_s: np.ndarray, cv: float) -> np.ndarray:
    sigma2 = math.log1p(cv * cv)
    mu = np.log(np.maximum(mean_s, 1e-9)) - sigma2 / 2
    return rng.lognormal(mu, math.sqrt(sigma2))


SERVICE_TIME: dict[str, Callable[[np.random.Generator, np.ndarray, float], np.ndarray]] = {
    "exponential": _service_exponential,
    "lognormal": _service_lognormal,
}
"""Handle-time draws with the given mean [s] (and coefficient of variation)."""


def replicate(model: PlanModel, scenario: Scenario, rng: np.random.Generator) -> dict:
    """Draw contacts and agents, run the event loop, count per group and segment."""
    cfg = scenario.simulation
    counts = rng.poisson(model.row_contacts)
    rows = np.repeat(np.arange(len(counts)), counts)
    arrival = (model.row_interval[rows] + rng.random(len(rows))) * model.interval_s
    order = np.argsort(arrival, kind="stable")
    rows, arrival = rows[order], arrival[order]
    n = len(rows)
    work = SERVICE_TIME[cfg.service_time](rng, model.row_aht_s[rows], cfg.service_cv)
    mean_patience = model.row_patience_s[rows]
    patience = np.full(n, np.inf)
    finite = np.isfinite(mean_patience)
    patience[finite] = rng.exponential(mean_patience[finite])
    escalated = rng.random(n) < model.row_escalated_rate[rows]
    patience[escalated] -= model.row_delay_s[rows][escalated]
    queue = model.row_queue[rows]
    u = rng.random(n)
    dest = (u[:, None] >= model.row_over_cum[rows]).sum(axis=1)
    moved = dest < model.row_over_cum.shape[1]
    queue = np.where(
        moved, model.row_over_queue[rows, np.minimum(dest, model.row_over_cum.shape[1] - 1)], queue
    )
    scheduled, available = agents_on_queue(model.staff, model.keep_rate, cfg.shrinkage_draw, rng)
    out = run_events(
        model.network,
        arrival,
        queue,
        work,
        patience,
        np.asarray(available),
        deferred_cap=model.deferred_cap,
        tiers=model.tiers,
    )
    return _count(model, scenario, rows, arrival, out, moved, scheduled, available)


def _count(
    model: PlanModel,
    scenario: Scenario,
    rows: np.ndarray,
    arrival: np.ndarray,
    out: Outcome,
    moved: np.ndarray,
    scheduled: np.ndarray,
    available: np.ndarray,
) -> dict:
    n_ss = len(model.site_skills)
    n_g = model.n_int * n_ss
    group = model.row_group[rows]
    answered = out.status == ANSWERED
    abandoned = out.status == ABANDONED
    unserved = out.status == UNSERVED
    due = model.row_due_s[rows]
    deferred = ~np.isnan(due)
    # deferred work: answered by its deadline (opening hours, as staffing plans it); work due
    # after the simulated grid and still waiting at its end is not late yet
    met_deferred = (answered & (arrival + out.wait_s <= due)) | (unserved & np.isinf(due))
    met = np.where(deferred, met_deferred, answered & (out.wait_s <= model.row_threshold_s[rows]))

    def by(key: np.ndarray, size: int, weights: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(key, weights=weights, minlength=size).astype(float)

    def tally(key: np.ndarray, size: int) -> dict:
        return {
            "contacts": by(key, size),
            "answered": by(key, size, answered),
            "abandoned": by(key, size, abandoned),
            "unserved": by(key, size, unserved),
            "met": by(key, size, met),
            "wait_answered_s": by(key, size, np.where(answered, out.wait_s, 0.0)),
            "wait_all_s": by(key, size, np.where(unserved, 0.0, out.wait_s)),
            "overflow_out": by(key, size, moved | (answered & _foreign(model, rows, out))),
        }

    busy = out.busy_s @ model.ss_pools
    online = out.online_s @ model.ss_pools
    n_seg, n_ch = len(model.segments), len(model.channels)
    backlog = np.zeros((model.n_int, n_ss))
    age = np.zeros((model.n_int, n_ss))
    for q, ss in enumerate(model.queue_ss):
        backlog[:, ss] += out.backlog_contacts[:, q]
        age[:, ss] = np.maximum(age[:, ss], out.backlog_age_s[:, q])
    return {
        "n": len(rows),
        "group": tally(group, n_g),
        "segment": tally(model.row_segment[rows], n_seg),
        "segment_channel": tally(
            model.row_segment[rows] * n_ch + model.row_channel[rows], n_seg * n_ch
        ),
        "channel": tally(model.row_channel[rows], n_ch),
        "overall": tally(np.zeros(len(rows), dtype=int), 1),
        "busy_s": busy.ravel(),
        "online_s": online.ravel(),
        "backlog": backlog.ravel(),
        "backlog_age_s": age.ravel(),
        "pool_busy_s": out.busy_s,
        "pool_online_s": out.online_s,
        "scheduled": scheduled,
        "available": available,
    }


def _foreign(model: PlanModel, rows: np.ndarray, out: Outcome) -> np.ndarray:
    """Answered by a pool of another site than the contact's own (wait-threshold overflow)."""
    pool_site = np.array([s for s, _ in model.pool_keys] + [""], dtype=object)
    q_site = np.array([s for s, _, _ in model.queue_keys], dtype=object)
    return pool_site[out.pool] != q_site[model.row_queue[rows]]
