"""Read a plan folder for the report and the exports; write export files and the report.

A whole :class:`~wfm.core.plan.Plan` is written with :func:`write_plan` (atomically, into
a folder wfm may replace) and read back with :func:`read_plan`.

Contract tables (forecast, split, requirements, schedule, coverage, overflow) are read with
:func:`wfm.io.tables.read_table` and fully validated; side tables (backtest, pooling, cost,
simulation, whatif) are read as CSV with their ``interval_start`` parsed to UTC, and the
report checks the columns it uses. An absent table is simply not in the result (the report
says "not run"); a malformed one raises :class:`InputError` naming the file and line. The
``manifest.json`` that makes a folder a plan folder is read by :mod:`wfm.io.records`.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import pandas as pd

from wfm.core.config import Scenario
from wfm.core.errors import InputError
from wfm.core.manifest import Manifest, Parameters
from wfm.core.plan import Plan, grid_interval_min
from wfm.core.results import StageResult
from wfm.core.tables import EXTRA_TABLES, PLAN_TABLE_NAMES, STAGE_TABLES, STAGES, schema_of
from wfm.io.files import (
    atomic_dir,
    atomic_path,
    check_out_dir,
    copy_file,
    list_files,
    write_json_atomic,
    write_text_atomic,
)
from wfm.io.records import PLAN_RECORD, plan_files, read_manifest, register_added_file
from wfm.io.tables import read_csv_strings, read_table, write_table
from wfm.io.timestamps import parse_times

SCENARIO_COPY = "scenario.toml"
"""Name of the copy of its scenario that ``wfm plan`` keeps in the plan folder."""
_RUN_ID = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}")
RUN_ID_RULE = "letters, digits, '.', '_' and '-', no leading dot, no '..', at most 64 characters"


def check_run_id(run_id: str, *, key: str = "run_id") -> str:
    """Return ``run_id`` if it is a slug safe as a folder name, else raise :class:`InputError`."""
    if not isinstance(run_id, str) or not _RUN_ID.fullmatch(run_id) or ".." in run_id:
        raise InputError("not a usable run id", key=key, got=run_id, expected=RUN_ID_RULE)
    return run_id


def check_plan_out(out_dir: str | os.PathLike, *, inputs: Iterable = ()) -> None:
    """Refuse, before any work, an output folder ``wfm plan`` must not write into.

    See :func:`wfm.io.files.check_out_dir`; in addition, a file the planner put into a previous
    plan folder under the name of a plan table is refused (the new plan would replace it).
    """
    owned = check_out_dir(out_dir, owned=plan_files, inputs=inputs)
    if not owned:
        return
    names = {f"{stem}.csv" for stem in (*PLAN_TABLE_NAMES, *EXTRA_TABLES)} | {SCENARIO_COPY}
    clash = [f for f in list_files(out_dir) if f in names and f not in owned]
    if clash:
        raise InputError(
            f"{', '.join(clash)} in the plan folder were not written by wfm and the new plan "
            "would replace them; nothing was written",
            source=str(out_dir),
            expected="the planner's own files under other names, or another output folder",
        )


def read_side_table(path: str | os.PathLike) -> pd.DataFrame:
    """Read a CSV that has no contract schema: numbers as numbers (a column of empty cells
    too: missing numbers, NaN), ``interval_start`` as UTC."""
    path = Path(path)
    raw = read_csv_strings(path)
    raw.columns = [str(c).strip() for c in raw.columns]
    out = {col: _side_column(raw[col], path.name, col) for col in raw.columns}
    return pd.DataFrame(out, columns=list(raw.columns))


def _side_column(values: pd.Series, source: str, col: str) -> pd.Series:
    """A column without a contract: times, numbers, booleans, else text.

    A column of empty cells is numbers, all missing (float64 NaN): what a stage writes for a
    measure nothing was measured for (the service levels of a horizon without contacts).
    """
    s = values.astype(str).str.strip()
    if col.endswith("_start") or col.endswith("_end"):
        return parse_times(s, source, col, None)
    num = pd.to_numeric(s.where(s != "", None), errors="coerce")
    if len(s) and num.notna().sum() == (s != "").sum():
        return num.astype("float64")
    if set(s.unique()) <= {"True", "False", "true", "false"}:
        return s.str.lower() == "true"
    return s


def plan_scenario_file(folder: str | os.PathLike, manifest: dict) -> Path | None:
    """The scenario of a plan folder: its own copy (``scenario.toml``), else the file its
    manifest names, in the folder or beside it (plans made before wfm kept a copy); None
    when none of them is there."""
    folder = Path(folder)
    named = manifest.get("scenario")
    named = named.get("file", "") if isinstance(named, dict) else ""
    candidates = [folder / SCENARIO_COPY]
    if named:
        candidates += [folder / named, folder.parent / named]
    return next((c for c in candidates if c.is_file()), None)


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
    folder = _plan_dir(folder)
    manifest = read_manifest(folder)
    return read_plan_tables(folder, only), manifest


def _plan_dir(folder: str | os.PathLike) -> Path:
    """``folder`` as a path; :class:`InputError` when it is not a folder."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(
            "plan folder not found", source=str(folder), expected="a folder written by 'wfm plan'"
        )
    return folder


