"""Local days come from the history's own UTC offsets when no scenario or zone is given."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wfm.core.config import ForecastConfig
from wfm.forecast import forecast_history
from wfm.forecast.localdays import offset_disagreements, zone_from_offsets
from wfm.io.history_offsets import parse_offsets_min, read_history_offsets

from .helpers import FAST_MODELS

DATA = Path(__file__).resolve().parents[1] / "data" / "forecast"
BANK = DATA / "bank_calls_30min_2003_05.csv"


@pytest.fixture(scope="module")
def bank():
    return read_history_offsets(BANK)


def test_offsets_follow_the_rows_of_the_history_table(bank):
    hist, offsets = bank
    assert len(offsets) == len(hist)
    assert set(np.unique(offsets)) == {-240.0}
    assert parse_offsets_min(
        np.array(["2025-01-01T00:00:00Z", "2025-01-01T00:00:00+05:30", "2025-01-01T00:00:00"])
    ).tolist()[:2] == [0.0, 330.0]


def test_us_centre_without_scenario_forecasts_on_its_own_local_days(bank):
    hist, offsets = bank
    cfg = ForecastConfig(models=tuple(FAST_MODELS))
    res = forecast_history(hist, days=7, config=cfg, offsets_min=offsets)
    t = res.table
    local = t["interval_start"].dt.tz_convert("America/New_York")
    # the day after Friday 2003-06-13 is Saturday, at New York midnight (04:00 UTC)
    assert local.iloc[0] == pd.Timestamp("2003-06-14 00:00", tz="America/New_York")
    weekend = local.dt.day_of_week >= 5
    night = (local.dt.hour < 7) | (local.dt.hour >= 22)
    # Friday evening calls (00:00-01:30 UTC) are not read as a Saturday
    assert t.loc[weekend, "contacts"].sum() == 0.0
    assert t.loc[night, "contacts"].sum() == 0.0
    monday = local.dt.date == pd.Timestamp("2003-06-16").date()
    hist_local = hist["interval_start"].dt.tz_convert("America/New_York")
    mondays = hist[hist_local.dt.day_of_week == 0].groupby(hist_local.dt.date)["contacts"].sum()
    assert t.loc[monday, "contacts"].sum() == pytest.approx(mondays.tail(4).median(), rel=0.1)
    assert any("America/New_York" in n for n in res.notes)


def test_zone_from_offsets_finds_dst_and_half_hour_zones():
    times = pd.date_range("2025-01-01", "2025-12-31", freq="7D", tz="UTC")
    ny = times.tz_convert("America/New_York")
    off = np.array([ny[i].utcoffset().total_seconds() / 60 for i in range(len(ny))])
    t = times.as_unit("ns").asi8
    assert zone_from_offsets(t, off).tz == "America/New_York"
    assert zone_from_offsets(t, np.full(len(t), 330.0)).tz == "Asia/Kolkata"
    assert zone_from_offsets(t, np.full(len(t), np.nan)).tz == "UTC"


def test_scenario_zone_wins_and_disagreements_are_reported():
    times = pd.date_range("2025-07-01", periods=48, freq="h", tz="UTC").as_unit("ns").asi8
    off = np.full(len(times), -240.0)
    assert offset_disagreements(times, off, "America/New_York") == ""
    note = offset_disagreements(times, off, "America/Chicago")
    assert note.startswith("48 of 48 history rows") and "America/New_York" in note
