"""Day panels (DST, missing days), robust profiles and handle-time shrinkage."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from forecast.helpers import history, pattern
from wfm.core.calendar import interval_grid
from wfm.forecast.intraday import aht_profile, day_panel, local_slots, weekday_profiles


def test_local_slots_follow_wall_clock_across_both_dst_changes():
    # Europe/Paris: 2025-03-30 has 23 hours, 2025-10-26 has 25 (IANA tz database)
    for day, n in ((dt.date(2025, 3, 30), 46), (dt.date(2025, 10, 26), 50)):
        grid = interval_grid(day, 1, 30, "Europe/Paris")
        ords, slots = local_slots(grid, "Europe/Paris", 30)
        assert len(grid) == n
        assert (ords == day.toordinal()).all()
        assert slots[0] == 0 and slots[-1] == 47


def test_panel_keeps_the_weekly_phase_over_a_missing_day():
    hist = history(days=14)
    wed = hist["interval_start"].dt.tz_convert("Europe/Paris").dt.date == dt.date(2025, 1, 8)
    part = hist[~wed]
    panel = day_panel(
        pd.DatetimeIndex(part["interval_start"]), part["contacts"].to_numpy(), "Europe/Paris", 30
    )
    assert panel.n_days == 14
    assert not panel.valid[2] and panel.valid[9]
    assert panel.weekdays[2] == 2 == panel.weekdays[9]  # both Wednesdays
    wed2 = interval_grid(dt.date(2025, 1, 15), 1, 30, "Europe/Paris")
    np.testing.assert_allclose(panel.values[9], pattern(wed2))


def test_autumn_dst_hour_is_averaged_into_its_slot():
    grid = interval_grid(dt.date(2025, 10, 26), 1, 30, "Europe/Paris")
    values = np.arange(len(grid), dtype=float)
    panel = day_panel(grid, values, "Europe/Paris", 30)
    local = grid.tz_convert("Europe/Paris")
    two_am = np.flatnonzero((local.hour == 2) & (local.minute == 0))
    assert len(two_am) == 2  # 02:00 happens twice
    assert panel.values[0, 4] == pytest.approx(values[two_am].mean())


def test_excluded_days_are_missing_rows():
    hist = history(days=7)
    start = dt.date(2025, 1, 6).toordinal()
    panel = day_panel(
        pd.DatetimeIndex(hist["interval_start"]),
        hist["contacts"].to_numpy(),
        "Europe/Paris",
        30,
        exclude_ordinals=frozenset({start + 1}),
    )
    assert not panel.valid[1] and panel.valid[0]


def test_profile_ignores_a_one_off_spike():
    hist = history(days=42)
    clean = day_panel(
        pd.DatetimeIndex(hist["interval_start"]), hist["contacts"].to_numpy(), "Europe/Paris", 30
    )
    spiked = hist.copy()
    t = pd.Timestamp("2025-02-05T10:00:00+01:00").tz_convert("UTC")
    spiked.loc[spiked["interval_start"] == t, "contacts"] *= 50
    panel = day_panel(
        pd.DatetimeIndex(spiked["interval_start"]),
        spiked["contacts"].to_numpy(),
        "Europe/Paris",
        30,
    )
    np.testing.assert_allclose(weekday_profiles(panel, 6), weekday_profiles(clean, 6), atol=1e-12)
    assert weekday_profiles(panel, 6)[0].sum() == pytest.approx(1.0)


def test_aht_profile_is_volume_weighted_and_shrunk_where_thin():
    grid = interval_grid(dt.date(2025, 1, 6), 7, 60, "UTC")
    contacts = np.zeros(len(grid))
    work = np.zeros(len(grid))
    contacts[10], work[10] = 1000, 1000 * 200.0  # Monday 10:00: many contacts at 200 s
    contacts[11], work[11] = 1, 1 * 900.0  # Monday 11:00: one contact at 900 s
    pc = day_panel(grid, contacts, "UTC", 60)
    pw = day_panel(grid, work, "UTC", 60)
    prof = aht_profile(pc, pw, 4, prior_contacts=20.0, default_aht_s=300.0)
    mean = (1000 * 200 + 900) / 1001
    assert prof[0, 10] == pytest.approx(
        (1000 * 200 + 20 * ((1000 * 200 + 20 * mean) / 1020)) / 1020, rel=1e-9
    )
    assert abs(prof[0, 11] - mean) < abs(900 - mean) / 5  # one contact barely moves it


def test_aht_profile_without_data_is_the_default():
    grid = interval_grid(dt.date(2025, 1, 6), 2, 60, "UTC")
    z = day_panel(grid, np.zeros(len(grid)), "UTC", 60)
    assert (aht_profile(z, z, 4, 20.0, 321.0) == 321.0).all()