def plan_folder_inputs(folder: str | os.PathLike, *files) -> list[Path]:
    """The files a command reading a plan folder reads, as far as they exist: the folder's
    manifest and plan tables, then ``files`` (a scenario, a history, ...; None for none).
    An ``--out`` must be none of them (``wfm report``, ``wfm export``)."""
    folder = Path(folder)
    tables = [folder / f"{name}.csv" for name in (*PLAN_TABLE_NAMES, *EXTRA_TABLES)]
    return [Path(f) for f in (folder / PLAN_RECORD, *tables, *files) if f and Path(f).is_file()]


def read_plan_tables(
    folder: str | os.PathLike,
    only: Iterable[str] | None = None,
    scenario: Scenario | None = None,
) -> dict[str, pd.DataFrame]:
    """The plan tables present in ``folder`` (every one, or those in ``only``), by name,
    each read by :func:`read_plan_table`; an absent file is an absent key."""
    folder = Path(folder)
    names = (*PLAN_TABLE_NAMES, *EXTRA_TABLES) if only is None else tuple(only)
    paths = {name: folder / f"{name}.csv" for name in names}
    return {n: read_plan_table(p, n, scenario) for n, p in paths.items() if p.exists()}


def read_plan_table(
    path: str | os.PathLike, name: str, scenario=None, *, ordered: bool = True
) -> pd.DataFrame:
    """One table of a plan folder: a contract table validated (against the scenario when
    given), a side table read by :func:`read_side_table`; rows in key order, or with
    ``ordered=False`` in file order (row i on line i + 2, for checks that name the line).
    The table keeps its file name in ``attrs["source"]``."""
    schema = schema_of(name)
    if schema is None:
        side = read_side_table(path)
        side.attrs["source"] = Path(path).name
        return side
    df = read_table(path, schema, scenario=scenario, ordered=ordered)
    for col in df.columns:  # columns a stage adds beyond its contract
        if col not in schema.names and pd.api.types.is_string_dtype(df[col]):
            df[col] = _side_column(df[col], Path(path).name, col)
    return df


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


def write_report(
    html: str,
    path: str | os.PathLike,
    *,
    plan_dir: str | os.PathLike | None = None,
    manifest: dict | None = None,
) -> Path:
    """Write the HTML report atomically (recorded as wfm's when written into a plan folder).

    Parameters
    ----------
    html : str
        The page.
    path : path-like
        File to write.
    plan_dir, manifest : optional
        The plan folder reported on and its ``manifest.json`` as the caller read it
        (:func:`~wfm.io.records.read_manifest`): a report written into that folder is
        recorded in it without reading the manifest again.
    """
    path = write_text_atomic(path, html)
    same = plan_dir is not None and path.parent.resolve() == Path(plan_dir).resolve()
    register_added_file(path, manifest=manifest if same else None)
    return path


