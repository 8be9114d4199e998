"""From the schedule to the roster's shift types: paid minutes of a shift with breaks, and a
schedule whose breaks cannot be read."""

from __future__ import annotations

import dataclasses

import pytest

from tests.roster.conftest import agent, agents, schedule
from wfm.core.config import BreakRule
from wfm.core.errors import InputError
from wfm.roster.build import default_weights, pool_problems


def _with_breaks(scenario):
    rules = (
        BreakRule(length_min=15, earliest_after_min=60, latest_after_min=180, paid=True),
        BreakRule(length_min=30, earliest_after_min=180, latest_after_min=300),
    )
    return dataclasses.replace(scenario, shifts=dataclasses.replace(scenario.shifts, breaks=rules))


def _problems(sch, scenario):
    return pool_problems(sch, agents(agent("a1")), scenario, weeks=1, weights=default_weights(100))


def test_a_shift_is_paid_its_length_less_its_unpaid_breaks(tiny_scenario):
    sch = schedule({(0, "early"): 1, (0, "late"): 1})
    sch["breaks"] = ["09:00+15;11:00+30", "16:00+15"] * 7
    (pool,) = _problems(sch, _with_breaks(tiny_scenario))
    paid = {t.id: t.paid_min for t in pool.problem.shifts}
    # early: 480 less the unpaid 30-min break; late: its one break is paid
    assert paid == {"early": 450, "late": 480}
    assert pool.rows["early"]["breaks"] == "09:00+15;11:00+30"


@pytest.mark.parametrize("bad", ["09:00", "09:00+", "nine+15", "09:00+15;"])
def test_breaks_that_cannot_be_read_name_the_schedule_line(tiny_scenario, bad):
    """They stopped the roster with a Python error (exit 1) instead of naming the row."""
    sch = schedule({(0, "early"): 1})
    sch.loc[1, "breaks"] = bad  # the late shift of the first day: line 3
    with pytest.raises(InputError) as err:
        _problems(sch, _with_breaks(tiny_scenario))
    assert (err.value.source, err.value.line, err.value.key) == ("schedule.csv", 3, "breaks")


def test_a_small_positive_preference_weight_still_costs_something(tiny_scenario):
    """A weight of 0.04 rounded to a cost of 0: the preference had no effect at all."""
    import pandas as pd

    prefs = pd.DataFrame(
        {
            "agent_id": ["a1"] * 2,
            "kind": ["day_off"] * 2,
            "value": ["mon", "tue"],
            "weight": [0.04, 0.0],
        }
    )
    (pool,) = pool_problems(
        schedule({(0, "early"): 1}),
        agents(agent("a1")),
        tiny_scenario,
        weeks=1,
        weights=default_weights(100),
        preferences=prefs,
    )
    costs = {r.day: r.weight for r in pool.problem.requests}
    assert costs == {0: 1, 1: 0}  # Monday's 0.04 × 10 costs 1; a weight of 0 stays free
