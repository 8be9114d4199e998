"""Export file content: a table of text cells, safe in a spreadsheet, numbers in fixed text.

Every cell that a spreadsheet would read as a formula (first character ``=``, ``+``, ``-``,
``@``, tab or carriage return, and not a plain number) is prefixed with a single quote, the
neutralisation recommended by OWASP for CSV injection. Numbers are written in fixed point
with trailing zeros removed, and UTC times as ``YYYY-MM-DDThh:mm:ssZ``, so equal values give
equal text in every layout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

UTC_Z = "%Y-%m-%dT%H:%M:%SZ"
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportTable:
    """One export file's content.

    Attributes
    ----------
    table : pandas.DataFrame
        Every cell a string, columns in the layout's order.
    header : bool
        Whether the file starts with a header row (Calabrio's does not).
    notes : tuple of str
        What the planner must know (rows left out because the target has no such channel).
    """

    table: pd.DataFrame
    header: bool = True
    notes: tuple[str, ...] = field(default=())


def neutralise_cell(cell: str) -> str:
    """Make a cell safe to open in a spreadsheet.

    A cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return is read as a
    formula by spreadsheet programs; unless it is a plain number it is prefixed with ``'``.

    Examples
    --------
    >>> neutralise_cell("=HYPERLINK(1)"), neutralise_cell("-1.5"), neutralise_cell("voice")
    ("'=HYPERLINK(1)", '-1.5', 'voice')
    """
    if cell and cell.startswith(_FORMULA_START) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def neutralise(table: pd.DataFrame) -> pd.DataFrame:
    """Copy of a table of strings with every cell passed through :func:`neutralise_cell`."""
    out = table.copy()
    for col in out.columns:
        out[col] = [neutralise_cell(str(v)) for v in out[col]]
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    return out


def format_number(values: pd.Series | np.ndarray, decimals: int = 2) -> list[str]:
    """Fixed-point text with at most ``decimals`` decimals, trailing zeros removed.

    ``-0`` is written ``0``, so equal values always give equal text.
    """
    out = []
    for v in np.asarray(values, dtype=float):
        text = f"{round(float(v), decimals) + 0.0:.{decimals}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        out.append("0" if text in ("-0", "") else text)
    return out