def write_plan(
    plan: Plan,
    folder: str | os.PathLike,
    *,
    inputs: Iterable = (),
    carry_from: str | os.PathLike | None = None,
    scenario_file: str | os.PathLike | None = None,
) -> Plan:
    """Write a plan folder atomically: every table as ``<name>.csv`` and ``manifest.json``.

    The folder must be absent, empty, or a plan folder wfm wrote (whose files wfm did not
    write are kept, see :func:`check_plan_out`); ``inputs`` are files it must not hold. The
    plan is written into a marked temporary folder beside it and renamed into place, so a
    failure leaves the folder as it was.

    Parameters
    ----------
    plan : Plan
        The plan (:func:`wfm.pipeline.make_plan`).
    folder : path-like
        Plan folder to write.
    inputs : iterable of path-like
        The scenario, history and events files of the run.
    carry_from : path-like, optional
        For a resumed plan: the folder it resumed from, whose files of the earlier stages
        are copied byte for byte (without it they are written from the plan's tables).
    scenario_file : path-like, optional
        The scenario TOML, kept in the folder as ``scenario.toml`` so that exports and the
        report find the plan's own scenario.

    Returns
    -------
    Plan
        ``plan`` with the manifest as written (its ``files``).
    """
    check_plan_out(folder, inputs=inputs)
    manifest = plan.manifest
    first = manifest.from_stage if manifest.from_stage in STAGES else STAGES[0]
    src = Path(carry_from) if carry_from is not None else None
    earlier = STAGES[: STAGES.index(str(first))] if src is not None else ()
    with atomic_dir(folder, owned=plan_files, inputs=inputs) as tmp:
        files = _copy_carried(src, earlier, manifest, tmp) if src is not None else []
        if scenario_file is not None:
            copy_file(scenario_file, tmp / SCENARIO_COPY)
            files.append(SCENARIO_COPY)
        for name, res in plan.results.items():
            if name in earlier:
                continue
            for table, df in [(name, res.table), *res.tables.items()]:
                write_table(df, tmp / f"{table}.csv", schema_of(table))
                files.append(f"{table}.csv")
        manifest = replace(manifest, files=tuple(sorted(set(files))))
        write_json_atomic(tmp / PLAN_RECORD, manifest.to_dict())
    return replace(plan, manifest=manifest)


def _copy_carried(src: Path, earlier: tuple[str, ...], manifest: Manifest, tmp: Path) -> list:
    """Copy the files of the earlier stages of a resumed plan; return their names."""
    names = {f"{name}.csv" for name in earlier}
    for name in earlier:
        if name in manifest.stages:
            names.update(manifest.stages[name].files)
    carried = [f for f in sorted(names) if (src / f).exists()]
    for f in carried:
        copy_file(src / f, tmp / f)
    return carried


def read_plan(
    folder: str | os.PathLike,
    scenario: Scenario | None = None,
    *,
    only: Iterable[str] | None = None,
    need_manifest: bool = True,
    manifest: dict | None = None,
) -> Plan:
    """Read a plan folder back into a :class:`~wfm.core.plan.Plan`.

    Parameters
    ----------
    folder : path-like
        A folder ``wfm plan`` wrote.
    scenario : Scenario, optional
        The plan's scenario: contract tables are also checked against it, and it gives the
        interval length when the manifest (of an older version) has none.
    only : iterable of str, optional
        Tables to read (default every table of the plan present).
    need_manifest : bool
        False to read a folder without ``manifest.json`` (tables of single-stage commands).
    manifest : dict, optional
        The folder's ``manifest.json`` when the caller has read it (:func:`read_manifest`).

    Raises
    ------
    InputError
        No plan folder, a malformed table or manifest, or no interval length anywhere (an
        old manifest without ``parameters.interval_min``, no scenario, no timed table).
    """
    folder = _plan_dir(folder)
    has_manifest = manifest is not None or need_manifest or (folder / PLAN_RECORD).is_file()
    data = manifest if manifest is not None else read_manifest(folder) if has_manifest else {}
    tables = read_plan_tables(folder, only, scenario)
    fallback = scenario.interval_min if scenario is not None else grid_interval_min(tables)
    if has_manifest:
        typed = Manifest.from_dict(data, interval_min=fallback)
    else:
        typed = Manifest(run_id="", parameters=Parameters.from_dict({}, interval_min=fallback))
    return _plan_of(tables, typed, scenario)


def _plan_of(tables: dict[str, pd.DataFrame], manifest: Manifest, scenario) -> Plan:
    """Group a plan folder's tables into the stages' results."""
    results: dict[str, StageResult] = {}
    for name in STAGES:
        if name not in tables:
            continue
        record = manifest.stages.get(name)
        side = {t: tables.pop(t) for t in STAGE_TABLES[name].side if t in tables}
        results[name] = StageResult(
            table=tables.pop(name),
            tables=side,
            notes=record.notes if record else (),
            figures=record.figures if record else {},
            solve=manifest.solve if name == "schedule" else None,
            wall_s=record.wall_s if record else 0.0,
        )
    return Plan(scenario=scenario, results=results, manifest=manifest, extra=tables)
