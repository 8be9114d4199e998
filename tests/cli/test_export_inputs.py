"""``wfm export``: a bad ``--tz`` is refused naming the option, and ``--out`` is never one of
the files the export reads (the plan folder's tables, manifest and scenario, a --scenario,
--history or --queue-map given); refused with exit 2 before anything is written, the input
left byte for byte as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from wfm.cli import main

DATA = Path(__file__).resolve().parents[1] / "data" / "report"
REFUSED = "would replace an input of the same run; nothing was written"


def _copy(tmp_path: Path, name: str = "closed_day") -> Path:
    plan = tmp_path / name
    shutil.copytree(DATA / name, plan)
    return plan


def _export(*args: str):
    return CliRunner().invoke(main, ["export", *args])


def _refused(args: list[str], victim: Path) -> None:
    before = victim.read_bytes()
    res = _export(*args)
    assert res.exit_code == 2, res.output
    assert REFUSED in res.output
    assert victim.name in res.output
    assert victim.read_bytes() == before


def test_an_unknown_time_zone_is_refused_naming_the_option(tmp_path):
    plan, out = _copy(tmp_path), tmp_path / "calabrio.csv"
    res = _export(str(plan), "--layout", "calabrio", "--out", str(out), "--tz", "Nowhere/X")
    assert res.exit_code == 2, res.output
    assert "--tz" in res.output
    assert "unknown time zone 'Nowhere/X'" in res.output
    assert "expected an IANA name" in res.output
    assert "Traceback" not in res.output and "internal error" not in res.output
    assert not out.exists()


def test_a_known_time_zone_is_still_taken(tmp_path):
    plan, out = _copy(tmp_path), tmp_path / "calabrio.csv"
    res = _export(str(plan), "--layout", "calabrio", "--out", str(out), "--tz", "Asia/Tokyo")
    assert res.exit_code == 0, res.output
    assert out.read_text(encoding="utf-8").strip()


def test_the_plans_own_scenario_is_not_replaced(tmp_path):
    """The scenario copy export reads without --scenario (closed_day keeps one)."""
    plan = _copy(tmp_path)
    victim = plan / "scenario.toml"
    _refused([str(plan), "--layout", "calabrio", "--out", str(victim)], victim)
    # and the next export still reads it
    res = _export(str(plan), "--layout", "calabrio", "--out", str(tmp_path / "c.csv"))
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize(
    "name", ["forecast.csv", "requirements.csv", "schedule.csv", "overflow.csv", "manifest.json"]
)
def test_a_file_of_the_plan_folder_is_not_replaced(tmp_path, name):
    plan = _copy(tmp_path)
    _refused([str(plan), "--layout", "calabrio", "--out", str(plan / name)], plan / name)


def test_the_same_file_under_another_spelling_is_not_replaced(tmp_path, monkeypatch):
    plan = _copy(tmp_path)
    monkeypatch.chdir(tmp_path)
    out = "./closed_day/../closed_day/forecast.csv"
    _refused(["closed_day", "--layout", "tidy", "--out", out], plan / "forecast.csv")


def test_the_scenario_given_is_not_replaced(tmp_path):
    plan, scenario = _copy(tmp_path, "plan"), tmp_path / "scenario.toml"
    shutil.copy(DATA / "scenario.toml", scenario)
    args = [str(plan), "--layout", "calabrio", "--scenario", str(scenario)]
    _refused([*args, "--out", str(scenario)], scenario)


def test_the_queue_map_is_not_replaced(tmp_path):
    plan, qmap = _copy(tmp_path), tmp_path / "queues.csv"
    qmap.write_text("skill,queue_id\nchat,q1\nvoice_open,q2\nvoice_premium,q3\n", encoding="utf-8")
    args = [str(plan), "--layout", "amazon-connect-forecast", "--queue-map", str(qmap)]
    _refused([*args, "--out", str(qmap)], qmap)


def test_another_file_in_the_plan_folder_is_still_written(tmp_path):
    plan = _copy(tmp_path)
    out = plan / "calabrio.csv"
    res = _export(str(plan), "--layout", "calabrio", "--out", str(out))
    assert res.exit_code == 0, res.output
    assert out.read_text(encoding="utf-8").count("\n") > 10
