"""``roster_agents``: named agents on the schedule's shifts (the roster stage).

One CP-SAT roster per site and pool (pools share no agents), then the roster table, the
shifts nobody could take with the rules that stopped each candidate, a summary per agent and
fairness figures per pool.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter

import pandas as pd

from wfm.core.config import Scenario
from wfm.core.people import AGENT_SUMMARY, ROSTER, UNASSIGNED
from wfm.core.results import StageResult
from wfm.core.schemas import TableSchema, order_table
from wfm.roster.build import PoolRoster, default_weights, local_span_utc, pool_problems
from wfm.roster.check import check_roster, person_violations
from wfm.roster.problem import shift_allowed
from wfm.roster.solve import solve_roster
from wfm.roster.summary import agent_summary, combine_solves, total_figures

CHANGE_PENALTY = 200  # per day whose assignment differs from the published roster


def roster_agents(
    schedule: pd.DataFrame,
    agents: pd.DataFrame,
    scenario: Scenario,
    *,
    time_off: pd.DataFrame | None = None,
    preferences: pd.DataFrame | None = None,
    weeks: int = 4,
    rotation_weeks: int = 0,
    published: pd.DataFrame | None = None,
    pinned: frozenset[str] | set[str] = frozenset(),
    change_penalty: int = CHANGE_PENALTY,
    time_limit_s: float | None = None,
    workers: int | None = None,
    seed: int | None = None,
) -> StageResult:
    """Assign named agents to the schedule's shifts over ``weeks`` weeks.

    Parameters
    ----------
    schedule : pandas.DataFrame
        The schedule contract (agents per site, pool, local day and shift).
    agents : pandas.DataFrame
        The agents contract (``wfm.io.people.read_agents``).
    scenario : Scenario
        Sites (time zones), ``shifts.min_rest_h``, breaks (paid or not) and solver settings.
    time_off, preferences : pandas.DataFrame, optional
        The time-off (hard) and preferences (soft) contracts.
    weeks : int
        Roster length [weeks]; the schedule's days repeat when it is shorter.
    rotation_weeks : int
        Each agent's days should repeat every ``rotation_weeks`` weeks (a rotation; each
        agent-day that breaks it costs ``ROTATION_WEIGHT``); 0 = no rotation.
    published : pandas.DataFrame, optional
        A published roster (the roster contract) to re-optimise: each day whose assignment
        changes costs ``change_penalty``.
    pinned : set of str
        Agents whose published days are kept exactly (time off still wins).
    change_penalty : int
        Penalty per changed day (a missing agent-shift costs 1000).
    time_limit_s, workers, seed : optional
        CP-SAT settings per site-pool (default: the scenario's ``[solver]``).

    Returns
    -------
    StageResult
        ``table``: roster; ``tables``: ``unassigned``, ``agent_summary``; ``figures``: per
        pool and overall coverage, fairness, preferences and changes; ``solve``: summed.
    """
    t0 = time.perf_counter()
    limit = float(time_limit_s or scenario.solver.time_limit_s)
    n_workers = int(workers or scenario.solver.num_workers)
    rng_seed = int(scenario.seed if seed is None else seed)
    pools = pool_problems(
        schedule,
        agents,
        scenario,
        weeks=weeks,
        weights=default_weights(change_penalty, rotation=rotation_weeks > 0),
        time_off=time_off,
        preferences=preferences,
        published=published,
        pinned=frozenset(pinned),
        rotation_weeks=rotation_weeks,
    )
    roster, unassigned, summary, figures, solves = [], [], [], {}, []
    notes = _published_notes(published, pools)
    for pr in pools:
        sol = solve_roster(
            pr.problem, time_limit_s=limit, workers=n_workers, seed=rng_seed, hint=_hint(pr)
        )
        check = check_roster(pr.problem, sol.assignment)
        notes += _pool_notes(pr, sol.solve.status, check.violations, limit)
        roster += _roster_rows(pr, sol.assignment)
        unassigned += _unassigned_rows(pr, sol.assignment)
        rows, fig = agent_summary(pr, sol.assignment, preferences)
        summary += rows
        fig["violations"] = len(check.violations)
        fig["status"] = sol.solve.status
        fig["gap_rate"] = sol.solve.gap_rate
        fig["wall_s"] = sol.solve.wall_s
        figures[f"{pr.site}/{pr.pool}"] = fig
        solves.append(sol.solve)
    table = _frame(roster, ROSTER)
    figures["total"] = total_figures(figures)
    return StageResult(
        table=table,
        tables={
            "unassigned": _frame(unassigned, UNASSIGNED),
            "agent_summary": _frame(summary, AGENT_SUMMARY),
        },
        notes=tuple(notes),
        figures=figures,
        solve=combine_solves(solves, n_workers, rng_seed, time.perf_counter() - t0),
    )


def _published_notes(published: pd.DataFrame | None, pools: list[PoolRoster]) -> list[str]:
    """A note when a published roster was given but none of its days lies in the roster's
    (nothing to keep: every day is planned afresh)."""
    if published is None or any(pr.problem.published for pr in pools) or not pools:
        return []
    first = min(pr.first_date for pr in pools)
    last = first + dt.timedelta(days=pools[0].problem.days - 1)
    span = (
        f"{min(published['local_date'])} to {max(published['local_date'])}"
        if len(published)
        else "no rows"
    )
    return [
        f"the published roster ({span}) has no day of this roster's agents from {first} to "
        f"{last}: nothing was kept from it and no change is counted"
    ]


def _frame(rows: list[dict], schema: TableSchema) -> pd.DataFrame:
    """Rows as a contract table with the schema's dtypes (also when there are no rows)."""
    df = pd.DataFrame(rows, columns=list(schema.names))
    for c in schema.columns:
        if c.dtype == "time":
            df[c.name] = pd.to_datetime(df[c.name], utc=True)
        elif c.dtype == "int":
            df[c.name] = df[c.name].astype("int64")
        elif c.dtype == "float":
            df[c.name] = df[c.name].astype(float)
    return order_table(df, schema)


def _hint(pr: PoolRoster) -> dict[tuple[str, int], str] | None:
    pub = {k: v for k, v in pr.problem.published.items() if v is not None}
    return pub or None


def _date(pr: PoolRoster, d: int) -> dt.date:
    return pr.first_date + dt.timedelta(days=d)


def _roster_rows(pr: PoolRoster, assignment: dict) -> list[dict]:
    out = []
    for (agent, d), t in sorted(assignment.items()):
        info = pr.rows[t]
        s = pr.problem.shift(t)
        start, end = local_span_utc(_date(pr, d), s.start_min, s.length_min, pr.tz)
        out.append(
            {
                "agent_id": agent,
                "local_date": _date(pr, d).isoformat(),
                "site": pr.site,
                "pool": pr.pool,
                "shift_start": start,
                "shift_end": end,
                "shift_start_local": info["start"],
                "breaks": info["breaks"] or None,
                "paid_h": info["paid_min"] / 60.0,
            }
        )
    return out


def _reason(pr: PoolRoster, person, d: int, t: str, days: dict[int, str], ctx: dict) -> str:
    """The rule that stops ``person`` taking shift ``t`` on day ``d`` (short name); ``ctx``
    holds the forbidden successions and, per person, the violations before the change."""
    if d in days:
        return "already on another shift that day"
    why = shift_allowed(pr.problem, person, d, pr.problem.shift(t))
    if why:
        return why
    forbidden, before = ctx["forbidden"], ctx["before"]
    if person.id not in before:
        before[person.id] = set(person_violations(pr.problem, person, days, forbidden))
    broken = person_violations(pr.problem, person, {**days, d: t}, forbidden)
    new = [b for b in broken if b not in before[person.id]]
    if not new:
        return "free but left off (solver trade-off or time limit)"
    return new[0].split(" (")[0]


def _unassigned_rows(pr: PoolRoster, assignment: dict) -> list[dict]:
    per: dict[str, dict[int, str]] = {s.id: {} for s in pr.problem.staff}
    have: Counter = Counter()
    for (a, d), t in assignment.items():
        per[a][d] = t
        have[d, t] += 1
    out, ctx = [], {"forbidden": pr.problem.forbidden_successions(), "before": {}}
    for c in pr.problem.cover:
        missing = c.requirement - have[c.day, c.shift]
        if missing <= 0:
            continue
        reasons: Counter = Counter()
        for person in pr.problem.staff:
            if per[person.id].get(c.day) != c.shift:
                reasons[_reason(pr, person, c.day, c.shift, per[person.id], ctx)] += 1
        out.append(
            {
                "site": pr.site,
                "pool": pr.pool,
                "local_date": _date(pr, c.day).isoformat(),
                "shift": c.shift,
                "shift_start_local": pr.rows[c.shift]["start"],
                "required": c.requirement,
                "assigned": have[c.day, c.shift],
                "unassigned": missing,
                "reasons": "; ".join(f"{r}: {n}" for r, n in reasons.most_common())
                or "no candidate agent",
            }
        )
    return out


def _pool_notes(pr, status: str, violations: tuple[str, ...], limit_s: float) -> list[str]:
    """What the planner must know of one site-pool's roster."""
    where = f"{pr.site}/{pr.pool}"
    notes = []
    if not pr.problem.staff:
        notes.append(f"{where}: no agents in the agents file; every shift unassigned")
    if status == "GREEDY":
        notes.append(
            f"{where}: CP-SAT found no better roster in {limit_s:.0f} s than the day-by-day "
            "roster, which is given (every hard rule met, not optimised): raise the time limit"
        )
    if violations:
        notes.append(
            f"{where}: {len(violations)} hard-rule violations: " + "; ".join(violations[:3])
        )
    return notes
