"""Erlang B/C kernels: reference values, an exact rational oracle, invariants."""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings, strategies as st

from wfm.staffing import erlang, erlang_c_search, poisson

DATA = Path(__file__).resolve().parents[1] / "data" / "staffing"


def _load(row: pd.Series) -> float:
    return row.contacts * row.aht_s / (row.interval_min * 60.0)


def _exact_b(n: int, load: Fraction) -> Fraction:
    """Erlang B as an exact fraction: (A^N/N!) / Σ A^k/k!."""
    term, total = Fraction(1), Fraction(1)
    for k in range(1, n + 1):
        term = term * load / k
        total += term
    return term / total


# -- reference cases (tests/data/staffing/erlang_c_cases.csv, see README there) ----------------
CASES = pd.read_csv(DATA / "erlang_c_cases.csv")


@pytest.mark.parametrize("case_id", CASES.case_id)
def test_erlang_c_reference_case(case_id: str) -> None:
    row = CASES.set_index("case_id").loc[case_id]
    a = _load(row)
    n = erlang_c_search.agents_for_target(a, row.aht_s, row.sl_threshold_s, row.sl_target_rate)
    assert int(n) == row.agents_required
    n = int(row.agents_required)
    rel = 1e-9
    assert float(erlang.wait_probability(n, a)) == pytest.approx(row.wait_probability, rel=rel)
    sl = erlang.service_level(n, a, row.aht_s, row.sl_threshold_s)
    assert float(sl) == pytest.approx(row.service_level_rate, rel=rel)
    assert float(erlang.asa_s(n, a, row.aht_s)) == pytest.approx(row.asa_s, rel=rel)
    assert float(erlang.occupancy(n, a)) == pytest.approx(row.occupancy_rate, rel=rel)


def test_erlang_c_reference_cases_vectorised() -> None:
    # the same six cases in one call give the same answers as one by one
    a = (CASES.contacts * CASES.aht_s / (CASES.interval_min * 60.0)).to_numpy()
    n = erlang_c_search.agents_for_target(
        a, CASES.aht_s.to_numpy(), CASES.sl_threshold_s.to_numpy(), CASES.sl_target_rate.to_numpy()
    )
    assert n.dtype == np.int64
    assert n.tolist() == CASES.agents_required.tolist()


def test_style_guide_worked_cases() -> None:
    # STYLE.md §6: 100 contacts / 30 min, AHT 180 s, 80/20 → 14 agents, P_w 0.1741,
    # SL 0.8884, ASA 7.8 s, occupancy 0.714 (Call Centre Helper inputs, exact fractions)
    assert int(erlang_c_search.agents_for_target(10.0, 180.0, 20.0, 0.8)) == 14
    assert float(erlang.wait_probability(14, 10.0)) == pytest.approx(0.1741, abs=5e-5)
    assert float(erlang.service_level(14, 10.0, 180.0, 20.0)) == pytest.approx(0.8884, abs=5e-5)
    assert float(erlang.asa_s(14, 10.0, 180.0)) == pytest.approx(7.8, abs=0.05)
    assert float(erlang.occupancy(14, 10.0)) == pytest.approx(0.714, abs=5e-4)
    # 360 contacts / 30 min, AHT 240 s, 55 agents, T 15 s → A = 48, P_w 0.2387, SL 0.8459,
    # ASA 8.18 s (same method)
    a = 360 * 240 / 1800
    assert a == 48.0
    assert float(erlang.wait_probability(55, a)) == pytest.approx(0.2387, abs=5e-5)
    assert float(erlang.service_level(55, a, 240.0, 15.0)) == pytest.approx(0.8459, abs=5e-5)
    assert float(erlang.asa_s(55, a, 240.0)) == pytest.approx(8.18, abs=5e-3)


# -- published values (tests/data/staffing/published_erlang_values.csv) -------------------------
PUBLISHED = pd.read_csv(DATA / "published_erlang_values.csv").set_index("case_id")


