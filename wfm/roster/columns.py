"""Working patterns per person priced against the cover, and the relaxation over them.

A roster is one working pattern (the shift or day off of each day) per person. The master
problem chooses patterns: one per person, and per cover line the people its chosen
patterns put there, plus under- and over-cover at their weights. Its linear relaxation is
solved with GLOP over the patterns known so far; the cover lines' duals price each
person's next pattern, the least-cost one under their hard rules and own soft terms, found
exactly by labelling over the days (:mod:`wfm.roster.labels`; with the person's CP-SAT
model, :func:`wfm.roster.model.build_model`, where a rotation is asked for or the labels
grow too many). On Curtois & Qu instance 8 (30 people, 28 days, one worker) the labelling
prices a person in 22 ms on average (median 11 ms) against 57 ms (44 ms) for CP-SAT, and
the relaxation closes in 19 s instead of 47 s. Patterns of negative reduced cost join the
master (column generation); when pricing finds none for anyone, the relaxation is optimal
over all patterns, and its value plus the least reduced costs is a
lower bound of every roster (Lagrangian bound; the fairness spreads, which are not
separable by person, are left out).

The relaxation is turned into a roster by :mod:`wfm.roster.diving`.
"""

from __future__ import annotations

import math
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from wfm.roster.check import check_roster
from wfm.roster.labels import cheapest_patterns
from wfm.roster.lns import part_problem
from wfm.roster.model import RosterModel, build_model, hint_roster
from wfm.roster.pricing import PricingData, price_table, pricing_data
from wfm.roster.problem import RosterProblem

Roster = dict[tuple[str, int], str]
Pattern = tuple[tuple[int, str], ...]  # ((day, shift id), ...) of one person's worked days

DUAL_SCALE = 1000  # a dual is priced in CP-SAT's integers at this many units per weight
# most patterns one pricing adds: the cheapest the labelling keeps, or CP-SAT's last improving
PATTERNS_PER_PRICING = 4
PRICING_S = 1.0  # longest CP-SAT pricing search of one person [s]
SMOOTHING = 0.5  # share of the best bound's duals in the duals priced at the root
EPS = 1e-6


@dataclass
class _Person:
    """One person's pricing (labelling arrays, or a CP-SAT model where the labelling does
    not hold their rules) and the patterns known for them (pattern → own cost)."""

    alone: RosterProblem
    data: PricingData | None
    patterns: dict[Pattern, int] = field(default_factory=dict)
    model: RosterModel | None = None
    own: Any = 0  # the person's own soft terms as one expression of the model


@dataclass(frozen=True)
class Relaxation:
    """The master's linear relaxation over the patterns generated.

    Attributes
    ----------
    value : float
        Its optimal value (cover and person-separable terms).
    lower_bound : float or None
        Lagrangian lower bound of every roster's cost without the spreads (None when a
        pricing search was cut by its time limit in the last round).
    rounds : int
        Pricing rounds.
    patterns : int
        Patterns generated over all people.
    use : list of list of (float, Pattern)
        Per person (in ``problem.staff`` order), each pattern's weight in the relaxation.
    """

    value: float
    lower_bound: float | None
    rounds: int
    patterns: int
    use: list[list[tuple[float, Pattern]]]

    def proves(self, cost: float) -> bool:
        """The lower bound shows a roster of ``cost`` optimal (costs are whole numbers)."""
        lb = self.lower_bound
        return lb is not None and math.ceil(lb - EPS) >= cost


def _patterns(roster: Roster, ids: list[str]) -> list[Pattern]:
    """Each person's pattern in ``roster``, in the order of ``ids`` (one pass over it)."""
    days: dict[str, list[tuple[int, str]]] = {sid: [] for sid in ids}
    for (sid, d), t in roster.items():
        if sid in days:
            days[sid].append((d, t))
    return [tuple(sorted(days[sid])) for sid in ids]


def roster_of(ids: list[str], patterns: list[Pattern]) -> Roster:
    """The roster of one pattern per person (``ids`` in the same order)."""
    return {(sid, d): t for sid, pattern in zip(ids, patterns, strict=True) for d, t in pattern}


