"""Least agents under abandonment (Erlang A): every target met, with no agent to spare."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from wfm.staffing import agents_search, erlang_a, erlang_c_search


def test_least_n_can_be_below_load() -> None:
    # a peer starts its search at ceil(load) and returns 1000 where fewer suffice
    a = 1000.0
    n = int(agents_search.agents_for_target(a, 180.0, 120.0, 20.0, 0.8))
    assert n < a
    assert float(erlang_a.service_level(n, a, 180.0, 120.0, 20.0)) >= 0.8
    assert float(erlang_a.service_level(n - 1, a, 180.0, 120.0, 20.0)) < 0.8
    assert int(erlang_c_search.agents_for_target(a, 180.0, 20.0, 0.8)) > n


def test_other_targets_bind() -> None:
    a = 100.0
    base = int(agents_search.agents_for_target(a, 180.0, 120.0, 20.0, 0.8))
    strict = int(
        agents_search.agents_for_target(a, 180.0, 120.0, 20.0, 0.8, max_abandon_rate=0.005)
    )
    assert strict > base
    assert float(erlang_a.abandon_probability(strict, a, 180.0, 120.0)) <= 0.005
    assert float(erlang_a.abandon_probability(strict - 1, a, 180.0, 120.0)) > 0.005
    asa_n = int(agents_search.agents_for_target(a, 180.0, 120.0, 20.0, 0.5, asa_target_s=1.0))
    assert float(erlang_a.asa_s(asa_n, a, 180.0, 120.0)) <= 1.0
    assert float(erlang_a.asa_s(asa_n - 1, a, 180.0, 120.0)) > 1.0


@settings(max_examples=40, deadline=None)
@given(
    a=st.floats(min_value=0.05, max_value=20_000.0),
    patience=st.floats(min_value=10.0, max_value=1_000.0),
    target=st.floats(min_value=0.1, max_value=0.95),
)
def test_agents_for_target_is_least(a: float, patience: float, target: float) -> None:
    n = int(agents_search.agents_for_target(a, 240.0, patience, 20.0, target))
    assert float(erlang_a.service_level(n, a, 240.0, patience, 20.0)) >= target
    assert n == 1 or float(erlang_a.service_level(n - 1, a, 240.0, patience, 20.0)) < target


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((float("inf"), 180.0, 60.0, 20.0, 0.8), "at most 100,000 Erlangs"),
        ((10.0, 180.0, float("inf"), 20.0, 0.8), "patience_s must be finite"),
        ((10.0, 180.0, 60.0, float("inf"), 0.8), "sl_threshold_s must be finite"),
    ],
)
def test_the_erlang_a_search_refuses_inputs_it_would_walk_for_ever_on(args, message):
    # an infinite load or patience walked for ever; an infinite threshold gave 800,000,000
    with pytest.raises(ValueError, match=message):
        agents_search.agents_for_target(*args)
