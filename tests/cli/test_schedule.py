"""``wfm schedule``: writes the plan tables, reports the solve, exit 3 on a hard-rule conflict."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
from click.testing import CliRunner

from wfm.cli import main
from wfm.core.schemas import REQUIREMENTS
from wfm.io.tables import write_table

SCENARIO = """
name = "cli"
interval_min = 60
horizon_days = 1
seed = 5

[channels.voice]
queue_model = "realtime"

[segments.open]
channels = ["voice"]

[sites.lyon]
region = "france"
tz = "Europe/Paris"
cost_per_h = 30.0
hours = { tue = "08:00-20:00" }
pools.all = { skills = ["voice_open"], headcount = HEADCOUNT }

[shifts]
start_step_min = 60
lengths_min = [240, 480]
earliest_start_local = "08:00"
latest_end_local = "20:00"
min_agents_on_queue = 2

[solver]
time_limit_s = 10
num_workers = 1
"""


def _write_inputs(tmp_path, headcount: int):
    scenario = tmp_path / "scenario.toml"
    scenario.write_text(SCENARIO.replace("HEADCOUNT", str(headcount)), encoding="utf-8")
    grid = pd.date_range(
        pd.Timestamp(dt.date(2026, 1, 13), tz="Europe/Paris"), periods=24, freq="60min"
    ).tz_convert("UTC")
    hours = grid.tz_convert("Europe/Paris").hour
    need = np.where((hours >= 8) & (hours < 20), 3.0, 0.0)
    req = pd.DataFrame(
        {
            "interval_start": grid,
            "site": "lyon",
            "skill": "voice_open",
            "contacts": need * 10,
            "aht_s": 300.0,
            "agents_required": need.astype(np.int64),
            "agents_required_gross": need,
            "service_level_rate": np.nan,
            "asa_s": np.nan,
            "occupancy_rate": np.nan,
        }
    )
    path = tmp_path / "requirements.csv"
    write_table(req, path, REQUIREMENTS)
    return scenario, path


def test_schedule_writes_tables_and_reports(tmp_path):
    scenario, req = _write_inputs(tmp_path, headcount=10)
    out = tmp_path / "plan"
    result = CliRunner().invoke(
        main, ["schedule", str(scenario), "--requirements", str(req), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "OPTIMAL" in result.output
    for name in ("schedule", "coverage", "overflow", "pool_agents", "cost"):
        assert (out / f"{name}.csv").exists()
    solve = json.loads((out / "schedule.json").read_text())["solve"]
    # 3 agents 08–20: six 4 h shifts or 8 h + 4 h pairs, 36 paid hours × 30 EUR
    assert solve["objective"] == 36 * 30.0
    sched = pd.read_csv(out / "schedule.csv")
    assert sched["agents"].sum() >= 3


def test_schedule_infeasible_exit_code_and_nothing_written(tmp_path):
    scenario, req = _write_inputs(tmp_path, headcount=1)
    out = tmp_path / "plan"
    result = CliRunner().invoke(
        main, ["schedule", str(scenario), "--requirements", str(req), "--out", str(out)]
    )
    assert result.exit_code == 3
    assert "min_agents_on_queue" in result.output and "lyon" in result.output
    assert not out.exists()


def test_schedule_help():
    result = CliRunner().invoke(main, ["schedule", "--help"])
    assert result.exit_code == 0
    assert "--requirements" in result.output


def test_schedule_rerun_replaces_its_tables_and_keeps_the_planners_files(tmp_path):
    scenario, req = _write_inputs(tmp_path, headcount=10)
    out = tmp_path / "sched"
    args = ["schedule", str(scenario), "--requirements", str(req), "--out", str(out)]
    assert CliRunner().invoke(main, args).exit_code == 0
    (out / "notes.txt").write_text("checked\n")
    (out / "cost.csv").write_text("stale\n")  # wfm's own file: replaced
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert (out / "notes.txt").read_text() == "checked\n"
    assert (out / "cost.csv").read_text() != "stale\n"
    assert "notes.txt" not in json.loads((out / "schedule.json").read_text())["files"]


def test_schedule_refuses_a_folder_it_did_not_write(tmp_path):
    scenario, req = _write_inputs(tmp_path, headcount=10)
    out = tmp_path / "mine"
    out.mkdir()
    (out / "budget.csv").write_text("keep\n")
    result = CliRunner().invoke(
        main, ["schedule", str(scenario), "--requirements", str(req), "--out", str(out)]
    )
    assert result.exit_code == 2, result.output
    assert "schedule.json" in result.output
    assert [p.name for p in out.iterdir()] == ["budget.csv"]
    assert (out / "budget.csv").read_text() == "keep\n"
