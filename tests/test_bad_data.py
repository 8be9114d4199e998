"""Malformed inputs through the command line: each is refused with exit 2, a message that
names the file, the line or column and what was expected, and nothing written.

One table of cases across the history (``wfm validate``, ``wfm forecast``, ``wfm plan``),
the requirements and split tables (``wfm schedule``, ``wfm staff``), the contact log
(``wfm history from-contacts``) and plan folders (``wfm report``, ``wfm export``,
``wfm simulate``). Every input starts from a valid one (checked to pass in
``test_good_inputs_pass``) and breaks one thing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from wfm.cli import main

SCENARIO = """
name = "bad_data"
interval_min = 60
horizon_days = 1
seed = 5

[channels.voice]
queue_model = "realtime"

[segments.open]
channels = ["voice"]

[sites.lyon]
region = "france"
tz = "Europe/Paris"
cost_per_h = 30.0
hours.mon = "08:00-20:00"
hours.tue = "08:00-20:00"
hours.wed = "08:00-20:00"
hours.thu = "08:00-20:00"
hours.fri = "08:00-20:00"
hours.sat = "08:00-20:00"
hours.sun = "08:00-20:00"
pools.all = { skills = ["voice_open"], headcount = 10 }

[shifts]
start_step_min = 60
lengths_min = [240, 480]
earliest_start_local = "08:00"
latest_end_local = "20:00"

[solver]
time_limit_s = 10
num_workers = 1
"""

# -- valid inputs (each case edits one) -------------------------------------------------------

# 14 Paris days of hourly history, written in UTC like `wfm sample` writes it:
# local day 2026-01-01 is 2025-12-31T23:00Z to 2026-01-01T22:00Z
H_HEADER = "interval_start,channel,segment,site,contacts,aht_s,abandoned"
H_START = pd.Timestamp("2025-12-31T23:00Z")


def _history_rows() -> list[str]:
    rows = []
    for i in range(14 * 24):
        t = H_START + pd.Timedelta(hours=i)
        hour = t.tz_convert("Europe/Paris").hour
        contacts = 10 + hour if 8 <= hour < 20 else 0
        aht = "300" if contacts else ""
        rows.append(f"{t.isoformat()},voice,open,lyon,{contacts},{aht},{1 if contacts else 0}")
    return rows


HISTORY = [H_HEADER, *_history_rows()]


def _hist_line(ts: str) -> int:
    """CSV line of the history row at UTC time ``ts``."""
    return int((pd.Timestamp(ts) - H_START) / pd.Timedelta(hours=1)) + 2


def _set(lines: list[str], line: int, column: str, value: str) -> list[str]:
    """Copy of ``lines`` with one cell (1-based CSV line, column name) replaced."""
    out = list(lines)
    header = out[0].split(",")
    cells = out[line - 1].split(",")
    cells[header.index(column)] = value
    out[line - 1] = ",".join(cells)
    return out


# the Paris day 2026-01-13 in hours; the scenario plans one day
R_HEADER = (
    "interval_start,site,skill,contacts,aht_s,agents_required,agents_required_gross,"
    "service_level_rate,asa_s,occupancy_rate"
)
R_START = pd.Timestamp("2026-01-12T23:00Z")


def _requirement_rows() -> list[str]:
    rows = []
    for i in range(24):
        t = R_START + pd.Timedelta(hours=i)
        hour = t.tz_convert("Europe/Paris").hour
        need = 3 if 8 <= hour < 20 else 0
        aht = "300" if need else "0"
        rows.append(f"{t.isoformat()},lyon,voice_open,{need * 10},{aht},{need},{need},,,")
    return rows


REQUIREMENTS = [R_HEADER, *_requirement_rows()]

S_HEADER = (
    "interval_start,channel,segment,site,contacts,ai_contained,escalated,human_contacts,human_aht_s"
)
SPLIT = [S_HEADER] + [
    f"{(R_START + pd.Timedelta(hours=i)).isoformat()},voice,open,lyon,20,0,0,20,300"
    for i in range(24)
]

L_HEADER = "arrival_start,channel,segment,wait_s,handle_s,outcome"
LOG = (
    [L_HEADER]
    + [
        f"2025-03-{3 + d:02d}T{8 + k:02d}:{(7 * k) % 60:02d}:00+01:00,voice,open,{5 + k},"
        f"{120 + k},answered"
        for d in range(5)
        for k in range(10)
    ]
    + ["2025-03-07T18:10:00+01:00,voice,open,40,,abandoned"]
)

POOL_AGENTS = ["interval_start,site,pool,agents"] + [
    f"{(R_START + pd.Timedelta(hours=i)).isoformat()},lyon,all,3" for i in range(24)
]
FORECAST = ["interval_start,channel,segment,site,contacts,contacts_lo,contacts_hi,aht_s,model"] + [
    f"{(R_START + pd.Timedelta(hours=i)).isoformat()},voice,open,lyon,20,15,25,300,naive"
    for i in range(24)
]
MANIFEST = json.dumps({"run_id": "test", "scenario": {"file": "scenario.toml"}})


# -- the cases --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One malformed input.

    ``files`` maps a file name (under the case folder; ``plan/x`` lands in the plan folder)
    to its lines; ``command`` is the CLI call with ``{dir}`` for the case folder; the
    message must name ``source`` and, when given, ``line`` and ``key``, and hold every
    fragment of ``says``.
    """

    id: str
    command: str
    files: dict[str, list[str] | str]
    source: str
    line: int | None = None
    key: str | None = None
    says: tuple[str, ...] = field(default_factory=tuple)


