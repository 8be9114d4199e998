"""Files of the nightly job: its config, the lock, the log, new actuals, stale temporary folders."""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import time
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from wfm.core.config import NightlyConfig, Scenario
from wfm.core.errors import ConfigError, InputError
from wfm.core.mapping import from_mapping
from wfm.core.schemas import HISTORY
from wfm.core.workers import process_exists
from wfm.io.files import remove_stale_temp_dirs
from wfm.io.tables import read_table

_LOCK_READS = 20  # reads of a just-taken lock file before its pid counts as unknown
_LOCK_READ_PAUSE_S = 0.05
_PATH_KEYS = ("scenario_path", "actuals_path", "out_root", "store_path", "lock_path", "log_path")


def load_nightly_config(path: str | os.PathLike) -> NightlyConfig:
    """Read a nightly TOML file; relative paths are taken from the file's folder.

    Errors name the file and the key (``nightly.toml, horizon_days: ...``).
    """
    path = Path(path)
    if not path.exists():
        raise ConfigError("nightly config file not found", source=str(path))
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"not valid TOML: {err}", source=path.name) from None
    base = path.resolve().parent
    for key in _PATH_KEYS:
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            data[key] = str((base / value).resolve()) if not Path(value).is_absolute() else value
    cfg = from_mapping(NightlyConfig, data, source=path.name)
    if not Path(cfg.scenario_path).is_file():
        raise ConfigError(
            f"no scenario file at {cfg.scenario_path}; expected the path of a scenario TOML "
            "file, absolute or relative to this file",
            key="scenario_path",
            source=path.name,
        )
    if Path(cfg.out_root).exists() and not Path(cfg.out_root).is_dir():
        raise ConfigError(
            f"{cfg.out_root} is a file; expected a folder (created when missing)",
            key="out_root",
            source=path.name,
        )
    if Path(cfg.store_path).is_dir():
        raise ConfigError(
            f"{cfg.store_path} is a folder; expected the path of a DuckDB file",
            key="store_path",
            source=path.name,
        )
    out_root = Path(cfg.out_root)
    updates = {}
    if not cfg.lock_path:
        updates["lock_path"] = str(out_root / ".nightly.lock")
    if not cfg.log_path:
        updates["log_path"] = str(out_root / "nightly.log")
    if updates:
        data.update(updates)
        cfg = from_mapping(NightlyConfig, data, source=path.name)
    return cfg


@contextmanager
def nightly_lock(path: str | os.PathLike) -> Iterator[Path]:
    """Hold an exclusive lock on ``path`` for the block; fail at once if another run holds it.

    The lock is an advisory ``flock`` on an open file, released by the kernel when the
    process ends, so a killed run never leaves a stale lock behind. The holder writes its
    pid and start time (UTC) into the file, and a refused run names them.

    Raises
    ------
    ConfigError
        Another run holds the lock (exit code 2): the message names the lock file and the
        holder's pid.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fh = open(path, "a+", encoding="utf-8")  # noqa: SIM115 — held open for the lock's life
    try:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            if err.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise ConfigError(_held_message(fh, path), key="lock_path") from None
            raise
        fh.seek(0)
        fh.truncate()
        started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        fh.write(f"{os.getpid()} {started}\n")
        fh.flush()
        yield path
    finally:
        fh.close()


def _held_message(fh, path: Path) -> str:
    """What a refused run says about the run holding the lock (its pid and start)."""
    text = ""
    for _ in range(_LOCK_READS):  # the holder writes its pid just after it takes the lock
        fh.seek(0)
        text = fh.read().strip()
        if text:
            break
        time.sleep(_LOCK_READ_PAUSE_S)
    pid, _, since = text.partition(" ")
    if not pid.isdigit():
        holder = "a process that did not record its pid"
    else:
        holder = f"pid {pid}" + (f", started {since}" if since else "")
        if not process_exists(int(pid)):
            holder += "; that process has ended, so one it started still holds the lock"
    return (
        f"another nightly run holds the lock {path} ({holder}); nothing was changed. Wait "
        "for it to finish, or stop it if it hangs: the lock is released when it ends"
    )


def file_log_handler(path: str | os.PathLike) -> logging.Handler:
    """A handler that appends timestamped UTC log lines to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    fmt = logging.Formatter(
        "%(asctime)sZ %(levelname)s %(name)s: %(message)s", datefmt="%Y-%m-%dT%H:%M:%S"
    )
    fmt.converter = time.gmtime
    handler.setFormatter(fmt)
    return handler


def read_actuals_files(path: str | os.PathLike, scenario: Scenario) -> pd.DataFrame:
    """New actuals: one history CSV, or every ``*.csv`` of a folder (in name order).

    Each file is validated against the HISTORY contract and the scenario. When files
    overlap, the later file (by name) wins, so a corrected re-export replaces the first one.
    """
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.glob("*.csv") if p.is_file())
        if not files:
            raise InputError(
                "no CSV file in the actuals folder",
                source=str(path),
                expected="one or more history CSV files",
            )
    elif path.exists():
        files = [path]
    else:
        raise InputError(
            "actuals not found", source=str(path), expected="a history CSV file or a folder of them"
        )
    frames = [read_table(f, HISTORY, scenario=scenario) for f in files]
    df = pd.concat(frames, ignore_index=True)
    keys = [k for k in HISTORY.keys if k in df.columns]
    df = df.drop_duplicates(keys, keep="last")
    return df.sort_values(keys, kind="mergesort").reset_index(drop=True)


def remove_stale_scratch(out_root: str | os.PathLike) -> list[str]:
    """Remove the temporary folders an interrupted run left in ``out_root``; return their names.

    Only wfm's own (see :func:`wfm.io.files.remove_stale_temp_dirs`); call while holding the
    nightly lock.
    """
    return remove_stale_temp_dirs(out_root)
