"""Simulation model of a plan: the split, queues and agent grid as arrays, built once.

:func:`build_model` checks the split and pool-agent tables against the scenario, puts them
on one interval grid from the first interval start, gives every split row its queue,
handle time, escalation, patience and answer-within threshold, and assembles the routing
(:mod:`wfm.simulate.routing`) and the agents per pool (:mod:`wfm.simulate.pools`) into the
:class:`PlanModel` every replication reads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wfm.core.calendar import deadline_index, open_mask
from wfm.core.config import Scenario
from wfm.core.errors import InputError
from wfm.core.units import S_PER_H, interval_s
from wfm.simulate.inputs import check_simulation_inputs
from wfm.simulate.kpis import ratio
from wfm.simulate.network import Network
from wfm.simulate.pools import (
    allocated_deferred_cap,
    pool_deferred_cap,
    pool_keep_rate,
    pool_order,
    pool_staff,
)
from wfm.simulate.routing import build_network, overflow_routes, routing_tiers


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanModel:
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
    row_due_s: np.ndarray  # deferred rows: end of the deadline interval [s]; inf past the grid
    row_segment: np.ndarray
    row_channel: np.ndarray
    row_group: np.ndarray  # (interval, site, skill) group
    row_over_queue: np.ndarray  # (rows, D) destination queues
    row_over_cum: np.ndarray  # (rows, D) cumulative shares
    staff: np.ndarray  # (intervals, pools) scheduled agents, float
    keep_rate: np.ndarray  # (pools,) 1 − shrinkage
    deferred_cap: np.ndarray | None  # (intervals, pools) agents on deferred work; None: no cap
    tiers: np.ndarray | None  # (intervals, pools, queues) routing tier, −1: not served
    ai_moved_contacts: float  # expected contacts the schedule moved to AI, not simulated
    site_skills: list[tuple[str, str]]
    ss_pools: np.ndarray  # (pools, site_skills) 0/1: pool at the site holding the skill
    queue_ss: np.ndarray  # (queues,) site-skill of each queue
    segments: list[str]
    channels: list[str]


def build_model(
    split: pd.DataFrame,
    pool_agents: pd.DataFrame,
    scenario: Scenario,
    overflow: pd.DataFrame | None,
    coverage: pd.DataFrame | None = None,
    allocation: pd.DataFrame | None = None,
) -> PlanModel:
    """Check the plan's tables (:func:`wfm.simulate.inputs.check_simulation_inputs`: each
    refusal names the file, line and column) and build the model every replication reads.

    Under ``routing.deferred_work = "allocated"``, the agents of each pool that may work on
    deferred contacts at once are capped per interval by the schedule's allocation
    (:func:`wfm.simulate.pools.allocated_deferred_cap` from ``allocation``, else
    :func:`wfm.simulate.pools.pool_deferred_cap` from ``coverage``; neither: no cap). The
    contacts ``coverage.ai_moved_contacts`` moved to AI are taken out of the human contacts;
    ``allocation`` orders the pools answering each queue (:func:`routing_tiers`).
    """
    check_simulation_inputs(
        split,
        pool_agents,
        scenario,
        overflow=overflow,
        coverage=coverage,
        allocation=allocation,
    )
    ivl = float(interval_s(scenario.interval_min))
    sp = _checked_split(split, pool_agents, scenario)
    times = pd.concat([sp["interval_start"], pool_agents["interval_start"]])
    if times.empty:
        raise InputError("nothing to simulate: split and pool_agents are empty", source="split")
    t0 = times.min()
    step = pd.Timedelta(seconds=ivl)
    n_int = int((times.max() - t0) / step) + 1
    idx = _grid_index(t0, step, scenario.interval_min)
    # queues: (site, skill, segment), own site first; overflow destinations added below
    queue_keys: list[tuple[str, str, str]] = []
    q_of = _queue_numbering(queue_keys)
    sp = sp.sort_values(["interval_start", "site", "channel", "segment"], kind="mergesort")
    sp = sp.reset_index(drop=True)
    row_queue = np.array(
        [q_of((s, k, g)) for s, k, g in zip(sp["site"], sp["skill"], sp["segment"], strict=True)],
        dtype=int,
    )
    row_interval = idx(sp["interval_start"], "split")
    contacts, ai_moved = _without_ai_moved(sp, coverage, row_interval, idx)
    over_q, over_cum = overflow_routes(sp, overflow, row_interval, contacts, scenario, idx, q_of)
    pool_keys = pool_order(scenario)
    staff = pool_staff(pool_agents, pool_keys, n_int, idx)
    cap = None
    if scenario.routing.deferred_work == "allocated":
        if allocation is not None:
            cap = allocated_deferred_cap(allocation, scenario, pool_keys, n_int, idx)
        elif coverage is not None:
            cap = pool_deferred_cap(coverage, scenario, pool_keys, staff, idx)
    segments, channels = list(scenario.segments), list(scenario.channels)
    site_skills, ss_pools, queue_ss, row_ss = _site_skills(sp, queue_keys, pool_keys, scenario)
    return PlanModel(
        t0=t0,
        n_int=n_int,
        interval_s=ivl,
        network=build_network(scenario, queue_keys, pool_keys, channels, ivl),
        queue_keys=queue_keys,
        pool_keys=pool_keys,
        row_interval=row_interval,
        row_queue=row_queue,
        row_contacts=contacts,
        row_aht_s=sp["human_aht_s"].to_numpy(dtype=float),
        **_row_contacts_timing(sp, scenario, contacts),
        row_due_s=_due_s(sp, scenario, row_interval, t0, n_int, ivl),
        row_segment=np.array([segments.index(g) for g in sp["segment"]], dtype=int),
        row_channel=np.array([channels.index(c) for c in sp["channel"]], dtype=int),
        row_group=row_interval * len(site_skills) + row_ss,
        row_over_queue=over_q,
        row_over_cum=over_cum,
        staff=staff,
        keep_rate=pool_keep_rate(scenario, pool_keys),
        deferred_cap=cap,
        tiers=routing_tiers(scenario, queue_keys, pool_keys, n_int, allocation, idx),
        ai_moved_contacts=ai_moved,
        site_skills=site_skills,
        ss_pools=ss_pools,
        queue_ss=queue_ss,
        segments=segments,
        channels=channels,
    )


def _without_ai_moved(
    sp: pd.DataFrame,
    coverage: pd.DataFrame | None,
    row_interval: np.ndarray,
    idx: Callable[[pd.Series, str], np.ndarray],
) -> tuple[np.ndarray, float]:
    """Human contacts per split row after the schedule's moves to AI, and the contacts moved.

    ``coverage.ai_moved_contacts`` of an (interval, site, skill) is taken from its split rows
    in proportion to their human contacts (at most all of them); AI agents answer those
    contacts, so the simulation gives them to no one.
    """
    contacts = sp["human_contacts"].to_numpy(dtype=float)
    if coverage is None or "ai_moved_contacts" not in coverage.columns:
        return contacts, 0.0
    cov = coverage[coverage["ai_moved_contacts"].to_numpy(dtype=float) > 0]
    if cov.empty:
        return contacts, 0.0
    moved = (
        pd.Series(
            cov["ai_moved_contacts"].to_numpy(dtype=float),
            index=pd.MultiIndex.from_arrays(
                [idx(cov["interval_start"], "coverage"), cov["site"], cov["skill"]]
            ),
        )
        .groupby(level=[0, 1, 2])
        .sum()
    )
    key = pd.MultiIndex.from_arrays([row_interval, sp["site"], sp["skill"]])
    per_row_moved = moved.reindex(key).fillna(0.0).to_numpy()
    total = pd.Series(contacts, index=key).groupby(level=[0, 1, 2]).transform("sum").to_numpy()
    keep = np.where(
        total > 0, 1.0 - np.minimum(per_row_moved, total) / np.maximum(total, 1e-12), 1.0
    )
    out = contacts * keep
    return out, float((contacts - out).sum())


def _checked_split(
    split: pd.DataFrame, pool_agents: pd.DataFrame, scenario: Scenario
) -> pd.DataFrame:
    """The split with its site (home site when absent) and skill, after the column checks."""
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
    return sp


def _grid_index(
    t0: pd.Timestamp, step: pd.Timedelta, interval_min: int
) -> Callable[[pd.Series, str], np.ndarray]:
    """``idx(ts, source)``: interval of each timestamp from ``t0``; off-grid times raise."""

    def idx(ts: pd.Series, source: str) -> np.ndarray:
        off = (ts - t0) / step
        k = np.floor(off.to_numpy(dtype=float)).astype(np.int64)
        if (off.to_numpy(dtype=float) != k).any():
            raise InputError(f"interval_start not on the {interval_min}-minute grid", source=source)
        return k

    return idx


def _queue_numbering(
    queue_keys: list[tuple[str, str, str]],
) -> Callable[[tuple[str, str, str]], int]:
    """``q_of(key)``: number of queue (site, skill, segment), appended to ``queue_keys`` if new."""
    qindex: dict[tuple[str, str, str], int] = {}

    def q_of(key: tuple[str, str, str]) -> int:
        if key not in qindex:
            qindex[key] = len(queue_keys)
            queue_keys.append(key)
        return qindex[key]

    return q_of


def _row_contacts_timing(
    sp: pd.DataFrame, scenario: Scenario, contacts: np.ndarray
) -> dict[str, np.ndarray]:
    """Escalated share, escalation delay [s], mean patience [s] and threshold [s] per row."""
    esc = sp["escalated"].to_numpy(dtype=float) if "escalated" in sp else np.zeros(len(sp))
    esc_rate = np.clip(ratio(esc, contacts), 0.0, 1.0)
    esc_rate = np.nan_to_num(esc_rate, nan=0.0)
    if "escalation_delay_s" in sp:  # averaged over the row's human contacts: per escalation
        mean_delay = sp["escalation_delay_s"].to_numpy(dtype=float)
        delay = np.divide(mean_delay, esc_rate, out=np.zeros(len(sp)), where=esc_rate > 0)
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
    return {
        "row_escalated_rate": esc_rate,
        "row_delay_s": delay,
        "row_patience_s": patience,
        "row_threshold_s": threshold,
    }


def _site_skills(
    sp: pd.DataFrame,
    queue_keys: list[tuple[str, str, str]],
    pool_keys: list[tuple[str, str]],
    scenario: Scenario,
) -> tuple[list[tuple[str, str]], np.ndarray, np.ndarray, np.ndarray]:
    """(site, skill) pairs of the output table, their pools, and the pair of each queue and row."""
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
    return site_skills, ss_pools, queue_ss, row_ss


def _threshold_s(scenario: Scenario, channel: str, segment: str) -> float:
    """Answer-within time of one contact: the segment's threshold, or the deadline [s]."""
    ch = scenario.channels[channel]
    target = scenario.segments[segment].target(channel)
    if ch.queue_model == "deferred":
        return float(ch.deadline_h) * S_PER_H  # type: ignore[arg-type]
    return float(target.sl_threshold_s)


