"""What-if sweeps: re-plan a scenario over a grid of one or two numeric keys, in parallel.

A sweep axis is written ``key=lo:hi:step`` (both ends included) or ``key=v1,v2,...``, with
any numeric scenario key (``segments.open.ai.chat.containment_rate=0.3:0.6:0.05``). Every
point rebuilds the scenario from its plain mapping with the key set, so the scenario's own
validation applies; each point is planned in a separate process (local, or a task on the
run's Dask cluster) and summarised by the planner's figures: human FTE, cost, cost per
contact, service level, AI share and overflow share (:mod:`wfm.pipeline.kpis`).
"""

from __future__ import annotations

import fnmatch
import functools
import itertools
import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any, Literal

import pandas as pd

from wfm.core.config import Scenario
from wfm.core.errors import ConfigError, WfmError
from wfm.core.mapping import scenario_from_dict, set_key
from wfm.core.plan import Plan
from wfm.core.results import StageResult
from wfm.core.run_options import RunOptions
from wfm.core.workers import stopping, worker_pool
from wfm.pipeline.kpis import KPI_COLUMNS, point_kpis

log = logging.getLogger(__name__)

Axis = tuple[str, tuple[float, ...]]
Through = Literal["requirements", "schedule"]
RunFn = Callable[[pd.DataFrame, Scenario], Plan | Mapping[str, StageResult]]

_MAX_POINTS = 400


def parse_axis(text: str) -> Axis:
    """Parse ``key=lo:hi:step`` or ``key=v1,v2,...`` into ``(key, values)``.

    Examples
    --------
    >>> parse_axis("segments.open.ai.chat.containment_rate=0.3:0.4:0.05")
    ('segments.open.ai.chat.containment_rate', (0.3, 0.35, 0.4))
    >>> parse_axis("ai_capacity.voice.max_sessions=40,60")
    ('ai_capacity.voice.max_sessions', (40.0, 60.0))
    """
    key, sep, spec = text.partition("=")
    key, spec = key.strip(), spec.strip()
    if not sep or not key or not spec:
        raise ConfigError(f"a sweep axis is KEY=LO:HI:STEP or KEY=V1,V2; got {text!r}")
    try:
        if ":" in spec:
            lo, hi, step = (float(p) for p in spec.split(":"))
            if step <= 0 or hi < lo:
                raise ValueError
            n = math.floor((hi - lo) / step + 1e-9) + 1
            values = tuple(round(lo + i * step, 12) for i in range(n))
        else:
            values = tuple(float(v) for v in spec.split(","))
    except ValueError:
        raise ConfigError(
            f"cannot read sweep values {spec!r}; expected LO:HI:STEP with STEP > 0 and "
            "HI ≥ LO, or numbers separated by commas",
            key=key,
        ) from None
    return key, values


