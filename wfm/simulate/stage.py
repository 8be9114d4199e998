"""Simulation check of a plan: what service the scheduled agents really deliver.

``simulate_plan`` turns the split (human contacts per interval, channel, segment and site)
and the agents the schedule puts on queue per pool into seeded replications of the
discrete-event model of :mod:`wfm.simulate.engine`, and returns per interval, site and skill
the simulated service level (with its confidence half-width), ASA, abandonment, occupancy and
deferred backlog, plus a summary per segment and channel.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wfm.core.config import Scenario
from wfm.core.errors import InputError
from wfm.core.results import StageResult
from wfm.core.units import S_PER_H, interval_s
from wfm.simulate.engine import (
    ABANDONED,
    ANSWERED,
    UNSERVED,
    Network,
    Outcome,
    PoolSpec,
    QueueSpec,
    run_events,
)
from wfm.simulate.kpis import ratio, replication_mean

log = logging.getLogger(__name__)

_UTC = "datetime64[ns, UTC]"

QUEUE_RANK = {"realtime": 0, "concurrent": 1, "deferred": 2}
"""Routing priority of each queue model: a freed agent serves realtime contacts first."""

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


@dataclass(frozen=True, slots=True, kw_only=True)
class _Model:
    """Everything a replication needs, built once from the tables and the scenario."""

    t0: pd.Timestamp
    n_int: int
    interval_s: float
    network: Network
    queue_keys: list[tuple[str, str, str]]  # (site, skill, segment)
    pool_keys: list[tuple[str, str]]  # (site, pool)
    # split rows (one per interval, channel, segment, site with human contacts)
    row_interval: np.ndarray
    row_queue: np.ndarray
    row_contacts: np.ndarray
    row_aht_s: np.ndarray
    row_escalated_rate: np.ndarray
    row_delay_s: np.ndarray
    row_patience_s: np.ndarray  # mean patience, inf for none
    row_threshold_s: np.ndarray
    row_segment: np.ndarray
    row_channel: np.ndarray
    row_group: np.ndarray  # (interval, site, skill) group
    row_over_queue: np.ndarray  # (rows, D) destination queues
    row_over_cum: np.ndarray  # (rows, D) cumulative shares
    staff: np.ndarray  # (intervals, pools) scheduled agents, float
    keep_rate: np.ndarray  # (pools,) 1 − shrinkage
    site_skills: list[tuple[str, str]]
    ss_pools: np.ndarray  # (pools, site_skills) 0/1: pool at the site holding the skill
    queue_ss: np.ndarray  # (queues,) site-skill of each queue
    segments: list[str]
    channels: list[str]


def simulate_plan(
    split: pd.DataFrame,
    pool_agents: pd.DataFrame,
    scenario: Scenario,
    *,
    overflow: pd.DataFrame | None = None,
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

    Service level of a row = contacts answered within their own segment's threshold
    (deferred: within ``deadline_h``, wall-clock) / contacts, where abandoned contacts stay
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
    t_start = time.perf_counter()
    cfg = scenario.simulation
    model = _build_model(split, pool_agents, scenario, overflow)
    seeds = np.random.SeedSequence(scenario.seed).spawn(cfg.replications)
    per_rep = []
    n_simulated = 0
    for r, ss in enumerate(seeds):
        rng = np.random.default_rng(ss)
        res = _replicate(model, scenario, rng)
        n_simulated += res["n"]
        per_rep.append(res)
        log.debug("replication %d: %d contacts", r, res["n"])
    table = _interval_table(model, per_rep, scenario)
    summary = _summary_table(model, per_rep, scenario)
    pools = _pool_table(model, per_rep)
    reps = _replication_table(per_rep, scenario)
    wall = time.perf_counter() - t_start
    below = int((~table["meets_target"]).sum())
    notes = _notes(scenario, model, table)
    overall = summary[summary["scope"] == "overall"].iloc[0]
    figures = {
        "replications": cfg.replications,
        "contacts_simulated": int(n_simulated),
        "contacts_per_s": round(n_simulated / wall, 1) if wall > 0 else None,
        "service_level_rate": _json_float(overall["service_level_rate"]),
        "abandon_rate": _json_float(overall["abandon_rate"]),
        "asa_s": _json_float(overall["asa_s"]),
        "intervals_below_target": below,
        "abandoned_in_sl": scenario.abandoned_in_sl,
    }
    return StageResult(
        table=table,
        tables={"summary": summary, "pool_occupancy": pools, "replications": reps},
        notes=tuple(notes),
        figures=figures,
    )


def _json_float(x: float) -> float | None:
    return None if x is None or not np.isfinite(x) else round(float(x), 6)


# -- building the model --------------------------------------------------------------------
def _build_model(
    split: pd.DataFrame,
    pool_agents: pd.DataFrame,
    scenario: Scenario,
    overflow: pd.DataFrame | None,
) -> _Model:
    ivl = float(interval_s(scenario.interval_min))
    sp = split.copy()
    if "site" not in sp.columns:
        sp["site"] = scenario.home_site()
    for col in ("interval_start", "channel", "segment", "human_contacts", "human_aht_s"):
        if col not in sp.columns:
            raise InputError(f"missing column {col!r}", source="split", line=1)
    for col in ("interval_start", "site", "pool", "agents"):
        if col not in pool_agents.columns:
            raise InputError(f"missing column {col!r}", source="pool_agents", line=1)
    unknown = sorted(set(sp["site"]) - set(scenario.sites))
    if unknown:
        raise InputError(f"unknown site {unknown[0]!r}", source="split", key="site")
    sp["skill"] = [
        scenario.skill_for(c, s) for c, s in zip(sp["channel"], sp["segment"], strict=True)
    ]
    times = pd.concat([sp["interval_start"], pool_agents["interval_start"]])
    if times.empty:
        raise InputError("nothing to simulate: split and pool_agents are empty", source="split")
    t0 = times.min()
    step = pd.Timedelta(seconds=ivl)
    n_int = int((times.max() - t0) / step) + 1

    def idx(ts: pd.Series, source: str) -> np.ndarray:
        off = (ts - t0) / step
        k = np.floor(off.to_numpy(dtype=float)).astype(np.int64)
        if (off.to_numpy(dtype=float) != k).any():
            raise InputError(
                f"interval_start not on the {scenario.interval_min}-minute grid", source=source
            )
        return k

    # queues: (site, skill, segment), own site first; overflow destinations added below
    segments = list(scenario.segments)
    channels = list(scenario.channels)
    queue_keys: list[tuple[str, str, str]] = []
    qindex: dict[tuple[str, str, str], int] = {}

    def q_of(key: tuple[str, str, str]) -> int:
        if key not in qindex:
            qindex[key] = len(queue_keys)
            queue_keys.append(key)
        return qindex[key]

    sp = sp.sort_values(["interval_start", "site", "channel", "segment"], kind="mergesort")
    sp = sp.reset_index(drop=True)
    row_queue = np.array(
        [q_of((s, k, g)) for s, k, g in zip(sp["site"], sp["skill"], sp["segment"], strict=True)],
        dtype=int,
    )
    row_interval = idx(sp["interval_start"], "split")
    contacts = sp["human_contacts"].to_numpy(dtype=float)
    esc = sp["escalated"].to_numpy(dtype=float) if "escalated" in sp else np.zeros(len(sp))
    esc_rate = np.clip(ratio(esc, contacts), 0.0, 1.0)
    esc_rate = np.nan_to_num(esc_rate, nan=0.0)
    if "escalation_delay_s" in sp:
        delay = sp["escalation_delay_s"].to_numpy(dtype=float)
    else:
        delay = np.array(
            [
                scenario.segments[g].ai_policy(c).escalation_delay_s
                if g in scenario.segments
                else 0.0
                for c, g in zip(sp["channel"], sp["segment"], strict=True)
            ]
        )
    patience = np.array(
        [
            scenario.channels[c].patience_s
            if scenario.channels[c].queue_model != "deferred"
            and scenario.channels[c].patience_s is not None
            else np.inf
            for c in sp["channel"]
        ],
        dtype=float,
    )
    threshold = np.array(
        [_threshold_s(scenario, c, g) for c, g in zip(sp["channel"], sp["segment"], strict=True)]
    )

    # routing by the scheduler's overflow shares
    over_dest: dict[int, list[tuple[int, float]]] = {}
    if overflow is not None and len(overflow):
        ov = overflow.assign(b=idx(overflow["interval_start"], "overflow"))
        ov = ov.sort_values(["b", "skill", "from_site", "to_site"], kind="mergesort")
        rows_of = (
            pd.DataFrame({"b": row_interval, "site": sp["site"], "skill": sp["skill"]})
            .groupby(["b", "site", "skill"])
            .indices
        )
        seg_arr = sp["segment"].to_numpy()
        allowed_of: dict[tuple[str, str, str], bool] = {}
        for b, skill, src, dst, moved_contacts in zip(
            ov["b"], ov["skill"], ov["from_site"], ov["to_site"], ov["contacts"], strict=True
        ):
            if dst not in scenario.sites:
                raise InputError(f"unknown site {dst!r}", source="overflow", key="to_site")
            rows = rows_of.get((b, src, skill))
            if rows is None or moved_contacts <= 0:
                continue
            ok = []
            for r_ in rows:
                key = (str(seg_arr[r_]), src, dst)
                if key not in allowed_of:
                    allowed_of[key] = _may_overflow(scenario, *key)
                if allowed_of[key]:
                    ok.append(int(r_))
            allowed = float(contacts[ok].sum()) if ok else 0.0
            if allowed <= 0:
                continue
            share = min(1.0, float(moved_contacts) / allowed)
            for r_ in ok:
                over_dest.setdefault(r_, []).append((q_of((dst, skill, str(seg_arr[r_]))), share))
    width = max((len(v) for v in over_dest.values()), default=0)
    over_q = np.zeros((len(sp), max(width, 1)), dtype=int)
    over_cum = np.zeros((len(sp), max(width, 1)), dtype=float)
    for r_, dests in over_dest.items():
        total = 0.0
        for d, (q, share) in enumerate(dests):
            total = min(1.0, total + share)
            over_q[r_, d] = q
            over_cum[r_, d] = total
        over_cum[r_, len(dests) :] = total

    # pools, specialists first: a contact tries the pool holding the fewest skills first
    ow = scenario.simulation.overflow_wait_s
    pool_keys = [(s, p) for s, site in scenario.sites.items() for p in site.pools]
    pool_keys.sort(key=lambda sp_: len(scenario.sites[sp_[0]].pools[sp_[1]].skills))
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
    keep = np.array(
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
    pools = []
    for s, p in pool_keys:
        cfg = scenario.sites[s].pools[p]
        own = [
            (q, cfg.proficiency.get(k, 1.0))
            for q, (qs, k, _) in enumerate(queue_keys)
            if qs == s and k in cfg.skills
        ]
        over = []
        if ow is not None:
            over = [
                (q, cfg.proficiency.get(k, 1.0))
                for q, (qs, k, g) in enumerate(queue_keys)
                if qs != s and k in cfg.skills and _may_overflow(scenario, g, qs, s)
            ]
        pools.append(
            PoolSpec(
                queues=tuple(q for q, _ in own),
                proficiency=tuple(pr for _, pr in own),
                overflow_queues=tuple(q for q, _ in over),
                overflow_proficiency=tuple(pr for _, pr in over),
            )
        )
    queues = tuple(
        QueueSpec(
            channel=channels.index(scenario.skill_channel(k)),
            rank=QUEUE_RANK[scenario.channels[scenario.skill_channel(k)].queue_model],
        )
        for _, k, _ in queue_keys
    )
    network = Network(
        queues=queues,
        pools=tuple(pools),
        max_concurrency=tuple(scenario.channels[c].max_concurrency for c in channels),
        concurrency_aht_factor=tuple(scenario.channels[c].concurrency_aht_factor for c in channels),
        interval_s=ivl,
        overflow_wait_s=ow,
    )
    # (site, skill) pairs of the output table and their pools
    site_skills: list[tuple[str, str]] = []
    ss_index: dict[tuple[str, str], int] = {}
    for s, k in zip(sp["site"], sp["skill"], strict=True):
        if (s, k) not in ss_index:
            ss_index[(s, k)] = len(site_skills)
            site_skills.append((s, k))
    for s, k, _ in queue_keys:
        if (s, k) not in ss_index:
            ss_index[(s, k)] = len(site_skills)
            site_skills.append((s, k))
    ss_pools = np.zeros((len(pool_keys), len(site_skills)))
    for j, (s, k) in enumerate(site_skills):
        for i, (ps, p) in enumerate(pool_keys):
            if ps == s and k in scenario.sites[ps].pools[p].skills:
                ss_pools[i, j] = 1.0
    queue_ss = np.array([ss_index[(s, k)] for s, k, _ in queue_keys], dtype=int)
    row_ss = np.array(
        [ss_index[(s, k)] for s, k in zip(sp["site"], sp["skill"], strict=True)], dtype=int
    )
    return _Model(
        t0=t0,
        n_int=n_int,
        interval_s=ivl,
        network=network,
        queue_keys=queue_keys,
        pool_keys=pool_keys,
        row_interval=row_interval,
        row_queue=row_queue,
        row_contacts=contacts,
        row_aht_s=sp["human_aht_s"].to_numpy(dtype=float),
        row_escalated_rate=esc_rate,
        row_delay_s=delay,
        row_patience_s=patience,
        row_threshold_s=threshold,
        row_segment=np.array([segments.index(g) for g in sp["segment"]], dtype=int),
        row_channel=np.array([channels.index(c) for c in sp["channel"]], dtype=int),
        row_group=row_interval * len(site_skills) + row_ss,
        row_over_queue=over_q,
        row_over_cum=over_cum,
        staff=staff,
        keep_rate=keep,
        site_skills=site_skills,
        ss_pools=ss_pools,
        queue_ss=queue_ss,
        segments=segments,
        channels=channels,
    )


def _threshold_s(scenario: Scenario, channel: str, segment: str) -> float:
    """Answer-within time of one contact: the segment's threshold, or the deadline [s]."""
    ch = scenario.channels[channel]
    target = scenario.segments[segment].target(channel)
    if ch.queue_model == "deferred":
        return float(ch.deadline_h) * S_PER_H  # type: ignore[arg-type]
    return float(target.sl_threshold_s)


