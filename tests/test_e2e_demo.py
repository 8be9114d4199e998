"""The demo scenario end to end on a small slice: every stage runs and the contracts hold.

Three weeks of seeded synthetic history, a one-day horizon, a short solver limit and two
simulation replications keep it to seconds; the full demo is ``make demo``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from wfm.cli import main
from wfm.core.contract_checks import check_table
from wfm.core.mapping import set_key
from wfm.core.schemas import SCHEMAS
from wfm.io.scenario import load_scenario_dict
from wfm.io.tables import read_table, write_table

DEMO_SCENARIO = Path(__file__).resolve().parents[1] / "wfm" / "examples" / "demo" / "scenario.toml"


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory):
    """Scenario file + history CSV for a 1-day plan of the demo centre."""
    import tomllib

    from wfm.core.mapping import scenario_from_dict
    from wfm.sample import sample_history

    folder = tmp_path_factory.mktemp("demo")
    data = load_scenario_dict(DEMO_SCENARIO)
    for key, value in [
        ("horizon_days", 1),
        ("solver.time_limit_s", 20.0),
        ("simulation.replications", 2),
        ("forecast.history_weeks", 3),
    ]:
        data = set_key(data, key, value)
    scenario = scenario_from_dict(data)
    history = sample_history(
        scenario, start=dt.date(2025, 2, 3), weeks=3, rng=np.random.default_rng(scenario.seed)
    )
    write_table(history, folder / "history.csv", SCHEMAS["history"])
    (folder / "scenario.toml").write_text(_to_toml(data))
    assert scenario_from_dict(tomllib.loads(_to_toml(data))) == scenario
    return folder


def _to_toml(data: dict, prefix: str = "") -> str:
    """Minimal TOML writer for the scenario dict (tables, arrays, inline tables)."""

    def val(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, list | tuple):
            return "[" + ", ".join(val(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{" + ", ".join(f"{json.dumps(k)} = {val(x)}" for k, x in v.items()) + "}"
        return repr(v)

    lines, tables = [], []
    for k, v in data.items():
        if isinstance(v, dict) and v and all(isinstance(x, dict) for x in v.values()):
            tables.append((k, v))
        elif isinstance(v, dict) and prefix == "":
            tables.append((k, v))
        else:
            lines.append(f"{json.dumps(k)} = {val(v)}")
    out = "\n".join(lines) + "\n"
    for k, v in tables:
        name = f"{prefix}.{json.dumps(k)}" if prefix else json.dumps(k)
        out += f"\n[{name}]\n" + _to_toml(v, name)
    return out


@pytest.fixture(scope="module")
def plan_dir(small_demo):
    out = small_demo / "plan"
    result = CliRunner().invoke(
        main,
        [
            "plan",
            str(small_demo / "scenario.toml"),
            "--history",
            str(small_demo / "history.csv"),
            "--out",
            str(out),
            "--run-id",
            "test",
        ],
    )
    assert result.exit_code == 0, result.output
    return out


def test_plan_writes_every_contract_table(plan_dir):
    for name in ("forecast", "split", "requirements", "schedule", "coverage"):
        df = read_table(plan_dir / f"{name}.csv", SCHEMAS[name])
        check_table(df, SCHEMAS[name])
        assert len(df) > 0, name
    manifest = json.loads((plan_dir / "manifest.json").read_text())
    assert manifest["run_id"] == "test"
    assert set(manifest["stages"]) == {
        "forecast",
        "split",
        "requirements",
        "schedule",
        "simulation",
    }
    sched = manifest["schedule"]
    assert sched["status"] in {"OPTIMAL", "FEASIBLE"}
    assert 0 <= sched["gap_rate"] <= 1
    assert sched["best_bound"] <= sched["objective"] + 1e-6
    assert len(manifest["inputs"]) == 2


def test_split_conserves_forecast(plan_dir):
    fc = read_table(plan_dir / "forecast.csv", SCHEMAS["forecast"])
    sp = read_table(plan_dir / "split.csv", SCHEMAS["split"])
    assert sp["contacts"].sum() == pytest.approx(fc["contacts"].sum(), rel=1e-6)
    np.testing.assert_allclose(sp["ai_contained"] + sp["human_contacts"], sp["contacts"], atol=1e-5)


def test_coverage_meets_requirements_without_shortfall(plan_dir):
    cov = read_table(plan_dir / "coverage.csv", SCHEMAS["coverage"])
    req = read_table(plan_dir / "requirements.csv", SCHEMAS["requirements"])
    assert (req["agents_required_gross"] >= req["agents_required"] - 1e-9).all()
    np.testing.assert_allclose(
        cov["agents_gap"], cov["agents_scheduled"] - cov["agents_required"], atol=1e-5
    )
    # contacts the optimiser handed to AI stay within the split's bounds (no premium: human only)
    both = cov.merge(req, on=["interval_start", "site", "skill"])
    assert (both["ai_moved_contacts"] <= both["ai_movable_contacts"] + 1e-6).all()
    assert both.loc[both["skill"] == "voice_premium", "ai_moved_contacts"].eq(0).all()


def test_resume_from_requirements_gives_same_files(plan_dir, small_demo):
    out = small_demo / "resumed"
    result = CliRunner().invoke(
        main,
        [
            "plan",
            str(small_demo / "scenario.toml"),
            "--from",
            "requirements",
            "--resume",
            str(plan_dir),
            "--out",
            str(out),
            "--run-id",
            "test",
        ],
    )
    assert result.exit_code == 0, result.output
    for name in ("forecast.csv", "split.csv", "requirements.csv", "schedule.csv", "coverage.csv"):
        assert (out / name).read_bytes() == (plan_dir / name).read_bytes(), name


def test_resume_from_schedule_simulates_with_the_earlier_split(plan_dir, small_demo):
    # it failed: "stage 'simulation' needs the split table(s)" (only requirements were read)
    out = small_demo / "resumed_schedule"
    args = ["plan", str(small_demo / "scenario.toml"), "--from", "schedule"]
    args += ["--resume", str(plan_dir), "--out", str(out), "--run-id", "test"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    for name in ("split.csv", "requirements.csv", "schedule.csv", "simulation.csv"):
        assert (out / name).read_bytes() == (plan_dir / name).read_bytes(), name


def test_resume_from_simulation_carries_the_solver_outcome(plan_dir, small_demo):
    out = small_demo / "resumed_sim"
    result = CliRunner().invoke(
        main,
        [
            "plan",
            str(small_demo / "scenario.toml"),
            "--from",
            "simulation",
            "--resume",
            str(plan_dir),
            "--out",
            str(out),
            "--run-id",
            "test",
        ],
    )
    assert result.exit_code == 0, result.output
    before = json.loads((plan_dir / "manifest.json").read_text())
    after = json.loads((out / "manifest.json").read_text())
    assert after["schedule"] == before["schedule"]
    assert after["stages"]["schedule"]["carried"] is True
    assert (out / "schedule.csv").read_bytes() == (plan_dir / "schedule.csv").read_bytes()
    assert (out / "simulation.csv").read_bytes() == (plan_dir / "simulation.csv").read_bytes()


def test_failed_plan_leaves_no_output(small_demo, tmp_path):
    bad = tmp_path / "history.csv"
    text = (small_demo / "history.csv").read_text().splitlines()
    text[5] = text[5].replace(",chat,", ",fax,")
    bad.write_text("\n".join(text) + "\n")
    out = tmp_path / "plan"
    result = CliRunner().invoke(
        main, ["plan", str(small_demo / "scenario.toml"), "--history", str(bad), "--out", str(out)]
    )
    assert result.exit_code == 2
    assert "history.csv, line 6, column channel: unknown channel 'fax'" in result.output
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad]


def test_sample_history_is_plausible(small_demo):
    hist = read_table(small_demo / "history.csv", SCHEMAS["history"])
    weekly = hist["contacts"].sum() / 3
    assert 50_000 < weekly < 200_000
    assert set(hist["site"]) == {"lyon", "lille"}
    assert isinstance(hist["interval_start"].dtype, pd.DatetimeTZDtype)


def test_plan_applies_special_days_file(small_demo, plan_dir, tmp_path):
    """forecast.events_file (next to the scenario) reaches the forecast: a 1.5× day for chat."""
    import shutil
    import tomllib

    folder = tmp_path / "with_events"
    folder.mkdir()
    data = tomllib.loads((small_demo / "scenario.toml").read_text())
    data = set_key(data, "forecast.events_file", "events.csv")
    (folder / "scenario.toml").write_text(_to_toml(data))
    (folder / "events.csv").write_text("date,scope,multiplier\n2025-02-24,chat/open/lyon,1.5\n")
    shutil.copy(small_demo / "history.csv", folder / "history.csv")
    out = folder / "plan"
    result = CliRunner().invoke(
        main,
        [
            "plan",
            str(folder / "scenario.toml"),
            "--history",
            str(folder / "history.csv"),
            "--out",
            str(out),
            "--stop-after",
            "forecast",
        ],
    )
    assert result.exit_code == 0, result.output
    base = read_table(plan_dir / "forecast.csv", SCHEMAS["forecast"])
    bumped = read_table(out / "forecast.csv", SCHEMAS["forecast"])
    key = ["channel", "segment", "site"]
    b = base.groupby(key)["contacts"].sum()
    e = bumped.groupby(key)["contacts"].sum()
    assert e[("chat", "open", "lyon")] == pytest.approx(1.5 * b[("chat", "open", "lyon")], rel=1e-6)
    others = [k for k in b.index if k != ("chat", "open", "lyon")]
    assert np.allclose(e[others], b[others])
    manifest = json.loads((out / "manifest.json").read_text())
    assert "events.csv" in manifest["inputs"]
