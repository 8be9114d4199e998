"""Checks of a nightly run before it writes anything: its own files and its run date.

The job writes three files of its own, the lock, the log and the run store. None of them may
be one of the run's inputs (the config, the scenario, the actuals, the events and people
files), nor a file of another kind that already exists: the lock is truncated, the log
appended to and the store opened as a database, so a user's file there would be lost.

The run date D names the forecast snapshot, and accuracy counts days ahead from it, so D
must lie just after the history the run plans on: after its last day, and near enough that
the plan still has days on or after D.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from wfm.core.config import NightlyConfig, Scenario
from wfm.core.errors import ConfigError
from wfm.forecast.history_checks import history_days
from wfm.io.series_checks import history_day_tz

OWN_FILES = {
    "lock_path": "a nightly lock (a process id and a UTC start time)",
    "log_path": "a nightly log (lines such as '2026-09-28T02:30:00Z INFO wfm...: ...')",
    "store_path": "a DuckDB run store",
}
"""The job's own files, by config key, and what an existing one must be."""

HEAD_BYTES = 256
"""Bytes read from the start of an existing own file to tell its kind."""

DUCKDB_MAGIC = b"DUCK"
DUCKDB_MAGIC_OFFSET = 8
"""A DuckDB database file holds ``DUCK`` at byte 8 (after the header's checksum)."""

RUN_DATE_MAX_LAG_DAYS = 7
"""Days a run date may lie after the last day of actuals (actuals a few days late) [days]."""

# a pid and the start time; a pid alone, as locks written before the start time was added
_LOCK_TEXT = re.compile(rb"\d+( \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)?\n?")
_LOG_LINE = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z (DEBUG|INFO|WARNING|ERROR|CRITICAL) wfm[\w.]*: "
)
_DATED = re.compile(r"\d{4}-\d{2}-\d{2}")


def input_paths(
    config: NightlyConfig, scenario: Scenario | None, config_file: str | os.PathLike | None
) -> dict[str, Path]:
    """The files and folders a nightly run reads, by how a message names them.

    Parameters
    ----------
    config : NightlyConfig
        The run's settings.
    scenario : Scenario, optional
        The scenario file's content (None when it does not load: its events and people
        files are then not known, and the run fails on the scenario anyway).
    config_file : path-like, optional
        The nightly config file itself.

    Returns
    -------
    dict of str to pathlib.Path
    """
    from wfm.pipeline.roster import people_paths

    scenario_path = Path(config.scenario_path)
    paths = {
        "the scenario file (scenario_path)": scenario_path,
        "the actuals (actuals_path)": Path(config.actuals_path),
    }
    if config_file is not None:
        paths["the nightly config file"] = Path(config_file)
    if scenario is not None and scenario.forecast.events_file:
        paths["the scenario's events file"] = scenario_path.parent / scenario.forecast.events_file
    if scenario is not None:
        for name, path in people_paths(scenario_path, scenario).items():
            paths[f"the scenario's roster {name} file"] = path
    return paths


def check_own_paths(config: NightlyConfig, inputs: dict[str, Path], *, source: str) -> None:
    """Raise unless the lock, the log and the store are paths of the job's own.

    Each must not be a folder, one of ``inputs`` (or a ``*.csv`` file of the actuals folder,
    which the next run would read), another of the three, or a file inside a dated folder
    of ``out_root`` (replaced by each run).

    Raises
    ------
    ConfigError
        Naming the config file (``source``), the key and the file it clashes with.
    """
    own = {key: Path(getattr(config, key)) for key in OWN_FILES}
    for key, path in own.items():
        if path.is_dir():
            raise _refused(key, path, "is a folder", source)
        for label, other in [*inputs.items(), *_own_others(own, key)]:
            if _same(path, other):
                raise _refused(key, path, f"is {label}", source)
        actuals = Path(config.actuals_path)
        if actuals.is_dir() and _same(path.parent, actuals) and path.match("*.csv"):
            raise _refused(key, path, "is a CSV file of the actuals folder (actuals_path)", source)
        if _in_dated_folder(path, Path(config.out_root)):
            raise _refused(key, path, "is inside a dated folder of out_root", source)


