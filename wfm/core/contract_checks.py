"""The check every table passes against its data contract (:mod:`wfm.core.schemas`).

:func:`check_table` raises :class:`InputError` naming the source, the CSV line of the first
offending row (row index + 2: the header is line 1) and the rule it breaks: a missing
column, a wrong dtype, a missing value, a number that is not finite or lies outside its
column's range, a timestamp outside the span a plan may cover, a row breaking a rule across
columns, or a duplicate key.
"""

from __future__ import annotations

import difflib

import numpy as np
import pandas as pd

from wfm.core.errors import InputError, raise_at_first
from wfm.core.schemas import TIME_END_UTC, TIME_MIN_UTC, TIME_SPAN, Column, TableSchema


def check_table(df: pd.DataFrame, schema: TableSchema, *, source: str | None = None) -> None:
    """Raise :class:`InputError` unless ``df`` meets ``schema``.

    Checks required columns, dtypes, missing values, finite numbers and
    bounds, the timestamp span, the rules across columns (``at_most``,
    ``positive_when_answered``) and duplicate keys. Extra columns are allowed (stages may
    carry more). The line given is the CSV line of the row.
    """
    src = source or schema.name
    for col in schema.columns:
        if col.required and col.name not in df.columns:
            raise InputError(
                f"missing column {col.name!r}",
                source=src,
                line=1,
                expected=f"columns {', '.join(c.name for c in schema.columns if c.required)}",
            )
    for col in schema.columns:
        if col.name in df.columns:
            _check_column(df[col.name], col, src)
    _check_rules(df, schema, src)
    _check_duplicates(df, schema, src)


MISSPELT_CUTOFF = 0.8
"""Least similarity (difflib ratio, case ignored) of a file's unknown column to a column
of the contract that the file lacks for the unknown one to be read as a misspelling."""
UNIT_SUFFIXES = ("_s", "_min", "_rate", "_h")
"""Unit endings of column names; a file column named without its unit (``aht`` for
``aht_s``) is a misspelling too."""


def check_column_names(columns: list[str], schema: TableSchema, *, source: str) -> None:
    """Raise :class:`InputError` for a file column that looks like a misspelt column of the
    contract which the file lacks (``senority`` for ``seniority``, ``AHT_S`` or ``aht`` for
    ``aht_s``).

    A file may carry columns wfm does not read; but an optional column written wrong would be
    ignored like them, and its data lost without a word. Only a near match (ratio ≥
    ``MISSPELT_CUTOFF``, or the same name without its unit ending) to a contract column
    absent from the file counts.
    """
    known = {c.name for c in schema.columns}
    absent = [c.name for c in schema.columns if c.name not in columns]
    for name in columns:
        if name not in known and (meant := _meant(name, absent)):
            raise InputError(
                f"unknown column (did you mean {meant!r}?)",
                source=source,
                line=1,
                key=name,
                expected=f"{schema.name} columns: {', '.join(c.name for c in schema.columns)}",
            )


def _meant(name: str, absent: list[str]) -> str | None:
    """The absent contract column that ``name`` misspells, if any."""
    low = name.strip().lower()
    for col in absent:
        bare = next((col[: -len(u)] for u in UNIT_SUFFIXES if col.endswith(u)), col)
        if low == bare:
            return col
    # one name inside the other is another quantity (occupancy_rate, max_occupancy_rate)
    lows = {
        c.lower(): c
        for c in absent
        if low == c.lower() or (low not in c.lower() and c.lower() not in low)
    }
    match = difflib.get_close_matches(low, list(lows), n=1, cutoff=MISSPELT_CUTOFF)
    return lows[match[0]] if match else None


def _range_text(col: Column) -> str:
    lo = "" if col.min_value is None else f"≥ {col.min_value:g}"
    hi = "" if col.max_value is None else f"≤ {col.max_value:g}"
    return "a finite number" + (f" {lo}" if lo else "") + (f" and {hi}" if lo and hi else hi)


