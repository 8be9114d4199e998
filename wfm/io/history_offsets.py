"""UTC offsets written in a history file, row by row.

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

from wfm.core.schemas import HISTORY
from wfm.io.tables import read_csv_strings

_OFFSET = r"(?P<z>Z)$|(?P<sign>[+-])(?P<h>\d{2}):?(?P<m>\d{2})$"


def read_utc_offsets_min(path: str | os.PathLike) -> np.ndarray:
    """UTC offset of each row's ``interval_start`` in a history CSV [min].

    Returns
    -------
    numpy.ndarray
        Offset east of UTC of every row (``-300`` for ``-05:00``, 0 for ``Z``), in the row
        order of the history table :func:`~wfm.io.tables.read_history` returns (sorted by
        its keys); ``NaN`` where the time has no offset (a naive time read in
        ``source_tz``) or the column is absent.
    """
    raw = read_csv_strings(Path(path))
    if "interval_start" not in raw.columns:
        return np.full(len(raw), np.nan)
    stamps = raw["interval_start"].astype(str).str.strip()
    offsets = parse_offsets_min(stamps.to_numpy())
    if np.isnan(offsets).all():
        return offsets
    keys = pd.DataFrame(
        {
            k: raw[k].astype(str).str.strip()
            for k in HISTORY.present_keys(raw)
            if k != "interval_start"
        }
    )
    utc = pd.to_datetime(stamps, format="ISO8601", utc=True, errors="coerce")
    keys.insert(0, "interval_start", utc)
    order = keys.sort_values(list(keys.columns), kind="mergesort").index.to_numpy()
    return offsets[order]


def parse_offsets_min(values: np.ndarray) -> np.ndarray:
    """Offsets [min] of ISO 8601 strings; ``NaN`` for strings without one."""
    parts = pd.Series(values, dtype=str).str.extract(_OFFSET)
    sign = np.where(parts["sign"].to_numpy() == "-", -1.0, 1.0)
    h = pd.to_numeric(parts["h"], errors="coerce").to_numpy(dtype=float)
    m = pd.to_numeric(parts["m"], errors="coerce").to_numpy(dtype=float)
    out = sign * (h * 60.0 + m)
    out[parts["z"].notna().to_numpy()] = 0.0
    return out
