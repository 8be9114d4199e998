"""The shift and overflow optimisation model (OR-Tools linear solver wrapper).

Pure: a :class:`Problem` (arrays built by ``wfm.schedule.stage``) in, a :class:`Solution`
out; no pandas tables, no files.

Model
-----
Sets: pattern columns j (site, pool, local day, template), pools p, skills k, UTC intervals
i, overflow arcs (k, o → r).

Variables

* x_j ∈ ℤ≥0 — agents working pattern j;
* y_pki ≥ 0 — on-queue agents of pool p answering skill k in interval i;
* s_ski, u_ski ≥ 0 — shortfall and surplus of on-queue agents of skill k at site s;
* f_kori ≥ 0 — contacts of skill k moved from site o to site r in interval i;
* z_kri ∈ {0, 1} — site r receives skill k in interval i (fixed charge of the queue model);
* g_ski ≥ 0 — contacts of skill k at site s handed to AI agents beyond the split (only when
  the requirements carry ``ai_movable_contacts``).

Constraints

* pool time: Σ_k y_pki = Σ_j a_ji x_j (a_ji: on-queue share of interval i in pattern j,
  breaks removed);
* cover: Σ_p π_pk y_pki + s_ski − u_ski + Σ_r σ_koi f_kori − φ_ksi z_ksi − Σ_o ρ_ksi f_kosi
  + σ_ksi g_ski = R_ski, with R the gross requirement, π the proficiency, σ the agents an
  outgoing contact saves, φ and ρ the fixed and per-contact agents of an incoming load
  (``overflow`` module);
* overflow cap: Σ_r f_kori ≤ m · C_koi (``max_overflow_rate`` of the origin's contacts) and,
  per arc, f_kori ≤ m · C_koi · z_kri;
* AI: g_ski ≤ movable contacts; Σ_{s, k of channel c} g_ski · ai_aht_s / interval ≤ free AI
  sessions of c in interval i (``ai_capacity``);
* headcount per pool and day: Σ_{j on d} x_j ≤ H_p;
* working days: Σ_j x_j ≤ D · H_p (``max_days_per_week`` per 7 days of horizon);
* paid hours: Σ_j paid_h_j x_j ≤ W · H_p (``max_h_per_week``);
* rest: for consecutive days d, d + 1 and every end time τ of day d,
  Σ_{j on d, end_j ≥ τ} x_j + Σ_{j on d+1, start_j < τ + rest} x_j ≤ H_p (an agent ending at
  or after τ cannot start before τ + rest);
* minimum on queue: Σ_{p at s} Σ_j a_ji x_j ≥ M_s in every open interval of site s.

Objective (minimised, [currency])

    Σ_j c_site · paid_h_j · x_j + c_short · Σ s + c_surplus · Σ u + c_flow · Σ f + c_ai · Σ g

The headcount, days, hours and rest rows aggregate over agents; they are necessary
conditions of a roster of named agents, which a later step can build from the counts.

Solving
-------
``lp_guided``: solve the LP relaxation (GLOP), whose optimum is the lower bound reported as
``best_bound``; open the receiving switches the relaxation uses; fix the shift counts to
whole numbers by LP diving (``_dive``); close switches that do not pay
(``_close_switches``); then a local search adds, drops or moves single shifts
(``_improve``); finally a sequence of restricted MIPs (one site and one or two days
at a time, around the incumbent, cut out of the whole model) polishes the schedule
(``_polish``), and the local search runs once more. ``mip``: hand the whole model to the
MIP solver (its own bound is reported when above the LP bound).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from ortools.linear_solver import linear_solver_pb2, pywraplp

from wfm.core.config import SolverConfig
from wfm.core.errors import InfeasibleError, SolverError

log = logging.getLogger(__name__)

_SOLVERS = {"cbc": "CBC", "scip": "SCIP", "highs": "HIGHS"}


@dataclass(frozen=True, slots=True, kw_only=True)
class PatternColumn:
    """One integer column: a pattern of a pool.

    Attributes
    ----------
    pool : int
        Index into ``Problem.pools``.
    day : int
        Index of the local day (consecutive days differ by 1).
    intervals, on_queue_rate : numpy.ndarray
        Grid intervals covered and the on-queue share of each.
    paid_h : float
        Paid hours [h].
    start_min, end_min : float
        Start and end in minutes after the grid start (UTC elapsed) [min].
    """

    pool: int
    day: int
    intervals: np.ndarray
    on_queue_rate: np.ndarray
    paid_h: float
    start_min: float
    end_min: float


@dataclass(frozen=True, slots=True, kw_only=True)
class PoolSpec:
    """A pool of one site: skills with proficiency, headcount and hourly cost."""

    site: str
    name: str
    skills: tuple[str, ...]
    proficiency: tuple[float, ...]
    headcount: int
    cost_per_h: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Arc:
    """Overflow of one skill from one site to another.

    Attributes
    ----------
    cap_contacts : numpy.ndarray
        Upper bound on the contacts moved per interval.
    save_agents_per_contact : numpy.ndarray
        Gross agents one moved contact saves at the origin.
    """

    skill: str
    from_site: str
    to_site: str
    cap_contacts: np.ndarray
    save_agents_per_contact: np.ndarray


@dataclass(frozen=True, slots=True, kw_only=True)
class Receiver:
    """Linear-with-fixed-charge agents a site needs for the load it receives (gross)."""

    fixed_agents: np.ndarray
    agents_per_contact: np.ndarray
    cap_contacts: np.ndarray


@dataclass(frozen=True, slots=True, kw_only=True)
class AiMove:
    """Contacts of one site and skill the model may still hand to AI agents.

    Attributes
    ----------
    cap_contacts : numpy.ndarray
        Contacts per interval that may still go to AI (the split's upper bound less what it
        already sent).
    save_agents_per_contact : numpy.ndarray
        Gross agents one contact handed to AI saves (as for an outgoing overflow).
    cost_per_contact : float
        AI cost of one contact [currency].
    channel : str
        Channel, for the AI capacity row.
    """

    site: str
    skill: str
    channel: str
    cap_contacts: np.ndarray
    save_agents_per_contact: np.ndarray
    cost_per_contact: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """Everything the model needs, as arrays over the UTC interval grid."""

    n_intervals: int
    interval_min: int
    pools: tuple[PoolSpec, ...]
    columns: tuple[PatternColumn, ...]
    need: dict[tuple[str, str], np.ndarray]
    open_mask: dict[str, np.ndarray]
    arcs: tuple[Arc, ...] = ()
    receivers: dict[tuple[str, str], Receiver] = field(default_factory=dict)
    max_days_per_week: int = 5
    max_h_per_week: float = 40.0
    min_rest_min: float = 0.0
    min_agents_on_queue: int = 0
    horizon_days: int = 7
    shortfall_cost: float = 100.0
    overstaff_cost: float = 0.25
    overflow_cost_per_contact: float = 0.0
    ai_moves: tuple[AiMove, ...] = ()
    ai_sessions_per_contact: dict[str, float] = field(default_factory=dict)
    ai_free_sessions: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Solution:
    """Values of the solved model.

    Attributes
    ----------
    counts : numpy.ndarray of int
        Agents per pattern column.
    on_queue : dict of int to numpy.ndarray
        On-queue agents per pool index and interval.
    allocated : dict of (str, str) to numpy.ndarray
        On-queue agents (proficiency-weighted) per (site, skill) and interval.
    shortfall, surplus : dict of (str, str) to numpy.ndarray
        Per (site, skill) and interval [agents].
    required : dict of (str, str) to numpy.ndarray
        Requirement after overflow, as the model priced it [agents].
    flows : dict of int to numpy.ndarray
        Contacts per arc index and interval.
    status, objective, best_bound, lp_bound, wall_s : as in SolveResult
    """

    counts: np.ndarray
    on_queue: dict[int, np.ndarray]
    allocated: dict[tuple[str, str], np.ndarray]
    shortfall: dict[tuple[str, str], np.ndarray]
    surplus: dict[tuple[str, str], np.ndarray]
    required: dict[tuple[str, str], np.ndarray]
    flows: dict[int, np.ndarray]
    ai_contacts: dict[int, np.ndarray]
    status: str
    objective: float
    best_bound: float
    lp_bound: float
    wall_s: float
    solver: str
    detail: dict


class _Built:
    """Handles of one built model."""

    def __init__(self) -> None:
        self.x: list[Any] = []
        self.y: dict[tuple[int, str, int], Any] = {}
        self.short: dict[tuple[str, str, int], Any] = {}
        self.over: dict[tuple[str, str, int], Any] = {}
        self.flow: dict[tuple[int, int], Any] = {}
        self.z: dict[tuple[str, str, int], Any] = {}
        self.ai: dict[tuple[int, int], Any] = {}


def _build(
    problem: Problem, solver: pywraplp.Solver, integer: bool, lower: np.ndarray | None = None
) -> _Built:
    inf = solver.infinity()
    b = _Built()
    n = problem.n_intervals
    step_h = problem.interval_min / 60.0
    objective = solver.Objective()
    # pattern columns
    pool_time: dict[tuple[int, int], list[tuple[int, float]]] = {}
    for j, col in enumerate(problem.columns):
        lo = float(lower[j]) if lower is not None else 0.0
        var = solver.IntVar(lo, inf, f"x{j}") if integer else solver.NumVar(lo, inf, f"x{j}")
        b.x.append(var)
        pool = problem.pools[col.pool]
        objective.SetCoefficient(var, pool.cost_per_h * col.paid_h)
        for i, a in zip(col.intervals, col.on_queue_rate, strict=True):
            pool_time.setdefault((col.pool, int(i)), []).append((j, float(a)))
    # pool time rows with skill allocation
    cover_terms: dict[tuple[str, str, int], list[tuple[Any, float]]] = {}
    for (p, i), terms in sorted(pool_time.items()):
        pool = problem.pools[p]
        row = solver.Constraint(0.0, 0.0, f"pool{p}_{i}")
        for j, a in terms:
            row.SetCoefficient(b.x[j], a)
        for skill, prof in zip(pool.skills, pool.proficiency, strict=True):
            yv = solver.NumVar(0.0, inf, f"y{p}_{skill}_{i}")
            b.y[(p, skill, i)] = yv
            row.SetCoefficient(yv, -1.0)
            cover_terms.setdefault((pool.site, skill, i), []).append((yv, prof))
    # overflow flows
    for a_idx, arc in enumerate(problem.arcs):
        for i in np.flatnonzero(arc.cap_contacts > 1e-9):
            fv = solver.NumVar(0.0, float(arc.cap_contacts[i]), f"f{a_idx}_{i}")
            b.flow[(a_idx, int(i))] = fv
            objective.SetCoefficient(fv, problem.overflow_cost_per_contact)
            cover_terms.setdefault((arc.from_site, arc.skill, int(i)), []).append(
                (fv, float(arc.save_agents_per_contact[i]))
            )
    out_rows: dict[tuple[str, str, int], Any] = {}
    for (a_idx, i), fv in b.flow.items():
        arc = problem.arcs[a_idx]
        key = (arc.from_site, arc.skill, i)
        if key not in out_rows:
            out_rows[key] = solver.Constraint(-inf, float(arc.cap_contacts[i]), f"cap_{key}")
        out_rows[key].SetCoefficient(fv, 1.0)
    in_flows: dict[tuple[str, str, int], list] = {}
    for (a_idx, i), fv in b.flow.items():
        arc = problem.arcs[a_idx]
        in_flows.setdefault((arc.to_site, arc.skill, i), []).append(
            (fv, float(arc.cap_contacts[i]))
        )
    for (site, skill, i), fvs in in_flows.items():
        rec = problem.receivers[(site, skill)]
        zv = (
            solver.IntVar(0, 1, f"z{site}_{skill}_{i}")
            if integer
            else solver.NumVar(0, 1, f"z{site}_{skill}_{i}")
        )
        b.z[(site, skill, i)] = zv
        recv_terms = cover_terms.setdefault((site, skill, i), [])
        recv_terms.append((zv, -float(rec.fixed_agents[i])))
        for fv, cap in fvs:
            # per-arc link f ≤ cap · z (tighter than one aggregate row with the summed cap)
            link = solver.Constraint(-inf, 0.0, f"link_{site}_{skill}_{i}_{len(recv_terms)}")
            link.SetCoefficient(fv, 1.0)
            link.SetCoefficient(zv, -cap)
            recv_terms.append((fv, -float(rec.agents_per_contact[i])))
    # contacts handed to AI agents within the split's bounds and AI capacity
    capacity_rows: dict[tuple[str, int], Any] = {}
    for m_idx, move in enumerate(problem.ai_moves):
        for i in np.flatnonzero(move.cap_contacts > 1e-9):
            av = solver.NumVar(0.0, float(move.cap_contacts[i]), f"ai{m_idx}_{i}")
            b.ai[(m_idx, int(i))] = av
            objective.SetCoefficient(av, move.cost_per_contact)
            cover_terms.setdefault((move.site, move.skill, int(i)), []).append(
                (av, float(move.save_agents_per_contact[i]))
            )
            free = problem.ai_free_sessions.get(move.channel)
            if free is None:
                continue
            cap_key = (move.channel, int(i))
            if cap_key not in capacity_rows:
                capacity_rows[cap_key] = solver.Constraint(
                    -inf, float(max(free[i], 0.0)), f"aicap_{move.channel}_{i}"
                )
            capacity_rows[cap_key].SetCoefficient(av, problem.ai_sessions_per_contact[move.channel])
    # cover rows
    keys = set(cover_terms)
    for (site, skill), need in problem.need.items():
        keys.update((site, skill, int(i)) for i in np.flatnonzero(need > 0))
    for key in sorted(keys):
        site, skill, i = key
        row_need = problem.need.get((site, skill))
        rhs = float(row_need[i]) if row_need is not None else 0.0
        row = solver.Constraint(rhs, rhs, f"cover_{site}_{skill}_{i}")
        sv = solver.NumVar(0.0, inf, f"s_{site}_{skill}_{i}")
        uv = solver.NumVar(0.0, inf, f"u_{site}_{skill}_{i}")
        b.short[key], b.over[key] = sv, uv
        row.SetCoefficient(sv, 1.0)
        row.SetCoefficient(uv, -1.0)
        objective.SetCoefficient(sv, problem.shortfall_cost * step_h)
        objective.SetCoefficient(uv, problem.overstaff_cost * step_h)
        for var, coef in cover_terms.get(key, []):
            row.SetCoefficient(var, coef)
    _weekly_rows(problem, solver, b)
    # minimum on queue while open
    if problem.min_agents_on_queue > 0:
        for site, mask in problem.open_mask.items():
            pools = [p for p, spec in enumerate(problem.pools) if spec.site == site]
            for i in np.flatnonzero(mask):
                row = solver.Constraint(float(problem.min_agents_on_queue), inf, f"min_{site}_{i}")
                for p in pools:
                    for j, a in pool_time.get((p, int(i)), []):
                        row.SetCoefficient(b.x[j], a)
    objective.SetMinimization()
    del n
    return b


def _weekly_rows(problem: Problem, solver: pywraplp.Solver, b: _Built) -> None:
    inf = solver.infinity()
    weeks = max(1, -(-problem.horizon_days // 7))
    by_pool: dict[int, list[int]] = {}
    for j, col in enumerate(problem.columns):
        by_pool.setdefault(col.pool, []).append(j)
    for p, cols in by_pool.items():
        head = float(problem.pools[p].headcount)
        days_row = solver.Constraint(-inf, problem.max_days_per_week * head * weeks, f"days{p}")
        hours_row = solver.Constraint(-inf, problem.max_h_per_week * head * weeks, f"hours{p}")
        per_day: dict[int, list[int]] = {}
        for j in cols:
            days_row.SetCoefficient(b.x[j], 1.0)
            hours_row.SetCoefficient(b.x[j], problem.columns[j].paid_h)
            per_day.setdefault(problem.columns[j].day, []).append(j)
        for d, js in per_day.items():
            row = solver.Constraint(-inf, head, f"head{p}_{d}")
            for j in js:
                row.SetCoefficient(b.x[j], 1.0)
        if problem.min_rest_min <= 0:
            continue
        for d, js in per_day.items():
            nxt = per_day.get(d + 1)
            if not nxt:
                continue
            for tau in sorted({problem.columns[j].end_min for j in js}):
                late = [j for j in js if problem.columns[j].end_min >= tau]
                early = [
                    j for j in nxt if problem.columns[j].start_min < tau + problem.min_rest_min
                ]
                if not early:
                    continue
                row = solver.Constraint(-inf, head, f"rest{p}_{d}_{tau}")
                for j in late + early:
                    row.SetCoefficient(b.x[j], 1.0)


def _new_solver(name: str, config: SolverConfig, seed: int) -> pywraplp.Solver:
    solver = pywraplp.Solver.CreateSolver(name)
    if solver is None:
        raise SolverError(f"OR-Tools has no {name} solver in this build")
    if name in ("SCIP", "HIGHS"):
        solver.SetNumThreads(config.num_workers)
    if name == "SCIP":
        solver.SetSolverSpecificParametersAsString(f"randomization/randomseedshift = {seed}\n")
    return solver


def _params(config: SolverConfig) -> pywraplp.MPSolverParameters:
    params = pywraplp.MPSolverParameters()
    params.SetDoubleParam(pywraplp.MPSolverParameters.RELATIVE_MIP_GAP, config.gap_target_rate)
    return params


_STATUS = {
    pywraplp.Solver.OPTIMAL: "OPTIMAL",
    pywraplp.Solver.FEASIBLE: "FEASIBLE",
    pywraplp.Solver.INFEASIBLE: "INFEASIBLE",
    pywraplp.Solver.UNBOUNDED: "UNBOUNDED",
    pywraplp.Solver.ABNORMAL: "ABNORMAL",
    pywraplp.Solver.NOT_SOLVED: "NOT_SOLVED",
}


def solve(problem: Problem, config: SolverConfig, seed: int) -> Solution:
    """Solve ``problem`` as configured (see module notes).

    Raises
    ------
    InfeasibleError
        The hard rules (headcount, weekly rules, minimum on queue) cannot all hold.
    SolverError
        The solver stopped without a schedule (time limit too short, solver failure).
    """
    t0 = time.perf_counter()
    lp = _new_solver("GLOP", config, seed)
    built = _build(problem, lp, integer=False)
    lp_status = lp.Solve()
    if lp_status == pywraplp.Solver.INFEASIBLE:
        raise InfeasibleError(
            "the hard rules (headcount per pool and day, working days, paid "
            "hours, rest, minimum on queue) cannot all be met; relax "
            "min_agents_on_queue or the weekly rules, or raise headcount"
        )
    if lp_status != pywraplp.Solver.OPTIMAL:
        raise SolverError(f"LP relaxation ended with status {_STATUS.get(lp_status, lp_status)}")
    lp_bound = lp.Objective().Value()
    lp_wall = time.perf_counter() - t0
    relaxed = np.array([v.solution_value() for v in built.x])
    detail: dict = {
        "lp_bound": lp_bound,
        "lp_wall_s": round(lp_wall, 3),
        "method": config.method,
        "pattern_columns": len(problem.columns),
    }
    if config.method == "lp_guided":
        deadline = t0 + config.time_limit_s
        rounds = _dive(lp, built, deadline)
        dive_objective = lp.Objective().Value()
        closed = _close_switches(lp, built, deadline)
        moves, tried = _improve(lp, built, problem, deadline, lp_bound, config.gap_target_rate)
        detail["local_search_objective"] = lp.Objective().Value()
        polished = _polish(lp, built, problem, config, seed, relaxed, deadline, lp_bound)
        detail["polish"] = polished
        if polished.get("kept"):
            more, more_tried = _improve(
                lp, built, problem, deadline, lp_bound, config.gap_target_rate
            )
            moves, tried = moves + more, tried + more_tried
        detail["switches_closed"] = closed
        objective, bound, name = lp.Objective().Value(), lp_bound, "GLOP dive"
        detail["dive_rounds"] = rounds
        detail["dive_objective"] = dive_objective
        detail["improving_moves"], detail["moves_tried"] = moves, tried
        detail["variables"], detail["constraints"] = lp.NumVariables(), lp.NumConstraints()
    else:
        del built, lp
        name = _SOLVERS[config.solver]
        mip = _new_solver(name, config, seed)
        built = _build(problem, mip, integer=True)
        remaining_s = max(config.time_limit_s - (time.perf_counter() - t0), 1.0)
        mip.SetTimeLimit(int(remaining_s * 1000))
        status = mip.Solve(_params(config))
        if status == pywraplp.Solver.INFEASIBLE:
            raise InfeasibleError("the hard rules cannot all be met with whole shift counts")
        if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
            raise SolverError(
                f"{name} found no schedule within {config.time_limit_s:g} s "
                f"(status {_STATUS.get(status, status)}); raise "
                "solver.time_limit_s or use method 'lp_guided'"
            )
        objective = mip.Objective().Value()
        bound = max(lp_bound, mip.Objective().BestBound())
        detail["mip_status"] = _STATUS.get(status, str(status))
        detail["variables"], detail["constraints"] = mip.NumVariables(), mip.NumConstraints()
    bound = min(bound, objective)
    gap = (objective - bound) / max(abs(objective), 1e-9)
    out_status = "OPTIMAL" if gap <= 1e-6 else "FEASIBLE"
    sol = _extract(problem, built)
    wall = time.perf_counter() - t0
    return Solution(
        counts=sol["counts"],
        on_queue=sol["on_queue"],
        allocated=sol["allocated"],
        shortfall=sol["shortfall"],
        surplus=sol["surplus"],
        required=sol["required"],
        flows=sol["flows"],
        ai_contacts=sol["ai_contacts"],
        status=out_status,
        objective=objective,
        best_bound=bound,
        lp_bound=lp_bound,
        wall_s=wall,
        solver=name,
        detail=detail,
    )


_INTEGRAL_TOL = 1e-6
# share of the fractional counts fixed per LP re-solve; smaller shares let more counts
# re-balance (on the benchmark's demo week and the demo plan 0.1 ended 0.1-0.2 points of gap
# below 0.2, at about twice the rounds)
_DIVE_SHARE = 0.1
_SWITCH_ON_FROM = 1e-6  # a receiving switch z above this in the relaxation is opened
_MOVES_PER_ROUND = 40  # local-search moves tried before giving up on a round


def _dive(lp: pywraplp.Solver, b: _Built, deadline: float) -> int:
    """Fix shift counts to whole numbers by LP diving; return the number of LP re-solves.

    First every receiving switch z is fixed: open (its fixed charge paid in full) where the
    relaxation gives it any weight, closed otherwise, and the LP re-solved so the shifts
    follow. Then each round keeps every count the relaxation already makes whole, fixes a
    tenth of the fractional counts closest to a whole number (rounded to it) and re-solves
    the LP from its previous basis, so the remaining counts re-balance. Past the deadline
    the remaining fractional counts are rounded up.
    """
    xs = b.x
    fixed = np.zeros(len(xs), dtype=bool)
    rounds = 0
    if b.z:
        opened = [zv.solution_value() > _SWITCH_ON_FROM for zv in b.z.values()]
        for zv, on in zip(b.z.values(), opened, strict=True):
            zv.SetBounds(float(on), float(on))
        status = lp.Solve()
        rounds += 1
        if status != pywraplp.Solver.OPTIMAL:
            raise SolverError(f"LP dive stopped with status {_STATUS.get(status, status)}")
    while True:
        values = np.array([v.solution_value() for v in xs])
        frac = values - np.floor(values)
        whole = (frac < _INTEGRAL_TOL) | (frac > 1 - _INTEGRAL_TOL)
        fractional = np.flatnonzero(~fixed & ~whole)
        if len(fractional) == 0:
            break
        pick = np.flatnonzero(~fixed & whole)
        if time.perf_counter() > deadline:
            chosen, targets = fractional, np.ceil(values[fractional])
        else:
            dist = np.minimum(frac[fractional], 1 - frac[fractional])
            k = max(1, int(len(fractional) * _DIVE_SHARE))
            chosen = fractional[np.argsort(dist, kind="stable")[:k]]
            targets = np.round(values[chosen])
        for j in pick:
            v = float(np.round(values[j]))
            xs[j].SetBounds(v, v)
        fixed[pick] = True
        status = _fix_and_solve(lp, xs, chosen, targets, values)
        fixed[chosen] = True
        rounds += 1
    for j in np.flatnonzero(~fixed):
        v = float(np.round(values[j]))
        xs[j].SetBounds(v, v)
    status = lp.Solve()
    rounds += 1
    if status != pywraplp.Solver.OPTIMAL:
        raise SolverError(f"LP dive stopped with status {_STATUS.get(status, status)}")
    return rounds


def _close_switches(lp: pywraplp.Solver, b: _Built, deadline: float, batches: int = 6) -> int:
    """Close open receiving switches whose fixed charge costs more than their flows save.

    With the switches fixed, a positive reduced cost of an open switch says the model would
    rather not pay its fixed charge. All such switches are closed at once and the LP
    re-solved; the batch is kept if the objective falls, else undone. Repeats while it pays.
    Returns the number of switches closed.
    """
    keys = list(b.z)
    closed = 0
    for _ in range(batches):
        if time.perf_counter() >= deadline or not keys:
            break
        best = lp.Objective().Value()
        rc = [b.z[k].reduced_cost() for k in keys]
        lb = [b.z[k].lb() for k in keys]
        batch = [k for k, r, lo in zip(keys, rc, lb, strict=True) if lo > 0.5 and r > 1e-6]
        if not batch:
            break
        for k in batch:
            b.z[k].SetBounds(0.0, 0.0)
        status = lp.Solve()
        if status == pywraplp.Solver.OPTIMAL and lp.Objective().Value() < best - 1e-6:
            closed += len(batch)
            continue
        for k in batch:
            b.z[k].SetBounds(1.0, 1.0)
        status = lp.Solve()
        if status != pywraplp.Solver.OPTIMAL:
            raise SolverError(f"switch closing ended with LP status {_STATUS.get(status, status)}")
        break
    return closed


def _neighbours(problem: Problem, reach_min: float = 60.0) -> list[np.ndarray]:
    """Columns of the same pool and day starting within ``reach_min`` of each column."""
    groups: dict[tuple[int, int], list[int]] = {}
    for j, col in enumerate(problem.columns):
        groups.setdefault((col.pool, col.day), []).append(j)
    out: list[np.ndarray] = [np.zeros(0, dtype=np.int64)] * len(problem.columns)
    for js in groups.values():
        arr = np.array(js, dtype=np.int64)
        starts = np.array([problem.columns[j].start_min for j in js])
        for k, j in enumerate(js):
            near = arr[(np.abs(starts - starts[k]) <= reach_min) & (arr != j)]
            out[j] = near
    return out


def _improve(
    lp: pywraplp.Solver,
    b: _Built,
    problem: Problem,
    deadline: float,
    bound: float,
    gap_target_rate: float,
) -> tuple[int, int]:
    """Local search on the whole schedule; return (moves kept, moves tried).

    Moves: add one agent to a pattern, drop one, or move one agent to a pattern of the same
    pool and day starting at most an hour apart (other length or break placement). With
    every count fixed, the reduced cost of a count is the objective change per extra agent
    on that pattern while the LP basis holds, so a move's promise is its reduced cost (or
    the difference of two). Moves are tried most promising first and kept when the
    re-solved objective falls; a move that does not pay is undone and not tried again.
    Stops at the deadline, at the target gap, or when no promising move is left.
    """
    xs = b.x
    near = _neighbours(problem)
    best = lp.Objective().Value()
    tabu: set[tuple[int, int]] = set()
    kept = tried = 0
    while time.perf_counter() < deadline:
        if (best - bound) / max(abs(best), 1e-9) <= gap_target_rate:
            break
        rc = np.array([v.reduced_cost() for v in xs])
        counts = np.array([v.lb() for v in xs])
        moves: list[tuple[float, int, int]] = []
        moves += [(rc[j], -1, int(j)) for j in np.flatnonzero(rc < -1e-6)]
        used = np.flatnonzero(counts >= 1)
        moves += [(-rc[j], int(j), -1) for j in used if rc[j] > 1e-6]
        for j in used:
            nb = near[j]
            if len(nb):
                gain = rc[nb] - rc[j]
                moves += [(g, int(j), int(k)) for g, k in zip(gain, nb, strict=True) if g < -1e-6]
        moves = sorted(m for m in moves if (m[1], m[2]) not in tabu)
        improved = False
        for _, out_j, in_j in moves[:_MOVES_PER_ROUND]:
            if time.perf_counter() >= deadline:
                break
            tried += 1
            for col, step in ((out_j, -1), (in_j, 1)):
                if col >= 0:
                    xs[col].SetBounds(counts[col] + step, counts[col] + step)
            status = lp.Solve()
            value = lp.Objective().Value() if status == pywraplp.Solver.OPTIMAL else np.inf
            if value < best - 1e-6:
                best, kept, improved = value, kept + 1, True
                break
            tabu.add((out_j, in_j))
            for col in (out_j, in_j):
                if col >= 0:
                    xs[col].SetBounds(counts[col], counts[col])
        if not improved:
            break
    status = lp.Solve()
    if status != pywraplp.Solver.OPTIMAL:
        raise SolverError(f"local search ended with LP status {_STATUS.get(status, status)}")
    return kept, tried


_POLISH_REACH = 2  # a polished count stays within this many agents of the incumbent's
_POLISH_MIN_S = 2.0  # no polish with less time than this left
_POLISH_NODES = 1000  # SCIP node limit (deterministic stop before the time limit)
# (days per group, day offset) of the polishing passes: single days, then overlapping pairs
_POLISH_PASSES = ((1, 0), (2, 0), (2, 1))
_POLISH_RESERVE_S = 2.0  # left for the final re-solve and local search [s]
_POLISH_SWEEPS = 4  # extra single-day sweeps while one improves
_POLISH_GROUP_S = 10.0  # time limit of one restricted MIP [s]


class _Matrix:
    """A linear model exported to a proto, as sparse arrays, to cut restricted models from."""

    def __init__(self, model: linear_solver_pb2.MPModelProto) -> None:
        from scipy import sparse

        self.n_vars = len(model.variable)
        self.lower = np.array([v.lower_bound for v in model.variable])
        self.upper = np.array([v.upper_bound for v in model.variable])
        self.cost = np.array([v.objective_coefficient for v in model.variable])
        self.integer = np.array([v.is_integer for v in model.variable])
        rows, cols, data = [], [], []
        for r, con in enumerate(model.constraint):
            rows.extend([r] * len(con.var_index))
            cols.extend(con.var_index)
            data.extend(con.coefficient)
        shape = (len(model.constraint), self.n_vars)
        coo = sparse.coo_matrix((data, (rows, cols)), shape=shape)
        self.csc, self.csr = coo.tocsc(), coo.tocsr()
        self.row_lower = np.array([c.lower_bound for c in model.constraint])
        self.row_upper = np.array([c.upper_bound for c in model.constraint])
        self.offset = model.objective_offset

    def restricted(
        self, cols: np.ndarray, values: np.ndarray, lower: np.ndarray, upper: np.ndarray
    ) -> linear_solver_pb2.MPModelRequest:
        """SCIP request over ``cols`` (bounds ``lower``/``upper``), every other column fixed
        at ``values``; rows without a free column are dropped, ``values[cols]`` is the hint.
        Its objective is the whole model's."""
        sub_cols = self.csc[:, cols]
        rows = np.unique(sub_cols.indices)
        fixed = values.copy()
        fixed[cols] = 0.0
        shift = self.csr[rows] @ fixed
        block = sub_cols[rows].tocsr()
        request = linear_solver_pb2.MPModelRequest()
        request.solver_type = linear_solver_pb2.MPModelRequest.SCIP_MIXED_INTEGER_PROGRAMMING
        model = request.model
        model.objective_offset = self.offset + float(self.cost @ fixed)
        for c in cols:
            var = model.variable.add()
            var.lower_bound, var.upper_bound = float(lower[c]), float(upper[c])
            var.objective_coefficient = float(self.cost[c])
            var.is_integer = bool(self.integer[c])
        for r in range(len(rows)):
            con = model.constraint.add()
            lo, hi = block.indptr[r], block.indptr[r + 1]
            con.var_index.extend(block.indices[lo:hi].tolist())
            con.coefficient.extend(block.data[lo:hi].tolist())
            con.lower_bound = float(self.row_lower[rows[r]] - shift[r])
            con.upper_bound = float(self.row_upper[rows[r]] - shift[r])
        model.solution_hint.var_index.extend(range(len(cols)))
        model.solution_hint.var_value.extend(values[cols].tolist())
        return request


