"""Reading plan folders (tolerant of absent tables, strict on malformed ones); export files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from wfm.core.errors import InputError
from wfm.io.plan_folder import read_plan_folder, read_side_table, write_export

PLAN = Path(__file__).resolve().parents[1] / "data" / "report" / "plan"


def test_reads_every_table_present_and_skips_absent_ones():
    tables, manifest = read_plan_folder(PLAN)
    assert set(tables) == {
        "forecast",
        "backtest",
        "split",
        "requirements",
        "pooling",
        "schedule",
        "coverage",
        "overflow",
        "cost",
        "simulation",
    }
    assert manifest["schedule"]["status"] == "FEASIBLE"
    assert str(tables["coverage"]["interval_start"].dtype) == "datetime64[ns, UTC]"


def test_side_table_types():
    sim = read_side_table(PLAN / "simulation.csv")
    assert sim["meets_target"].dtype == bool
    assert sim["service_level_rate"].dtype == "float64"
    assert str(sim["interval_start"].dt.tz) == "UTC"
    assert sim["skill"].iloc[0] == "chat"


def test_malformed_contract_table_names_file_and_line(tmp_path):
    plan = shutil.copytree(PLAN, tmp_path / "plan")
    lines = (plan / "coverage.csv").read_text().splitlines()
    lines[3] = lines[3].rsplit(",", 1)[0] + ",many"  # CSV line 4
    (plan / "coverage.csv").write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match=r"coverage.csv, line 4, column overflow_out_contacts"):
        read_plan_folder(plan)


def test_missing_manifest_or_folder_is_an_error(tmp_path):
    with pytest.raises(InputError, match="plan folder not found"):
        read_plan_folder(tmp_path / "nope")
    with pytest.raises(InputError, match="no manifest.json"):
        read_plan_folder(tmp_path)
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(InputError, match="manifest.json, line 1: not valid JSON"):
        read_plan_folder(tmp_path)


def test_write_export_with_and_without_header(tmp_path):
    df = pd.DataFrame({"a": ["x", "y,z"], "b": ["1", "2"]})
    assert write_export(df, tmp_path / "h.csv").read_text() == 'a,b\nx,1\n"y,z",2\n'
    assert write_export(df, tmp_path / "n.csv", header=False).read_text() == 'x,1\n"y,z",2\n'


def test_a_shift_without_breaks_reads_back(tmp_path):
    plan = shutil.copytree(PLAN, tmp_path / "plan")
    text = (plan / "schedule.csv").read_text().replace(",none,", ",,")
    (plan / "schedule.csv").write_text(text)  # the schedule stage writes "" for no breaks
    tables, _ = read_plan_folder(plan)
    assert tables["schedule"]["breaks"].isna().sum() == 1


def test_a_measure_empty_in_every_row_reads_back_as_numbers(tmp_path):
    # a horizon without contacts: the simulated service levels are NaN in every row
    from wfm.core.manifest import Manifest, Parameters
    from wfm.core.plan import Plan
    from wfm.core.results import StageResult
    from wfm.io.plan_folder import read_plan, write_plan

    t = pd.date_range("2025-03-08T08:00:00Z", periods=2, freq="30min")
    sim = pd.DataFrame(
        {
            "interval_start": t,
            "site": ["lyon", "lyon"],
            "skill": ["voice_open", "voice_open"],
            "contacts": [0.0, 0.0],
            "service_level_rate": [float("nan")] * 2,
            "sl_target_rate": [0.8, 0.8],
        }
    )
    summary = pd.DataFrame({"scope": ["overall"], "asa_s": [float("nan")]})
    manifest = Manifest(run_id="t", parameters=Parameters.from_dict({}, interval_min=30))
    result = StageResult(table=sim, tables={"summary": summary})
    plan = Plan(scenario=None, results={"simulation": result}, manifest=manifest)
    write_plan(plan, tmp_path / "plan")
    back = read_plan(tmp_path / "plan").tables
    assert back["simulation"]["service_level_rate"].dtype == "float64"
    assert back["simulation"]["service_level_rate"].isna().all()
    assert back["summary"]["asa_s"].dtype == "float64"
    assert back["summary"]["scope"].tolist() == ["overall"]
    tables, _ = read_plan_folder(tmp_path / "plan")
    assert tables["simulation"]["service_level_rate"].dtype == "float64"


def test_the_plan_scenario_is_its_copy_else_the_file_its_manifest_names(tmp_path):
    from wfm.io.plan_folder import plan_scenario_file, read_manifest

    manifest = read_manifest(PLAN)
    beside = PLAN.parent / "scenario.toml"  # a plan made before wfm kept a copy
    assert plan_scenario_file(PLAN, manifest) == beside
    plan = shutil.copytree(PLAN, tmp_path / "plan")
    assert plan_scenario_file(plan, manifest) is None
    shutil.copy(beside, plan / "scenario.toml")
    assert plan_scenario_file(plan, manifest) == plan / "scenario.toml"
