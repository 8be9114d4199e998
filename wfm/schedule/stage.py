"""Stage entry: requirements → shifts per site and pool, overflow between regions, coverage.

``schedule_shifts`` turns the REQUIREMENTS table into the arrays of
:class:`wfm.schedule.model.Problem` (shift patterns per site-local day, pools with their
skills, gross requirement per site and skill, overflow arcs priced through the queue model),
solves it, and returns the SCHEDULE table with the coverage, overflow, pool_agents and cost
side tables and the solver outcome.
"""

from __future__ import annotations

import datetime as dt
import logging

import numpy as np
import pandas as pd

from wfm.core.calendar import local_dates, open_mask
from wfm.core.config import Scenario
from wfm.core.errors import InfeasibleError
from wfm.core.results import SolveResult, StageResult
from wfm.core.schemas import COVERAGE, OVERFLOW, POOL_AGENTS, SCHEDULE, order_table
from wfm.core.units import S_PER_MIN
from wfm.schedule.model import (
    AiMove,
    Arc,
    PatternColumn,
    PoolSpec,
    Problem,
    Receiver,
    Solution,
)
from wfm.schedule.optimiser import solve
from wfm.schedule.overflow import (
    calibrate,
    marginal_agents,
    overflow_arcs,
    receiver_line_tabled,
    skill_target,
)
from wfm.schedule.templates import Pattern, shift_templates, site_patterns

log = logging.getLogger(__name__)

_MIN_PER_H = 60.0


def schedule_shifts(requirements: pd.DataFrame, scenario: Scenario) -> StageResult:
    """Choose shifts per site and pool and route overflow at least cost.

    Parameters
    ----------
    requirements : pandas.DataFrame
        REQUIREMENTS table: per UTC ``interval_start``, ``site`` and ``skill`` the gross
        on-queue agents ``agents_required_gross`` (shrinkage without the breaks placed here),
        net ``agents_required``, ``contacts`` and ``aht_s``.
    scenario : Scenario
        Sites, pools, shift rules, overflow policy, solver settings and seed.

    Returns
    -------
    StageResult
        ``table``: SCHEDULE (agents per site, pool, local day and shift with its breaks);
        ``tables``: ``coverage`` (COVERAGE), ``overflow``, ``pool_agents`` and ``cost``;
        ``solve``: status, objective, best bound (LP relaxation), gap, wall time, workers,
        seed; ``notes``: shortfall and approximations a planner must see.

    Raises
    ------
    InfeasibleError
        A hard rule cannot be met (no template fits a site's opening hours, headcount below
        ``min_agents_on_queue``, weekly rules); the message names the rule, site and time.

    Notes
    -----
    The model, its objective and constraints are in :mod:`wfm.schedule.model`; the pricing
    of overflow through the queue model in :mod:`wfm.schedule.overflow`.
    """
    req = requirements.sort_values(["interval_start", "site", "skill"], kind="mergesort")
    interval_min = scenario.interval_min
    grid = _grid(req, interval_min)
    n = len(grid)
    notes: list[str] = []
    pools, columns, patterns = _pools_and_columns(scenario, grid, interval_min)
    need, rows = _need(req, grid)
    for (site, skill), arr in sorted(need.items()):
        holders = [p for p in pools if p.site == site and skill in p.skills]
        if not holders and arr.sum() > 0:
            notes.append(
                f"site {site} has a requirement for skill {skill} but no pool holding "
                "it; it can only be met by overflow or stays short"
            )
    arcs, receivers = _arcs(scenario, rows, grid)
    ai_moves, ai_per_contact, ai_free = _ai_moves(scenario, rows, n, notes)
    masks = {s: open_mask(grid, cfg, interval_min) for s, cfg in scenario.sites.items()}
    _check_minimum(scenario, pools, columns, masks, grid)
    problem = Problem(
        n_intervals=n,
        interval_min=interval_min,
        pools=tuple(pools),
        columns=tuple(columns),
        need=need,
        open_mask=masks,
        arcs=tuple(arcs),
        receivers=receivers,
        max_days_per_week=scenario.shifts.max_days_per_week,
        max_h_per_week=scenario.shifts.max_h_per_week,
        min_rest_min=scenario.shifts.min_rest_h * _MIN_PER_H,
        min_agents_on_queue=scenario.shifts.min_agents_on_queue,
        horizon_days=max(1, round(n * interval_min / (24 * _MIN_PER_H))),
        shortfall_cost=scenario.solver.shortfall_cost_per_h,
        overstaff_cost=scenario.solver.overstaff_cost_per_h,
        overflow_cost_per_contact=scenario.overflow.cost_per_contact,
        ai_moves=tuple(ai_moves),
        ai_sessions_per_contact=ai_per_contact,
        ai_free_sessions=ai_free,
    )
    sol = solve(problem, scenario.solver, scenario.seed)
    schedule = _schedule_table(sol, problem, patterns)
    coverage = _coverage_table(sol, problem, grid, rows)
    overflow = _overflow_table(sol, problem, grid)
    pool_agents = _pool_agents_table(sol, problem, grid)
    cost = _cost_table(sol, problem, scenario)
    short_h = float(sum(a.sum() for a in sol.shortfall.values())) * interval_min / _MIN_PER_H
    if short_h > 1e-6:
        worst = coverage.sort_values("agents_gap", kind="mergesort").iloc[0]
        notes.append(
            f"shortfall of {short_h:.1f} agent-hours in total; worst interval "
            f"{worst['interval_start'].isoformat()} at {worst['site']} skill {worst['skill']}: "
            f"{-worst['agents_gap']:.1f} agents short"
        )
    if arcs:
        notes.append(
            "overflow priced conservatively: savings at the origin by the tangent of "
            "the square-root staffing form calibrated on each requirement row, agents "
            "at the receiving site from a tabled Erlang C requirement with a fixed "
            "charge (see docs/schedule.md)"
        )
    detail = dict(sol.detail)
    detail["shortfall_agent_h"] = round(short_h, 6)
    result = SolveResult(
        status=sol.status,
        objective=sol.objective,
        best_bound=sol.best_bound,
        gap_rate=(sol.objective - sol.best_bound) / max(abs(sol.objective), 1e-9),
        wall_s=sol.wall_s,
        num_workers=scenario.solver.num_workers,
        seed=scenario.seed,
        solver=sol.solver,
        detail=detail,
    )
    figures = {
        "paid_h": float(sum(c.paid_h * k for c, k in zip(columns, sol.counts, strict=True))),
        "shortfall_agent_h": short_h,
        "overflow_contacts": float(overflow["contacts"].sum()) if len(overflow) else 0.0,
        "shifts": int(sol.counts.sum()),
        "objective": sol.objective,
        "gap_rate": result.gap_rate,
    }
    return StageResult(
        table=schedule,
        tables={
            "coverage": coverage,
            "overflow": overflow,
            "pool_agents": pool_agents,
            "cost": cost,
        },
        notes=tuple(notes),
        figures=figures,
        solve=result,
    )