def _hist(id, lines, line=None, key=None, says=(), command="forecast") -> Case:
    cmd = {
        "forecast": "forecast {dir}/scenario.toml --history {dir}/history.csv --workers 1 "
        "--out {dir}/out.csv",
        "validate": "validate {dir}/scenario.toml --history {dir}/history.csv",
        "plan": "plan {dir}/scenario.toml --history {dir}/history.csv --out {dir}/out",
    }[command]
    return Case(id, cmd, {"history.csv": lines}, "history.csv", line, key, tuple(says))


def _req(id, lines, line=None, key=None, says=()) -> Case:
    cmd = "schedule {dir}/scenario.toml --requirements {dir}/requirements.csv --out {dir}/out"
    return Case(id, cmd, {"requirements.csv": lines}, "requirements.csv", line, key, tuple(says))


def _split(id, lines, line=None, key=None, says=()) -> Case:
    cmd = "staff {dir}/scenario.toml --split {dir}/split.csv --out {dir}/out.csv"
    return Case(id, cmd, {"split.csv": lines}, "split.csv", line, key, tuple(says))


def _log(id, lines, line=None, key=None, says=()) -> Case:
    cmd = "history from-contacts {dir}/log.csv --scenario {dir}/scenario.toml --out {dir}/out.csv"
    return Case(id, cmd, {"log.csv": lines}, "log.csv", line, key, tuple(says))


def _plan(id, command, files, source, line=None, key=None, says=()) -> Case:
    base = {"plan/manifest.json": MANIFEST}
    return Case(id, command, base | files, source, line, key, tuple(says))


REPORT = "report {dir}/plan --out {dir}/out.html"
EXPORT_TIDY = "export {dir}/plan --layout tidy --table {table} --out {dir}/out.csv"
SIMULATE = "simulate {dir}/scenario.toml --plan {dir}/plan --replications 1 --out {dir}/out.csv"
MIDDAY = "2026-01-05T11:00:00+00:00"
LAST_R = len(REQUIREMENTS)

