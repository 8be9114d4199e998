"""The decomposed roster of a large pool: days first (:mod:`wfm.roster.days`), then shift types
day by day as an assignment problem, then a fill pass.

Second half, day ``d`` in order: the people the day plan puts to work take the day's
agent-shifts through a minimum-cost assignment (``scipy.optimize.linear_sum_assignment``).
Exact per day: every static rule, rest after yesterday's shift (so every succession is checked
once), shift-type caps, minutes per week and over the horizon (a person keeps room for the
shortest shift on each later worked day of the week), pinned and published shifts. Greedy
(one day at a time, so approximated): stable start times (a start not yet used in the week
costs the weight), contract minimum (a shift earns its minutes while the person is short),
shift preferences, a shift other than the one a rotation earlier, and night and evening
fairness (an evening or night shift costs its spread weight when it would take the person
above the most any member of the pool holds so far, as it widens the spread by one; and 1 per
such shift the person holds beyond the fewest among the day's workers, so they go round). A
person the day plan puts to work but no shift fits stays off. The fill pass then gives each
agent-shift still open to a free person whose whole roster stays within every hard rule.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from scipy.optimize import linear_sum_assignment

from wfm.roster.check import person_violations
from wfm.roster.days import plan_days
from wfm.roster.problem import RosterProblem, shift_allowed

BIG = 10**7  # cost of a forbidden (person, shift) pair


def _budget(pb, p: int, d: int, state: dict, works: dict, ctx: dict) -> tuple[float, float]:
    """Paid minutes person ``p`` may still take on day ``d``: within the week and the horizon,
    keeping the shortest shift for each later worked day [min]."""
    c = pb.staff[p].contract
    k = ctx["week"][d]
    week, total = float("inf"), float("inf")
    if c.max_min_per_week is not None:
        later = sum(1 for e in ctx["weeks"][k] if e > d and works.get((p, e)))
        week = c.max_min_per_week - state["week_min"][p][k] - later * ctx["min_paid"]
    if c.max_total_min is not None:
        rest = sum(1 for e in range(d + 1, pb.days) if works.get((p, e)))
        total = c.max_total_min - state["total"][p] - rest * ctx["min_paid"]
    return week, total


def _room(pb, p: int, d: int, t, state: dict, budget: tuple[float, float], ctx: dict) -> bool:
    """May person ``p`` take shift ``t`` on day ``d`` given the days already set?"""
    person = pb.staff[p]
    if shift_allowed(pb, person, d, t):
        return False
    last = state["days"][p].get(d - 1)
    if last is not None and (last, t.id) in ctx["forbidden"]:
        return False
    cap = person.contract.max_shifts.get(t.id)
    if cap is not None and state["per_type"][p][t.id] >= cap:
        return False
    return t.paid_min <= budget[0] and t.paid_min <= budget[1]


def _pair_cost(pb, p: int, d: int, t, state: dict, ctx: dict, counts: dict) -> int:
    """Soft cost of person ``p`` on shift ``t`` on day ``d`` (without the cover reward);
    ``counts``: kind → (fewest night or evening shifts held by any of the day's workers, most
    held by anyone in the pool)."""
    person, wt = pb.staff[p], pb.weights
    cost = ctx["prefs"].get((person.id, d, t.id), 0)
    for kind, weight, hit in (
        ("nights", wt.night_spread, t.night),
        ("evenings", wt.evening_spread, t.evening),
    ):
        if weight and hit:
            fewest, most = counts[kind]
            held = state[kind][p]
            cost += (weight if held + 1 > most else 0) + held - fewest
    pub = pb.published.get((person.id, d), "")
    if wt.change and pub != "" and pub != t.id:
        cost += wt.change
    before = state["days"][p].get(d - pb.rotation_days) if pb.rotation_days > 0 else None
    if wt.rotation and before is not None and before != t.id:
        cost += wt.rotation  # another shift than a rotation earlier (days: the day model)
    starts = state["starts"][p][ctx["week"][d]]
    if wt.start_change and starts and t.start_min not in starts:
        cost += wt.start_change
    short = (person.contract.min_total_min or 0) - state["total"][p]
    if wt.short_per_min and short > 0:
        cost -= wt.short_per_min * min(short, t.paid_min)
    return cost


def _take(pb, p: int, d: int, t, state: dict, ctx: dict) -> None:
    state["days"][p][d] = t.id
    state["per_type"][p][t.id] += 1
    state["week_min"][p][ctx["week"][d]] += t.paid_min
    state["total"][p] += t.paid_min
    state["starts"][p][ctx["week"][d]].add(t.start_min)
    state["nights"][p] += t.night
    state["evenings"][p] += t.evening


def _assign_day(pb, d: int, works: dict, state: dict, ctx: dict) -> None:
    by_id = ctx["by_id"]
    people = []
    need = {c.shift: c for c in ctx["cover"][d]}
    left = {t: c.requirement for t, c in need.items()}
    for p, person in enumerate(pb.staff):
        if not works.get((p, d)):
            continue
        if (person.id, d) in pb.pinned:
            t = by_id[pb.published[person.id, d]]
            _take(pb, p, d, t, state, ctx)
            left[t.id] = left.get(t.id, 0) - 1
        else:
            people.append(p)
    slots = [t for t, n in left.items() for _ in range(max(0, n))]
    if not people or not slots:
        return
    types = sorted(set(slots))
    counts = {k: (min(state[k][p] for p in people), max(state[k])) for k in ("nights", "evenings")}
    cost_pt = np.full((len(people), len(types)), BIG, dtype=np.int64)
    for i, p in enumerate(people):
        budget = _budget(pb, p, d, state, works, ctx)
        for j, tid in enumerate(types):
            t = by_id[tid]
            if _room(pb, p, d, t, state, budget, ctx):
                soft = _pair_cost(pb, p, d, t, state, ctx, counts)
                cost_pt[i, j] = soft - need[tid].weight_under
    col = np.array([types.index(t) for t in slots])
    off = np.full((len(people), len(people)), BIG, dtype=np.int64)
    np.fill_diagonal(off, 0)
    rows, cols = linear_sum_assignment(np.hstack([cost_pt[:, col], off]))
    for i, j in zip(rows, cols, strict=True):
        if j < len(slots) and cost_pt[i, col[j]] < BIG:
            _take(pb, people[i], d, by_id[slots[j]], state, ctx)


def _fill(pb: RosterProblem, state: dict, ctx: dict) -> None:
    """Give each agent-shift still open to a free person whose roster stays valid."""
    have: defaultdict[tuple[int, str], int] = defaultdict(int)
    for days in state["days"]:
        for d, t in days.items():
            have[d, t] += 1
    order = sorted(range(len(pb.staff)), key=lambda p: state["total"][p])
    for c in sorted(pb.cover, key=lambda c: -c.weight_under):
        t = ctx["by_id"][c.shift]
        for p in order:
            if have[c.day, c.shift] >= c.requirement:
                break
            days = state["days"][p]
            person = pb.staff[p]
            if c.day in days or (person.id, c.day) in pb.pinned:
                continue
            if shift_allowed(pb, person, c.day, t):
                continue
            if not person_violations(pb, person, {**days, c.day: c.shift}, ctx["forbidden"]):
                _take(pb, p, c.day, t, state, ctx)
                have[c.day, c.shift] += 1


def _context(pb: RosterProblem) -> dict:
    cover = defaultdict(list)
    for c in pb.cover:
        if c.requirement > 0:
            cover[c.day].append(c)
    prefs: dict = defaultdict(int)
    for r in pb.requests:
        if r.shift is not None and not r.on:
            prefs[r.staff, r.day, r.shift] += r.weight
    weeks = pb.weeks()
    return {
        "by_id": {s.id: s for s in pb.shifts},
        "forbidden": pb.forbidden_successions(),
        "weeks": weeks,
        "week": {d: k for k, week in enumerate(weeks) for d in week},
        "min_paid": min(s.paid_min for s in pb.shifts),
        "cover": cover,
        "prefs": prefs,
    }


def solve_decomposed(
    pb: RosterProblem,
    hint: dict[tuple[str, int], str],
    time_limit_s: float,
    workers: int,
    seed: int,
) -> tuple[dict[tuple[str, int], str], str]:
    """A roster by days then shifts ((staff id, day) → shift id) and the day model's status.

    Returns an empty roster when the day model found no plan in its time limit.
    """
    works, status = plan_days(pb, hint, time_limit_s, workers, seed)
    if not works:
        return {}, status
    n, ctx = len(pb.staff), _context(pb)
    state: dict[str, list] = {
        "days": [dict() for _ in range(n)],
        "per_type": [defaultdict(int) for _ in range(n)],
        "week_min": [defaultdict(int) for _ in range(n)],
        "total": [0] * n,
        "starts": [defaultdict(set) for _ in range(n)],
        "nights": [0] * n,
        "evenings": [0] * n,
    }
    for d in range(pb.days):
        _assign_day(pb, d, works, state, ctx)
    _fill(pb, state, ctx)
    out = {(pb.staff[p].id, d): t for p in range(n) for d, t in state["days"][p].items()}
    return out, status
