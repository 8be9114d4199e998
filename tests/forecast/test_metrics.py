"""Accuracy measures against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from wfm.forecast.metrics import (
    bias_rate,
    interval_coverage_rate,
    mase,
    seasonal_naive_scale,
    wmape,
)


def test_wmape_hand_value():
    # |10-12| + |20-18| + |30-30| = 4 over 60 contacts
    assert wmape([10, 20, 30], [12, 18, 30]) == pytest.approx(4 / 60, rel=1e-12)


def test_wmape_skips_missing_actuals_and_is_nan_without_volume():
    assert wmape([10, np.nan, 30], [12, 99, 30]) == pytest.approx(2 / 40, rel=1e-12)
    assert math.isnan(wmape([0, 0], [1, 1]))


def test_mase_uses_the_given_scale():
    # mean |e| = 2, scale 4 → 0.5
    assert mase([10, 20], [12, 18], scale=4.0) == pytest.approx(0.5, rel=1e-12)
    assert math.isnan(mase([10], [12], scale=0.0))


def test_seasonal_naive_scale_skips_gaps():
    # lag 2: |3-1|, |5-2|, |nan-3| skipped, |7-5| → mean of 2, 3, 2
    assert seasonal_naive_scale([1, 2, 3, 5, np.nan, 7], lag=2) == pytest.approx(7 / 3)


def test_bias_rate_sign():
    assert bias_rate([10, 10], [11, 12]) == pytest.approx(0.15, rel=1e-12)
    assert bias_rate([10, 10], [9, 9]) == pytest.approx(-0.1, rel=1e-12)


def test_interval_coverage_rate_counts_inclusive_bounds():
    assert interval_coverage_rate(
        [4, 9, 20, np.nan], [4, 4, 4, 4], [10, 10, 10, 10]
    ) == pytest.approx(2 / 3)


def test_length_mismatch_is_an_error():
    with pytest.raises(ValueError, match="differ in length"):
        wmape([1, 2], [1])
