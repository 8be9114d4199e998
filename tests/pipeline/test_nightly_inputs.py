"""The nightly job's own files (lock, log, store) are never one of its inputs nor a file of
another kind, and its run date fits the actuals; a refused run exits 2 and writes nothing."""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from wfm.cli import main
from wfm.core.errors import ConfigError
from wfm.io.nightly import load_nightly_config
from wfm.io.scenario import load_scenario
from wfm.pipeline.nightly import run_nightly
from wfm.pipeline.nightly_inputs import (
    DUCKDB_MAGIC,
    DUCKDB_MAGIC_OFFSET,
    HEAD_BYTES,
    check_own_kind,
    check_run_date,
)

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from nightly_standin import standin_plan  # noqa: E402
from test_nightly import DAY1, DAY2, SCENARIO, _actuals, _config, _store_state  # noqa: E402

CLOSED = HERE.parents[0] / "data" / "report" / "closed_day" / "scenario.toml"


OWN_LOCK_AND_LOG = {"plans/.nightly.lock", "plans/nightly.log"}


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        name: p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and (name := p.relative_to(folder).as_posix()) not in OWN_LOCK_AND_LOG
    }


def _refused(tmp_path: Path, *args: str) -> str:
    """Run ``wfm nightly`` on the test config; assert exit 2 and that no file changed but
    the job's default lock and log (a run refused under the lock logs why)."""
    before = _snapshot(tmp_path)
    result = CliRunner().invoke(main, ["nightly", str(tmp_path / "nightly.toml"), *args])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert _snapshot(tmp_path) == before  # nothing written, nothing overwritten
    return result.output.strip()


def test_a_lock_path_on_the_scenario_is_refused_and_the_scenario_kept(tmp_path):
    shutil.copy(SCENARIO, tmp_path / "scenario.toml")
    _config(tmp_path, lock_path='"scenario.toml"')
    text = (tmp_path / "nightly.toml").read_text().replace(str(SCENARIO), "scenario.toml")
    (tmp_path / "nightly.toml").write_text(text)
    message = _refused(tmp_path, "--date", "2025-03-04")
    assert message.startswith(
        f"wfm: config error: nightly.toml, lock_path: {tmp_path / 'scenario.toml'} is the "
        "scenario file (scenario_path): the job would overwrite it, and nothing was changed"
    ), message
    assert (tmp_path / "scenario.toml").read_bytes() == SCENARIO.read_bytes()
    assert not (tmp_path / "plans").exists()


def test_a_log_path_on_an_actuals_csv_is_refused_and_the_csv_kept(tmp_path):
    _config(tmp_path, log_path='"actuals/2025-03-03.csv"')
    csv = (tmp_path / "actuals" / "2025-03-03.csv").read_bytes()
    message = _refused(tmp_path, "--date", "2025-03-04")
    assert "nightly.toml, log_path: " in message
    assert "is a CSV file of the actuals folder (actuals_path)" in message
    assert (tmp_path / "actuals" / "2025-03-03.csv").read_bytes() == csv
    assert not (tmp_path / "plans").exists() and not (tmp_path / "store").exists()


@pytest.mark.parametrize(
    ("store", "says"),
    [
        ('"actuals/2025-03-03.csv"', "is a CSV file of the actuals folder (actuals_path)"),
        ('"notes.csv"', "exists and is not a DuckDB run store"),
        ('"empty.duckdb"', "exists and is not a DuckDB run store"),
    ],
    ids=["an actuals file", "a user's CSV", "an empty file"],
)
def test_a_store_path_on_a_file_that_is_not_a_duckdb_store_is_refused(tmp_path, store, says):
    config = _config(tmp_path)
    text = config.read_text().replace('"store/runs.duckdb"', store)
    config.write_text(text)
    (tmp_path / "notes.csv").write_text("a,b\n1,2\n")
    (tmp_path / "empty.duckdb").write_bytes(b"")
    message = _refused(tmp_path, "--date", "2025-03-04")
    assert "nightly.toml, store_path: " in message and says in message, message
    assert (tmp_path / "notes.csv").read_text() == "a,b\n1,2\n"


@pytest.mark.parametrize(
    ("extra", "key", "says"),
    [
        ({"log_path": '"nightly.toml"'}, "log_path", "is the nightly config file"),
        ({"lock_path": '"notes.txt"'}, "lock_path", "exists and is not a nightly lock"),
        ({"log_path": '"notes.txt"'}, "log_path", "exists and is not a nightly log"),
        ({"log_path": '"store/runs.duckdb"'}, "log_path", "is also store_path"),
        ({"lock_path": '"plans"'}, "lock_path", "is a folder"),
        ({"lock_path": '"plans/2025-03-01/x.lock"'}, "lock_path", "inside a dated folder"),
    ],
    ids=["log on config", "lock on a text", "log on a text", "log on store", "dir", "dated"],
)
def test_an_own_file_on_another_file_is_refused(tmp_path, extra, key, says):
    _config(tmp_path, **extra)
    (tmp_path / "plans").mkdir()
    (tmp_path / "notes.txt").write_text("my notes\n")
    message = _refused(tmp_path, "--date", "2025-03-04")
    assert f"nightly.toml, {key}: " in message and says in message, message


