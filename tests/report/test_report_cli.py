"""``wfm report``: the scenario's zones and targets, actuals and the nightly's accuracy in
the plan folder, a chosen Gantt day."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from wfm.cli import main

DATA = Path(__file__).resolve().parents[1] / "data" / "report"


def test_report_reads_actuals_and_accuracy_of_the_plan_folder(tmp_path):
    plan = tmp_path / "plan"
    shutil.copytree(DATA / "plan", plan)
    fc = pd.read_csv(plan / "forecast.csv")
    # actuals 25 % above the forecast: wMAPE 20.0 %, bias −20.0 % (see test_report_glance)
    fc[["interval_start", "channel", "segment"]].assign(contacts=fc["contacts"] * 1.25).to_csv(
        plan / "actuals.csv", index=False
    )
    pd.DataFrame(
        {"channel": ["voice"], "segment": ["open"], "days_ahead": [1], "wmape": [0.18247254183]}
    ).to_csv(plan / "accuracy.csv", index=False)
    out = tmp_path / "report.html"
    args = ["report", str(plan), "--out", str(out), "--scenario", str(DATA / "scenario.toml")]
    res = CliRunner().invoke(main, [*args, "--gantt-day", "2025-03-03"])
    assert res.exit_code == 0, res.output
    page = out.read_text(encoding="utf-8")
    assert "<figure data-chart='accuracy'>" in page
    assert "<td>20.0%</td><td>-20.0%</td>" in page.replace("\n", "")
    assert "18.2%" in page and "0.18247254183" not in page
    assert "local time (Africa/Tunis)" in page
    assert "premium · voice:" in page and "against a target of 90.0%" in page
    assert "(the busiest day by paid hours)" not in page  # the day was chosen


def test_the_nightly_accuracy_is_read_with_its_contract(tmp_path):
    """A cell of accuracy.csv that is not a number is named (it was shown as a blank)."""
    plan = tmp_path / "plan"
    shutil.copytree(DATA / "plan", plan)
    (plan / "accuracy.csv").write_text(
        "channel,segment,days_ahead,intervals,actual_contacts,forecast_contacts,wmape,bias_rate\n"
        "voice,open,0,48,1234.5,1300.25,0.0531,0.0531\n"
        "voice,open,1,48,1234.5,1300.25,n/a,0.0531\n",
        encoding="utf-8",
    )
    out = tmp_path / "report.html"
    res = CliRunner().invoke(main, ["report", str(plan), "--out", str(out)])
    assert res.exit_code == 2, res.output
    assert "accuracy.csv, line 3, column wmape: not a number" in res.output
    assert not out.exists()
