"""Plans corrected by simulation: raise the requirement where the simulated plan misses its
target, solve the schedule again, and simulate again, for a few rounds.

The staffing stage sizes each (interval, site, skill) queue on its own with a formula; the
simulation runs the whole centre (shared pools, overflow, shrinkage drawn at random, queues
carried from one interval to the next). Where the two disagree the simulation is the better
judge, so, after Feldman, Mandelbaum, Massey & Whitt [1]_ (iterate simulation and staffing
until each interval's simulated performance meets its target), each round:

1. takes the intervals **significantly** below target in the last simulation: the upper end of
   the replications' interval, ``service_level_rate + service_level_half_width_rate``, is
   below ``sl_target_rate`` (a miss that replication noise does not explain);
2. raises their net requirement by the simulated deficit converted to agents: the Erlang C
   agents for the target less the Erlang C agents that give the achieved service level at
   the row's load (on conversation slots for concurrent channels), at least one agent (one
   for deferred work); the gross requirement follows with the row's gross/net ratio. Raises
   add up over rounds and never go down;
3. solves the schedule again on the raised requirements (the schedule stage takes no start
   point, so it is a new solve, seeded as before) and simulates the new plan, shrinkage
   still drawn at random.

It stops when no row is significantly below target or after ``rounds`` rounds.

References
----------
.. [1] Z. Feldman, A. Mandelbaum, W. A. Massey, W. Whitt, "Staffing of time-varying queues
   to achieve time-stable performance," Management Science, 54(2), 324–338, 2008.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from wfm.core.config import Scenario
from wfm.core.errors import ConfigError
from wfm.core.results import StageResult
from wfm.core.units import S_PER_MIN
from wfm.pipeline.filed import as_written, filed, in_file_order
from wfm.schedule.stage import schedule_shifts
from wfm.simulate.stage import simulate_tables
from wfm.staffing.erlang_c_search import agents_for_target

log = logging.getLogger(__name__)

_KEYS = ["interval_start", "site", "skill"]
_SIMULATION_READS = ("pool_agents", "overflow", "coverage", "allocation")
"""The schedule's side tables the simulation reads."""
ROUND_COLUMNS = (
    "round",
    "cost",
    "rows_below_target",
    "contacts_below_target_rate",
    "rows_significantly_below",
    "contacts_significantly_below_rate",
    "raised_rows",
    "raised_agents",
    "wall_s",
)


def correct_by_simulation(
    results: dict[str, StageResult],
    scenario: Scenario,
    *,
    rounds: int | None = None,
) -> tuple[dict[str, StageResult], pd.DataFrame]:
    """Raise requirements where the simulated plan is significantly below target and re-plan.

    Parameters
    ----------
    results : dict of str to StageResult
        A plan's stage results (``plan_tables``): at least ``split``, ``requirements`` and
        ``schedule``; ``simulation`` is run first when absent.
    scenario : Scenario
        The centre planned (targets, shrinkage, solver and simulation settings).
    rounds : int, optional
        Correction rounds at most; default ``scenario.simulation.correction_rounds``. 0
        returns the plan unchanged with its round-0 figures.

    Returns
    -------
    (dict of str to StageResult, pandas.DataFrame)
        The corrected results (``requirements``, ``schedule`` and ``simulation`` replaced by the
        last round's; a round's requirements and the schedule tables the simulation reads at
        the precision the plan folder holds, :func:`~wfm.pipeline.filed.as_written`, as the
        round's solve and simulation read them) and one row per round (0 = the plan given)
        with ``ROUND_COLUMNS``:
        cost (schedule objective) [currency], rows (interval × site × skill with contacts)
        below target and significantly below, the share of simulated contacts in them, the
        rows raised and agents added (net, cumulated) before the round, wall time [s].
    """
    rounds = scenario.simulation.correction_rounds if rounds is None else rounds
    if rounds < 0:
        raise ConfigError(f"correction rounds must be ≥ 0, got {rounds}")
    missing = [k for k in ("split", "requirements", "schedule") if k not in results]
    if missing:
        raise ConfigError(f"correction by simulation needs the {', '.join(missing)} stage(s)")
    out = dict(results)
    t0 = time.perf_counter()
    split = as_written(out["split"].table)  # the same in every round: written once
    if "simulation" not in out:
        out["simulation"] = _simulate(split, _read_by_simulation(out["schedule"]), scenario)
    base = out["requirements"].table
    extra = pd.Series(0, index=pd.MultiIndex.from_frame(base[_KEYS]), dtype=np.int64)
    table = [_round_row(0, out, 0, 0, time.perf_counter() - t0)]
    for r in range(1, rounds + 1):
        t0 = time.perf_counter()
        raise_by = simulated_deficit(out["simulation"].table, out["requirements"].table, scenario)
        if raise_by.empty:
            break
        extra = extra.add(raise_by, fill_value=0).astype(np.int64)
        # a round's tables are written once, as the solve and the simulation read them and
        # as the plan folder holds them (the schedule's other tables: the last round's only)
        req = as_written(raised_requirements(base, extra, scenario))
        out["requirements"] = replace(out["requirements"], table=req)
        schedule = _timed(lambda req=req: schedule_shifts(req, scenario))
        out["schedule"] = _read_by_simulation(schedule)
        out["simulation"] = _simulate(split, out["schedule"], scenario)
        raised = extra[extra > 0]
        table.append(_round_row(r, out, len(raised), int(raised.sum()), time.perf_counter() - t0))
        log.info("correction round %d: %s", r, table[-1])
    return out, pd.DataFrame(table, columns=list(ROUND_COLUMNS))