def test_files_an_earlier_run_wrote_are_taken_again(tmp_path):
    cfg = load_nightly_config(_config(tmp_path))
    run_nightly(cfg, run_date=DAY1, plan=standin_plan)
    for key in ("lock_path", "log_path", "store_path"):
        path = Path(getattr(cfg, key))
        check_own_kind(key, path, path.read_bytes()[:HEAD_BYTES], source="nightly.toml")
    store_head = Path(cfg.store_path).read_bytes()[:HEAD_BYTES]
    assert store_head[DUCKDB_MAGIC_OFFSET : DUCKDB_MAGIC_OFFSET + 4] == DUCKDB_MAGIC == b"DUCK"
    assert run_nightly(cfg, run_date=DAY1, plan=standin_plan).snapshot_rows == 24


def test_a_run_date_before_the_actuals_is_refused_naming_the_dates_accepted(tmp_path):
    _config(tmp_path)  # actuals of 2025-03-03 (Europe/Paris sites), horizon 2 days
    message = _refused(tmp_path, "--date", "2020-01-01")
    assert message == (
        "wfm: config error: --date: 2020-01-01 does not fit the actuals: they end on "
        "2025-03-03 (the new actuals and the run store), and the plan of 2 days starts on "
        "2025-03-04; accepted: a run date from 2025-03-03 to 2025-03-05 (on or after the last "
        "day of actuals, at most 7 days after it, and not after the plan's last day)"
    )
    assert not (tmp_path / "store").exists() and not (tmp_path / "plans" / "2020-01-01").exists()
    _refused(tmp_path, "--date", "2025-03-06")  # the plan ends the day before
    _refused(tmp_path, "--date", "2025-03-02")  # the day before the last day of actuals


def test_a_run_date_before_the_stored_last_day_is_refused_and_the_store_kept(tmp_path):
    cfg = load_nightly_config(_config(tmp_path))
    run_nightly(cfg, run_date=DAY1, plan=standin_plan)
    _actuals("2025-03-04").to_csv(tmp_path / "actuals" / "2025-03-04.csv", index=False)
    before = _store_state(Path(cfg.store_path))
    with pytest.raises(ConfigError, match="they end on 2025-03-04"):
        run_nightly(cfg, run_date=dt.date(2025, 3, 3), plan=standin_plan)
    assert _store_state(Path(cfg.store_path)) == before
    run_nightly(cfg, run_date=DAY2, plan=standin_plan)
    (tmp_path / "actuals" / "2025-03-04.csv").unlink()  # the store still holds that day
    before = _store_state(Path(cfg.store_path))
    with pytest.raises(ConfigError, match="accepted: a run date from 2025-03-04 to 2025-03-06"):
        run_nightly(cfg, run_date=dt.date(2025, 3, 3), plan=standin_plan)
    assert _store_state(Path(cfg.store_path)) == before
    res = run_nightly(cfg, run_date=dt.date(2025, 3, 6), plan=standin_plan)  # last accepted
    assert res.run_id == "nightly-2025-03-06"


def test_today_out_of_reach_of_the_actuals_says_to_choose_a_date(tmp_path):
    cfg = load_nightly_config(_config(tmp_path))
    with pytest.raises(ConfigError, match=r"run date \(today in UTC; choose one with --date\)"):
        run_nightly(cfg, plan=standin_plan)
    assert not Path(cfg.store_path).exists()


def _history(last_day: str) -> pd.DataFrame:
    t = pd.to_datetime([f"{last_day}T08:00:00Z", f"{last_day}T22:30:00Z"], utc=True)
    return pd.DataFrame({"interval_start": t, "channel": "voice", "segment": "open"})


def test_a_run_date_follows_the_scenarios_start_date_and_the_sites_calendar():
    scenario = load_scenario(CLOSED)  # start_date 2025-03-08, horizon 1 day, Europe/Paris
    check_run_date(_history("2025-03-06"), scenario, dt.date(2025, 3, 8), given=True)
    # 22:30Z on 03-07 is 23:30 in Paris: the actuals end on 03-07, the plan is of 03-08
    with pytest.raises(ConfigError, match="accepted: a run date from 2025-03-07 to 2025-03-08 "):
        check_run_date(_history("2025-03-07"), scenario, dt.date(2025, 3, 9), given=True)
    # 22:30Z on 03-08 is 03-08 in Paris: only the plan's own day, the last day of actuals
    with pytest.raises(ConfigError, match="accepted: the run date 2025-03-08 "):
        check_run_date(_history("2025-03-08"), scenario, dt.date(2025, 3, 9), given=True)
    check_run_date(_history("2025-03-08"), scenario, dt.date(2025, 3, 8), given=True)


def test_the_jobs_own_older_lock_and_a_state_folder_are_its_own(tmp_path):
    # a lock of a pid alone (written before the start time was added) was refused, and so
    # was a lock under plans/.state, taken for a dated folder's scratch copy
    check_own_kind("lock_path", tmp_path / "nightly.lock", b"12345\n", source="nightly.toml")
    (tmp_path / "plans" / ".state").mkdir(parents=True)
    cfg = load_nightly_config(_config(tmp_path, lock_path='"plans/.state/nightly.lock"'))
    res = run_nightly(cfg, run_date=DAY1, plan=standin_plan)
    assert res.run_id == "nightly-2025-03-04"
    with pytest.raises(ConfigError, match="not a nightly lock|lock"):
        check_own_kind("lock_path", tmp_path / "x.lock", b"scenario = 1\n", source="nightly.toml")
