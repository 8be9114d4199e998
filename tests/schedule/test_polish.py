"""The restricted-MIP polish of the lp_guided method, and the reported bound."""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
import pytest
from ortools.linear_solver import pywraplp

from wfm.core.config import SolverConfig
from wfm.core.errors import ConfigError
from wfm.schedule import model, polish, schedule_shifts
from wfm.schedule.problem_data import PatternColumn, PoolSpec, Problem

from .conftest import make_requirements

DAY = dt.date(2026, 1, 13)  # a Tuesday


def _column(start: int, length: int, paid_h: float) -> PatternColumn:
    return PatternColumn(
        pool=0,
        day=0,
        intervals=np.arange(start, start + length),
        on_queue_rate=np.ones(length),
        paid_h=paid_h,
        start_min=60.0 * start,
        end_min=60.0 * (start + length),
    )


def _problem() -> Problem:
    # one agent needed for 8 h: two 4 h shifts (8 paid hours) or one 8 h shift with 7 paid
    # hours (an unpaid hour): the whole optimum is the single long shift, 7 h × 10 = 70
    return Problem(
        n_intervals=8,
        interval_min=60,
        pools=(
            PoolSpec(
                site="a", name="p", skills=("k",), proficiency=(1.0,), headcount=5, cost_per_h=10.0
            ),
        ),
        columns=(_column(0, 4, 4.0), _column(4, 4, 4.0), _column(0, 8, 7.0)),
        need={("a", "k"): np.ones(8)},
        open_mask={"a": np.ones(8, dtype=bool)},
        shortfall_cost=100.0,
        overstaff_cost=0.0,
    )


def test_polish_moves_a_poor_schedule_to_the_known_optimum():
    problem = _problem()
    config = SolverConfig(gap_target_rate=0.0)
    lp = pywraplp.Solver.CreateSolver("GLOP")
    built = model.build_schedule_model(problem, lp, integer=False)
    assert lp.Solve() == pywraplp.Solver.OPTIMAL
    bound = lp.Objective().Value()
    relaxed = np.array([v.solution_value() for v in built.x])
    for var, count in zip(built.x, (1, 1, 0), strict=True):  # two short shifts: 80
        var.SetBounds(count, count)
    assert lp.Solve() == pywraplp.Solver.OPTIMAL
    assert lp.Objective().Value() == pytest.approx(80.0)
    out = polish.polish_schedule(
        lp, built, problem, config, 0, relaxed, time.perf_counter() + 30.0, bound
    )
    assert out["kept"]
    assert lp.Objective().Value() == pytest.approx(70.0)
    assert [round(v.lb()) for v in built.x] == [0, 0, 1]


def test_polish_skips_at_the_target_gap():
    problem = _problem()
    lp = pywraplp.Solver.CreateSolver("GLOP")
    built = model.build_schedule_model(problem, lp, integer=False)
    lp.Solve()
    relaxed = np.array([v.solution_value() for v in built.x])
    out = polish.polish_schedule(
        lp,
        built,
        problem,
        SolverConfig(gap_target_rate=0.5),
        0,
        relaxed,
        time.perf_counter() + 30.0,
        lp.Objective().Value(),
    )
    assert not out["kept"] and out["skipped"] == "gap"


def test_bound_below_objective_and_gap_never_negative(two_sites, build):
    sc = build(two_sites)
    req = make_requirements(sc, "lyon", {"voice_open": 1100, "voice_premium": 250}, DAY)
    res = schedule_shifts(req, sc)
    s = res.solve
    assert s.best_bound <= s.objective + 1e-6
    assert s.best_bound == pytest.approx(s.detail["lp_bound"])
    assert s.gap_rate >= 0.0
    assert s.objective <= s.detail["local_search_objective"] + 1e-6
    assert "polish" in s.detail


def test_polish_is_off_unless_the_scenario_asks_for_it(two_sites, build):
    assert SolverConfig().polish is False
    sc = build(two_sites)
    req = make_requirements(sc, "lyon", {"voice_open": 1100, "voice_premium": 250}, DAY)
    assert schedule_shifts(req, sc).solve.detail["polish"] == {"kept": False, "skipped": "off"}
    two_sites["solver"] |= {"polish": True, "gap_target_rate": 0.0}
    on = build(two_sites)
    assert on.solver.polish is True
    polished = schedule_shifts(req, on).solve.detail["polish"]
    # it ran (a run has its groups) or was skipped for lack of time, never for being off
    assert polished.get("skipped") != "off"
    assert "groups" in polished or polished["skipped"] == "time"


def test_polish_setting_must_be_a_boolean(two_sites, build):
    two_sites["solver"]["polish"] = "yes"
    with pytest.raises(ConfigError, match="solver.polish"):
        build(two_sites)


def _two_site_problem() -> Problem:
    # the one-site problem above twice, at sites a and b that share no row: the polish can
    # solve their restricted MIPs at once, in worker processes; optimum 2 × 70
    one = _problem()
    columns = one.columns + tuple(
        PatternColumn(
            pool=1,
            day=c.day,
            intervals=c.intervals,
            on_queue_rate=c.on_queue_rate,
            paid_h=c.paid_h,
            start_min=c.start_min,
            end_min=c.end_min,
        )
        for c in one.columns
    )
    pool_b = PoolSpec(
        site="b", name="p", skills=("k",), proficiency=(1.0,), headcount=5, cost_per_h=10.0
    )
    return Problem(
        n_intervals=8,
        interval_min=60,
        pools=(one.pools[0], pool_b),
        columns=columns,
        need={("a", "k"): np.ones(8), ("b", "k"): np.ones(8)},
        open_mask={"a": np.ones(8, dtype=bool), "b": np.ones(8, dtype=bool)},
        shortfall_cost=100.0,
        overstaff_cost=0.0,
    )


@pytest.mark.parametrize("workers", [1, 2])
def test_polish_in_worker_processes_reaches_the_same_optimum(workers):
    problem = _two_site_problem()
    config = SolverConfig(gap_target_rate=0.0, num_workers=workers)
    lp = pywraplp.Solver.CreateSolver("GLOP")
    built = model.build_schedule_model(problem, lp, integer=False)
    lp.Solve()
    bound = lp.Objective().Value()
    relaxed = np.array([v.solution_value() for v in built.x])
    for var, count in zip(built.x, (1, 1, 0, 1, 1, 0), strict=True):  # 2 × 80
        var.SetBounds(count, count)
    assert lp.Solve() == pywraplp.Solver.OPTIMAL
    assert lp.Objective().Value() == pytest.approx(160.0)
    out = polish.polish_schedule(
        lp, built, problem, config, 0, relaxed, time.perf_counter() + 60.0, bound
    )
    assert out["workers"] == workers
    assert out["kept"] and out["improved"] == 2
    assert lp.Objective().Value() == pytest.approx(140.0)
    assert [round(v.lb()) for v in built.x] == [0, 0, 1, 0, 0, 1]