def simulated_deficit(
    simulation: pd.DataFrame, requirements: pd.DataFrame, scenario: Scenario
) -> pd.Series:
    """Net agents to add per (interval_start, site, skill) significantly below target.

    Returns
    -------
    pandas.Series
        Whole agents ≥ 1, indexed by ``interval_start``, ``site``, ``skill``; empty when no
        row is significantly below target.
    """
    low = significantly_below(simulation)
    rows = simulation.loc[low, [*_KEYS, "service_level_rate"]].merge(
        requirements[[*_KEYS, "contacts", "aht_s", "agents_required"]], on=_KEYS, how="inner"
    )
    if rows.empty:
        return pd.Series(dtype=np.int64, index=pd.MultiIndex.from_tuples([], names=_KEYS))
    add = np.ones(len(rows), dtype=np.int64)
    for skill, pos in rows.groupby("skill", sort=True).indices.items():
        ch = scenario.channels[scenario.skill_channel(skill)]
        if ch.queue_model == "deferred":
            continue
        t = scenario.skill_target(skill)
        r = rows.iloc[pos]
        load = (
            r["contacts"].to_numpy(float)
            * r["aht_s"].to_numpy(float)
            / (scenario.interval_min * S_PER_MIN)
            / max(ch.max_concurrency, 1)
        )
        aht = r["aht_s"].to_numpy(float)
        achieved = np.clip(r["service_level_rate"].to_numpy(float), 0.01, t.sl_target_rate)
        need = agents_for_target(load, aht, t.sl_threshold_s, t.sl_target_rate)
        got = agents_for_target(load, aht, t.sl_threshold_s, achieved)
        add[pos] = np.maximum(np.asarray(need - got, dtype=np.int64), 1)
    index = pd.MultiIndex.from_frame(rows[_KEYS])
    return pd.Series(add, index=index).groupby(level=[0, 1, 2]).sum()


def significantly_below(simulation: pd.DataFrame) -> pd.Series:
    """Rows whose replication interval lies wholly below target (with contacts)."""
    sl = simulation["service_level_rate"]
    upper = sl + simulation["service_level_half_width_rate"].fillna(0.0)
    return (simulation["contacts"] > 0) & sl.notna() & (upper < simulation["sl_target_rate"])


def raised_requirements(base: pd.DataFrame, extra: pd.Series, scenario: Scenario) -> pd.DataFrame:
    """``base`` with ``extra`` net agents added per row, gross by the row's gross/net ratio
    (1 / (1 − shrinkage) where the row needed no agent)."""
    req = base.copy()
    add = extra.reindex(pd.MultiIndex.from_frame(req[_KEYS])).fillna(0).to_numpy(np.int64)
    net = req["agents_required"].to_numpy(float)
    gross = req["agents_required_gross"].to_numpy(float)
    shrink = np.array(
        [
            scenario.shrinkage_rate(s, scenario.skill_channel(k))
            for s, k in zip(req["site"], req["skill"], strict=True)
        ]
    )
    ratio = np.where(net > 0, gross / np.where(net > 0, net, 1.0), 1.0 / (1.0 - shrink))
    req["agents_required"] = req["agents_required"] + add
    req["agents_required_gross"] = gross + add * ratio
    return req