def _alone(pb: RosterProblem, p: int) -> RosterProblem:
    """Person ``p``'s problem without cover and spreads: what a pattern costs by itself."""
    part, _ = part_problem(pb, {}, [p])
    spreads = {"weekend_spread": 0, "night_spread": 0, "evening_spread": 0}
    return replace(part, cover=(), weights=replace(pb.weights, **spreads))


def own_cost(alone: RosterProblem, pattern: Pattern) -> int:
    return check_roster(alone, roster_of([alone.staff[0].id], [pattern])).objective


class _Collect(cp_model.CpSolverSolutionCallback):
    """Keeps each improving pattern a pricing search finds."""

    def __init__(self, rm: RosterModel) -> None:
        super().__init__()
        self.rm = rm
        self.found: list[Pattern] = []

    def on_solution_callback(self) -> None:
        x = self.rm.x
        self.found.append(tuple(sorted((d, t) for (_, d, t), v in x.items() if self.value(v))))


def _price(
    person: _Person, duals: dict, table: np.ndarray, limit_s: float
) -> tuple[list[Pattern], int | None]:
    """``person``'s patterns of least reduced cost under the cover ``duals`` ((day, shift)
    → price, also as ``table``: days × (off, shifts in problem order)), priced in whole
    units of ``1 / DUAL_SCALE``: the cheapest ones, and the least reduced cost without the
    person's own dual in those units (None unless it is proved least)."""
    if person.data is not None:
        known = min(
            DUAL_SCALE * own - sum(duals.get(k, 0) for k in pattern)
            for pattern, own in person.patterns.items()
        )
        cheapest = cheapest_patterns(
            person.data, table, DUAL_SCALE, PATTERNS_PER_PRICING, bound=known
        )
        if cheapest is not None:
            return [pat for pat, _ in cheapest], cheapest[0][1] if cheapest else None
        person.data = None  # too many labels for this person: CP-SAT from now on
    rm = person.model or _pricing_model(person)
    price = [(duals[d, t], v) for (_, d, t), v in rm.x.items() if duals.get((d, t))]
    rm.model.minimize(DUAL_SCALE * person.own - sum(c * v for c, v in price))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, limit_s)
    solver.parameters.num_workers = 1
    solver.parameters.linearization_level = 2
    collect = _Collect(rm)
    status = solver.solve(rm.model, collect)
    found = collect.found[-PATTERNS_PER_PRICING:]
    return found, round(solver.objective_value) if status == cp_model.OPTIMAL else None


def _pricing_model(person: _Person) -> RosterModel:
    """Build ``person``'s CP-SAT pricing model, hinted with their first known pattern."""
    person.model = rm = build_model(person.alone)
    first = next(iter(person.patterns))
    hint_roster(rm, [person.alone.staff[0].id], roster_of([person.alone.staff[0].id], [first]))
    person.own = rm.objective()
    return rm


def _master_lp(pb: RosterProblem, people: list[_Person]):
    """The master's relaxation: value, cover duals, person duals, pattern weights."""
    lp = pywraplp.Solver.CreateSolver("GLOP")
    obj, rows = lp.Objective(), {}
    for c in pb.cover:
        row = rows[c.day, c.shift] = lp.Constraint(c.requirement, c.requirement)
        under, over = lp.NumVar(0, lp.infinity(), ""), lp.NumVar(0, lp.infinity(), "")
        row.SetCoefficient(under, 1)
        row.SetCoefficient(over, -1)
        obj.SetCoefficient(under, c.weight_under)
        obj.SetCoefficient(over, c.weight_over)
    own_rows, columns = [], []
    for person in people:
        row = lp.Constraint(1, 1)
        own_rows.append(row)
        mine = []
        for pattern, cost in person.patterns.items():
            v = lp.NumVar(0, lp.infinity(), "")
            mine.append((v, pattern))
            row.SetCoefficient(v, 1)
            obj.SetCoefficient(v, cost)
            for key in pattern:
                if key in rows:
                    rows[key].SetCoefficient(v, 1)
        columns.append(mine)
    obj.SetMinimization()
    lp.Solve()
    duals = {k: r.dual_value() for k, r in rows.items()}
    use = [[(v.solution_value(), pat) for v, pat in mine] for mine in columns]
    return obj.Value(), duals, [r.dual_value() for r in own_rows], use