def _tol(case: str) -> float:
    t = PUBLISHED.loc[case, "tolerance"]
    return 1e-12 if t == "exact" else float(t)


def _value(case: str) -> float:
    return float(PUBLISHED.loc[case, "published_value"])


def _least(fn, start: int = 0) -> int:
    n = start
    while not fn(n):
        n += 1
    return n


def _max_load(fn, n: int, level: float) -> float:
    lo, hi = 1e-9, float(n)
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if fn(n, mid) <= level else (lo, mid)
    return lo


def test_published_erlang_b() -> None:
    # pyworkforce test-suite (MIT): B(1, 1) = 0.5, B(2, 1) = 0.2; least N for B ≤ 2 % at
    # 10 Erlang = 17; erlang.com manual: 15 trunks carry 8.108 Erlang at 1 % blocking
    assert float(erlang.erlang_b(1, 1.0)) == pytest.approx(_value("B1"), abs=_tol("B1"))
    assert float(erlang.erlang_b(2, 1.0)) == pytest.approx(_value("B2"), abs=_tol("B2"))
    assert _least(lambda n: erlang.erlang_b(n, 10.0) <= 0.02) == _value("B3")
    load = _max_load(lambda n, a: float(erlang.erlang_b(n, a)), 15, 0.01)
    assert load == pytest.approx(_value("B5"), abs=_tol("B5"))


def test_published_erlang_c() -> None:
    # pyworkforce test-suite: 100 contacts / 30 min, AHT 3 min, threshold 0.33 min = 19.8 s
    a, aht, thr = 10.0, 180.0, 19.8
    assert float(erlang.wait_probability(14, a)) == pytest.approx(_value("C1"), abs=_tol("C1"))
    sl14 = float(erlang.service_level(14, a, aht, thr))
    assert sl14 == pytest.approx(_value("C2"), abs=_tol("C2"))
    assert float(erlang.occupancy(14, a)) == pytest.approx(_value("C3"), abs=_tol("C3"))
    n = erlang_c_search.agents_for_target(a, aht, thr, 0.8, max_occupancy_rate=0.85)
    assert int(n) == _value("C4")
    n = erlang_c_search.agents_for_target(a, aht, thr, 0.8, max_occupancy_rate=0.70)
    assert int(n) == _value("C6")
    sl15 = float(erlang.service_level(15, a, aht, thr))
    assert sl15 == pytest.approx(_value("C7"), abs=_tol("C7"))
    assert float(erlang.wait_probability(15, a)) == pytest.approx(_value("C8"), abs=_tol("C8"))
    # Erlang C calculator page: 20 Erlang, AHT 120 s
    assert _least(lambda n: erlang.wait_probability(n, 20.0) <= 0.15, 21) == _value("C10")
    assert float(erlang.asa_s(26, 20.0, 120.0)) == pytest.approx(_value("C11"), abs=_tol("C11"))
    assert float(erlang.wait_probability(30, 20.0)) == pytest.approx(_value("C12"), abs=_tol("C12"))
    load = _max_load(lambda n, x: float(erlang.wait_probability(n, x)), 30, 0.15)
    assert load == pytest.approx(_value("C13"), abs=_tol("C13"))


# -- exact oracle ---------------------------------------------------------------------------
@pytest.mark.parametrize("load", ["1/10", "1", "7/2", "10", "48", "123/4", "150"])
def test_erlang_b_matches_exact_fractions(load: str) -> None:
    a = Fraction(load)
    ns = [0, 1, 2, 5, 10, 30, 60, 120, 200]
    got = erlang.erlang_b(np.array(ns), float(a))
    for n, value in zip(ns, got, strict=True):
        exact = float(_exact_b(n, a))
        assert value == pytest.approx(exact, rel=1e-11, abs=1e-300)


