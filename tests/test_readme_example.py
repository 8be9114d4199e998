"""The README's Python example runs as written.

It runs in a temporary folder holding ``wfm/examples/demo/scenario.toml`` and
``examples/demo/history.csv`` as ``make demo`` leaves them, except that the scenario plans
one day after three weeks of history with a short solver limit and two replications (the
full week is ``make demo``), so the example itself is run unchanged.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np

from wfm.core.mapping import scenario_from_dict
from wfm.io.scenario import load_scenario_dict
from wfm.io.tables import read_history, write_table
from wfm.sample import sample_history

ROOT = Path(__file__).resolve().parents[1]
SHORTER = {
    r"^horizon_days = 7$": "horizon_days = 1",
    r"^time_limit_s = 60$": "time_limit_s = 10",
    r"^replications = 10$": "replications = 2",
    r"^history_weeks = 8$": "history_weeks = 3",
}


def _python_blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)


def test_readme_python_example_runs(tmp_path, monkeypatch, capsys):
    blocks = _python_blocks((ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(blocks) == 1
    demo = tmp_path / "wfm" / "examples" / "demo"
    demo.mkdir(parents=True)
    text = (ROOT / "wfm" / "examples" / "demo" / "scenario.toml").read_text(encoding="utf-8")
    for pattern, line in SHORTER.items():
        text, n = re.subn(pattern, line, text, flags=re.MULTILINE)
        assert n == 1, pattern
    (demo / "scenario.toml").write_text(text, encoding="utf-8")
    scenario = scenario_from_dict(load_scenario_dict(demo / "scenario.toml"))
    history = sample_history(
        scenario, start=dt.date(2025, 2, 3), weeks=3, rng=np.random.default_rng(scenario.seed)
    )
    (tmp_path / "examples" / "demo").mkdir(parents=True)
    write_table(read_history(history, scenario), tmp_path / "examples" / "demo" / "history.csv")
    monkeypatch.chdir(tmp_path)

    exec(compile(blocks[0], "README.md", "exec"), {"__name__": "readme"})

    out = capsys.readouterr().out
    assert re.search(r"^(OPTIMAL|FEASIBLE) gap \d+\.\d\d%$", out, flags=re.MULTILINE)
    assert "'coverage'" in out and "'forecast'" in out
    folder = tmp_path / "forecasts" / "notebook"
    assert (folder / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert {"manifest.json", "forecast.csv", "schedule.csv", "simulation.csv"} <= {
        p.name for p in folder.iterdir()
    }