class Master:
    """The people's pricing models, their patterns, and the master problem over them."""

    def __init__(self, pb: RosterProblem, start: Roster) -> None:
        self.pb, self.people = pb, []
        ids = [s.id for s in pb.staff]
        for p, mine in enumerate(_patterns(start, ids)):
            alone = _alone(pb, p)
            person = _Person(alone, pricing_data(alone), {mine: own_cost(alone, mine)})
            if person.data is None:
                _pricing_model(person)
            self.people.append(person)
        self.rounds, self.bound = 0, None
        self.center: dict[tuple[int, str], int] = {}  # the prices of the best bound

    def solve(self):
        """The relaxation: value, cover duals, person duals, pattern weights."""
        return _master_lp(self.pb, self.people)

    def generate(
        self, active: list[int], deadline: float, pool, most_rounds: int, root: bool = False
    ):
        """Price the ``active`` people until no pattern joins, the bound meets the value,
        ``most_rounds`` or ``deadline``; the relaxation's value and pattern weights.

        The ``root`` relaxation (everyone priced, nobody fixed or branched) keeps the best
        Lagrangian bound and uses the duals smoothed towards that bound's (Wentges 1997,
        ITOR 4(2)); a round that adds nothing so is priced again at the master's own duals.
        Elsewhere the duals are the master's own and no bound is kept (it would bound the
        branch, not the roster)."""
        whole = root and len(active) == len(self.people)
        smooth = SMOOTHING if whole else 0.0
        for _ in range(most_rounds):
            value, duals, mus, use = self.solve()
            # costs are whole numbers: a bound within one of the value closes the relaxation
            closed = self.bound is not None and math.ceil(self.bound - EPS) >= value - EPS
            if time.perf_counter() >= deadline or closed:
                return value, use
            self.rounds += 1
            prices = {k: round(v * DUAL_SCALE) for k, v in duals.items()}
            if smooth and self.center:
                prices = {
                    k: round(smooth * self.center[k] + (1 - smooth) * v) for k, v in prices.items()
                }
            limit = min(PRICING_S, max(0.01, deadline - time.perf_counter()))
            table = price_table(self.pb, prices)
            jobs = [(self.people[p], prices, table, limit) for p in active]
            priced = list(pool.map(lambda job: _price(*job), jobs))
            added = sum(
                self._add(p, found, duals, mus[p])
                for p, (found, _) in zip(active, priced, strict=True)
            )
            if whole and all(z is not None for _, z in priced):
                self._lagrange(prices, sum(z for _, z in priced))
            if not added and not smooth:
                break
            smooth = SMOOTHING if whole and added else 0.0
        value, _, _, use = self.solve()
        return value, use

    def _add(self, p: int, found: list[Pattern], duals: dict, mu: float) -> int:
        """Add person ``p``'s ``found`` patterns of negative reduced cost: how many."""
        person, added = self.people[p], 0
        for pattern in found:
            if pattern in person.patterns:
                continue
            cost = own_cost(person.alone, pattern)
            if cost - sum(duals.get(k, 0.0) for k in pattern) - mu < -EPS:
                person.patterns[pattern] = cost
                added += 1
        return added

    def _lagrange(self, prices: dict, least: int) -> None:
        """The Lagrangian bound at the cover ``prices`` (units of ``1 / DUAL_SCALE``), given
        the sum of everyone's ``least`` reduced cost there: keep it, and the prices, if best."""
        bound = (
            sum(prices[c.day, c.shift] * c.requirement for c in self.pb.cover) + least
        ) / DUAL_SCALE
        if self.bound is None or bound > self.bound:
            self.bound, self.center = bound, prices


def relax(pb: RosterProblem, start: Roster, deadline: float, workers: int = 2):
    """Generate patterns from ``start`` (a roster meeting every hard rule: one pattern per
    person to begin with) until pricing finds none, the Lagrangian bound meets the value, or
    ``deadline``
    (``perf_counter``) passes; ``workers`` people are priced at once. Returns the master
    (for :func:`dive`) and the :class:`Relaxation`."""
    master = Master(pb, start)
    with ThreadPoolExecutor(max(1, int(workers))) as pool:
        value, use = master.generate(list(range(len(pb.staff))), deadline, pool, 10_000, root=True)
    patterns = sum(len(p.patterns) for p in master.people)
    return master, Relaxation(value, master.bound, master.rounds, patterns, use)
