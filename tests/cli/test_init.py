"""wfm init: a new centre from the demo scenario shipped in the package; packaging config."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from wfm.cli import main
from wfm.io.resources import example_scenario_text

ROOT = Path(__file__).resolve().parents[2]
DEMO_SCENARIO = ROOT / "wfm" / "examples" / "demo" / "scenario.toml"


def test_init_writes_scenario_history_and_readme(tmp_path: Path) -> None:
    folder = tmp_path / "centre"
    result = CliRunner().invoke(main, ["init", str(folder), "--weeks", "2"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == [
        "README.txt",
        "history.csv",
        "scenario.toml",
    ]
    assert (folder / "scenario.toml").read_bytes() == DEMO_SCENARIO.read_bytes()
    history = pd.read_csv(folder / "history.csv")
    # 2 weeks of local days per site, Monday to the last Sunday before today
    tz = {"lyon": "Europe/Paris", "lille": "Europe/Paris", "tunis": "Africa/Tunis"}
    assert set(history["site"]) == {"lyon", "lille"}  # no sampled rows for tunis
    for site, rows in history.groupby("site"):
        days = pd.to_datetime(rows["interval_start"], utc=True).dt.tz_convert(tz[site]).dt.date
        first, last = days.min(), days.max()
        assert days.nunique() == 14 and (last - first).days == 13
        assert first.weekday() == 0 and last.weekday() == 6 and last < dt.date.today()
    readme = (folder / "README.txt").read_text(encoding="utf-8")
    for command in (
        "wfm validate scenario.toml --history history.csv",
        "wfm plan scenario.toml --history history.csv --out plan",
        "wfm report plan --out plan/report.html --scenario scenario.toml",
    ):
        assert command in readme
    check = CliRunner().invoke(
        main,
        ["validate", str(folder / "scenario.toml"), "--history", str(folder / "history.csv")],
    )
    assert check.exit_code == 0, check.output
    assert "scenario demo:" in check.output and "valid" in check.output


def test_init_history_is_the_one_wfm_sample_writes(tmp_path: Path) -> None:
    CliRunner().invoke(main, ["init", str(tmp_path / "c"), "--weeks", "1"])
    result = CliRunner().invoke(
        main, ["sample", str(DEMO_SCENARIO), "--weeks", "1", "--out", str(tmp_path / "h.csv")]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "c" / "history.csv").read_bytes() == (tmp_path / "h.csv").read_bytes()


def test_init_no_history_into_an_empty_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["init", str(tmp_path), "--no-history"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.txt", "scenario.toml"]
    assert "--history HISTORY.csv" in result.output


def test_init_refuses_a_folder_with_files_and_changes_nothing(tmp_path: Path) -> None:
    mine = tmp_path / "scenario.toml"
    mine.write_text("name = 'mine'\n")
    result = CliRunner().invoke(main, ["init", str(tmp_path), "--no-history"])
    assert result.exit_code == 2
    assert "folder is not empty" in result.output
    assert mine.read_text() == "name = 'mine'\n"
    assert [p.name for p in tmp_path.iterdir()] == ["scenario.toml"]


def test_init_refuses_a_file(tmp_path: Path) -> None:
    target = tmp_path / "centre"
    target.write_text("x")
    result = CliRunner().invoke(main, ["init", str(target)])
    assert result.exit_code == 2
    assert "is a file" in result.output and target.read_text() == "x"


def test_example_is_read_from_the_package() -> None:
    assert example_scenario_text("demo") == DEMO_SCENARIO.read_text(encoding="utf-8")
    result = CliRunner().invoke(main, ["init", "--help"])
    assert result.exit_code == 0 and "new or empty" in result.output


def _package_data_files() -> set[Path]:
    """Files under wfm/ that the package-data globs of pyproject.toml select."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    selected: set[Path] = set()
    for package, patterns in config["tool"]["setuptools"]["package-data"].items():
        folder = ROOT.joinpath(*package.split("."))
        for pattern in patterns:
            selected.update(folder.glob(pattern))
    return selected


def test_package_data_selects_every_non_python_file_of_the_package() -> None:
    # the wheel holds .py files plus what package-data selects; `benchmarks/check_wheel.sh`
    # builds the wheel and runs it in a fresh virtualenv
    shipped = {
        p
        for p in (ROOT / "wfm").rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    }
    assert DEMO_SCENARIO in shipped
    assert any(p.suffix == ".j2" for p in shipped)
    assert shipped <= _package_data_files()
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert config["project"]["name"] == "wfm-planner"
    assert config["project"]["scripts"] == {"wfm": "wfm.cli:main"}
