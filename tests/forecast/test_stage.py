"""forecast_contacts / forecast_history: contract, calendar, fallbacks, seeds, events."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forecast.helpers import FAST_MODELS, history, pattern, scenario
from wfm.core.calendar import interval_grid
from wfm.core.config import ForecastConfig
from wfm.core.contract_checks import check_table
from wfm.core.errors import InputError
from wfm.core.run_options import RunOptions
from wfm.core.schemas import FORECAST
from wfm.forecast import forecast_contacts, forecast_history

ALL_TINY = (("voice", "open"), ("chat", "open"), ("email", "open"), ("voice", "premium"))
BANK = (
    Path(__file__).resolve().parents[1]
    / "data"
    / "forecast"
    / "bank_calls_30min_2003_03_10_to_04_18.csv"
)


def _local_date(table: pd.DataFrame, tz: str = "Europe/Paris") -> pd.Series:
    return table["interval_start"].dt.tz_convert(tz).dt.date


def test_contract_complete_grid_and_closed_intervals(tiny_dict):
    sc = scenario(tiny_dict)
    res = forecast_contacts(history(days=28, series=ALL_TINY, noise_seed=1), sc)
    t = res.table
    check_table(t, FORECAST)
    assert list(t.columns) == list(FORECAST.present(t))
    grid = interval_grid(dt.date(2025, 2, 3), sc.horizon_days, 30, "Europe/Paris")
    assert len(t) == 4 * len(grid)
    assert (t["contacts_lo"] <= t["contacts"]).all() and (t["contacts"] <= t["contacts_hi"]).all()
    local = t["interval_start"].dt.tz_convert("Europe/Paris")
    closed = (local.dt.hour < 8) | (local.dt.hour >= 20) | (local.dt.day_of_week >= 5)
    assert (t.loc[closed, ["contacts", "contacts_lo", "contacts_hi"]] == 0).all().all()
    assert (t.loc[~closed, "contacts"] > 0).all()
    bt = res.tables["backtest"]
    # the robust baselines join every selection, and the selection's own nested score
    assert set(bt["model"]) == {*FAST_MODELS, "top_down_pooled", "selected"}
    assert bt.groupby(["channel", "segment"])["chosen"].sum().eq(1).all()
    assert set(res.figures["chosen_model"]) == {f"{c}/{s}" for c, s in ALL_TINY}
    assert 0 < res.figures["backtest_wmape_rate"] < 1


def test_chosen_model_is_the_backtest_winner(tiny_dict):
    res = forecast_contacts(history(days=35, series=ALL_TINY, noise_seed=2), scenario(tiny_dict))
    bt = res.tables["backtest"]
    for (ch, seg), part in bt.groupby(["channel", "segment"]):
        winner = part.loc[part["wmape_rate"].idxmin(), "model"]
        assert part.loc[part["chosen"], "model"].item() == winner
        rows = res.table[(res.table["channel"] == ch) & (res.table["segment"] == seg)]
        assert set(rows["model"]) == {winner}


def test_forecast_reproduces_the_pattern_across_the_spring_dst_change(tiny_dict):
    # history and forecast both cross a DST change (2025-03-30, Europe/Paris): open hours
    # stay 08:00–20:00 local and the intraday shape does not move by an hour
    tiny_dict["sites"]["lyon"]["country"] = ""
    sc = scenario(tiny_dict, models=["week_average"])
    hist = history(dt.date(2025, 3, 3), 35, series=ALL_TINY)
    res = forecast_contacts(hist, sc, start=dt.date(2025, 4, 7), days=7)
    voice = res.table[(res.table["channel"] == "voice") & (res.table["segment"] == "open")]
    want = pattern(pd.DatetimeIndex(voice["interval_start"]))
    np.testing.assert_allclose(voice["contacts"].to_numpy(), want, atol=1e-9)
    cut = pd.Timestamp("2025-03-24T00:00:00+01:00")
    res = forecast_contacts(
        hist[hist["interval_start"] < cut], sc, start=dt.date(2025, 3, 24), days=14
    )
    voice = res.table[(res.table["channel"] == "voice") & (res.table["segment"] == "open")]
    np.testing.assert_allclose(
        voice["contacts"].to_numpy(), pattern(pd.DatetimeIndex(voice["interval_start"])), atol=1e-9
    )
    sunday = voice[_local_date(voice) == dt.date(2025, 3, 30)]
    assert len(sunday) == 46  # a 23-hour local day


def test_public_holiday_is_closed_in_the_forecast_and_left_out_of_history(tiny_dict):
    # 2025-04-21 (Easter Monday) and 2025-05-01 are French public holidays (holidays package)
    sc = scenario(tiny_dict, models=["week_average"])
    hist = history(dt.date(2025, 3, 31), 28, series=ALL_TINY)
    local = _local_date(hist)
    hist.loc[local == dt.date(2025, 4, 21), "contacts"] = 0.0  # closed that day
    res = forecast_contacts(hist, sc, start=dt.date(2025, 4, 28), days=7)
    t = res.table[(res.table["channel"] == "voice") & (res.table["segment"] == "open")]
    assert (t.loc[_local_date(t) == dt.date(2025, 5, 1), "contacts"] == 0).all()
    # email keeps arriving while the site is closed (answered after opening)
    mail = res.table[res.table["channel"] == "email"]
    assert mail.loc[_local_date(mail) == dt.date(2025, 5, 1), "contacts"].sum() > 0
    monday = t[_local_date(t) == dt.date(2025, 4, 28)]
    np.testing.assert_allclose(
        monday["contacts"].to_numpy(),
        pattern(pd.DatetimeIndex(monday["interval_start"])),
        atol=1e-9,
    )


def test_short_history_falls_back_with_a_note(tiny_dict):
    res = forecast_contacts(history(days=10, series=ALL_TINY, noise_seed=3), scenario(tiny_dict))
    assert set(res.table["model"]) == {"week_average"}
    assert any("short history" in n for n in res.notes)
    assert res.tables["backtest"].empty


def test_new_series_without_history_is_an_error_unless_seeded(tiny_dict):
    hist = history(days=28, series=ALL_TINY[:3])
    with pytest.raises(InputError, match="no history for channel 'voice' of segment 'premium'"):
        forecast_contacts(hist, scenario(tiny_dict))
    sc = scenario(tiny_dict, seed_contacts_per_day={"voice/premium": 240.0})
    res = forecast_contacts(hist, sc)
    prem = res.table[res.table["segment"] == "premium"]
    assert set(prem["model"]) == {"seed"}
    per_day = prem.groupby(_local_date(prem))["contacts"].sum()
    assert per_day.tolist() == pytest.approx([240.0] * sc.horizon_days)
    assert any("no history" in n for n in res.notes)


def test_zero_volume_series_forecasts_zero(tiny_dict):
    hist = history(days=28, series=ALL_TINY)
    hist.loc[hist["channel"] == "chat", "contacts"] = 0.0
    res = forecast_contacts(hist, scenario(tiny_dict))
    chat = res.table[res.table["channel"] == "chat"]
    assert (chat[["contacts", "contacts_lo", "contacts_hi"]] == 0).all().all()
    assert any("no contacts" in n for n in res.notes)


def test_partial_last_day_is_left_out(tiny_dict):
    # an export cut at midnight UTC leaves one hour of the next local day; not a quiet day
    sc = scenario(tiny_dict, models=["week_average"])
    hist = history(days=29, series=ALL_TINY)
    hist = hist[hist["interval_start"] < pd.Timestamp("2025-02-03T09:00:00+01:00")]
    res = forecast_contacts(hist, sc, start=dt.date(2025, 2, 3), days=1)
    voice = res.table[res.table["channel"] == "voice"]
    np.testing.assert_allclose(
        voice["contacts"].to_numpy(), pattern(pd.DatetimeIndex(voice["interval_start"])), atol=1e-9
    )


def test_aht_forecast_and_default_note(tiny_dict):
    hist = history(days=28, series=ALL_TINY, aht_s=240.0)
    res = forecast_contacts(hist, scenario(tiny_dict))
    assert res.table["aht_s"].to_numpy() == pytest.approx(240.0)
    res = forecast_contacts(hist.drop(columns="aht_s"), scenario(tiny_dict, default_aht_s=400))
    assert (res.table["aht_s"] == 400.0).all()
    assert any("default_aht_s" in n for n in res.notes)


def test_events_clean_history_and_adjust_the_forecast(tiny_dict):
    sc = scenario(tiny_dict, models=["week_average"])
    hist = history(days=28, series=ALL_TINY)
    local = _local_date(hist)
    hist.loc[local == dt.date(2025, 1, 27), "contacts"] *= 3  # a campaign day, known
    events = pd.DataFrame(
        {
            "date": ["2025-01-27", "2025-02-04", "2025-02-05"],
            "scope": ["all", "voice/open", "email"],
            "multiplier": [3.0, 2.0, np.nan],
            "contacts": [np.nan, np.nan, 500.0],
        }
    )
    res = forecast_contacts(hist, sc, events=events, days=7)
    t = res.table
    day = _local_date(t)
    voice = t[(t["channel"] == "voice") & (t["segment"] == "open")]
    prem = t[(t["channel"] == "voice") & (t["segment"] == "premium")]
    mon = _local_date(voice) == dt.date(2025, 2, 3)
    np.testing.assert_allclose(
        voice.loc[mon, "contacts"].to_numpy(),
        pattern(pd.DatetimeIndex(voice.loc[mon, "interval_start"])),
    )
    tue = dt.date(2025, 2, 4)
    assert voice.loc[_local_date(voice) == tue, "contacts"].sum() == pytest.approx(
        2 * prem.loc[_local_date(prem) == tue, "contacts"].sum()
    )
    email = t[(t["channel"] == "email") & (day == dt.date(2025, 2, 5))]
    assert email["contacts"].sum() == pytest.approx(500.0)


def test_bad_events_table_is_an_input_error(tiny_dict):
    events = pd.DataFrame(
        {"date": ["2025-02-04"], "scope": ["all"], "multiplier": [2.0], "contacts": [100.0]}
    )
    with pytest.raises(InputError, match="exactly one of multiplier and contacts"):
        forecast_contacts(history(days=28, series=ALL_TINY), scenario(tiny_dict), events=events)


def test_scenarioless_forecast_infers_the_interval_on_real_bank_calls():
    raw = pd.read_csv(BANK)
    raw["interval_start"] = pd.to_datetime(raw["interval_start"], utc=True).dt.as_unit("ns")
    cfg = ForecastConfig(models=("seasonal_naive", "week_average", "top_down_ets"))
    res = forecast_history(
        raw, days=5, tz="America/New_York", config=cfg, options=RunOptions(workers=1)
    )
    t = res.table
    check_table(t, FORECAST)
    assert len(t) == 5 * 48
    local = t["interval_start"].dt.tz_convert("America/New_York")
    assert local.min().date() == dt.date(2003, 4, 19)
    # weekends have no calls in this bank's history, weekdays do
    assert (t.loc[local.dt.day_of_week >= 5, "contacts"] == 0).all()
    assert t.loc[local.dt.day_of_week < 5, "contacts"].sum() > 10_000
    assert res.figures["backtest_wmape_rate"] < 0.2


def test_history_is_not_mutated(tiny_dict):
    hist = history(days=28, series=ALL_TINY, noise_seed=9)
    before = hist.copy(deep=True)
    forecast_contacts(hist, scenario(tiny_dict))
    pd.testing.assert_frame_equal(hist, before)


def test_interval_inference_needs_two_times():
    one = history(days=1).iloc[:1]
    with pytest.raises(InputError, match="fewer than two times"):
        forecast_history(one)
