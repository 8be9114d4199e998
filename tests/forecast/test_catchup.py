"""The day after a public holiday: a catch-up learnt when it recurs, applied as an event."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import holidays
import numpy as np
import pandas as pd
import pytest

from wfm.core.calendar import public_holidays
from wfm.core.config import ForecastConfig
from wfm.core.mapping import scenario_from_dict
from wfm.forecast import forecast_contacts, forecast_history
from wfm.forecast.catchup import OpenDays, learn_catch_up, open_weekdays

DATA = Path(__file__).resolve().parents[1] / "data" / "forecast"
NY = "America/New_York"
LEVEL = {0: 1200.0, 1: 1000.0, 2: 950.0, 3: 900.0, 4: 800.0}  # Mon … Fri [contacts a day]
CFG = ForecastConfig(models=("week_average",))


def _bank(first: str, last: str, catch_up: float, country: str = "US") -> pd.DataFrame:
    """A weekday centre (09:00–17:00, 30 min) closed on public holidays, whose next open
    day after one (a holiday on a weekday) receives ``catch_up`` times its usual volume."""
    hol = set(holidays.country_holidays(country, years=range(2020, 2027)))
    rows, after = [], False
    for day in pd.date_range(first, last, freq="D"):
        d = day.date()
        if d.weekday() >= 5:
            continue
        if d in hol:
            after = True
            continue
        level = LEVEL[d.weekday()] * (catch_up if after else 1.0)
        after = False
        local = pd.date_range(day + pd.Timedelta(hours=9), periods=16, freq="30min")
        shape = np.linspace(1.0, 2.0, 16) / np.linspace(1.0, 2.0, 16).sum()
        rows += list(zip(local, level * shape, strict=True))
    frame = pd.DataFrame(rows, columns=["local", "contacts"])
    start = frame["local"].dt.tz_localize(NY).dt.tz_convert("UTC")
    return pd.DataFrame(
        {
            "interval_start": start,
            "channel": "voice",
            "segment": "open",
            "contacts": frame["contacts"],
        }
    )


def _scenario(days: int):
    """One weekday site in New York, 09:00–17:00, closed on US public holidays."""
    hours = {d: "09:00-17:00" for d in ("mon", "tue", "wed", "thu", "fri")}
    return scenario_from_dict(
        {
            "name": "bank",
            "interval_min": 30,
            "horizon_days": days,
            "channels": {"voice": {"queue_model": "realtime"}},
            "segments": {"open": {"channels": ["voice"]}},
            "sites": {
                "ny": {"region": "us", "tz": NY, "country": "US", "hours": hours},
            },
            "forecast": {"models": ["week_average"]},
        }
    )


def _days(table: pd.DataFrame) -> pd.Series:
    local = table["interval_start"].dt.tz_convert(NY).dt.date.astype(str)
    return table.groupby(local)["contacts"].sum()


def _history(first: str, last: str, catch_up: float = 1.3) -> pd.DataFrame:
    return _bank(first, last, catch_up)


def test_a_recurring_catch_up_is_learnt_and_applied_after_a_holiday_the_site_closes():
    hist = _history("2024-01-02", "2024-08-16")
    res = forecast_contacts(hist, _scenario(21), start=dt.date(2024, 8, 19), days=21)
    fig = res.figures["catch_up"]["voice/open"]
    assert fig["multiplier"] == pytest.approx(1.3, abs=1e-4)
    # MLK, Presidents', Memorial Day, Juneteenth, Independence Day (Thu 4 → Fri 5 July)
    assert list(fig["learnt_from"]) == [
        "2024-01-16", "2024-02-20", "2024-05-28", "2024-06-20", "2024-07-05"
    ]  # fmt: skip
    assert fig["applied_to"] == ["2024-09-03"]  # Labor Day, Monday 2 Sep, closed
    day = _days(res.table)
    assert day["2024-09-02"] == 0.0
    assert day["2024-09-03"] == pytest.approx(1.3 * LEVEL[1], rel=1e-9)
    assert day["2024-08-27"] == pytest.approx(LEVEL[1], rel=1e-9)
    note = "catch-up after public holidays: the next open day ×1.30, learnt from 5 days"
    assert any(note in n for n in res.notes)


def test_a_friday_holiday_is_caught_up_on_monday_not_on_the_closed_saturday():
    hist = _history("2024-06-03", "2025-06-27")
    res = forecast_contacts(hist, _scenario(14), start=dt.date(2025, 6, 30), days=14)
    assert res.figures["catch_up"]["voice/open"]["applied_to"] == ["2025-07-07"]
    assert _days(res.table)["2025-07-07"] == pytest.approx(1.3 * LEVEL[0], rel=1e-9)


def test_without_a_scenario_a_holiday_before_the_forecast_is_caught_up():
    hist = _history("2024-01-02", "2024-08-30")
    res = forecast_history(hist, start=dt.date(2024, 9, 3), days=7, tz=NY, config=CFG, country="US")
    assert res.figures["catch_up"]["voice/open"]["applied_to"] == ["2024-09-03"]
    assert _days(res.table)["2024-09-03"] == pytest.approx(1.3 * LEVEL[1], rel=1e-9)


def test_a_holiday_forecast_as_a_usual_day_loses_no_work_to_catch_up():
    # without a scenario every day is forecast open: Labor Day is a usual Monday, and a
    # ×1.3 Tuesday after it would count the same work twice
    hist = _history("2024-01-02", "2024-08-16")
    res = forecast_history(
        hist, start=dt.date(2024, 8, 19), days=21, tz=NY, config=CFG, country="US"
    )
    assert res.figures["catch_up"]["voice/open"]["applied_to"] == []
    assert _days(res.table)["2024-09-03"] == pytest.approx(LEVEL[1], rel=1e-9)


def test_a_next_open_day_between_history_and_forecast_takes_the_catch_up_with_it():
    # history ends Wed 26 Nov; Thanksgiving's next open day, Fri 28, is not forecast
    hist = _history("2025-01-02", "2025-11-26")
    res = forecast_history(
        hist, start=dt.date(2025, 12, 1), days=7, tz=NY, config=CFG, country="US"
    )
    assert res.figures["catch_up"]["voice/open"]["applied_to"] == []
    assert _days(res.table)["2025-12-01"] == pytest.approx(LEVEL[0], rel=1e-9)


def test_the_catch_up_days_of_history_do_not_lift_the_level():
    hist = _history("2024-01-02", "2024-07-26")
    res = forecast_history(
        hist, start=dt.date(2024, 7, 29), days=7, tz=NY, config=CFG, country="US"
    )
    assert "2024-07-05" in res.figures["catch_up"]["voice/open"]["learnt_from"]
    # Friday 5 July (×1.3) is one of the four Fridays week_average reads for Friday 2 August:
    # learnt as a usual Friday it would give (3 × 800 + 1040) / 4 = 860, not 800
    assert _days(res.table)["2024-08-02"] == pytest.approx(LEVEL[4], rel=1e-9)


def test_a_large_catch_up_is_no_anomaly():
    hist = _history("2024-01-02", "2024-08-16", catch_up=1.8)
    res = forecast_history(
        hist, start=dt.date(2024, 8, 19), days=7, tz=NY, config=CFG, country="US"
    )
    assert res.figures["catch_up"]["voice/open"]["multiplier"] == pytest.approx(1.8, abs=1e-4)
    assert "anomalous" not in res.figures["days_set_aside"].get("voice/open", {}).values()


def test_the_users_event_in_history_is_taken_out_before_learning():
    hist = _history("2024-01-02", "2024-08-16")
    tuesday = hist["interval_start"].dt.tz_convert(NY).dt.date.astype(str) == "2024-05-28"
    hist.loc[tuesday, "contacts"] *= 2.0  # a promotion on the day after Memorial Day
    events = pd.DataFrame({"date": ["2024-05-28"], "scope": ["all"], "multiplier": [2.0]})
    res = forecast_history(
        hist, start=dt.date(2024, 9, 3), days=7, tz=NY, config=CFG, country="US", events=events
    )
    fig = res.figures["catch_up"]["voice/open"]
    assert fig["multiplier"] == pytest.approx(1.3, abs=1e-4)
    assert "2024-05-28" in fig["learnt_from"]


def test_weekend_holidays_close_nothing_and_do_not_hide_a_catch_up():
    # France has no substitute days: a Saturday or Sunday holiday of a weekday centre is
    # followed by a usual Monday, which used to outvote the catch-up of weekday holidays
    hist = _bank("2021-01-04", "2022-12-30", 1.3, country="FR")
    hist["interval_start"] = hist["interval_start"]  # New York hours, French holidays
    res = forecast_history(hist, start=dt.date(2023, 1, 2), days=7, tz=NY, config=CFG, country="FR")
    fig = res.figures["catch_up"]["voice/open"]
    assert fig["multiplier"] == pytest.approx(1.3, abs=1e-4)
    assert all(dt.date.fromisoformat(d).weekday() < 5 for d in fig["learnt_from"])


def test_without_a_country_no_catch_up_is_learnt():
    hist = _history("2024-01-02", "2024-08-30")
    res = forecast_history(hist, start=dt.date(2024, 9, 3), days=7, tz=NY, config=CFG)
    assert res.figures["catch_up"] == {}
    assert _days(res.table)["2024-09-03"] == pytest.approx(LEVEL[1], rel=1e-9)


def test_a_user_event_on_the_day_wins_over_the_catch_up():
    hist = _history("2024-01-02", "2024-08-30")
    events = pd.DataFrame({"date": ["2024-09-03"], "scope": ["all"], "multiplier": [2.0]})
    res = forecast_history(
        hist, start=dt.date(2024, 9, 3), days=7, tz=NY, config=CFG, country="US", events=events
    )
    assert _days(res.table)["2024-09-03"] == pytest.approx(2.0 * LEVEL[1], rel=1e-9)
    assert res.figures["catch_up"]["voice/open"]["applied_to"] == []


def test_one_holiday_is_not_a_recurrence():
    hist = _history("2024-04-01", "2024-06-14")  # Memorial Day only
    res = forecast_history(
        hist, start=dt.date(2024, 6, 17), days=7, tz=NY, config=CFG, country="US"
    )
    assert res.figures["catch_up"] == {}


def _learn(totals: pd.Series, country: str = "US"):
    ords = np.array([dt.date.fromisoformat(d).toordinal() for d in totals.index])
    years = range(dt.date.fromordinal(ords.min()).year, dt.date.fromordinal(ords.max()).year + 1)
    hol = frozenset(d.toordinal() for d in public_holidays(country, list(years)))
    days = OpenDays(weekdays=open_weekdays(ords), closed=hol)
    return learn_catch_up(ords, totals.to_numpy(dtype=float), hol, days)


def test_poisson_noise_alone_learns_no_catch_up():
    rng = np.random.default_rng(7)
    days = [d for d in pd.date_range("2023-01-02", "2024-12-31").date if d.weekday() < 5]
    learnt = 0
    for _ in range(50):
        counts = rng.poisson([LEVEL[d.weekday()] / 25 for d in days])  # 32–48 a day
        learnt += _learn(pd.Series(counts, index=[d.isoformat() for d in days])) is not None
    assert learnt <= 2  # 50 series of two years each, no effect in them


@pytest.mark.parametrize("name", ["seattle", "cincinnati"])
def test_public_services_open_on_holidays_show_no_catch_up(name):
    daily = pd.read_csv(DATA / "public_services_daily_totals.csv", dtype={"channel": str})
    daily = daily[daily["set"] == name]
    for _, series in daily.groupby(["channel", "segment"]):
        totals = series.set_index("date")["contacts"]
        assert _learn(totals[totals > 0]) is None


def test_a_sparse_series_noise_after_five_holidays_is_not_learnt_as_a_shortfall():
    # Seattle 911 vehicle incidents (about 10 a day) before 14 Dec 2015: four of the five
    # days after holidays fell below the usual (0.56, 0.59, 0.78, 0.50; 1.11), a shortfall
    # of ×0.70 at two Poisson standard errors; the days after later holidays were 1.38, 1.69
    daily = pd.read_csv(DATA / "public_services_daily_totals.csv", dtype={"channel": str})
    sel = (daily["segment"] == "vehicle_incident") & (daily["date"] < "2015-12-14")
    totals = daily[sel].set_index("date")["contacts"]
    assert _learn(totals[totals > 0]) is None
