"""The restricted-MIP polish of the lp_guided method, and the reported bound."""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
import pytest
from ortools.linear_solver import pywraplp

from wfm.core.config import SolverConfig
from wfm.schedule import model, polish, schedule_shifts
from wfm.schedule.model import PatternColumn, PoolSpec, Problem

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
    built = model._build(problem, lp, integer=False)
    assert lp.Solve() == pywraplp.Solver.OPTIMAL
    bound = lp.Objective().Value()
    relaxed = np.array([v.solution_value() for v in built.x])
    for var, count in zip(built.x, (1, 1, 0), strict=True):  # two short shifts: 80
        var.SetBounds(count, count)
    assert lp.Solve() == pywraplp.Solver.OPTIMAL
    assert lp.Objective().Value() == pytest.approx(80.0)
    out = polish._polish(lp, built, problem, config, 0, relaxed, time.perf_counter() + 30.0, bound)
    assert out["kept"]
    assert lp.Objective().Value() == pytest.approx(70.0)
    assert [round(v.lb()) for v in built.x] == [0, 0, 1]


def test_polish_skips_at_the_target_gap():
    problem = _problem()
    lp = pywraplp.Solver.CreateSolver("GLOP")
    built = model._build(problem, lp, integer=False)
    lp.Solve()
    relaxed = np.array([v.solution_value() for v in built.x])
    out = polish._polish(
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
