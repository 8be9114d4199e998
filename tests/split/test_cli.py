"""``wfm split`` and ``wfm whatif`` from the command line (CliRunner, files in tmp_path)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from wfm.cli import main
from wfm.core.calendar import interval_grid
from wfm.core.schemas import FORECAST, HISTORY, SPLIT
from wfm.io.tables import read_table, write_table


def test_split_command_writes_tables_and_prints_shares(tmp_path, make_forecast):
    scenario = tmp_path / "scenario.toml"
    scenario.write_text(
        """
interval_min = 30
[channels.chat]
queue_model = "concurrent"
max_concurrency = 2
[segments.open]
channels = ["chat"]
ai.chat = { ai_first_rate = 1.0, containment_rate = 0.5 }
[ai_capacity.chat]
max_sessions = 100
[sites.lyon]
region = "fr"
tz = "Europe/Paris"
hours = { mon = "08:00-20:00" }
"""
    )
    write_table(make_forecast([("chat", "open")]), tmp_path / "forecast.csv", FORECAST)
    out = tmp_path / "plan"
    result = CliRunner().invoke(
        main,
        ["split", str(scenario), "--forecast", str(tmp_path / "forecast.csv"), "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert "chat    open   480.000          0.500             0.500" in result.output
    split = read_table(out / "split.csv", SPLIT)
    assert split["ai_contained"].sum() == 240.0
    assert {p.name for p in out.iterdir()} == {
        "split.csv",
        "ai_capacity.csv",
        "repeats.csv",
        "split_summary.csv",
        "split.json",
    }


def test_whatif_rejects_a_bad_axis(tmp_path):
    demo = Path(__file__).resolve().parents[2] / "wfm" / "examples" / "demo" / "scenario.toml"
    hist = tmp_path / "history.csv"
    hist.write_text(
        "interval_start,channel,segment,site,contacts\n"
        "2025-03-03T08:00:00+01:00,voice,open,lyon,5\n"
    )
    result = CliRunner().invoke(
        main, ["whatif", str(demo), "--history", str(hist), "--set", "segments.open.x=1:0:1"]
    )
    assert result.exit_code == 2
    assert "cannot read sweep values" in result.output


def test_whatif_command_prints_and_writes_the_sweep(tmp_path):
    scenario = tmp_path / "scenario.toml"
    scenario.write_text(
        """
interval_min = 60
horizon_days = 1
[channels.chat]
queue_model = "concurrent"
max_concurrency = 2
[segments.open]
channels = ["chat"]
ai.chat = { ai_first_rate = 1.0, containment_rate = 0.5 }
[sites.lyon]
region = "fr"
tz = "Europe/Paris"
cost_per_h = 30.0
closed_on_holidays = false
[forecast]
history_weeks = 2
[sites.lyon.hours]
mon = "00:00-24:00"
tue = "00:00-24:00"
wed = "00:00-24:00"
thu = "00:00-24:00"
fri = "00:00-24:00"
sat = "00:00-24:00"
sun = "00:00-24:00"
"""
    )
    times = interval_grid(dt.date(2025, 3, 3), 14, 60, "Europe/Paris")
    hist = pd.DataFrame(
        {
            "interval_start": times.tz_convert("UTC"),
            "channel": "chat",
            "segment": "open",
            "contacts": 40.0,
            "aht_s": 300.0,
        }
    )
    write_table(hist, tmp_path / "history.csv", HISTORY)
    out = tmp_path / "whatif.csv"
    result = CliRunner().invoke(
        main,
        [
            "whatif",
            str(scenario),
            "--history",
            str(tmp_path / "history.csv"),
            "--set",
            "segments.open.ai.chat.containment_rate=0.2,0.6",
            "--workers",
            "1",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert table["segments.open.ai.chat.containment_rate"].tolist() == [0.2, 0.6]
    assert table["ai_share_rate"].tolist() == [0.2, 0.6]
    assert table["human_fte_gross"].iloc[1] < table["human_fte_gross"].iloc[0]
    assert "human_fte_gross" in result.output
