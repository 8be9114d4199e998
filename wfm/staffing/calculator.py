"""Erlang calculator over a table of cases: least agents for a target, or the KPIs of a staffing.

Backs ``wfm erlang c|a``: one case from command-line options, or every row of a CSV whose
columns are named like the options (a batch calculator). Rows with ``agents`` answer the
reverse question: what a given staffing achieves.

Every count stays within the contracts: agents given or found, and agents paid, at most
``MAX_AGENTS``; a case that would need more is refused naming the inputs that drive it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wfm.core.checks import MAX_SHRINKAGE_RATE
from wfm.core.errors import InputError
from wfm.core.schemas import MAX_AGENTS, Column, TableSchema
from wfm.core.units import S_PER_MIN
from wfm.staffing import agents_search, erlang, erlang_a, erlang_c_search

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

OUTPUT_COLUMNS = {
    "c": (
        "traffic_erlangs",
        "agents",
        "wait_probability",
        "service_level_rate",
        "asa_s",
        "occupancy_rate",
    ),
    "a": (
        "traffic_erlangs",
        "agents",
        "wait_probability",
        "abandon_probability",
        "service_level_rate",
        "asa_s",
        "asa_answered_s",
        "occupancy_rate",
    ),
}


#: Columns added by :func:`with_paid_agents`.
PAID_COLUMNS = ("shrinkage_rate", "agents_gross", "agents_paid", "fte_week")

# a gross count within this of a whole number is that number: 21 / (1 − 0.3) is
# 30.000000000000004 in floating point and must not round up to 31
_WHOLE_TOL = 1e-9


def _column(cases: pd.DataFrame, name: str) -> np.ndarray:
    if name not in cases.columns:
        return np.full(len(cases), np.nan)
    return pd.to_numeric(cases[name], errors="coerce").to_numpy(dtype=np.float64)


def _opt(name: str) -> str:
    """The command-line option of a column: ``aht_s`` → ``--aht-s``."""
    return "--" + name.replace("_", "-")


def _error(
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
        return InputError(message, key=key and _opt(key), got=got, expected=expected)
    return InputError(message, source=source, line=row + 2, key=key, got=got, expected=expected)


def _fail(
    mask: np.ndarray,
    message: str,
    source: str,
    key: str,
    values: np.ndarray,
    expected: str | None = None,
) -> None:
    if mask.any():
        row = int(np.argmax(mask))
        raise _error(source, row, message, key, got=values[row], expected=expected)


def _names(source: str, *columns: str) -> list[str]:
    """Columns as a message names them: options for one case, else column names."""
    return [_opt(c) if source == OPTIONS else c for c in columns]


def _big(value: float) -> str:
    """A count or load for a message: ``1,400,000`` (never 300 digits)."""
    return f"{value:,.0f}" if abs(value) < 1e15 else f"{value:.3g}"


def erlang_cases(
    cases: pd.DataFrame,
    model: str,
    *,
    abandoned_in_sl: bool = True,
    source: str = "cases",
) -> pd.DataFrame:
    """Solve every row of ``cases`` with Erlang C (``model="c"``) or Erlang A (``"a"``).

    Parameters
    ----------
    cases : pandas.DataFrame
        Columns of ``CASE_SCHEMAS[model]``: ``contacts`` per interval, ``interval_min``,
        ``aht_s``, ``sl_threshold_s``, and per row either ``sl_target_rate`` (find the least
        agents; ``asa_target_s``, ``max_occupancy_rate``, ``max_abandon_rate`` optional) or
        ``agents`` (KPIs of that staffing); ``patience_s`` for Erlang A.
    model : {"c", "a"}
        Queue model.
    abandoned_in_sl : bool
        Erlang A service-level convention (abandoned contacts count as failures over all
        arrivals, or leave the denominator).
    source : str
        Name used in error messages (file name); line = row + 2. ``OPTIONS`` for one case
        given as command-line options: errors then name the options (``--aht-s``).

    Returns
    -------
    pandas.DataFrame
        The input columns, then ``OUTPUT_COLUMNS[model]``. Erlang C rows whose agents do not
        exceed the load have ``asa_s`` = inf (no steady state: the queue grows without
        bound); ``wfm erlang`` writes it as an empty cell.

    Raises
    ------
    InputError
        Naming the line and column of the first bad value: a row with both ``agents`` and a
        target (one question or the other), an Erlang A column (``patience_s``,
        ``max_abandon_rate``) given to Erlang C, an offered load above
        ``erlang.MAX_TRAFFIC_ERLANGS``, agents given or needed above ``MAX_AGENTS``.

    Examples
    --------
    >>> out = erlang_cases(pd.DataFrame({"contacts": [100.0], "interval_min": [30.0],
    ...     "aht_s": [180.0], "sl_threshold_s": [20.0], "sl_target_rate": [0.8]}), "c")
    >>> int(out.agents[0]), round(float(out.service_level_rate[0]), 4)
    (14, 0.8884)
    """
    if model not in CASE_SCHEMAS:
        raise ValueError(f"model must be 'c' or 'a'; got {model!r}")
    if model == "c":
        _refuse_erlang_a_columns(cases, source)
    v = _checked_columns(cases, CASE_SCHEMAS[model], source)
    v["load"] = load = v["contacts"] * v["aht_s"] / (v["interval_min"] * S_PER_MIN)
    big = ~(load <= erlang.MAX_TRAFFIC_ERLANGS)  # beyond it the search would run for ever
    if big.any():
        row = int(np.argmax(big))
        contacts, aht, interval = _names(source, "contacts", "aht_s", "interval_min")
        raise _error(
            source,
            row,
            f"offered load {contacts} × {aht} / ({interval} × 60 s) = {_big(load[row])} "
            f"Erlangs is above {erlang.MAX_TRAFFIC_ERLANGS:,.0f} Erlangs, the most the "
            "calculator solves",
            # one case: the options together drive the load; a file: the column as before
            None if source == OPTIONS else "aht_s",
            expected="fewer contacts, a shorter AHT or a longer interval",
        )
    out = cases.copy()
    out["traffic_erlangs"] = load
    out = _SOLVERS[model](cases, out, v, abandoned_in_sl, source)
    _check_agents_found(out["agents"].to_numpy(), v, source)
    return out


def _refuse_erlang_a_columns(cases: pd.DataFrame, source: str) -> None:
    """Erlang C has no abandonment: a patience or abandonment target given to it would be
    ignored without a word."""
    for name in ERLANG_A_ONLY:
        if name in cases.columns:
            given = cases[name].notna() & (cases[name].astype(str).str.strip() != "")
            if given.any():
                row = int(np.argmax(given.to_numpy()))
                raise _error(
                    source,
                    row,
                    "is an Erlang A column (abandonment), which Erlang C would ignore",
                    name,
                    got=cases[name].iloc[row],
                    expected="wfm erlang a for a queue with abandonment, or the column removed",
                )


def _check_agents_found(n: np.ndarray, v: dict, source: str) -> None:
    """Refuse a least-agents result above ``MAX_AGENTS``, naming the load and occupancy."""
    big = v["find"] & (n > MAX_AGENTS)
    if not big.any():
        return
    row = int(np.argmax(big))
    load, occ = v["load"][row], v["max_occupancy_rate"][row]
    contacts, aht, interval, occ_name = _names(
        source, "contacts", "aht_s", "interval_min", "max_occupancy_rate"
    )
    why = f"an offered load of {load:,.1f} Erlangs ({contacts} × {aht} / {interval})"
    if not np.isnan(occ):
        why += f" at {occ_name} {occ:g} (at least load / {occ:g} = {_big(load / occ)} agents)"
    raise _error(
        source,
        row,
        f"{_big(n[row])} agents on queue needed for {why}, above {MAX_AGENTS:,.0f}, the "
        "most agents a plan holds",
        expected=f"a smaller load or a higher {occ_name}"
        if not np.isnan(occ)
        else "a smaller load (fewer contacts, a shorter AHT, a longer interval)",
    )


def _checked_columns(cases: pd.DataFrame, schema: TableSchema, source: str) -> dict:
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
    v = {c: _column(cases, c) for c in (*names, "asa_target_s", "max_occupancy_rate")}
    for name in ("contacts", "interval_min", "aht_s", "sl_threshold_s", "asa_target_s"):
        _fail(np.isinf(v[name]), "must be a finite number", source, name, v[name])
    for name in ("contacts", "sl_threshold_s"):
        values = v[name]
        _fail(np.isnan(values) | (values < 0), "must be a number ≥ 0", source, name, values)
    for name in ("interval_min", "aht_s"):
        _fail(~(v[name] > 0), "must be a number > 0", source, name, v[name])
    target, agents = v["sl_target_rate"], v["agents"]
    v["find"] = find = np.isnan(agents)
    for name in TARGETS:  # a row asks one question: the least agents, or their KPIs
        values = _column(cases, name)
        target_name, agents_name = _names(source, name, "agents")
        _fail(
            ~find & ~np.isnan(values),
            f"is a target of the least-agents search, but {agents_name} is given: give "
            f"{target_name} to find the least agents, or {agents_name} for their KPIs, not both",
            source,
            name,
            values,
        )
    _fail(
        find & np.isnan(target),
        "give sl_target_rate (to find agents) or agents",
        source,
        "sl_target_rate",
        target,
    )
    _fail(
        find & ((target <= 0) | (target >= 1)),
        "must be in (0, 1)",
        source,
        "sl_target_rate",
        target,
    )
    _fail(~find & (agents != np.round(agents)), "must be a whole number", source, "agents", agents)
    _fail(
        ~find & ((agents < 0) | (agents > MAX_AGENTS)),
        f"must be in [0, {MAX_AGENTS:,.0f}] (the most agents a plan holds)",
        source,
        "agents",
        agents,
    )
    max_occ, asa_t = v["max_occupancy_rate"], v["asa_target_s"]
    _fail(
        (max_occ < MIN_OCCUPANCY_RATE) | (max_occ > 1),
        f"must be in [{MIN_OCCUPANCY_RATE:g}, 1] (below {MIN_OCCUPANCY_RATE:g} the agents "
        f"are over {1 / MIN_OCCUPANCY_RATE:g} times the load)",
        source,
        "max_occupancy_rate",
        max_occ,
    )
    _fail(asa_t <= 0, "must be > 0", source, "asa_target_s", asa_t)
    return v


def _solve_c(
    cases: pd.DataFrame, out: pd.DataFrame, v: dict, abandoned_in_sl: bool, source: str
) -> pd.DataFrame:
    """Erlang C: least agents of the rows with a target, then the KPIs of every row."""
    del cases, abandoned_in_sl, source  # no further columns, no abandonment
    load, aht, thr, find = v["load"], v["aht_s"], v["sl_threshold_s"], v["find"]
    n = np.where(find, 0.0, v["agents"])
    if find.any():
        n[find] = erlang_c_search.agents_for_target(
            load[find],
            aht[find],
            thr[find],
            v["sl_target_rate"][find],
            asa_target_s=_or(v["asa_target_s"], np.inf)[find],
            max_occupancy_rate=_or(v["max_occupancy_rate"], 1.0)[find],
        )
    out["agents"] = n.astype(np.int64)
    out["wait_probability"] = erlang.wait_probability(n, load)
    out["service_level_rate"] = erlang.service_level(n, load, aht, thr)
    out["asa_s"] = erlang.asa_s(n, load, aht)
    out["occupancy_rate"] = erlang.occupancy(n, load)
    return out


def _solve_a(
    cases: pd.DataFrame, out: pd.DataFrame, v: dict, abandoned_in_sl: bool, source: str
) -> pd.DataFrame:
    """Erlang A: patience and abandonment checked, least agents where asked, KPIs of all."""
    load, aht, thr, find = v["load"], v["aht_s"], v["sl_threshold_s"], v["find"]
    n = np.where(find, 0.0, v["agents"])
    patience = _column(cases, "patience_s")
    _fail(~(patience > 0), "must be a number > 0", source, "patience_s", patience)
    max_ab = _column(cases, "max_abandon_rate")
    _fail(max_ab <= 0, "must be in (0, 1]", source, "max_abandon_rate", max_ab)
    if find.any():
        n[find] = agents_search.agents_for_target(
            load[find],
            aht[find],
            patience[find],
            thr[find],
            v["sl_target_rate"][find],
            asa_target_s=_or(v["asa_target_s"], np.inf)[find],
            max_abandon_rate=_or(max_ab, 1.0)[find],
            max_occupancy_rate=_or(v["max_occupancy_rate"], 1.0)[find],
            abandoned_in_sl=abandoned_in_sl,
        )
    k = erlang_a.kpis(n, load, aht, patience, thr, abandoned_in_sl=abandoned_in_sl)
    out["agents"] = n.astype(np.int64)
    out["wait_probability"] = k.wait_probability
    out["abandon_probability"] = k.abandon_probability
    out["service_level_rate"] = k.service_level_rate
    out["asa_s"] = k.asa_s
    out["asa_answered_s"] = k.asa_answered_s
    out["occupancy_rate"] = k.occupancy_rate
    return out


def _or(values: np.ndarray, default: float) -> np.ndarray:
    """``values`` with NaN (not given) replaced by ``default``."""
    return np.where(np.isnan(values), default, values)


_SOLVERS = {"c": _solve_c, "a": _solve_a}
"""Solver of a table of cases per queue model."""


def with_paid_agents(out: pd.DataFrame, *, source: str = "cases") -> pd.DataFrame:
    """Add the paid agents and the weekly FTE to the rows solved by :func:`erlang_cases`.

    Parameters
    ----------
    out : pandas.DataFrame
        Output of :func:`erlang_cases` (``agents`` on queue), with optional columns
        ``shrinkage_rate`` (share of paid time off queue, in [0, 1); missing = 0),
        ``open_h_per_week`` (hours a week the queue is open [h]) and ``fte_h_per_week``
        (contract hours of one full-time equivalent [h/week]).
    source : str
        Name used in error messages (file name); line = row + 2.

    Returns
    -------
    pandas.DataFrame
        ``out`` with ``shrinkage_rate`` (0 where missing), ``agents_gross`` = agents / (1 −
        shrinkage_rate) [agents, fractional], ``agents_paid`` = ``agents_gross`` rounded up
        [agents] and ``fte_week`` = ``agents_gross`` × ``open_h_per_week`` /
        ``fte_h_per_week``: the full-time equivalents paid to staff the interval's agents
        through every open hour of a week (NaN unless both hours are given).

    Raises
    ------
    InputError
        Shrinkage outside [0, ``MAX_SHRINKAGE_RATE``], open hours outside (0, 168], FTE
        hours outside ``FTE_H_PER_WEEK``, only one of the two hours given, or agents paid
        above ``MAX_AGENTS``.

    Examples
    --------
    >>> row = pd.DataFrame({"agents": [14], "shrinkage_rate": [0.25],
    ...     "open_h_per_week": [60.0], "fte_h_per_week": [35.0]})
    >>> paid = with_paid_agents(row)
    >>> int(paid.agents_paid[0]), round(float(paid.fte_week[0]), 6)
    (19, 32.0)
    """
    shrink = np.nan_to_num(_column(out, "shrinkage_rate"), nan=0.0)
    _fail(
        ~((shrink >= 0) & (shrink <= MAX_SHRINKAGE_RATE)),
        f"must be in [0, {MAX_SHRINKAGE_RATE:g}] (above it under a tenth of paid time is on queue)",
        source,
        "shrinkage_rate",
        shrink,
    )
    open_h, fte_h = _column(out, "open_h_per_week"), _column(out, "fte_h_per_week")
    _fail(~(open_h > 0) & ~np.isnan(open_h), "must be > 0", source, "open_h_per_week", open_h)
    _fail(open_h > 168, "must be ≤ 168 (hours in a week)", source, "open_h_per_week", open_h)
    low, high = FTE_H_PER_WEEK
    _fail(
        ~((fte_h >= low) & (fte_h <= high)) & ~np.isnan(fte_h),
        f"must be in [{low:g}, {high:g}] (contract hours of one FTE a week)",
        source,
        "fte_h_per_week",
        fte_h,
    )
    one = np.isnan(open_h) != np.isnan(fte_h)
    if one.any():
        row = int(np.argmax(one))
        key, other = ("open_h_per_week", "fte_h_per_week")[:: 1 if np.isnan(open_h[row]) else -1]
        (other_name,) = _names(source, other)
        raise _error(source, row, f"is empty but {other_name} is given; give both or neither", key)
    agents = out["agents"].to_numpy(dtype=np.float64)
    gross = agents / (1.0 - shrink)
    paid_n = np.ceil(gross - _WHOLE_TOL)
    big = paid_n > MAX_AGENTS
    if big.any():
        row = int(np.argmax(big))
        (shrink_name,) = _names(source, "shrinkage_rate")
        raise _error(
            source,
            row,
            f"{_big(paid_n[row])} agents paid ({_big(agents[row])} on queue / (1 − "
            f"{shrink[row]:g}), rounded up) is above {MAX_AGENTS:,.0f}, the most agents a "
            "plan holds",
            "shrinkage_rate",
            expected=f"a lower {shrink_name} or fewer agents on queue",
        )
    paid = out.copy()
    paid["shrinkage_rate"] = shrink
    paid["agents_gross"] = gross
    paid["agents_paid"] = paid_n.astype(np.int64)
    paid["fte_week"] = gross * open_h / fte_h
    return paid
