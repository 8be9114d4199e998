"""The CP-SAT model of a :class:`RosterProblem` (pure: data in, model and handles out).

Variables: ``x[p, d, t]`` — person ``p`` works shift type ``t`` on day ``d`` — created only
where no static rule forbids it (time off, pool, nights, earliest start, latest end), and
``w[p, d]`` — works on day ``d``. Hard rules are constraints; soft terms are collected as
(weight, expression) pairs whose weighted sum is minimised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any

from ortools.sat.python import cp_model

from wfm.roster.problem import RosterProblem, Staff, shift_allowed


@dataclass
class RosterModel:
    """A built model and the handles needed to read a solution back."""

    model: cp_model.CpModel
    x: dict[tuple[int, int, str], cp_model.IntVar]
    w: dict[tuple[int, int], cp_model.IntVar]
    terms: list[tuple[int, Any, str]] = field(default_factory=list)  # (weight, expression, name)
    constant: int = 0
    by_person: dict[int, list[tuple[int, str, cp_model.IntVar]]] = field(default_factory=dict)

    def objective(self) -> Any:
        """The weighted sum of the soft terms and the constant: what the roster costs."""
        return sum(wt * e for wt, e, _ in self.terms) + self.constant


@dataclass(frozen=True)
class Outside:
    """What the people left out of a model contribute: the roster of the rest held fixed.

    Attributes
    ----------
    cover : dict of (int, str) to int
        (day, shift id) → people outside the model working it.
    weekends, nights, evenings : dict of str to list of int
        Fairness group → weekends worked / night shifts / evening shifts of each person
        outside the model.
    """

    cover: dict[tuple[int, str], int] = field(default_factory=dict)
    weekends: dict[str, list[int]] = field(default_factory=dict)
    nights: dict[str, list[int]] = field(default_factory=dict)
    evenings: dict[str, list[int]] = field(default_factory=dict)


def read_roster(rm: RosterModel, ids: list[str], solver: cp_model.CpSolver) -> dict:
    """The roster of a solved model: (staff id, day) → shift id of every worked day
    (``ids`` are the model's staff ids in order)."""
    return {(ids[p], d): t for (p, d, t), v in rm.x.items() if solver.boolean_value(v)}


def hint_roster(
    rm: RosterModel, ids: list[str], roster: dict, free_days: range | None = None
) -> None:
    """Hint the model with ``roster`` ((staff id, day) → shift id; ``ids`` are the model's
    staff ids in order); when ``free_days`` is given, every other day is fixed to ``roster``
    through the variables' domains."""
    for (p, d, t), v in rm.x.items():
        val = 1 if roster.get((ids[p], d)) == t else 0
        rm.model.add_hint(v, val)
        if free_days is not None and d not in free_days:
            domain = rm.model.proto.variables[v.index].domain
            domain[0] = domain[1] = val


def build_model(problem: RosterProblem, outside: Outside | None = None) -> RosterModel:
    """Build the CP-SAT model: hard rules as constraints, soft terms in the objective.

    ``outside`` holds the fixed contribution of people not in ``problem.staff`` (a part of a
    larger roster re-optimised alone): their cover counts and fairness counts are constants.
    """
    outside = outside or Outside()
    m = cp_model.CpModel()
    x: dict[tuple[int, int, str], cp_model.IntVar] = {}
    w: dict[tuple[int, int], cp_model.IntVar] = {}
    by_person: dict[int, list[tuple[int, str, cp_model.IntVar]]] = {}
    for p, person in enumerate(problem.staff):
        for d in range(problem.days):
            day_vars = []
            for s in problem.shifts:
                if not shift_allowed(problem, person, d, s):
                    x[p, d, s.id] = v = m.new_bool_var(f"x_{p}_{d}_{s.id}")
                    day_vars.append(v)
                    by_person.setdefault(p, []).append((d, s.id, v))
            w[p, d] = wv = m.new_bool_var(f"w_{p}_{d}")
            m.add(wv == sum(day_vars)) if day_vars else m.add(wv == 0)
    rm = RosterModel(m, x, w, by_person=by_person)
    forbidden = problem.forbidden_successions()
    for p, person in enumerate(problem.staff):
        _person_rules(rm, problem, p, person, forbidden)
    _cover(rm, problem, outside.cover)
    _requests(rm, problem)
    _pattern_terms(rm, problem)
    _rotation_terms(rm, problem)
    _fairness(rm, problem, outside)
    _published(rm, problem)
    m.minimize(rm.objective())
    return rm


def _person_rules(
    rm: RosterModel, pb: RosterProblem, p: int, person: Staff, forbidden: frozenset
) -> None:
    m, x, w, c = rm.model, rm.x, rm.w, person.contract
    days = range(pb.days)
    for a, b in forbidden:
        for d in range(pb.days - 1):
            if (p, d, a) in x and (p, d + 1, b) in x:
                m.add_implication(x[p, d, a], x[p, d + 1, b].Not())
    for s in pb.shifts:
        cap = c.max_shifts.get(s.id)
        if cap is not None and cap < pb.days:
            m.add(sum(x[p, d, s.id] for d in days if (p, d, s.id) in x) <= cap)
    mine = rm.by_person.get(p, [])
    paid_of = {s.id: s.paid_min for s in pb.shifts}
    paid = sum(paid_of[t] * v for _, t, v in mine)
    if c.max_total_min is not None:
        m.add(paid <= c.max_total_min)
    if c.min_total_min is not None and c.min_total_min > 0:
        if pb.weights.short_per_min > 0:
            short = m.new_int_var(0, c.min_total_min, f"short_{p}")
            m.add(paid + short >= c.min_total_min)
            rm.terms.append((pb.weights.short_per_min, short, f"short:{person.id}"))
        else:
            m.add(paid >= c.min_total_min)
    if c.max_min_per_week is not None:
        for week in pb.weeks():
            m.add(sum(paid_of[t] * v for d, t, v in mine if d in week) <= c.max_min_per_week)
    work_day_rules(m, w, pb, p)
    if c.max_weekends is not None and c.max_weekends < len(pb.weekends()):
        max_weekends_rule(m, pb, p, [_weekend_var(rm, p, we) for we in pb.weekends()])


def work_day_rules(m: cp_model.CpModel, w, pb: RosterProblem, p: int) -> None:
    """The rules on which days person ``p`` works (``w[p, d]`` true): days per calendar week,
    consecutive working days, and the shortest runs of working days and of days off."""
    c, days = pb.staff[p].contract, range(pb.days)
    if c.max_days_per_week is not None:
        for week in pb.weeks():
            if c.max_days_per_week < len(week):
                m.add(sum(w[p, d] for d in week) <= c.max_days_per_week)
    k = c.max_consecutive_days
    if k is not None and k < pb.days:
        for d in range(pb.days - k):
            m.add(sum(w[p, e] for e in range(d, d + k + 1)) <= k)
    if c.min_consecutive_days and c.min_consecutive_days > 1:
        min_runs(m, [w[p, d] for d in days], c.min_consecutive_days)
    if c.min_consecutive_days_off and c.min_consecutive_days_off > 1:
        min_runs(m, [w[p, d].Not() for d in days], c.min_consecutive_days_off)


def min_runs(m: cp_model.CpModel, lits: list, length: int) -> None:
    """Runs of true literals are at least ``length`` long, except runs touching either end."""
    n = len(lits)
    for start in range(1, n):
        for run in range(1, length):
            end = start + run  # first day after the run; must be inside the horizon
            if end >= n:
                break
            clause = [lits[start - 1]] + [lits[i].Not() for i in range(start, end)] + [lits[end]]
            m.add_bool_or(clause)


def weekend_var(m: cp_model.CpModel, w, p: int, weekend: list[int]) -> cp_model.IntVar:
    """A new indicator: person ``p`` works on some day of ``weekend`` (``w[p, d]``: works on
    day ``d``)."""
    v = m.new_bool_var(f"we_{p}_{weekend[0]}")
    m.add_max_equality(v, [w[p, d] for d in weekend])
    return v


def max_weekends_rule(m: cp_model.CpModel, pb: RosterProblem, p: int, ends: list) -> None:
    """Person ``p`` works at most the contract's weekends (``ends``: one indicator each)."""
    most = pb.staff[p].contract.max_weekends
    if most is not None and most < len(ends):
        m.add(sum(ends) <= most)


def _weekend_var(rm: RosterModel, p: int, weekend: list[int]) -> cp_model.IntVar:
    key = (p, -1 - weekend[0])  # negative day keys hold weekend indicators, made once
    if key not in rm.w:
        rm.w[key] = weekend_var(rm.model, rm.w, p, weekend)
    return rm.w[key]


def _cover(rm: RosterModel, pb: RosterProblem, present: dict[tuple[int, str], int]) -> None:
    m = rm.model
    by_day_shift: dict[tuple[int, str], list] = {}
    for (_, d, t), v in rm.x.items():
        by_day_shift.setdefault((d, t), []).append(v)
    for c in pb.cover:
        base = present.get((c.day, c.shift), 0)
        have = sum(by_day_shift.get((c.day, c.shift), [])) + base
        n = len(pb.staff) + base
        under = m.new_int_var(0, c.requirement, f"u_{c.day}_{c.shift}")
        over = m.new_int_var(0, n, f"o_{c.day}_{c.shift}")
        m.add(have + under - over == c.requirement)
        if c.weight_under:
            rm.terms.append((c.weight_under, under, f"under:{c.day}:{c.shift}"))
        if c.weight_over:
            rm.terms.append((c.weight_over, over, f"over:{c.day}:{c.shift}"))


def _requests(rm: RosterModel, pb: RosterProblem) -> None:
    """Each request's penalty (:meth:`wfm.roster.problem.Request.penalty`); a day outside
    the horizon is held off, as the checker counts it."""
    index = {s.id: p for p, s in enumerate(pb.staff)}
    for r in pb.requests:
        p = index.get(r.staff)
        if p is None or r.weight == 0:
            continue
        if not 0 <= r.day < pb.days:
            rm.constant += r.penalty(None)
            continue
        _option_terms(rm, pb, p, r.day, r.penalty, f"request:{r.staff}:{r.day}")


def _option_terms(rm: RosterModel, pb: RosterProblem, p: int, d: int, penalty, name: str):
    """A soft term on person ``p``'s option of day ``d`` (``penalty(shift id or None)``):
    its value on a day off as a constant, and each allowed shift's difference from it on
    that shift's literal (on the worked-day literal when every allowed shift differs
    alike: that literal is the sum of the shifts' literals)."""
    base = penalty(None)
    rm.constant += base
    extra = {
        s.id: (penalty(s.id) - base, rm.x[p, d, s.id]) for s in pb.shifts if (p, d, s.id) in rm.x
    }
    alike = {e for e, _ in extra.values()}
    if len(alike) == 1:
        e = alike.pop()
        if e:
            rm.terms.append((e, rm.w[p, d], name))
        return
    for sid, (e, lit) in extra.items():
        if e:
            rm.terms.append((e, lit, f"{name}:{sid}"))


def _pattern_terms(rm: RosterModel, pb: RosterProblem) -> None:
    m, wt = rm.model, pb.weights
    for p, person in enumerate(pb.staff):
        if wt.isolated_day_off:
            worked = [rm.w[p, d] for d in range(pb.days)]
            for d, iso in isolated_days_off(m, worked, f"iso_{p}"):
                rm.terms.append((wt.isolated_day_off, iso, f"isolated:{person.id}:{d}"))
        if wt.start_change:
            for k, week in enumerate(pb.weeks()):
                starts: dict[int, list] = {}
                for d in week:
                    for s in pb.shifts:
                        if (p, d, s.id) in rm.x:
                            starts.setdefault(s.start_min, []).append(rm.x[p, d, s.id])
                if len(starts) < 2:
                    continue
                used = []
                for st, lits in starts.items():
                    u = m.new_bool_var(f"st_{p}_{k}_{st}")
                    m.add_max_equality(u, lits)
                    used.append(u)
                extra = m.new_int_var(0, len(used), f"stx_{p}_{k}")
                m.add(extra >= sum(used) - 1)
                rm.terms.append((wt.start_change, extra, f"starts:{person.id}:{k}"))


def _rotation_terms(rm: RosterModel, pb: RosterProblem) -> None:
    """A day whose shift (or day off) differs from the same day ``rotation_days`` earlier
    costs ``weights.rotation``."""
    n, m = pb.rotation_days, rm.model
    if n <= 0 or not pb.weights.rotation:
        return
    for p, person in enumerate(pb.staff):
        for d in range(n, pb.days):
            dev = m.new_bool_var(f"rot_{p}_{d}")
            m.add(dev >= rm.w[p, d - n] - rm.w[p, d])  # worked then, off now
            for s in pb.shifts:
                now = rm.x.get((p, d, s.id))
                if now is not None:  # a shift now that was not worked then
                    m.add(dev >= now - rm.x.get((p, d - n, s.id), 0))
            rm.terms.append((pb.weights.rotation, dev, f"rotation:{person.id}:{d}"))


def isolated_days_off(
    m: cp_model.CpModel, worked: list, name: str
) -> list[tuple[int, cp_model.IntVar]]:
    """(day, indicator) of each day that may be a day off between two worked days
    (``worked``: one person's worked-day literals in day order)."""
    out = []
    for d in range(1, len(worked) - 1):
        iso = m.new_bool_var(f"{name}_{d}")
        m.add(iso >= worked[d - 1] + worked[d + 1] - worked[d] - 1)
        out.append((d, iso))
    return out


def spread(m: cp_model.CpModel, counts: list, top: int, name: str):
    """The spread (largest less smallest) of ``counts`` (expressions or constants, each in
    0..``top``) as an expression to minimise."""
    hi, lo = m.new_int_var(0, top, f"hi_{name}"), m.new_int_var(0, top, f"lo_{name}")
    for c in counts:
        m.add(hi >= c)
        m.add(lo <= c)
    return hi - lo


def _fairness(rm: RosterModel, pb: RosterProblem, outside: Outside) -> None:
    wt = pb.weights
    groups: dict[str, list[int]] = {}
    for p, person in enumerate(pb.staff):
        groups.setdefault(person.group, []).append(p)
    kinds = (  # (name, weight, shift ids, counts of the people outside the model)
        ("nights", wt.night_spread, {s.id for s in pb.shifts if s.night}, outside.nights),
        ("evenings", wt.evening_spread, {s.id for s in pb.shifts if s.evening}, outside.evenings),
    )
    ends = pb.weekends()
    for g, members in groups.items():
        if len(members) + len(outside.weekends.get(g, ())) < 2:
            continue
        if wt.weekend_spread and ends:
            counts: list = [sum(_weekend_var(rm, p, we) for we in ends) for p in members]
            counts += outside.weekends.get(g, [])
            spread_ = spread(rm.model, counts, len(ends), f"weekends:{g}")
            rm.terms.append((wt.weekend_spread, spread_, f"spread:weekends:{g}"))
        for name, weight, ids, out in kinds:
            if weight and ids:
                counts = [
                    sum(v for _, t, v in rm.by_person.get(p, []) if t in ids) for p in members
                ]
                counts += out.get(g, [])  # constants of the people outside the model
                spread_ = spread(rm.model, counts, pb.days, f"{name}:{g}")
                rm.terms.append((weight, spread_, f"spread:{name}:{g}"))


def _published(rm: RosterModel, pb: RosterProblem) -> None:
    """Pinned days keep their published option (hard) unless it is now impossible (e.g.
    sick); every other published day pays :meth:`RosterProblem.change_penalty`."""
    index = {s.id: p for p, s in enumerate(pb.staff)}
    for sid, d in pb.published:
        p = index.get(sid)
        if p is None or not 0 <= d < pb.days:
            continue
        t = pb.published[sid, d]
        keep = rm.w[p, d].Not() if t is None else rm.x.get((p, d, t))
        if keep is not None and (sid, d) in pb.pinned:
            rm.model.add(keep == 1)
        elif pb.weights.change:
            change = partial(pb.change_penalty, sid, d)
            _option_terms(rm, pb, p, d, change, f"change:{sid}:{d}")
