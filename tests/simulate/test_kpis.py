"""Replication statistics: Student-t quantiles and confidence half-widths."""

from __future__ import annotations

import math

import numpy as np
import pytest

from wfm.simulate.kpis import ratio, replication_mean, t_quantile


# Two-sided 95 % and 99 % critical values of Student's t, from the table of the
# NIST/SEMATECH e-Handbook of Statistical Methods, section 1.3.6.7.2.
@pytest.mark.parametrize(
    ("p", "dof", "value"),
    [
        (0.975, 1, 12.706),
        (0.975, 2, 4.303),
        (0.975, 3, 3.182),
        (0.975, 4, 2.776),
        (0.975, 9, 2.262),
        (0.975, 19, 2.093),
        (0.975, 29, 2.045),
        (0.995, 3, 5.841),
        (0.995, 2, 9.925),
        (0.995, 4, 4.604),
        (0.995, 7, 3.499),
        (0.995, 9, 3.250),
        (0.995, 19, 2.861),
    ],
)
def test_t_quantile_matches_tables(p, dof, value):
    assert t_quantile(p, dof) == pytest.approx(value, abs=2e-3)


def test_t_quantile_falls_with_degrees_of_freedom_towards_normal():
    values = [t_quantile(0.975, k) for k in range(1, 300)]
    assert all(a > b for a, b in zip(values, values[1:], strict=False))
    # z_{0.975} = 1.959964 (normal limit); t_{0.975,120} = 1.980 (same NIST table)
    assert t_quantile(0.975, 120) == pytest.approx(1.980, abs=1e-3)
    assert t_quantile(0.975, 100_000) == pytest.approx(1.959964, abs=1e-4)


def test_t_quantile_rejects_bad_arguments():
    with pytest.raises(ValueError):
        t_quantile(0.4, 5)
    with pytest.raises(ValueError):
        t_quantile(0.975, 0)


def test_replication_mean_and_half_width_by_hand():
    # values 1, 2, 3, 4: mean 2.5, s = sqrt(5/3), half-width t_{0.975,3} · s / 2
    mean, half = replication_mean(np.array([[1.0], [2.0], [3.0], [4.0]]))
    assert mean[0] == 2.5
    assert half[0] == pytest.approx(t_quantile(0.975, 3) * math.sqrt(5 / 3) / 2, rel=1e-12)


def test_replication_mean_skips_missing_and_needs_two():
    vals = np.array([[1.0, np.nan, np.nan], [3.0, 5.0, np.nan]])
    mean, half = replication_mean(vals)
    assert mean[0] == 2.0 and mean[1] == 5.0 and np.isnan(mean[2])
    assert not np.isnan(half[0]) and np.isnan(half[1]) and np.isnan(half[2])


def test_ratio_is_nan_without_denominator():
    out = ratio(np.array([1.0, 0.0]), np.array([2.0, 0.0]))
    assert out[0] == 0.5 and np.isnan(out[1])
