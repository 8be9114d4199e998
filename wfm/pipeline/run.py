"""Compose the stages into a plan, and write a plan folder.

``plan_tables`` is pure: history + scenario → every stage's result. ``run_plan`` adds the
I/O: it reads inputs, resumes from a previous plan folder's CSV when asked, writes every
table and a ``manifest.json`` (inputs' hashes, versions, parameters, stage timings, solver
status and gap, the files written) into a temporary folder and renames it into place, so a
failed run leaves no half-written plan. The plan goes only into an absent or empty folder or a
previous plan folder (whose files wfm did not write are kept); see
:func:`wfm.io.plan_folder.check_plan_out`.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import logging
import platform
import time
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from wfm import __version__
from wfm.core.config import Scenario
from wfm.core.errors import ConfigError
from wfm.core.results import StageResult
from wfm.core.routing import ALLOCATION
from wfm.core.run_options import RunOptions
from wfm.core.schemas import (
    COVERAGE,
    FORECAST,
    HISTORY,
    OVERFLOW,
    POOL_AGENTS,
    REQUIREMENTS,
    SCHEMAS,
    SPLIT,
    TableSchema,
)
from wfm.forecast.events import EVENTS, check_events
from wfm.forecast.stage import forecast_contacts
from wfm.io.files import atomic_dir, copy_file, read_json, sha256_file, write_json_atomic
from wfm.io.plan_folder import SCENARIO_COPY, check_plan_out, check_run_id, plan_files
from wfm.io.scenario import load_scenario
from wfm.io.tables import FLOAT_FORMAT, read_table, write_table
from wfm.pipeline.preflight import check_plan_inputs
from wfm.schedule.stage import schedule_shifts
from wfm.simulate.stage import simulate_plan
from wfm.split.stage import split_contacts
from wfm.staffing.stage import staffing_requirements

log = logging.getLogger(__name__)

STAGES = ("forecast", "split", "requirements", "schedule", "simulation")
"""Stage names in pipeline order; each writes ``<name>.csv``."""

# tables each stage reads, by file stem (what a resumed run loads from the previous plan)
_INPUTS: dict[str, tuple[str, ...]] = {
    "forecast": ("history",),
    "split": ("forecast",),
    "requirements": ("split",),
    "schedule": ("requirements",),
    "simulation": ("split", "pool_agents", "overflow", "coverage", "allocation"),
}
_SCHEMA_OF: dict[str, TableSchema] = {
    "history": HISTORY,
    "forecast": FORECAST,
    "split": SPLIT,
    "requirements": REQUIREMENTS,
    "pool_agents": POOL_AGENTS,
    "overflow": OVERFLOW,
    "coverage": COVERAGE,
    "allocation": ALLOCATION,
}

# tables a stage uses when present (a plan without overflow, or simulated without coverage)
_OPTIONAL = ("overflow", "coverage", "allocation")

ProgressFn = Callable[[str, int, int, float | None], None]


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
        return simulate_plan(
            tables["split"],
            tables["pool_agents"],
            scenario,
            overflow=tables.get("overflow"),
            coverage=tables.get("coverage"),
            allocation=tables.get("allocation"),
        )
    raise ConfigError(f"unknown stage {name!r}; expected one of {', '.join(STAGES)}")


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
        Keyed by stage name, in pipeline order.
    """
    first = STAGES.index(start_from) if start_from else 0
    last = STAGES.index(stop_after) if stop_after else len(STAGES) - 1
    if last < first:
        raise ConfigError(f"stop_after {stop_after!r} comes before start_from {start_from!r}")
    options = options or RunOptions()
    scenario = options.apply(scenario)
    tables: dict[str, pd.DataFrame] = dict(given or {})
    if history is not None:
        tables["history"] = history
    results: dict[str, StageResult] = {}
    todo = STAGES[first : last + 1]
    for i, name in enumerate(todo):
        missing = [t for t in _INPUTS[name] if t not in tables and t not in _OPTIONAL]
        if missing:
            raise ConfigError(f"stage {name!r} needs the {', '.join(missing)} table(s)")
        if progress:
            progress(name, i + 1, len(todo), None)
        t0 = time.perf_counter()
        res = _run_stage(name, tables, scenario, options)
        res = replace(res, wall_s=time.perf_counter() - t0)
        log.info("stage %s done in %.2f s", name, res.wall_s)
        if progress:
            progress(name, i + 1, len(todo), res.wall_s)
        results[name] = res
        tables[name] = as_written(res.table)
        tables.update({k: as_written(v) for k, v in res.tables.items()})
    return results


