"""First half of the decomposed roster of a large pool: which days each person works.

A CP-SAT model over ``w[p, d]`` only (people × days, no shift types): every day-level hard rule
exactly (days per week, consecutive days, minimum runs, weekends, whole days off, pinned days)
and the day-level soft terms exactly (days off in pairs, day-off requests, fair weekends,
changes of worked/off against a published roster, worked/off against the same day a rotation
earlier). Two terms are approximated: cover is
counted per day (people working against the day's agent-shifts) instead of per shift, and a
worked day counts the day's mean paid minutes of the schedule towards the contract minimum.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from wfm.roster.model import (
    isolated_days_off,
    max_weekends_rule,
    spread,
    weekend_var,
    work_day_rules,
)
from wfm.roster.problem import RosterProblem, shift_allowed


def day_need(pb: RosterProblem) -> tuple[list[int], list[int], list[int], list[int]]:
    """Per day: agent-shifts asked, weight under, weight over, mean paid minutes of a slot."""
    need, under, over, paid = [], [], [], []
    by_id = {s.id: s for s in pb.shifts}
    mean_all = round(sum(s.paid_min for s in pb.shifts) / max(1, len(pb.shifts)))
    for d in range(pb.days):
        lines = [c for c in pb.cover if c.day == d]
        req = sum(c.requirement for c in lines)
        need.append(req)
        under.append(max((c.weight_under for c in lines), default=0))
        over.append(min((c.weight_over for c in lines), default=0))
        minutes = sum(c.requirement * by_id[c.shift].paid_min for c in lines)
        paid.append(round(minutes / req) if req else mean_all)
    return need, under, over, paid


def _open_days(pb: RosterProblem) -> dict[tuple[int, int], bool]:
    """(person, day) → some shift type is statically allowed (pinned days keep theirs)."""
    out = {}
    by_id = {s.id: s for s in pb.shifts}
    for p, person in enumerate(pb.staff):
        for d in range(pb.days):
            if (person.id, d) in pb.pinned:
                t = pb.published.get((person.id, d))
                out[p, d] = t in by_id and not shift_allowed(pb, person, d, by_id[t])
            else:
                out[p, d] = any(not shift_allowed(pb, person, d, s) for s in pb.shifts)
    return out


def _rules(m, w, pb: RosterProblem, p: int, weekends: list[list[int]]) -> list:
    """Day-level hard rules of person ``p``; returns the person's weekend indicators."""
    work_day_rules(m, w, pb, p)
    ends = [weekend_var(m, w, p, we) for we in weekends]
    max_weekends_rule(m, pb, p, ends)
    return ends


def _soft(m, w, pb: RosterProblem, p: int, paid: list[int], terms: list) -> int:
    """Day-level soft terms of person ``p`` (appended to ``terms``); returns a constant."""
    person, wt, const = pb.staff[p], pb.weights, 0
    if wt.isolated_day_off:
        worked = [w[p, d] for d in range(pb.days)]
        terms += [(wt.isolated_day_off, iso) for _, iso in isolated_days_off(m, worked, f"iso_{p}")]
    lo = person.contract.min_total_min or 0
    if lo and wt.short_per_min:
        short = m.new_int_var(0, lo, f"short_{p}")
        m.add(sum(paid[d] * w[p, d] for d in range(pb.days)) + short >= lo)
        terms.append((wt.short_per_min, short))
    for r in pb.requests:
        if r.staff == person.id and r.shift is None and r.weight:
            if r.on:
                const += r.weight
                terms.append((-r.weight, w[p, r.day]))
            else:
                terms.append((r.weight, w[p, r.day]))
    n = pb.rotation_days
    if n > 0 and wt.rotation:  # worked against off the same day a rotation earlier
        for d in range(n, pb.days):
            dev = m.new_bool_var(f"rot_{p}_{d}")
            m.add(dev >= w[p, d] - w[p, d - n])
            m.add(dev >= w[p, d - n] - w[p, d])
            terms.append((wt.rotation, dev))
    for d in range(pb.days):
        key = (person.id, d)
        if wt.change and key in pb.published and key not in pb.pinned:
            was = pb.published[key] is not None
            const += wt.change
            terms.append((-wt.change, w[p, d] if was else w[p, d].Not()))
    return const


def plan_days(
    pb: RosterProblem,
    hint: dict[tuple[str, int], str],
    time_limit_s: float,
    workers: int,
    seed: int,
) -> tuple[dict[tuple[int, int], bool], str]:
    """Worked days ((person index, day) → works) and the CP-SAT status name."""
    m = cp_model.CpModel()
    open_ = _open_days(pb)
    w = {}
    for (p, d), ok in open_.items():
        w[p, d] = m.new_bool_var(f"w_{p}_{d}")
        if not ok:
            m.add(w[p, d] == 0)
        elif (pb.staff[p].id, d) in pb.pinned:
            m.add(w[p, d] == 1)
    need, under, over, paid = day_need(pb)
    terms: list = []
    const = 0
    groups: dict[str, list] = {}
    weekends = pb.weekends()
    for p, person in enumerate(pb.staff):
        groups.setdefault(person.group, []).append(_rules(m, w, pb, p, weekends))
        const += _soft(m, w, pb, p, paid, terms)
    for d in range(pb.days):
        u = m.new_int_var(0, need[d], f"u_{d}")
        o = m.new_int_var(0, len(pb.staff), f"o_{d}")
        m.add(sum(w[p, d] for p in range(len(pb.staff))) + u - o == need[d])
        terms += [(under[d], u), (over[d], o)]
    if pb.weights.weekend_spread and weekends:
        top = len(weekends)
        for g, ends in groups.items():
            if len(ends) > 1:
                counts = [sum(e) for e in ends]
                terms.append((pb.weights.weekend_spread, spread(m, counts, top, g)))
    m.minimize(sum(c * e for c, e in terms) + const)
    for (p, d), v in w.items():
        m.add_hint(v, 1 if (pb.staff[p].id, d) in hint else 0)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit_s)
    solver.parameters.num_workers = int(workers)
    solver.parameters.random_seed = int(seed)
    solver.parameters.relative_gap_limit = 0.001
    status = solver.solve(m)
    name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return {}, name
    return {k: bool(solver.boolean_value(v)) for k, v in w.items()}, name
