"""wfm staff and wfm erlang c|a: output, JSON, batch mode, exit codes."""

from __future__ import annotations

import json
import re
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
    assert "abandonment" in text and "Erlang A" in text
    assert "agents on queue    8\n" in text and "agents paid        8\n" in text


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
    assert (tmp_path / "requirements_pooling.csv").exists()
    assert "abandoned contacts count as failures" in result.output


C1 = ["--contacts", "100", "--interval-min", "30", "--aht-s", "180"]
C1 += ["--sl-threshold-s", "20", "--sl-target-rate", "0.8"]
WEEK = ["--shrinkage-rate", "0.25", "--open-h-per-week", "60", "--fte-h-per-week", "35"]


def test_erlang_c_paid_agents_and_fte_by_hand() -> None:
    # erlang_c_cases.csv C1: load A = 100 × 180 / 1800 = 10 Erlang, N = 14, P(wait) = 0.174132.
    # By hand: SL = 1 − 0.174132 · exp(−(14 − 10) · 20 / 180) = 0.888350,
    # ASA = 0.174132 · 180 / (14 − 10) = 7.8359 s, occupancy = 10 / 14;
    # 25 % shrinkage: 14 / 0.75 = 18.67 paid → 19; open 60 h a week, 35 h per FTE:
    # 18.67 × 60 / 35 = 32.0 FTE.
    result = CliRunner().invoke(main, ["erlang", "c", *C1, *WEEK, "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["agents"] == 14 and out["agents_paid"] == 19
    assert out["service_level_rate"] == pytest.approx(0.888350, abs=1e-6)
    assert out["asa_s"] == pytest.approx(7.835937, abs=1e-6)
    assert out["occupancy_rate"] == pytest.approx(10 / 14, rel=1e-12)
    assert out["shrinkage_rate"] == 0.25
    assert out["agents_gross"] == pytest.approx(56 / 3, rel=1e-12)  # full precision in JSON
    assert out["fte_week"] == pytest.approx(32.0, rel=1e-12)


def test_erlang_text_is_rounded_for_a_planner() -> None:
    result = CliRunner().invoke(main, ["erlang", "c", *C1, *WEEK])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == ("Erlang C: 100 contacts in 30 min, AHT 180.0 s → offered load 10.00 Erlang")
    assert lines[1:] == [
        "  agents on queue    14",
        "  service level      88.8 % within 20.0 s (target 80.0 %)",
        "  wait probability   17.4 %",
        "  ASA                7.8 s",
        "  occupancy          71.4 %",
        "  shrinkage          25.0 %",
        "  agents paid        19  (14 / (1 − 25.0 %) = 18.7, rounded up)",
        "  FTE per week       32.0  (18.7 paid × 60 h open / 35 h per FTE)",
    ]
    assert not re.search(r"\d\.\d{3,}", result.output)  # no raw floats


def test_paid_agents_of_a_whole_gross_are_not_rounded_up() -> None:
    # 21 / (1 − 0.3) is 30.000000000000004 in floating point: 30 paid agents, not 31
    args = ["erlang", "c", "--contacts", "100", "--aht-s", "180", "--agents", "21"]
    out = json.loads(CliRunner().invoke(main, [*args, "--shrinkage-rate", "0.3", "--json"]).output)
    assert out["agents"] == 21 and out["agents_paid"] == 30
    assert out["fte_week"] is None  # no hours given
    text = CliRunner().invoke(main, args).output
    assert "agents paid        21\n" in text and "shrinkage          0.0 %" in text
    assert "give --open-h-per-week and --fte-h-per-week" in text


def test_erlang_a_reports_paid_agents() -> None:
    args = ["erlang", "a", "--contacts", "100", "--aht-s", "180", "--patience-s", "120"]
    out = json.loads(CliRunner().invoke(main, [*args, "--shrinkage-rate", "0.4", "--json"]).output)
    assert out["agents"] == 12 and out["agents_paid"] == 20  # 12 / 0.6 = 20 exactly
    assert out["agents_gross"] == pytest.approx(20.0, rel=1e-12)


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--shrinkage-rate", "1"], "--shrinkage-rate"),
        (["--open-h-per-week", "60"], "--open-h-per-week and --fte-h-per-week go together"),
        (["--fte-h-per-week", "35"], "--open-h-per-week and --fte-h-per-week go together"),
        (["--open-h-per-week", "169", "--fte-h-per-week", "35"], "--open-h-per-week"),
    ],
)
def test_bad_shrinkage_or_hours_exit_2(extra: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["erlang", "c", *C1, *extra])
    assert result.exit_code == 2
    assert message in result.output


def test_batch_paid_agents_and_fte(tmp_path: Path) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text(
        "contacts,interval_min,aht_s,sl_threshold_s,sl_target_rate,agents,shrinkage_rate,"
        "open_h_per_week,fte_h_per_week\n"
        "100,30,180,20,0.8,,0.25,60,35\n10,30,180,20,,3,,,\n10,30,180,20,,21,0.3,,\n"
    )
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["erlang", "c", "--input", str(cases), "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert table.agents.tolist() == [14, 3, 21]
    assert table.agents_paid.tolist() == [19, 3, 30]
    assert table.shrinkage_rate.tolist() == [0.25, 0.0, 0.3]
    assert table.fte_week.iloc[0] == pytest.approx(32.0, rel=1e-9)
    assert table.fte_week.iloc[1:].isna().all()


def test_batch_hours_given_alone_names_line(tmp_path: Path) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text(
        "contacts,interval_min,aht_s,sl_threshold_s,sl_target_rate,open_h_per_week,fte_h_per_week\n"
        "100,30,180,20,0.8,60,35\n100,30,180,20,0.8,,35\n"
    )
    result = CliRunner().invoke(main, ["erlang", "c", "--input", str(cases)])
    assert result.exit_code == 2
    assert "cases.csv, line 3, column open_h_per_week: is empty but fte_h_per_week" in (
        result.output
    )
