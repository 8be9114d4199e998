"""A time limit never ends a plan without a schedule: the fast rounding of an LP point, the
stage and ``wfm schedule`` with a limit far too short for the LP dive."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import json
import math
from types import SimpleNamespace

import numpy as np
import pytest
from click.testing import CliRunner
from ortools.linear_solver import pywraplp

from wfm.cli import main
from wfm.core.schemas import REQUIREMENTS
from wfm.io.tables import write_table
from wfm.schedule import optimiser, polish, schedule_shifts, search, solvers
from wfm.schedule.problem_data import PatternColumn, PoolSpec, Problem
from wfm.schedule.rounding import round_fast

from .conftest import make_requirements

DAY = dt.date(2026, 1, 13)  # a Tuesday
# far below the time it takes to build and solve the LP relaxation, so the LP dive always
# starts past its deadline and the run is deterministic
TINY_LIMIT_S = 1e-6
# clock readings before the deadline in the mid-dive test (two readings per LP round)
LIMIT_TICKS = 12.0


def _column(start: int, length: int, day: int = 0) -> PatternColumn:
    return PatternColumn(
        pool=0,
        day=day,
        intervals=np.arange(start, start + length),
        on_queue_rate=np.ones(length),
        paid_h=float(length),
        start_min=60.0 * start,
        end_min=60.0 * (start + length),
    )


def _problem(columns, n: int, headcount: int, shortfall_cost: float = 100.0, **rules) -> Problem:
    pool = PoolSpec(
        site="a", name="p", skills=("k",), proficiency=(1.0,), headcount=headcount, cost_per_h=10.0
    )
    return Problem(
        n_intervals=n,
        interval_min=60,
        pools=(pool,),
        columns=tuple(columns),
        need={("a", "k"): np.ones(n)},
        open_mask={"a": np.ones(n, dtype=bool)},
        shortfall_cost=shortfall_cost,
        overstaff_cost=0.0,
        **rules,
    )


def test_fast_rounding_restores_the_lp_cover_greedily_within_headcount():
    # four hourly intervals; 2 h shifts at 0, 1, 2 and a 4 h shift at 0; headcount 3.
    # LP point (1.5, 0.6, 0.7, 0): on-queue 1.5, 2.1, 1.3, 0.7. Rounded down (1, 0, 0, 0)
    # leaves 0.5, 1.1, 1.3, 0.7 short. Values at 100 per short agent-hour less 10 per paid
    # hour: 130, 180, 150 and 320 − 40 = 280 → the 4 h shift; then 0, 0.1, 0.3, 0 short:
    # −10, 20, 10, 0 → the shift at 1; then nothing short. Headcount 1 + 1 + 1 = 3.
    problem = _problem([_column(0, 2), _column(1, 2), _column(2, 2), _column(0, 4)], 4, 3)
    counts, info = round_fast(problem, np.array([1.5, 0.6, 0.7, 0.0]))
    assert counts.tolist() == [1, 1, 0, 1]
    assert info == {
        "counts_rounded_down": 3,
        "shifts_added": 2,
        "min_on_queue_short_agent_h": 0.0,
    }


def test_fast_rounding_never_breaks_working_days_and_leaves_the_rest_short():
    # two days, one 4 h shift each, headcount 1 and one working day a week: the LP point
    # (0.5, 0.5) meets the days row (1 ≤ 1). Both shifts are worth 4 × 0.5 × 100 − 40 =
    # 160; the tie goes to the first, after which the second no longer fits the days row
    # and day 2 stays short (shortfall, which the model allows at its penalty).
    problem = _problem(
        [_column(0, 4, day=0), _column(4, 4, day=1)], 8, 1, max_days_per_week=1, horizon_days=2
    )
    counts, info = round_fast(problem, np.array([0.5, 0.5]))
    assert counts.tolist() == [1, 0]
    assert info["shifts_added"] == 1


def test_fast_rounding_meets_the_minimum_on_queue_first():
    # shortfall costs 1 per agent-hour, so only min_agents_on_queue = 1 makes a shift pay.
    # LP point (0.5, 0.5, 0.5): one agent in every interval. Rounded down: nobody; the
    # 4 h shift covers four agent-hours of the minimum, the 2 h shifts two → the 4 h one.
    problem = _problem(
        [_column(0, 2), _column(2, 2), _column(0, 4)], 4, 5, 1.0, min_agents_on_queue=1
    )
    counts, info = round_fast(problem, np.array([0.5, 0.5, 0.5]))
    assert counts.tolist() == [0, 0, 1]
    assert info["min_on_queue_short_agent_h"] == 0.0


def _tight(two_sites: dict, limit_s: float) -> dict:
    # every pool at 20 agents, and more demand than Lyon's pools can take: the LP uses whole
    # pools with fractional counts, so rounding them all up breaks the headcount
    d = copy.deepcopy(two_sites)
    for site in d["sites"].values():
        for pool in site["pools"].values():
            pool["headcount"] = 20
    d["solver"]["time_limit_s"] = limit_s
    return d


def _tight_requirements(sc):
    return make_requirements(sc, "lyon", {"voice_open": 3000.0, "voice_premium": 1500.0}, DAY)


def test_stage_past_its_time_limit_returns_a_feasible_schedule(two_sites, build):
    sc = build(_tight(two_sites, TINY_LIMIT_S))
    res = schedule_shifts(_tight_requirements(sc), sc)
    s = res.solve
    assert s.status == "FEASIBLE"
    assert math.isfinite(s.gap_rate) and 0.0 < s.gap_rate < 0.05
    assert s.best_bound <= s.objective
    assert s.best_bound == pytest.approx(s.detail["lp_bound"])
    assert s.detail["fast_rounding"]["reason"] == "time limit"
    assert any("time limit" in note and "fast rounding" in note for note in res.notes)
    per_day = res.table.groupby(["site", "pool", "local_date"])["agents"].sum()
    assert per_day.max() <= 20
    total = res.tables["cost"].query("item == 'total'")["cost"].sum()
    assert total == pytest.approx(s.objective, rel=1e-6)
    again = schedule_shifts(_tight_requirements(sc), sc)
    assert again.table.equals(res.table)


def test_dive_cut_midway_rounds_from_its_current_lp_point(two_sites, build, monkeypatch):
    # a clock that moves one second per reading: the switch dive and the shift dive get a
    # few LP rounds, then the deadline passes with counts still fractional (deterministic)
    ticks = itertools.count()
    clock = SimpleNamespace(perf_counter=lambda: float(next(ticks)))
    for module in (optimiser, search, solvers, polish):
        monkeypatch.setattr(module, "time", clock)
    sc = build(_tight(two_sites, LIMIT_TICKS))
    res = schedule_shifts(_tight_requirements(sc), sc)
    s = res.solve
    finish = s.detail["fast_rounding"]
    assert finish["reason"] == "time limit"
    # t0 and the relaxation's wall take readings 0 and 1; a round starts at 2, 4, …, 10
    # (each takes one tick and fits); at 12 the next would end at 13, past the deadline:
    # five rounds and the fast rounding's re-solve
    assert s.detail["dive_rounds"] == 6
    assert finish["counts_rounded_down"] > 0
    assert s.status == "FEASIBLE" and s.best_bound <= s.objective
    per_day = res.table.groupby(["site", "pool", "local_date"])["agents"].sum()
    assert per_day.max() <= 20


SCENARIO = """
name = "tight"
interval_min = 60
horizon_days = 1
seed = 3