# -- inputs -----------------------------------------------------------------------------------
def _grid(req: pd.DataFrame, interval_min: int) -> pd.DatetimeIndex:
    if req.empty:
        raise InfeasibleError(
            "rule 'requirements': the requirements table is empty; nothing to schedule"
        )
    first, last = req["interval_start"].min(), req["interval_start"].max()
    return pd.date_range(first, last, freq=f"{interval_min}min", name="interval_start")


def _pools_and_columns(scenario: Scenario, grid: pd.DatetimeIndex, interval_min: int):
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


def _need(req: pd.DataFrame, grid: pd.DatetimeIndex):
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


def _arcs(scenario: Scenario, rows: dict, grid: pd.DatetimeIndex):
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
        price, save = _origin_savings(scenario, r, from_site, skill)
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
                base, cap_total[live] * epc, aht, skill_target(scenario, skill)
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


def _ai_moves(scenario: Scenario, rows: dict, n: int, notes: list[str]):
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


def _check_minimum(
    scenario: Scenario,
    pools: list[PoolSpec],
    columns: list[PatternColumn],
    masks: dict[str, np.ndarray],
    grid: pd.DatetimeIndex,
) -> None:
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
def _schedule_table(sol: Solution, problem: Problem, patterns: list[Pattern]) -> pd.DataFrame:
    recs = []
    for j in np.flatnonzero(sol.counts > 0):
        col, pat = problem.columns[j], patterns[j]
        pool = problem.pools[col.pool]
        t = pat.template
        recs.append(
            {
                "site": pool.site,
                "pool": pool.name,
                "local_date": pat.local_date.isoformat(),
                "shift": t.name,
                "shift_start_local": f"{t.start_min // 60:02d}:{t.start_min % 60:02d}",
                "shift_length_min": int(t.length_min),
                "breaks": t.breaks_text(),
                "agents": int(sol.counts[j]),
                "shift_start": pat.start_utc,
                "paid_h": t.paid_min / _MIN_PER_H,
            }
        )
    df = pd.DataFrame(recs, columns=list(SCHEDULE.names) + ["shift_start", "paid_h"])
    df = df.astype({"shift_length_min": "int64", "agents": "int64", "paid_h": float})
    return order_table(df, SCHEDULE)


