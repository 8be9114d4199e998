"""wfm erlang c|a: inputs refused with exit 2 and a message naming the option, or the file,
line and column; nothing absurd written; the input never overwritten."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from wfm.cli import erlang as erlang_cli, main
from wfm.core.checks import MAX_SHRINKAGE_RATE
from wfm.core.schemas import MAX_AGENTS
from wfm.staffing import erlang_cases

HEADER = "contacts,interval_min,aht_s,sl_threshold_s"
C1 = ["--contacts", "100", "--aht-s", "180"]  # 10 Erlang


def _run(*args: str):
    return CliRunner().invoke(main, ["erlang", *args])


def test_out_equal_to_input_is_refused_and_the_input_kept(tmp_path: Path) -> None:
    cases = tmp_path / "cases.csv"
    text = f"{HEADER},sl_target_rate\n100,30,180,20,0.8\n"
    cases.write_text(text)
    same = str(tmp_path / "." / "cases.csv")  # the same file spelt another way
    result = _run("c", "--input", str(cases), "--out", same)
    assert result.exit_code == 2, result.output
    assert "cases.csv: this output would replace an input of the same run" in result.output
    assert cases.read_text() == text


def test_out_without_input_is_refused() -> None:
    result = _run("c", *C1, "--out", "x.csv")
    assert result.exit_code == 2
    assert "--out writes the results of a batch; give --input too" in result.output


def test_batch_unbounded_asa_is_an_empty_cell_not_inf(tmp_path: Path) -> None:
    # 5 agents for 10 Erlang: no steady state; 14 agents: ASA = 0.174132 · 180 / 4 = 7.8359 s
    cases = tmp_path / "cases.csv"
    cases.write_text(f"{HEADER},agents\n100,30,180,20,5\n100,30,180,20,14\n")
    out = tmp_path / "out.csv"
    result = _run("c", "--input", str(cases), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "inf" not in out.read_text()
    table = pd.read_csv(out)
    assert table.asa_s.isna().tolist() == [True, False]
    assert table.asa_s[1] == pytest.approx(7.835937, abs=1e-6)
    assert table.wait_probability[0] == 1.0 and table.service_level_rate[0] == 0.0
    printed = _run("c", "--input", str(cases))  # the CSV printed: the same empty cell
    assert printed.exit_code == 0 and "inf" not in printed.output
    assert pd.read_csv(io.StringIO(printed.output)).asa_s.isna().tolist() == [True, False]


def test_batch_row_with_agents_and_a_target_is_refused(tmp_path: Path) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text(f"{HEADER},sl_target_rate,agents\n100,30,180,20,0.8,\n100,30,180,20,0.8,5\n")
    result = _run("c", "--input", str(cases))
    assert result.exit_code == 2
    assert "cases.csv, line 3, column sl_target_rate: is a target" in result.output
    assert "not both" in result.output


def test_agents_with_an_explicit_target_option_is_refused() -> None:
    result = _run("c", *C1, "--agents", "12", "--sl-target-rate", "0.8")
    assert result.exit_code == 2
    assert "give one or the other" in result.output
    result = _run("c", *C1, "--agents", "12", "--asa-target-s", "10")
    assert result.exit_code == 2
    assert "--asa-target-s: is a target" in result.output
    out = json.loads(_run("c", *C1, "--agents", "12", "--json").output)  # default target: fine
    assert out["agents"] == 12


@pytest.mark.parametrize("column", ["patience_s", "max_abandon_rate"])
def test_erlang_a_columns_given_to_erlang_c_are_refused(tmp_path: Path, column: str) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text(
        f"{HEADER},sl_target_rate,{column}\n100,30,180,20,0.8,\n100,30,180,20,0.8,0.5\n"
    )
    result = _run("c", "--input", str(cases))
    assert result.exit_code == 2
    assert f"cases.csv, line 3, column {column}: is an Erlang A column" in result.output
    assert "wfm erlang a" in result.output


@pytest.mark.parametrize(
    "extra, option",
    [
        (["--shrinkage-rate", "0.99999999999"], "--shrinkage-rate"),
        (["--max-occupancy-rate", "1e-9"], "--max-occupancy-rate"),
        (["--agents", "100000000000"], "--agents"),
        (["--open-h-per-week", "168", "--fte-h-per-week", "1e-300"], "--fte-h-per-week"),
        (["--open-h-per-week", "168", "--fte-h-per-week", "169"], "--fte-h-per-week"),
    ],
)
def test_options_beyond_their_bounds_exit_2(extra: list[str], option: str) -> None:
    result = _run("c", *C1, *extra)
    assert result.exit_code == 2
    assert f"Invalid value for '{option}'" in result.output


def test_options_at_their_bounds_are_accepted() -> None:
    # 14 agents / (1 − 0.9) = 140 paid; 140 × 168 h open / 1 h per FTE = 23,520 FTE
    args = ["--shrinkage-rate", "0.9", "--open-h-per-week", "168", "--fte-h-per-week", "1"]
    out = json.loads(_run("c", *C1, *args, "--json").output)
    assert out["agents"] == 14 and out["agents_paid"] == 140
    assert out["fte_week"] == pytest.approx(23520.0, rel=1e-9)
    out = json.loads(_run("c", *C1, "--max-occupancy-rate", "0.1", "--json").output)
    assert out["agents"] == 100  # 10 Erlang at 10 % occupancy at most
    out = json.loads(_run("c", *C1, "--agents", "100000", "--json").output)
    assert out["agents"] == 100_000


def test_least_agents_above_max_agents_is_refused_naming_its_drivers() -> None:
    # 400,000 × 90 s / 1800 s = 20,000 Erlang at 10 % occupancy at most: 200,000 agents
    result = _run("c", "--contacts", "400000", "--aht-s", "90", "--max-occupancy-rate", "0.1")
    assert result.exit_code == 2
    assert "200,000 agents on queue needed for an offered load of 20,000.0 Erlangs" in result.output
    assert "--max-occupancy-rate 0.1" in result.output and "above 100,000" in result.output
    # 100,000 Erlang needs 100,106 agents at 80 % within 20 s (AHT 1800 s)
    result = _run("c", "--contacts", "100000", "--aht-s", "1800")
    assert result.exit_code == 2
    assert "100,106 agents on queue needed" in result.output
    assert "(--contacts × --aht-s / --interval-min)" in result.output


def test_agents_paid_above_max_agents_is_refused() -> None:
    result = _run("c", *C1, "--agents", "20000", "--shrinkage-rate", "0.9")
    assert result.exit_code == 2
    assert (
        "--shrinkage-rate: 200,000 agents paid (20,000 on queue / (1 − 0.9), rounded up) "
        "is above 100,000"
    ) in result.output


def test_batch_bounds_name_the_line_and_column(tmp_path: Path) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text(
        f"{HEADER},agents,shrinkage_rate\n100,30,180,20,14,0.25\n100,30,180,20,14,0.95\n"
    )
    result = _run("c", "--input", str(cases))
    assert result.exit_code == 2
    assert "cases.csv, line 3, column shrinkage_rate" in result.output
    assert "≤ 0.9" in result.output
    cases.write_text(f"{HEADER},agents,shrinkage_rate\n100,30,180,20,20000,0.9\n")
    result = _run("c", "--input", str(cases))
    assert result.exit_code == 2
    assert "cases.csv, line 2, column shrinkage_rate: 200,000 agents paid" in result.output


def test_a_load_too_large_from_options_names_the_options_and_the_load() -> None:
    # 1e9 contacts × 180 s / 1800 s = 100,000,000 Erlangs
    result = _run("c", "--contacts", "1e9", "--aht-s", "180")
    assert result.exit_code == 2
    assert "options, line 2" not in result.output and "(got 180.0)" not in result.output
    assert (
        "offered load --contacts × --aht-s / (--interval-min × 60 s) = 100,000,000 Erlangs "
        "is above 100,000 Erlangs"
    ) in result.output


def test_option_bounds_are_the_calculator_bounds() -> None:
    assert erlang_cli._MIN_OCCUPANCY_RATE == erlang_cases.MIN_OCCUPANCY_RATE
    assert erlang_cli._FTE_H_PER_WEEK == erlang_cases.FTE_H_PER_WEEK
    schema = {c.name: c for c in erlang_cases.CASE_SCHEMAS["c"].columns}
    assert schema["shrinkage_rate"].max_value == MAX_SHRINKAGE_RATE
    assert schema["agents"].max_value == MAX_AGENTS