def sweep(
    base_scenario: dict[str, Any],
    history: pd.DataFrame,
    axes: Sequence[Axis | str],
    *,
    run: RunFn | None = None,
    max_workers: int = 2,
    through: Through = "requirements",
    options: RunOptions | None = None,
    validated: Scenario | None = None,
) -> pd.DataFrame:
    """Plan every point of a grid of scenario keys and summarise each point.

    Parameters
    ----------
    base_scenario : dict
        Scenario as a plain mapping (parsed TOML).
    history : pandas.DataFrame
        HISTORY table given to ``run`` at every point.
    axes : sequence of (str, tuple of float) or str
        One or two axes, parsed with :func:`parse_axis` when given as text.
    run : callable, optional
        ``run(history, scenario) -> Plan`` (or a mapping of stage name to StageResult);
        default :func:`plan_point`: :func:`wfm.pipeline.run.make_plan` stopped after
        ``through`` (when no swept key changes the forecast, e.g. AI policy, capacity,
        targets or costs, the forecast is planned once and every point resumes from that
        plan at the split). Must be picklable
        (a module-level function or a ``functools.partial`` of one) when ``max_workers`` > 1
        or the points go to a Dask cluster.
    max_workers : int
        Processes planning points at once; 1 plans them one after the other in this process.
        Not used when ``options.dask_scheduler`` is given.
    through : {"requirements", "schedule"}
        Last stage of the default ``run`` (requirements: fast, FTE from requirements;
        schedule: FTE and cost of the optimised shifts).
    options : RunOptions, optional
        How the points and the default ``run`` execute (solver time limit and threads, Dask
        scheduler). With ``dask_scheduler`` every point is a task on that cluster (see
        :func:`wfm.forecast.cluster.dask_client`), and a forecast shared by every point is
        forecast there too; otherwise that forecast uses ``options.workers`` local
        processes. A point planned in parallel (on the cluster or in a local process)
        forecasts in its own process only: no process pool and no cluster inside a point.
    validated : Scenario, optional
        ``base_scenario`` as the caller validated it (:func:`wfm.core.mapping.scenario_from_dict`);
        the default ``run`` forecasts a shared forecast with it instead of validating the
        mapping again.

    Returns
    -------
    pandas.DataFrame
        One row per point in grid order: one column per axis key, then ``KPI_COLUMNS``.
        On a cluster, ``attrs["planned_on"]`` says which (address, workers, wfm version).

    Raises
    ------
    ConfigError
        A bad axis, too many points, or a point whose scenario is invalid (named); the Dask
        scheduler cannot be reached or its workers run another ``wfm`` version.
    WfmError
        A point's plan failed: the error of that kind, its message starting with the point
        (``what-if point KEY=VALUE: ...``). Any other failure of a point is a RuntimeError
        that names the point.
    """
    parsed = [parse_axis(a) if isinstance(a, str) else (a[0], tuple(a[1])) for a in axes]
    if not 1 <= len(parsed) <= 2:
        raise ConfigError(f"a sweep takes one or two keys; got {len(parsed)}")
    if len({k for k, _ in parsed}) != len(parsed):
        raise ConfigError("the two sweep keys are the same")
    if through not in ("requirements", "schedule"):
        raise ConfigError(f"through must be 'requirements' or 'schedule'; got {through!r}")
    points = list(itertools.product(*(values for _, values in parsed)))
    if len(points) > _MAX_POINTS:
        raise ConfigError(f"{len(points)} sweep points; at most {_MAX_POINTS}")
    keys = [k for k, _ in parsed]
    scenarios = [_point_scenario(base_scenario, keys, p) for p in points]
    options = options or RunOptions()
    overridden = {"solver.time_limit_s": options.time_limit_s}
    overridden["solver.num_workers"] = options.solver_num_workers
    for key in keys:
        if overridden.get(key) is not None:
            raise ConfigError(
                "is swept and also set for the run on the command line; drop one of them",
                key=key,
            )
    if run is None:
        run = _default_run(
            base_scenario, history, keys, through, options, max_workers, validated=validated
        )
    labels = [_label(keys, p) for p in points]
    planned_on = ""
    if options.dask_scheduler:
        rows, planned_on = _plan_on_cluster(run, history, scenarios, labels, options)
    elif max_workers <= 1 or len(points) == 1:
        rows = [_plan_point(run, history, sc, lb) for sc, lb in zip(scenarios, labels, strict=True)]
    else:
        with stopping(worker_pool(min(max_workers, len(points)))) as pool:
            futures = [
                pool.submit(_plan_point, run, history, sc, lb)
                for sc, lb in zip(scenarios, labels, strict=True)
            ]
            rows = [f.result() for f in futures]
    table = pd.DataFrame(
        [dict(zip(keys, p, strict=True)) | r for p, r in zip(points, rows, strict=True)]
    )
    table = table[keys + list(KPI_COLUMNS)]
    if planned_on:
        table.attrs["planned_on"] = planned_on
    return table


