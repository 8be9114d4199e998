"""Atomic file writes: write beside the target, then rename over it.

Folders are written the same way, into a hidden temporary sibling marked as wfm's, and are
renamed into place only when complete and only over a folder wfm may replace (see
:func:`atomic_dir`): an absent or empty folder, or one its caller recognises as written by wfm,
whose other files are kept.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from wfm.core.errors import InputError
from wfm.core.workers import process_exists


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; rename it over ``path`` on success.

    On an exception the temporary file is removed and ``path`` is left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual file mode
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: str | os.PathLike, text: str) -> Path:
    """Write UTF-8 text atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_json_atomic(path: str | os.PathLike, obj: Any) -> Path:
    """Write JSON (sorted keys, 2-space indent, trailing newline) atomically."""
    return write_text_atomic(path, json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


TEMP_MARKER = ".wfm-temp"
"""File inside each temporary folder wfm makes: ``wfm temporary folder``, ``pid N``, ``host H``.

Only folders holding it, named ``.*.tmp`` or ``.*.old``, whose process is gone, are removed as
stale (:func:`remove_stale_temp_dirs`); nothing else hidden beside a plan is ever touched.
"""

_TEMP_SUFFIXES = (".tmp", ".old")

OwnedFn = Callable[[Path], set[str]]
"""``owned(folder)``: relative paths (POSIX) of the files wfm wrote in an existing folder;
raises :class:`InputError` when the folder is not one wfm may replace."""


def make_temp_dir(parent: str | os.PathLike, name: str, suffix: str = ".tmp") -> Path:
    """Create a hidden temporary folder ``parent/.NAME.XXXX<suffix>`` marked as wfm's."""
    parent = Path(parent)
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=suffix, dir=parent))
    os.chmod(tmp, 0o777 & ~_umask())
    (tmp / TEMP_MARKER).write_text(
        f"wfm temporary folder\npid {os.getpid()}\nhost {socket.gethostname()}\n",
        encoding="utf-8",
    )
    return tmp


def remove_stale_temp_dirs(parent: str | os.PathLike) -> list[str]:
    """Remove wfm's temporary folders in ``parent`` whose process has ended; return their names.

    A folder is removed only when it is named ``.*.tmp`` or ``.*.old``, holds
    :data:`TEMP_MARKER`, and the marker's process (same host) no longer runs. A ``.old``
    folder still holding the previous folder whose place is empty (a run killed between its
    two renames) is first put back.
    """
    parent = Path(parent)
    removed: list[str] = []
    if not parent.is_dir():
        return removed
    for p in sorted(parent.iterdir()):
        if not (p.name.startswith(".") and p.suffix in _TEMP_SUFFIXES) or p.is_symlink():
            continue
        if not p.is_dir() or not _is_stale(p / TEMP_MARKER):
            continue
        if p.suffix == ".old":
            for kept in p.iterdir():
                if kept.name != TEMP_MARKER and not (parent / kept.name).exists():
                    os.replace(kept, parent / kept.name)
        shutil.rmtree(p, ignore_errors=True)
        removed.append(p.name)
    return removed


def _is_stale(marker: Path) -> bool:
    try:
        lines = marker.read_text(encoding="utf-8").splitlines()
        fields = dict(line.split(" ", 1) for line in lines[1:])
        pid, host = int(fields["pid"]), fields["host"]
    except (OSError, ValueError, KeyError):
        return False
    if lines[0] != "wfm temporary folder":
        return False
    if host != socket.gethostname() or pid == os.getpid():
        return False
    return not process_exists(pid)


def list_files(folder: str | os.PathLike) -> list[str]:
    """Relative POSIX paths of the files (and symlinks) under ``folder``, sorted; no marker.

    Symlinked folders are listed as links, never followed.
    """
    return sorted(rel for rel, is_dir in _leaves(Path(folder)) if not is_dir)


def _leaves(folder: Path) -> Iterator[tuple[str, bool]]:
    """Files, symlinks and empty folders under ``folder`` as (relative POSIX path, is folder)."""
    for here, dirs, files in os.walk(folder):
        base = Path(here)
        for name in dirs:
            p = base / name
            if p.is_symlink():
                yield p.relative_to(folder).as_posix(), False
            elif not any(p.iterdir()):
                yield p.relative_to(folder).as_posix(), True
        for name in files:
            if name != TEMP_MARKER or base != folder:
                yield (base / name).relative_to(folder).as_posix(), False


def _refuse_existing(folder: Path) -> set[str]:
    raise InputError(
        "folder exists and is not empty; nothing was written",
        source=str(folder),
        expected="an absent or empty folder",
    )