def _timed(fn) -> StageResult:
    t0 = time.perf_counter()
    res = fn()
    return replace(res, wall_s=time.perf_counter() - t0)


def _read_by_simulation(schedule: StageResult) -> StageResult:
    """The schedule with the side tables the simulation reads as written."""
    side = {k: as_written(v) if k in _SIMULATION_READS else v for k, v in schedule.tables.items()}
    return replace(schedule, tables=side)


def _schedule_filed(schedule: StageResult, name: str = "schedule") -> StageResult:
    """A round's schedule (:func:`_read_by_simulation`) as the plan folder holds it: its other
    tables written, every table in file order."""
    side = {k: v if k in _SIMULATION_READS else as_written(v) for k, v in schedule.tables.items()}
    return in_file_order(replace(schedule, table=as_written(schedule.table), tables=side), name)


def _simulate(split: pd.DataFrame, schedule: StageResult, scenario: Scenario) -> StageResult:
    """Simulate the plan as the pipeline does, on the tables as written (``split`` and the
    tables of the ``schedule`` it reads already are)."""
    tables = {k: schedule.tables[k] for k in _SIMULATION_READS if k in schedule.tables}
    tables["split"] = split
    return _timed(lambda: simulate_tables(tables, scenario))


def _round_row(r: int, results: dict[str, StageResult], rows: int, agents: int, wall_s: float):
    sim = results["simulation"].table
    live = sim["contacts"] > 0
    below = live & ~sim["meets_target"].astype(bool)
    low = significantly_below(sim)
    total = float(sim.loc[live, "contacts"].sum())

    def share(mask: pd.Series) -> float:
        return float(sim.loc[mask, "contacts"].sum()) / total if total > 0 else 0.0

    solve = results["schedule"].solve
    return {
        "round": r,
        "cost": float(solve.objective) if solve is not None else np.nan,
        "rows_below_target": int(below.sum()),
        "contacts_below_target_rate": share(below),
        "rows_significantly_below": int(low.sum()),
        "contacts_significantly_below_rate": share(low),
        "raised_rows": rows,
        "raised_agents": agents,
        "wall_s": wall_s,
    }


def correct_if_asked(
    results: dict[str, StageResult], tables: dict[str, pd.DataFrame], scenario: Scenario
) -> dict[str, StageResult]:
    """The plan corrected by simulation when it has a simulation and rounds are asked."""
    if "simulation" in results and scenario.simulation.correction_rounds > 0:
        return _corrected(results, tables, scenario)
    return results


def _corrected(
    results: dict[str, StageResult], tables: dict[str, pd.DataFrame], scenario: Scenario
) -> dict[str, StageResult]:
    """The plan corrected by simulation (:mod:`wfm.pipeline.correction`), its rounds written
    as the simulation's side table ``correction`` and summed up in a note."""
    given = {k: StageResult(table=tables[k]) for k in ("split",) if k in tables}
    if not {"requirements", "schedule"} <= set(results) or "split" not in {*results, *given}:
        return results
    out, rounds = correct_by_simulation({**given, **results}, scenario)
    sim = out["simulation"]
    last = rounds.iloc[-1]
    note = (
        f"corrected by simulation in {len(rounds) - 1} round(s): cost "
        f"{rounds['cost'].iloc[0]:,.0f} → {last['cost']:,.0f}, contacts in intervals "
        f"significantly below target {rounds['contacts_significantly_below_rate'].iloc[0]:.1%} "
        f"→ {last['contacts_significantly_below_rate']:.1%} (see correction.csv)"
    )
    out["simulation"] = replace(
        sim, tables={**sim.tables, "correction": rounds}, notes=(*sim.notes, note)
    )
    # the rounds wrote the requirements and what the simulation reads; the rest is written here
    file_as: dict[str, Callable[..., Any]] = {
        "requirements": in_file_order,
        "schedule": _schedule_filed,
        "simulation": filed,
    }
    return {
        name: file_as[name](out[name], name) if out[name] is not results[name] else results[name]
        for name in results
    }