def test_erlang_b_large_loads_match_recursion() -> None:
    # textbook recursion B(n) = A·B(n−1) / (n + A·B(n−1)), stable forward, run to 6,000
    loads = np.array([500.0, 2_000.5, 5_000.0])
    b = np.ones_like(loads)
    rec = {}
    for n in range(1, 6_001):
        b = loads * b / (n + loads * b)
        if n in (400, 499, 500, 1_900, 2_000, 2_100, 4_900, 5_000, 5_200, 6_000):
            rec[n] = b.copy()
    for n, values in rec.items():
        got = erlang.erlang_b(n, loads)
        np.testing.assert_allclose(got, values, rtol=1e-9, atol=1e-300)


def test_poisson_log_pmf_small_and_large() -> None:
    # e^{-A} A^n / n! evaluated directly where it fits in a float
    for n, a in [(0, 3.0), (1, 0.5), (7, 7.0), (20, 11.5), (170, 150.0)]:
        direct = n * math.log(a) - a - math.lgamma(n + 1)
        assert float(poisson.poisson_log_pmf(n, a)) == pytest.approx(direct, rel=1e-12, abs=1e-12)
    # exact fraction at a large count: log(100000^100000 e^-100000 / 100000!) via lgamma
    got = float(poisson.poisson_log_pmf(100_000, 100_000.0))
    assert got == pytest.approx(-0.5 * math.log(2 * math.pi * 100_000) - 1 / 1_200_000, abs=1e-10)


# -- edge cases the peers get wrong -----------------------------------------------------------
def test_fewer_agents_than_load() -> None:
    n = np.array([0, 1, 5, 9, 10])
    assert erlang.wait_probability(n, 10.0).tolist() == [1.0, 1.0, 1.0, 1.0, 1.0]
    assert erlang.service_level(n, 10.0, 180.0, 20.0).tolist() == [0.0] * 5
    assert np.isinf(erlang.asa_s(n, 10.0, 180.0)).all()
    occ = erlang.occupancy(n, 10.0)
    assert np.isnan(occ[0]) and (occ[1:] == 1.0).all()
    b = erlang.erlang_b(np.array([1, 10, 100, 19_000]), 20_000.0)
    assert ((b > 0) & (b <= 1)).all()


def test_whole_number_load_with_full_occupancy_allowed() -> None:
    # a peer crashes when the load is whole and max occupancy is 1
    n = erlang_c_search.agents_for_target(10.0, 180.0, 20.0, 0.5, max_occupancy_rate=1.0)
    assert int(n) > 10


def test_no_load_needs_no_agents() -> None:
    n = erlang_c_search.agents_for_target(np.array([0.0, 0.0]), 180.0, 20.0, 0.8, asa_target_s=5.0)
    assert n.tolist() == [0, 0]
    assert float(erlang.service_level(3, 0.0, 180.0, 20.0)) == 1.0
    assert float(erlang.asa_s(3, 0.0, 180.0)) == 0.0


def test_asa_and_occupancy_targets_bind() -> None:
    a = 48.0
    n_sl = int(erlang_c_search.agents_for_target(a, 240.0, 15.0, 0.8))
    n_asa = int(erlang_c_search.agents_for_target(a, 240.0, 15.0, 0.8, asa_target_s=2.0))
    assert n_asa > n_sl
    assert float(erlang.asa_s(n_asa, a, 240.0)) <= 2.0 < float(erlang.asa_s(n_asa - 1, a, 240.0))
    n_occ = int(erlang_c_search.agents_for_target(a, 240.0, 15.0, 0.5, max_occupancy_rate=0.75))
    assert n_occ == 64  # least N with 48 / N ≤ 0.75


def test_hundred_thousand_erlangs() -> None:
    a = 100_000.0
    n = int(erlang_c_search.agents_for_target(a, 180.0, 20.0, 0.8))
    assert n > a
    assert float(erlang.service_level(n, a, 180.0, 20.0)) >= 0.8
    assert float(erlang.service_level(n - 1, a, 180.0, 20.0)) < 0.8
    pw = float(erlang.wait_probability(n, a))
    assert 0.0 < pw < 1.0


