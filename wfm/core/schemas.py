"""One schema per data contract of ``DESIGN.md`` and the check every table passes.

``check_table`` raises :class:`InputError` naming the source, the CSV line of the first
offending row (row index + 2: the header is line 1) and the rule it breaks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from wfm.core.errors import InputError

Dtype = Literal["time", "str", "float", "int"]


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a table contract.

    Attributes
    ----------
    name : str
        Column name (units in the name).
    dtype : {"time", "str", "float", "int"}
        ``time`` is tz-aware UTC ``datetime64[ns, UTC]``.
    key : bool
        Part of the table's key.
    required : bool
        Must be present (optional columns may be absent, and are checked when present).
    nullable : bool
        May hold missing values.
    min_value, max_value : float, optional
        Inclusive bounds of numeric values.
    """

    name: str
    dtype: Dtype
    key: bool = False
    required: bool = True
    nullable: bool = False
    min_value: float | None = None
    max_value: float | None = None


@dataclass(frozen=True, slots=True)
class TableSchema:
    """A table contract: ordered columns, key columns first."""

    name: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """Every column name, in order."""
        return tuple(c.name for c in self.columns)

    @property
    def keys(self) -> tuple[str, ...]:
        """Key column names, in order."""
        return tuple(c.name for c in self.columns if c.key)

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def present(self, df: pd.DataFrame) -> tuple[str, ...]:
        """Schema columns present in ``df``, in schema order."""
        return tuple(c.name for c in self.columns if c.name in df.columns)

    def present_keys(self, df: pd.DataFrame) -> tuple[str, ...]:
        """Key columns present in ``df``, in schema order."""
        return tuple(c.name for c in self.columns if c.key and c.name in df.columns)


def _nonneg(name: str, **kw) -> Column:
    return Column(name, "float", min_value=0.0, **kw)


def _rate(name: str, **kw) -> Column:
    return Column(name, "float", min_value=0.0, max_value=1.0, **kw)


_SERIES_KEYS = (
    Column("interval_start", "time", key=True),
    Column("channel", "str", key=True),
    Column("segment", "str", key=True),
    Column("site", "str", key=True, required=False),
)

HISTORY = TableSchema(
    "history",
    _SERIES_KEYS
    + (
        _nonneg("contacts"),
        _nonneg("aht_s", required=False, nullable=True),
        _nonneg("abandoned", required=False),
    ),
)

FORECAST = TableSchema(
    "forecast",
    _SERIES_KEYS
    + (
        _nonneg("contacts"),
        _nonneg("contacts_lo"),
        _nonneg("contacts_hi"),
        _nonneg("aht_s"),
        Column("model", "str"),
    ),
)

SPLIT = TableSchema(
    "split",
    _SERIES_KEYS
    + (
        _nonneg("contacts"),
        _nonneg("ai_contained"),
        _nonneg("escalated"),
        _nonneg("human_contacts"),
        _nonneg("human_aht_s"),
        # optimiser bounds on the AI-resolved share (issue contract; optional)
        _rate("ai_min_rate", required=False),
        _rate("ai_max_rate", required=False),
    ),
)

REQUIREMENTS = TableSchema(
    "requirements",
    (
        Column("interval_start", "time", key=True),
        Column("site", "str", key=True),
        Column("skill", "str", key=True),
        _nonneg("contacts", required=False),
        _nonneg("aht_s", required=False),
        Column("agents_required", "int", min_value=0),
        # paid agents after shrinkage; fractional so per-queue ceilings do not compound
        _nonneg("agents_required_gross"),
        _rate("service_level_rate", nullable=True),
        _nonneg("asa_s", nullable=True),
        _rate("occupancy_rate", nullable=True),
        # optional: room the scheduler has to hand contacts to AI (the split's bounds)
        _nonneg("ai_movable_contacts", required=False),
        _nonneg("ai_sessions_used", required=False),
    ),
)

SCHEDULE = TableSchema(
    "schedule",
    (
        Column("site", "str", key=True),
        Column("pool", "str", key=True),
        Column("local_date", "str", key=True),
        Column("shift", "str", key=True),
        Column("shift_start_local", "str"),
        Column("shift_length_min", "int", min_value=0),
        Column("breaks", "str", nullable=True),  # empty: a shift without breaks
        Column("agents", "int", min_value=0),
    ),
)

