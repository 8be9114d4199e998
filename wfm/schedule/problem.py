"""The optimisation problem of one plan, built from the requirements table: the time grid,
pools and shift-pattern columns, gross need per site and skill, overflow arcs priced through
the queue model, contacts that may still go to AI, and the hard minimum on queue."""

from __future__ import annotations

import datetime as dt
import logging

import numpy as np
import pandas as pd

from wfm.core.calendar import local_dates
from wfm.core.config import Scenario
from wfm.core.errors import InfeasibleError
from wfm.core.units import S_PER_MIN
from wfm.schedule.overflow import (
    calibrate,
    marginal_agents,
    origin_line_tabled,
    overflow_arcs,
    receiver_line_tabled,
)
from wfm.schedule.patterns import Pattern, site_patterns
from wfm.schedule.problem_data import AiMove, Arc, PatternColumn, PoolSpec, Receiver
from wfm.schedule.templates import shift_templates

log = logging.getLogger(__name__)

_MIN_PER_H = 60.0


def requirement_grid(req: pd.DataFrame, interval_min: int) -> pd.DatetimeIndex:
    """The UTC interval grid from the first to the last requirement row."""
    if req.empty:
        raise InfeasibleError(
            "rule 'requirements': the requirements table is empty; nothing to schedule"
        )
    first, last = req["interval_start"].min(), req["interval_start"].max()
    return pd.date_range(first, last, freq=f"{interval_min}min", name="interval_start")


def pools_and_columns(scenario: Scenario, grid: pd.DatetimeIndex, interval_min: int):
    """Pools, their pattern columns and the shift patterns on each site-local day."""
    templates = shift_templates(scenario.shifts, interval_min)
    pools: list[PoolSpec] = []
    columns: list[PatternColumn] = []
    patterns: list[Pattern] = []
    grid_start = grid[0]
    site_days: dict[str, list[dt.date]] = {
        name: sorted(set(local_dates(grid, site.tz))) for name, site in scenario.sites.items()
    }
    first_day = min(days[0] for days in site_days.values())
    for name, site in scenario.sites.items():
        if not site.pools:
            continue
        pats = site_patterns(site, templates, site_days[name], grid_start, len(grid), interval_min)
        for pool in site.pools.values():
            p = len(pools)
            pools.append(
                PoolSpec(
                    site=name,
                    name=pool.name,
                    skills=tuple(pool.skills),
                    proficiency=tuple(pool.proficiency.get(k, 1.0) for k in pool.skills),
                    headcount=pool.headcount,
                    cost_per_h=site.cost_per_h,
                )
            )
            if pool.headcount == 0:
                continue
            for pat in pats:
                start_min = (pat.start_utc - grid_start).total_seconds() / 60.0
                columns.append(
                    PatternColumn(
                        pool=p,
                        day=(pat.local_date - first_day).days,
                        intervals=pat.intervals,
                        on_queue_rate=pat.on_queue_rate,
                        paid_h=pat.template.paid_min / _MIN_PER_H,
                        start_min=start_min,
                        end_min=start_min + pat.template.length_min,
                    )
                )
                patterns.append(pat)
    return pools, columns, patterns


def build_need(req: pd.DataFrame, grid: pd.DatetimeIndex):
    """Gross requirement per (site, skill) on the grid, and the requirement rows' columns."""
    idx = grid.get_indexer(req["interval_start"])
    need: dict[tuple[str, str], np.ndarray] = {}
    rows: dict[tuple[str, str], dict[str, np.ndarray]] = {}
    n = len(grid)
    cols = {
        c: req[c].to_numpy(dtype=float)
        for c in (
            "agents_required_gross",
            "agents_required",
            "contacts",
            "aht_s",
            "ai_movable_contacts",
            "ai_sessions_used",
        )
        if c in req
    }
    for (site, skill), pos in req.groupby(["site", "skill"], sort=True).indices.items():
        at = idx[pos]
        arrays = {}
        for c, values in cols.items():
            arr = np.zeros(n)
            arr[at] = values[pos]
            arrays[c] = arr
        need[(site, skill)] = arrays["agents_required_gross"]
        rows[(site, skill)] = arrays
    return need, rows


