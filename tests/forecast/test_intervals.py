"""Prediction bounds: ordered, non-negative, calibrated on simulated counts."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, strategies as st

from wfm.forecast.intervals import calibrated_error_sq, error_rate_sq, prediction_bounds


@given(
    st.lists(st.floats(min_value=0, max_value=1e5, allow_nan=False), min_size=1, max_size=50),
    st.floats(min_value=0, max_value=4),
    st.floats(min_value=0.01, max_value=0.99),
)
def test_bounds_contain_the_mean_and_are_non_negative(values, error_sq, level):
    f = np.array(values)
    lo, hi = prediction_bounds(f, error_sq, level)
    assert (lo >= 0).all()
    assert (lo <= f + 1e-9).all() and (f <= hi + 1e-9).all()


def test_poisson_bounds_hand_value():
    # f = 100, φ = 0: σ = 10, z(0.9) = 1.2815516 → 87.18, 112.82
    lo, hi = prediction_bounds(np.array([100.0]), 0.0, 0.8)
    assert lo[0] == pytest.approx(100 - 12.815516, abs=1e-5)
    assert hi[0] == pytest.approx(100 + 12.815516, abs=1e-5)


def test_error_rate_recovers_overdispersion_and_bounds_are_calibrated():
    # gamma-Poisson counts with mean 200 and relative sd 0.1 beyond Poisson (NB2, φ² = 0.01)
    rng = np.random.default_rng(3)
    mean = np.full(20000, 200.0)
    a = rng.poisson(mean * rng.gamma(100.0, 1 / 100.0, mean.size))
    sq = error_rate_sq(a, mean)
    assert sq == pytest.approx(0.01, rel=0.15)
    lo, hi = prediction_bounds(mean, sq, 0.8)
    covered = ((a >= lo) & (a <= hi)).mean()
    assert covered == pytest.approx(0.8, abs=0.02)


def test_calibrated_error_sq_hits_the_level_on_its_own_sample():
    rng = np.random.default_rng(5)
    f = rng.uniform(20, 400, 5000)
    a = rng.poisson(f * rng.gamma(25.0, 1 / 25.0, f.size))  # φ = 0.2
    sq = calibrated_error_sq(a, f, 0.8)
    assert sq == pytest.approx(0.04, rel=0.25)
    lo, hi = prediction_bounds(f, sq, 0.8)
    assert ((a >= lo) & (a <= hi)).mean() == pytest.approx(0.8, abs=0.005)
    # one wild day does not widen every interval the way the moment estimator does
    a_out = a.astype(float).copy()
    a_out[:50] *= 10
    assert calibrated_error_sq(a_out, f, 0.8) < 1.2 * sq
    assert error_rate_sq(a_out, f) > 5 * error_rate_sq(a, f)


def test_calibration_narrows_below_poisson_on_sparse_counts():
    # hourly counts of a mean of 0.3–0.6 (a sparse public-service series): the normal band
    # f ± z√f already covers about 89 % of Poisson draws (an upper bound above 1 covers 0
    # and 1), so no φ² ≥ 0 can reach 80 %; the calibration narrows the Poisson part instead
    rng = np.random.default_rng(11)
    f = rng.uniform(0.3, 0.6, 20000)
    a = rng.poisson(f)
    lo, hi = prediction_bounds(f, 0.0, 0.8)
    assert ((a >= lo) & (a <= hi)).mean() > 0.85
    sq = calibrated_error_sq(a, f, 0.8)
    assert -1.0 <= sq < 0.0
    lo, hi = prediction_bounds(f, sq, 0.8)
    assert ((a >= lo) & (a <= hi)).mean() == pytest.approx(0.8, abs=0.01)
    assert (lo <= f).all() and (f <= hi).all()
    # the same in the new calibration when the data are overdispersed: φ² stays positive
    b = rng.poisson(f * 200 * rng.gamma(25.0, 1 / 25.0, f.size))
    assert calibrated_error_sq(b, f * 200, 0.8) > 0.0
