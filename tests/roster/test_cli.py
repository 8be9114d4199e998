"""``wfm roster`` and ``wfm sample --agents-out`` end to end on small files."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from tests.roster.conftest import agent, agents, schedule
from wfm.cli import main

DEMO = Path(__file__).resolve().parents[2] / "wfm" / "examples" / "demo" / "scenario.toml"


def _inputs(tmp_path):
    plan = tmp_path / "plan"
    plan.mkdir()
    sch = schedule({(d, "early"): 1 for d in range(5)}, pool="premium")
    sch.to_csv(plan / "schedule.csv", index=False)
    team = agents(agent("p1", pool="premium"), agent("p2", pool="premium", max_days_per_week=2))
    team["nights_allowed"] = "true"
    team.to_csv(tmp_path / "agents.csv", index=False)
    return plan, tmp_path / "agents.csv"


def test_roster_command_writes_the_roster_folder_and_reroster(tmp_path):
    plan, agents_csv = _inputs(tmp_path)
    out = tmp_path / "roster"
    args = [
        "roster",
        str(DEMO),
        "--plan",
        str(plan),
        "--agents",
        str(agents_csv),
        "--weeks",
        "1",
        "--time-limit-s",
        "10",
        "--out",
        str(out),
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "5 agent shifts, 0 unassigned of 5, 0 hard-rule violations" in result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "agent_summary.csv",
        "roster.csv",
        "roster.json",
        "unassigned.csv",
    ]
    roster = pd.read_csv(out / "roster.csv")
    assert sorted(roster["shift_start"])[0] == "2025-03-03T06:00:00+00:00"  # 07:00 Paris
    assert json.loads((out / "roster.json").read_text())["figures"]["total"]["agents"] == 2
    # p1 sick on Monday: the published roster is re-optimised, p2 pinned
    published = tmp_path / "published.csv"
    (out / "roster.csv").rename(published)
    (tmp_path / "off.csv").write_text(
        "agent_id,start,end\np1,2025-03-03T00:00:00+01:00,2025-03-04T00:00:00+01:00\n"
    )
    again = tmp_path / "again"
    result = CliRunner().invoke(
        main,
        [
            *args[:-1],
            str(again),
            "--published",
            str(published),
            "--time-off",
            str(tmp_path / "off.csv"),
            "--pin",
            "p2",
        ],
    )
    assert result.exit_code == 0, result.output
    new = pd.read_csv(again / "roster.csv")
    assert "2025-03-03" not in set(new.loc[new["agent_id"] == "p1", "local_date"])
    old = pd.read_csv(published)
    assert (
        new[new["agent_id"] == "p2"]["local_date"].tolist()
        == old[old["agent_id"] == "p2"]["local_date"].tolist()
    )


def test_roster_command_bad_agents_file_exits_2_naming_the_line(tmp_path):
    plan, agents_csv = _inputs(tmp_path)
    text = agents_csv.read_text().replace("p2,lyon,premium,0.0,40.0,2", "p2,lyon,premium,0.0,4o,2")
    agents_csv.write_text(text)
    result = CliRunner().invoke(
        main,
        [
            "roster",
            str(DEMO),
            "--plan",
            str(plan),
            "--agents",
            str(agents_csv),
            "--out",
            str(tmp_path / "r"),
        ],
    )
    assert result.exit_code == 2
    assert "agents.csv, line 3, column max_h_per_week: not a number" in result.output


def test_sample_agents_match_the_pools_headcounts(tmp_path):
    out = tmp_path / "agents.csv"
    result = CliRunner().invoke(main, ["sample", str(DEMO), "--agents-out", str(out)])
    assert result.exit_code == 0, result.output
    df = pd.read_csv(out)
    counts = df.groupby(["site", "pool"]).size().to_dict()
    assert counts == {
        ("lille", "generalist"): 150,
        ("lille", "premium"): 50,
        ("lyon", "generalist"): 175,
        ("lyon", "premium"): 60,
        ("tunis", "digital"): 80,
        ("tunis", "voice"): 60,
    }
    assert (df["min_h_per_week"] <= df["max_h_per_week"]).all()


def test_sample_agents_sized_from_a_schedule_cover_its_agent_shifts(tmp_path):
    # lyon/premium plans 60 agents on each of 5 days (300 agent-shifts of 8 h, 7.5 h paid):
    # 60 heads (its headcount) of 4–5 day contracts cannot work 300 shifts a week
    sch = schedule({(d, "early"): 60 for d in range(5)}, pool="premium")
    sch["shift_start"] = "2025-03-03T06:00:00+00:00"
    sch_path = tmp_path / "schedule.csv"
    sch.to_csv(sch_path, index=False)
    out = tmp_path / "agents.csv"
    result = CliRunner().invoke(
        main,
        ["sample", str(DEMO), "--agents-out", str(out), "--schedule", str(sch_path)],
    )
    assert result.exit_code == 0, result.output
    df = pd.read_csv(out)
    mine = df[(df["site"] == "lyon") & (df["pool"] == "premium")]
    assert mine["max_days_per_week"].sum() >= 1.05 * 300
    assert mine["max_h_per_week"].sum() >= 1.05 * 300 * 8
    assert len(mine) > 60  # more people than the headcount
    fewer = mine.iloc[:-1]  # one agent fewer would not be enough
    assert (
        fewer["max_days_per_week"].sum() < 1.05 * 300
        or fewer["max_h_per_week"].sum() < 1.05 * 300 * 8
    )
    # the pools the schedule does not name keep their headcount
    assert len(df[(df["site"] == "lille") & (df["pool"] == "generalist")]) == 150
    # contract minimum within what 8 h shifts give: 80 % of the days at 8 h
    assert (mine["min_h_per_week"] <= 0.8 * mine["max_days_per_week"] * 8 + 1e-9).all()


def test_a_rotation_as_long_as_the_roster_exits_2(tmp_path):
    plan, agents_csv = _inputs(tmp_path)
    args = ["roster", str(DEMO), "--plan", str(plan), "--agents", str(agents_csv)]
    args += ["--weeks", "2", "--rotation-weeks", "2", "--out", str(tmp_path / "r")]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 2, res.output
    assert "--rotation-weeks" in res.output and "0 (none) or 1 to 1" in res.output
    assert not (tmp_path / "r").exists()
