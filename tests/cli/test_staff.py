"""wfm staff and wfm erlang c|a: output, JSON, batch mode, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from wfm.cli import main

DEMO_SCENARIO = Path(__file__).resolve().parents[2] / "wfm" / "examples" / "demo" / "scenario.toml"


def test_erlang_c_least_agents() -> None:
    args = [
        "erlang",
        "c",
        "--contacts",
        "100",
        "--interval-min",
        "30",
        "--aht-s",
        "180",
        "--sl-threshold-s",
        "20",
        "--sl-target-rate",
        "0.8",
        "--json",
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    # erlang_c_cases.csv C1
    assert out["agents"] == 14
    assert out["wait_probability"] == pytest.approx(0.17413193359504983, rel=1e-9)
    assert set(out) >= {
        "agents",
        "wait_probability",
        "service_level_rate",
        "asa_s",
        "occupancy_rate",
    }


def test_erlang_a_reverse_question_and_text_output() -> None:
    args = [
        "erlang",
        "a",
        "--contacts",
        "100",
        "--aht-s",
        "180",
        "--patience-s",
        "120",
        "--agents",
        "8",
        "--json",
    ]
    out = json.loads(CliRunner().invoke(main, args).output)
    # erlang_a_cases.csv A3 (patience 90 s there): here 120 s, so abandonment is lower
    assert out["agents"] == 8 and 0 < out["abandon_probability"] < 0.2665
    text = CliRunner().invoke(main, args[:-1]).output
    assert "abandon_probability" in text and "Erlang A" in text


def test_missing_option_exits_2() -> None:
    result = CliRunner().invoke(main, ["erlang", "a", "--contacts", "100", "--aht-s", "180"])
    assert result.exit_code == 2
    assert "--patience-s is required" in result.output


def test_batch_input_and_output(tmp_path: Path) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text(
        "contacts,interval_min,aht_s,sl_threshold_s,sl_target_rate,agents\n"
        "100,30,180,20,0.8,\n600,30,240,20,0.8,\n10,30,180,20,,3\n"
    )
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["erlang", "c", "--input", str(cases), "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert table.agents.tolist() == [14, 87, 3]  # erlang_c_cases.csv C1, C5, C2


def test_batch_bad_value_names_line(tmp_path: Path) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text(
        "contacts,interval_min,aht_s,sl_threshold_s,sl_target_rate\n"
        "100,30,180,20,0.8\n100,30,0,20,0.8\n"
    )
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["erlang", "c", "--input", str(cases), "--out", str(out)])
    assert result.exit_code == 2
    assert "cases.csv, line 3, column aht_s" in result.output
    assert not out.exists()


def test_staff_writes_requirements_and_pooling(tmp_path: Path) -> None:
    rows = [
        "interval_start,channel,segment,site,contacts,ai_contained,escalated,"
        "human_contacts,human_aht_s"
    ]
    for t in ("2026-03-02T08:00:00+00:00", "2026-03-02T08:30:00+00:00"):
        rows.append(f"{t},voice,open,lyon,100,0,0,100,180")
        rows.append(f"{t},chat,open,lyon,50,10,5,45,300")
    split = tmp_path / "split.csv"
    split.write_text("\n".join(rows) + "\n")
    out = tmp_path / "requirements.csv"
    result = CliRunner().invoke(
        main, ["staff", str(DEMO_SCENARIO), "--split", str(split), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    req = pd.read_csv(out)
    assert len(req) == 2 * 1 * 7  # intervals × sites × skills of the demo
    assert (tmp_path / "pooling.csv").exists()
    assert "abandoned contacts count as failures" in result.output
