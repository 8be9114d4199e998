"""A malformed nightly config is exit 2 with the file, the key and what was expected, and the
run writes nothing (no plan folder, lock, log or run store)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from wfm.cli import main

SCENARIO = Path(__file__).resolve().parents[1] / "data" / "report" / "scenario.toml"

GOOD = {
    "scenario_path": f'"{SCENARIO}"',
    "actuals_path": '"actuals"',
    "out_root": '"plans"',
    "store_path": '"store/runs.duckdb"',
    "horizon_days": "2",
}

# (case, changes to GOOD (None removes a key), key named, what the message must say)
CASES = [
    ("missing scenario", {"scenario_path": None}, "scenario_path", "missing required key"),
    ("missing store", {"store_path": None}, "store_path", "missing required key"),
    (
        "horizon as text",
        {"horizon_days": '"two"'},
        "horizon_days",
        "expected a whole number, got str 'two'",
    ),
    ("horizon negative", {"horizon_days": "-1"}, "horizon_days", "must be in [1, 366]; got -1"),
    ("unknown key", {"horizon": "2"}, "horizon", "unknown key 'horizon'; allowed keys:"),
    (
        "moved solver key",
        {"num_workers": "2"},
        "num_workers",
        "unknown key 'num_workers'; allowed keys:",
    ),
    ("workers zero", {"workers": "0"}, "workers", "must be in (0, ∞); got 0"),
    ("workers as text", {"workers": '"2"'}, "workers", "expected a whole number, got str '2'"),
    (
        "scheduler not an address",
        {"dask_scheduler": '"scheduler"'},
        "dask_scheduler",
        "'scheduler' is not a Dask scheduler address; expected an address such as "
        "tcp://scheduler:8786",
    ),
    (
        "scheduler with http",
        {"dask_scheduler": '"http://sched:8786"'},
        "dask_scheduler",
        "is not a Dask scheduler address; expected",
    ),
    ("time limit zero", {"time_limit_s": "0"}, "time_limit_s", "must be in (0, ∞); got 0"),
    ("report as text", {"report": '"yes"'}, "report", "expected true or false, got str 'yes'"),
    ("exports not a list", {"exports": '"tidy"'}, "exports", "expected a list, got str 'tidy'"),
    ("export zone", {"export_tz": '"Mars/Base"'}, "export_tz", "expected an IANA name"),
    (
        "scenario missing",
        {"scenario_path": '"nowhere/scenario.toml"'},
        "scenario_path",
        "expected the path of a scenario TOML file",
    ),
    ("empty out_root", {"out_root": '""'}, "out_root", "must be a path; got an empty string"),
    (
        "out_root is a file",
        {"out_root": '"actuals/a.csv"'},
        "out_root",
        "is a file; expected a folder",
    ),
    ("store is a folder", {"store_path": '"actuals"'}, "store_path", "expected the path of a"),
]


def _write(tmp_path: Path, changes: dict[str, str | None]) -> Path:
    (tmp_path / "actuals").mkdir()
    (tmp_path / "actuals" / "a.csv").write_text("interval_start,channel,segment,contacts\n")
    keys = GOOD | changes
    text = "".join(f"{k} = {v}\n" for k, v in keys.items() if v is not None)
    path = tmp_path / "nightly.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _listing(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


@pytest.mark.parametrize(
    ("changes", "key", "says"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_malformed_nightly_config_is_exit_2_and_writes_nothing(tmp_path, changes, key, says):
    config = _write(tmp_path, changes)
    before = _listing(tmp_path)
    result = CliRunner().invoke(main, ["nightly", str(config)])
    assert result.exit_code == 2, result.output
    message = result.output.strip()
    assert message.startswith("wfm: config error: nightly.toml"), message
    assert key in message and says in message, message
    assert "Traceback" not in message
    assert _listing(tmp_path) == before


def test_the_good_config_of_the_table_loads(tmp_path):
    from wfm.io.nightly import load_nightly_config

    cfg = load_nightly_config(_write(tmp_path, {"workers": "2", "time_limit_s": "30"}))
    opts = cfg.run_options()
    assert (opts.workers, opts.solver_num_workers, opts.time_limit_s) == (2, 2, 30.0)
    assert opts.dask_scheduler_from == "nightly config key dask_scheduler"