def as_written(df: pd.DataFrame) -> pd.DataFrame:
    """The table as it reads back from its CSV (floats at the written precision).

    Later stages consume exactly what the plan folder holds, so resuming from any stage's
    CSV gives the same files as a full run.
    """
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            values = out[col].to_numpy()
            finite = np.isfinite(values)
            text = np.char.mod(FLOAT_FORMAT, values[finite])
            values = values.copy()
            values[finite] = text.astype(float)
            out[col] = values
    return out


def run_plan(
    scenario_path: str | Path,
    history_path: str | Path | None,
    out_dir: str | Path,
    *,
    from_stage: str | None = None,
    resume_dir: str | Path | None = None,
    stop_after: str | None = None,
    run_id: str | None = None,
    progress: ProgressFn | None = None,
    options: RunOptions | None = None,
) -> dict:
    """Plan one scenario and write the plan folder atomically.

    Parameters
    ----------
    scenario_path : path-like
        Scenario TOML file.
    history_path : path-like or None
        History CSV (needed unless resuming after the forecast).
    out_dir : path-like
        Plan folder to write: absent, empty, or a previous plan folder, whose files wfm did
        not write are kept; untouched on failure. Anything else (or a folder holding the
        scenario or history, or the current folder) raises :class:`InputError` before any
        work.
    from_stage : str, optional
        Resume from this stage, reading earlier tables from ``resume_dir`` (default
        ``out_dir``); earlier files are carried into the new folder.
    resume_dir : path-like, optional
        Plan folder to resume from.
    stop_after : str, optional
        Last stage to run.
    run_id : str, optional
        Identifier written in the manifest (a slug, see
        :func:`wfm.io.plan_folder.check_run_id`); default a UTC timestamp.
    progress : callable, optional
        See :func:`plan_tables`.
    options : RunOptions, optional
        See :func:`plan_tables`; written to the manifest as ``run_options``.

    Returns
    -------
    dict
        The manifest written to ``manifest.json``.
    """
    scenario_path = Path(scenario_path)
    out_dir = Path(out_dir)
    if run_id is not None:
        check_run_id(run_id)
    options = options or RunOptions()
    scenario = options.apply(load_scenario(scenario_path))
    protect = [scenario_path, *([history_path] if history_path else [])]
    if scenario.forecast.events_file:
        protect.append(scenario_path.parent / scenario.forecast.events_file)
    check_plan_out(out_dir, inputs=protect)
    started = dt.datetime.now(dt.UTC)
    run_id = run_id or started.strftime("%Y%m%dT%H%M%SZ")
    inputs = {scenario_path.name: sha256_file(scenario_path)}
    given: dict[str, pd.DataFrame] = {}
    history = None
    carried: list[Path] = []
    previous: dict = {}  # manifest of the plan a resumed run reads from
    if from_stage is None or from_stage == "forecast":
        if history_path is None:
            raise ConfigError("a history file is needed to forecast (--history)")
        history = read_table(history_path, HISTORY, scenario=scenario)
        inputs[Path(history_path).name] = sha256_file(history_path)
        if scenario.forecast.events_file:
            events_path = scenario_path.parent / scenario.forecast.events_file
            given["events"] = read_table(events_path, EVENTS)
            check_events(given["events"], source=events_path.name)
            inputs[events_path.name] = sha256_file(events_path)
    else:
        if from_stage not in STAGES:
            raise ConfigError(f"unknown stage {from_stage!r}; expected one of {', '.join(STAGES)}")
        src = Path(resume_dir) if resume_dir else out_dir
        for stem in _INPUTS[from_stage]:
            f = src / f"{stem}.csv"
            if not f.exists():
                if stem in _OPTIONAL:
                    continue
                raise ConfigError(
                    f"cannot resume from {from_stage!r}: {f} is missing; run the "
                    "earlier stages first"
                )
            given[stem] = read_table(f, _SCHEMA_OF[stem], scenario=scenario)
            inputs[f"{src.name}/{f.name}"] = sha256_file(f)
        earlier = STAGES[: STAGES.index(from_stage)]
        previous = _read_manifest(src)
        carried = [src / f for f in sorted(_files_of(earlier, previous)) if (src / f).exists()]
    check_plan_inputs(scenario, history, source=scenario_path.name)
    results = plan_tables(
        history,
        scenario,
        start_from=from_stage,
        stop_after=stop_after,
        given=given,
        progress=progress,
        options=options,
    )
    manifest: dict[str, Any] = {
        "run_id": run_id,
        "created_utc": started.isoformat(timespec="seconds"),
        "scenario": {"name": scenario.name, "file": scenario_path.name},
        "inputs": inputs,
        "versions": _versions(),
        "parameters": _parameters(scenario),
        "run_options": options.to_dict(),
        "from_stage": from_stage or "forecast",
        "stages": {},
        "files": [],
    }
    for name in STAGES[: STAGES.index(from_stage)] if from_stage else ():
        if name in previous.get("stages", {}):
            manifest["stages"][name] = previous["stages"][name] | {"carried": True}
        if name == "schedule" and "schedule" in previous:  # solver outcome of a carried schedule
            manifest["schedule"] = previous["schedule"]
    with atomic_dir(out_dir, owned=plan_files, inputs=protect) as tmp:
        for p in carried:
            copy_file(p, tmp / p.name)
            manifest["files"].append(p.name)
        copy_file(scenario_path, tmp / SCENARIO_COPY)  # the plan keeps its scenario (exports)
        manifest["files"].append(SCENARIO_COPY)
        for name, res in results.items():
            files = [f"{name}.csv"]
            write_table(res.table, tmp / f"{name}.csv", SCHEMAS.get(name))
            for side, table in res.tables.items():
                write_table(table, tmp / f"{side}.csv", SCHEMAS.get(side))
                files.append(f"{side}.csv")
            manifest["files"].extend(files)
            manifest["stages"][name] = {
                "wall_s": round(res.wall_s, 3),
                "files": files,
                "notes": list(res.notes),
                "figures": res.figures,
            }
            if res.solve is not None:
                manifest["schedule"] = res.solve.to_dict()
        manifest["files"] = sorted(set(manifest["files"]))
        manifest["wall_s"] = round((dt.datetime.now(dt.UTC) - started).total_seconds(), 3)
        write_json_atomic(tmp / "manifest.json", manifest)
    return manifest


def _read_manifest(folder: Path) -> dict:
    return read_json(folder / "manifest.json")


def _files_of(stages: tuple[str, ...], manifest: dict) -> set[str]:
    """Files written by ``stages`` in a previous plan folder, from its manifest."""
    files = {f"{name}.csv" for name in stages}
    for name in stages:
        files.update(manifest.get("stages", {}).get(name, {}).get("files", []))
    return files


def _versions() -> dict[str, str]:
    out = {"wfm": __version__, "python": platform.python_version()}
    for pkg in ("numpy", "pandas", "statsmodels", "ortools", "click"):
        try:
            out[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def _parameters(scenario: Scenario) -> dict:
    return {
        "interval_min": scenario.interval_min,
        "horizon_days": scenario.horizon_days,
        "start_date": scenario.start_date or "day after history",
        "seed": scenario.seed,
        "currency": scenario.currency,
        "abandoned_in_sl": scenario.abandoned_in_sl,
        "solver": asdict(scenario.solver),
        "forecast": asdict(scenario.forecast),
        "simulation": asdict(scenario.simulation),
    }
