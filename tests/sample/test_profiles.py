"""Daily profiles: shapes the sample history relies on."""

from __future__ import annotations

import numpy as np
import pytest

from wfm.sample.profiles import PROFILES, around_the_clock_profile, office_profile

HOURS = np.arange(0, 24, 0.25)


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_profiles_are_positive_and_finite(name):
    w = PROFILES[name](HOURS)
    assert w.shape == HOURS.shape
    assert np.isfinite(w).all() and (w > 0).all()


def test_office_profile_peaks_late_morning_with_a_lunch_dip():
    w = office_profile(HOURS)
    peak_h = HOURS[np.argmax(w)]
    assert 10.0 <= peak_h <= 11.0
    lunch = office_profile(np.array([12.75]))[0]
    afternoon = office_profile(np.array([14.5]))[0]
    assert lunch < afternoon < w.max()


def test_around_the_clock_profile_is_low_at_night_and_peaks_in_the_evening_too():
    night = around_the_clock_profile(np.array([3.0, 4.0, 5.0]))
    evening = around_the_clock_profile(np.array([20.5]))[0]
    late_morning = around_the_clock_profile(np.array([11.0]))[0]
    assert night.max() < 0.15 * evening
    assert evening > 0.8 * late_morning