def _polish(
    lp: pywraplp.Solver,
    b: _Built,
    problem: Problem,
    config: SolverConfig,
    seed: int,
    relaxed: np.ndarray,
    deadline: float,
    bound: float,
) -> dict:
    """Re-optimise the schedule by restricted MIPs around the incumbent, one site-day at a time.

    Each restricted MIP frees the counts of one site on one day (later two days) on patterns
    the LP relaxation or the incumbent uses, within ``_POLISH_REACH`` agents of the
    incumbent's; the continuous columns of that site and its overflow partners over the
    intervals those patterns cover, and the open receiving switches there (they may close).
    Every other column stays at the incumbent's value (``_Matrix.restricted``). SCIP solves
    it from the incumbent as hint with a node limit and a share of the remaining time; a
    better schedule is taken over at once. At the end the best schedule replaces the
    incumbent in ``lp`` (counts and switches fixed, flows re-solved). The restricted
    problems' bounds are not bounds of the model and are not used. Returns what it did (for
    ``detail``).
    """
    out: dict = {"kept": False}
    remaining = deadline - time.perf_counter()
    best = lp.Objective().Value()
    if remaining < _POLISH_MIN_S:
        out["skipped"] = "time"
        return out
    if (best - bound) / max(abs(best), 1e-9) <= config.gap_target_rate:
        out["skipped"] = "gap"
        return out
    t0 = time.perf_counter()
    current = np.array([round(v.lb()) for v in b.x], dtype=np.int64)
    z_keys = list(b.z)
    z_now = np.array([b.z[k].lb() for k in z_keys])
    mip = _new_solver("SCIP", config, seed)
    mb = _build(problem, mip, integer=True)
    model = linear_solver_pb2.MPModelProto()
    mip.ExportModelToProto(model)
    x_idx = [v.index() for v in mb.x]
    z_idx = [mb.z[k].index() for k in z_keys]
    # continuous columns by site and interval: outside a group's sites (its own and those
    # it exchanges overflow with) and the intervals its patterns cover they stay at the
    # incumbent's values
    by_cell: dict[tuple[str, int], list[int]] = {}
    partners: dict[str, set[str]] = {}
    for (p, _, i), var in mb.y.items():
        by_cell.setdefault((problem.pools[p].site, i), []).append(var.index())
    for key, var in list(mb.short.items()) + list(mb.over.items()):
        by_cell.setdefault((key[0], key[2]), []).append(var.index())
    for (a_idx, i), var in mb.flow.items():
        arc = problem.arcs[a_idx]
        by_cell.setdefault((arc.from_site, i), []).append(var.index())
        by_cell.setdefault((arc.to_site, i), []).append(var.index())
        partners.setdefault(arc.from_site, set()).add(arc.to_site)
        partners.setdefault(arc.to_site, set()).add(arc.from_site)
    for (m_idx, i), var in mb.ai.items():
        by_cell.setdefault((problem.ai_moves[m_idx].site, i), []).append(var.index())
    z_cells: dict[tuple[str, int], list[int]] = {}
    for k, on in zip(z_keys, z_now, strict=True):
        if on > 0.5:  # an open switch may close; a closed one stays closed
            z_cells.setdefault((k[0], k[2]), []).append(mb.z[k].index())
    del mip, mb
    whole = _Matrix(model)
    values = np.zeros(whole.n_vars)
    for var in b.x + list(b.z.values()) + list(b.y.values()) + list(b.short.values()):
        values[var.index()] = var.solution_value()
    for var in list(b.over.values()) + list(b.flow.values()) + list(b.ai.values()):
        values[var.index()] = var.solution_value()
    values[x_idx] = current
    support = (relaxed > _INTEGRAL_TOL) | (current > 0)
    site_of = [problem.pools[col.pool].site for col in problem.columns]
    params = f"randomization/randomseedshift = {seed}\nlimits/totalnodes = {_POLISH_NODES}\n"
    incumbent = best
    improved_groups = solved = n_groups = 0
    ok = (
        linear_solver_pb2.MPSolverResponseStatus.MPSOLVER_OPTIMAL,
        linear_solver_pb2.MPSolverResponseStatus.MPSOLVER_FEASIBLE,
    )
    passes = list(_POLISH_PASSES)
    sweeps = 0
    while passes:
        span, shift = passes.pop(0)
        before = improved_groups
        groups: dict[tuple[str, int], list[int]] = {}
        for j, col in enumerate(problem.columns):
            if support[j]:
                groups.setdefault((site_of[j], (col.day + shift) // span), []).append(j)
        order = sorted(groups)
        n_groups += len(order)
        for g_idx, key in enumerate(order):
            left = deadline - _POLISH_RESERVE_S - time.perf_counter()
            gap = (incumbent - bound) / max(abs(incumbent), 1e-9)
            if left < 0.5 or gap <= config.gap_target_rate:
                break
            js = groups[key]
            sites = {key[0]} | partners.get(key[0], set())
            cells = {int(i) for j in js for i in problem.columns[j].intervals}
            free: set[int] = set()
            for st in sites:
                for i in cells:
                    free.update(by_cell.get((st, i), ()))
                    free.update(z_cells.get((st, i), ()))
            lower, upper = whole.lower.copy(), whole.upper.copy()
            for j in js:
                free.add(x_idx[j])
                lower[x_idx[j]] = float(max(0, current[j] - _POLISH_REACH))
                upper[x_idx[j]] = float(current[j] + _POLISH_REACH)
            cols = np.array(sorted(free), dtype=np.int64)
            request = whole.restricted(cols, values, lower, upper)
            request.solver_specific_parameters = params
            request.solver_time_limit_seconds = max(
                min(left / (len(order) - g_idx), _POLISH_GROUP_S), 0.5
            )
            response = linear_solver_pb2.MPSolutionResponse()
            pywraplp.Solver.SolveWithProto(request, response)
            solved += 1
            if response.status in ok and response.objective_value < incumbent - 1e-6:
                values[cols] = np.array(response.variable_value)
                incumbent = float(response.objective_value)
                current = np.round(values[x_idx]).astype(np.int64)
                values[x_idx] = current
                improved_groups += 1
        if span == 1 and improved_groups > before and sweeps < _POLISH_SWEEPS:
            sweeps += 1
            passes.insert(0, (1, 0))  # sweep the single days again while they improve
    out["sweeps"] = sweeps + 1
    z_cur = np.round(values[z_idx])
    out["groups"], out["solved"], out["improved"] = n_groups, solved, improved_groups
    out["support"] = int(support.sum())
    out["wall_s"] = round(time.perf_counter() - t0, 3)
    out["mip_objective"] = incumbent
    counts, z_new = current, list(z_cur)
    current = np.array([round(v.lb()) for v in b.x], dtype=np.int64)
    if improved_groups == 0:
        return out
    for j, var in enumerate(b.x):
        var.SetBounds(float(counts[j]), float(counts[j]))
    for k, on in zip(z_keys, z_new, strict=True):
        b.z[k].SetBounds(float(on), float(on))
    status = lp.Solve()
    if status == pywraplp.Solver.OPTIMAL and lp.Objective().Value() < best - 1e-6:
        out["kept"] = True
        out["objective"] = lp.Objective().Value()
        return out
    for j, var in enumerate(b.x):
        var.SetBounds(float(current[j]), float(current[j]))
    for k, on in zip(z_keys, z_now, strict=True):
        b.z[k].SetBounds(float(on), float(on))
    status = lp.Solve()
    if status != pywraplp.Solver.OPTIMAL:
        raise SolverError(f"polish ended with LP status {_STATUS.get(status, status)}")
    return out


def _fix_and_solve(
    lp: pywraplp.Solver, xs: list, chosen: np.ndarray, targets: np.ndarray, values: np.ndarray
) -> int:
    """Fix ``chosen`` counts to ``targets`` and re-solve; on a hard-rule conflict (headcount,
    minimum on queue) fall back to fixing them one at a time, trying the other rounding."""
    inf = lp.infinity()
    for j, v in zip(chosen, targets, strict=True):
        xs[j].SetBounds(float(v), float(v))
    status = lp.Solve()
    if status == pywraplp.Solver.OPTIMAL:
        return status
    for j in chosen:
        xs[j].SetBounds(0.0, inf)
    for j, v in zip(chosen, targets, strict=True):
        for option in (float(v), float(np.floor(values[j])), float(np.ceil(values[j]))):
            xs[j].SetBounds(option, option)
            status = lp.Solve()
            if status == pywraplp.Solver.OPTIMAL:
                break
        else:
            raise SolverError(
                "LP dive could not round a shift count without breaking a hard "
                "rule (headcount, minimum on queue); try solver.method = 'mip'"
            )
    return status


def _extract(problem: Problem, b: _Built) -> dict:
    n = problem.n_intervals
    counts = np.array([int(round(v.solution_value())) for v in b.x], dtype=np.int64)
    on_queue: dict[int, np.ndarray] = {p: np.zeros(n) for p in range(len(problem.pools))}
    for j, col in enumerate(problem.columns):
        if counts[j]:
            on_queue[col.pool][col.intervals] += counts[j] * col.on_queue_rate
    allocated: dict[tuple[str, str], np.ndarray] = {}
    for (p, skill, i), var in b.y.items():
        pool = problem.pools[p]
        prof = pool.proficiency[pool.skills.index(skill)]
        arr = allocated.setdefault((pool.site, skill), np.zeros(n))
        arr[i] += prof * var.solution_value()
    shortfall: dict[tuple[str, str], np.ndarray] = {}
    surplus: dict[tuple[str, str], np.ndarray] = {}
    for (site, skill, i), var in b.short.items():
        shortfall.setdefault((site, skill), np.zeros(n))[i] = var.solution_value()
        surplus.setdefault((site, skill), np.zeros(n))[i] = b.over[
            (site, skill, i)
        ].solution_value()
    flows: dict[int, np.ndarray] = {}
    for (a_idx, i), var in b.flow.items():
        flows.setdefault(a_idx, np.zeros(n))[i] = var.solution_value()
    required: dict[tuple[str, str], np.ndarray] = {}
    for key, need in problem.need.items():
        required[key] = need.astype(float).copy()
    for a_idx, arc in enumerate(problem.arcs):
        f = flows.get(a_idx)
        if f is None:
            continue
        req = required.setdefault((arc.from_site, arc.skill), np.zeros(n))
        req -= arc.save_agents_per_contact * f
        rec = problem.receivers[(arc.to_site, arc.skill)]
        rreq = required.setdefault((arc.to_site, arc.skill), np.zeros(n))
        rreq += rec.agents_per_contact * f
    for (site, skill, i), var in b.z.items():
        if var.solution_value() > 0.5:
            required[(site, skill)][i] += problem.receivers[(site, skill)].fixed_agents[i]
    for key in list(required):
        required[key] = np.clip(required[key], 0.0, None)
    ai_contacts: dict[int, np.ndarray] = {}
    for (m_idx, i), var in b.ai.items():
        ai_contacts.setdefault(m_idx, np.zeros(n))[i] = var.solution_value()
    for m_idx, a in ai_contacts.items():
        move = problem.ai_moves[m_idx]
        req = required.setdefault((move.site, move.skill), np.zeros(n))
        req -= move.save_agents_per_contact * a
    for key in list(required):
        required[key] = np.clip(required[key], 0.0, None)
    return {
        "ai_contacts": ai_contacts,
        "counts": counts,
        "on_queue": on_queue,
        "allocated": allocated,
        "shortfall": shortfall,
        "surplus": surplus,
        "flows": flows,
        "required": required,
    }
