"""The shift and overflow optimisation model (OR-Tools linear solver wrapper).

Pure: a :class:`~wfm.schedule.problem_data.Problem` (arrays built by ``wfm.schedule.stage``)
in, the model's variable handles out (read back as a :class:`~wfm.schedule.solution.Solution`
by ``wfm.schedule.solution``; the solvers are made in ``wfm.schedule.solvers``); no pandas
tables, no files.

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
``best_bound``; round the receiving switches by LP diving (``search._dive_switches``); fix
the shift counts to whole numbers by LP diving (``search.lp_dive``; when the time limit cuts it, the
fast rounding of ``wfm.schedule.rounding`` finishes from the last LP point); close switches
that do not pay (``search.close_switches``); then a local search adds, drops or moves single
shifts (``search.local_search``); with ``solver.polish``, a sequence of restricted MIPs (one
site and one or two days at a time, around the incumbent, cut out of the whole model)
polishes the schedule (``polish.polish_schedule``), and the local search runs once more.
``mip``: hand the whole model to the MIP solver (its own bound is reported when above the
LP bound).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from ortools.linear_solver import pywraplp

from wfm.schedule.problem_data import Problem


class BuiltModel:
    """Handles of one built model."""

    def __init__(self) -> None:
        self.x: list[Any] = []
        self.y: dict[tuple[int, str, int], Any] = {}
        self.short: dict[tuple[str, str, int], Any] = {}
        self.over: dict[tuple[str, str, int], Any] = {}
        self.flow: dict[tuple[int, int], Any] = {}
        self.z: dict[tuple[str, str, int], Any] = {}
        self.ai: dict[tuple[int, int], Any] = {}
        # the ``≤`` rows of the shift counts alone (``hard_rows``), for the fast rounding
        self.hard: list[tuple[str, np.ndarray, np.ndarray, float]] = []
        # the solver holding the variables (they die with it)
        self.solver: pywraplp.Solver | None = None


def build_schedule_model(
    problem: Problem, solver: pywraplp.Solver, integer: bool, lower: np.ndarray | None = None
) -> BuiltModel:
    """Build the model of ``problem`` in ``solver`` (integer counts and switches when
    ``integer``; counts bounded below by ``lower`` when given); rows and columns are
    created in this order: patterns, pool time, overflow, AI, cover, weekly, minimum."""
    b = BuiltModel()
    b.solver = solver
    pool_time = _pattern_columns(problem, solver, b, integer, lower)
    cover_terms = _pool_rows(problem, solver, b, pool_time)
    _overflow_columns(problem, solver, b, integer, cover_terms)
    _ai_columns(problem, solver, b, cover_terms)
    _cover_rows(problem, solver, b, cover_terms)
    _weekly_rows(problem, solver, b)
    _minimum_rows(problem, solver, b, pool_time)
    solver.Objective().SetMinimization()
    return b


def _pattern_columns(
    problem: Problem,
    solver: pywraplp.Solver,
    b: BuiltModel,
    integer: bool,
    lower: np.ndarray | None,
) -> dict[tuple[int, int], list[tuple[int, float]]]:
    """The shift-count columns x_j at their labour cost; returns the on-queue terms
    (column, share) per pool and interval."""
    inf = solver.infinity()
    objective = solver.Objective()
    pool_time: dict[tuple[int, int], list[tuple[int, float]]] = {}
    for j, col in enumerate(problem.columns):
        lo = float(lower[j]) if lower is not None else 0.0
        var = solver.IntVar(lo, inf, f"x{j}") if integer else solver.NumVar(lo, inf, f"x{j}")
        b.x.append(var)
        pool = problem.pools[col.pool]
        objective.SetCoefficient(var, pool.cost_per_h * col.paid_h)
        for i, a in zip(col.intervals, col.on_queue_rate, strict=True):
            pool_time.setdefault((col.pool, int(i)), []).append((j, float(a)))
    return pool_time


def _pool_rows(
    problem: Problem,
    solver: pywraplp.Solver,
    b: BuiltModel,
    pool_time: dict[tuple[int, int], list[tuple[int, float]]],
) -> dict[tuple[str, str, int], list[tuple[Any, float]]]:
    """Pool time rows with the skill allocation y; returns the cover terms so far per
    (site, skill, interval)."""
    inf = solver.infinity()
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
    return cover_terms


def _overflow_columns(
    problem: Problem,
    solver: pywraplp.Solver,
    b: BuiltModel,
    integer: bool,
    cover_terms: dict[tuple[str, str, int], list[tuple[Any, float]]],
) -> None:
    """Overflow flows f with their caps, receiving switches z with their fixed charge and
    the per-arc links f ≤ cap · z; adds their cover terms to ``cover_terms``."""
    inf = solver.infinity()
    objective = solver.Objective()
    for a_idx, arc in enumerate(problem.arcs):
        for i in map(int, np.flatnonzero(arc.cap_contacts > 1e-9)):
            fv = solver.NumVar(0.0, float(arc.cap_contacts[i]), f"f{a_idx}_{i}")
            b.flow[(a_idx, i)] = fv
            objective.SetCoefficient(fv, problem.overflow_cost_per_contact)
            cover_terms.setdefault((arc.from_site, arc.skill, i), []).append(
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


def _ai_columns(
    problem: Problem,
    solver: pywraplp.Solver,
    b: BuiltModel,
    cover_terms: dict[tuple[str, str, int], list[tuple[Any, float]]],
) -> None:
    """Contacts handed to AI agents within the split's bounds and the AI capacity rows;
    adds their cover terms to ``cover_terms``."""
    inf = solver.infinity()
    objective = solver.Objective()
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


def _cover_rows(
    problem: Problem,
    solver: pywraplp.Solver,
    b: BuiltModel,
    cover_terms: dict[tuple[str, str, int], list[tuple[Any, float]]],
) -> None:
    """One cover row per (site, skill, interval) with a requirement or a term, with its
    shortfall s and surplus u at their penalties."""
    inf = solver.infinity()
    objective = solver.Objective()
    step_h = problem.interval_min / 60.0
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


def _minimum_rows(
    problem: Problem,
    solver: pywraplp.Solver,
    b: BuiltModel,
    pool_time: dict[tuple[int, int], list[tuple[int, float]]],
) -> None:
    """``min_agents_on_queue`` on-queue agents at every site in every open interval."""
    if problem.min_agents_on_queue <= 0:
        return
    inf = solver.infinity()
    for site, mask in problem.open_mask.items():
        pools = [p for p, spec in enumerate(problem.pools) if spec.site == site]
        for i in np.flatnonzero(mask):
            row = solver.Constraint(float(problem.min_agents_on_queue), inf, f"min_{site}_{i}")
            for p in pools:
                for j, a in pool_time.get((p, int(i)), []):
                    row.SetCoefficient(b.x[j], a)


def _weekly_rows(problem: Problem, solver: pywraplp.Solver, b: BuiltModel) -> None:
    b.hard = hard_rows(problem)
    for name, cols, coefs, upper in b.hard:
        row = solver.Constraint(-solver.infinity(), upper, name)
        for j, a in zip(cols, coefs, strict=True):
            row.SetCoefficient(b.x[j], a)


def hard_rows(problem: Problem) -> list[tuple[str, np.ndarray, np.ndarray, float]]:
    """The ``≤`` rows of the shift counts alone: working days and paid hours per pool,
    headcount per pool and day, rest between consecutive days.

    Returns
    -------
    list of (name, columns, coefficients, upper bound)
        In the order the model builds them; every coefficient is positive.
    """
    out: list[tuple[str, np.ndarray, np.ndarray, float]] = []
    weeks = max(1, -(-problem.horizon_days // 7))
    by_pool: dict[int, list[int]] = {}
    for j, col in enumerate(problem.columns):
        by_pool.setdefault(col.pool, []).append(j)
    for p, cols in by_pool.items():
        head = float(problem.pools[p].headcount)
        arr = np.array(cols, dtype=np.int64)
        paid = np.array([problem.columns[j].paid_h for j in cols])
        out.append((f"days{p}", arr, np.ones(len(cols)), problem.max_days_per_week * head * weeks))
        out.append((f"hours{p}", arr, paid, problem.max_h_per_week * head * weeks))
        per_day: dict[int, list[int]] = {}
        for j in cols:
            per_day.setdefault(problem.columns[j].day, []).append(j)
        for d, js in per_day.items():
            out.append((f"head{p}_{d}", np.array(js, dtype=np.int64), np.ones(len(js)), head))
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
                both = np.array(late + early, dtype=np.int64)
                out.append((f"rest{p}_{d}_{tau}", both, np.ones(len(both)), head))
    return out
