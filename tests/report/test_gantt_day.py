"""``wfm report --gantt-day``: a day of the horizon without shifts says so; any other value
(not a date, a date outside the plan's horizon) is refused before anything is written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from wfm.cli import main
from wfm.core.errors import InputError
from wfm.io.plan_folder import read_plan_folder
from wfm.report.html import render_report

DATA = Path(__file__).resolve().parents[1] / "data" / "report"


def _two_day_plan(tmp_path: Path) -> Path:
    """The fixture plan (shifts on Monday 2025-03-03 only) as a run of 2 days from that
    Monday: Tuesday 2025-03-04 is in the horizon and has no shift."""
    plan = tmp_path / "plan"
    shutil.copytree(DATA / "plan", plan)
    manifest = json.loads((plan / "manifest.json").read_text(encoding="utf-8"))
    manifest["parameters"].update(start_date="2025-03-03", horizon_days=2)
    (plan / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return plan


def _report(plan: Path, out: Path, day: str):
    args = ["report", str(plan), "--out", str(out), "--gantt-day", day]
    return CliRunner().invoke(main, [*args, "--scenario", str(DATA / "scenario.toml")])


def test_a_day_of_the_horizon_without_shifts_says_so(tmp_path):
    plan, out = _two_day_plan(tmp_path), tmp_path / "report.html"
    res = _report(plan, out, "2025-03-04")
    assert res.exit_code == 0, res.output
    page = out.read_text(encoding="utf-8")
    assert "No shift is scheduled on <b>Tuesday 2025-03-04</b>" in page
    assert "data-chart='gantt'" not in page
    assert "<td>2025-03-03</td>" in page  # the shifts per day are still listed


def test_the_day_with_shifts_is_still_drawn(tmp_path):
    plan, out = _two_day_plan(tmp_path), tmp_path / "report.html"
    res = _report(plan, out, "2025-03-03")
    assert res.exit_code == 0, res.output
    page = out.read_text(encoding="utf-8")
    assert "data-chart='gantt'" in page and "No shift is scheduled on" not in page


def test_a_closed_day_chosen_says_no_shift_rather_than_failing(tmp_path):
    """Saturday 2025-03-08, both sites closed: schedule.csv has no row (KeyError 'site')."""
    out = tmp_path / "report.html"
    res = CliRunner().invoke(
        main, ["report", str(DATA / "closed_day"), "--out", str(out), "--gantt-day", "2025-03-08"]
    )
    assert res.exit_code == 0, res.output
    assert "No shift is scheduled on <b>Saturday 2025-03-08</b>" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "day,why",
    [
        ("2026-02-30", "not a date"),
        ("1900-01-01", "not a day of the plan's horizon"),
        ("2025-03-05", "not a day of the plan's horizon"),  # the day after the last
        ("2025-03-02", "not a day of the plan's horizon"),  # the day before the first
        ("20250304", "not a date"),  # a basic ISO date, not the documented form
        ("monday", "not a date"),
    ],
)
def test_a_day_outside_the_horizon_is_refused(tmp_path, day, why):
    plan, out = _two_day_plan(tmp_path), tmp_path / "report.html"
    res = _report(plan, out, day)
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output and "internal error" not in res.output
    assert f"--gantt-day: {why} (got '{day}')" in res.output
    assert "expected a day YYYY-MM-DD from 2025-03-03 to 2025-03-04 (the plan's horizon)" in (
        res.output
    )
    assert not out.exists()


def test_the_horizon_without_a_start_date_is_that_of_the_intervals():
    """The fixture plan has no start date: its intervals are on 2025-03-03 only."""
    tables, manifest = read_plan_folder(DATA / "plan")
    with pytest.raises(InputError, match="from 2025-03-03 to 2025-03-03"):
        render_report(tables, manifest, gantt_day="2025-03-04")
