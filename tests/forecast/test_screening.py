"""Days that are not normal are set aside from fitting and reported (real bank calls)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wfm.core.config import ForecastConfig
from wfm.forecast import forecast_history
from wfm.forecast.intraday import day_panel
from wfm.forecast.screening import outage_days, screen_days
from wfm.io.tables import read_history

from .helpers import FAST_MODELS

DATA = Path(__file__).resolve().parents[1] / "data" / "forecast"
BANK = DATA / "bank_calls_30min_2003_05.csv"
CINCINNATI = DATA / "cincinnati_311_three_series_2025_10_27_to_12_18.csv"
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


def _panels(hist: pd.DataFrame) -> dict[str, object]:
    return {
        f"{c}/{s}": day_panel(
            pd.DatetimeIndex(part["interval_start"]), part["contacts"].to_numpy(), NY, 60
        )
        for (c, s), part in hist.groupby(["channel", "segment"])
    }


def test_a_day_empty_in_every_series_of_a_site_is_an_outage_of_all():
    # Cincinnati 311, three sparse series: Sunday 2025-12-14 holds no request anywhere,
    # the six Sundays before 7-14 in all; alone, no series can tell it from a quiet Sunday
    hist = read_history(CINCINNATI)
    panels = _panels(hist)
    for panel in panels.values():
        assert not screen_days(panel)[1]
    sunday = pd.Timestamp("2025-12-14").toordinal()
    assert outage_days(list(panels.values())) == {sunday}
    res = forecast_history(hist, days=7, tz=NY, config=CFG)
    aside = res.figures["days_set_aside"]
    assert {k: v.get("2025-12-14") for k, v in aside.items()} == dict.fromkeys(panels, "outage")
    assert any("1 outage (2025-12-14)" in n for n in res.notes)


def test_one_series_empty_for_a_day_is_not_an_outage_of_its_site():
    hist = read_history(CINCINNATI)
    day = hist["interval_start"].dt.tz_convert(NY).dt.date.astype(str)
    hist = hist[day != "2025-12-14"].copy()  # the real outage left out: a day without data
    day = day[day != "2025-12-14"]
    busiest = (hist["channel"] == "web") & (hist["segment"] == "street_disorder")
    hist.loc[busiest & (day == "2025-12-10"), "contacts"] = 0.0  # 12 requests there before
    assert outage_days(list(_panels(hist).values())) == frozenset()
    assert outage_days([_panels(hist)["web/street_disorder"]]) == frozenset()  # one series


def test_a_public_holiday_without_data_is_closed_not_missing(bank):
    # Memorial Day is absent from the bank's calls: with its country known, the day is a
    # holiday the bank closed, not a day of data gone missing
    us = forecast_history(bank, days=7, tz=NY, config=CFG, country="US")
    assert "2003-05-26" not in us.figures["days_set_aside"].get("voice/open", {})
    plain = forecast_history(bank, days=7, tz=NY, config=CFG)
    assert plain.figures["days_set_aside"]["voice/open"]["2003-05-26"] == "missing"