def check_out_dir(
    path: str | os.PathLike, *, owned: OwnedFn = _refuse_existing, inputs: Iterable = ()
) -> set[str] | None:
    """Check that a folder may be written (replaced); return the files wfm wrote in it.

    Refused with :class:`InputError` (nothing written or removed): a path that is a file or
    lies below one; the current folder or one of its parents; a folder holding one of
    ``inputs`` (at any depth); an existing, non-empty folder that ``owned`` does not
    recognise.

    Returns
    -------
    set of str or None
        None when ``path`` does not exist; the empty set for an empty folder; otherwise what
        ``owned`` returns.
    """
    path = Path(os.path.abspath(path))
    real = path.resolve()
    cwd = Path.cwd().resolve()
    if real == cwd or real in cwd.parents:
        raise InputError(
            "an output folder cannot be the current folder or one of its parents",
            source=str(path),
            expected="a new folder, or a folder wfm wrote, below the current folder or elsewhere",
        )
    for f in inputs:
        f = Path(f).resolve()
        if real == f or real in f.parents:
            raise InputError(
                f"the output folder holds the input {f}; writing there could replace it",
                source=str(path),
                expected="an output folder that holds neither the scenario nor the history",
            )
    if not path.exists() and not path.is_symlink():
        _check_parents(path)
        return None
    if not path.is_dir():
        raise InputError("exists and is not a folder", source=str(path), expected="a folder")
    if not any(path.iterdir()):
        return set()
    return owned(path)


def _check_parents(path: Path) -> None:
    """The nearest existing parent of a new folder must be a folder (a file there would only
    fail once the run is done)."""
    parent = path.parent
    while not parent.exists() and not parent.is_symlink() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        what = "a link to nothing" if parent.is_symlink() and not parent.exists() else "a file"
        raise InputError(
            f"cannot make a folder inside {parent}: it is {what}",
            source=str(path),
            expected="an output folder whose parents are folders",
        )


@contextmanager
def atomic_dir(
    path: str | os.PathLike, *, owned: OwnedFn = _refuse_existing, inputs: Iterable = ()
) -> Iterator[Path]:
    """Yield a marked temporary folder beside ``path``; on success it takes ``path``'s place.

    ``path`` is checked on entry and again before the swap (:func:`check_out_dir`): an absent
    or empty folder, or a folder ``owned`` recognises, nothing else. When a previous folder is
    replaced, every file in it that ``owned`` does not list (the planner's own) is copied into
    the new folder first, so only wfm's own files are replaced; a file of the new folder with
    the same name as such a file refuses the swap. A run that fails leaves ``path`` as it was;
    a run killed outright leaves a marked temporary folder the next run removes.
    """
    path = Path(os.path.abspath(path))
    inputs = tuple(inputs)
    check_out_dir(path, owned=owned, inputs=inputs)
    remove_stale_temp_dirs(path.parent)
    tmp = make_temp_dir(path.parent, path.name)
    try:
        yield tmp
        previous = check_out_dir(path, owned=owned, inputs=inputs)
        if previous is None:
            os.replace(tmp, path)
        else:
            _carry_foreign(path, tmp, previous)
            _swap(path, tmp)
        (path / TEMP_MARKER).unlink(missing_ok=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _carry_foreign(old: Path, new: Path, owned: set[str]) -> None:
    """Copy the files and empty folders of ``old`` that wfm did not write into ``new``."""
    for rel, is_dir in _leaves(old):
        if rel in owned:
            continue
        dst = new / rel
        clash = dst.exists() or dst.is_symlink()
        clash = clash or any(p.is_file() for p in dst.parents if new in p.parents)
        if clash:
            raise InputError(
                f"the new plan would overwrite {rel}, a file wfm did not write; nothing was "
                "changed",
                source=str(old),
                expected=f"{rel} moved out of the folder, or another output folder",
            )
        dst.parent.mkdir(parents=True, exist_ok=True)
        if is_dir:
            dst.mkdir()
        else:
            shutil.copy2(old / rel, dst, follow_symlinks=False)


def _swap(path: Path, tmp: Path) -> None:
    """Put ``tmp`` in ``path``'s place; the previous folder is restored if that fails."""
    old = make_temp_dir(path.parent, path.name, suffix=".old")
    os.replace(path, old / path.name)
    try:
        os.replace(tmp, path)
    except BaseException:
        os.replace(old / path.name, path)
        shutil.rmtree(old, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)


def sha256_file(path: str | os.PathLike) -> str:
    """Hex SHA-256 of a file's bytes (for manifests)."""
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def copy_file(src: str | os.PathLike, dst: str | os.PathLike) -> Path:
    """Copy a file's bytes (into a folder being built)."""
    shutil.copyfile(src, dst)
    return Path(dst)
