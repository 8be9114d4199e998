"""Days that are not normal are set aside from fitting and reported (real bank calls)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wfm.core.config import ForecastConfig
from wfm.forecast import forecast_history
from wfm.forecast.intraday import day_panel
from wfm.forecast.screening import screen_days
from wfm.io.tables import read_history

from .helpers import FAST_MODELS

BANK = Path(__file__).resolve().parents[1] / "data" / "forecast" / "bank_calls_30min_2003_05.csv"
NY = "America/New_York"
CFG = ForecastConfig(models=tuple(FAST_MODELS))


@pytest.fixture(scope="module")
def bank():
    return read_history(BANK)


def _local_day(hist: pd.DataFrame) -> np.ndarray:
    return np.asarray(hist["interval_start"].dt.tz_convert(NY).dt.date.astype(str))


def _day_totals(table: pd.DataFrame) -> pd.Series:
    return table.groupby(_local_day(table))["contacts"].sum()


def test_a_log_cut_mid_day_and_zero_filled_is_partial_not_a_quiet_day(bank):
    hist = bank.copy()
    local = hist["interval_start"].dt.tz_convert(NY)
    cut = (_local_day(hist) == "2003-06-13") & (local.dt.hour >= 13)
    hist.loc[cut, "contacts"] = 0.0  # the rest of the day written as zeros: every row there
    res = forecast_history(hist, days=7, tz=NY, config=CFG)
    assert res.figures["days_set_aside"]["voice/open"]["2003-06-13"] == "partial"
    fridays = _day_totals(bank)[["2003-05-23", "2003-05-30", "2003-06-06", "2003-06-13"]]
    friday = _day_totals(res.table)["2003-06-20"]
    assert friday == pytest.approx(float(np.median(fridays)), rel=0.08)
    assert any("1 partial (2003-06-13)" in n for n in res.notes)


def test_an_outage_day_is_anomalous_and_a_holiday_is_set_aside_by_country(bank):
    extra = bank[_local_day(bank) == "2003-05-19"].copy()  # Memorial Day, absent in the source
    extra["interval_start"] += pd.Timedelta(days=7)
    extra["contacts"] *= 0.3
    hist = pd.concat([bank, extra], ignore_index=True)
    quiet = _local_day(hist) == "2003-06-03"
    hist.loc[quiet, "contacts"] *= 0.25
    plain = forecast_history(hist, days=7, tz=NY, config=CFG).figures["days_set_aside"]
    assert plain["voice/open"]["2003-06-03"] == "anomalous"
    assert plain["voice/open"]["2003-05-26"] == "anomalous"
    us = forecast_history(hist, days=7, tz=NY, config=CFG, country="US")
    assert us.figures["days_set_aside"]["voice/open"]["2003-05-26"] == "holiday"


def test_a_quiet_normal_week_is_not_set_aside(bank):
    hist = bank.copy()
    last_week = _local_day(hist) >= "2003-06-09"
    hist.loc[last_week, "contacts"] *= 0.5  # a level shift of a whole week is news, not noise
    ords = hist["interval_start"]
    panel = day_panel(pd.DatetimeIndex(ords), hist["contacts"].to_numpy(), NY, 30)
    _, found = screen_days(panel)
    assert [s.reason for s in found] == ["missing"]  # Memorial Day only