CASES = [
    # history
    _hist("history contacts inf", _set(HISTORY, 10, "contacts", "inf"), 10, "contacts",
          ["finite"]),
    _hist("history contacts inf (validate)", _set(HISTORY, 10, "contacts", "inf"), 10,
          "contacts", ["finite"], command="validate"),
    _hist("history contacts inf (plan)", _set(HISTORY, 10, "contacts", "inf"), 10, "contacts",
          ["finite"], command="plan"),
    _hist("history contacts -inf", _set(HISTORY, 10, "contacts", "-inf"), 10, "contacts",
          ["finite"]),
    _hist("history contacts nan", _set(HISTORY, 10, "contacts", "nan"), 10, "contacts",
          ["a number"]),
    _hist("history contacts 1e300", _set(HISTORY, 12, "contacts", "1e300"), 12, "contacts",
          ["≤ 1e+06"]),
    _hist("history contacts two million", _set(HISTORY, 12, "contacts", "2000000"), 12,
          "contacts", ["≤ 1e+06"]),
    _hist("history contacts negative", _set(HISTORY, 12, "contacts", "-1"), 12, "contacts",
          ["≥ 0"]),
    _hist("history abandoned above contacts",
          _set(HISTORY, _hist_line(MIDDAY), "abandoned", "500"),
          _hist_line(MIDDAY), "abandoned", ["at most contacts"]),
    _hist("history abandoned inf", _set(HISTORY, 12, "abandoned", "inf"), 12, "abandoned",
          ["finite"]),
    _hist("history aht inf", _set(HISTORY, _hist_line(MIDDAY), "aht_s", "inf"),
          _hist_line(MIDDAY), "aht_s", ["finite"]),
    _hist("history aht zero with contacts", _set(HISTORY, _hist_line(MIDDAY), "aht_s", "0"),
          _hist_line(MIDDAY), "aht_s", ["> 0"]),
    _hist("history aht above a day", _set(HISTORY, _hist_line(MIDDAY), "aht_s", "90000"),
          _hist_line(MIDDAY), "aht_s", ["≤ 86400"]),
    _hist("history timestamp year 9999",
          _set(HISTORY, 20, "interval_start", "9999-01-01T00:00:00+00:00"), 20,
          "interval_start", ["1970", "2200"]),
    _hist("history timestamp year 9999 (validate)",
          _set(HISTORY, 20, "interval_start", "9999-01-01T00:00:00+00:00"), 20,
          "interval_start", ["1970", "2200"], command="validate"),
    _hist("history timestamp year 1900",
          _set(HISTORY, 20, "interval_start", "1900-01-01T00:00:00+00:00"), 20,
          "interval_start", ["1970", "2200"]),
    _hist("history header only", [H_HEADER], 2, None, ["no data rows"], command="validate"),
    _hist("history header only (forecast)", [H_HEADER], 2, None, ["no data rows"]),
    _hist("history hole at UTC midnight inside a local day",
          [r for r in HISTORY if not r.startswith("2026-01-07T00:00:00+00:00")], None,
          "interval_start", ["2026-01-07T00:00:00+00:00", "channel=voice", "site=lyon",
                             "one row per interval"], command="validate"),
    _hist("history missing column", [",".join(H_HEADER.split(",")[:4])]
          + [",".join(r.split(",")[:4]) for r in HISTORY[1:]], 1, None, ["contacts"]),
    _hist("history off grid", _set(HISTORY, 30, "interval_start", "2026-01-02T04:10:00+00:00"),
          30, "interval_start", ["60 minutes"]),
    _hist("history unknown site", _set(HISTORY, 30, "site", "paris"), 30, "site", ["lyon"]),
    # requirements (wfm schedule)
    _req("requirements off the interval grid",
         _set(REQUIREMENTS, 14, "interval_start", "2026-01-13T11:30:00+00:00"), 14,
         "interval_start", ["60-minute grid"]),
    _req("requirements unknown site", _set(REQUIREMENTS, 14, "site", "paris"), 14, "site",
         ["lyon"]),
    _req("requirements unknown skill", _set(REQUIREMENTS, 14, "skill", "voice_vip"), 14,
         "skill", ["voice_open"]),
    _req("requirements row a year later", REQUIREMENTS
         + ["2027-01-13T11:00:00+00:00,lyon,voice_open,30,300,3,3,,,"], LAST_R + 1,
         "interval_start", ["horizon_days"]),
    _req("requirements gross agents inf", _set(REQUIREMENTS, 14, "agents_required_gross", "inf"),
         14, "agents_required_gross", ["finite"]),
    _req("requirements gross agents 1e9", _set(REQUIREMENTS, 14, "agents_required_gross", "1e9"),
         14, "agents_required_gross", ["≤"]),
    _req("requirements aht zero with contacts", _set(REQUIREMENTS, 14, "aht_s", "0"), 14,
         "aht_s", ["> 0"]),
    _req("requirements header only", [R_HEADER], 2, None, ["no data rows"]),
    _req("requirements missing column", [R_HEADER.replace(",agents_required_gross", "")]
         + [",".join(r.split(",")[:6] + r.split(",")[7:]) for r in REQUIREMENTS[1:]], 1, None,
         ["agents_required_gross"]),
    _req("requirements timestamp year 9999",
         _set(REQUIREMENTS, 14, "interval_start", "9999-01-13T11:00:00+00:00"), 14,
         "interval_start", ["2200"]),
    # split (wfm staff)
    _split("split human contacts inf", _set(SPLIT, 5, "human_contacts", "inf"), 5,
           "human_contacts", ["finite"]),
    _split("split human aht 1e12", _set(SPLIT, 5, "human_aht_s", "1e12"), 5, "human_aht_s",
           ["≤ 86400"]),
    _split("split unknown channel", _set(SPLIT, 5, "channel", "fax"), 5, "channel", ["voice"]),
    # contact log (wfm history from-contacts)
    _log("log one contact in 1900",
         _set(LOG, 20, "arrival_start", "1900-03-05T10:00:00+01:00"), 20, "arrival_start",
         ["1970"]),
    _log("log one contact a mistyped year later",
         _set(LOG, 20, "arrival_start", "2052-03-05T10:00:00+01:00"), 20, "arrival_start",
         ["31 days"]),
    _log("log one contact two months early",
         _set(LOG, 3, "arrival_start", "2025-01-02T10:00:00+01:00"), 3, "arrival_start",
         ["31 days"]),
    _log("log handle time inf", _set(LOG, 7, "handle_s", "inf"), 7, "handle_s", ["duration"]),
    _log("log handle time over a day", _set(LOG, 7, "handle_s", "100000"), 7, "handle_s",
         ["86400"]),
    _log("log negative wait", _set(LOG, 7, "wait_s", "-5"), 7, "wait_s", ["≥ 0"]),
    _log("log arrival year 9999", _set(LOG, 7, "arrival_start", "9999-03-05T10:00:00+01:00"), 7,
         "arrival_start", ["2200"]),
    _log("log arrival not a time", _set(LOG, 7, "arrival_start", "yesterday"), 7,
         "arrival_start", ["ISO 8601"]),
    _log("log header only", [L_HEADER], 2, None, ["no contacts"]),
    # plan folders (wfm report, wfm export, wfm simulate)
    _plan("report corrupt manifest", REPORT,
          {"plan/manifest.json": '{"run_id": "x",\n  "stages": [}', "plan/forecast.csv": FORECAST},
          "manifest.json", 2, None, ["JSON"]),
    _plan("export corrupt manifest", EXPORT_TIDY.replace("{table}", "forecast"),
          {"plan/manifest.json": '{"run_id": "x",\n  "stages": [}', "plan/forecast.csv": FORECAST},
          "manifest.json", 2, None, ["JSON"]),
    _plan("report forecast missing column", REPORT,
          {"plan/forecast.csv": [FORECAST[0].replace(",aht_s", "")]
           + [",".join(r.split(",")[:7] + r.split(",")[8:]) for r in FORECAST[1:]]},
          "forecast.csv", 1, None, ["aht_s"]),
    _plan("report forecast bad number", REPORT,
          {"plan/forecast.csv": _set(FORECAST, 4, "contacts", "12;5")},
          "forecast.csv", 4, "contacts", ["number"]),
    _plan("export requirements inf", EXPORT_TIDY.replace("{table}", "requirements"),
          {"plan/requirements.csv": _set(REQUIREMENTS, 6, "agents_required_gross", "inf")},
          "requirements.csv", 6, "agents_required_gross", ["finite"]),
    _plan("simulate split missing column", SIMULATE,
          {"plan/split.csv": [S_HEADER.replace(",human_aht_s", "")]
           + [r.rsplit(",", 1)[0] for r in SPLIT[1:]], "plan/pool_agents.csv": POOL_AGENTS},
          "split.csv", 1, None, ["human_aht_s"]),
    _plan("simulate pool agents inf", SIMULATE,
          {"plan/split.csv": SPLIT, "plan/pool_agents.csv": _set(POOL_AGENTS, 3, "agents", "inf")},
          "pool_agents.csv", 3, "agents", ["finite"]),
    _plan("simulate split bad number", SIMULATE,
          {"plan/split.csv": _set(SPLIT, 9, "human_contacts", "20 calls"),
           "plan/pool_agents.csv": POOL_AGENTS},
          "split.csv", 9, "human_contacts", ["a number"]),
]  # fmt: skip