def _check_column(s: pd.Series, col: Column, src: str) -> None:
    if col.dtype == "time":
        if not isinstance(s.dtype, pd.DatetimeTZDtype) or str(s.dtype.tz) != "UTC":
            raise InputError(
                f"column {col.name!r} must hold UTC timestamps", source=src, got=str(s.dtype)
            )
    elif col.dtype in ("float", "int"):
        if not pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
            raise InputError(f"column {col.name!r} must be numeric", source=src, got=str(s.dtype))
    if not col.nullable:
        raise_at_first(
            s.isna(),
            "missing value",
            source=src,
            key=col.name,
            expected="a value" if col.dtype != "time" else "a timestamp",
        )
    if col.dtype == "time":
        bad = ((s < TIME_MIN_UTC) | (s >= TIME_END_UTC)).to_numpy()
        if bad.any():
            row = int(np.argmax(bad))
            raise InputError(
                "timestamp outside the span a plan may cover",
                source=src,
                line=row + 2,
                key=col.name,
                got=s.iloc[row].isoformat(),
                expected=TIME_SPAN,
            )
    elif col.dtype in ("float", "int"):
        _check_numbers(s.to_numpy(dtype=float, na_value=np.nan), col, src)


def _check_numbers(values: np.ndarray, col: Column, src: str) -> None:
    checks = [
        (np.isinf(values), "not a finite number"),
        (values < col.min_value if col.min_value is not None else None, "value below its minimum"),
        (values > col.max_value if col.max_value is not None else None, "value above its maximum"),
    ]
    for bad, why in checks:
        if bad is not None:
            raise_at_first(
                bad, why, source=src, key=col.name, got=values, expected=_range_text(col)
            )
    if col.dtype == "int":
        raise_at_first(
            ~np.isnan(values) & (values != np.round(values)),
            "expected a whole number",
            source=src,
            key=col.name,
            got=values,
            expected="a whole number",
        )


def _check_rules(df: pd.DataFrame, schema: TableSchema, src: str) -> None:
    """Rules across the columns of a row: ``a ≤ b``; handle time > 0 where answered."""
    for a, b in schema.at_most:
        if a in df.columns and b in df.columns:
            bad = df[a].to_numpy(dtype=float) > df[b].to_numpy(dtype=float) + 1e-9
            if bad.any():
                row = int(np.argmax(bad))
                raise InputError(
                    f"{a} greater than {b} ({df[a].iloc[row]:g} > {df[b].iloc[row]:g})",
                    source=src,
                    line=row + 2,
                    key=a,
                    expected=f"{a} at most {b} on every row",
                )
    for c, count in schema.positive_where:
        if c in df.columns and count in df.columns:
            n = df[count].to_numpy(dtype=float)
            bad = (n > 1e-9) & ~(df[c].to_numpy(dtype=float, na_value=np.nan) > 0)
            if bad.any():
                row = int(np.argmax(bad))
                raise InputError(
                    f"{c} of {df[c].iloc[row]} on a row with {n[row]:g} {count}",
                    source=src,
                    line=row + 2,
                    key=c,
                    expected=f"{c} > 0 where {count} > 0",
                )
    if "contacts" not in df.columns:
        return
    answered = df["contacts"].to_numpy(dtype=float)
    if "abandoned" in df.columns:
        answered = answered - df["abandoned"].to_numpy(dtype=float)
    for c in schema.positive_when_answered:
        if c not in df.columns:
            continue
        bad = (answered > 1e-9) & (df[c].to_numpy(dtype=float, na_value=np.nan) <= 0)
        if bad.any():
            row = int(np.argmax(bad))
            raise InputError(
                f"{c} of 0 on a row with {answered[row]:g} answered contacts",
                source=src,
                line=row + 2,
                key=c,
                expected=f"{c} > 0 where contacts were answered "
                "(leave it empty on rows without answered contacts)",
            )


def _check_duplicates(df: pd.DataFrame, schema: TableSchema, src: str) -> None:
    keys = list(schema.present_keys(df))
    if not keys:
        return
    dup = df.duplicated(keys, keep="first").to_numpy()
    if dup.any():
        row = int(np.argmax(dup))
        first = int(
            np.argmax(
                df.duplicated(keys, keep="last").to_numpy()
                & (df[keys] == df[keys].iloc[row]).all(axis=1).to_numpy()
            )
        )
        values = ", ".join(f"{k}={df[k].iloc[row]}" for k in keys)
        raise InputError(
            f"duplicate key ({values}); first seen on line {first + 2}",
            source=src,
            line=row + 2,
            expected="one row per key",
        )
