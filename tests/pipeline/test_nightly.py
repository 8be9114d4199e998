"""Nightly job: idempotent on the same day, all-or-nothing on failure or kill, locked."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from wfm.core.errors import ConfigError, WfmError
from wfm.io.nightly import load_nightly_config, nightly_lock
from wfm.pipeline import runstore
from wfm.pipeline.nightly import run_nightly

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from nightly_standin import standin_plan  # noqa: E402

SCENARIO = HERE.parents[0] / "data" / "report" / "scenario.toml"
DAY1, DAY2 = dt.date(2025, 3, 4), dt.date(2025, 3, 5)


def _actuals(day: str, scale: float = 1.0) -> pd.DataFrame:
    t = pd.date_range(f"{day}T08:00:00Z", periods=4, freq="30min")
    rows = []
    for ch, seg, base, aht in (
        ("voice", "premium", 10, 300),
        ("voice", "open", 30, 240),
        ("chat", "open", 12, 420),
    ):
        for i, ts in enumerate(t):
            rows.append(
                {
                    "interval_start": ts.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
                    "channel": ch,
                    "segment": seg,
                    "site": "lyon",
                    "contacts": round(scale * base * (1 + 0.25 * i), 3),
                    "aht_s": aht,
                }
            )
    return pd.DataFrame(rows)


def _config(tmp_path: Path, **extra) -> Path:
    (tmp_path / "actuals").mkdir(exist_ok=True)
    _actuals("2025-03-03").to_csv(tmp_path / "actuals" / "2025-03-03.csv", index=False)
    text = (
        f'scenario_path = "{SCENARIO}"\nactuals_path = "actuals"\nout_root = "plans"\n'
        'store_path = "store/runs.duckdb"\nhorizon_days = 2\n'
        'exports = ["genesys-historical", "amazon-connect-forecast", "tidy"]\n'
    )
    for k, v in extra.items():
        text += f"{k} = {v}\n"
    path = tmp_path / "nightly.toml"
    path.write_text(text)
    return path


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix == ".csv"
    }


def _store_state(path: Path) -> dict:
    con = runstore.connect(path)
    try:
        return {
            "counts": runstore.table_counts(con),
            "actuals": con.execute("SELECT * FROM actuals ORDER BY ALL").fetchall(),
            "snapshots": con.execute("SELECT * FROM forecast_snapshots ORDER BY ALL").fetchall(),
            "runs": con.execute(
                "SELECT run_id, run_date, status FROM runs ORDER BY ALL"
            ).fetchall(),
        }
    finally:
        con.close()


def test_config_paths_are_relative_to_the_file(tmp_path):
    cfg = load_nightly_config(_config(tmp_path))
    assert cfg.out_root == str((tmp_path / "plans").resolve())
    assert cfg.lock_path == str((tmp_path / "plans" / ".nightly.lock").resolve())
    assert cfg.log_path.endswith("plans/nightly.log")
    assert cfg.horizon_days == 2


def test_bad_config_names_the_key(tmp_path):
    with pytest.raises(ConfigError, match="nightly.toml, horizon_days"):
        load_nightly_config(_bad_config(tmp_path))


def _bad_config(tmp_path: Path) -> Path:
    path = _config(tmp_path)
    path.write_text(path.read_text().replace("horizon_days = 2", "horizon_days = -1"))
    return path


def test_unknown_export_layout_is_refused_before_anything_runs(tmp_path):
    cfg = load_nightly_config(_config(tmp_path, report="false"))
    from dataclasses import replace

    with pytest.raises(ConfigError, match="unknown layout 'iex'"):
        run_nightly(replace(cfg, exports=("iex",)), run_date=DAY1, plan=standin_plan)
    assert not (tmp_path / "store").exists()


def test_nightly_twice_on_the_same_day_is_idempotent(tmp_path):
    cfg = load_nightly_config(_config(tmp_path))
    first = run_nightly(cfg, run_date=DAY1, plan=standin_plan)
    folder = Path(first.out_dir)
    files1, store1 = _hashes(folder), _store_state(Path(cfg.store_path))
    second = run_nightly(cfg, run_date=DAY1, plan=standin_plan)
    assert _hashes(folder) == files1
    assert _store_state(Path(cfg.store_path)) == store1
    assert store1["counts"] == {"runs": 1, "actuals": 12, "forecast_snapshots": 3 * 4 * 2}
    assert second.snapshot_rows == 24  # 3 series × 4 half-hours × horizon 2 days
    assert {
        "exports/genesys-historical.csv",
        "exports/amazon-connect-forecast.csv",
        "exports/tidy.csv",
        "accuracy.csv",
        "plan/forecast.csv",
    } <= set(files1)
    assert (folder / "report.html").exists() and (folder / "nightly.json").exists()
    assert sorted(p.name for p in (tmp_path / "plans").iterdir()) == [
        ".nightly.lock",
        "2025-03-04",
        "nightly.log",
    ]
    assert "nightly 2025-03-04: done" in Path(cfg.log_path).read_text()


def test_second_night_scores_the_first_nights_forecast(tmp_path):
    cfg = load_nightly_config(_config(tmp_path))
    run_nightly(cfg, run_date=DAY1, plan=standin_plan)
    # actuals of 2025-03-04 arrive: 10 % above the single history day the forecast echoed
    _actuals("2025-03-04", scale=1.1).to_csv(tmp_path / "actuals" / "2025-03-04.csv", index=False)
    res = run_nightly(cfg, run_date=DAY2, plan=standin_plan)
    acc = res.accuracy.set_index(["channel", "segment", "days_ahead"])
    # snapshot of 03-04 forecast 03-04 (days ahead 0) at the 03-03 values: F = A / 1.1, so
    # wMAPE = Σ|F − A| / ΣA = 1 − 1/1.1 and bias = −(1 − 1/1.1), per series
    for key in [("voice", "open", 0), ("chat", "open", 0), ("voice", "premium", 0)]:
        assert acc.loc[key, "wmape"] == pytest.approx(1 - 1 / 1.1, rel=1e-3)
        assert acc.loc[key, "bias_rate"] == pytest.approx(-(1 - 1 / 1.1), rel=1e-3)
    assert (Path(res.out_dir) / "accuracy.csv").exists()


def test_a_failed_plan_leaves_store_and_folders_as_they_were(tmp_path, monkeypatch):
    cfg = load_nightly_config(_config(tmp_path))
    run_nightly(cfg, run_date=DAY1, plan=standin_plan)
    before_files = _hashes(tmp_path / "plans" / "2025-03-04")
    before_store = _store_state(Path(cfg.store_path))
    _actuals("2025-03-04").to_csv(tmp_path / "actuals" / "2025-03-04.csv", index=False)
    monkeypatch.setenv("WFM_TEST_FAIL", "1")
    with pytest.raises(RuntimeError, match="failed on purpose"):
        run_nightly(cfg, run_date=DAY2, plan=standin_plan)
    assert _store_state(Path(cfg.store_path)) == before_store
    assert not (tmp_path / "plans" / "2025-03-05").exists()
    assert _hashes(tmp_path / "plans" / "2025-03-04") == before_files
    assert not [p for p in (tmp_path / "plans").iterdir() if p.suffix == ".tmp"]
    assert "failed, nothing changed" in Path(cfg.log_path).read_text()
    # the same run of the same day again (without the later actuals) also fails: unchanged
    (tmp_path / "actuals" / "2025-03-04.csv").unlink()
    with pytest.raises(RuntimeError):
        run_nightly(cfg, run_date=DAY1, plan=standin_plan)
    assert _hashes(tmp_path / "plans" / "2025-03-04") == before_files


def test_an_overlapping_run_is_refused(tmp_path):
    cfg = load_nightly_config(_config(tmp_path))
    with nightly_lock(cfg.lock_path), pytest.raises(WfmError, match="holds the lock"):
        run_nightly(cfg, run_date=DAY1, plan=standin_plan)
    assert not (tmp_path / "store").exists()


_KILL_SCRIPT = """
import datetime as dt, sys
sys.path.insert(0, {here!r})
from nightly_standin import standin_plan
from wfm.io.nightly import load_nightly_config
from wfm.pipeline.nightly import run_nightly
run_nightly(load_nightly_config({cfg!r}), run_date=dt.date(2025, 3, 5), plan=standin_plan)
"""


def test_a_nightly_killed_midway_leaves_no_partial_folder(tmp_path):
    cfg_path = _config(tmp_path)
    cfg = load_nightly_config(cfg_path)
    run_nightly(cfg, run_date=DAY1, plan=standin_plan)
    before_store = _store_state(Path(cfg.store_path))
    _actuals("2025-03-04").to_csv(tmp_path / "actuals" / "2025-03-04.csv", index=False)
    marker = tmp_path / "stalled"
    env = dict(os.environ, WFM_TEST_STALL_MARKER=str(marker))
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILL_SCRIPT.format(here=str(HERE), cfg=str(cfg_path))], env=env
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert proc.poll() is None, "the nightly run ended before it could be killed"
            assert time.monotonic() < deadline, "the nightly run never reached the plan"
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    plans = tmp_path / "plans"
    assert not (plans / "2025-03-05").exists()
    assert _store_state(Path(cfg.store_path)) == before_store
    # the next run removes the interrupted run's scratch folders and completes
    res = run_nightly(cfg, run_date=DAY2, plan=standin_plan)
    assert any("removed scratch folders" in n for n in res.notes)
    assert not [p for p in plans.iterdir() if p.suffix in (".tmp", ".old")]
    assert _store_state(Path(cfg.store_path))["counts"]["actuals"] == 24


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_nightly_plans_in_memory_without_scratch_files(tmp_path):
    """No scratch history CSV and no scenario copy: the plan gets the Scenario object with
    the config's horizon and the validated history, and the dated folder holds only the
    plan, the exports, the report, the accuracy and the run record."""
    cfg = load_nightly_config(_config(tmp_path))
    seen = {}

    def plan(scenario, history, **kwargs):
        seen["files"] = _files(tmp_path / "plans")
        seen["scenario"], seen["history"] = scenario, history
        return standin_plan(scenario, history, **kwargs)

    res = run_nightly(cfg, run_date=DAY1, plan=plan)
    assert {Path(f).name for f in seen["files"]} <= {".nightly.lock", "nightly.log", ".wfm-temp"}
    assert seen["scenario"].horizon_days == 2  # the config's, over the scenario file's 1
    assert seen["scenario"].sites["tunis"].tz == "Africa/Tunis"
    assert str(seen["history"]["interval_start"].dt.tz) == "UTC"
    assert len(seen["history"]) == 12
    assert _files(Path(res.out_dir)) == [
        "accuracy.csv",
        "exports/amazon-connect-forecast.csv",
        "exports/genesys-historical.csv",
        "exports/tidy.csv",
        "nightly.json",
        "plan/forecast.csv",
        "plan/manifest.json",
        "plan/split.csv",
        "report.html",
    ]
    assert not [
        p
        for p in (tmp_path / "plans").iterdir()
        if p.name.startswith(".nightly.") and p.suffix == ".tmp"
    ]


_HOLD_SCRIPT = """
import sys, time
from pathlib import Path
from wfm.io.nightly import nightly_lock
with nightly_lock({lock!r}):
    Path({marker!r}).write_text("held")
    time.sleep(120)
"""


def test_a_run_refused_by_the_lock_names_the_holders_pid_and_exits_2(tmp_path):
    from click.testing import CliRunner

    from wfm.cli import main

    cfg_path = _config(tmp_path)
    cfg = load_nightly_config(cfg_path)
    marker = tmp_path / "held"
    script = _HOLD_SCRIPT.format(lock=cfg.lock_path, marker=str(marker))
    holder = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert holder.poll() is None, "the lock holder ended early"
            assert time.monotonic() < deadline, "the lock holder never took the lock"
            time.sleep(0.05)
        result = CliRunner().invoke(main, ["nightly", str(cfg_path), "--date", "2025-03-04"])
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert result.exit_code == 2, result.output
    assert f"another nightly run holds the lock {cfg.lock_path} (pid {holder.pid}, started " in (
        result.output
    )
    assert "nothing was changed" in result.output
    assert not (tmp_path / "store").exists()