COVERAGE = TableSchema(
    "coverage",
    (
        Column("interval_start", "time", key=True),
        Column("site", "str", key=True),
        Column("skill", "str", key=True),
        _nonneg("agents_scheduled"),
        _nonneg("agents_required"),
        Column("agents_gap", "float"),
        _nonneg("overflow_in_contacts"),
        _nonneg("overflow_out_contacts"),
        _nonneg("shortfall_agents", required=False),
        _nonneg("ai_moved_contacts", required=False),
    ),
)

OVERFLOW = TableSchema(
    "overflow",
    (
        Column("interval_start", "time", key=True),
        Column("skill", "str", key=True),
        Column("from_site", "str", key=True),
        Column("to_site", "str", key=True),
        _nonneg("contacts"),
    ),
)

POOL_AGENTS = TableSchema(
    "pool_agents",
    (
        Column("interval_start", "time", key=True),
        Column("site", "str", key=True),
        Column("pool", "str", key=True),
        _nonneg("agents"),
    ),
)

SCHEMAS = {
    s.name: s
    for s in (HISTORY, FORECAST, SPLIT, REQUIREMENTS, SCHEDULE, COVERAGE, OVERFLOW, POOL_AGENTS)
}


def check_table(df: pd.DataFrame, schema: TableSchema, *, source: str | None = None) -> None:
    """Raise :class:`InputError` unless ``df`` meets ``schema``.

    Checks required columns, dtypes, missing values, bounds and duplicate keys. Extra
    columns are allowed (stages may carry more). The line given is the CSV line of the row.
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
    _check_unique_keys(df, schema, src)


def _check_column(s: pd.Series, col: Column, src: str) -> None:
    """Dtype, missing values and (numeric columns) bounds of one column."""
    if col.dtype == "time":
        if not isinstance(s.dtype, pd.DatetimeTZDtype) or str(s.dtype.tz) != "UTC":
            raise InputError(
                f"column {col.name!r} must hold UTC timestamps", source=src, got=str(s.dtype)
            )
    elif col.dtype in ("float", "int"):
        if not pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
            raise InputError(f"column {col.name!r} must be numeric", source=src, got=str(s.dtype))
    na = s.isna().to_numpy()
    if na.any() and not col.nullable:
        row = int(np.argmax(na))
        raise InputError(
            "missing value",
            source=src,
            line=row + 2,
            key=col.name,
            expected="a value" if col.dtype != "time" else "a timestamp",
        )
    if col.dtype in ("float", "int"):
        _check_numbers(s.to_numpy(dtype=float, na_value=np.nan), col, src)


def _check_numbers(values: np.ndarray, col: Column, src: str) -> None:
    """Minimum, maximum and (int columns) whole numbers; NaN passes."""
    if col.min_value is not None:
        bad = values < col.min_value
        if bad.any():
            row = int(np.argmax(bad))
            raise InputError(
                "value below its minimum",
                source=src,
                line=row + 2,
                key=col.name,
                got=values[row],
                expected=f"a number ≥ {col.min_value:g}",
            )
    if col.max_value is not None:
        bad = values > col.max_value
        if bad.any():
            row = int(np.argmax(bad))
            raise InputError(
                "value above its maximum",
                source=src,
                line=row + 2,
                key=col.name,
                got=values[row],
                expected=f"a number ≤ {col.max_value:g}",
            )
    if col.dtype == "int":
        finite = values[~np.isnan(values)]
        if (finite != np.round(finite)).any():
            row = int(np.argmax(~np.isnan(values) & (values != np.round(values))))
            raise InputError(
                "expected a whole number",
                source=src,
                line=row + 2,
                key=col.name,
                got=values[row],
            )


def _check_unique_keys(df: pd.DataFrame, schema: TableSchema, src: str) -> None:
    """One row per key; the error names the duplicate and the line it was first seen on."""
    keys = list(schema.present_keys(df))
    if keys:
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


def order_table(df: pd.DataFrame, schema: TableSchema) -> pd.DataFrame:
    """Schema columns first (in order), extra columns after; rows sorted by keys; RangeIndex."""
    cols = list(schema.present(df)) + [c for c in df.columns if c not in schema.names]
    keys = list(schema.present_keys(df))
    out = df[cols]
    if keys:
        out = out.sort_values(keys, kind="mergesort")
    return out.reset_index(drop=True)
