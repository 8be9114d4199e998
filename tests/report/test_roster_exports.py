"""Exports of the roster of named agents: ``roster-shifts`` (CSV), ``roster-ics`` (iCalendar
per agent in a zip) and ``genesys-agent-schedules`` (Genesys Cloud schedule import body).

The roster is tests/data/report/roster/roster.csv (made up for the tests): six agent shifts
of five agents, one across midnight, one across the spring clock change of 30 March 2025 in
Paris, one in Tunis, and agent ids that are hostile as file names, CSV cells and iCalendar
text. The scenario is the report fixture's, with one paid 15-minute break rule added so that
paid and unpaid breaks both occur.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import os
import re
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from wfm.cli import main
from wfm.core.errors import ConfigError, InputError
from wfm.core.workforce import BreakRule
from wfm.io.plan_folder import read_plan_table
from wfm.io.scenario import load_scenario
from wfm.report.export_documents import export_archive, export_document
from wfm.report.exports import ExportOptions, export_layout
from wfm.report.genesys_schedule import AgentMap
from wfm.report.roster_export import ROSTER_SHIFT_COLUMNS

DATA = Path(__file__).resolve().parents[1] / "data" / "report"
GOLDEN = DATA / "golden"
ROSTER = DATA / "roster" / "roster.csv"
STAMP = "2025-03-01T09:30:00+00:00"
UTC_Z = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
LOCAL = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")
REGEN = os.environ.get("WFM_REGEN_GOLDEN") == "1"


@pytest.fixture(scope="module")
def scenario():
    sc = load_scenario(DATA / "scenario.toml")
    paid = BreakRule(length_min=15, earliest_after_min=60, latest_after_min=180, paid=True)
    return dataclasses.replace(sc, shifts=dataclasses.replace(sc.shifts, breaks=(paid,)))


@pytest.fixture(scope="module")
def roster() -> pd.DataFrame:
    return read_plan_table(ROSTER, "roster")


def _golden(name: str, text: str) -> str:
    path = GOLDEN / name
    if REGEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    return path.read_bytes().decode("utf-8")


# -- roster-shifts ----------------------------------------------------------------------------
def test_roster_shifts_matches_its_golden_file_and_keeps_the_totals(scenario, roster):
    table = export_layout("roster-shifts", {"roster": roster}, scenario).table
    text = table.to_csv(index=False, lineterminator="\n")
    assert text == _golden("roster-shifts.csv", text), "differs from its golden file"
    assert tuple(table.columns) == ROSTER_SHIFT_COLUMNS
    shifts = table[table["activity"] == "shift"]
    breaks = table[table["activity"] == "break"]
    assert len(shifts) == len(roster) == 6
    assert len(breaks) == 4  # 10:00+15;12:00+30, 00:30+30, 01:00+30
    assert sum(float(v) for v in shifts["paid_h"]) == pytest.approx(roster["paid_h"].sum()) == 36.5
    assert all(re.fullmatch(r"\d+\.\d\d", v) for v in shifts["paid_h"])
    assert set(breaks["paid_h"]) == {""}
    for col in ("start_utc", "end_utc"):
        assert all(UTC_Z.fullmatch(v) for v in table[col])
    for col in ("start_local", "end_local"):
        assert all(LOCAL.fullmatch(v) for v in table[col])
    for col in ("length_min", "paid_min"):
        assert all(v.isdigit() for v in table[col])
    # the shift's paid minutes are its length less its unpaid breaks
    lyon = table[(table["agent_id"] == "lyon-01") & (table["local_date"] == "2025-03-03")]
    assert list(lyon["paid_min"]) == ["450", "15", "0"]  # 480 − 30; the 15-min break is paid
    assert list(lyon["start_local"])[1:] == [
        "2025-03-03T10:00:00+01:00",
        "2025-03-03T12:00:00+01:00",
    ]


def test_a_shift_across_the_clock_change_keeps_its_elapsed_length(scenario, roster):
    table = export_layout("roster-shifts", {"roster": roster}, scenario).table
    night = table[(table["agent_id"] == "lyon-02") & (table["activity"] == "shift")].iloc[0]
    assert (night["start_local"], night["end_local"]) == (
        "2025-03-29T22:00:00+01:00",
        "2025-03-30T07:00:00+02:00",
    )
    assert night["length_min"] == "480"  # 21:00Z → 05:00Z, not the wall clock's 9 h


def test_roster_shifts_neutralises_formula_cells(scenario, roster):
    table = export_layout("roster-shifts", {"roster": roster}, scenario).table
    assert "'=cmd|x" in set(table["agent_id"])


# -- roster-ics -------------------------------------------------------------------------------
def _entries(scenario, roster, stamp=STAMP) -> dict[str, str]:
    data = export_archive(
        "roster-ics", {"roster": roster}, scenario, ExportOptions(stamp_utc=stamp)
    ).data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {n: archive.read(n).decode("utf-8") for n in archive.namelist()}


def test_roster_ics_matches_its_golden_files_one_calendar_per_agent(scenario, roster):
    files = _entries(scenario, roster)
    assert len(files) == roster["agent_id"].nunique() == 5
    for name, text in files.items():
        assert text == _golden(f"roster-ics/{name}", text), f"{name} differs from its golden"
    everything = "".join(files.values())
    assert everything.count("BEGIN:VEVENT") == len(roster)
    assert everything.count("BEGIN:VCALENDAR") == 5
    lyon = files["lyon-01.ics"]
    assert "UID:lyon-01-2025-03-03-0800@report_fixture.wfm\r\n" in lyon
    assert "DTSTART:20250303T070000Z\r\nDTEND:20250303T150000Z\r\n" in lyon
    assert "SUMMARY:shift lyon/all 08:00-16:00\r\n" in lyon
    assert "DTSTAMP:20250301T093000Z\r\n" in lyon


def test_roster_ics_is_valid_rfc5545_text(scenario, roster):
    for name, text in _entries(scenario, roster).items():
        assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
        for line in text.split("\r\n")[:-1]:
            assert len(line.encode("utf-8")) <= 75, (name, line)
        unfolded = text.replace("\r\n ", "")
        for line in unfolded.split("\r\n"):
            if line.startswith(("DTSTART:", "DTEND:", "DTSTAMP:")):
                assert re.fullmatch(r"[A-Z]+:\d{8}T\d{6}Z", line)
        assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text)
    tunis = next(t for n, t in _entries(scenario, roster).items() if n.startswith("tunis"))
    # "tunis, "dig"; x": comma and semicolon escaped (RFC 5545 §3.3.11)
    assert 'agent tunis\\, "dig"\\; x\\, site tunis' in tunis.replace("\r\n ", "")


def test_roster_ics_uids_are_stable_across_runs_and_unique(scenario, roster):
    first, again = _entries(scenario, roster), _entries(scenario, roster)
    assert first == again
    uids = re.findall(r"UID:(\S+)", "".join(t.replace("\r\n ", "") for t in first.values()))
    assert len(uids) == len(set(uids)) == 6
    a = export_archive("roster-ics", {"roster": roster}, scenario, ExportOptions(stamp_utc=STAMP))
    b = export_archive("roster-ics", {"roster": roster}, scenario, ExportOptions(stamp_utc=STAMP))
    assert a.data == b.data  # same plan, same bytes


@pytest.mark.parametrize(
    "agent_id",
    [
        "../../outside",
        "/etc/passwd",
        "..",
        ".",
        "a\\..\\b",
        "tab\there\nnew\x00nul",
        "CON",
        ".hidden",
    ],
)
def test_unsafe_agent_ids_stay_inside_the_folder_they_are_unpacked_into(
    scenario, roster, tmp_path, agent_id
):
    hostile = roster.iloc[[0]].assign(agent_id=agent_id)
    files = _entries(scenario, pd.concat([roster, hostile], ignore_index=True))
    assert len(files) == 6
    out = tmp_path / "calendars"
    for name, text in files.items():
        assert "/" not in name and "\\" not in name and not name.startswith(".")
        assert re.fullmatch(r"[A-Za-z0-9._-]+\.ics", name)
        target = (out / name).resolve()
        assert target.parent == out.resolve()
        target.parent.mkdir(exist_ok=True)
        target.write_text(text, encoding="utf-8")
    assert sorted(p.name for p in out.iterdir()) == sorted(files)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["calendars"]


# -- genesys-agent-schedules ------------------------------------------------------------------
IDS = AgentMap(
    user_ids={
        "lyon-01": "u-01",
        "lyon-02": "u-02",
        "../escape": "u-03",
        'tunis, "dig"; x': "u-04",
        "=cmd|x": "u-05",
    },
    work_plan_ids={"lyon-01": "wp-day"},
)
CODES = {"work": "ac-work", "break": "ac-break", "meal": "ac-meal"}


def _genesys(scenario, roster, ids=IDS, codes=CODES):
    opt = ExportOptions(agent_ids=ids, activity_codes=codes)
    return export_document("genesys-agent-schedules", {"roster": roster}, scenario, opt)


def test_genesys_agent_schedules_matches_its_golden_file_and_the_schema(scenario, roster):
    doc = _genesys(scenario, roster)
    assert doc.text == _golden("genesys-agent-schedules.json", doc.text)
    body = json.loads(doc.text)
    assert set(body) == {"description", "weekCount", "published", "agentSchedules"}
    # 2025-03-03 (a Monday, Paris) to 2025-03-30: four weeks
    assert (body["weekCount"], body["published"]) == (4, False)
    assert doc.summary == "5 agents, 6 shifts, 4 week(s) from 2025-03-03"
    assert [a["userId"] for a in body["agentSchedules"]] == ["u-01", "u-02", "u-03", "u-04", "u-05"]
    assert body["agentSchedules"][0]["workPlanId"] == {"value": "wp-day"}
    assert "workPlanId" not in body["agentSchedules"][1]
    shifts = [s for a in body["agentSchedules"] for s in a["shifts"]]
    assert len(shifts) == len(roster)
    paid_min = 0
    for s in shifts:
        assert set(s) == {"startDate", "lengthMinutes", "activities"}
        assert UTC_Z.fullmatch(s["startDate"]) and isinstance(s["lengthMinutes"], int)
        at = dt.datetime.fromisoformat(s["startDate"])
        for a in s["activities"]:  # consecutive, covering the shift
            assert set(a) == {"startDate", "lengthMinutes", "description", "activityCodeId", "paid"}
            assert dt.datetime.fromisoformat(a["startDate"]) == at
            at += dt.timedelta(minutes=a["lengthMinutes"])
            paid_min += a["lengthMinutes"] * a["paid"]
        assert at == dt.datetime.fromisoformat(s["startDate"]) + dt.timedelta(
            minutes=s["lengthMinutes"]
        )
    assert paid_min / 60 == roster["paid_h"].sum() == 36.5
    lyon = body["agentSchedules"][0]["shifts"][0]["activities"]
    assert [(a["description"], a["activityCodeId"], a["lengthMinutes"]) for a in lyon] == [
        ("work", "ac-work", 120),
        ("break", "ac-break", 15),
        ("work", "ac-work", 105),
        ("unpaid break", "ac-meal", 30),
        ("work", "ac-work", 210),
    ]


def test_genesys_agent_schedules_names_the_agent_without_a_user_id(scenario, roster):
    ids = AgentMap(
        user_ids={k: v for k, v in IDS.user_ids.items() if k != "lyon-02"}, work_plan_ids={}
    )
    with pytest.raises(ConfigError) as err:
        _genesys(scenario, roster, ids=ids)
    assert "'lyon-02'" in str(err.value) and err.value.key == "user_id"
    with pytest.raises(ConfigError) as err:
        _genesys(scenario, roster, codes={"work": "ac-work"})
    assert err.value.key == "activity_code.break"


# -- the command ------------------------------------------------------------------------------
@pytest.fixture()
def plan_with_roster(tmp_path) -> Path:
    plan = tmp_path / "plan"
    shutil.copytree(DATA / "plan", plan)
    shutil.copy(ROSTER, plan / "roster.csv")
    return plan


def _export(plan: Path, layout: str, out: Path, *extra: str):
    args = ["export", str(plan), "--layout", layout, "--out", str(out)]
    return CliRunner().invoke(main, [*args, "--scenario", str(DATA / "scenario.toml"), *extra])


@pytest.mark.parametrize("layout", ["roster-shifts", "roster-ics", "genesys-agent-schedules"])
def test_a_plan_without_a_roster_is_refused_with_exit_2(tmp_path, layout):
    res = _export(DATA / "plan", layout, tmp_path / "out")
    assert res.exit_code == 2, res.output
    assert "the plan has no roster: add [roster] to the scenario" in res.output
    assert not (tmp_path / "out").exists()
    with pytest.raises(InputError, match="the plan has no roster"):
        export_layout("roster-shifts", {}, load_scenario(DATA / "scenario.toml"))


def test_the_command_writes_the_three_roster_layouts(plan_with_roster, tmp_path):
    res = _export(plan_with_roster, "roster-shifts", tmp_path / "shifts.csv")
    assert res.exit_code == 0, res.output
    assert "roster-shifts: 10 rows written" in res.output
    table = pd.read_csv(tmp_path / "shifts.csv", dtype=str, keep_default_na=False)
    assert tuple(table.columns) == ROSTER_SHIFT_COLUMNS

    res = _export(plan_with_roster, "roster-ics", tmp_path / "agents.zip")
    assert res.exit_code == 0, res.output
    assert "roster-ics: 5 agents, 6 shifts written" in res.output
    with zipfile.ZipFile(tmp_path / "agents.zip") as archive:
        assert "lyon-01.ics" in archive.namelist() and len(archive.namelist()) == 5

    agent_map = tmp_path / "agents.csv"
    pd.DataFrame({"agent_id": list(IDS.user_ids), "user_id": list(IDS.user_ids.values())}).to_csv(
        agent_map, index=False
    )
    codes = ["--activity-code", "work=ac-work", "--activity-code", "break=ac-break"]
    out = tmp_path / "genesys.json"
    res = _export(
        plan_with_roster, "genesys-agent-schedules", out, "--agent-map", str(agent_map), *codes
    )
    assert res.exit_code == 0, res.output
    assert "5 agents, 6 shifts, 4 week(s) from 2025-03-03" in res.output
    assert "weeks/2025-03-03/schedules/import/uploadurl" in res.output
    assert len(json.loads(out.read_text())["agentSchedules"]) == 5


def test_the_command_names_the_agent_missing_from_the_agent_map(plan_with_roster, tmp_path):
    agent_map = tmp_path / "agents.csv"
    agent_map.write_text("agent_id,user_id\nlyon-01,u-01\n", encoding="utf-8")
    out = tmp_path / "genesys.json"
    args = [
        "--agent-map",
        str(agent_map),
        "--activity-code",
        "work=w",
        "--activity-code",
        "break=b",
    ]
    res = _export(plan_with_roster, "genesys-agent-schedules", out, *args)
    assert res.exit_code == 2, res.output
    assert "no Genesys Cloud user id for 4 agent(s)" in res.output and "'lyon-02'" in res.output
    assert "user_id" in res.output and not out.exists()
    res = _export(plan_with_roster, "genesys-agent-schedules", out, "--activity-code", "lunch=x")
    assert res.exit_code == 2 and "--activity-code" in res.output


# -- schedule-shifts across the clock change (same elapsed-time rule) --------------------------
def test_schedule_shifts_length_is_elapsed_time_across_the_clock_change():
    sc = load_scenario(DATA / "scenario.toml")
    schedule = pd.DataFrame(
        {
            "site": ["lyon"],
            "pool": ["all"],
            "local_date": ["2025-03-29"],
            "shift": ["s2200_480"],
            "shift_start_local": ["22:00"],
            "shift_length_min": [480],
            "breaks": ["01:00+30"],
            "agents": [3],
        }
    )
    table = export_layout("schedule-shifts", {"schedule": schedule}, sc).table
    assert list(table["end"]) == ["2025-03-30T07:00:00+02:00", "2025-03-30T01:30:00+01:00"]
    assert list(table["length_min"]) == ["480", "30"]  # not the wall clock's 540


def test_agent_ids_differing_only_by_case_are_refused(scenario, roster):
    twin = roster[roster["agent_id"] == "lyon-01"].assign(agent_id="LYON-01")
    with pytest.raises(InputError, match="would share the calendar file"):
        _entries(scenario, pd.concat([roster, twin], ignore_index=True))
