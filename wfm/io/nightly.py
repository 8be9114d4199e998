"""Files of the nightly job: its config, the lock, the log, new actuals, scratch folders."""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import re
import time
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from wfm.core.config import NightlyConfig, Scenario
from wfm.core.errors import ConfigError, InputError, WfmError
from wfm.core.mapping import from_mapping
from wfm.core.schemas import HISTORY
from wfm.io.files import remove_stale_temp_dirs, write_text_atomic
from wfm.io.tables import read_table

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
    process ends, so a killed run never leaves a stale lock behind.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fh = open(path, "a+", encoding="utf-8")  # noqa: SIM115 — held open for the lock's life
    try:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            if err.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                fh.seek(0)
                holder = fh.read().strip() or "unknown"
                raise WfmError(
                    f"another nightly run holds the lock {path} (pid {holder}); nothing was changed"
                ) from None
            raise
        fh.seek(0)
        fh.truncate()
        fh.write(f"{os.getpid()}\n")
        fh.flush()
        yield path
    finally:
        fh.close()


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


_HORIZON_LINE = re.compile(r"^\s*horizon_days\s*=.*$", re.MULTILINE)


def write_scenario_copy(
    src: str | os.PathLike, dst: str | os.PathLike, horizon_days: int | None
) -> Path:
    """Copy a scenario file, setting its top-level ``horizon_days`` when given."""
    text = Path(src).read_text(encoding="utf-8")
    if horizon_days is not None:
        head, sep, rest = text.partition("\n[")
        head = _HORIZON_LINE.sub("", head)
        text = f"horizon_days = {int(horizon_days)}\n" + head + sep + rest
    return write_text_atomic(dst, text)


def remove_stale_scratch(out_root: str | os.PathLike) -> list[str]:
    """Remove the temporary folders an interrupted run left in ``out_root``; return their names.

    Only wfm's own (see :func:`wfm.io.files.remove_stale_temp_dirs`); call while holding the
    nightly lock.
    """
    return remove_stale_temp_dirs(out_root)
