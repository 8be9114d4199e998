"""Verint WFO Strategic Planner volume import (``verint-strategic-planner``) against its
documented format: no header, ``work queue name, M-D-YYYY, volume, AHT`` (sources in
``docs/report.md``)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from wfm.cli import main
from wfm.io.plan_folder import write_export
from wfm.io.scenario import load_scenario
from wfm.report.exports import ExportOptions, export_layout

DATA = Path(__file__).resolve().parents[1] / "data" / "report"
GOLDEN = DATA / "golden"


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(DATA / "scenario.toml")


def _tables() -> dict[str, pd.DataFrame]:
    """Voice open around midnight in Paris (22:30Z and 23:30Z on 3 March 2025 are 23:30 on
    the 3rd and 00:30 on the 4th), chat in the afternoon: fractional contacts."""
    rows = [
        ("2025-03-03T13:00:00Z", "chat", 4.25, 300.0),
        ("2025-03-03T13:30:00Z", "chat", 4.5, 320.0),
        ("2025-03-03T22:30:00Z", "voice", 10.4, 200.0),
        ("2025-03-03T23:30:00Z", "voice", 10.7, 250.0),
        ("2025-03-04T07:00:00Z", "voice", 0.6, 100.0),
    ]
    fc = pd.DataFrame(rows, columns=["interval_start", "channel", "contacts", "aht_s"])
    fc = fc.assign(segment="open", interval_start=pd.to_datetime(fc["interval_start"], utc=True))
    return {"forecast": fc}


def test_verint_matches_its_golden_file_and_the_documented_format(scenario, tmp_path):
    out = export_layout(
        "verint-strategic-planner", _tables(), scenario, ExportOptions(volume_source="forecast")
    )
    assert out.header is False  # the documented file has no header row
    text = write_export(out.table, tmp_path / "v.csv", header=False).read_text(encoding="utf-8")
    path = GOLDEN / "verint-strategic-planner.csv"
    if os.environ.get("WFM_REGEN_GOLDEN"):
        path.write_bytes(text.encode("utf-8"))
    assert text == path.read_bytes().decode("utf-8"), "differs from its golden file"
    rows = [line.split(",") for line in text.splitlines()]
    assert all(len(r) == 4 for r in rows)
    for _queue, date, volume, aht in rows:
        assert re.fullmatch(r"\d\d-\d\d-\d{4}", date), date  # M-D-YYYY, zero-padded
        assert re.fullmatch(r"\d+", volume) and re.fullmatch(r"\d+", aht), (volume, aht)
    # chat on 3 March: 4.25 + 4.5 = 8.75 → 9 contacts, AHT (1275 + 1440) / 8.75 = 310.3 → 310 s;
    # voice: 10.4 at 200 s on the local 3rd; 10.7 at 250 s + 0.6 at 100 s on the 4th:
    # 11.3 → 11 contacts, AHT (2675 + 60) / 11.3 = 242.0 s
    assert rows == [
        ["chat", "03-03-2025", "9", "310"],
        ["voice_open", "03-03-2025", "10", "200"],
        ["voice_open", "03-04-2025", "11", "242"],
    ]


def test_verint_keeps_each_local_days_total(scenario):
    tables = _tables()
    out = export_layout(
        "verint-strategic-planner", tables, scenario, ExportOptions(volume_source="forecast")
    ).table
    fc = tables["forecast"]
    assert sum(int(v) for v in out["volume"]) == 30  # 8.75 + 10.4 + 11.3 = 30.45 → 9 + 10 + 11
    assert abs(sum(int(v) for v in out["volume"]) - fc["contacts"].sum()) < len(out)
    utc = export_layout(
        "verint-strategic-planner",
        tables,
        scenario,
        ExportOptions(volume_source="forecast", tz="UTC"),
    ).table
    # in UTC both voice half-hours of the evening are on 3 March: 21.1 → 21
    assert utc[utc["work_queue_name"] == "voice_open"]["volume"].tolist() == ["21", "1"]


def test_cli_writes_the_verint_file_from_the_split(tmp_path):
    out = tmp_path / "verint.csv"
    args = ["export", str(DATA / "plan"), "--layout", "verint-strategic-planner", "--out", str(out)]
    res = CliRunner().invoke(main, [*args, "--scenario", str(DATA / "scenario.toml")])
    assert res.exit_code == 0, res.output
    lines = out.read_text(encoding="utf-8").splitlines()
    # the human chat contacts of split.csv, summed over the day (whole numbers there)
    split = pd.read_csv(DATA / "plan" / "split.csv")
    chat = split.loc[split["channel"] == "chat", "human_contacts"].sum()
    assert f"chat,03-03-2025,{round(chat)}" in "\n".join(lines)
    assert len(lines) == 4 and not lines[0].startswith("work_queue_name")
