"""wfm forecast / wfm backtest: with and without a scenario, files written, bad input."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from click.testing import CliRunner

from wfm.cli import main
from wfm.core.calendar import interval_grid
from wfm.io.tables import write_table


def history(days: int) -> pd.DataFrame:
    """Poisson counts around a weekday bump, 08:00–20:00 Paris time, Monday to Friday."""
    grid = interval_grid(dt.date(2025, 1, 6), days, 30, "Europe/Paris")
    local = grid.tz_convert("Europe/Paris")
    hour = np.asarray(local.hour + local.minute / 60)
    mean = np.where(
        (hour >= 8) & (hour < 20) & (np.asarray(local.day_of_week) < 5),
        20 * np.exp(-((hour - 12) ** 2) / 8),
        0.0,
    )
    contacts = np.random.default_rng(1).poisson(mean).astype(float)
    return pd.DataFrame(
        {"interval_start": grid, "channel": "voice", "segment": "open", "contacts": contacts}
    )


SCENARIO = """
name = "cli"
interval_min = 30
horizon_days = 3
[channels.voice]
queue_model = "realtime"
[segments.open]
channels = ["voice"]
[sites.lyon]
region = "fr"
tz = "Europe/Paris"
country = "FR"
hours.mon = "08:00-20:00"
hours.tue = "08:00-20:00"
hours.wed = "08:00-20:00"
hours.thu = "08:00-20:00"
hours.fri = "08:00-20:00"
[forecast]
models = ["seasonal_naive", "week_average"]
"""


def _files(tmp_path):
    hist = tmp_path / "history.csv"
    write_table(history(28), hist)
    sc = tmp_path / "scenario.toml"
    sc.write_text(SCENARIO, encoding="utf-8")
    return hist, sc


def test_forecast_with_scenario_writes_forecast_and_backtest(tmp_path):
    hist, sc = _files(tmp_path)
    out = tmp_path / "out" / "forecast.csv"
    result = CliRunner().invoke(
        main, ["forecast", str(sc), "--history", str(hist), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert len(table) == 3 * 48
    assert list(table.columns) == [
        "interval_start",
        "channel",
        "segment",
        "contacts",
        "contacts_lo",
        "contacts_hi",
        "aht_s",
        "model",
    ]
    assert (out.parent / "forecast_backtest.csv").exists()
    assert "1 series, 144 rows" in result.output


def test_forecast_without_scenario_uses_defaults(tmp_path):
    hist, _ = _files(tmp_path)
    out = tmp_path / "f.csv"
    result = CliRunner().invoke(
        main,
        [
            "forecast",
            "--history",
            str(hist),
            "--days",
            "2",
            "--tz",
            "Europe/Paris",
            "--workers",
            "1",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(out)) == 2 * 48


def test_backtest_prints_scores(tmp_path):
    hist, sc = _files(tmp_path)
    out = tmp_path / "bt.csv"
    result = CliRunner().invoke(
        main, ["backtest", str(sc), "--history", str(hist), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "wmape_rate" in result.output and "week_average" in result.output
    # the robust baselines join every selection, with the selection's own nested score
    assert set(pd.read_csv(out)["model"]) == {
        "seasonal_naive", "week_average", "week_median", "top_down_pooled", "selected"
    }  # fmt: skip


def test_bad_history_exits_2_and_writes_nothing(tmp_path):
    _, sc = _files(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "interval_start,channel,segment,contacts\n2025-01-06T08:00:00+01:00,voice,open,-3\n",
        encoding="utf-8",
    )
    out = tmp_path / "f.csv"
    result = CliRunner().invoke(
        main, ["forecast", str(sc), "--history", str(bad), "--out", str(out)]
    )
    assert result.exit_code == 2
    assert "bad.csv, line 2, column contacts" in result.output
    assert not out.exists()
