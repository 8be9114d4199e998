"""Export layouts against files written by hand from each product's documented column list."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, strategies as st

from wfm.core.errors import ConfigError, InputError
from wfm.io.plan_folder import read_plan_folder, write_export
from wfm.io.scenario import load_scenario
from wfm.report.amazon_connect import AMAZON_FORECAST_COLUMNS, AMAZON_HISTORICAL_COLUMNS
from wfm.report.cells import format_number, neutralise_cell
from wfm.report.export_documents import export_text
from wfm.report.exports import (
    LAYOUTS,
    ExportOptions,
    export_layout,
    localise,
    queue_map_from_table,
    tidy,
)
from wfm.report.genesys import GENESYS_COLUMNS
from wfm.report.ical import escape_text, fold_line
from wfm.report.schedule_export import SHIFT_COLUMNS
from wfm.report.volumes import largest_remainder, queue_volumes

DATA = Path(__file__).resolve().parents[1] / "data" / "report"


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(DATA / "scenario.toml")


@pytest.fixture
def history() -> pd.DataFrame:
    # one 30-minute interval starting 2025-03-30T00:30Z (01:30 in Paris, 30 min before the
    # spring-forward change): voice/open 30 contacts, 6 abandoned, AHT 200 s → 24 handled,
    # 4800 s of handling; chat/open 10 contacts, AHT 300 s → 3000 s
    return pd.DataFrame(
        {
            "interval_start": pd.to_datetime(["2025-03-30T00:30:00Z"] * 2, utc=True),
            "channel": ["voice", "chat"],
            "segment": ["open", "open"],
            "contacts": [30.0, 10.0],
            "aht_s": [200.0, 300.0],
            "abandoned": [6.0, 0.0],
        }
    )


@pytest.fixture
def requirements() -> pd.DataFrame:
    # 00:30Z: lyon 20 contacts × 210 s + tunis 10 contacts × 180 s → 30 contacts, AHT
    # (4200 + 1800) / 30 = 200 s, agents 5 + 3 = 8; 01:00Z: lyon 20 × 180 s, 3 agents.
    # Local Paris times: 00:30Z = 01:30 CET, 01:00Z = 03:00 CEST (02:00–03:00 does not exist).
    return pd.DataFrame(
        {
            "interval_start": pd.to_datetime(
                ["2025-03-30T00:30:00Z", "2025-03-30T00:30:00Z", "2025-03-30T01:00:00Z"], utc=True
            ),
            "site": ["lyon", "tunis", "lyon"],
            "skill": ["voice_open"] * 3,
            "contacts": [20.0, 10.0, 20.0],
            "aht_s": [210.0, 180.0, 180.0],
            "agents_required": np.array([5, 3, 3], dtype="int64"),
            "agents_required_gross": [7.0, 4.0, 4.0],
            "service_level_rate": [0.8, 0.8, 0.8],
            "asa_s": [10.0, 10.0, 10.0],
            "occupancy_rate": [0.7, 0.7, 0.7],
        }
    )


def _expected(name: str) -> str:
    return (DATA / "expected" / f"{name}.csv").read_text(encoding="utf-8")


def _written(export, tmp_path: Path) -> str:
    path = write_export(export.table, tmp_path / "out.csv", header=export.header)
    return path.read_text(encoding="utf-8")


def test_genesys_historical_matches_documented_file(history, scenario, tmp_path):
    opt = ExportOptions(volume_source="history")
    out = export_layout("genesys-historical", {"history": history}, scenario, opt)
    assert tuple(out.table.columns) == GENESYS_COLUMNS
    assert _written(out, tmp_path) == _expected("genesys-historical")


@pytest.mark.parametrize("layout", ["amazon-connect-historical", "amazon-connect-forecast"])
def test_amazon_connect_matches_documented_file(layout, history, scenario, tmp_path):
    opt = ExportOptions(
        volume_source="history", queue_ids={"voice_open": "a1b2-c3"}, queue_ids_required=False
    )
    out = export_layout(layout, {"history": history}, scenario, opt)
    cols = AMAZON_HISTORICAL_COLUMNS if layout.endswith("historical") else AMAZON_FORECAST_COLUMNS
    assert tuple(out.table.columns) == cols
    assert _written(out, tmp_path) == _expected(layout)
    assert any("QueueId" in n and "chat" in n for n in out.notes)


def test_amazon_connect_daily_sums_a_local_day_stamped_at_local_midnight(history, scenario):
    later = history.assign(interval_start=history["interval_start"] + pd.Timedelta(hours=5))
    both = pd.concat([history, later], ignore_index=True)
    opt = ExportOptions(daily=True, queue_ids={"voice_open": "a", "chat": "b"})
    out = export_layout("amazon-connect-historical", {"history": both}, scenario, opt).table
    voice = out[out["QueueName"] == "voice_open"].iloc[0]
    # Sunday 30 March 2025 in Paris (home site lyon) starts at 00:00 CET = 29 March 23:00Z
    assert voice["TimeStamp"] == "2025-03-29T23:00:00Z"
    assert voice["IntervalDuration"] == "daily"
    assert voice["IncomingContactVolume"] == "60"  # 30 + 30
    assert voice["ContactsHandled"] == "48"  # 24 + 24


def test_calabrio_is_headerless_local_time_across_dst(requirements, scenario, tmp_path):
    # (rows of voice_open only: a realtime skill, so its staffing is imported)
    out = export_layout("calabrio", {"requirements": requirements}, scenario)
    assert out.header is False
    assert _written(out, tmp_path) == _expected("calabrio")


def test_calabrio_time_zone_option(requirements, scenario):
    out = export_layout(
        "calabrio", {"requirements": requirements}, scenario, ExportOptions(tz="UTC")
    ).table
    assert out.iloc[0, 1] == "20250330 00:30"
    assert out.iloc[0, 2] == "20250330 01:00"


def test_channels_without_a_target_type_are_left_out_with_a_note(scenario):
    email = pd.DataFrame(
        {
            "interval_start": pd.to_datetime(["2025-03-03T08:00:00Z"] * 2, utc=True),
            "channel": ["email", "voice"],
            "segment": ["open", "premium"],
            "contacts": [5.0, 4.0],
            "aht_s": [600.0, 100.0],
        }
    )
    out = export_layout(
        "amazon-connect-forecast",
        {"forecast": email},
        scenario,
        ExportOptions(volume_source="forecast", queue_ids={"voice_premium": "p"}),
    )
    assert list(out.table["QueueName"]) == ["voice_premium"]
    assert any("'email' left out" in n for n in out.notes)
    genesys = export_layout("genesys-historical", {"history": email}, scenario)
    assert set(genesys.table["Media Type"]) == {"email", "Voice"}
    assert genesys.notes == ()


def test_split_exports_human_contacts_only(scenario):
    plan, _ = read_plan_folder(DATA / "plan")
    ids = {"chat": "q-c", "voice_open": "q-o", "voice_premium": "q-p"}
    out = export_layout(
        "amazon-connect-forecast", plan, scenario, ExportOptions(queue_ids=ids)
    ).table
    chat = out[out["QueueName"] == "chat"]
    # chat/open 60 contacts at 07:00Z, half contained by AI → 30 human
    assert chat["IncomingContactVolume"].iloc[0] == "30"
    # human AHT 480 × 1.2 = 576 s
    assert chat["AverageHandleTime"].iloc[0] == "576"
    assert len(out) == 3 * 4  # 3 queues (email has no Amazon channel type) × 4 half-hours


def test_volumes_conserve_contacts(scenario):
    plan, _ = read_plan_folder(DATA / "plan")
    vol = queue_volumes(plan["split"], scenario, "split")
    assert vol["contacts"].sum() == pytest.approx(plan["split"]["human_contacts"].sum())
    assert set(vol["queue"]) == {"voice_premium", "voice_open", "chat", "email"}


def test_tidy_writes_iso_utc_and_fixed_floats(scenario):
    plan, _ = read_plan_folder(DATA / "plan")
    out = export_layout("tidy", plan, scenario, ExportOptions(table="coverage")).table
    assert out["interval_start"].iloc[0] == "2025-03-03T07:00:00+00:00"
    assert out["agents_gap"].iloc[0] == "-1.000000"  # a negative number is not neutralised
    assert list(out.columns)[:3] == ["interval_start", "site", "skill"]


def test_missing_table_and_unknown_layout_are_errors(scenario):
    with pytest.raises(InputError, match="requirements"):
        export_layout("calabrio", {}, scenario)
    with pytest.raises(ConfigError, match="unknown layout"):
        export_layout("iex", {}, scenario)
    assert set(LAYOUTS) == {
        "genesys-historical",
        "amazon-connect-historical",
        "amazon-connect-forecast",
        "calabrio",
        "calabrio-volumes",
        "verint-strategic-planner",
        "schedule-shifts",
        "roster-shifts",
        "tidy",
    }


def test_history_without_aht_for_handled_contacts_is_an_error(history, scenario):
    bad = history.assign(aht_s=[np.nan, 300.0])
    with pytest.raises(InputError, match="without an AHT"):
        queue_volumes(bad, scenario, "history")


@pytest.mark.parametrize(
    "cell,expected",
    [
        ("=1+1", "'=1+1"),
        ("+33 1 23", "'+33 1 23"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("-1.5", "-1.5"),
        ("+2", "+2"),
        ("1e-3", "1e-3"),
        ("voice", "voice"),
        ("", ""),
    ],
)
def test_neutralise_cell(cell, expected):
    assert neutralise_cell(cell) == expected


def test_formula_in_a_name_is_neutralised_in_every_layout(scenario):
    df = pd.DataFrame(
        {
            "interval_start": pd.to_datetime(["2025-03-03T08:00:00Z"], utc=True),
            "site": ["=cmd|' /C calc'!A0"],
            "value": [1.0],
        }
    )
    out = tidy(df, "scratch").table
    assert out["site"].iloc[0].startswith("'=")


@given(st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=1, max_size=20))
def test_format_number_is_within_half_a_cent(values):
    text = format_number(np.array(values))
    assert np.all(np.abs(np.array([float(t) for t in text]) - values) <= 0.005 + 1e-9)
    assert all(t != "-0" and not t.endswith(".") for t in text)


# -- golden files: one per layout, from a small fixed in-memory plan ---------------------------
GOLDEN = Path(__file__).resolve().parent / "golden"
IDS = {"voice_open": "0a1b-voice", "chat": "0a1b-chat", "voice_premium": "0a1b-prem"}
_UTC_Z = r"\d{4}-\d\d-\d\dT\d\d:\d\d:00Z"
_ISO_OFFSET = r"\d{4}-\d\d-\d\dT\d\d:\d\d:00[+-]\d\d:\d\d"
_INT = r"\d+"
_DEC = r"\d+(\.\d+)?"


def _golden_plan() -> dict[str, pd.DataFrame]:
    """Three half-hours of history/forecast with fractional contacts, requirements with an
    email skill, and a schedule with two breaks, a shift past midnight and a DST Sunday."""
    t = pd.to_datetime(
        ["2025-03-03T07:00:00Z", "2025-03-03T07:30:00Z", "2025-03-03T08:00:00Z"], utc=True
    )
    rows = []
    for ch, contacts, aht in (("voice", 10.4, 200.0), ("chat", 4.25, 310.0), ("email", 2.5, 600.0)):
        for i, ts in enumerate(t):
            rows.append((ts, ch, "open", contacts + i / 10, aht + 10 * i))
    vol = pd.DataFrame(rows, columns=["interval_start", "channel", "segment", "contacts", "aht_s"])
    history = vol.assign(abandoned=[1.0, 0.0, 2.0] + [0.0] * 6)
    req = pd.DataFrame(
        {
            "interval_start": list(t) * 2,
            "site": ["lyon"] * 6,
            "skill": ["voice_open"] * 3 + ["email"] * 3,
            "contacts": [10.4, 10.5, 10.6, 2.5, 2.6, 2.7],
            "aht_s": [200.0, 210.0, 220.0, 600.0, 610.0, 620.0],
            "agents_required": np.array([4, 5, 5, 1, 1, 1], dtype="int64"),
        }
    )
    schedule = pd.DataFrame(
        {
            "site": ["lyon", "lyon", "tunis"],
            "pool": ["all", "all", "digital"],
            "local_date": ["2025-03-03", "2025-03-30", "2025-03-03"],
            "shift": ["s0800_480", "s0800_480", "s2000_360"],
            "shift_start_local": ["08:00", "08:00", "20:00"],
            "shift_length_min": [480, 480, 360],
            "breaks": ["12:00+30;14:30+15", "12:00+30", "00:30+30"],
            "agents": [12, 3, 2],
        }
    )
    return {"history": history, "forecast": vol, "requirements": req, "schedule": schedule}


_GOLDEN_CASES = {
    # layout: (file, options, header, {column index: value pattern})
    "genesys-historical": (
        "genesys-historical.csv",
        {},
        ",".join(GENESYS_COLUMNS),
        {0: _UTC_Z, 5: _INT, 6: _INT, 7: _INT},
    ),
    "amazon-connect-historical": (
        "amazon-connect-historical.csv",
        {"queue_ids": IDS},
        ",".join(AMAZON_HISTORICAL_COLUMNS),
        {1: r"0a1b-\w+", 2: "VOICE|CHAT", 3: _UTC_Z, 4: "30mins", 5: _INT, 6: _INT, 7: _INT},
    ),
    "amazon-connect-forecast": (
        "amazon-connect-forecast.csv",
        {"queue_ids": IDS, "volume_source": "forecast"},
        ",".join(AMAZON_FORECAST_COLUMNS),
        {1: r"0a1b-\w+", 2: "VOICE|CHAT", 3: _UTC_Z, 4: "30mins", 5: _INT, 6: _INT},
    ),
    "amazon-connect-forecast-daily": (
        "amazon-connect-forecast-daily.csv",
        {"queue_ids": IDS, "volume_source": "forecast", "daily": True},
        ",".join(AMAZON_FORECAST_COLUMNS),
        # Monday 3 March 2025 at 00:00 in Paris (CET, +01:00) = 2 March 23:00Z
        {3: r"2025-03-02T23:00:00Z", 4: "daily", 5: _INT, 6: _INT},
    ),
    "calabrio": (
        "calabrio.csv",
        {},
        None,
        {
            0: "voice_open",
            1: r"\d{8} \d\d:\d\d",
            2: r"\d{8} \d\d:\d\d",
            3: _INT,
            4: _DEC,
            5: "0",
            6: _DEC,
        },
    ),
    "calabrio-volumes": (
        "calabrio-volumes.csv",
        {},
        None,
        {1: r"\d{8} \d\d:\d\d", 2: r"\d{8} \d\d:\d\d", 3: _INT, 4: _DEC, 5: "0"},
    ),
    "schedule-shifts": (
        "schedule-shifts.csv",
        {},
        ",".join(SHIFT_COLUMNS),
        {4: _INT, 5: "shift|break", 6: _ISO_OFFSET, 7: _ISO_OFFSET, 8: _INT},
    ),
}


def _layout_of(case: str) -> str:
    return case.removesuffix("-daily")


def _check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("WFM_REGEN_GOLDEN"):
        path.write_bytes(text.encode("utf-8"))
    assert text == path.read_bytes().decode("utf-8"), f"{name} differs from its golden file"


@pytest.mark.parametrize("case", list(_GOLDEN_CASES))
def test_layout_matches_its_golden_file_and_the_documented_format(case, scenario, tmp_path):
    name, options, header, patterns = _GOLDEN_CASES[case]
    out = export_layout(_layout_of(case), _golden_plan(), scenario, ExportOptions(**options))
    text = _written(out, tmp_path)
    _check_golden(name, text)
    lines = text.splitlines()
    assert (lines[0] == header) if header else (out.header is False)
    rows = [line.split(",") for line in (lines[1:] if header else lines)]
    assert rows and all(len(r) == len(rows[0]) for r in rows)
    for col, pattern in patterns.items():
        bad = [r[col] for r in rows if not re.fullmatch(pattern, r[col])]
        assert not bad, f"{case} column {col}: {bad[:3]} do not match {pattern}"


def test_ical_matches_its_golden_file_and_rfc_5545(scenario):
    opt = ExportOptions(stamp_utc="2025-03-01T18:00:00+00:00")
    text = export_text("schedule-ics", _golden_plan(), scenario, opt)
    _check_golden("schedule.ics", text)
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")
    assert text.endswith("END:VCALENDAR\r\n") and "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert text.count("BEGIN:VEVENT") == 3
    # the night shift in Tunis (+01:00) from 20:00 to 02:00, its break at 00:30 the next day
    assert "DTSTART:20250303T190000Z\r\nDTEND:20250304T010000Z" in text
    assert "DTSTAMP:20250301T180000Z" in text


def test_ical_text_is_escaped_and_long_lines_folded():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    folded = fold_line("DESCRIPTION:" + "é" * 60)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "DESCRIPTION:" + "é" * 60


def test_schedule_shift_past_midnight_and_on_the_dst_sunday(scenario):
    out = export_layout("schedule-shifts", _golden_plan(), scenario).table
    night = out[(out["site"] == "tunis") & (out["activity"] == "break")].iloc[0]
    assert night["start"] == "2025-03-04T00:30:00+01:00"
    dst = out[(out["local_date"] == "2025-03-30") & (out["activity"] == "shift")].iloc[0]
    # 08:00 CEST to 16:00 CEST: the clocks went forward at 02:00, the shift is 480 min
    assert (dst["start"], dst["end"]) == ("2025-03-30T08:00:00+02:00", "2025-03-30T16:00:00+02:00")


@pytest.mark.parametrize("bad", ["25:00+30", "12:75+15"])
def test_schedule_shifts_refuse_a_break_that_is_no_time_of_day(scenario, bad):
    """A break at 25:00 was placed at 01:00 the next day; now the row is named."""
    plan = _golden_plan()
    plan["schedule"] = plan["schedule"].assign(breaks=["12:00+30", bad, "00:30+30"])
    with pytest.raises(InputError) as err:
        export_layout("schedule-shifts", plan, scenario)
    assert (err.value.source, err.value.line, err.value.key) == ("schedule.csv", 3, "breaks")


def test_largest_remainder_keeps_each_groups_rounded_total():
    values = np.array([10.4, 10.5, 10.6, 0.3, 0.3, 0.3, 2.5])
    groups = np.array(["a", "a", "a", "b", "b", "b", "c"])
    out = largest_remainder(values, groups)
    assert out.tolist() == [10, 11, 11, 1, 0, 0, 3]  # 31.5 → 32: the two largest fractions
    for g in "abc":
        assert out[groups == g].sum() == np.floor(values[groups == g].sum() + 0.5)


@given(
    st.lists(st.floats(min_value=0, max_value=500, allow_nan=False), min_size=1, max_size=40),
    st.integers(min_value=1, max_value=4),
)
def test_largest_remainder_totals_and_moves_under_one(values, n_groups):
    x = np.array(values)
    groups = np.arange(len(x)) % n_groups
    out = largest_remainder(x, groups)
    assert np.all(np.abs(out - x) < 1)
    for g in range(n_groups):
        assert out[groups == g].sum() == int(np.floor(x[groups == g].sum() + 0.5 + 1e-9))


def test_amazon_connect_volumes_are_integers_keeping_the_day_total(scenario):
    plan = _golden_plan()
    opt = ExportOptions(queue_ids=IDS, volume_source="forecast")
    out = export_layout("amazon-connect-forecast", plan, scenario, opt).table
    voice = out[out["QueueName"] == "voice_open"]["IncomingContactVolume"].tolist()
    assert voice == ["10", "11", "11"]  # 10.4 + 10.5 + 10.6 = 31.5 → 32 in all
    assert sum(map(int, voice)) == 32


def test_amazon_connect_missing_queue_id_is_an_error_naming_the_skill(scenario):
    with pytest.raises(ConfigError, match="chat") as err:
        export_layout(
            "amazon-connect-forecast",
            _golden_plan(),
            scenario,
            ExportOptions(volume_source="forecast", queue_ids={"voice_open": "v"}),
        )
    assert "voice_open" not in str(err.value).split("queue(s)")[1].split(";")[0]


def test_historical_layouts_refuse_a_plan_without_history(scenario):
    plan = {k: v for k, v in _golden_plan().items() if k != "history"}
    for layout in ("genesys-historical", "amazon-connect-historical"):
        with pytest.raises(InputError, match="refuse future dates"):
            export_layout(layout, plan, scenario, ExportOptions(queue_ids=IDS))


def test_calabrio_leaves_staffing_off_email_and_volumes_keep_it(scenario):
    plan = _golden_plan()
    out = export_layout("calabrio", plan, scenario)
    assert set(out.table["skill_name"]) == {"voice_open"}
    assert any("email" in n and "calabrio-volumes" in n for n in out.notes)
    volumes = export_layout("calabrio-volumes", plan, scenario).table
    assert set(volumes["skill_name"]) == {"email", "voice_open"}
    assert volumes.shape[1] == 6


def test_excel_fr_dialect_writes_semicolons_and_decimal_commas(scenario, tmp_path):
    plan, _ = read_plan_folder(DATA / "plan")
    out = localise(
        export_layout("tidy", plan, scenario, ExportOptions(table="coverage")), "excel-fr"
    )
    path = write_export(out.table, tmp_path / "fr.csv", sep=";")
    text = path.read_text(encoding="utf-8-sig")
    first = text.splitlines()[1].split(";")
    assert first[0] == "2025-03-03T07:00:00+00:00"  # times untouched
    assert "-1,000000" in first  # agents_gap with a decimal comma
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")


def test_queue_map_table_names_bad_lines():
    ok = pd.DataFrame({"skill": ["chat", "voice_open"], "queue_id": ["q1", "q2"]})
    assert queue_map_from_table(ok, "map.csv") == {"chat": "q1", "voice_open": "q2"}
    bad = pd.DataFrame({"skill": ["chat", "chat"], "queue_id": ["q1", "q2"]})
    with pytest.raises(InputError, match="map.csv, line 3"):
        queue_map_from_table(bad, "map.csv")
