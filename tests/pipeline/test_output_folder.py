"""Where ``wfm plan`` and the nightly job may write: nothing a planner put there is ever lost.

A plan goes only into an absent (or empty) folder or a folder wfm wrote before (recognised by
its manifest); a replaced plan keeps every file wfm did not write; an output folder that holds
the inputs, the current folder and unsafe run ids are refused with exit 2 and nothing written;
the next run removes only wfm's own stale temporary folders.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from wfm.cli import main

DATA = Path(__file__).resolve().parents[1] / "data" / "report"
HERE = Path(__file__).resolve().parent


def _snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every entry under ``folder`` (hidden ones too) with the bytes of the files."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None)
        for p in sorted(folder.rglob("*"))
    }


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, Path]:
    """A small scenario, one week of sampled history, and a forecast-only plan of them."""
    root = tmp_path_factory.mktemp("inputs")
    scenario = root / "scenario.toml"
    shutil.copyfile(DATA / "scenario.toml", scenario)
    history = root / "history.csv"
    res = CliRunner().invoke(
        main,
        ["sample", str(scenario), "--weeks", "1", "--start", "2025-02-03", "--out", str(history)],
    )
    assert res.exit_code == 0, res.output
    plan = root / "plans" / "base"
    res = CliRunner().invoke(main, _plan_args(scenario, history, plan))
    assert res.exit_code == 0, res.output
    return {"scenario": scenario, "history": history, "plan": plan}


def _plan_args(scenario: Path, history: Path, out: Path | str | None, *extra: str) -> list[str]:
    args = ["plan", str(scenario), "--history", str(history), "--stop-after", "forecast"]
    if out is not None:
        args += ["--out", str(out)]
    return args + list(extra)


def _plan(inputs, out, *extra) -> object:
    return CliRunner().invoke(main, _plan_args(inputs["scenario"], inputs["history"], out, *extra))


def test_a_folder_of_foreign_files_is_refused_and_left_byte_for_byte(inputs, tmp_path):
    out = tmp_path / "work"
    (out / "sub").mkdir(parents=True)
    (out / "notes.txt").write_text("my notes\n")
    (out / "sub" / "export.csv").write_bytes(b"a,b\n1,2\n")
    (out / "forecast.csv").write_text("my own forecast\n")
    before = _snapshot(tmp_path)
    res = _plan(inputs, out)
    assert res.exit_code == 2, res.output
    assert str(out) in res.output and "manifest.json" in res.output
    assert _snapshot(tmp_path) == before


def test_a_manifest_wfm_did_not_write_is_not_taken_for_a_plan(inputs, tmp_path):
    out = tmp_path / "work"
    out.mkdir()
    (out / "manifest.json").write_text('{"name": "my packaging manifest"}\n')
    (out / "data.csv").write_text("x\n1\n")
    before = _snapshot(tmp_path)
    res = _plan(inputs, out)
    assert res.exit_code == 2, res.output
    assert "manifest.json" in res.output
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize("where", ["inputs folder", "its parent", "plan folder holding them"])
def test_an_out_folder_holding_the_scenario_or_history_is_refused(inputs, tmp_path, where):
    work = tmp_path / "centre"
    work.mkdir()
    scenario = shutil.copyfile(inputs["scenario"], work / "scenario.toml")
    history = shutil.copyfile(inputs["history"], work / "history.csv")
    out = {"inputs folder": work, "its parent": tmp_path}.get(where)
    if out is None:  # a previous plan folder into which the planner copied the inputs
        out = shutil.copytree(inputs["plan"], tmp_path / "plan")
        scenario = shutil.copyfile(scenario, out / "scenario.toml")
        history = shutil.copyfile(history, out / "history.csv")
    before = _snapshot(tmp_path)
    res = CliRunner().invoke(main, _plan_args(scenario, history, out))
    assert res.exit_code == 2, res.output
    assert "holds the input" in res.output and str(out) in res.output
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize(
    "run_id", ["../../x", "../x", "a/b", ".hidden", "a..b", "x" * 65, "", "tab\there"]
)
def test_an_unsafe_run_id_is_refused_and_nothing_is_created(inputs, tmp_path, monkeypatch, run_id):
    cwd = tmp_path / "a" / "b"
    cwd.mkdir(parents=True)
    victim = tmp_path / "x"
    victim.mkdir()
    (victim / "keep.txt").write_text("keep me\n")
    monkeypatch.chdir(cwd)
    before = _snapshot(tmp_path)
    res = _plan(inputs, None, "--run-id", run_id)
    assert res.exit_code == 2, res.output
    assert "--run-id" in res.output
    assert _snapshot(tmp_path) == before


def test_a_slug_run_id_names_the_default_folder(inputs, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = _plan(inputs, None, "--run-id", "2025-w10_v1.2")
    assert res.exit_code == 0, res.output
    manifest = json.loads((tmp_path / "forecasts" / "2025-w10_v1.2" / "manifest.json").read_text())
    assert manifest["run_id"] == "2025-w10_v1.2"


@pytest.mark.parametrize("cwd_is", ["empty folder", "previous plan"])
def test_out_dot_is_refused_and_leaves_nothing_behind(inputs, tmp_path, monkeypatch, cwd_is):
    cwd = tmp_path / "here"
    if cwd_is == "empty folder":
        cwd.mkdir()
    else:
        shutil.copytree(inputs["plan"], cwd)
    monkeypatch.chdir(cwd)
    before = _snapshot(tmp_path)
    res = _plan(inputs, ".")
    assert res.exit_code == 2, res.output
    assert "current folder" in res.output
    assert _snapshot(tmp_path) == before


def test_a_previous_plan_is_replaced_and_the_planners_files_are_kept(inputs, tmp_path):
    out = shutil.copytree(inputs["plan"], tmp_path / "plan")
    old = json.loads((out / "manifest.json").read_text())
    # an older full run had also written split.csv: wfm's own file, so it goes
    (out / "split.csv").write_text("old split\n")
    old["files"] = sorted([*old["files"], "split.csv"])
    old["run_id"] = "old-run"
    (out / "manifest.json").write_text(json.dumps(old))
    (out / "notes.txt").write_bytes(b"call Lyon about Monday\n")
    (out / "mine").mkdir()
    (out / "mine" / "genesys.csv").write_bytes(b"Interval,Queue\n")
    res = _plan(inputs, out, "--run-id", "new-run")
    assert res.exit_code == 0, res.output
    assert (out / "notes.txt").read_bytes() == b"call Lyon about Monday\n"
    assert (out / "mine" / "genesys.csv").read_bytes() == b"Interval,Queue\n"
    assert not (out / "split.csv").exists()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["run_id"] == "new-run"
    assert manifest["files"] == ["backtest.csv", "forecast.csv", "scenario.toml"]
    assert sorted(p.name for p in out.iterdir()) == [
        "backtest.csv",
        "forecast.csv",
        "manifest.json",
        "mine",
        "notes.txt",
        "scenario.toml",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]  # no temporary left


def test_a_report_wfm_wrote_into_the_plan_is_replaced(inputs, tmp_path):
    out = shutil.copytree(inputs["plan"], tmp_path / "plan")
    res = CliRunner().invoke(main, ["report", str(out), "--out", str(out / "report.html")])
    assert res.exit_code == 0, res.output
    assert (out / "report.html").exists()
    res = _plan(inputs, out)
    assert res.exit_code == 0, res.output
    assert not (out / "report.html").exists()


def test_a_planner_file_named_like_a_plan_table_is_refused(inputs, tmp_path):
    out = shutil.copytree(inputs["plan"], tmp_path / "plan")
    (out / "schedule.csv").write_text("my schedule\n")  # not in the manifest's files
    before = _snapshot(tmp_path)
    res = _plan(inputs, out)
    assert res.exit_code == 2, res.output
    assert "schedule.csv" in res.output
    assert _snapshot(tmp_path) == before


_MAKE_TEMP = "import sys; from wfm.io.files import make_temp_dir; make_temp_dir(sys.argv[1], 'p1')"


def test_the_next_run_removes_only_wfms_stale_temporary_folders(inputs, tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    # a run that ended without cleaning up (its process is gone)
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    subprocess.run([sys.executable, "-c", _MAKE_TEMP, str(plans)], check=True, env=env)
    stale = [p for p in plans.iterdir() if p.name.startswith(".p1.")]
    assert len(stale) == 1 and stale[0].suffix == ".tmp"
    (stale[0] / "forecast.csv").write_text("half written\n")
    # a hidden folder that merely looks like one
    lookalike = plans / ".p2.abcd.tmp"
    lookalike.mkdir()
    (lookalike / "keep.txt").write_text("not wfm's\n")
    res = _plan(inputs, plans / "p2")
    assert res.exit_code == 0, res.output
    assert not stale[0].exists()
    assert (lookalike / "keep.txt").read_text() == "not wfm's\n"
    assert sorted(p.name for p in plans.iterdir()) == [".p2.abcd.tmp", "p2"]


# -- the nightly job's dated folders ----------------------------------------------------------

sys.path.insert(0, str(HERE))
from nightly_standin import standin_plan  # noqa: E402

DAY1 = dt.date(2025, 3, 4)


def _config(tmp_path: Path) -> Path:
    """A nightly config with one day of actuals (2025-03-03, four half-hours of voice)."""
    (tmp_path / "actuals").mkdir()
    rows = ["interval_start,channel,segment,site,contacts,aht_s"]
    for i in range(4):
        start = f"2025-03-03T{8 + i // 2:02d}:{30 * (i % 2):02d}:00+00:00"
        rows.append(f"{start},voice,open,lyon,{20 + i},240")
    (tmp_path / "actuals" / "2025-03-03.csv").write_text("\n".join(rows) + "\n")
    path = tmp_path / "nightly.toml"
    path.write_text(
        f'scenario_path = "{DATA / "scenario.toml"}"\nactuals_path = "actuals"\n'
        'out_root = "plans"\nstore_path = "store/runs.duckdb"\nhorizon_days = 2\n'
        'exports = ["tidy"]\n'
    )
    return path


def test_a_nightly_rerun_keeps_a_planners_file_in_the_dated_folder(tmp_path):
    from wfm.io.nightly import load_nightly_config
    from wfm.pipeline.nightly import run_nightly

    cfg = load_nightly_config(_config(tmp_path))
    res = run_nightly(cfg, run_date=DAY1, plan=standin_plan)
    dated = Path(res.out_dir)
    record = json.loads((dated / "nightly.json").read_text())
    assert "plan/forecast.csv" in record["files"] and "report.html" in record["files"]
    (dated / "checked-by-anna.txt").write_text("ok\n")
    run_nightly(cfg, run_date=DAY1, plan=standin_plan)
    assert (dated / "checked-by-anna.txt").read_text() == "ok\n"
    assert (dated / "plan" / "forecast.csv").exists()


def test_a_nightly_refuses_a_dated_folder_it_did_not_write(tmp_path):
    from wfm.core.errors import InputError
    from wfm.io.nightly import load_nightly_config
    from wfm.pipeline.nightly import run_nightly

    cfg = load_nightly_config(_config(tmp_path))
    dated = Path(cfg.out_root) / DAY1.isoformat()
    dated.mkdir(parents=True)
    (dated / "budget.xlsx").write_bytes(b"\x00\x01")
    before = _snapshot(dated)
    with pytest.raises(InputError, match="nightly.json"):
        run_nightly(cfg, run_date=DAY1, plan=standin_plan)
    assert _snapshot(dated) == before
