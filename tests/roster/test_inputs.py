"""The roster's inputs checked against the scenario, the schedule and each other before a
solve: each case here once passed without a word, crashed with exit 1 or overflowed the
objective; now it is refused with exit 2 naming the file, line and column (or the flag)."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from click.testing import CliRunner

from tests.roster.conftest import agent, agents, schedule
from tests.roster.test_cli import DEMO
from wfm.cli import main
from wfm.core.roster_settings import RosterConfig
from wfm.io.scenario import load_scenario
from wfm.pipeline.roster import roster_stage

# 07:00 Paris on Monday 3 March 2025, 8 h, as `wfm roster` writes it
P1_MONDAY = (
    "p1,2025-03-03,lyon,premium,2025-03-03T06:00:00+00:00,2025-03-03T14:00:00+00:00,07:00,,8"
)
ROSTER_HEAD = "agent_id,local_date,site,pool,shift_start,shift_end,shift_start_local,breaks,paid_h"


def _files(tmp_path, **team_changes):
    plan = tmp_path / "plan"
    plan.mkdir()
    schedule({(d, "early"): 1 for d in range(5)}, pool="premium").to_csv(
        plan / "schedule.csv", index=False
    )
    rows = [agent("p1", pool="premium"), agent("p2", pool="premium")]
    rows[1].update(team_changes)
    agents(*rows).to_csv(tmp_path / "agents.csv", index=False)
    return plan


def _run(tmp_path, *extra, plan=None):
    plan = plan or tmp_path / "plan"
    args = ["roster", str(DEMO), "--plan", str(plan), "--agents", str(tmp_path / "agents.csv")]
    args += ["--weeks", "1", "--time-limit-s", "5", "--out", str(tmp_path / "out"), *extra]
    return CliRunner().invoke(main, args)


def _write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"pool": "nope"}, "agents.csv, line 3, column pool: a pool site 'lyon' does not have"),
        ({"site": "paris"}, "agents.csv, line 3, column site: an unknown site (got 'paris')"),
    ],
)
def test_an_agent_of_an_unknown_site_or_pool_is_refused(tmp_path, change, where):
    _files(tmp_path, **change)
    result = _run(tmp_path)
    assert result.exit_code == 2, result.output
    assert where in result.output
    assert not (tmp_path / "out").exists()


def test_time_off_and_preferences_of_unknown_agents_are_refused(tmp_path):
    _files(tmp_path)
    off = _write(
        tmp_path,
        "off.csv",
        "agent_id,start,end\np1,2025-03-03T00:00:00+01:00,2025-03-04T00:00:00+01:00\n"
        "P2,2025-03-03T00:00:00+01:00,2025-03-04T00:00:00+01:00\n",
    )
    result = _run(tmp_path, "--time-off", off)
    assert result.exit_code == 2, result.output
    assert "off.csv, line 3, column agent_id: an agent the agents file does not have" in (
        result.output
    )
    prefs = _write(tmp_path, "prefs.csv", "agent_id,kind,value,weight\nnobody,day_off,mon,1\n")
    result = _run(tmp_path, "--preferences", prefs)
    assert result.exit_code == 2, result.output
    assert "prefs.csv, line 2, column agent_id" in result.output


def test_avoiding_a_shift_the_schedule_does_not_have_is_refused(tmp_path):
    _files(tmp_path)
    good = _write(tmp_path, "good.csv", "agent_id,kind,value,weight\np1,avoid_shift,late,1\n")
    assert _run(tmp_path, "--preferences", good).exit_code == 0
    bad = _write(
        tmp_path,
        "prefs.csv",
        "agent_id,kind,value,weight\np1,avoid_shift,late,1\np2,avoid_shift,Late,1\n",
    )
    result = _run(tmp_path, "--preferences", bad)
    assert result.exit_code == 2, result.output
    assert "prefs.csv, line 3, column value: not a shift the schedule has" in result.output


def test_a_huge_preference_weight_or_change_penalty_is_refused(tmp_path):
    _files(tmp_path)
    prefs = _write(tmp_path, "prefs.csv", "agent_id,kind,value,weight\np1,day_off,mon,1e18\n")
    result = _run(tmp_path, "--preferences", prefs)
    assert result.exit_code == 2, result.output
    assert "prefs.csv, line 2, column weight: value above its maximum" in result.output
    result = _run(tmp_path, "--change-penalty", str(10**12))
    assert result.exit_code == 2
    assert "--change-penalty" in result.output


@pytest.mark.parametrize(
    ("row", "where"),
    [
        (
            P1_MONDAY.replace("2025-03-03,", "30/11/2026,", 1),
            "line 2, column local_date: not a date",
        ),
        (
            P1_MONDAY.replace("2025-03-03,", "2025-02-30,", 1),
            "line 2, column local_date: not a date",
        ),
        (P1_MONDAY.replace("14:00:00", "06:00:00"), "line 2, column shift_end: does not end after"),
        (P1_MONDAY.replace("p1,", "p9,", 1), "line 2, column agent_id: an agent the agents file"),
        (
            P1_MONDAY.replace(",premium,", ",generalist,"),
            "line 2, column pool: not the agent's pool",
        ),
        (P1_MONDAY.replace(",07:00,", ",08:00,"), "line 2, column shift_start: shift_start is not"),
    ],
)
def test_a_published_roster_that_does_not_fit_the_agents_is_refused(tmp_path, row, where):
    _files(tmp_path)
    published = _write(tmp_path, "published.csv", f"{ROSTER_HEAD}\n{row}\n")
    result = _run(tmp_path, "--published", published)
    assert result.exit_code == 2, result.output  # a bad date once crashed with exit 1
    assert f"published.csv, {where}" in result.output


def test_a_published_roster_outside_the_horizon_is_noted(tmp_path):
    _files(tmp_path)
    later = P1_MONDAY.replace("2025-03-03", "2025-03-17")
    published = _write(tmp_path, "published.csv", f"{ROSTER_HEAD}\n{later}\n")
    result = _run(tmp_path, "--published", published)
    assert result.exit_code == 0, result.output
    assert "note: the published roster (2025-03-17 to 2025-03-17) has no day" in result.output


def test_pins_must_name_agents_with_shifts_of_the_schedule(tmp_path):
    _files(tmp_path)
    published = _write(tmp_path, "published.csv", f"{ROSTER_HEAD}\n{P1_MONDAY}\n")
    for who, what in [
        ("p9", "not an agent of the agents file"),
        ("p2", "the agent has no shift in the"),
    ]:
        result = _run(tmp_path, "--published", published, "--pin", who)
        assert result.exit_code == 2, result.output
        assert f"--pin: {what}" in result.output
    # 07:00 for 6 h is no shift of the schedule: a pin could not be kept
    odd = _write(tmp_path, "odd.csv", f"{ROSTER_HEAD}\n{P1_MONDAY.replace('T14:00', 'T12:00')}\n")
    result = _run(tmp_path, "--published", odd, "--pin", "p1")
    assert result.exit_code == 2, result.output
    assert "pinned agent 'p1' has a published shift on 2025-03-03 that is not a shift" in (
        result.output
    )
    assert _run(tmp_path, "--published", published, "--pin", "p1").exit_code == 0


@pytest.mark.parametrize(
    ("edit", "where"),
    [
        (lambda s: s.iloc[:0], "line 2: no data rows"),
        (lambda s: s.assign(site=["lyon"] * 3 + ["paris"] * (len(s) - 3)), "line 5, column site"),
        (
            lambda s: s.assign(local_date=s["local_date"].str.replace("2025-03-07", "07/03/2025")),
            "line 10, column local_date: not a date",
        ),
        (lambda s: s.assign(shift_start_local=["8h"] * len(s)), "line 2, column shift_start_local"),
        (
            lambda s: s.assign(shift_length_min=[480] * 5 + [240] * (len(s) - 5)),
            "line 7, column shift: the shift starts or lasts otherwise",
        ),
    ],
)
def test_a_schedule_the_roster_cannot_read_is_refused_with_its_line(tmp_path, edit, where):
    plan = _files(tmp_path)
    sch = pd.read_csv(plan / "schedule.csv", dtype=str, keep_default_na=False)
    edit(sch).to_csv(plan / "schedule.csv", index=False)
    result = _run(tmp_path)
    assert result.exit_code == 2, result.output  # each once crashed with exit 1 or passed
    assert f"schedule.csv, {where}" in result.output


def test_an_out_folder_below_a_file_is_refused_before_the_solve(tmp_path):
    _files(tmp_path)
    (tmp_path / "file").write_text("mine")
    args = ["roster", str(DEMO), "--plan", str(tmp_path / "plan"), "--agents"]
    args += [str(tmp_path / "agents.csv"), "--out", str(tmp_path / "file" / "out")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "it is a file" in result.output
    assert (tmp_path / "file").read_text() == "mine"


@pytest.mark.parametrize(
    "args",
    [
        ["erlang", "c", "--contacts", "100", "--aht-s", "inf"],
        ["erlang", "c", "--contacts", "nan", "--aht-s", "200"],
        ["erlang", "c", "--contacts", "100", "--aht-s", "200", "--sl-threshold-s", "nan"],
        ["roster", "s.toml", "--plan", "p", "--agents", "a", "--out", "o", "--time-limit-s", "nan"],
        ["plan", "s.toml", "--history", "h.csv", "--out", "o", "--time-limit-s", "inf"],
    ],
)
def test_a_number_option_must_be_finite(args):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "is not a finite number" in result.output


def _roster_scenario():
    scenario = load_scenario(DEMO)
    return replace(scenario, roster=RosterConfig(agents="a.csv", preferences="p.csv", weeks=1))


def _plan_tables(prefs: pd.DataFrame) -> dict:
    """What a plan hands its roster stage: one early shift a weekday at lyon/premium, two
    agents, the preferences."""
    return {
        "schedule": schedule({(d, "early"): 1 for d in range(5)}, pool="premium"),
        "agents": agents(agent("p1", pool="premium"), agent("p2", pool="premium")),
        "preferences": prefs,
    }


def test_the_plan_leaves_out_avoided_shifts_its_schedule_lacks_with_a_note():
    scenario = _roster_scenario()
    prefs = pd.DataFrame(
        {
            "agent_id": ["p1", "p2"],
            "kind": ["avoid_shift"] * 2,
            "value": ["late", "s0700"],
            "weight": [1.0, 1.0],
        }
    )
    res = roster_stage(_plan_tables(prefs), scenario)
    assert any(
        "p.csv: 1 avoid_shift preference(s) name a shift this schedule does not have" in n
        and "line 3: 's0700'" in n
        for n in res.notes
    ), res.notes
    assert res.figures["total"]["preferences"] == 1  # the one kept: p1 avoids late


def test_a_day_off_asked_outside_the_roster_is_not_counted_as_met():
    scenario = _roster_scenario()
    prefs = pd.DataFrame(
        {
            "agent_id": ["p1", "p1"],
            "kind": ["day_off", "day_off"],
            "value": ["2025-03-04", "2025-12-25"],  # inside the week of 3 March; outside it
            "weight": [1.0, 1.0],
        }
    )
    res = roster_stage(_plan_tables(prefs), scenario)
    p1 = res.tables["agent_summary"].set_index("agent_id").loc["p1"]
    assert p1["preferences"] == 1  # Christmas was counted as met before
    assert p1["preferences_met"] == 1  # p2 covers the Tuesday


@pytest.mark.parametrize(
    ("monday", "start"),
    [("2025-03-24", "02:30"), ("2025-03-03", "24:00"), ("2025-03-03", "7:00")],
)
def test_a_roster_wfm_wrote_is_read_back_as_published(tmp_path, monday, start):
    """02:30 on the Paris spring-forward Sunday (written as 03:30), 24:00 (the next
    midnight) and 7:00: the first check compared text and refused wfm's own roster."""
    plan = tmp_path / "plan"
    plan.mkdir()
    days = pd.date_range(monday, periods=7).strftime("%Y-%m-%d")
    pd.DataFrame(
        {
            "site": "lyon",
            "pool": "premium",
            "local_date": days,
            "shift": "n",
            "shift_start_local": start,
            "shift_length_min": 240,
            "breaks": "",
            "agents": 1,
        }
    ).to_csv(plan / "schedule.csv", index=False)
    window = (
        {"earliest_start_local": "20:00", "latest_end_local": "06:00"} if start == "24:00" else {}
    )
    agents(*[agent(f"a{i}", pool="premium", **window) for i in (1, 2)]).to_csv(
        tmp_path / "agents.csv", index=False
    )
    assert _run(tmp_path).exit_code == 0
    (tmp_path / "out" / "roster.csv").rename(tmp_path / "published.csv")
    published = pd.read_csv(tmp_path / "published.csv")
    assert len(published) == 7
    pin = published["agent_id"].iloc[0]
    again = _run(tmp_path, "--published", str(tmp_path / "published.csv"), "--pin", pin)
    assert again.exit_code == 0, again.output
    assert "0 changed days" in again.output


def test_the_first_bad_pool_in_file_order_is_named(tmp_path):
    _files(tmp_path)
    text = (tmp_path / "agents.csv").read_text()
    text = text.replace("p1,lyon,premium", "p1,lille,nope").replace("p2,lyon,premium", "p2,lyon,x")
    (tmp_path / "agents.csv").write_text(text)
    result = _run(tmp_path)
    assert result.exit_code == 2
    assert "agents.csv, line 2, column pool: a pool site 'lille' does not have" in result.output


def test_an_out_folder_below_a_link_to_nothing_is_refused_before_the_solve(tmp_path):
    _files(tmp_path)
    (tmp_path / "link").symlink_to(tmp_path / "nothing")
    args = ["roster", str(DEMO), "--plan", str(tmp_path / "plan"), "--agents"]
    args += [str(tmp_path / "agents.csv"), "--out", str(tmp_path / "link" / "out")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "it is a link to nothing" in result.output
