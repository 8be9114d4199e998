"""One way for the single-stage commands to write their outputs and print their notes.

``--out DIR`` (split, schedule): the stage's tables and ``<stage>.json``, atomically, into a
folder that is new, empty, or the same command's; ``--out F`` (forecast, backtest, staff,
simulate): the table and its side tables beside it as ``<stem>_<side>.csv``. No output
replaces an input; notes read ``note (stage): ...`` as in ``wfm plan``.
"""

from __future__ import annotations

import json
import typing
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from wfm.cli import main

DEMO_SCENARIO = Path(__file__).resolve().parents[2] / "wfm" / "examples" / "demo" / "scenario.toml"

SPLIT_SCENARIO = """
interval_min = 30
[channels.chat]
queue_model = "concurrent"
max_concurrency = 2
[segments.open]
channels = ["chat"]
ai.chat = { ai_first_rate = 1.0, containment_rate = 0.5 }
[ai_capacity.chat]
max_sessions = 100
[sites.lyon]
region = "fr"
tz = "Europe/Paris"
hours = { mon = "08:00-20:00" }
"""


def _split_inputs(tmp_path: Path) -> tuple[Path, Path]:
    scenario = tmp_path / "scenario.toml"
    scenario.write_text(SPLIT_SCENARIO, encoding="utf-8")
    rows = ["interval_start,channel,segment,contacts,contacts_lo,contacts_hi,aht_s,model"]
    for t in pd.date_range("2026-03-02 08:00", periods=4, freq="30min", tz="UTC"):
        rows.append(f"{t.isoformat()},chat,open,40,30,50,300,week_average")
    forecast = tmp_path / "forecast.csv"
    forecast.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return scenario, forecast


def _split_table(tmp_path: Path) -> Path:
    rows = [
        "interval_start,channel,segment,site,contacts,ai_contained,escalated,"
        "human_contacts,human_aht_s"
    ]
    for t in ("2026-03-02T08:00:00+00:00", "2026-03-02T08:30:00+00:00"):
        rows.append(f"{t},voice,open,lyon,100,0,0,100,180")
    path = tmp_path / "split.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_split_writes_a_record_and_reruns_into_its_own_folder(tmp_path):
    scenario, forecast = _split_inputs(tmp_path)
    out = tmp_path / "split_out"
    args = ["split", str(scenario), "--forecast", str(forecast), "--out", str(out)]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    record = json.loads((out / "split.json").read_text())
    assert record["files"] == [
        "ai_capacity.csv",
        "repeats.csv",
        "split.csv",
        "split_summary.csv",
        "split.json",
    ]
    assert record["figures"]["ai_cost"] >= 0 and isinstance(record["notes"], list)
    (out / "my_notes.txt").write_text("mine\n")
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0, again.output
    assert (out / "my_notes.txt").read_text() == "mine\n"


def test_split_refuses_a_folder_it_did_not_write(tmp_path):
    scenario, forecast = _split_inputs(tmp_path)
    out = tmp_path / "budget"
    out.mkdir()
    (out / "split.csv").write_text("the planner's own\n")
    args = ["split", str(scenario), "--forecast", str(forecast), "--out", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "split.json" in result.output
    assert (out / "split.csv").read_text() == "the planner's own\n"
    assert [p.name for p in out.iterdir()] == ["split.csv"]


def test_staff_refuses_to_replace_its_input_and_writes_nothing(tmp_path):
    split = _split_table(tmp_path)
    before = split.read_text()
    args = ["staff", str(DEMO_SCENARIO), "--split", str(split), "--out", str(split)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "would replace an input" in result.output
    assert split.read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["split.csv"]


def test_staff_side_table_beside_its_output_and_notes_as_in_plan(tmp_path):
    split = _split_table(tmp_path)
    out = tmp_path / "req" / "week12.csv"
    args = ["staff", str(DEMO_SCENARIO), "--split", str(split), "--out", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.parent.iterdir()) == ["week12.csv", "week12_pooling.csv"]
    assert "note (requirements): " in result.output
    assert "\nnote: " not in result.output


def test_a_side_table_that_cannot_be_written_leaves_the_previous_output(tmp_path):
    split = _split_table(tmp_path)
    out = tmp_path / "req.csv"
    out.write_text("previous\n")
    (tmp_path / "req_pooling.csv").mkdir()  # a folder where the side table would go
    args = ["staff", str(DEMO_SCENARIO), "--split", str(split), "--out", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "req_pooling.csv: is a folder" in result.output
    assert out.read_text() == "previous\n"


def test_choice_lists_come_from_the_library():
    from wfm.cli.export import export
    from wfm.cli.whatif import whatif
    from wfm.pipeline.whatif import Through
    from wfm.report.exports import ARCHIVE_LAYOUTS, CSV_DIALECTS, LAYOUTS, TEXT_LAYOUTS

    def choices(cmd, name):
        return next(p for p in cmd.params if p.name == name).type.choices

    assert choices(whatif, "through") == typing.get_args(Through)
    assert set(choices(export, "layout")) == set(LAYOUTS) | set(TEXT_LAYOUTS) | set(ARCHIVE_LAYOUTS)
    assert set(choices(export, "csv_dialect")) == set(CSV_DIALECTS)
    assert choices(export, "volumes") == ("split", "forecast")