[channels.voice]
queue_model = "realtime"

[segments.premium]
channels = ["voice"]
onshore_only = true
in_house_only = true

[segments.open]
channels = ["voice"]

[skills.voice_premium]
channel = "voice"
segments = ["premium"]

[skills.voice_open]
channel = "voice"
segments = ["open"]

[regions.france]
onshore = true

[regions.maghreb]
onshore = false

[overflow]
pairs = [["france", "maghreb"]]
max_overflow_rate = 0.25
cost_per_contact = 0.3

[sites.lyon]
region = "france"
tz = "Europe/Paris"
cost_per_h = 34.0
hours = { tue = "08:00-20:00" }
pools.premium = { skills = ["voice_premium"], headcount = 20 }
pools.generalist = { skills = ["voice_open"], headcount = 20 }

[sites.tunis]
region = "maghreb"
tz = "Africa/Tunis"
cost_per_h = 14.0
outsourced = true
hours = { tue = "07:00-21:00" }
pools.voice = { skills = ["voice_open"], headcount = 20 }

[shrinkage]
default_rate = 0.3

[shifts]
start_step_min = 60
lengths_min = [240, 480]
earliest_start_local = "07:00"
latest_end_local = "21:00"
breaks = [
  { length_min = 60, earliest_after_min = 180, latest_after_min = 300, min_shift_length_min = 480 },
]

[solver]
time_limit_s = 0.000001
num_workers = 1
"""


def test_cli_with_a_limit_too_short_for_the_dive_writes_the_schedule(tmp_path, two_sites, build):
    scenario = tmp_path / "scenario.toml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    sc = build(_tight(two_sites, TINY_LIMIT_S))
    req = tmp_path / "requirements.csv"
    write_table(_tight_requirements(sc), req, REQUIREMENTS)
    out = tmp_path / "plan"
    result = CliRunner().invoke(
        main, ["schedule", str(scenario), "--requirements", str(req), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "FEASIBLE" in result.output and "time limit" in result.output
    assert (out / "schedule.csv").exists()
    written = json.loads((out / "schedule.json").read_text())
    assert written["solve"]["status"] == "FEASIBLE"
    assert written["solve"]["best_bound"] <= written["solve"]["objective"]
    assert written["figures"]["shifts"] > 0


class _NoSchedule:
    """A MIP solver that ends without a schedule (as at a time limit with nothing found)."""

    def __init__(self, solver) -> None:
        self._solver = solver

    def __getattr__(self, name):
        return getattr(self._solver, name)

    def Solve(self, *args):  # noqa: N802 (OR-Tools' name)
        return pywraplp.Solver.NOT_SOLVED


def test_mip_without_a_schedule_falls_back_to_the_fast_rounding(two_sites, build, monkeypatch):
    new_solver = optimiser.new_solver

    def solver_without_schedule(name, config, seed):
        solver = new_solver(name, config, seed)
        return solver if name == "GLOP" else _NoSchedule(solver)

    monkeypatch.setattr(optimiser, "new_solver", solver_without_schedule)
    d = _tight(two_sites, 20.0)
    d["solver"] |= {"method": "mip", "solver": "scip"}
    sc = build(d)
    res = schedule_shifts(_tight_requirements(sc), sc)
    s = res.solve
    assert s.detail["mip_status"] == "NOT_SOLVED"
    assert s.detail["fast_rounding"]["reason"] == "MIP solver"
    assert s.status == "FEASIBLE" and s.best_bound <= s.objective
    assert any("MIP solver ended without a schedule" in note for note in res.notes)
    per_day = res.table.groupby(["site", "pool", "local_date"])["agents"].sum()
    assert per_day.max() <= 20
