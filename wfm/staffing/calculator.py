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
from wfm.core.schemas import MAX_AGENTS
from wfm.core.units import S_PER_MIN
from wfm.staffing import agents_search, erlang, erlang_a, erlang_c_search
from wfm.staffing.erlang_cases import (
    CASE_SCHEMAS,
    FTE_H_PER_WEEK,
    OPTIONS,
    big_number,
    case_error,
    check_agents_found,
    checked_columns,
    column_values,
    fail_at_first,
    option_names,
    refuse_erlang_a_columns,
)

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
        refuse_erlang_a_columns(cases, source)
    v = checked_columns(cases, CASE_SCHEMAS[model], source)
    v["load"] = load = v["contacts"] * v["aht_s"] / (v["interval_min"] * S_PER_MIN)
    big = ~(load <= erlang.MAX_TRAFFIC_ERLANGS)  # beyond it the search would run for ever
    if big.any():
        row = int(np.argmax(big))
        contacts, aht, interval = option_names(source, "contacts", "aht_s", "interval_min")
        raise case_error(
            source,
            row,
            f"offered load {contacts} × {aht} / ({interval} × 60 s) = {big_number(load[row])} "
            f"Erlangs is above {erlang.MAX_TRAFFIC_ERLANGS:,.0f} Erlangs, the most the "
            "calculator solves",
            # one case: the options together drive the load; a file: the column as before
            None if source == OPTIONS else "aht_s",
            expected="fewer contacts, a shorter AHT or a longer interval",
        )
    out = cases.copy()
    out["traffic_erlangs"] = load
    out = _SOLVERS[model](cases, out, v, abandoned_in_sl, source)
    check_agents_found(out["agents"].to_numpy(), v, source)
    return out


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
    patience = column_values(cases, "patience_s")
    fail_at_first(~(patience > 0), "must be a number > 0", source, "patience_s", patience)
    max_ab = column_values(cases, "max_abandon_rate")
    fail_at_first(max_ab <= 0, "must be in (0, 1]", source, "max_abandon_rate", max_ab)
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
    shrink = np.nan_to_num(column_values(out, "shrinkage_rate"), nan=0.0)
    fail_at_first(
        ~((shrink >= 0) & (shrink <= MAX_SHRINKAGE_RATE)),
        f"must be in [0, {MAX_SHRINKAGE_RATE:g}] (above it under a tenth of paid time is on queue)",
        source,
        "shrinkage_rate",
        shrink,
    )
    open_h, fte_h = column_values(out, "open_h_per_week"), column_values(out, "fte_h_per_week")
    fail_at_first(
        ~(open_h > 0) & ~np.isnan(open_h), "must be > 0", source, "open_h_per_week", open_h
    )
    fail_at_first(
        open_h > 168, "must be ≤ 168 (hours in a week)", source, "open_h_per_week", open_h
    )
    low, high = FTE_H_PER_WEEK
    fail_at_first(
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
        (other_name,) = option_names(source, other)
        raise case_error(
            source, row, f"is empty but {other_name} is given; give both or neither", key
        )
    agents = out["agents"].to_numpy(dtype=np.float64)
    gross = agents / (1.0 - shrink)
    paid_n = np.ceil(gross - _WHOLE_TOL)
    big = paid_n > MAX_AGENTS
    if big.any():
        row = int(np.argmax(big))
        (shrink_name,) = option_names(source, "shrinkage_rate")
        raise case_error(
            source,
            row,
            f"{big_number(paid_n[row])} agents paid ({big_number(agents[row])} on queue / (1 − "
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
