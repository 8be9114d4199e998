"""The records wfm keeps in the folders it writes, and which files of a folder are wfm's.

A plan folder's ``manifest.json``, a nightly dated folder's ``nightly.json`` and a
single-stage output folder's ``<stage>.json`` list the files wfm wrote there (``files``, and
``added_files``: files wfm wrote into the folder later, like the report). wfm replaces only
a folder that holds such a record, and of its files only those the record lists.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from wfm.core.errors import InputError
from wfm.core.manifest import PLAN_KEYS
from wfm.io.files import write_json_atomic

PLAN_RECORD = "manifest.json"
NIGHTLY_RECORD = "nightly.json"
_NIGHTLY_KEYS = ("run_id", "run_date", "timings_s", "files")
STAGE_RECORD_KEYS = ("notes", "figures", "files")
"""Keys of the ``<stage>.json`` a single-stage command writes into its output folder."""
_PLAN_FOLDER = "a plan folder 'wfm plan' wrote"


def read_record(
    folder: str | os.PathLike, record: str = PLAN_RECORD, *, writer: str = "'wfm plan'"
) -> dict:
    """The JSON object of a folder's record (by default a plan's ``manifest.json``), which
    ``writer`` writes.

    Raises
    ------
    InputError
        The folder has no such file, or it is not a JSON object (unreadable, not UTF-8, or
        not JSON: the line and column of the error).
    """
    path = Path(folder) / record
    expected = f"the JSON object {writer} writes"
    if not path.is_file():
        raise InputError(
            f"no {record} in the folder",
            source=str(folder),
            expected=f"a folder written by {writer}",
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise InputError(
            f"not valid JSON: {err.msg} (column {err.colno})",
            source=record,
            line=err.lineno,
            expected=expected,
        ) from None
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(
            f"cannot be read as text: {err}", source=record, expected=expected
        ) from None
    if not isinstance(data, dict):
        raise InputError("not a JSON object", source=record, expected=expected)
    return data


def read_manifest(folder: str | os.PathLike) -> dict:
    """The plan's ``manifest.json`` (:func:`read_record`)."""
    return read_record(folder, PLAN_RECORD)


def recorded_files(folder: Path, record: str, keys: tuple[str, ...], what: str) -> set[str]:
    """Files wfm wrote in ``folder``, from its record (``files`` and ``added_files``)."""
    return _owned(wfm_record(folder, record, keys, what), record)


def wfm_record(
    folder: Path, record: str, keys: tuple[str, ...], what: str, data: dict | None = None
) -> dict:
    """The record wfm wrote in ``folder`` (``data`` when the caller has read it); an
    :class:`InputError` when it is absent or not wfm's (without ``keys``, or its files not
    names)."""
    expected = f"an absent or empty folder, or {what} (recognised by the {record} wfm writes)"
    if data is None:
        if not (folder / record).is_file():
            raise InputError(
                f"folder holds files but no {record}; wfm replaces only folders it wrote, and "
                "nothing was written",
                source=str(folder),
                expected=expected,
            )
        try:
            data = read_record(folder, record)
        except InputError:
            data = None
    ok = isinstance(data, dict) and all(k in data for k in keys)
    files = [*data.get("files", ()), *data.get("added_files", ())] if data and ok else []
    if not data or not ok or not all(isinstance(f, str) for f in files):
        raise InputError(
            f"{record} was not written by wfm; the folder was left as it is",
            source=str(folder),
            expected=expected,
        )
    return data


def _owned(data: dict, record: str) -> set[str]:
    return {*data.get("files", ()), *data.get("added_files", ()), record}


def plan_files(folder: str | os.PathLike) -> set[str]:
    """Files ``wfm plan`` (or ``wfm report`` into the folder) wrote in a previous plan folder.

    Read from the ``files`` and ``added_files`` lists of its ``manifest.json``, plus the
    manifest itself. Raises :class:`InputError` when the folder has no manifest with the keys
    only wfm writes (``run_id``, ``created_utc``, ``inputs``, ``versions``, ``stages``,
    ``files``).
    """
    return recorded_files(Path(folder), PLAN_RECORD, PLAN_KEYS, _PLAN_FOLDER)


def nightly_files(folder: str | os.PathLike) -> set[str]:
    """Files the nightly job wrote in a dated folder (the ``files`` of its ``nightly.json``)."""
    return recorded_files(
        Path(folder), NIGHTLY_RECORD, _NIGHTLY_KEYS, "a dated folder the nightly job wrote"
    )


def stage_files(folder: str | os.PathLike, stage: str) -> set[str]:
    """Files ``wfm split`` or ``wfm schedule`` wrote in a previous output folder (the
    ``files`` of its ``<stage>.json``)."""
    return recorded_files(
        Path(folder), f"{stage}.json", STAGE_RECORD_KEYS, f"a folder wfm wrote for {stage}"
    )


def register_added_file(path: str | os.PathLike, *, manifest: dict | None = None) -> None:
    """Record in a plan folder's manifest (``added_files``) a file wfm wrote into it later.

    A report written into a plan folder is then wfm's own: replaced with the plan, not kept
    as the planner's. Does nothing when the file's folder is not a plan folder.

    Parameters
    ----------
    path : path-like
        The file written.
    manifest : dict, optional
        The ``manifest.json`` of the file's folder when the caller has read it
        (:func:`read_manifest`); read here otherwise.
    """
    path = Path(path)
    try:  # the manifest read once: which files are wfm's, then the one to add
        manifest = wfm_record(path.parent, PLAN_RECORD, PLAN_KEYS, _PLAN_FOLDER, manifest)
    except InputError:
        return
    if path.name in _owned(manifest, PLAN_RECORD):
        return
    added = {**manifest, "added_files": sorted({*manifest.get("added_files", ()), path.name})}
    write_json_atomic(path.parent / PLAN_RECORD, added)
