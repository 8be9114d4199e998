"""How a single-stage command writes its outputs and prints its notes (one way for all).

``wfm split`` and ``wfm schedule`` write into a folder (``--out DIR``); ``wfm forecast``,
``wfm backtest``, ``wfm staff`` and ``wfm simulate`` write a table file (``--out F``) with
its side tables beside it as ``<stem>_<side>.csv``. Both follow the rules of
:mod:`wfm.io.stage_files`; notes are printed as ``wfm plan`` prints them.
"""

from __future__ import annotations

from collections.abc import Iterable

import click


def echo_notes(stage: str, notes: Iterable[str]) -> None:
    """Print a stage's notes, one a line, as ``wfm plan`` does: ``note (stage): ...``."""
    for note in notes:
        click.echo(f"note ({stage}): {note}")


def check_outputs(out: str, stage: str, *, folder: bool, inputs: Iterable = ()) -> None:
    """Refuse, before the stage runs, an ``--out`` it must not write (exit 2)."""
    from wfm.io.stage_files import check_stage_out

    check_stage_out(out, stage, folder=folder, inputs=inputs)


def write_outputs(result, out: str, stage: str, *, folder: bool, inputs: Iterable = ()) -> None:
    """Write a :class:`~wfm.core.results.StageResult` to ``out`` (a folder or a file).

    Parameters
    ----------
    result : StageResult
        Contract table, side tables, notes, figures and solver outcome of the stage.
    out : str
        The command's ``--out``.
    stage : str
        Stage name (``forecast``, ``split``, ``requirements``, ``schedule``, ``simulation``).
    folder : bool
        ``out`` is a folder (tables and ``<stage>.json`` in it) rather than a file.
    inputs : iterable of path
        Files the command read, never replaced.
    """
    from wfm.io.stage_files import write_stage_file, write_stage_folder

    if folder:
        write_stage_folder(result, out, stage, inputs=inputs)
    else:
        write_stage_file(result.table, out, stage, result.tables, inputs=inputs)
