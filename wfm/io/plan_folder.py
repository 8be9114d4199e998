"""Read a plan folder for the report and the exports; write export files and the report.

Contract tables (forecast, split, requirements, schedule, coverage, overflow) are read with
:func:`wfm.io.tables.read_table` and fully validated; side tables (backtest, pooling, cost,
simulation, whatif) are read as CSV with their ``interval_start`` parsed to UTC, and the
report checks the columns it uses. An absent table is simply not in the result (the report
says "not run"); a malformed one raises :class:`InputError` naming the file and line.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from wfm.core.errors import InputError
from wfm.core.schemas import SCHEMAS
from wfm.io.files import (
    atomic_path,
    check_out_dir,
    list_files,
    write_json_atomic,
    write_text_atomic,
)
from wfm.io.tables import parse_times, read_csv_strings, read_table

PLAN_TABLES = (
    "forecast",
    "backtest",
    "split",
    "requirements",
    "pooling",
    "schedule",
    "coverage",
    "overflow",
    "cost",
    "simulation",
    "summary",
    "split_summary",
    "whatif",
)
"""File stems a plan folder may hold (each ``<stem>.csv``)."""

PLAN_RECORD = "manifest.json"
NIGHTLY_RECORD = "nightly.json"
SCHEDULE_RECORD = "schedule.json"
_PLAN_KEYS = ("run_id", "created_utc", "inputs", "versions", "stages", "files")
_NIGHTLY_KEYS = ("run_id", "run_date", "timings_s", "files")
_SCHEDULE_KEYS = ("solve", "notes", "figures", "files")
_WRITTEN_STEMS = (*PLAN_TABLES, "pool_agents", "allocation", "pool_occupancy", "replications")
SCENARIO_COPY = "scenario.toml"
"""Name of the copy of its scenario that ``wfm plan`` keeps in the plan folder."""
_RUN_ID = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}")
RUN_ID_RULE = "letters, digits, '.', '_' and '-', no leading dot, no '..', at most 64 characters"


def check_run_id(run_id: str, *, key: str = "run_id") -> str:
    """Return ``run_id`` if it is a slug safe as a folder name, else raise :class:`InputError`."""
    if not isinstance(run_id, str) or not _RUN_ID.fullmatch(run_id) or ".." in run_id:
        raise InputError("not a usable run id", key=key, got=run_id, expected=RUN_ID_RULE)
    return run_id


def _recorded_files(folder: Path, record: str, keys: tuple[str, ...], what: str) -> set[str]:
    """Files wfm wrote in ``folder``, from its record (``files`` and ``added_files``)."""
    expected = f"an absent or empty folder, or {what} (recognised by the {record} wfm writes)"
    path = folder / record
    if not path.is_file():
        raise InputError(
            f"folder holds files but no {record}; wfm replaces only folders it wrote, and "
            "nothing was written",
            source=str(folder),
            expected=expected,
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        data = None
    ok = isinstance(data, dict) and all(k in data for k in keys)
    files = [*data.get("files", ()), *data.get("added_files", ())] if ok else []
    if not ok or not all(isinstance(f, str) for f in files):
        raise InputError(
            f"{record} was not written by wfm; the folder was left as it is",
            source=str(folder),
            expected=expected,
        )
    return set(files) | {record}


def plan_files(folder: str | os.PathLike) -> set[str]:
    """Files ``wfm plan`` (or ``wfm report`` into the folder) wrote in a previous plan folder.

    Read from the ``files`` and ``added_files`` lists of its ``manifest.json``, plus the
    manifest itself. Raises :class:`InputError` when the folder has no manifest with the keys
    only wfm writes (``run_id``, ``created_utc``, ``inputs``, ``versions``, ``stages``,
    ``files``).
    """
    return _recorded_files(Path(folder), PLAN_RECORD, _PLAN_KEYS, "a plan folder 'wfm plan' wrote")


def nightly_files(folder: str | os.PathLike) -> set[str]:
    """Files the nightly job wrote in a dated folder (the ``files`` of its ``nightly.json``)."""
    return _recorded_files(
        Path(folder), NIGHTLY_RECORD, _NIGHTLY_KEYS, "a dated folder the nightly job wrote"
    )


def schedule_files(folder: str | os.PathLike) -> set[str]:
    """Files ``wfm schedule`` wrote in a previous output folder (the ``files`` of its
    ``schedule.json``)."""
    return _recorded_files(
        Path(folder), SCHEDULE_RECORD, _SCHEDULE_KEYS, "a folder 'wfm schedule' wrote"
    )


def check_plan_out(out_dir: str | os.PathLike, *, inputs: Iterable = ()) -> None:
    """Refuse, before any work, an output folder ``wfm plan`` must not write into.

    See :func:`wfm.io.files.check_out_dir`; in addition, a file the planner put into a previous
    plan folder under the name of a plan table is refused (the new plan would replace it).
    """
    owned = check_out_dir(out_dir, owned=plan_files, inputs=inputs)
    if not owned:
        return
    names = {f"{stem}.csv" for stem in _WRITTEN_STEMS} | {SCENARIO_COPY}
    clash = [f for f in list_files(out_dir) if f in names and f not in owned]
    if clash:
        raise InputError(
            f"{', '.join(clash)} in the plan folder were not written by wfm and the new plan "
            "would replace them; nothing was written",
            source=str(out_dir),
            expected="the planner's own files under other names, or another output folder",
        )


def register_added_file(path: str | os.PathLike) -> None:
    """Record in a plan folder's manifest (``added_files``) a file wfm wrote into it later.

    A report written into a plan folder is then wfm's own: replaced with the plan, not kept
    as the planner's. Does nothing when the file's folder is not a plan folder.
    """
    path = Path(path)
    try:
        owned = plan_files(path.parent)
    except InputError:
        return
    if path.name in owned:
        return
    manifest = read_manifest(path.parent)
    manifest["added_files"] = sorted({*manifest.get("added_files", ()), path.name})
    write_json_atomic(path.parent / PLAN_RECORD, manifest)


def read_side_table(path: str | os.PathLike) -> pd.DataFrame:
    """Read a CSV that has no contract schema: numbers as numbers, ``interval_start`` as UTC."""
    path = Path(path)
    raw = read_csv_strings(path)
    raw.columns = [str(c).strip() for c in raw.columns]
    out = {}
    for col in raw.columns:
        s = raw[col].astype(str).str.strip()
        if col.endswith("_start") or col.endswith("_end"):
            out[col] = parse_times(s, path.name, col, None)
            continue
        num = pd.to_numeric(s.where(s != "", None), errors="coerce")
        if num.notna().sum() == (s != "").sum() and (s != "").any():
            out[col] = num.astype("float64")
        elif set(s.unique()) <= {"True", "False", "true", "false"}:
            out[col] = s.str.lower() == "true"
        else:
            out[col] = s
    return pd.DataFrame(out, columns=list(raw.columns))


def read_manifest(folder: str | os.PathLike) -> dict:
    """The plan's ``manifest.json`` (an error when absent or not JSON)."""
    path = Path(folder) / "manifest.json"
    if not path.exists():
        raise InputError(
            "no manifest.json in the plan folder",
            source=str(folder),
            expected="a folder written by 'wfm plan'",
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise InputError(
            f"not valid JSON: {err.msg} (column {err.colno})",
            source="manifest.json",
            line=err.lineno,
            expected="the JSON object 'wfm plan' writes",
        ) from None
    if not isinstance(data, dict):
        raise InputError(
            "not a JSON object",
            source="manifest.json",
            expected="the JSON object 'wfm plan' writes",
        )
    return data


def read_plan_folder(
    folder: str | os.PathLike, *, only: Iterable[str] | None = None
) -> tuple[dict[str, pd.DataFrame], dict]:
    """Every table present in a plan folder (or the ones in ``only``), and its manifest.

    Returns
    -------
    tables : dict of str to pandas.DataFrame
        By file stem; absent files are absent keys.
    manifest : dict
        Parsed ``manifest.json``.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(
            "plan folder not found", source=str(folder), expected="a folder written by 'wfm plan'"
        )
    manifest = read_manifest(folder)
    tables: dict[str, pd.DataFrame] = {}
    wanted = PLAN_TABLES if only is None else tuple(only)
    for stem in wanted:
        path = folder / f"{stem}.csv"
        if not path.exists():
            continue
        schema = SCHEMAS.get(stem)
        tables[stem] = read_table(path, schema) if schema is not None else read_side_table(path)
    return tables, manifest


def write_export(
    table: pd.DataFrame,
    path: str | os.PathLike,
    *,
    header: bool = True,
    sep: str = ",",
) -> Path:
    """Write a table of strings as UTF-8 CSV (``\\n`` line ends), atomically; return the path.

    ``sep=","`` is what the suites' import layouts document. ``sep=";"`` is the French
    spreadsheet dialect: the file then starts with a UTF-8 byte-order mark, which Excel needs
    to read UTF-8 (names with accents) and which the suites' imports are not given.
    """
    path = Path(path)
    with atomic_path(path) as tmp:
        table.to_csv(
            tmp,
            index=False,
            header=header,
            sep=sep,
            lineterminator="\n",
            quoting=csv.QUOTE_MINIMAL,
            encoding="utf-8-sig" if sep == ";" else "utf-8",
        )
    return path


def write_export_text(text: str, path: str | os.PathLike) -> Path:
    """Write a text export (an iCalendar file) as UTF-8 bytes, line ends kept, atomically."""
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_bytes(text.encode("utf-8"))
    return path


def write_report(html: str, path: str | os.PathLike) -> Path:
    """Write the HTML report atomically (recorded as wfm's when written into a plan folder)."""
    path = write_text_atomic(path, html)
    register_added_file(path)
    return path