def build_arcs(scenario: Scenario, rows: dict, grid: pd.DatetimeIndex):
    """Overflow arcs the policy allows, priced through the queue model, and the receivers."""
    n = len(grid)
    if not {"contacts", "aht_s"} <= set(next(iter(rows.values()), {})):
        return [], {}
    origins: dict[str, set[str]] = {}
    for (site, skill), arr in rows.items():
        if scenario.sites.get(site) is not None and arr["contacts"].sum() > 0:
            origins.setdefault(site, set()).add(skill)
    arcs: list[Arc] = []
    incoming: dict[
        tuple[str, str], list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]]
    ] = {}
    for skill, from_site, to_site in overflow_arcs(scenario, origins):
        r = rows[(from_site, skill)]
        price, save = _overflow_savings(scenario, r, from_site, skill)
        cap = scenario.overflow.max_overflow_rate * r["contacts"]
        cap = np.where(np.isfinite(save), cap, 0.0)
        save = np.where(np.isfinite(save), save, 0.0)
        arcs.append(
            Arc(
                skill=skill,
                from_site=from_site,
                to_site=to_site,
                cap_contacts=cap,
                save_agents_per_contact=save,
            )
        )
        incoming.setdefault((to_site, skill), []).append(
            (cap, price.erlangs_per_contact, price.beta, price.linear_agents_per_contact)
        )
    receivers: dict[tuple[str, str], Receiver] = {}
    for (to_site, skill), srcs in incoming.items():
        channel = scenario.skill_channel(skill)
        ch = scenario.channels[channel]
        ratio = 1.0 / (1.0 - scenario.shrinkage_rate(to_site, channel))
        own = rows.get((to_site, skill))
        own_price = None
        if own is not None:
            own_price = calibrate(
                own["contacts"],
                own["aht_s"],
                own["agents_required"],
                scenario.interval_min,
                queue_model=ch.queue_model,
                max_concurrency=ch.max_concurrency,
            )
        cap_total = np.sum([s[0] for s in srcs], axis=0)
        fixed, per_contact = np.zeros(n), np.zeros(n)
        live = np.flatnonzero(cap_total > 0)
        w = np.array([s[0][live] for s in srcs])
        epc = np.sum(w * np.array([s[1][live] for s in srcs]), axis=0) / w.sum(axis=0)
        if ch.queue_model == "deferred":
            linear = np.max([s[3][live] for s in srcs if s[3] is not None], axis=0)
            per_contact[live] = linear * ratio
        else:
            base = own_price.load_erlangs[live] if own_price is not None else np.zeros(len(live))
            conc = max(ch.max_concurrency, 1)
            aht = epc * scenario.interval_min * S_PER_MIN * conc
            a, m = receiver_line_tabled(
                base, cap_total[live] * epc, aht, scenario.skill_target(skill)
            )
            fixed[live], per_contact[live] = a * ratio, m * epc * ratio
        receivers[(to_site, skill)] = Receiver(
            fixed_agents=fixed, agents_per_contact=per_contact, cap_contacts=cap_total
        )
    return arcs, receivers


def _origin_savings(scenario: Scenario, r: dict[str, np.ndarray], site: str, skill: str):
    """Queue-model pricing of a row set and the gross agents one contact sent away saves."""
    channel = scenario.skill_channel(skill)
    ch = scenario.channels[channel]
    price = calibrate(
        r["contacts"],
        r["aht_s"],
        r["agents_required"],
        scenario.interval_min,
        queue_model=ch.queue_model,
        max_concurrency=ch.max_concurrency,
    )
    shrink = scenario.shrinkage_rate(site, channel)
    net = r["agents_required"]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(
            net > 0, r["agents_required_gross"] / np.where(net > 0, net, 1.0), 1.0 / (1.0 - shrink)
        )
    if price.linear_agents_per_contact is not None:
        save = price.linear_agents_per_contact * ratio
    else:
        slope = marginal_agents(price.load_erlangs, price.beta)
        save = np.where(price.load_erlangs > 0, slope * price.erlangs_per_contact, 0.0) * ratio
    return price, np.where(np.isfinite(save), save, 0.0)


