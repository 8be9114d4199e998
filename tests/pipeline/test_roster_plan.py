"""A plan whose scenario names an agents file ends with a roster of named agents.

The small centre of the report tests (tests/data/report/scenario.toml: Lyon with one pool,
Tunis with one, one planned day) with a [roster] section naming a hand-made agents file (an
agent id with markup in it among them) and a time-off file, one week of sampled history, and
a 10 s solver limit. Checks the plan folder, the manifest, the round trip through read_plan,
the report, and the errors of a bad [roster] section (exit 2, naming the key).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from wfm.cli import main
from wfm.core.errors import ConfigError
from wfm.core.run_options import RunOptions
from wfm.io import read_plan
from wfm.io.scenario import load_scenario
from wfm.io.tables import read_history
from wfm.pipeline import make_plan
from wfm.pipeline.roster import read_people
from wfm.report.plan_entry import render_plan_report

DATA = Path(__file__).resolve().parents[1] / "data" / "report"
HOSTILE = "<b>x</b>"
ROSTER_BLOCK = """
[roster]
agents = "people/agents.csv"
time_off = "people/time_off.csv"
weeks = 1
"""


def _agents() -> pd.DataFrame:
    rows = []
    for i, (site, pool) in enumerate([("lyon", "all")] * 9 + [("tunis", "digital")] * 3):
        rows.append(
            {
                "agent_id": HOSTILE if i == 0 else f"{site}-{i:02d}",
                "site": site,
                "pool": pool,
                "min_h_per_week": 0,
                "max_h_per_week": 40,
                "max_days_per_week": 5,
                "max_consecutive_days": 5,
                "earliest_start_local": "06:00",
                "latest_end_local": "22:00",
                "nights_allowed": "no",
            }
        )
    return pd.DataFrame(rows)


def _scenario_text(extra: str = ROSTER_BLOCK) -> str:
    text = (DATA / "scenario.toml").read_text(encoding="utf-8")
    return text.replace("seed = 3\n", "seed = 3\n\n[simulation]\ncorrection_rounds = 1\n") + extra


@pytest.fixture(scope="module")
def centre(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("roster-plan")
    (root / "people").mkdir()
    scenario = root / "scenario.toml"
    scenario.write_text(_scenario_text(), encoding="utf-8")
    _agents().to_csv(root / "people" / "agents.csv", index=False)
    # lyon-01 is off on the Tuesday of the planned week, Paris time
    (root / "people" / "time_off.csv").write_text(
        "agent_id,start,end\nlyon-01,2025-02-11T00:00:00+01:00,2025-02-12T00:00:00+01:00\n"
    )
    history = root / "history.csv"
    res = CliRunner().invoke(
        main,
        ["sample", str(scenario), "--weeks", "1", "--start", "2025-02-03", "--out", str(history)],
    )
    assert res.exit_code == 0, res.output
    return {"root": root, "scenario": scenario, "history": history}


@pytest.fixture(scope="module")
def planned(centre) -> tuple[Path, str]:
    out = centre["root"] / "plan"
    res = CliRunner().invoke(
        main,
        [
            "plan",
            str(centre["scenario"]),
            "--history",
            str(centre["history"]),
            "--out",
            str(out),
            "--time-limit-s",
            "10",
        ],
    )
    assert res.exit_code == 0, res.output
    return out, res.output


def test_the_plan_folder_holds_the_roster_and_the_manifest_lists_it(centre, planned):
    out, output = planned
    for name in ("roster", "unassigned", "agent_summary", "time_off"):
        assert (out / f"{name}.csv").is_file()
    manifest = json.loads((out / "manifest.json").read_text())
    assert {"roster.csv", "unassigned.csv", "agent_summary.csv", "time_off.csv"} <= set(
        manifest["files"]
    )
    stage = manifest["stages"]["roster"]
    assert stage["files"] == ["roster.csv", "unassigned.csv", "agent_summary.csv", "time_off.csv"]
    assert {"agents.csv", "time_off.csv"} <= set(manifest["inputs"])
    assert manifest["parameters"]["roster"]["weeks"] == 1
    assert "[6/6] roster" in output
    total = stage["figures"]["total"]
    assert total["violations"] == 0
    assert total["agents"] == 12
    roster = pd.read_csv(out / "roster.csv")
    assert len(roster) == total["shifts_assigned"] + total["shifts_over"]
    status = stage["figures"]["solve"]["status"]
    assert f"roster: {status}, {total['shifts_assigned']} of " in output


def test_the_roster_takes_the_final_schedule_and_keeps_the_rules(centre, planned):
    out, _ = planned
    sched = pd.read_csv(out / "schedule.csv")
    total = json.loads((out / "manifest.json").read_text())["stages"]["roster"]["figures"]["total"]
    # one planned day: the schedule repeats by whole weeks (docs/roster.md), so a one-week
    # roster covers that weekday once and the site's other days stay unplanned
    assert sched["local_date"].nunique() == 1
    assert total["shifts_required"] == int(sched["agents"].sum())
    roster = pd.read_csv(out / "roster.csv")
    assert set(roster["local_date"]) == set(sched["local_date"])
    assert set(roster["agent_id"]) <= set(_agents()["agent_id"])
    assert roster.groupby("agent_id").size().max() <= 5  # max_days_per_week
    assert not ((roster["agent_id"] == "lyon-01") & (roster["local_date"] == "2025-02-11")).any()
    assert roster.duplicated(["agent_id", "local_date"]).sum() == 0


def test_read_plan_gives_back_the_roster_tables(centre, planned):
    out, _ = planned
    scenario = load_scenario(centre["scenario"])
    back = read_plan(out, scenario)
    assert back.stages[-1] == "roster"
    roster = back.table("roster")
    on_disk = pd.read_csv(out / "roster.csv")
    assert list(roster["agent_id"]) == list(on_disk["agent_id"])
    assert roster["shift_start"].dt.tz is not None
    assert set(back.results["roster"].tables) == {"unassigned", "agent_summary", "time_off"}
    assert back.manifest.stages["roster"].figures["total"]["agents"] == 12


def test_plan_in_memory_equals_the_plan_read_back(centre, tmp_path):
    from wfm.io import write_plan

    scenario = load_scenario(centre["scenario"])
    history = read_history(centre["history"], scenario)
    people = read_people(centre["scenario"], scenario)
    opts = RunOptions(time_limit_s=10.0, solver_num_workers=1)
    plan = make_plan(scenario, history, options=opts, people=people, run_id="mem")
    assert plan.manifest.stages["roster"].figures["solve"]["num_workers"] == 1  # the run's
    write_plan(plan, tmp_path / "p")
    back = read_plan(tmp_path / "p", scenario)
    for name in ("roster", "unassigned", "agent_summary", "time_off"):
        pd.testing.assert_frame_equal(
            back.table(name).fillna(""), plan.table(name).fillna(""), check_dtype=False, obj=name
        )
    with pytest.raises(ConfigError, match=r"roster\.agents.*people="):
        make_plan(scenario, history, options=opts)
    # a plan that stops before the roster needs no people
    short = make_plan(scenario, history, options=opts, stop_after="schedule")
    assert "roster" not in short.results


def test_the_report_shows_the_roster_with_agent_ids_escaped(centre, planned):
    out, _ = planned
    page = render_plan_report(read_plan(out, load_scenario(centre["scenario"])))
    assert "<section id='roster'>" in page
    assert "href='#roster'" in page
    assert HOSTILE not in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page
    roster = pd.read_csv(out / "roster.csv")
    busiest = roster["local_date"].value_counts().max()
    assert page.count('id="roster-shift-') == busiest  # one Gantt row per agent of the day
    # the week by agent: lyon-01's Tuesday is time off
    row = page[page.index("<td>lyon-01</td>") :].split("</tr>")[0]
    assert row.count("<td>") == 9 and "<td>time off</td>" in row


def test_a_scenario_without_roster_has_no_roster_section(centre, tmp_path):
    scenario = tmp_path / "scenario.toml"
    scenario.write_text(_scenario_text(""), encoding="utf-8")
    out = tmp_path / "plan"
    args = ["plan", str(scenario), "--history", str(centre["history"]), "--out", str(out)]
    res = CliRunner().invoke(main, [*args, "--time-limit-s", "5"])
    assert res.exit_code == 0, res.output
    assert "[5/5] simulation" in res.output and "] roster" not in res.output
    assert not (out / "roster.csv").exists()
    page = render_plan_report(read_plan(out, load_scenario(scenario)))
    assert "id='roster'" not in page and "href='#roster'" not in page


@pytest.mark.parametrize(
    ("block", "words"),
    [
        ('[roster]\nagents = "people/agents.csv"\nagent = "x.csv"\n', ["roster.agent", "unknown"]),
        ('[roster]\nagents = "people/agents.csv"\nweeks = 7\n', ["roster.weeks", "[1, 6]", "7"]),
        ('[roster]\nagents = "people/agents.csv"\nweeks = 0\n', ["roster.weeks"]),
        ("[roster]\nweeks = 2\n", ["roster", "missing required key 'agents'"]),
        ('[roster]\nagents = "nope.csv"\n', ["roster.agents", "nope.csv", "not found"]),
        (
            '[roster]\nagents = "people/agents.csv"\ntime_off = "off.csv"\n',
            ["roster.time_off", "off.csv"],
        ),
        ('[roster]\nagents = "people/agents.csv"\nmin_rest_h = 30\n', ["roster.min_rest_h"]),
        ('[roster]\nagents = "people/agents.csv"\ntime_limit_s = 0\n', ["roster.time_limit_s"]),
        (
            '[roster]\nagents = "people/agents.csv"\nweeks = 2\nrotation_weeks = 2\n',
            ["roster.rotation_weeks", "from 1 to weeks - 1 = 1", "got 2"],
        ),
    ],
)
def test_a_bad_roster_section_exits_2_naming_the_key(centre, tmp_path, block, words):
    shutil.copytree(centre["root"] / "people", tmp_path / "people")
    scenario = tmp_path / "scenario.toml"
    scenario.write_text(_scenario_text(block), encoding="utf-8")
    for args in (
        ["validate", str(scenario)],
        ["plan", str(scenario), "--history", str(centre["history"]), "--out", str(tmp_path / "o")],
    ):
        res = CliRunner().invoke(main, args)
        assert res.exit_code == 2, res.output
        for w in words:
            assert w in res.output, res.output
        assert "scenario.toml" in res.output
    assert not (tmp_path / "o").exists()


def test_an_agent_of_an_unknown_pool_is_refused_by_validate(centre, tmp_path):
    (tmp_path / "people").mkdir()
    bad = _agents()
    bad.loc[3, "pool"] = "voice"
    bad.to_csv(tmp_path / "people" / "agents.csv", index=False)
    scenario = tmp_path / "scenario.toml"
    scenario.write_text(_scenario_text('[roster]\nagents = "people/agents.csv"\n'))
    res = CliRunner().invoke(main, ["validate", str(scenario)])
    assert res.exit_code == 2, res.output
    assert "agents.csv" in res.output and "pool" in res.output and "'voice'" in res.output
    good = tmp_path / "ok.toml"
    _agents().to_csv(tmp_path / "people" / "agents.csv", index=False)
    good.write_text(_scenario_text('[roster]\nagents = "people/agents.csv"\nweeks = 2\n'))
    res = CliRunner().invoke(main, ["validate", str(good)])
    assert res.exit_code == 0, res.output
    assert "roster: 12 agents, 2 weeks — valid" in res.output


def test_the_roster_time_limit_is_the_runs_then_the_rosters_then_the_solvers():
    from dataclasses import replace

    from wfm.core.config import RosterConfig
    from wfm.pipeline.roster import _time_limit_s

    scenario = load_scenario(DATA / "scenario.toml")
    solver_s = float(scenario.solver.time_limit_s)
    plain, own = RosterConfig(agents="a.csv"), RosterConfig(agents="a.csv", time_limit_s=5)
    assert _time_limit_s(plain, scenario, None) == solver_s
    assert _time_limit_s(own, scenario, RunOptions()) == 5.0
    assert _time_limit_s(own, scenario, RunOptions(time_limit_s=2)) == 2.0
    assert _time_limit_s(plain, replace(scenario, roster=own), None) == solver_s