def _may_overflow(scenario: Scenario, segment: str, from_site: str, to_site: str) -> bool:
    """Whether the overflow policy and the segment allow from_site's contacts at to_site."""
    if from_site == to_site:
        return True
    src = scenario.sites[from_site].region
    dst_site = scenario.sites[to_site]
    if (src, dst_site.region) not in {tuple(p) for p in scenario.overflow.pairs}:
        return False
    pol = scenario.segments[segment]
    if pol.stay_in_region:
        return False
    if pol.onshore_only and not scenario.region(dst_site.region).onshore:
        return False
    return not (pol.in_house_only and dst_site.outsourced)


# -- one replication -------------------------------------------------------------------------
def _replicate(model: _Model, scenario: Scenario, rng: np.random.Generator) -> dict:
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
    whole = np.floor(model.staff)
    scheduled = (whole + (rng.random(model.staff.shape) < model.staff - whole)).astype(np.int64)
    available = SHRINKAGE_DRAW[cfg.shrinkage_draw](rng, scheduled, model.keep_rate[None, :])
    out = run_events(model.network, arrival, queue, work, patience, np.asarray(available))
    return _count(model, scenario, rows, out, moved, scheduled, available)


def _count(
    model: _Model,
    scenario: Scenario,
    rows: np.ndarray,
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
    met = answered & (out.wait_s <= model.row_threshold_s[rows])

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


def _foreign(model: _Model, rows: np.ndarray, out: Outcome) -> np.ndarray:
    """Answered by a pool of another site than the contact's own (wait-threshold overflow)."""
    pool_site = np.array([s for s, _ in model.pool_keys] + [""], dtype=object)
    q_site = np.array([s for s, _, _ in model.queue_keys], dtype=object)
    return pool_site[out.pool] != q_site[model.row_queue[rows]]


# -- tables ------------------------------------------------------------------------------------
def _kpis(tallies: list[dict], abandoned_in_sl: bool, level: float) -> dict[str, np.ndarray]:
    """Means and half-widths over replications of one tally level."""
    stack = {k: np.stack([t[k] for t in tallies]) for k in tallies[0]}
    den = stack["contacts"] - (0.0 if abandoned_in_sl else stack["abandoned"])
    sl, sl_hw = replication_mean(ratio(stack["met"], den), level)
    asa, asa_hw = replication_mean(ratio(stack["wait_answered_s"], stack["answered"]), level)
    ab, ab_hw = replication_mean(ratio(stack["abandoned"], stack["contacts"]), level)
    done = stack["answered"] + stack["abandoned"]
    wait, wait_hw = replication_mean(ratio(stack["wait_all_s"], done), level)
    out = {k: v.mean(axis=0) for k, v in stack.items()}
    out.update(
        service_level_rate=sl,
        service_level_half_width_rate=sl_hw,
        asa_s=asa,
        asa_half_width_s=asa_hw,
        abandon_rate=ab,
        abandon_half_width_rate=ab_hw,
        wait_s=wait,
        wait_half_width_s=wait_hw,
        missed_target_contacts=(stack["contacts"] - stack["met"]).mean(axis=0),
    )
    return out


def _targets(model: _Model, scenario: Scenario, key: np.ndarray, size: int) -> np.ndarray:
    """Contact-weighted service-level target of the split rows grouped by ``key``."""
    tgt = np.array(
        [
            scenario.segments[model.segments[g]].target(model.channels[c]).sl_target_rate
            for g, c in zip(model.row_segment, model.row_channel, strict=True)
        ]
    )
    w = model.row_contacts
    num = np.bincount(key, weights=w * tgt, minlength=size)
    den = np.bincount(key, weights=w, minlength=size)
    plain = np.bincount(key, weights=tgt, minlength=size) / np.maximum(
        np.bincount(key, minlength=size), 1
    )
    return np.where(den > 0, num / np.where(den > 0, den, 1.0), plain)


def _interval_table(model: _Model, per_rep: list[dict], scenario: Scenario) -> pd.DataFrame:
    level = scenario.simulation.level_rate
    k = _kpis([r["group"] for r in per_rep], scenario.abandoned_in_sl, level)
    n_ss = len(model.site_skills)
    occ = replication_mean(np.stack([ratio(r["busy_s"], r["online_s"]) for r in per_rep]), level)[0]
    backlog = np.mean([r["backlog"] for r in per_rep], axis=0)
    age = np.mean([r["backlog_age_s"] for r in per_rep], axis=0)
    target = _targets(model, scenario, model.row_group, model.n_int * n_ss)
    present = np.unique(model.row_group)
    b, ss = np.divmod(present, n_ss)
    sl = k["service_level_rate"][present]
    step = pd.Timedelta(seconds=model.interval_s)
    table = pd.DataFrame(
        {
            "interval_start": model.t0 + b * step,
            "site": [model.site_skills[j][0] for j in ss],
            "skill": [model.site_skills[j][1] for j in ss],
            "contacts": k["contacts"][present],
            "answered": k["answered"][present],
            "abandoned": k["abandoned"][present],
            "unserved": k["unserved"][present],
            "overflow_out_contacts": k["overflow_out"][present],
            "service_level_rate": sl,
            "service_level_half_width_rate": k["service_level_half_width_rate"][present],
            "asa_s": k["asa_s"][present],
            "asa_half_width_s": k["asa_half_width_s"][present],
            "abandon_rate": k["abandon_rate"][present],
            "abandon_half_width_rate": k["abandon_half_width_rate"][present],
            "occupancy_rate": occ[present],
            "backlog_contacts": backlog[present],
            "backlog_age_s": age[present],
            "sl_target_rate": target[present],
            "meets_target": np.isnan(sl) | (sl >= target[present]),
        }
    )
    table["interval_start"] = pd.to_datetime(table["interval_start"], utc=True).astype(_UTC)
    return table.sort_values(["interval_start", "site", "skill"], kind="mergesort").reset_index(
        drop=True
    )


def _summary_table(model: _Model, per_rep: list[dict], scenario: Scenario) -> pd.DataFrame:
    level = scenario.simulation.level_rate
    parts = []
    for scope, names, key in (
        ("overall", ["all"], np.zeros(len(model.row_segment), dtype=int)),
        ("segment", model.segments, model.row_segment),
        (
            "segment_channel",
            [f"{g}.{c}" for g in model.segments for c in model.channels],
            model.row_segment * len(model.channels) + model.row_channel,
        ),
        ("channel", model.channels, model.row_channel),
    ):
        k = _kpis([r[scope] for r in per_rep], scenario.abandoned_in_sl, level)
        target = _targets(model, scenario, key, len(names))
        parts.append(
            pd.DataFrame(
                {
                    "scope": scope,
                    "name": names,
                    "contacts": k["contacts"],
                    "answered": k["answered"],
                    "abandoned": k["abandoned"],
                    "unserved": k["unserved"],
                    "overflow_out_contacts": k["overflow_out"],
                    "missed_target_contacts": k["missed_target_contacts"],
                    "service_level_rate": k["service_level_rate"],
                    "service_level_half_width_rate": k["service_level_half_width_rate"],
                    "asa_s": k["asa_s"],
                    "asa_half_width_s": k["asa_half_width_s"],
                    "wait_s": k["wait_s"],
                    "wait_half_width_s": k["wait_half_width_s"],
                    "abandon_rate": k["abandon_rate"],
                    "abandon_half_width_rate": k["abandon_half_width_rate"],
                    "sl_target_rate": target,
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    return out[(out["scope"] == "overall") | (out["contacts"] > 0)].reset_index(drop=True)


def _replication_table(per_rep: list[dict], scenario: Scenario) -> pd.DataFrame:
    """Overall figures of each replication (their spread gives the half-widths)."""
    rows = []
    for r, res in enumerate(per_rep):
        t = {k: float(v[0]) for k, v in res["overall"].items()}
        den = t["contacts"] - (0.0 if scenario.abandoned_in_sl else t["abandoned"])
        done = t["answered"] + t["abandoned"]
        rows.append(
            {
                "replication": r,
                "contacts": t["contacts"],
                "answered": t["answered"],
                "abandoned": t["abandoned"],
                "unserved": t["unserved"],
                "service_level_rate": t["met"] / den if den > 0 else np.nan,
                "asa_s": t["wait_answered_s"] / t["answered"] if t["answered"] else np.nan,
                "wait_s": t["wait_all_s"] / done if done else np.nan,
                "abandon_rate": t["abandoned"] / t["contacts"] if t["contacts"] else np.nan,
            }
        )
    return pd.DataFrame(rows)


def _pool_table(model: _Model, per_rep: list[dict]) -> pd.DataFrame:
    busy = np.stack([r["pool_busy_s"] for r in per_rep])
    online = np.stack([r["pool_online_s"] for r in per_rep])
    occ = replication_mean(ratio(busy, online))[0]
    n_int, n_pool = model.staff.shape
    b, p = np.divmod(np.arange(n_int * n_pool), n_pool)
    step = pd.Timedelta(seconds=model.interval_s)
    out = pd.DataFrame(
        {
            "interval_start": pd.to_datetime(model.t0 + b * step, utc=True).astype(_UTC),
            "site": [model.pool_keys[j][0] for j in p],
            "pool": [model.pool_keys[j][1] for j in p],
            "agents_scheduled": np.mean([r["scheduled"] for r in per_rep], axis=0).ravel(),
            "agents_available": np.mean([r["available"] for r in per_rep], axis=0).ravel(),
            "occupancy_rate": occ.ravel(),
        }
    )
    return out.sort_values(["interval_start", "site", "pool"], kind="mergesort").reset_index(
        drop=True
    )


def _notes(scenario: Scenario, model: _Model, table: pd.DataFrame) -> list[str]:
    cfg = scenario.simulation
    sl_rule = (
        "abandoned contacts count in the service-level denominator (as failures)"
        if scenario.abandoned_in_sl
        else "abandoned contacts are left out of the service-level denominator"
    )
    service = (
        "exponential handle times"
        if cfg.service_time == "exponential"
        else f"log-normal handle times (cv {cfg.service_cv:g})"
    )
    notes = [
        f"simulated service level: {sl_rule}; each contact is judged against its own "
        "segment's threshold (deferred work: within deadline_h, wall-clock)",
        f"{cfg.replications} replications, seed {scenario.seed}; Poisson arrivals uniform "
        f"within each interval, {service}, exponential patience where the channel has "
        "patience_s (escalated contacts have already spent escalation_delay_s of it); "
        f"half-widths are {100 * cfg.level_rate:g} % t intervals over replications",
        f"shrinkage removes scheduled agents by a {cfg.shrinkage_draw} draw per interval and pool",
    ]
    short = table[~table["meets_target"]]
    if len(short):
        gap = short["sl_target_rate"] - short["service_level_rate"]
        w = short.loc[gap.idxmax()]
        notes.append(
            f"{len(short)} interval×site×skill rows fall short of their service-level target; "
            f"worst {w['interval_start'].isoformat()} {w['site']} {w['skill']}: "
            f"{w['service_level_rate']:.2f} ± {w['service_level_half_width_rate']:.2f} "
            f"against {w['sl_target_rate']:.2f} ({w['contacts']:.1f} contacts)"
        )
    no_pool = sorted(
        {k for s, k, _ in model.queue_keys}
        - {k for s, site in scenario.sites.items() for p in site.pools.values() for k in p.skills}
    )
    if no_pool:
        notes.append(f"no pool holds skill(s) {', '.join(no_pool)}: their contacts go unanswered")
    return notes
