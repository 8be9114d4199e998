"""Genesys Cloud imported short-term forecast (``genesys-forecast``) against the documented
import body: ``BuImportShortTermForecastSchema`` with ``ForecastPlanningGroupData`` per
planning group (Genesys Cloud Platform API; sources in ``docs/report.md``)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from wfm.cli import main
from wfm.core.errors import ConfigError
from wfm.io.scenario import load_scenario
from wfm.report.export_documents import export_document
from wfm.report.exports import ExportOptions, export_layout

DATA = Path(__file__).resolve().parents[1] / "data" / "report"
GOLDEN = DATA / "golden"
GROUPS = {"voice_open": "pg-voice", "voice_premium": "pg-voice", "chat": "pg-chat"}
GROUPS["email"] = "pg-mail"
# Monday 3 March 2025 00:00 in Paris (CET, +01:00) is 2 March 23:00Z: 07:00Z is entry 32
AT_0700Z = 32


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(DATA / "scenario.toml")


def _forecast(times: list[str], per_channel: dict[str, tuple[float, float]]) -> pd.DataFrame:
    """A forecast: per channel (contacts, AHT [s]) in each of ``times``, segment open;
    voice premium gets half the voice open contacts at 300 s."""
    rows = []
    for i, t in enumerate(times):
        for ch, (contacts, aht) in per_channel.items():
            rows.append((t, ch, "open", contacts + i / 10, aht + 10 * i))
            if ch == "voice":
                rows.append((t, ch, "premium", (contacts + i / 10) / 2, 300.0))
    out = pd.DataFrame(rows, columns=["interval_start", "channel", "segment", "contacts", "aht_s"])
    return out.assign(interval_start=pd.to_datetime(out["interval_start"], utc=True))


def _golden_tables() -> dict[str, pd.DataFrame]:
    times = ["2025-03-03T07:00:00Z", "2025-03-03T07:30:00Z", "2025-03-03T08:00:00Z"]
    channels = {"voice": (10.4, 200.0), "chat": (4.25, 310.0), "email": (2.5, 600.0)}
    return {"forecast": _forecast(times, channels)}


def _export(tables, scenario, **options):
    opt = ExportOptions(queue_ids=GROUPS, volume_source="forecast", **options)
    return export_document("genesys-forecast", tables, scenario, opt)


def test_genesys_forecast_matches_its_golden_file_and_the_documented_body(scenario):
    doc = _export(_golden_tables(), scenario)
    path = GOLDEN / "genesys-forecast.json"
    if os.environ.get("WFM_REGEN_GOLDEN"):
        path.write_bytes(doc.text.encode("utf-8"))
    assert doc.text == path.read_bytes().decode("utf-8"), "differs from its golden file"
    body = json.loads(doc.text)
    # the documented fields, spelled as the API spells them
    assert set(body) == {"description", "weekCount", "planningGroups", "canUseForScheduling"}
    assert body["weekCount"] == 1 and body["canUseForScheduling"] is True
    groups = {g["planningGroupId"]: g for g in body["planningGroups"]}
    assert list(groups) == ["pg-chat", "pg-mail", "pg-voice"]
    for g in groups.values():
        assert set(g) == {
            "planningGroupId",
            "offeredPerInterval",
            "averageHandleTimeSecondsPerInterval",
        }
        # one value per 15 minutes of the week: 7 × 96
        assert len(g["offeredPerInterval"]) == len(g["averageHandleTimeSecondsPerInterval"]) == 672
        assert all(isinstance(v, int) for v in g["offeredPerInterval"])  # whole contacts
        assert all(v >= 0 for v in g["averageHandleTimeSecondsPerInterval"])
    voice = groups["pg-voice"]
    # 07:00Z: voice open 10.4 at 200 s + premium 5.2 at 300 s = 15.6 per half hour, spread over
    # two quarter hours (7.8 each); AHT (10.4 × 200 + 5.2 × 300) / 15.6 = 233.33 s
    assert voice["averageHandleTimeSecondsPerInterval"][AT_0700Z] == 233.33
    assert voice["offeredPerInterval"][AT_0700Z - 1] == 0  # before the plan
    assert sum(voice["offeredPerInterval"][AT_0700Z : AT_0700Z + 6]) == sum(
        voice["offeredPerInterval"]
    )
    assert doc.summary == "3 planning groups, 1 week(s) from 2025-03-03"
    assert any("weeks/2025-03-03/shorttermforecasts/import/uploadurl" in n for n in doc.notes)


def test_genesys_forecast_keeps_each_planning_groups_day_total(scenario):
    body = json.loads(_export(_golden_tables(), scenario).text)
    totals = {g["planningGroupId"]: sum(g["offeredPerInterval"]) for g in body["planningGroups"]}
    # voice: open 10.4 + 10.5 + 10.6 = 31.5, premium 15.75 → 47.25 → 47; chat 4.25 + 4.35 +
    # 4.45 = 13.05 → 13; email 2.5 + 2.6 + 2.7 = 7.8 → 8
    assert totals == {"pg-voice": 47, "pg-chat": 13, "pg-mail": 8}
    fc = _golden_tables()["forecast"]
    assert totals["pg-voice"] == round(fc.loc[fc["channel"] == "voice", "contacts"].sum())


def test_genesys_forecast_week_starts_at_the_business_units_start_day(scenario):
    doc = _export(_golden_tables(), scenario, week_start="sun")
    body = json.loads(doc.text)
    # from Sunday 2 March 00:00 in Paris: 07:00Z on Monday is 96 + 32 quarter hours in
    assert doc.summary.endswith("from 2025-03-02")
    voice = next(g for g in body["planningGroups"] if g["planningGroupId"] == "pg-voice")
    assert voice["offeredPerInterval"][96 + AT_0700Z] > 0
    assert sum(voice["offeredPerInterval"][: 96 + AT_0700Z]) == 0


def test_genesys_forecast_week_with_the_spring_clock_change_is_elapsed_time(scenario):
    # Sunday 30 March 2025: Paris loses an hour, so the week of 24 March has 668 quarter hours
    tables = {"forecast": _forecast(["2025-03-30T08:00:00Z"], {"voice": (8.0, 200.0)})}
    doc = _export(tables, scenario)
    voice = json.loads(doc.text)["planningGroups"][0]
    assert doc.summary.endswith("from 2025-03-24")
    assert len(voice["offeredPerInterval"]) == 7 * 96 - 4


def test_genesys_forecast_refuses_more_than_six_weeks(scenario):
    times = ["2025-03-03T08:00:00Z", "2025-04-14T08:00:00Z"]  # 7 weeks from 3 March
    tables = {"forecast": _forecast(times, {"chat": (1.0, 300.0)})}
    with pytest.raises(ConfigError, match="at most 6 weeks"):
        _export(tables, scenario)


def test_genesys_forecast_is_a_text_layout(scenario):
    with pytest.raises(ConfigError, match="not a CSV table"):
        export_layout("genesys-forecast", _golden_tables(), scenario)


def test_cli_writes_the_forecast_and_a_missing_planning_group_exits_2_naming_it(tmp_path):
    plan = str(DATA / "plan")
    out = tmp_path / "forecast.json"
    ids = ["--queue-id", "voice_open=pg-voice", "--queue-id", "voice_premium=pg-voice"]
    ids += ["--queue-id", "chat=pg-chat"]  # email has none
    args = ["export", plan, "--layout", "genesys-forecast", "--out", str(out)]
    args += ["--scenario", str(DATA / "scenario.toml")]
    res = CliRunner().invoke(main, [*args, *ids])
    assert res.exit_code == 2, res.output
    assert "email" in res.output and "queue_ids" in res.output and not out.exists()
    res = CliRunner().invoke(main, [*args, *ids, "--queue-id", "email=pg-mail"])
    assert res.exit_code == 0, res.output
    body = json.loads(out.read_text(encoding="utf-8"))
    chat = next(g for g in body["planningGroups"] if g["planningGroupId"] == "pg-chat")
    # split.csv: the human chat contacts, 30 per half hour at 07:00Z → 15 and 15
    assert chat["offeredPerInterval"][AT_0700Z : AT_0700Z + 2] == [15, 15]
    assert "genesys-forecast: 3 planning groups, 1 week(s) from 2025-03-03" in res.output
