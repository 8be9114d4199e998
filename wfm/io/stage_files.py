"""Write the outputs of one stage run alone (``wfm forecast``, ``split``, ``staff``, ...).

A stage's outputs are its contract table, its side tables and, for a stage written into a
folder, a record of its notes, figures and solver outcome. They go to one of two places, as
the command's ``--out`` says:

- a **folder** (``wfm split``, ``wfm schedule``): ``<stage>.csv``, ``<side>.csv`` and
  ``<stage>.json`` (notes, figures, solver outcome, the files written), built in a marked
  temporary folder and renamed into place (:func:`wfm.io.files.atomic_dir`). The folder must be
  new, empty, or one the same command wrote (recognised by its ``<stage>.json``), whose other
  files are kept; anything else is refused and nothing is written.
- a **file** (``wfm forecast``, ``wfm staff``, ``wfm simulate``): the contract table at that
  path and each side table beside it as ``<stem>_<side>.csv``; every file is written to a
  temporary file first and all are renamed into place only when all are written.

Either way an output that would replace one of the command's inputs is refused.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from contextlib import ExitStack
from pathlib import Path

import pandas as pd

from wfm.core.errors import InputError
from wfm.core.results import StageResult
from wfm.core.tables import schema_of
from wfm.io.files import atomic_dir, atomic_path, check_out_dir, list_files, write_json_atomic
from wfm.io.records import stage_files
from wfm.io.tables import write_table


def side_path(out_file: str | os.PathLike, side: str) -> Path:
    """Where a side table of ``out_file`` is written: ``<stem>_<side>.csv`` beside it."""
    out = Path(out_file)
    return out.with_name(f"{out.stem}_{side}.csv")


def check_stage_out(
    out: str | os.PathLike, stage: str, *, folder: bool, inputs: Iterable = ()
) -> None:
    """Refuse, before any work, an output the stage must not write (see the module docstring).

    A folder is checked as :func:`wfm.io.files.check_out_dir` checks it; a file must not be a
    folder nor one of ``inputs``.
    """
    if folder:
        check_out_dir(out, owned=lambda f: stage_files(f, stage), inputs=inputs)
        return
    _refuse_inputs([Path(out)], inputs)
    if Path(out).is_dir():
        raise InputError("is a folder", source=str(out), expected="a CSV file to write")


def write_stage_folder(
    result: StageResult,
    out_dir: str | os.PathLike,
    stage: str,
    *,
    inputs: Iterable = (),
) -> list[str]:
    """Write a stage's tables and its record ``<stage>.json`` into the folder ``out_dir``.

    Parameters
    ----------
    result : StageResult
        The stage's contract table (``<stage>.csv``), side tables (``<name>.csv``), notes,
        figures and solver outcome.
    out_dir : path
        New, empty, or written before by the same stage (see the module docstring).
    stage : str
        Stage name: the contract table's file stem and schema, and the record's name.
    inputs : iterable of path
        Files the run read; a folder holding one is refused.

    Returns
    -------
    list of str
        The files written, relative to ``out_dir``, record last.
    """
    record = f"{stage}.json"
    inputs = tuple(inputs)

    with atomic_dir(out_dir, owned=lambda f: stage_files(f, stage), inputs=inputs) as tmp:
        write_table(result.table, tmp / f"{stage}.csv", schema_of(stage))
        for name, table in result.tables.items():
            write_table(table, tmp / f"{name}.csv", schema_of(name))
        files = [*list_files(tmp), record]
        body: dict = {"notes": list(result.notes), "figures": result.figures, "files": files}
        if result.solve is not None:
            body["solve"] = result.solve.to_dict()
        write_json_atomic(tmp / record, body)
    return files


def write_stage_file(
    table: pd.DataFrame,
    out_file: str | os.PathLike,
    stage: str,
    side: Mapping[str, pd.DataFrame] | None = None,
    *,
    inputs: Iterable = (),
) -> list[Path]:
    """Write a stage's contract table to ``out_file`` and its side tables beside it.

    Side table ``name`` goes to ``<stem>_<name>.csv`` (:func:`side_path`). Nothing is renamed
    into place until every file is written, so a failure leaves the previous files as they
    were.

    Parameters
    ----------
    table : pandas.DataFrame
        The contract table, written with the schema of ``stage`` when it has one.
    out_file : path
        The file the planner named.
    stage : str
        Stage (or table) name of ``table``.
    side : dict of str to DataFrame, optional
        Side tables by name.
    inputs : iterable of path
        Files the run read; an output path that is one of them is refused.

    Returns
    -------
    list of Path
        The files written, contract table first.
    """
    out = Path(out_file)
    targets = [(out, table, schema_of(stage))]
    targets += [(side_path(out, n), t, schema_of(n)) for n, t in (side or {}).items()]
    for path, _, _ in targets:
        check_stage_out(path, stage, folder=False, inputs=inputs)
    with ExitStack() as stack:
        for path, df, schema in targets:
            tmp = stack.enter_context(atomic_path(path))
            write_table(df, tmp, schema)
    return [p for p, _, _ in targets]


def _refuse_inputs(paths: list[Path], inputs: Iterable) -> None:
    protected = {Path(f).resolve() for f in inputs if f}
    for path in paths:
        if path.resolve() in protected:
            raise InputError(
                "this output would replace an input of the same run; nothing was written",
                source=str(path),
                expected="an output file other than the scenario and the input tables",
            )
