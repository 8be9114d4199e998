"""The stages of a plan, run in order on tables: each stage reads the tables of the stages
before it as the plan folder holds them (:mod:`wfm.pipeline.filed`), and the plan is
corrected by simulation (:mod:`wfm.pipeline.correction`) when the scenario asks for rounds.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace

import pandas as pd

from wfm.core.config import Scenario
from wfm.core.errors import ConfigError
from wfm.core.results import StageResult
from wfm.core.run_options import RunOptions
from wfm.core.tables import STAGE_TABLES, STAGES, check_stage
from wfm.forecast.stage import forecast_contacts
from wfm.pipeline.correction import correct_if_asked
from wfm.pipeline.filed import as_filed, as_written
from wfm.pipeline.roster import roster_stage
from wfm.schedule.stage import schedule_shifts
from wfm.simulate.stage import simulate_tables
from wfm.split.stage import split_contacts
from wfm.staffing.stage import staffing_requirements

log = logging.getLogger(__name__)

ProgressFn = Callable[[str, int, int, float | None], None]
"""``progress(stage, index, total, wall_s)``, called before (``wall_s`` None) and after each
stage."""


def _run_stage(
    name: str, tables: dict[str, pd.DataFrame], scenario: Scenario, options: RunOptions
) -> StageResult:
    if name == "forecast":
        return forecast_contacts(
            tables["history"], scenario, events=tables.get("events"), options=options
        )
    if name == "split":
        return split_contacts(tables["forecast"], scenario)
    if name == "requirements":
        return staffing_requirements(tables["split"], scenario)
    if name == "schedule":
        return schedule_shifts(tables["requirements"], scenario)
    if name == "simulation":
        return simulate_tables(tables, scenario)
    if name == "roster":
        return roster_stage(tables, scenario, options)
    check_stage(name)  # a name that is not a stage is a ConfigError
    raise AssertionError(f"stage {name!r} has no runner")


def plan_tables(
    history: pd.DataFrame | None,
    scenario: Scenario,
    *,
    stop_after: str | None = None,
    start_from: str | None = None,
    given: dict[str, pd.DataFrame] | None = None,
    progress: ProgressFn | None = None,
    options: RunOptions | None = None,
) -> dict[str, StageResult]:
    """Run the stages in order and return each stage's result.

    Parameters
    ----------
    history : pandas.DataFrame or None
        Validated HISTORY table (not needed when starting after the forecast).
    scenario : Scenario
        The centre to plan.
    stop_after : str, optional
        Last stage to run (``"requirements"`` for a fast what-if); default all.
    start_from : str, optional
        First stage to run; the tables it reads must be in ``given``.
    given : dict of str to DataFrame, optional
        Tables of earlier stages by file stem (``forecast``, ``split``, ``pool_agents``, ...).
    progress : callable, optional
        ``progress(stage, index, total, wall_s)``, called before (``wall_s`` None) and after
        each stage.
    options : RunOptions, optional
        How this run executes: forecast workers or Dask scheduler, and the solver's
        ``num_workers`` and ``time_limit_s`` for this run (over the scenario's).

    Returns
    -------
    dict of str to StageResult
        Keyed by stage name, in pipeline order; floats at the precision the plan folder
        holds (:func:`as_written`), so a plan in memory equals the plan read back.
    """
    first = STAGES.index(check_stage(start_from)) if start_from else 0
    last = STAGES.index(check_stage(stop_after)) if stop_after else len(STAGES) - 1
    if last < first:
        raise ConfigError(f"stop_after {stop_after!r} comes before start_from {start_from!r}")
    options = options or RunOptions()
    scenario = options.apply(scenario)
    tables: dict[str, pd.DataFrame] = dict(given or {})
    if history is not None:
        tables["history"] = history
    if start_from == "roster" and scenario.roster is None:
        raise ConfigError(
            "the roster stage needs a [roster] section naming the agents file", key="roster"
        )
    results: dict[str, StageResult] = {}
    todo = tuple(n for n in STAGES[first : last + 1] if n != "roster" or scenario.roster)
    for i, name in enumerate(todo):
        if name == "roster" and "simulation" in results:
            # the roster takes the schedule as corrected by simulation
            results = correct_if_asked(results, tables, scenario)
            tables["schedule"] = results["schedule"].table
        results[name] = _step(name, (i + 1, len(todo)), tables, scenario, options, progress)
    if "roster" not in results:
        results = correct_if_asked(results, tables, scenario)
    return results


def _step(
    name: str,
    at: tuple[int, int],
    tables: dict[str, pd.DataFrame],
    scenario: Scenario,
    options: RunOptions,
    progress: ProgressFn | None,
) -> StageResult:
    """Run one stage (``at``: its place and the stages of the run); its tables go into
    ``tables`` as the plan folder holds them."""
    spec = STAGE_TABLES[name]
    missing = [t for t in spec.reads if t not in tables and t not in spec.optional]
    if missing:
        raise ConfigError(f"stage {name!r} needs the {', '.join(missing)} table(s)")
    if progress:
        progress(name, *at, None)
    t0 = time.perf_counter()
    res = _run_stage(name, tables, scenario, options)
    res = replace(res, wall_s=time.perf_counter() - t0)
    log.info("stage %s done in %.2f s", name, res.wall_s)
    if progress:
        progress(name, *at, res.wall_s)
    tables[name] = as_written(res.table)
    tables.update({k: as_written(v) for k, v in res.tables.items()})
    return replace(
        res,
        table=as_filed(tables[name], name),
        tables={k: as_filed(tables[k], k) for k in res.tables},
    )