def _coverage_table(
    sol: Solution, problem: Problem, grid: pd.DatetimeIndex, rows: dict
) -> pd.DataFrame:
    n = len(grid)
    out_in: dict[tuple[str, str], np.ndarray] = {}
    out_out: dict[tuple[str, str], np.ndarray] = {}
    for a_idx, f in sol.flows.items():
        arc = problem.arcs[a_idx]
        out_out.setdefault((arc.from_site, arc.skill), np.zeros(n))
        out_out[(arc.from_site, arc.skill)] += f
        out_in.setdefault((arc.to_site, arc.skill), np.zeros(n))
        out_in[(arc.to_site, arc.skill)] += f
    zero = np.zeros(n)
    ai: dict[tuple[str, str], np.ndarray] = {}
    for m_idx, a in sol.ai_contacts.items():
        move = problem.ai_moves[m_idx]
        ai[(move.site, move.skill)] = ai.get((move.site, move.skill), zero) + a
    keys = sorted(set(rows) | set(sol.allocated) | set(out_in))
    frames = []
    for site, skill in keys:
        sched = sol.allocated.get((site, skill), zero)
        required = sol.required.get((site, skill), zero)
        frames.append(
            pd.DataFrame(
                {
                    "interval_start": grid,
                    "site": site,
                    "skill": skill,
                    "agents_scheduled": np.clip(sched, 0.0, None),
                    "agents_required": required,
                    "agents_gap": sched - required,
                    "overflow_in_contacts": np.clip(out_in.get((site, skill), zero), 0.0, None),
                    "overflow_out_contacts": np.clip(out_out.get((site, skill), zero), 0.0, None),
                    "shortfall_agents": sol.shortfall.get((site, skill), zero),
                    "ai_moved_contacts": ai.get((site, skill), zero),
                }
            )
        )
    df = pd.concat(frames, ignore_index=True)
    return order_table(df, COVERAGE)


def _overflow_table(sol: Solution, problem: Problem, grid: pd.DatetimeIndex) -> pd.DataFrame:
    frames = []
    for a_idx, f in sol.flows.items():
        arc = problem.arcs[a_idx]
        keep = f > 1e-6
        if keep.any():
            frames.append(
                pd.DataFrame(
                    {
                        "interval_start": grid[keep],
                        "skill": arc.skill,
                        "from_site": arc.from_site,
                        "to_site": arc.to_site,
                        "contacts": f[keep],
                    }
                )
            )
    if not frames:
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in OVERFLOW.names})
        empty["interval_start"] = pd.Series(dtype="datetime64[ns, UTC]")
        empty["contacts"] = pd.Series(dtype=float)
        return empty
    return order_table(pd.concat(frames, ignore_index=True), OVERFLOW)


def _pool_agents_table(sol: Solution, problem: Problem, grid: pd.DatetimeIndex) -> pd.DataFrame:
    frames = [
        pd.DataFrame(
            {
                "interval_start": grid,
                "site": pool.site,
                "pool": pool.name,
                "agents": sol.on_queue[p],
            }
        )
        for p, pool in enumerate(problem.pools)
    ]
    return order_table(pd.concat(frames, ignore_index=True), POOL_AGENTS)


def _cost_table(sol: Solution, problem: Problem, scenario: Scenario) -> pd.DataFrame:
    step_h = problem.interval_min / _MIN_PER_H
    recs = []
    for site in scenario.sites:
        paid_h = sum(
            c.paid_h * k
            for c, k in zip(problem.columns, sol.counts, strict=True)
            if problem.pools[c.pool].site == site
        )
        recs.append(
            {
                "site": site,
                "item": "labour",
                "quantity": paid_h,
                "unit": "agent_h",
                "cost": paid_h * scenario.sites[site].cost_per_h,
            }
        )
        short = sum(a.sum() for (s, _), a in sol.shortfall.items() if s == site) * step_h
        recs.append(
            {
                "site": site,
                "item": "shortfall_penalty",
                "quantity": short,
                "unit": "agent_h",
                "cost": short * problem.shortfall_cost,
            }
        )
        over = sum(a.sum() for (s, _), a in sol.surplus.items() if s == site) * step_h
        recs.append(
            {
                "site": site,
                "item": "overstaff_penalty",
                "quantity": over,
                "unit": "agent_h",
                "cost": over * problem.overstaff_cost,
            }
        )
        moved = sum(f.sum() for a, f in sol.flows.items() if problem.arcs[a].from_site == site)
        recs.append(
            {
                "site": site,
                "item": "overflow",
                "quantity": moved,
                "unit": "contacts",
                "cost": moved * problem.overflow_cost_per_contact,
            }
        )
        ai_n = sum(a.sum() for m, a in sol.ai_contacts.items() if problem.ai_moves[m].site == site)
        ai_cost = sum(
            (a * problem.ai_moves[m].cost_per_contact).sum()
            for m, a in sol.ai_contacts.items()
            if problem.ai_moves[m].site == site
        )
        recs.append(
            {"site": site, "item": "ai", "quantity": ai_n, "unit": "contacts", "cost": ai_cost}
        )
    df = pd.DataFrame(recs)
    total = pd.DataFrame(
        [{"site": "all", "item": "total", "quantity": np.nan, "unit": "", "cost": df["cost"].sum()}]
    )
    return pd.concat([df, total], ignore_index=True)
