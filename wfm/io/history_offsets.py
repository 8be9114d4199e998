"""A history file read with the UTC offsets written in it, row by row.

A history's ``interval_start`` carries the offset of the clock that wrote it
(``2003-03-03T07:00:00-05:00``). Reading converts every time to UTC; this module keeps the
offsets themselves, so that a forecast without a scenario can place each row on the local
day its centre lived it (see :mod:`wfm.forecast.localdays`).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.core.config import Scenario
from wfm.core.errors import InputError
from wfm.core.schemas import HISTORY, order_table
from wfm.io.tables import read_csv_strings, validated_table

_OFFSET = r"(?P<z>Z)$|(?P<sign>[+-])(?P<h>\d{2}):?(?P<m>\d{2})$"


def read_history_offsets(
    path: str | os.PathLike,
    scenario: Scenario | None = None,
    *,
    source_tz: str | None = None,
    ordered: bool = True,
) -> tuple[pd.DataFrame, np.ndarray]:
    """A history CSV read once: its table and the UTC offset of each row's ``interval_start``.

    Parameters
    ----------
    path : path-like
        History CSV (the history contract).
    scenario : Scenario, optional
        Checks as in :func:`wfm.io.tables.read_history`.
    source_tz : str, optional
        IANA zone of naive timestamps.
    ordered : bool
        Rows in key order, as :func:`~wfm.io.tables.read_history` returns them; with
        ``False`` in the file's order (row ``i`` is line ``i + 2``), for checks that name
        the line.

    Returns
    -------
    history : pandas.DataFrame
        The validated HISTORY table, as :func:`~wfm.io.tables.read_history` returns it.
    offsets_min : numpy.ndarray
        Offset east of UTC of every row of ``history`` (``-300`` for ``-05:00``, 0 for
        ``Z``) [min]; ``NaN`` where the time has no offset (a naive time read in
        ``source_tz``).
    """
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", source=str(path), expected="a history CSV file")
    raw = read_csv_strings(path)
    df = validated_table(raw, HISTORY, path.name, scenario, source_tz, ordered=False)
    stamps = raw["interval_start"].astype(str).str.strip().to_numpy()
    key = "utc_offset_min"
    while key in df.columns:  # a history column of that name is kept as it is
        key = f"_{key}"
    df[key] = parse_offsets_min(stamps)
    if ordered:
        df = order_table(df, HISTORY)  # the rows in the order of the history table
    return df.drop(columns=key), df[key].to_numpy()


def parse_offsets_min(values: np.ndarray) -> np.ndarray:
    """Offsets [min] of ISO 8601 strings; ``NaN`` for strings without one."""
    parts = pd.Series(values, dtype=str).str.extract(_OFFSET)
    sign = np.where(parts["sign"].to_numpy() == "-", -1.0, 1.0)
    h = pd.to_numeric(parts["h"], errors="coerce").to_numpy(dtype=float)
    m = pd.to_numeric(parts["m"], errors="coerce").to_numpy(dtype=float)
    out = sign * (h * 60.0 + m)
    out[parts["z"].notna().to_numpy()] = 0.0
    return out
