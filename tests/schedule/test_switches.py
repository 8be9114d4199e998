"""The switch dive of the lp_guided method: receiving switches rounded by LP diving."""

from __future__ import annotations

import numpy as np
import pytest
from ortools.linear_solver import pywraplp

from wfm.schedule import model, search
from wfm.schedule.problem_data import Arc, PatternColumn, PoolSpec, Problem, Receiver


def _column(pool: int) -> PatternColumn:
    return PatternColumn(
        pool=pool,
        day=0,
        intervals=np.array([0]),
        on_queue_rate=np.ones(1),
        paid_h=1.0,
        start_min=0.0,
        end_min=60.0,
    )


def _pool(site: str, headcount: int, cost_per_h: float) -> PoolSpec:
    return PoolSpec(
        site=site,
        name="p",
        skills=("k",),
        proficiency=(1.0,),
        headcount=headcount,
        cost_per_h=cost_per_h,
    )


def _problem() -> Problem:
    # origin o needs 10 agents (30/h); 100 contacts may leave, each saving 0.1 agent; a
    # receiver needs 5 agents once open plus 0.05 per contact. r1 (10/h) has 2 agents, r2
    # (12/h) 20. The relaxation fills r1 first (f1 = 20, z1 = 0.2; f2 = 80, z2 = 0.8; 146).
    # Whole switches: r2 alone takes all 100 (10 agents: 120 + 0.3 · 100 = 150); r1 open
    # too would need 5 agents where it has 2, at the shortfall price.
    one = np.ones(1)
    arcs = tuple(
        Arc(
            skill="k",
            from_site="o",
            to_site=r,
            cap_contacts=100.0 * one,
            save_agents_per_contact=0.1 * one,
        )
        for r in ("r1", "r2")
    )
    receiver = Receiver(
        fixed_agents=5.0 * one, agents_per_contact=0.05 * one, cap_contacts=100.0 * one
    )
    return Problem(
        n_intervals=1,
        interval_min=60,
        pools=(_pool("o", 20, 30.0), _pool("r1", 2, 10.0), _pool("r2", 20, 12.0)),
        columns=(_column(0), _column(1), _column(2)),
        need={("o", "k"): 10.0 * one},
        open_mask={s: np.ones(1, dtype=bool) for s in ("o", "r1", "r2")},
        arcs=arcs,
        receivers={("r1", "k"): receiver, ("r2", "k"): receiver},
        shortfall_cost=200.0,
        overstaff_cost=0.0,
        overflow_cost_per_contact=0.3,
    )


def test_switch_dive_closes_the_lightly_used_receiver():
    problem = _problem()
    lp = pywraplp.Solver.CreateSolver("GLOP")
    built = model.build_schedule_model(problem, lp, integer=False)
    assert lp.Solve() == pywraplp.Solver.OPTIMAL
    assert lp.Objective().Value() == pytest.approx(146.0)
    relaxed = {k[0]: v.solution_value() for k, v in built.z.items()}
    assert relaxed == pytest.approx({"r1": 0.2, "r2": 0.8})
    search._dive_switches(lp, built, deadline=float("inf"))
    assert {k[0]: v.lb() for k, v in built.z.items()} == {"r1": 0.0, "r2": 1.0}
    assert {k[0]: v.ub() for k, v in built.z.items()} == {"r1": 0.0, "r2": 1.0}
    assert lp.Objective().Value() == pytest.approx(150.0)
    # no contact flows through the closed switch
    flows = {problem.arcs[a].to_site: v.solution_value() for (a, _), v in built.flow.items()}
    assert flows == pytest.approx({"r1": 0.0, "r2": 100.0})


def test_opening_every_used_switch_costs_more_here():
    # the rule the dive replaced (open every switch with weight) pays r1's fixed charge it
    # cannot staff: at least 3 agents short at 200/h
    problem = _problem()
    lp = pywraplp.Solver.CreateSolver("GLOP")
    built = model.build_schedule_model(problem, lp, integer=False)
    lp.Solve()
    for v in built.z.values():
        v.SetBounds(1.0, 1.0)
    assert lp.Solve() == pywraplp.Solver.OPTIMAL
    assert lp.Objective().Value() > 150.0 + 3 * 200.0 - 1e-6