def _lay_out(tmp_path: Path, files: dict[str, list[str] | str]) -> None:
    (tmp_path / "scenario.toml").write_text(SCENARIO, encoding="utf-8")
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = content if isinstance(content, str) else "\n".join(content) + "\n"
        path.write_text(text, encoding="utf-8")


def _run(tmp_path: Path, command: str):
    args = command.format(dir=tmp_path).split()
    return CliRunner().invoke(main, args)


def _out_paths(tmp_path: Path) -> list[Path]:
    return [tmp_path / n for n in ("out", "out.csv", "out.html", "out_summary.csv", "pooling.csv")]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_refused_with_exit_2_and_nothing_written(tmp_path, case: Case):
    _lay_out(tmp_path, case.files)
    result = _run(tmp_path, case.command)
    message = result.output
    assert result.exit_code == 2, message
    assert f"{case.source}" in message, message
    if case.line is not None:
        assert f"line {case.line}" in message, message
    if case.key is not None:
        assert case.key in message, message
    assert "expected" in message, message
    for fragment in case.says:
        assert fragment in message, message
    for path in _out_paths(tmp_path):
        assert not path.exists(), f"{path.name} was written"


GOOD: list[tuple[str, str, dict[str, list[str] | str]]] = [
    ("history", _hist("", HISTORY, command="validate").command, {"history.csv": HISTORY}),
    ("requirements", _req("", REQUIREMENTS).command, {"requirements.csv": REQUIREMENTS}),
    ("split", _split("", SPLIT).command, {"split.csv": SPLIT}),
    ("log", _log("", LOG).command, {"log.csv": LOG}),
    ("report", REPORT, {"plan/manifest.json": MANIFEST, "plan/forecast.csv": FORECAST}),
    (
        "simulate",
        SIMULATE,
        {"plan/manifest.json": MANIFEST, "plan/split.csv": SPLIT,
         "plan/pool_agents.csv": POOL_AGENTS},
    ),
]  # fmt: skip


