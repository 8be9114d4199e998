"""``wfm sample``: writes a valid, reproducible history file; default dates end on a Sunday."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from click.testing import CliRunner

from wfm.cli import main
from wfm.cli.sample import _last_weeks_start
from wfm.core.schemas import HISTORY
from wfm.io.tables import read_table

DEMO_SCENARIO = Path(__file__).resolve().parents[2] / "wfm" / "examples" / "demo" / "scenario.toml"


def test_sample_writes_the_same_valid_file_twice(tmp_path, demo_scenario):
    runner = CliRunner()
    paths = [tmp_path / "a.csv", tmp_path / "b.csv"]
    for path in paths:
        res = runner.invoke(
            main,
            [
                "sample",
                str(DEMO_SCENARIO),
                "--weeks",
                "1",
                "--start",
                "2025-03-03",
                "--out",
                str(path),
            ],
        )
        assert res.exit_code == 0, res.output
    assert paths[0].read_bytes() == paths[1].read_bytes()
    df = read_table(paths[0], HISTORY, scenario=demo_scenario)
    local = df["interval_start"].dt.tz_convert("Europe/Paris").dt.date
    assert local.min() == dt.date(2025, 3, 3) and local.max() == dt.date(2025, 3, 9)


def test_sample_reports_bad_scenario_with_exit_code_2(tmp_path):
    bad = tmp_path / "s.toml"
    bad.write_text('interval_min = 20\n[channels.voice]\nqueue_model = "realtime"\n')
    res = CliRunner().invoke(main, ["sample", str(bad), "--out", str(tmp_path / "h.csv")])
    assert res.exit_code == 2
    assert "interval_min" in res.output
    assert not (tmp_path / "h.csv").exists()


def test_default_start_ends_the_weeks_on_the_last_sunday():
    # Tuesday 2026-11-24 → last Sunday 2026-11-22; 10 weeks start Monday 2026-09-14
    assert _last_weeks_start(dt.date(2026, 11, 24), 10) == dt.date(2026, 9, 14)
    # on a Sunday the weeks end on the Sunday before (that day is not complete yet)
    assert _last_weeks_start(dt.date(2026, 11, 22), 1) == dt.date(2026, 11, 9)
    assert _last_weeks_start(dt.date(2026, 11, 23), 1) == dt.date(2026, 11, 16)
