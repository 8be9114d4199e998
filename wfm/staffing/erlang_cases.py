"""The cases of the Erlang calculator: their table contract and the checks of each case.

A case is one row of a batch CSV, or the command-line options of ``wfm erlang c|a`` (source
``OPTIONS``: errors then name the options, ``--aht-s``, instead of a line and column). Every
count stays within the contracts: agents given or found at most ``MAX_AGENTS``; a row asks
one question, the least agents for a target or the KPIs of given agents.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wfm.core.checks import MAX_SHRINKAGE_RATE
from wfm.core.errors import InputError
from wfm.core.schemas import MAX_AGENTS, Column, TableSchema

#: Lowest ``max_occupancy_rate``: below it the least agents are more than ten times the load.
MIN_OCCUPANCY_RATE = 0.1
#: Range of ``fte_h_per_week``, the contract hours of one FTE [h/week].
FTE_H_PER_WEEK = (1.0, 168.0)
#: Source naming one case given as command-line options: errors name the options
#: (``--aht-s``), not a line and column.
OPTIONS = "options"
#: Columns of Erlang A only: an Erlang C case would ignore them.
ERLANG_A_ONLY = ("patience_s", "max_abandon_rate")
#: Targets of the least-agents search: a row with ``agents`` has no use for them.
TARGETS = ("sl_target_rate", "asa_target_s", "max_occupancy_rate", "max_abandon_rate")


def _num(name: str, **kw) -> Column:
    kw.setdefault("min_value", 0.0)
    return Column(name, "float", **kw)


_COMMON = (
    _num("contacts"),
    _num("interval_min"),
    _num("aht_s"),
    _num("sl_threshold_s"),
    Column("sl_target_rate", "float", required=False, nullable=True, min_value=0.0, max_value=1.0),
    _num("agents", required=False, nullable=True, max_value=MAX_AGENTS),
    _num("asa_target_s", required=False, nullable=True),
    _num(
        "max_occupancy_rate",
        required=False,
        nullable=True,
        min_value=MIN_OCCUPANCY_RATE,
        max_value=1.0,
    ),
    # paid agents and FTE (see with_paid_agents)
    _num("shrinkage_rate", required=False, nullable=True, max_value=MAX_SHRINKAGE_RATE),
    _num("open_h_per_week", required=False, nullable=True, max_value=168.0),
    _num(
        "fte_h_per_week",
        required=False,
        nullable=True,
        min_value=FTE_H_PER_WEEK[0],
        max_value=FTE_H_PER_WEEK[1],
    ),
)

CASE_SCHEMAS: dict[str, TableSchema] = {
    "c": TableSchema("erlang_c_cases", _COMMON),
    "a": TableSchema(
        "erlang_a_cases",
        _COMMON
        + (
            _num("patience_s"),
            Column(
                "max_abandon_rate",
                "float",
                required=False,
                nullable=True,
                min_value=0.0,
                max_value=1.0,
            ),
        ),
    ),
}


def column_values(cases: pd.DataFrame, name: str) -> np.ndarray:
    if name not in cases.columns:
        return np.full(len(cases), np.nan)
    return pd.to_numeric(cases[name], errors="coerce").to_numpy(dtype=np.float64)


def option_of(name: str) -> str:
    """The command-line option of a column: ``aht_s`` → ``--aht-s``."""
    return "--" + name.replace("_", "-")


def case_error(
    source: str,
    row: int,
    message: str,
    key: str | None = None,
    *,
    got: object = None,
    expected: str | None = None,
) -> InputError:
    """The error of one case: at its line and column in a file, or naming its options."""
    if source == OPTIONS:
        return InputError(message, key=key and option_of(key), got=got, expected=expected)
    return InputError(message, source=source, line=row + 2, key=key, got=got, expected=expected)


def fail_at_first(
    mask: np.ndarray,
    message: str,
    source: str,
    key: str,
    values: np.ndarray,
    expected: str | None = None,
) -> None:
    if mask.any():
        row = int(np.argmax(mask))
        raise case_error(source, row, message, key, got=values[row], expected=expected)


def option_names(source: str, *columns: str) -> list[str]:
    """Columns as a message names them: options for one case, else column names."""
    return [option_of(c) if source == OPTIONS else c for c in columns]


def big_number(value: float) -> str:
    """A count or load for a message: ``1,400,000`` (never 300 digits)."""
    return f"{value:,.0f}" if abs(value) < 1e15 else f"{value:.3g}"


def refuse_erlang_a_columns(cases: pd.DataFrame, source: str) -> None:
    """Erlang C has no abandonment: a patience or abandonment target given to it would be
    ignored without a word."""
    for name in ERLANG_A_ONLY:
        if name in cases.columns:
            given = cases[name].notna() & (cases[name].astype(str).str.strip() != "")
            if given.any():
                row = int(np.argmax(given.to_numpy()))
                raise case_error(
                    source,
                    row,
                    "is an Erlang A column (abandonment), which Erlang C would ignore",
                    name,
                    got=cases[name].iloc[row],
                    expected="wfm erlang a for a queue with abandonment, or the column removed",
                )


def check_agents_found(n: np.ndarray, v: dict, source: str) -> None:
    """Refuse a least-agents result above ``MAX_AGENTS``, naming the load and occupancy."""
    big = v["find"] & (n > MAX_AGENTS)
    if not big.any():
        return
    row = int(np.argmax(big))
    load, occ = v["load"][row], v["max_occupancy_rate"][row]
    contacts, aht, interval, occ_name = option_names(
        source, "contacts", "aht_s", "interval_min", "max_occupancy_rate"
    )
    why = f"an offered load of {load:,.1f} Erlangs ({contacts} × {aht} / {interval})"
    if not np.isnan(occ):
        why += f" at {occ_name} {occ:g} (at least load / {occ:g} = {big_number(load / occ)} agents)"
    raise case_error(
        source,
        row,
        f"{big_number(n[row])} agents on queue needed for {why}, above {MAX_AGENTS:,.0f}, the "
        "most agents a plan holds",
        expected=f"a smaller load or a higher {occ_name}"
        if not np.isnan(occ)
        else "a smaller load (fewer contacts, a shorter AHT, a longer interval)",
    )


def checked_columns(cases: pd.DataFrame, schema: TableSchema, source: str) -> dict:
    """The columns common to both models as float arrays, each value checked."""
    for col in schema.columns:
        if col.required and col.name not in cases.columns:
            raise InputError(
                f"missing column {col.name!r}",
                source=source,
                line=1,
                expected=", ".join(c.name for c in schema.columns if c.required),
            )
    names = ("contacts", "interval_min", "aht_s", "sl_threshold_s", "sl_target_rate", "agents")
    v = {c: column_values(cases, c) for c in (*names, "asa_target_s", "max_occupancy_rate")}
    for name in ("contacts", "interval_min", "aht_s", "sl_threshold_s", "asa_target_s"):
        fail_at_first(np.isinf(v[name]), "must be a finite number", source, name, v[name])
    for name in ("contacts", "sl_threshold_s"):
        values = v[name]
        fail_at_first(np.isnan(values) | (values < 0), "must be a number ≥ 0", source, name, values)
    for name in ("interval_min", "aht_s"):
        fail_at_first(~(v[name] > 0), "must be a number > 0", source, name, v[name])
    target, agents = v["sl_target_rate"], v["agents"]
    v["find"] = find = np.isnan(agents)
    for name in TARGETS:  # a row asks one question: the least agents, or their KPIs
        values = column_values(cases, name)
        target_name, agents_name = option_names(source, name, "agents")
        fail_at_first(
            ~find & ~np.isnan(values),
            f"is a target of the least-agents search, but {agents_name} is given: give "
            f"{target_name} to find the least agents, or {agents_name} for their KPIs, not both",
            source,
            name,
            values,
        )
    fail_at_first(
        find & np.isnan(target),
        "give sl_target_rate (to find agents) or agents",
        source,
        "sl_target_rate",
        target,
    )
    fail_at_first(
        find & ((target <= 0) | (target >= 1)),
        "must be in (0, 1)",
        source,
        "sl_target_rate",
        target,
    )
    fail_at_first(
        ~find & (agents != np.round(agents)), "must be a whole number", source, "agents", agents
    )
    fail_at_first(
        ~find & ((agents < 0) | (agents > MAX_AGENTS)),
        f"must be in [0, {MAX_AGENTS:,.0f}] (the most agents a plan holds)",
        source,
        "agents",
        agents,
    )
    max_occ, asa_t = v["max_occupancy_rate"], v["asa_target_s"]
    fail_at_first(
        (max_occ < MIN_OCCUPANCY_RATE) | (max_occ > 1),
        f"must be in [{MIN_OCCUPANCY_RATE:g}, 1] (below {MIN_OCCUPANCY_RATE:g} the agents "
        f"are over {1 / MIN_OCCUPANCY_RATE:g} times the load)",
        source,
        "max_occupancy_rate",
        max_occ,
    )
    fail_at_first(asa_t <= 0, "must be > 0", source, "asa_target_s", asa_t)
    return v
