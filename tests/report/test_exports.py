"""Export layouts against files written by hand from each product's documented column list."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, strategies as st

from wfm.core.errors import ConfigError, InputError
from wfm.io.plan_folder import read_plan_folder, write_export
from wfm.io.scenario import load_scenario
from wfm.report.exports import (
    AMAZON_FORECAST_COLUMNS,
    AMAZON_HISTORICAL_COLUMNS,
    GENESYS_COLUMNS,
    LAYOUTS,
    ExportOptions,
    export_layout,
    format_number,
    neutralise_cell,
    queue_volumes,
    tidy,
)

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
    opt = ExportOptions(volume_source="history", queue_ids={"voice_open": "a1b2-c3"})
    out = export_layout(layout, {"history": history}, scenario, opt)
    cols = AMAZON_HISTORICAL_COLUMNS if layout.endswith("historical") else AMAZON_FORECAST_COLUMNS
    assert tuple(out.table.columns) == cols
    assert _written(out, tmp_path) == _expected(layout)
    assert any("QueueId" in n and "chat" in n for n in out.notes)


def test_amazon_connect_daily_sums_a_utc_day(history, scenario):
    later = history.assign(interval_start=history["interval_start"] + pd.Timedelta(hours=5))
    both = pd.concat([history, later], ignore_index=True)
    opt = ExportOptions(volume_source="history", daily=True)
    out = export_layout("amazon-connect-historical", {"history": both}, scenario, opt).table
    voice = out[out["QueueName"] == "voice_open"].iloc[0]
    assert voice["TimeStamp"] == "2025-03-30T00:00:00Z"
    assert voice["IntervalDuration"] == "daily"
    assert voice["IncomingContactVolume"] == "60"  # 30 + 30
    assert voice["ContactsHandled"] == "48"  # 24 + 24


def test_calabrio_is_headerless_local_time_across_dst(requirements, scenario, tmp_path):
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
        ExportOptions(volume_source="forecast"),
    )
    assert list(out.table["QueueName"]) == ["voice_premium"]
    assert any("'email' left out" in n for n in out.notes)
    genesys = export_layout(
        "genesys-historical", {"forecast": email}, scenario, ExportOptions(volume_source="forecast")
    )
    assert set(genesys.table["Media Type"]) == {"email", "Voice"}
    assert genesys.notes == ()


def test_split_exports_human_contacts_only(scenario):
    plan, _ = read_plan_folder(DATA / "plan")
    out = export_layout("genesys-historical", plan, scenario).table
    chat = out[out["Queue"] == "chat"]
    # chat/open 60 contacts at 07:00Z, half contained by AI → 30 human, over two 15-min rows
    assert chat["Offered"].iloc[0] == "15"
    # human AHT 480 × 1.2 = 576 s → 15 × 576 = 8640 s
    assert chat["Total Handle Time (Seconds)"].iloc[0] == "8640"
    assert len(out) == 4 * 2 * 4  # 4 queues × 4 half-hours × two 15-minute rows


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
