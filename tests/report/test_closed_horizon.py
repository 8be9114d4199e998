"""A horizon of closed days only: the report (and the nightly that writes it) says so.

The plan folder ``tests/data/report/closed_day/`` was written by ``wfm plan`` for Saturday
2025-03-08, when both sites of the fixture scenario are closed: every contact, agent and cost
is 0 and the simulated service levels are empty cells.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from wfm.cli import main
from wfm.io.nightly import load_nightly_config
from wfm.io.plan_folder import read_plan, read_plan_folder
from wfm.io.scenario import load_scenario
from wfm.pipeline.nightly import run_nightly
from wfm.report.html import render_report

DATA = Path(__file__).resolve().parents[1] / "data" / "report"
CLOSED = DATA / "closed_day"
NO_SITE_OPENS = "No site opens in the horizon"


def test_report_of_a_horizon_where_no_site_opens_says_so():
    tables, manifest = read_plan_folder(CLOSED)
    assert tables["simulation"]["service_level_rate"].isna().all()  # empty cells: no measure
    sites = load_scenario(CLOSED / "scenario.toml").sites
    page = render_report(tables, manifest, sites=sites)
    assert NO_SITE_OPENS in page
    assert "lyon, tunis" in page  # the sites closed throughout, named
    assert "2025-03-08" in page  # the horizon's local day
    assert "simulated service level</span>" not in page  # no card for an empty simulation


def test_the_days_are_named_when_the_run_had_no_start_date():
    tables, manifest = read_plan_folder(CLOSED)
    manifest["parameters"]["start_date"] = "day after history"  # as run_plan writes it
    sites = load_scenario(CLOSED / "scenario.toml").sites
    page = render_report(tables, manifest, sites=sites)
    assert f"{NO_SITE_OPENS} (2025-03-08)" in page  # local day of the intervals at lyon


def test_without_the_scenario_the_report_infers_it_from_the_plan():
    tables, manifest = read_plan_folder(CLOSED)
    page = render_report(tables, manifest)
    assert "No shift is scheduled and no agent is required in the horizon" in page
    assert NO_SITE_OPENS not in page  # not claimed without the opening hours


def test_present_but_empty_tables_do_not_break_the_charts():
    tables, manifest = read_plan_folder(DATA / "plan")
    empty = {k: v.iloc[0:0] for k, v in tables.items()}
    page = render_report(empty, manifest)
    for name in ("forecast.csv", "split.csv", "coverage.csv", "simulation.csv"):
        assert f"{name} has no rows" in page
    assert "<svg" not in page


def test_cli_report_of_the_closed_day_plan(tmp_path):
    out = tmp_path / "report.html"
    res = CliRunner().invoke(main, ["report", str(CLOSED), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert NO_SITE_OPENS in out.read_text()  # scenario found beside the plan


def _closed_day_plan(scenario, history, *, run_id=None, **_ignored):
    """Stand-in for ``make_plan``: the plan of the closed Saturday, as ``wfm plan`` wrote it."""
    return read_plan(CLOSED, scenario)


def test_one_day_nightly_on_a_closed_day_writes_its_report(tmp_path):
    actuals = tmp_path / "actuals"
    actuals.mkdir()
    pd.DataFrame(
        {
            "interval_start": ["2025-03-07T08:00:00+00:00", "2025-03-07T08:30:00+00:00"],
            "channel": ["voice", "voice"],
            "segment": ["open", "open"],
            "site": ["lyon", "lyon"],
            "contacts": [30.0, 32.0],
            "aht_s": [240.0, 240.0],
        }
    ).to_csv(actuals / "2025-03-07.csv", index=False)
    cfg_path = tmp_path / "nightly.toml"
    cfg_path.write_text(
        f'scenario_path = "{CLOSED / "scenario.toml"}"\nactuals_path = "actuals"\n'
        'out_root = "plans"\nstore_path = "store/runs.duckdb"\nhorizon_days = 1\n'
        'exports = ["tidy"]\n'
    )
    result = run_nightly(
        load_nightly_config(cfg_path), run_date=dt.date(2025, 3, 8), plan=_closed_day_plan
    )
    page = (Path(result.out_dir) / "report.html").read_text(encoding="utf-8")
    assert NO_SITE_OPENS in page
    assert result.snapshot_rows == len(pd.read_csv(CLOSED / "forecast.csv"))