# keys that do not change the forecast: a sweep over them forecasts once and re-plans the rest
_AFTER_FORECAST = (
    "segments.*.ai.*",
    "segments.*.targets.*",
    "segments.*.must_reach_human",
    "segments.*.no_ai_channels",
    "ai_capacity.*",
    "split.*",
    "shrinkage.*",
    "shifts.*",
    "solver.*",
    "overflow.*",
    "simulation.*",
    "sites.*.cost_per_h",
    "sites.*.pools.*",
    "abandoned_in_sl",
)


def plan_point(history: pd.DataFrame, scenario: Scenario, **kwargs: Any) -> Plan:
    """One what-if point planned in memory: :func:`wfm.pipeline.run.make_plan` with the
    arguments of a sweep's ``run`` (history first), and ``kwargs`` passed on."""
    from wfm.pipeline.run import make_plan

    return make_plan(scenario, history, **kwargs)


def _default_run(
    base: dict[str, Any],
    history: pd.DataFrame,
    keys: list[str],
    through: str,
    options: RunOptions,
    max_workers: int,
    *,
    validated: Scenario | None = None,
):
    """:func:`plan_point` up to ``through``; resumed from one forecast plan when no key
    changes it (forecast with ``validated``, the base scenario, else ``base`` validated)."""
    # points planned in parallel, here or on a cluster, each forecast in their own process
    # (no pools in pools, no cluster from a cluster's worker)
    if max_workers > 1 or options.dask_scheduler:
        point_options = replace(options, workers=1, dask_scheduler="")
    else:
        point_options = options
    if not all(any(fnmatch.fnmatchcase(k, pat) for pat in _AFTER_FORECAST) for k in keys):
        return functools.partial(plan_point, stop_after=through, options=point_options)
    scenario = validated if validated is not None else scenario_from_dict(base)
    forecast = plan_point(history, scenario, stop_after="forecast", options=options)
    log.info("what-if: the swept keys do not change the forecast; it is computed once")
    return functools.partial(
        plan_point,
        start_from="split",
        stop_after=through,
        previous=forecast,
        options=point_options,
    )


def _label(keys: list[str], point: tuple[float, ...]) -> str:
    return ", ".join(f"{k}={v:g}" for k, v in zip(keys, point, strict=True))


def _point_scenario(base: dict[str, Any], keys: list[str], point: tuple[float, ...]) -> Scenario:
    data = base
    for key, value in zip(keys, point, strict=True):
        data = set_key(data, key, value)
    return scenario_from_dict(data, source=f"what-if point {_label(keys, point)}")


def _plan_point(
    run: RunFn, history: pd.DataFrame, scenario: Scenario, label: str
) -> dict[str, Any]:
    """KPIs of one point; an error says which point it came from."""
    try:
        return point_kpis(run(history, scenario), scenario)
    except WfmError as err:  # same kind of error (same exit code), the point named first
        if not str(err).startswith(f"what-if point {label}"):
            err.args = (f"what-if point {label}: {err}",)
        raise
    except Exception as err:
        raise RuntimeError(f"what-if point {label} failed: {type(err).__name__}: {err}") from err


def _plan_on_cluster(
    run: RunFn,
    history: pd.DataFrame,
    scenarios: list[Scenario],
    labels: list[str],
    options: RunOptions,
) -> tuple[list[dict[str, Any]], str]:
    """Every point a task on the run's Dask cluster; KPIs in point order, and where they ran.

    The history and ``run`` (which may hold the shared forecast plan) are sent to the
    cluster once and shared by the tasks.
    """
    from wfm.forecast.cluster import dask_client, where

    with dask_client(options, instead="plan the points in local processes") as client:
        planned_on = where(client)
        log.info("what-if: %d points planned on %s", len(scenarios), planned_on)
        history_f = client.scatter(history, hash=False)
        run_f = client.scatter(run, hash=False)
        futures = [
            client.submit(_plan_point, run_f, history_f, sc, lb, pure=False)
            for sc, lb in zip(scenarios, labels, strict=True)
        ]
        return [f.result() for f in futures], planned_on
