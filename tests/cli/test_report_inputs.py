"""``wfm report --out``: never one of the run's own inputs (its ``--history``, its scenario,
a file of the plan folder it reads); refused with exit 2 before anything is written, the
input left byte for byte as it was. The report written into the plan folder stays allowed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from wfm.cli import main

DATA = Path(__file__).resolve().parents[1] / "data" / "report"
HISTORY = (
    "interval_start,channel,segment,site,contacts,aht_s\n"
    "2025-02-24T07:00:00+00:00,voice,open,lyon,12,200\n"
    "2025-02-24T07:00:00+00:00,chat,open,lyon,5,300\n"
)
REFUSED = "would replace an input of the same run; nothing was written"


def _copy(tmp_path: Path, name: str = "plan") -> Path:
    plan = tmp_path / name
    shutil.copytree(DATA / name, plan)
    return plan


def _refused(args: list[str], victim: Path) -> None:
    before = victim.read_bytes()
    res = CliRunner().invoke(main, ["report", *args])
    assert res.exit_code == 2, res.output
    assert REFUSED in res.output
    assert str(victim.name) in res.output
    assert victim.read_bytes() == before


@pytest.mark.parametrize("name", ["forecast.csv", "schedule.csv", "manifest.json"])
def test_a_file_of_the_plan_folder_is_not_replaced(tmp_path, name):
    plan = _copy(tmp_path)
    _refused([str(plan), "--out", str(plan / name)], plan / name)


def test_the_same_file_under_another_spelling_is_not_replaced(tmp_path, monkeypatch):
    plan = _copy(tmp_path)
    monkeypatch.chdir(tmp_path)
    _refused(["plan", "--out", "./plan/../plan/forecast.csv"], plan / "forecast.csv")


def test_the_history_is_not_replaced(tmp_path):
    plan, history = _copy(tmp_path), tmp_path / "history.csv"
    history.write_text(HISTORY, encoding="utf-8")
    _refused([str(plan), "--out", str(history), "--history", str(history)], history)


def test_the_scenario_given_is_not_replaced(tmp_path):
    plan, scenario = _copy(tmp_path), tmp_path / "scenario.toml"
    shutil.copy(DATA / "scenario.toml", scenario)
    _refused([str(plan), "--out", str(scenario), "--scenario", str(scenario)], scenario)


def test_the_plans_own_scenario_is_not_replaced(tmp_path):
    """closed_day/ keeps its scenario.toml, read when no --scenario is given."""
    plan = _copy(tmp_path, "closed_day")
    _refused([str(plan), "--out", str(plan / "scenario.toml")], plan / "scenario.toml")


def test_the_actuals_are_not_replaced(tmp_path):
    plan, actuals = _copy(tmp_path), tmp_path / "actuals.csv"
    actuals.write_text(HISTORY, encoding="utf-8")
    _refused([str(plan), "--out", str(actuals), "--actuals", str(actuals)], actuals)


def test_the_report_into_the_plan_folder_is_still_written(tmp_path):
    """As the demo does: ``wfm report forecasts/demo --out forecasts/demo/report.html``,
    twice (the second replaces the report the first wrote and recorded)."""
    plan = _copy(tmp_path)
    (plan / "report.html").unlink()
    forecast = (plan / "forecast.csv").read_bytes()
    for _ in range(2):
        res = CliRunner().invoke(main, ["report", str(plan), "--out", str(plan / "report.html")])
        assert res.exit_code == 0, res.output
        assert (plan / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (plan / "forecast.csv").read_bytes() == forecast