def _due_s(
    sp: pd.DataFrame,
    scenario: Scenario,
    row_interval: np.ndarray,
    t0: pd.Timestamp,
    n_int: int,
    ivl: float,
) -> np.ndarray:
    """Deadline of deferred rows: the end of the interval by which ``deadline_h`` opening hours
    of the row's site have passed since the start of its arrival interval [s from the first
    interval]; ``inf`` when that falls after the simulated grid, NaN for other channels.

    The same clock as the staffing stage (:func:`wfm.core.calendar.deadline_index`).
    """
    out = np.full(len(sp), np.nan)
    grid = pd.date_range(t0, periods=n_int, freq=pd.Timedelta(seconds=ivl))
    deadline_h = {
        c: cfg.deadline_h
        for c, cfg in scenario.channels.items()
        if cfg.queue_model == "deferred" and cfg.deadline_h is not None
    }
    for (site, channel), rows in sp.groupby(["site", "channel"]).indices.items():
        if channel not in deadline_h:
            continue
        flags = open_mask(grid, scenario.sites[site], scenario.interval_min)
        due = deadline_index(flags, scenario.interval_min, deadline_h[channel])
        d = due[row_interval[rows]]
        out[rows] = np.where(d >= 0, (d + 1) * ivl, np.inf)
    return out
