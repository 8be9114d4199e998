"""Repeat contacts: delay profile and cyclic horizon."""

from __future__ import annotations

import numpy as np
from hypothesis import given, strategies as st

from wfm.split.repeats import repeat_arrivals


def test_repeats_come_back_on_later_days_same_time():
    u = np.zeros((1, 6))  # 3 days × 2 intervals
    u[0, 1] = 10.0
    got = repeat_arrivals(u, [0.5, 0.3], intervals_per_day=2)
    np.testing.assert_allclose(got[0], [0, 0, 0, 5.0, 0, 3.0])


def test_repeats_after_the_horizon_wrap_to_its_start():
    u = np.zeros((1, 4))
    u[0, 3] = 8.0
    np.testing.assert_allclose(repeat_arrivals(u, [1.0], 2)[0], [0, 8.0, 0, 0])


@given(st.lists(st.floats(0, 0.5), max_size=4), st.integers(1, 48), st.integers(0, 2**16))
def test_total_is_profile_sum_times_unresolved(profile, ipd, seed):
    u = np.random.default_rng(seed).uniform(0, 5, (2, 96))
    got = repeat_arrivals(u, profile, ipd)
    np.testing.assert_allclose(got.sum(), sum(profile) * u.sum(), rtol=1e-9, atol=1e-12)
