"""wfm forecast refuses input it cannot forecast from, naming the file, line or option.

Found by fuzzing: ``--days 100000`` ended in a traceback; without a scenario a row at 07:15
made a 30-minute forecast 15-minute and a hole inside a day was forecast at 0; a start in
2199 wrote rows in 2200, one in 1990 forecast the past of a 2026 history; some messages
named no file.
"""

from __future__ import annotations

import copy
import datetime as dt

import pandas as pd
import pytest
from click.testing import CliRunner

from wfm.cli import main
from wfm.core.config import ForecastConfig
from wfm.core.errors import ConfigError
from wfm.core.settings import MAX_HORIZON_DAYS
from wfm.forecast import forecast_contacts, forecast_history
from wfm.io.tables import write_table

from .helpers import FAST_MODELS, history, scenario

START = dt.date(2026, 11, 2)  # a Monday
FAST = ForecastConfig(models=tuple(FAST_MODELS))


def _history(days: int = 21) -> pd.DataFrame:
    """A 30-minute UTC history, every interval of every day written (zeros at night)."""
    return history(START, days, tz="UTC")


def _write(tmp_path, hist: pd.DataFrame, name: str = "history.csv"):
    path = tmp_path / name
    write_table(hist, path)  # rows in the frame's order: row i is line i + 2
    return path


def _run(tmp_path, path, *args: str):
    out = tmp_path / "f.csv"
    argv = ["forecast", "--history", str(path), "--out", str(out), "--workers", "1", *args]
    return CliRunner().invoke(main, argv), out


def _line_of(hist: pd.DataFrame, when: str) -> int:
    return int((hist["interval_start"] == pd.Timestamp(when)).to_numpy().argmax()) + 2


# -- --days -------------------------------------------------------------------------------
def test_days_beyond_a_scenario_horizon_are_refused_by_the_option(tmp_path):
    # 100000 days ended in an OutOfBoundsDatetime traceback (exit 1)
    result, out = _run(tmp_path, _write(tmp_path, _history()), "--days", "100000")
    assert result.exit_code == 2
    assert "Invalid value for '--days'" in result.output
    assert "1<=x<=366" in result.output
    assert not out.exists()
    from wfm.cli.forecast import MAX_DAYS  # the CLI's copy (wfm.core.settings loads pandas)

    assert MAX_DAYS == MAX_HORIZON_DAYS


def test_days_beyond_a_year_are_refused_by_the_library_too():
    with pytest.raises(ConfigError, match=r"^days: a forecast of 100000 days: expected 1 to 366"):
        forecast_history(_history(), days=100000, tz="UTC", config=FAST)


# -- the grid of a history without a scenario --------------------------------------------
def test_a_row_off_the_grid_is_refused_not_read_as_a_shorter_interval(tmp_path):
    # one row at 07:15 made the forecast 15-minute: 672 rows, 0 in every :15 and :45 slot
    hist = _history()
    extra = hist.iloc[[0]].assign(interval_start=pd.Timestamp("2026-11-03T07:15Z"))
    hist = pd.concat([hist.iloc[:60], extra, hist.iloc[60:]], ignore_index=True)
    from wfm.forecast.stage import infer_interval_min

    assert infer_interval_min(hist) == 30  # not 15, the step the row makes
    result, out = _run(tmp_path, _write(tmp_path, hist))
    assert result.exit_code == 2, result.output
    assert "history.csv, line 62, column interval_start: 2026-11-03T07:15:00+00:00 is off " in (
        result.output
    )
    assert "30-minute grid of the other rows; the interval inferred from the history's" in (
        result.output
    )
    assert not out.exists()


def test_a_microsecond_off_the_grid_is_refused_naming_its_line(tmp_path):
    # "inferred interval of 0 min does not divide a day", with no file and no line
    hist = _history()
    hist.loc[20, "interval_start"] += pd.Timedelta(microseconds=1)
    path = tmp_path / "history.csv"
    stamps = [t.isoformat() for t in hist["interval_start"]]  # write_table drops microseconds
    hist.assign(interval_start=stamps).to_csv(path, index=False)
    assert "2026-11-02T10:00:00.000001+00:00" in path.read_text().splitlines()[21]
    result, _ = _run(tmp_path, path)
    assert result.exit_code == 2, result.output
    assert "history.csv, line 22, column interval_start: 2026-11-02T10:00:00.000001+00:00" in (
        result.output
    )
    assert "off the 30-minute grid" in result.output


def test_without_a_scenario_a_missing_interval_reads_as_no_contacts(tmp_path):
    # without a site's zone and hours a day's span is unknown (a UTC export, several zones,
    # a sparse series that leaves out its zeros): refusing holes refused such histories
    hist = _history()
    t = hist["interval_start"]
    gone = (t >= pd.Timestamp("2026-11-03T09:00Z")) & (t < pd.Timestamp("2026-11-03T12:00Z"))
    result, out = _run(tmp_path, _write(tmp_path, hist[~gone].reset_index(drop=True)))
    assert result.exit_code == 0, result.output
    assert out.exists()


