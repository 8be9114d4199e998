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
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from wfm.core.errors import InputError
from wfm.core.schemas import SCHEMAS
from wfm.io.files import atomic_path, write_text_atomic
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


def write_export(table: pd.DataFrame, path: str | os.PathLike, *, header: bool = True) -> Path:
    """Write a table of strings as UTF-8 CSV (comma, ``\\n``), atomically; return the path."""
    path = Path(path)
    with atomic_path(path) as tmp:
        table.to_csv(
            tmp,
            index=False,
            header=header,
            lineterminator="\n",
            quoting=csv.QUOTE_MINIMAL,
            encoding="utf-8",
        )
    return path


def write_report(html: str, path: str | os.PathLike) -> Path:
    """Write the HTML report atomically."""
    return write_text_atomic(path, html)
