"""Reading the people files: errors name the file, the line and the column."""

from __future__ import annotations

import pytest

from wfm.core.errors import InputError
from wfm.io.people import read_agents, read_preferences, read_roster, read_time_off

AGENTS_HEAD = (
    "agent_id,site,pool,min_h_per_week,max_h_per_week,max_days_per_week,max_consecutive_days,"
    "earliest_start_local,latest_end_local,nights_allowed\n"
)
GOOD = "a1,lyon,all,20,35,5,6,07:00,21:00,true\n"


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_agents_read_with_booleans_and_optional_seniority(tmp_path):
    p = _write(
        tmp_path,
        "agents.csv",
        AGENTS_HEAD.strip()
        + ",seniority\n"
        + GOOD.strip()
        + ",3\n"
        + "a0,lyon,all,0,20,4,5,08:00,24:00,no,\n",
    )
    df = read_agents(p)
    assert df["agent_id"].tolist() == ["a1", "a0"]  # file order: row i is on line i + 2
    assert df["nights_allowed"].tolist() == [True, False]
    assert df["seniority"].iloc[0] == 3.0


@pytest.mark.parametrize(
    ("row", "line", "column", "what"),
    [
        ("a2,lyon,all,20,35,5,6,7h00,21:00,true", 3, "earliest_start_local", "not a clock time"),
        # 24:00 as a start was read as a window no shift fits, without a word
        ("a2,lyon,all,20,35,5,6,24:00,21:00,true", 3, "earliest_start_local", "end of a day"),
        ("a2,lyon,all,20,35,5,6,07:00,21:00,maybe", 3, "nights_allowed", "not a yes/no value"),
        ("a2,lyon,all,40,35,5,6,07:00,21:00,true", 3, "min_h_per_week", "above max_h_per_week"),
        ("a2,lyon,all,20,35,8,6,07:00,21:00,true", 3, "max_days_per_week", "above its maximum"),
        ("a2,lyon,all,20,x,5,6,07:00,21:00,true", 3, "max_h_per_week", "not a number"),
        # beyond int64 the value wrapped round and was reported as -9.2e18, below 0
        (
            "a2,lyon,all,20,35,99999999999999999999,6,07:00,21:00,true",
            3,
            "max_days_per_week",
            "whole number too large",
        ),
        ("a1,lyon,all,20,35,5,6,07:00,21:00,true", 3, None, "duplicate key"),
    ],
)
def test_agents_errors_name_file_line_and_column(tmp_path, row, line, column, what):
    p = _write(tmp_path, "agents.csv", AGENTS_HEAD + GOOD + row + "\n")
    with pytest.raises(InputError) as err:
        read_agents(p)
    e = err.value
    assert (e.source, e.line) == ("agents.csv", line)
    assert e.key == column
    assert what in str(e)
    assert str(e).startswith(f"agents.csv, line {line}")


def test_agents_missing_column_is_named(tmp_path):
    p = _write(tmp_path, "agents.csv", "agent_id,site\na1,lyon\n")
    with pytest.raises(InputError, match=r"agents.csv, line 1: missing column 'pool'"):
        read_agents(p)


def test_time_off_whole_and_part_days_and_errors(tmp_path):
    p = _write(
        tmp_path,
        "time_off.csv",
        "agent_id,start,end\n"
        "a1,2025-03-03T00:00:00+01:00,2025-03-08T00:00:00+01:00\n"
        "a2,2025-03-04T13:00:00+01:00,2025-03-04T17:00:00+01:00\n",
    )
    df = read_time_off(p)
    assert (df["end"] - df["start"]).dt.total_seconds().tolist() == [5 * 86400, 4 * 3600]
    bad = _write(
        tmp_path,
        "time_off.csv",
        "agent_id,start,end\n"
        "a1,2025-03-03T00:00:00+01:00,2025-03-08T00:00:00+01:00\n"
        "a2,2025-03-04T13:00:00,2025-03-04T17:00:00+01:00\n",
    )
    with pytest.raises(InputError) as err:
        read_time_off(bad)
    assert (err.value.source, err.value.line, err.value.key) == ("time_off.csv", 3, "start")
    assert "without a UTC offset" in str(err.value)
    rev = _write(
        tmp_path,
        "time_off.csv",
        "agent_id,start,end\na2,2025-03-04T17:00:00+01:00,2025-03-04T13:00:00+01:00\n",
    )
    with pytest.raises(InputError) as err:
        read_time_off(rev)
    assert (err.value.line, err.value.key) == (2, "end")


@pytest.mark.parametrize(
    ("row", "column", "what"),
    [
        ("a1,holiday,mon,1", "kind", "unknown preference kind"),
        ("a1,start_window,8-10,1", "value", "not a start window"),
        ("a1,start_window,10:00-08:00,1", "value", "not a start window"),
        ("a1,day_off,someday,1", "value", "not a day"),
        ("a1,avoid_shift,s0700,-1", "weight", "below its minimum"),
        ("a1,day_off,sat,1001", "weight", "above its maximum"),
        ("A0,day_off,2025-03-05,2", "", ""),  # another agent id: no error (marked below)
        ("a0,DAY_OFF,2025-03-05,5", "value", "the same preference as an earlier line"),
    ],
)
def test_preferences_errors_name_file_line_and_column(tmp_path, row, column, what):
    p = _write(
        tmp_path, "prefs.csv", "agent_id,kind,value,weight\na0,day_off,2025-03-05,2\n" + row + "\n"
    )
    if not column:
        assert len(read_preferences(p)) == 2
        return
    with pytest.raises(InputError) as err:
        read_preferences(p)
    assert (err.value.source, err.value.line, err.value.key) == ("prefs.csv", 3, column)
    assert what in str(err.value)


def test_preferences_good_file(tmp_path):
    p = _write(
        tmp_path,
        "prefs.csv",
        "agent_id,kind,value,weight\n"
        "a0,day_off,sat,2\na0,start_window,07:00-09:00,1\na1,avoid_shift,s1400,0.5\n",
    )
    assert read_preferences(p)["kind"].tolist() == ["day_off", "start_window", "avoid_shift"]


def test_published_roster_reads_offsets(tmp_path):
    p = _write(
        tmp_path,
        "roster.csv",
        "agent_id,local_date,site,pool,shift_start,shift_end,"
        "shift_start_local,breaks,paid_h\n"
        "a1,2025-03-03,lyon,all,2025-03-03T06:00:00+00:00,2025-03-03T14:00:00+00:00,"
        "07:00,,8\n",
    )
    df = read_roster(p)
    assert str(df["shift_start"].iloc[0]) == "2025-03-03 06:00:00+00:00"


def test_agent_clock_times_follow_the_scenario_rule(tmp_path):
    # HH:MM as the scenario's shift rules and the roster read it (core.checks.check_hhmm)
    p = _write(tmp_path, "agents.csv", AGENTS_HEAD + GOOD + "a2,lyon,all,20,35,5,6,8:00,24:00,no\n")
    df = read_agents(p)
    assert df["earliest_start_local"].tolist() == ["07:00", "8:00"]
    bad = _write(
        tmp_path, "agents.csv", AGENTS_HEAD + GOOD + "a2,lyon,all,20,35,5,6,07:00,24:30,no\n"
    )
    with pytest.raises(InputError) as err:
        read_agents(bad)
    assert (err.value.line, err.value.key, err.value.got) == (3, "latest_end_local", "24:30")