def _overflow_savings(scenario: Scenario, r: dict[str, np.ndarray], site: str, skill: str):
    """Gross agents one contact overflowed saves at the origin, tabled on the exact Erlang C
    need over the allowed overflow range (``origin_line_tabled``), so the sending site's
    priced requirement never falls below its queue need at the table points."""
    price, save = _origin_savings(scenario, r, site, skill)
    if price.linear_agents_per_contact is not None:
        return price, save
    channel = scenario.skill_channel(skill)
    ch = scenario.channels[channel]
    net = r["agents_required"]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(
            net > 0,
            r["agents_required_gross"] / np.where(net > 0, net, 1.0),
            1.0 / (1.0 - scenario.shrinkage_rate(site, channel)),
        )
    epc = price.erlangs_per_contact
    per_erlang = origin_line_tabled(
        price.load_erlangs,
        scenario.overflow.max_overflow_rate * price.load_erlangs,
        epc * scenario.interval_min * S_PER_MIN * max(ch.max_concurrency, 1),
        scenario.skill_target(skill),
    )
    save = per_erlang * epc * ratio
    return price, np.where(np.isfinite(save), save, 0.0)


def build_ai_moves(scenario: Scenario, rows: dict, n: int, notes: list[str]):
    """Contacts the model may still hand to AI (requirements column ``ai_movable_contacts``)."""
    moves: list[AiMove] = []
    free: dict[str, np.ndarray] = {}
    per_contact: dict[str, float] = {}
    for (site, skill), r in sorted(rows.items()):
        movable = r.get("ai_movable_contacts")
        if movable is None or not (movable > 0).any():
            continue
        channel = scenario.skill_channel(skill)
        segments = [
            seg
            for seg in scenario.segments.values()
            if channel in seg.channels and scenario.skill_for(channel, seg.name) == skill
        ]
        if any(seg.must_reach_human for seg in segments):
            continue
        cost = max(seg.ai_policy(channel).cost_per_ai_contact for seg in segments)
        _, save = _origin_savings(scenario, r, site, skill)
        cap = np.where(save > 0, movable, 0.0)
        moves.append(
            AiMove(
                site=site,
                skill=skill,
                channel=channel,
                cap_contacts=cap,
                save_agents_per_contact=save,
                cost_per_contact=cost,
            )
        )
        if channel in scenario.ai_capacity and channel not in free:
            acfg = scenario.ai_capacity[channel]
            per_contact[channel] = acfg.ai_aht_s / (scenario.interval_min * S_PER_MIN)
            used = np.zeros(n)
            for (_, k), rr in rows.items():
                if scenario.skill_channel(k) == channel and "ai_sessions_used" in rr:
                    used = np.maximum(used, rr["ai_sessions_used"])
            free[channel] = acfg.max_sessions - used
    if moves:
        notes.append(
            "contacts may move to AI agents within ai_movable_contacts and AI "
            "capacity, at each segment's cost_per_ai_contact"
        )
    return moves, per_contact, free


def check_minimum_on_queue(
    scenario: Scenario,
    pools: list[PoolSpec],
    columns: list[PatternColumn],
    masks: dict[str, np.ndarray],
    grid: pd.DatetimeIndex,
) -> None:
    """Refuse (InfeasibleError) a site whose pools cannot hold ``min_agents_on_queue``."""
    minimum = scenario.shifts.min_agents_on_queue
    if minimum <= 0:
        return
    for site, mask in masks.items():
        if not mask.any():
            continue
        heads = sum(p.headcount for p in pools if p.site == site)
        first = grid[int(np.flatnonzero(mask)[0])]
        if heads < minimum:
            raise InfeasibleError(
                f"rule 'min_agents_on_queue': site {site!r} employs {heads} agents but needs "
                f"{minimum} on queue while open (first open interval {first.isoformat()})"
            )
        site_pools = {i for i, p in enumerate(pools) if p.site == site}
        covered = np.zeros(len(grid), dtype=bool)
        for col in columns:
            if col.pool in site_pools:
                covered[col.intervals] = True
        gap = mask & ~covered
        if gap.any():
            at = grid[int(np.flatnonzero(gap)[0])]
            local = at.tz_convert(scenario.sites[site].tz)
            raise InfeasibleError(
                f"rule 'min_agents_on_queue': no shift template covers site {site!r} at "
                f"{local.isoformat()} while it is open; {minimum} agents must be on queue"
            )


# -- outputs ----------------------------------------------------------------------------------