@pytest.mark.parametrize("name,command,files", GOOD, ids=[g[0] for g in GOOD])
def test_good_inputs_pass(tmp_path, name: str, command: str, files: Callable | dict):
    _lay_out(tmp_path, files)
    result = _run(tmp_path, command)
    assert result.exit_code == 0, result.output


# -- the same checks off the command line -----------------------------------------------------


def test_schedule_stage_refuses_an_unknown_skill_in_memory(tmp_path):
    """The stage checks its input too: a table built in memory gets no note but an error."""
    from wfm.core.errors import InputError
    from wfm.core.schemas import REQUIREMENTS as REQ_SCHEMA
    from wfm.io.scenario import load_scenario
    from wfm.io.tables import read_table
    from wfm.schedule import schedule_shifts

    _lay_out(tmp_path, {"requirements.csv": REQUIREMENTS})
    scenario = load_scenario(tmp_path / "scenario.toml")
    req = read_table(tmp_path / "requirements.csv", REQ_SCHEMA)
    req.loc[12, "skill"] = "voice_vip"
    with pytest.raises(InputError) as info:
        schedule_shifts(req, scenario)
    msg = str(info.value)
    assert msg.startswith("requirements, line 14, column skill: unknown skill 'voice_vip'"), msg
    assert "expected one of the scenario's skills: voice_open" in msg


def test_a_long_closure_in_a_contact_log_is_accepted_with_max_gap_days(tmp_path):
    # 40 days without contacts between 2025-03-07 and 2025-04-17: refused by default,
    # accepted when the planner says such a closure is real
    late = "2025-04-17T09:00:00+02:00,voice,open,5,100,answered"
    _lay_out(tmp_path, {"log.csv": [*LOG, late]})
    refused = _run(tmp_path, _log("", LOG).command)
    assert refused.exit_code == 2
    assert "line 53" in refused.output and "40 days without any contact" in refused.output
    assert not (tmp_path / "out.csv").exists()
    accepted = _run(tmp_path, _log("", LOG).command + " --max-gap-days 40")
    assert accepted.exit_code == 0, accepted.output
    history = pd.read_csv(tmp_path / "out.csv")
    # Paris days 03-03 to 04-16, hourly; 2025-03-30 (DST starts) has 23 hours. The log ends
    # at 09:00 on 04-17 while the other Thursdays have contacts later: a day cut by the
    # export, left out rather than written as a quiet day (partial_end_days)
    assert len(history) == (5 + 40) * 24 - 1
    assert history["contacts"].sum() == 51
