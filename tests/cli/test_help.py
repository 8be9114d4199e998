"""Every command has help; exit codes for bad input; validate on the demo scenario."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from wfm.cli import main

DEMO_SCENARIO = Path(__file__).resolve().parents[2] / "wfm" / "examples" / "demo" / "scenario.toml"


def _commands(group: click.Group, prefix=()):
    for name, cmd in sorted(group.commands.items()):
        yield (*prefix, name), cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, (*prefix, name))


ALL = list(_commands(main))


def test_core_commands_exist():
    names = {" ".join(p) for p, _ in ALL}
    assert {"plan", "validate"} <= names


@pytest.mark.parametrize("path", [p for p, _ in ALL], ids=[" ".join(p) for p, _ in ALL])
def test_every_command_has_help(path):
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    cmd = dict(ALL)[path]
    assert (cmd.help or "").strip(), f"wfm {' '.join(path)} has no help text"


def test_validate_demo_scenario():
    result = CliRunner().invoke(main, ["validate", str(DEMO_SCENARIO)])
    assert result.exit_code == 0, result.output
    assert "5 channels, 3 segments, 3 sites, 7 skills" in result.output


def test_validate_reads_the_events_file_as_plan_does(tmp_path):
    # validate said "valid" for a scenario whose events file was missing; plan then exited 2
    text = DEMO_SCENARIO.read_text().replace(
        "[forecast]", '[forecast]\nevents_file = "events.csv"', 1
    )
    scenario = tmp_path / "scenario.toml"
    scenario.write_text(text)
    missing = CliRunner().invoke(main, ["validate", str(scenario)])
    assert missing.exit_code == 2, missing.output
    assert "events.csv: file not found" in missing.output
    (tmp_path / "events.csv").write_text("date,scope,multiplier,contacts\n2026-12-03,all,2.0,\n")
    found = CliRunner().invoke(main, ["validate", str(scenario)])
    assert found.exit_code == 0, found.output
    assert "events: 1 special day (events.csv) — valid" in found.output
    (tmp_path / "events.csv").write_text("date,scope,multiplier,contacts\n2026-02-30,all,2.0,\n")
    bad = CliRunner().invoke(main, ["validate", str(scenario)])
    assert bad.exit_code == 2 and "events.csv, line 2" in bad.output, bad.output


def test_bad_scenario_exits_2_with_key_path(tmp_path):
    bad = tmp_path / "scenario.toml"
    bad.write_text(DEMO_SCENARIO.read_text().replace('tz = "Africa/Tunis"', 'tz = "Africa/Tunnis"'))
    result = CliRunner().invoke(main, ["validate", str(bad)])
    assert result.exit_code == 2
    assert "scenario.toml, sites.tunis.tz: unknown time zone 'Africa/Tunnis'" in result.output


def test_bad_history_exits_2_with_line(tmp_path):
    hist = tmp_path / "history.csv"
    hist.write_text(
        "interval_start,channel,segment,site,contacts\n"
        "2025-03-03T08:00:00+01:00,voice,open,lyon,5\n"
        "2025-03-03T08:30:00+01:00,voice,open,paris,5\n"
    )
    result = CliRunner().invoke(main, ["validate", str(DEMO_SCENARIO), "--history", str(hist)])
    assert result.exit_code == 2
    assert "history.csv, line 3, column site: unknown site 'paris'" in result.output


def test_invalid_toml_exits_2(tmp_path):
    bad = tmp_path / "s.toml"
    bad.write_text("name = \n")
    result = CliRunner().invoke(main, ["validate", str(bad)])
    assert result.exit_code == 2
    assert "s.toml: not valid TOML" in result.output
