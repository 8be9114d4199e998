"""The plan in memory: make_plan → write_plan → read_plan round trip, the report of a Plan,
a history read with plain pandas, and a manifest that does not say its interval length.

The plan is the demo centre on one day after three weeks of seeded synthetic history, with
a short solver limit and two simulation replications (as the end-to-end test).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wfm.core.errors import ConfigError, InputError
from wfm.core.manifest import Manifest
from wfm.core.mapping import scenario_from_dict, set_key
from wfm.core.plan import Plan
from wfm.core.tables import PLAN_TABLE_NAMES, ROSTER_TABLES, STAGE_TABLES, stage_of
from wfm.io import read_history, read_plan, write_plan, write_report
from wfm.io.plan_folder import read_plan_folder
from wfm.io.scenario import load_scenario_dict
from wfm.io.tables import write_table
from wfm.pipeline import make_plan
from wfm.report.html import render_report
from wfm.report.plan_entry import render_plan_report
from wfm.sample import sample_history

ROOT = Path(__file__).resolve().parents[2]
DEMO_SCENARIO = ROOT / "wfm" / "examples" / "demo" / "scenario.toml"
CLOSED = ROOT / "tests" / "data" / "report" / "closed_day"


@pytest.fixture(scope="module")
def demo():
    """(scenario, validated history) of a one-day plan of the demo centre."""
    data = load_scenario_dict(DEMO_SCENARIO)
    for key, value in [
        ("horizon_days", 1),
        ("solver.time_limit_s", 10.0),
        ("simulation.replications", 2),
        ("simulation.correction_rounds", 1),
        ("forecast.history_weeks", 3),
    ]:
        data = set_key(data, key, value)
    scenario = scenario_from_dict(data)
    history = sample_history(
        scenario, start=dt.date(2025, 2, 3), weeks=3, rng=np.random.default_rng(scenario.seed)
    )
    return scenario, read_history(history, scenario)


@pytest.fixture(scope="module")
def plan(demo):
    scenario, history = demo
    return make_plan(scenario, history, run_id="round-trip")


@pytest.fixture(scope="module")
def folder(plan, tmp_path_factory):
    out = tmp_path_factory.mktemp("plans") / "plan"
    written = write_plan(plan, out)
    return out, written


def test_make_plan_holds_every_stage_and_table(plan):
    assert isinstance(plan, Plan)
    assert plan.stages == ("forecast", "split", "requirements", "schedule", "simulation")
    # correction.csv too: one round asked; no roster: the scenario names no agents file
    assert set(plan.tables) == set(PLAN_TABLE_NAMES) - set(ROSTER_TABLES)
    assert plan.table("coverage") is plan.results["schedule"].tables["coverage"]
    assert plan.manifest.interval_min == 30
    assert plan.manifest.solve is not None
    assert plan.manifest.solve.status in {"OPTIMAL", "FEASIBLE"}
    with pytest.raises(InputError, match="the plan has no roster table"):
        plan.table("roster")


def test_plan_round_trips_through_its_folder(demo, plan, folder):
    out, written = folder
    back = read_plan(out, demo[0])
    assert back.stages == plan.stages
    assert set(back.tables) == set(plan.tables)
    for name, df in plan.tables.items():
        pd.testing.assert_frame_equal(  # an empty text cell reads back as missing
            _blank(back.table(name)),
            _blank(df[list(back.table(name).columns)]),
            check_dtype=False,
            check_exact=False,
            rtol=0,
            atol=1e-9,
            obj=name,
        )
    on_disk = json.loads((out / "manifest.json").read_text())
    assert back.manifest == written.manifest
    assert written.manifest.to_dict() == on_disk
    assert Manifest.from_dict(on_disk).to_dict() == on_disk
    no_roster = set(PLAN_TABLE_NAMES) - set(ROSTER_TABLES)
    assert sorted(on_disk["files"]) == sorted(f"{n}.csv" for n in no_roster)
    assert back.results["schedule"].solve == plan.manifest.solve
    assert back.results["split"].notes == plan.results["split"].notes


def _blank(df: pd.DataFrame) -> pd.DataFrame:
    text = [c for c in df.columns if pd.api.types.is_string_dtype(df[c])]
    return df.reset_index(drop=True).astype({c: object for c in text}).fillna({c: "" for c in text})


def test_a_manifest_wfm_wrote_round_trips_unchanged():
    data = json.loads((CLOSED / "manifest.json").read_text())
    assert Manifest.from_dict(data).to_dict() == data


def test_report_of_the_plan_in_memory_equals_the_report_of_its_folder(demo, plan, folder):
    out, _ = folder
    in_memory = render_plan_report(plan)
    assert in_memory == render_plan_report(read_plan(out, demo[0]))
    tables, manifest = read_plan_folder(out)  # the report as `wfm report` built it before
    sites = demo[0].sites
    regions = {s.name: s.region for s in sites.values()}
    assert in_memory == render_report(
        tables, manifest, site_regions=regions, sites=sites, scenario=demo[0]
    )


def test_a_history_read_with_plain_pandas_is_validated(demo, tmp_path):
    scenario, history = demo
    write_table(history, tmp_path / "history.csv")
    frame = pd.read_csv(tmp_path / "history.csv")
    assert not isinstance(frame["interval_start"].dtype, pd.DatetimeTZDtype)  # text
    pd.testing.assert_frame_equal(
        read_history(frame, scenario), read_history(tmp_path / "history.csv", scenario)
    )
    bad = frame.copy()
    bad.loc[3, "channel"] = "fax"
    with pytest.raises(InputError, match=r"history DataFrame, line 5, column channel: unknown"):
        read_history(bad, scenario)


def test_make_plan_refuses_an_unread_frame_with_the_way_to_read_it(demo, tmp_path):
    scenario, history = demo
    write_table(history, tmp_path / "history.csv")
    frame = pd.read_csv(tmp_path / "history.csv")
    with pytest.raises(InputError, match=r"wfm.io.read_history\(path_or_dataframe, scenario\)"):
        make_plan(scenario, frame, stop_after="forecast")


@pytest.fixture(scope="module")
def hourly_plan_folder(tmp_path_factory):
    """A one-day 60-minute plan of the report fixture centre, through the schedule."""
    data = set_key(load_scenario_dict(CLOSED / "scenario.toml"), "interval_min", 60)
    data = set_key(data, "start_date", "2025-03-07")  # a Friday: both sites open
    scenario = scenario_from_dict(data)
    history = sample_history(
        scenario, start=dt.date(2025, 2, 10), weeks=3, rng=np.random.default_rng(scenario.seed)
    )
    history = history[history["interval_start"] < pd.Timestamp("2025-03-03", tz="UTC")]
    plan = make_plan(scenario, read_history(history, scenario), stop_after="schedule")
    out = tmp_path_factory.mktemp("hourly") / "plan"
    write_plan(plan, out)
    return out, scenario


def test_an_old_manifest_without_interval_min_is_not_read_as_30_minutes(hourly_plan_folder):
    """``wfm report`` of a 60-minute plan whose manifest (of an older version) lacks
    ``parameters.interval_min``: the hours come from the tables' grid, not from a silent
    30-minute default, so the page equals the page of the intact manifest."""
    from click.testing import CliRunner

    from wfm.cli import main

    out, scenario = hourly_plan_folder
    old = out.parent / "old"
    shutil.copytree(out, old)
    manifest = json.loads((old / "manifest.json").read_text())
    del manifest["parameters"]["interval_min"]
    (old / "manifest.json").write_text(json.dumps(manifest))
    pages = []
    for folder in (out, old):
        res = CliRunner().invoke(main, ["report", str(folder), "--out", str(folder / "r.html")])
        assert res.exit_code == 0, res.output
        pages.append((folder / "r.html").read_text())
    assert read_plan(old).manifest.interval_min == 60
    assert pages[0] == pages[1]


def test_no_interval_length_anywhere_is_a_clear_error(hourly_plan_folder):
    out, scenario = hourly_plan_folder
    old = out.parent / "bare"
    shutil.copytree(out, old)
    manifest = json.loads((old / "manifest.json").read_text())
    del manifest["parameters"]["interval_min"]
    (old / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(InputError, match="parameters.interval_min"):
        read_plan(old, only=("schedule",))  # no timed table, no scenario
    assert read_plan(old, scenario, only=("schedule",)).manifest.interval_min == 60


def test_resumed_plan_in_memory_carries_the_earlier_stages(demo, plan, folder):
    scenario, _ = demo
    previous = read_plan(folder[0], scenario)
    resumed = make_plan(scenario, start_from="simulation", previous=previous, run_id="again")
    assert resumed.manifest.from_stage == "simulation"
    assert resumed.manifest.stages["schedule"].carried
    assert resumed.manifest.solve == plan.manifest.solve
    pd.testing.assert_frame_equal(resumed.table("schedule"), previous.table("schedule"))


def test_registry_names_each_table_once():
    assert len(PLAN_TABLE_NAMES) == len(set(PLAN_TABLE_NAMES))
    assert stage_of("pool_agents") == "schedule"
    for spec in STAGE_TABLES.values():
        assert set(spec.optional) <= set(spec.reads)
    assert stage_of("agent_summary") == "roster"
    with pytest.raises(ConfigError, match="no stage writes a table 'agents'"):
        stage_of("agents")


def test_write_report_into_the_plan_folder_is_recorded(plan, tmp_path):
    out = tmp_path / "plan"
    write_plan(plan, out)
    write_report(render_plan_report(plan), out / "report.html")
    assert json.loads((out / "manifest.json").read_text())["added_files"] == ["report.html"]
    assert read_plan(out).manifest.added_files == ("report.html",)
