"""Messages show numbers as a planner writes them (``-5.0``), never numpy's repr
(``np.float64(-5.0)``), and no numpy RuntimeWarning reaches stderr."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
from click.testing import CliRunner

from wfm.cli import main
from wfm.core.errors import InputError, shown

DEMO = Path(__file__).resolve().parents[2] / "wfm" / "examples" / "demo" / "scenario.toml"


def test_a_negative_count_in_a_history_is_reported_as_a_plain_number(tmp_path):
    hist = tmp_path / "history.csv"
    hist.write_text(
        "interval_start,channel,segment,site,contacts\n"
        "2026-09-21T08:00:00+02:00,voice,open,lyon,-5\n"
    )
    result = CliRunner().invoke(main, ["validate", str(DEMO), "--history", str(hist)])
    assert result.exit_code == 2, result.output
    assert "history.csv, line 2, column contacts: value below its minimum (got -5.0)" in (
        result.output
    )
    assert "np." not in result.output


def test_values_in_messages_are_shown_plainly():
    assert shown(np.float64(-5.0)) == "-5.0"
    assert shown(np.int64(7)) == "7"
    assert shown(np.bool_(True)) == "True"
    assert shown(np.str_("abc")) == "'abc'"
    assert shown([np.float64(1.5), np.int32(2)]) == "[1.5, 2]"
    assert shown((np.float64(0.25),)) == "(0.25)"
    assert shown(pd.Timestamp("2025-03-30 02:30")) == "2025-03-30T02:30:00"
    assert shown(dt.date(2025, 3, 30)) == "2025-03-30"
    err = InputError("negative", source="h.csv", line=3, key="contacts", got=np.float64(-1))
    assert str(err) == "h.csv, line 3, column contacts: negative (got -1.0)"


_WARNING_SCRIPT = """
import sys
import numpy as np
import wfm.io.scenario as scenario_io
from wfm.cli import main

load = scenario_io.load_scenario

def load_and_warn(path):
    np.log(np.zeros(1))  # a numpy RuntimeWarning inside a library call
    return load(path)

scenario_io.load_scenario = load_and_warn
sys.argv = ["wfm", *sys.argv[1:]]
main()
"""


def test_numpy_runtime_warnings_stay_off_stderr_unless_verbose():
    import os
    import subprocess
    import sys

    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    env.pop("PYTHONWARNINGS", None)
    cmd = [sys.executable, "-c", _WARNING_SCRIPT]
    quiet = subprocess.run([*cmd, "validate", str(DEMO)], capture_output=True, text=True, env=env)
    assert quiet.returncode == 0, quiet.stderr
    assert "valid" in quiet.stdout
    assert "RuntimeWarning" not in quiet.stderr and quiet.stderr == ""
    loud = subprocess.run(
        [*cmd, "-v", "validate", str(DEMO)], capture_output=True, text=True, env=env
    )
    assert loud.returncode == 0, loud.stderr
    assert "WARNING py.warnings" in loud.stderr and "RuntimeWarning" in loud.stderr
