"""Erlang A kernels: reference values, a birth–death chain oracle, invariants."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st
from scipy.linalg import expm

from wfm.staffing import agents_search, erlang, erlang_a

DATA = Path(__file__).resolve().parents[1] / "data" / "staffing"
CASES = pd.read_csv(DATA / "erlang_a_cases.csv")


@pytest.mark.parametrize("case_id", CASES.case_id)
def test_reference_case(case_id: str) -> None:
    # tests/data/staffing/erlang_a_cases.csv (birth–death chain and simulation checked)
    row = CASES.set_index("case_id").loc[case_id]
    a = row.contacts * row.aht_s / (row.interval_min * 60.0)
    k = erlang_a.kpis(row.agents, a, row.aht_s, row.patience_s, row.sl_threshold_s)
    rel = 1e-9
    assert float(k.wait_probability) == pytest.approx(row.wait_probability, rel=rel)
    assert float(k.abandon_probability) == pytest.approx(row.abandon_probability, rel=rel)
    assert float(k.service_level_rate) == pytest.approx(row.service_level_rate, rel=rel)
    assert float(k.asa_s) == pytest.approx(row.asa_s, rel=rel)
    assert float(k.occupancy_rate) == pytest.approx(row.occupancy_rate, rel=rel)
    if not math.isnan(row.agents_required_for_sl_0_80):
        n = agents_search.agents_for_target(a, row.aht_s, row.patience_s, row.sl_threshold_s, 0.8)
        assert int(n) == int(row.agents_required_for_sl_0_80)


def _chain(n: int, a: float, aht: float, patience: float, tail: int = 400) -> np.ndarray:
    """Stationary distribution of the M/M/N+M birth–death chain, truncated after N + tail."""
    lam, mu, theta = a / aht, 1.0 / aht, 1.0 / patience
    k = np.arange(n + tail + 1)
    death = np.where(k <= n, k * mu, n * mu + (k - n) * theta)
    log_p = np.concatenate([[0.0], np.cumsum(np.log(lam) - np.log(death[1:]))])
    p = np.exp(log_p - log_p.max())
    return p / p.sum()


@pytest.mark.parametrize(
    ("n", "a", "aht", "patience"),
    [
        (12, 10.0, 180.0, 120.0),
        (8, 10.0, 180.0, 90.0),
        (40, 50.0, 300.0, 60.0),
        (3, 0.4, 240.0, 600.0),
        (95, 100.0, 200.0, 400.0),
    ],
)
def test_against_birth_death_chain(n: int, a: float, aht: float, patience: float) -> None:
    p = _chain(n, a, aht, patience)
    k = np.arange(p.size)
    p_wait = p[k >= n].sum()
    queue = np.sum(np.maximum(k - n, 0) * p)
    p_ab = queue / patience / (a / aht)  # abandonments per second / arrivals per second
    got = erlang_a.kpis(n, a, aht, patience, 20.0)
    assert float(got.wait_probability) == pytest.approx(p_wait, rel=1e-9)
    assert float(got.abandon_probability) == pytest.approx(p_ab, rel=1e-9)
    # Little's law: mean time in queue over all arrivals = queue length / arrivals per second
    assert float(got.asa_s) == pytest.approx(queue / (a / aht), rel=1e-9)
    busy = np.sum(np.minimum(k, n) * p)
    assert float(got.occupancy_rate) == pytest.approx(busy / n, rel=1e-9)


@pytest.mark.parametrize(("n", "a", "threshold_s"), [(12, 10.0, 20.0), (9, 10.0, 45.0)])
def test_service_level_against_tagged_contact_chain(n: int, a: float, threshold_s: float) -> None:
    # the arrival's own absorbing chain: states "i contacts ahead" (i = tail..0), moving down at
    # rate Nμ + iθ, answered from state 0 at rate Nμ, abandoning at rate θ from any state;
    # P(answered by T) from the matrix exponential, weighted by the state found on arrival
    aht, patience, tail = 180.0, 120.0, 150
    mu, theta = 1.0 / aht, 1.0 / patience
    p = _chain(n, a, aht, patience, tail)
    size = tail + 3  # states 0..tail, answered, abandoned
    q = np.zeros((size, size))
    for i in range(tail + 1):
        if i == 0:
            q[0, tail + 1] = n * mu
        else:
            q[i, i - 1] = n * mu + i * theta
        q[i, tail + 2] = theta
        q[i, i] = -q[i].sum()
    answered_by_t = expm(q * threshold_s)[: tail + 1, tail + 1]
    ahead = p[n : n + tail + 1]
    sl = p[:n].sum() + float(np.dot(ahead, answered_by_t))
    got = erlang_a.service_level(n, a, aht, patience, threshold_s)
    assert float(got) == pytest.approx(sl, rel=1e-9)


def test_service_level_conventions() -> None:
    # over answered contacts only, the abandoned ones leave the denominator: higher figure
    k_all = erlang_a.kpis(8, 10.0, 180.0, 90.0, 20.0)
    k_ans = erlang_a.kpis(8, 10.0, 180.0, 90.0, 20.0, abandoned_in_sl=False)
    expected = float(k_all.service_level_rate) / (1.0 - float(k_all.abandon_probability))
    assert float(k_ans.service_level_rate) == pytest.approx(expected, rel=1e-12)


def test_no_agents_and_no_load() -> None:
    k = erlang_a.kpis(np.array([0, 3]), np.array([5.0, 0.0]), 180.0, 60.0, 20.0)
    assert k.wait_probability.tolist() == [1.0, 0.0]
    assert k.abandon_probability.tolist() == [1.0, 0.0]
    assert k.service_level_rate.tolist() == [0.0, 1.0]
    assert k.asa_s.tolist() == [60.0, 0.0]
    assert np.isnan(k.occupancy_rate[0]) and k.occupancy_rate[1] == 0.0
    assert agents_search.agents_for_target(0.0, 180.0, 60.0, 20.0, 0.8).tolist() == 0


def test_heavy_overload_and_deep_overstaffing_are_finite() -> None:
    n = np.array([1, 10, 500, 990, 1_010, 5_000])
    k = erlang_a.kpis(n, 1_000.0, 180.0, 30.0, 20.0)
    for v in (k.wait_probability, k.abandon_probability, k.service_level_rate):
        assert np.isfinite(v).all() and ((v >= 0) & (v <= 1)).all()
    # far too few agents: almost all abandon, answered load equals the agents (fluid limit)
    assert float(k.abandon_probability[0]) == pytest.approx(1 - 1 / 1_000, rel=1e-3)
    assert k.service_level_rate[-1] == pytest.approx(1.0, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    a=st.floats(min_value=0.05, max_value=2_000.0),
    aht=st.floats(min_value=30.0, max_value=900.0),
)
def test_tends_to_erlang_c_as_patience_grows(a: float, aht: float) -> None:
    n = math.ceil(a + 0.5 + math.sqrt(a))  # keep away from N = A, where the limit is slow
    c_sl = float(erlang.service_level(n, a, aht, 20.0))
    c_pw = float(erlang.wait_probability(n, a))
    k = erlang_a.kpis(n, a, aht, aht * 1e7, 20.0)
    assert float(k.service_level_rate) == pytest.approx(c_sl, abs=1e-4)
    assert float(k.wait_probability) == pytest.approx(c_pw, abs=1e-4)


@settings(max_examples=40, deadline=None)
@given(
    a=st.floats(min_value=0.05, max_value=3_000.0),
    patience=st.floats(min_value=5.0, max_value=2_000.0),
)
def test_measures_improve_with_agents(a: float, patience: float) -> None:
    n = np.arange(0, math.ceil(a * 1.3) + 30)
    k = erlang_a.kpis(n, a, 200.0, patience, 20.0)
    assert (np.diff(k.service_level_rate) >= -1e-10).all()
    assert (np.diff(k.abandon_probability) <= 1e-10).all()
    assert (np.diff(k.asa_s) <= 1e-8).all()


@pytest.mark.parametrize(
    ("n", "a", "aht", "patience"),
    [
        (12, 10.0, 180.0, 120.0),
        (8, 10.0, 180.0, 90.0),
        (40, 50.0, 300.0, 60.0),
        (95, 100.0, 200.0, 400.0),
    ],
)
def test_mean_wait_of_answered_contacts_against_tagged_chain(
    n: int, a: float, aht: float, patience: float
) -> None:
    # absorbing chain of the arriving contact: P(answered | i ahead) = (−Q)^{-1} r and
    # E[wait · 1{answered} | i ahead] = (−Q)^{-1} P(answered | ·)
    mu, theta, tail = 1.0 / aht, 1.0 / patience, 300
    p = _chain(n, a, aht, patience, tail)
    q = np.zeros((tail + 1, tail + 1))
    r = np.zeros(tail + 1)
    r[0] = n * mu
    for i in range(tail + 1):
        if i > 0:
            q[i, i - 1] = n * mu + i * theta
        q[i, i] = -(n * mu + i * theta + theta)
    answered = np.linalg.solve(-q, r)
    wait_answered = np.linalg.solve(-q, answered)
    ahead = p[n : n + tail + 1]
    expected = ahead @ wait_answered / (p[:n].sum() + ahead @ answered)
    got = erlang_a.kpis(n, a, aht, patience, 20.0).asa_answered_s
    assert float(got) == pytest.approx(expected, rel=1e-10)


def test_deep_overstaffing_series_agrees_with_gamma_functions(monkeypatch) -> None:
    # where both are representable, the series used far above the load gives the same
    # measures as the incomplete-gamma route (forced here by moving the switch point)
    n = np.array([120.0, 300.0])
    a = np.array([50.0, 100.0])
    args = (n, a, np.full(2, 180.0), np.full(2, 2_000.0), np.full(2, 20.0), True)
    gamma_route = erlang_a.kpis_kernel(*args)
    monkeypatch.setattr(erlang_a, "_LOG_TINY", 0.0)
    series_route = erlang_a.kpis_kernel(*args)
    for g, s in zip(gamma_route, series_route, strict=True):
        np.testing.assert_allclose(s, g, rtol=1e-8)
