"""Run options (workers, Dask scheduler, solver time limit) come from the command line or
the nightly config, never from a scenario file; an unreachable scheduler is a clear exit 2."""

from __future__ import annotations

import datetime as dt
import socket
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from wfm.cli import main
from wfm.core.calendar import interval_grid
from wfm.core.errors import ConfigError
from wfm.core.mapping import scenario_from_dict
from wfm.core.run_options import RunOptions
from wfm.io.tables import write_table
from wfm.pipeline.whatif import sweep

SCENARIO = """
name = "options"
interval_min = 30
horizon_days = 2
[channels.voice]
queue_model = "realtime"
[segments.open]
channels = ["voice"]
[sites.lyon]
region = "fr"
tz = "Europe/Paris"
country = "FR"
hours.mon = "08:00-20:00"
hours.tue = "08:00-20:00"
hours.wed = "08:00-20:00"
hours.thu = "08:00-20:00"
hours.fri = "08:00-20:00"
pools.all = { skills = ["voice_open"], headcount = 40 }
[forecast]
models = ["seasonal_naive", "week_average"]
"""


def _files(tmp_path: Path, extra: str = "") -> tuple[Path, Path]:
    grid = interval_grid(dt.date(2025, 1, 6), 28, 30, "Europe/Paris")
    hour = np.asarray(grid.tz_convert("Europe/Paris").hour)
    contacts = np.where((hour >= 8) & (hour < 20), 10.0, 0.0)
    hist = tmp_path / "history.csv"
    write_table(
        pd.DataFrame(
            {"interval_start": grid, "channel": "voice", "segment": "open", "contacts": contacts}
        ),
        hist,
    )
    sc = tmp_path / "scenario.toml"
    sc.write_text(SCENARIO + extra, encoding="utf-8")
    return hist, sc


def _free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    ("line", "flag"),
    [("workers = 2", "--workers"), ('dask_scheduler = "tcp://10.0.0.1:8786"', "--dask-scheduler")],
)
def test_former_scenario_keys_say_where_the_setting_moved(tmp_path, line, flag):
    hist, sc = _files(tmp_path, line + "\n")
    result = CliRunner().invoke(main, ["validate", str(sc)])
    assert result.exit_code == 2, result.output
    key = line.split(" ")[0]
    assert f"scenario.toml, forecast.{key}: is no longer a scenario key" in result.output
    assert flag in result.output and "nightly config" in result.output


def test_unreachable_dask_scheduler_is_exit_2_naming_address_and_flag(tmp_path):
    hist, sc = _files(tmp_path)
    address = f"tcp://127.0.0.1:{_free_port()}"
    out = tmp_path / "plan"
    result = CliRunner().invoke(
        main,
        ["plan", str(sc), "--history", str(hist), "--out", str(out), "--dask-scheduler", address],
    )
    assert result.exit_code == 2, result.output
    assert f"--dask-scheduler: cannot reach the Dask scheduler {address} within 10 s" in (
        result.output
    )
    assert not out.exists()


def test_a_bad_scheduler_address_is_refused_before_anything_runs(tmp_path):
    hist, sc = _files(tmp_path)
    result = CliRunner().invoke(
        main,
        ["forecast", str(sc), "--history", str(hist), "--dask-scheduler", "http://x"],
    )
    assert result.exit_code == 2, result.output
    assert "--dask-scheduler: 'http://x' is not a Dask scheduler address" in result.output


def test_command_line_overrides_the_scenarios_solver_for_one_run(tiny_scenario):
    opts = RunOptions(solver_num_workers=1, time_limit_s=5)
    sc = opts.apply(tiny_scenario)
    assert (sc.solver.num_workers, sc.solver.time_limit_s) == (1, 5.0)
    assert (tiny_scenario.solver.num_workers, tiny_scenario.solver.time_limit_s) == (2, 60.0)
    assert RunOptions().apply(tiny_scenario) is tiny_scenario


def test_plan_writes_the_run_options_and_the_overridden_time_limit(tmp_path):
    hist, sc = _files(tmp_path)
    out = tmp_path / "plan"
    result = CliRunner().invoke(
        main,
        ["plan", str(sc), "--history", str(hist), "--out", str(out), "--stop-after", "split"]
        + ["--workers", "1", "--time-limit-s", "7.5"],
    )
    assert result.exit_code == 0, result.output
    import json

    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["run_options"] == {
        "workers": 1,
        "dask_scheduler": "",
        "solver_num_workers": 1,
        "time_limit_s": 7.5,
    }
    assert manifest["parameters"]["solver"]["time_limit_s"] == 7.5
    assert manifest["parameters"]["solver"]["num_workers"] == 1
    assert "workers" not in manifest["parameters"]["forecast"]


def test_a_swept_solver_key_cannot_also_be_a_run_option(tiny_dict):
    with pytest.raises(ConfigError, match="solver.time_limit_s: is swept and also set"):
        sweep(
            tiny_dict,
            pd.DataFrame(),
            ["solver.time_limit_s=10,20"],
            run=lambda h, s: {},
            max_workers=1,
            options=RunOptions(time_limit_s=30),
        )


def test_scenario_from_dict_refuses_the_former_keys(tiny_dict):
    tiny_dict["forecast"] = {"dask_scheduler": "tcp://10.0.0.1:8786"}
    with pytest.raises(ConfigError, match="forecast.dask_scheduler: is no longer a scenario key"):
        scenario_from_dict(tiny_dict, source="s.toml")
