"""Files shipped inside the package (the demo scenario), and the folder of a new centre.

Package files are read through :mod:`importlib.resources`, so they are found the same way in
a wheel, an editable install and a source checkout.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from wfm.core.errors import InputError
from wfm.io.files import write_text_atomic

#: The example scenarios shipped in the package, by name: path inside the ``wfm`` package.
EXAMPLES = {"demo": ("examples", "demo", "scenario.toml")}


def example_scenario_text(name: str = "demo") -> str:
    """Text of a scenario file shipped in the package.

    Parameters
    ----------
    name : str
        Key of :data:`EXAMPLES`.

    Returns
    -------
    str
        The TOML text, as shipped.

    Raises
    ------
    InputError
        If ``name`` is not a shipped example.
    """
    if name not in EXAMPLES:
        raise InputError(
            "no such example", source="examples", key=name, expected=", ".join(EXAMPLES)
        )
    node = resources.files("wfm")
    for part in EXAMPLES[name]:
        node = node / part
    return node.read_text(encoding="utf-8")


def new_folder(path: str | os.PathLike) -> Path:
    """Create ``path`` for a new centre: absent or empty only, so no file is ever overwritten.

    Raises
    ------
    InputError
        If ``path`` is a file, or a folder with anything in it.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise InputError("is a file; give a new or empty folder", source=str(path))
    if path.is_dir() and any(path.iterdir()):
        raise InputError(
            "folder is not empty; wfm init writes only into a new or empty folder",
            source=str(path),
        )
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_text(path: str | os.PathLike, text: str) -> Path:
    """Write UTF-8 text atomically (a scenario or a README of a new centre)."""
    return write_text_atomic(path, text)