def test_bad_targets_raise() -> None:
    with pytest.raises(ValueError):
        erlang_c_search.agents_for_target(10.0, 180.0, 20.0, 1.0)
    with pytest.raises(ValueError):
        erlang.erlang_b(-1, 3.0)


# -- invariants -----------------------------------------------------------------------------
loads = st.floats(min_value=0.01, max_value=5_000.0, allow_nan=False)
ahts = st.floats(min_value=10.0, max_value=1_200.0)
thresholds = st.floats(min_value=0.0, max_value=300.0)


@settings(max_examples=60, deadline=None)
@given(a=loads, aht=ahts, thr=thresholds)
def test_service_level_rises_and_asa_falls_with_agents(a: float, aht: float, thr: float) -> None:
    n = np.arange(max(0, math.floor(a) - 3), math.floor(a) + 60)
    sl = erlang.service_level(n, a, aht, thr)
    asa = erlang.asa_s(n, a, aht)
    pw = erlang.wait_probability(n, a)
    assert (np.diff(sl) >= -1e-12).all()
    finite = np.isfinite(asa)
    assert (np.diff(asa[finite]) <= 1e-9).all()
    assert not finite.any() or finite[np.argmax(finite) :].all()
    assert ((pw >= 0) & (pw <= 1)).all() and ((sl >= 0) & (sl <= 1)).all()


@settings(max_examples=60, deadline=None)
@given(
    a=st.floats(min_value=0.01, max_value=20_000.0),
    aht=ahts,
    thr=st.floats(min_value=1.0, max_value=120.0),
    target=st.floats(min_value=0.05, max_value=0.99),
)
def test_agents_for_target_is_least_and_above_load(
    a: float, aht: float, thr: float, target: float
) -> None:
    n = int(erlang_c_search.agents_for_target(a, aht, thr, target))
    assert n > a
    assert float(erlang.service_level(n, a, aht, thr)) >= target
    assert n - 1 <= a or float(erlang.service_level(n - 1, a, aht, thr)) < target


@settings(max_examples=40, deadline=None)
@given(a=st.floats(min_value=0.05, max_value=200.0), extra=st.integers(min_value=1, max_value=40))
def test_littles_law_against_birth_death_chain(a: float, extra: int) -> None:
    # queue length from the stationary distribution of the M/M/N chain (log space, truncated
    # far in the tail) equals arrivals per second × ASA
    n = math.floor(a) + extra
    # a load within 0.1 % of N makes the chain's tail (and the truncated sum) astronomically long
    assume(a / n < 0.999)
    aht = 200.0
    k = np.arange(0, n + 100 + int(60.0 / -math.log(a / n)))
    log_p = np.where(
        k <= n,
        k * math.log(a) - np.array([math.lgamma(i + 1) for i in k]),
        n * math.log(a) - math.lgamma(n + 1) + (k - n) * math.log(a / n),
    )
    p = np.exp(log_p - log_p.max())
    p /= p.sum()
    queue = float(np.sum(np.maximum(k - n, 0) * p))
    assert float(erlang.wait_probability(n, a)) == pytest.approx(p[k >= n].sum(), rel=1e-8)
    assert queue == pytest.approx(a / aht * float(erlang.asa_s(n, a, aht)), rel=1e-8, abs=1e-12)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((float("inf"), 180.0, 20.0, 0.8), "at most 100,000 Erlangs"),
        ((1e6, 180.0, 20.0, 0.8), "at most 100,000 Erlangs"),
        ((10.0, 180.0, float("inf"), 0.8), "sl_threshold_s must be finite"),
    ],
)
def test_the_least_agents_search_refuses_inputs_it_would_walk_for_ever_on(args, message):
    # each of these walked N up one agent at a time without end
    with pytest.raises(ValueError, match=message):
        erlang_c_search.agents_for_target(*args)