def test_nights_and_weekends_left_out_of_an_export_are_no_holes(tmp_path):
    # a centre open 08:00-20:00 on weekdays writes no rows at night nor at weekends
    hist = _history()
    local = hist["interval_start"]
    open_ = (local.dt.hour >= 8) & (local.dt.hour < 20) & (local.dt.day_of_week < 5)
    hist = hist[open_].reset_index(drop=True)
    assert len(hist) == 15 * 24
    result, out = _run(tmp_path, _write(tmp_path, hist), "--days", "2")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert len(table) == 2 * 48
    assert "1 series, 96 rows" in result.output


def test_a_half_hour_zone_hourly_export_is_read(tmp_path):
    # Kolkata at local hh:00 is hh:30 UTC: without a scenario the grid's phase is the data's
    hist = _history()
    hist["interval_start"] = hist["interval_start"] - pd.Timedelta(minutes=330)
    hist = hist.iloc[::2].reset_index(drop=True)  # 60-minute rows at local hh:00
    path = tmp_path / "history.csv"
    stamps = hist["interval_start"].dt.tz_convert("Asia/Kolkata").dt.strftime("%Y-%m-%dT%H:%M:%S")
    hist.assign(interval_start=stamps + "+05:30").to_csv(path, index=False)
    result, out = _run(tmp_path, path)
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(out)) == 7 * 24


# -- the forecast window -------------------------------------------------------------------
def test_a_window_past_the_plan_span_is_refused(tmp_path):
    # rows stamped 2200-01-05, which every reader of the project refuses
    result, out = _run(tmp_path, _write(tmp_path, _history()), "--start", "2199-12-30")
    assert result.exit_code == 2, result.output
    assert (
        "--start: the forecast of 7 days from 2199-12-30 ends on 2200-01-05: outside the days "
        "a plan can hold; expected forecast days from 1970-01-02 to 2199-12-30"
    ) in result.output
    assert not out.exists()


def test_a_start_before_the_history_is_refused_naming_its_days(tmp_path):
    # 1990 was forecast from a 2026 history, exit 0 and no note
    result, out = _run(tmp_path, _write(tmp_path, _history()), "--start", "1990-01-01")
    assert result.exit_code == 2, result.output
    assert (
        "--start: 1990-01-01 is on or before the history's first day 2026-11-02 (the history "
        "runs from 2026-11-02 to 2026-11-22)"
    ) in result.output
    assert not out.exists()


def test_a_start_on_the_first_history_day_is_refused():
    with pytest.raises(ConfigError, match=r"^start: 2026-11-02 is on or before the history's"):
        forecast_history(_history(), start=START, tz="UTC", config=FAST)


def test_a_scenario_start_date_before_the_history_is_refused_naming_the_key(tiny_dict):
    data = copy.deepcopy(tiny_dict)
    data["start_date"] = "1990-01-01"
    hist = history(dt.date(2025, 1, 6), 14)
    with pytest.raises(ConfigError, match=r"^start_date: 1990-01-01 is on or before") as info:
        forecast_contacts(hist, scenario(data))
    assert "the history runs from 2025-01-06 to 2025-01-19" in str(info.value)


def test_a_start_long_after_the_history_gets_a_note(tmp_path):
    hist = _write(tmp_path, _history())
    result, out = _run(tmp_path, hist, "--start", "2026-12-28", "--days", "1")
    assert result.exit_code == 0, result.output
    assert (
        "note (forecast): 35 days lie between the history's last day 2026-11-22 and the "
        "forecast start 2026-12-28"
    ) in result.output
    assert len(pd.read_csv(out)) == 48


# -- messages name the file ---------------------------------------------------------------
def test_a_one_row_history_is_named_by_its_file(tmp_path):
    result, _ = _run(tmp_path, _write(tmp_path, _history().iloc[:1], "one.csv"))
    assert result.exit_code == 2, result.output
    assert (
        "one.csv, interval_start: cannot infer the interval length from fewer than two times"
    ) in result.output


def test_a_bad_event_date_is_named_by_the_events_file(tmp_path):
    events = tmp_path / "special_days.csv"
    events.write_text("date,scope,multiplier,contacts\n2026-13-01,all,2.0,\n", encoding="utf-8")
    hist = _write(tmp_path, _history())
    result, _ = _run(tmp_path, hist, "--events", str(events))
    assert result.exit_code == 2, result.output
    assert "special_days.csv, line 2, column date: not a date (got '2026-13-01')" in (result.output)
