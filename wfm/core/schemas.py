"""One schema per data contract of ``DESIGN.md``, its valid ranges, and the order of its table.

What a table must meet is declared here; the check every table passes is
:func:`wfm.core.contract_checks.check_table`.

Valid ranges (README, "Data contracts"): every number is finite; contacts per row lie in
[0, ``MAX_CONTACTS``]; handle times in [0, ``MAX_AHT_S``] and > 0 on a row with answered
contacts; agents per row in [0, ``MAX_AGENTS``]; waiting times in [0, ``MAX_WAIT_S``];
timestamps in [``TIME_MIN_UTC``, ``TIME_END_UTC``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

Dtype = Literal["time", "str", "float", "int"]

MAX_CONTACTS = 1_000_000.0
"""Largest number of contacts in one row (one interval of one series) [contacts]."""
MAX_AHT_S = 86_400.0
"""Largest average handle time [s] (24 h)."""
MAX_AGENTS = 100_000.0
"""Largest number of agents in one row (one interval, site and skill or pool) [agents]."""
MAX_WAIT_S = 30 * 86_400.0
"""Largest waiting time (ASA, time in queue) [s] (30 days)."""
TIME_MIN_UTC = pd.Timestamp("1970-01-01T00:00:00Z")
"""Earliest timestamp a table may hold (inclusive)."""
TIME_END_UTC = pd.Timestamp("2200-01-01T00:00:00Z")
"""End of the timestamps a table may hold (exclusive): years 1970 to 2199."""
TIME_SPAN = "a time from 1970-01-01 up to (not including) 2200-01-01 UTC"


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
    """A table contract: ordered columns, key columns first.

    Attributes
    ----------
    name : str
        Contract name (``history``, ``requirements``, ...).
    columns : tuple of Column
        Ordered columns, keys first.
    min_rows : int
        Fewest data rows a file of this contract may hold (1: a header-only file is refused
        by the reader; a stage may still produce an empty table).
    at_most : tuple of (str, str)
        Column pairs ``(a, b)`` with ``a ≤ b`` on every row (``abandoned`` ≤ ``contacts``).
    positive_when_answered : tuple of str
        Handle-time columns that must be > 0 on rows with answered contacts
        (``contacts`` − ``abandoned`` > 0); 0 or empty is allowed elsewhere.
    positive_where : tuple of (str, str)
        Column pairs ``(aht, count)``: handle time ``aht`` > 0 on rows where ``count`` > 0
        (``human_aht_s`` where there are ``human_contacts``).
    """

    name: str
    columns: tuple[Column, ...]
    min_rows: int = 0
    at_most: tuple[tuple[str, str], ...] = ()
    positive_when_answered: tuple[str, ...] = ()
    positive_where: tuple[tuple[str, str], ...] = ()

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


def _contacts(name: str, **kw) -> Column:
    return Column(name, "float", min_value=0.0, max_value=MAX_CONTACTS, **kw)


def _aht(name: str, **kw) -> Column:
    return Column(name, "float", min_value=0.0, max_value=MAX_AHT_S, **kw)


def _agents(name: str, dtype: Dtype = "float", **kw) -> Column:
    return Column(name, dtype, min_value=0.0, max_value=MAX_AGENTS, **kw)


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
        _contacts("contacts"),
        _aht("aht_s", required=False, nullable=True),
        _contacts("abandoned", required=False),
    ),
    min_rows=1,
    at_most=(("abandoned", "contacts"),),
    positive_when_answered=("aht_s",),
)

FORECAST = TableSchema(
    "forecast",
    _SERIES_KEYS
    + (
        _contacts("contacts"),
        _contacts("contacts_lo"),
        _contacts("contacts_hi"),
        _aht("aht_s"),
        Column("model", "str"),
    ),
    min_rows=1,
    at_most=(("contacts_lo", "contacts"), ("contacts", "contacts_hi")),
    positive_where=(("aht_s", "contacts"),),
)

SPLIT = TableSchema(
    "split",
    _SERIES_KEYS
    + (
        _contacts("contacts"),
        _contacts("ai_contained"),
        _contacts("escalated"),
        _contacts("human_contacts"),
        _aht("human_aht_s"),
        # optimiser bounds on the AI-resolved share (issue contract; optional)
        _rate("ai_min_rate", required=False),
        _rate("ai_max_rate", required=False),
    ),
    min_rows=1,
    at_most=(("ai_min_rate", "ai_max_rate"),),
    positive_where=(("human_aht_s", "human_contacts"),),
)

REQUIREMENTS = TableSchema(
    "requirements",
    (
        Column("interval_start", "time", key=True),
        Column("site", "str", key=True),
        Column("skill", "str", key=True),
        _contacts("contacts", required=False),
        _aht("aht_s", required=False),
        _agents("agents_required", "int"),
        # paid agents after shrinkage; fractional so per-queue ceilings do not compound
        _agents("agents_required_gross"),
        _rate("service_level_rate", nullable=True),
        Column("asa_s", "float", nullable=True, min_value=0.0, max_value=MAX_WAIT_S),
        _rate("occupancy_rate", nullable=True),
        # optional: room the scheduler has to hand contacts to AI (the split's bounds)
        _contacts("ai_movable_contacts", required=False),
        _contacts("ai_sessions_used", required=False),
    ),
    min_rows=1,
    at_most=(("agents_required", "agents_required_gross"),),
    positive_when_answered=("aht_s",),
)

SCHEDULE = TableSchema(
    "schedule",
    (
        Column("site", "str", key=True),
        Column("pool", "str", key=True),
        Column("local_date", "str", key=True),
        Column("shift", "str", key=True),
        Column("shift_start_local", "str"),
        Column("shift_length_min", "int", min_value=0, max_value=24 * 60),
        Column("breaks", "str", nullable=True),  # empty: a shift without breaks
        _agents("agents", "int"),
    ),
)

COVERAGE = TableSchema(
    "coverage",
    (
        Column("interval_start", "time", key=True),
        Column("site", "str", key=True),
        Column("skill", "str", key=True),
        _agents("agents_scheduled"),
        _agents("agents_required"),
        Column("agents_gap", "float", min_value=-MAX_AGENTS, max_value=MAX_AGENTS),
        _contacts("overflow_in_contacts"),
        _contacts("overflow_out_contacts"),
        _agents("shortfall_agents", required=False),
        _contacts("ai_moved_contacts", required=False),
    ),
)

OVERFLOW = TableSchema(
    "overflow",
    (
        Column("interval_start", "time", key=True),
        Column("skill", "str", key=True),
        Column("from_site", "str", key=True),
        Column("to_site", "str", key=True),
        _contacts("contacts"),
    ),
)

POOL_AGENTS = TableSchema(
    "pool_agents",
    (
        Column("interval_start", "time", key=True),
        Column("site", "str", key=True),
        Column("pool", "str", key=True),
        _agents("agents"),
    ),
)

ACCURACY = TableSchema(
    "accuracy",
    (
        Column("channel", "str", key=True),
        Column("segment", "str", key=True),
        Column("days_ahead", "int", key=True, min_value=0),
        Column("intervals", "int", required=False, min_value=0),
        Column("actual_contacts", "float", required=False, min_value=0.0),
        Column("forecast_contacts", "float", required=False, min_value=0.0),
        Column("wmape", "float", required=False, nullable=True, min_value=0.0),
        Column("bias_rate", "float", required=False, nullable=True, min_value=-1.0),
    ),
)
"""Forecast accuracy the nightly job writes (``accuracy.csv``): per channel, segment and days
ahead of the snapshot, the matched intervals, Σ actual and Σ forecast contacts, wMAPE and
bias (missing when no contact arrived); not a stage's table. The measures are checked when
present."""

SCHEMAS = {
    s.name: s
    for s in (HISTORY, FORECAST, SPLIT, REQUIREMENTS, SCHEDULE, COVERAGE, OVERFLOW, POOL_AGENTS)
}


def order_table(df: pd.DataFrame, schema: TableSchema) -> pd.DataFrame:
    """Schema columns first (in order), extra columns after; rows sorted by keys; RangeIndex."""
    cols = list(schema.present(df)) + [c for c in df.columns if c not in schema.names]
    keys = list(schema.present_keys(df))
    out = df[cols]
    if keys:
        out = out.sort_values(keys, kind="mergesort")
    return out.reset_index(drop=True)
