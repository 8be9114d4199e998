"""Solve a :class:`RosterProblem` with CP-SAT and read the roster back."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from wfm.core.errors import InfeasibleError, SolverError
from wfm.core.results import SolveResult
from wfm.roster.check import RosterCheck, check_roster
from wfm.roster.columns import relax
from wfm.roster.decompose import solve_decomposed
from wfm.roster.diving import dive
from wfm.roster.greedy import greedy_roster
from wfm.roster.labels import compile_kernel
from wfm.roster.lns import improve
from wfm.roster.model import build_model, hint_roster, read_roster
from wfm.roster.problem import RosterProblem

# above this many (person, day, shift type) triples a problem is solved by days then shifts
DECOMPOSE_ABOVE = 20_000
# the search over the whole roster stops at its first roster found after this share of the
# time limit (the large-neighbourhood search improves a roster faster than it does)
FIRST_SEARCH_RATE = 0.02
# workers of that search, whatever the cores: CP-SAT's portfolio (several strategies, its own
# neighbourhood searches) finds a first roster and a bound sooner than 2 workers do; the time
# limit is wall-clock, so it holds on any number of cores
FIRST_SEARCH_WORKERS = 8
# at most this many (person, day, shift type) booleans the whole roster is searched to the
# time limit, without the neighbourhood search: a small model is solved exactly, whatever the
# machine's load (a first roster taken on wall-clock time would make it depend on the load),
# with the workers asked for (one worker: the same roster on every run)
LNS_ABOVE = 300
LINEARIZATION_LEVEL = 2
# shares of the time limit by which the pattern relaxation must end, and the dive's branching
# and fixing after it (:mod:`wfm.roster.columns`, :mod:`wfm.roster.diving`), and the exact
# search over the people the dive leaves free after that (it ends sooner when it proves its
# part optimal); the neighbourhood search has the rest
RELAX_RATE, DIVE_RATE, SEARCH_RATE = 0.45, 0.25, 0.15


@dataclass(frozen=True, slots=True)
class RosterSolution:
    """A roster and how it was found.

    Attributes
    ----------
    assignment : dict of (str, int) to str
        (staff id, day) → shift id, for worked days only.
    solve : SolveResult
        Status, objective, best bound, gap and wall time.
    """

    assignment: dict[tuple[str, int], str]
    solve: SolveResult


def solve_roster(
    problem: RosterProblem,
    *,
    time_limit_s: float = 60.0,
    workers: int = 2,
    seed: int = 1,
    hint: dict[tuple[str, int], str] | None = None,
    decompose_above: int = DECOMPOSE_ABOVE,
    lns: bool = True,
) -> RosterSolution:
    """Roster ``problem`` at least weighted penalty.

    Parameters
    ----------
    problem : RosterProblem
    time_limit_s : float
        Wall-clock limit of the search [s].
    workers : int
        CP-SAT search workers.
    seed : int
        Random seed of the search.
    hint : dict, optional
        A roster to start from ((staff id, day) → shift id), e.g. the published one.
    decompose_above : int
        Size (people × days × shift types) above which the roster is found by days then
        shifts (:mod:`wfm.roster.decompose`, status ``DECOMPOSED``) instead of one exact model.
    lns : bool
        Stop the search over the whole roster at its first roster after
        ``FIRST_SEARCH_RATE`` of the time limit, price working patterns against the cover
        and dive from their relaxation until ``RELAX_RATE`` and ``RELAX_RATE + DIVE_RATE``
        of it (:mod:`wfm.roster.columns`; its Lagrangian bound can prove the roster
        optimal), search the people the dive leaves free exactly until their part is proved
        optimal or ``RELAX_RATE + DIVE_RATE + SEARCH_RATE`` of it, and spend what is left
        improving the roster part by part
        (:mod:`wfm.roster.lns`); models of at most ``LNS_ABOVE`` booleans are searched whole
        to the time limit.

    Returns
    -------
    RosterSolution

    Raises
    ------
    InfeasibleError
        The hard rules cannot all be met (cover never causes this: it is soft).
    SolverError
        No roster was found within the time limit (when CP-SAT finds none, the day-by-day
        roster of :func:`greedy_roster` is returned with status ``GREEDY`` if it meets every
        hard rule).
    """
    if lns:
        compile_kernel()  # before the clock: the pattern phase prices with it
    t0 = time.perf_counter()
    if len(problem.staff) * problem.days * len(problem.shifts) > decompose_above:
        return _solve_decomposed(problem, time_limit_s, workers, seed, hint, t0)
    rm = build_model(problem)
    lns = lns and len(rm.x) > LNS_ABOVE
    quick = greedy_roster(problem)
    quick_check = check_roster(problem, quick)  # the day-by-day roster: a fallback if valid
    hint_roster(rm, [s.id for s in problem.staff], hint or quick)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit_s)
    solver.parameters.num_workers = max(int(workers), FIRST_SEARCH_WORKERS if lns else 1)
    solver.parameters.random_seed = int(seed)
    solver.parameters.linearization_level = LINEARIZATION_LEVEL
    stop = _StopAfter(t0 + FIRST_SEARCH_RATE * time_limit_s if lns else math.inf)
    status = solver.solve(rm.model, stop)
    name = solver.status_name(status)
    if status == cp_model.INFEASIBLE:
        raise InfeasibleError(
            "the roster's hard rules cannot all be met (contract hours, rest, consecutive "
            "days, weekends, pinned shifts); relax a contract or a pin"
        )
    steps, relaxation, raw = 0, None, None
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        assignment = read_roster(rm, [s.id for s in problem.staff], solver)
        raw = float(solver.objective_value)
        if status == cp_model.FEASIBLE and _greedy_wins(problem, quick_check, assignment):
            assignment, name = quick, "GREEDY"  # the time limit cut CP-SAT short of the hint
        if status == cp_model.FEASIBLE and lns:
            limits = (t0, float(time_limit_s), int(workers), int(seed))
            assignment, steps, relaxation, proven = _improve(problem, assignment, *limits)
            if proven:
                name = "OPTIMAL"
            elif name == "GREEDY" and assignment != quick:
                name = "FEASIBLE"  # the search improved the day-by-day roster it started from
    elif not quick_check.violations:
        assignment, name = quick, "GREEDY"  # no CP-SAT roster in time: the day-by-day one
    else:
        raise SolverError(f"CP-SAT found no roster within {time_limit_s:.0f} s (status {name})")
    detail = {
        "variables": len(rm.x),
        "solver_wall_s": float(solver.wall_time),
        "conflicts": int(solver.num_conflicts),
        "solver_objective": raw,
        "lns_steps": steps,  # improving neighbourhood searches
        "pattern_rounds": relaxation.rounds if relaxation else 0,
        "patterns": relaxation.patterns if relaxation else 0,
        "relaxation_value": relaxation.value if relaxation else None,
    }
    result = _result(problem, assignment, name, solver, relaxation, t0, seed, detail)
    return RosterSolution(assignment=assignment, solve=result)


def _improve(pb, assignment, t0: float, limit_s: float, workers: int, seed: int):
    """The pattern phase, then the neighbourhood search unless the pattern's bound proved
    the roster optimal: the roster, the search's improving steps, the relaxation, and
    whether the last neighbourhood (the whole roster free) proved it optimal."""
    assignment, relaxation, proven = _from_patterns(pb, assignment, t0, limit_s, workers, seed)
    if proven:  # the status follows from the bound (see _result)
        return assignment, 0, relaxation, False
    assignment, steps, proven = improve(pb, assignment, t0 + limit_s, workers, seed)
    return assignment, steps, relaxation, proven


def _result(pb, assignment, name: str, solver, relaxation, t0: float, seed: int, detail):
    """The solve's outcome: the roster's own cost (a feasible, not optimal, CP-SAT solution
    may carry slack in the under/over and spread variables that its assignment does not
    need), and the higher of CP-SAT's and the pattern relaxation's bound."""
    obj = float(check_roster(pb, assignment).objective)
    bound = float(solver.best_objective_bound)
    if relaxation is not None and relaxation.lower_bound is not None:
        bound = max(bound, math.ceil(relaxation.lower_bound - 1e-6))
    if bound >= obj and name in ("FEASIBLE", "GREEDY"):
        name = "OPTIMAL"  # the pattern relaxation's bound proves it
    if name == "OPTIMAL":  # proved by the first search or by the last neighbourhood
        bound = obj
    elif not math.isfinite(bound) or bound > obj:
        bound = 0.0
    gap = max(0.0, obj - bound) / max(abs(obj), 1e-9) if obj else 0.0
    return SolveResult(
        status=name,
        objective=obj,
        best_bound=bound,
        gap_rate=min(gap, 1.0),
        wall_s=time.perf_counter() - t0,
        num_workers=int(solver.parameters.num_workers),
        seed=int(seed),
        solver="CP-SAT",
        detail=detail,
    )


def _from_patterns(pb, assignment, t0: float, limit_s: float, workers: int, seed: int):
    """The roster the pattern relaxation from ``assignment`` leads to when it is valid and
    cheaper (:mod:`wfm.roster.columns`, :mod:`wfm.roster.diving`), the relaxation, and
    whether its Lagrangian bound proves that roster optimal."""
    master, relaxation = relax(pb, assignment, t0 + RELAX_RATE * limit_s, workers)
    found = dive(
        master,
        relaxation,
        t0 + (RELAX_RATE + DIVE_RATE) * limit_s,
        workers,
        seed,
        search_deadline=t0 + (RELAX_RATE + DIVE_RATE + SEARCH_RATE) * limit_s,
    )
    cost = check_roster(pb, assignment).objective
    if found is not None:
        check = check_roster(pb, found)
        if not check.violations and check.objective < cost:
            assignment, cost = found, check.objective
    return assignment, relaxation, relaxation.proves(cost)


def _greedy_wins(problem: RosterProblem, quick: RosterCheck, assignment: dict) -> bool:
    """The day-by-day roster (checked as ``quick``) is valid and costs less than
    ``assignment``."""
    return not quick.violations and quick.objective < check_roster(problem, assignment).objective


class _StopAfter(cp_model.CpSolverSolutionCallback):
    """Stops the search at the first roster found after ``at`` (a ``perf_counter`` value)."""

    def __init__(self, at: float) -> None:
        super().__init__()
        self.at = at

    def on_solution_callback(self) -> None:
        if time.perf_counter() >= self.at:
            self.stop_search()


def _solve_decomposed(problem, time_limit_s, workers, seed, hint, t0) -> RosterSolution:
    """Days then shifts; the day-by-day greedy roster when it is better or nothing else."""
    quick = greedy_roster(problem)
    found, status = solve_decomposed(problem, hint or quick, time_limit_s, workers, seed)
    options = []
    for name, asg in (("DECOMPOSED", found), ("GREEDY", quick)):
        check = check_roster(problem, asg)
        if asg and not check.violations:
            options.append((check.objective, name, asg))
    if not options:
        if status == "INFEASIBLE":
            raise InfeasibleError(
                "the roster's day rules cannot all be met (days per week, consecutive days, "
                "weekends, pinned shifts); relax a contract or a pin"
            )
        raise SolverError(f"no valid roster within {time_limit_s:.0f} s (day model {status})")
    obj, name, assignment = min(options, key=lambda o: o[0])
    result = SolveResult(
        status=name,
        objective=float(obj),
        best_bound=0.0,  # the decomposition proves no bound
        gap_rate=1.0 if obj else 0.0,
        wall_s=time.perf_counter() - t0,
        num_workers=int(workers),
        seed=int(seed),
        solver="CP-SAT days + assignment",
        detail={"day_model_status": status, "variables": len(problem.staff) * problem.days},
    )
    return RosterSolution(assignment=assignment, solve=result)