def check_own_kind(key: str, path: Path, head: bytes, *, source: str) -> None:
    """Raise unless an existing own file (its first bytes ``head``) is of the job's kind.

    An empty lock or log is accepted (a run's very first moment, or a log emptied by a log
    rotation); a store must be a DuckDB database file.

    Raises
    ------
    ConfigError
        Naming the config file, the key, the file and what it must be.
    """
    if key == "lock_path":
        ok = not head or bool(_LOCK_TEXT.fullmatch(head))
    elif key == "log_path":
        first = head.split(b"\n", 1)[0].decode("utf-8", errors="replace")
        ok = not head or bool(_LOG_LINE.match(first))
    else:
        end = DUCKDB_MAGIC_OFFSET + len(DUCKDB_MAGIC)
        ok = head[DUCKDB_MAGIC_OFFSET:end] == DUCKDB_MAGIC
    if not ok:
        raise _refused(key, path, f"exists and is not {OWN_FILES[key]}", source)


def _refused(key: str, path: Path, why: str, source: str) -> ConfigError:
    return ConfigError(
        f"{path} {why}: the job would overwrite it, and nothing was changed; expected a path "
        "of the job's own file: a new file, or one an earlier nightly run wrote there, and "
        "none of the files it reads",
        key=key,
        source=source,
    )


def _own_others(own: dict[str, Path], key: str) -> Iterator[tuple[str, Path]]:
    for other_key, other in own.items():
        if other_key != key:
            yield f"also {other_key}", other


def _same(a: Path, b: Path) -> bool:
    """Whether two paths name the same file or folder (through links too)."""
    if a.resolve() == b.resolve():
        return True
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _in_dated_folder(path: Path, out_root: Path) -> bool:
    """Whether ``path`` lies in ``out_root/YYYY-MM-DD/`` or a scratch folder of it
    (``.*.tmp``, ``.*.old``); another hidden folder (``.state``) may hold the job's files."""
    try:
        parts = path.resolve().relative_to(out_root.resolve()).parts
    except ValueError:
        return False
    scratch = parts[0].startswith(".") and parts[0].endswith((".tmp", ".old"))
    return len(parts) > 1 and (bool(_DATED.fullmatch(parts[0])) or scratch)


def check_run_date(
    history: pd.DataFrame, scenario: Scenario, run_date: dt.date, *, given: bool
) -> None:
    """Raise unless ``run_date`` fits the history the run plans on.

    With L the last day of the history (each row on its site's local calendar, as the
    forecast reads it), S the plan's first day (the scenario's ``start_date``, else L + 1)
    and H its days, the run date D is accepted from max(L, S − 7) to
    min(L + 7, S + H − 1): on or after the last day of actuals, at most
    :data:`RUN_DATE_MAX_LAG_DAYS` days after it, and not after the plan's last day.

    Parameters
    ----------
    history : pandas.DataFrame
        The actuals the run plans on (HISTORY columns; empty: nothing is checked).
    scenario : Scenario
        Sites (their zones), ``start_date`` and ``horizon_days`` of the run.
    run_date : datetime.date
        The run date D.
    given : bool
        Whether D was chosen (``--date``) rather than today's date.

    Raises
    ------
    ConfigError
        Naming the run date, the history's last day, the plan's first day and the dates
        accepted.
    """
    if history.empty:
        return
    zones = pd.Series(history_day_tz(history, scenario), index=history.index)
    last = history_days(history, zones)[1]
    start = scenario.first_date() or last + dt.timedelta(days=1)
    lag = dt.timedelta(days=RUN_DATE_MAX_LAG_DAYS)
    # the last day of actuals itself: an export up to now holds today's first intervals,
    # and a site east of UTC has begun a day the default run date (UTC) has not
    first_ok = max(last, start - lag)
    last_ok = min(last + lag, start + dt.timedelta(days=scenario.horizon_days - 1))
    if first_ok <= run_date <= last_ok:
        return
    accepted = (
        "no run date: the scenario's start_date lies too far from the actuals"
        if first_ok > last_ok
        else f"the run date {first_ok}"
        if first_ok == last_ok
        else f"a run date from {first_ok} to {last_ok}"
    )
    plural = "s" if scenario.horizon_days != 1 else ""
    raise ConfigError(
        f"{run_date} does not fit the actuals: they end on {last} (the new actuals and the "
        f"run store), and the plan of {scenario.horizon_days} day{plural} starts on {start}; "
        f"accepted: {accepted} (on or after the last day of actuals, at most "
        f"{RUN_DATE_MAX_LAG_DAYS} days after it, and not after the plan's last day)",
        key="--date" if given else "run date (today in UTC; choose one with --date)",
    )
