"""Plan a scenario in memory, and into a folder.

``make_plan`` is pure: scenario + history → a :class:`~wfm.core.plan.Plan` in memory (every
stage's result, run by :func:`wfm.pipeline.stages.plan_tables`, and a typed manifest).
``run_plan`` is what ``wfm plan`` runs: read the inputs (or a previous plan folder's tables,
to resume), ``make_plan``, then :func:`wfm.io.plan_folder.write_plan`, which writes every
table and ``manifest.json`` into a temporary folder and renames it into place, so a failed
run leaves no half-written plan. The plan goes only into an absent or empty folder or a
previous plan folder (whose files wfm did not write are kept); see
:func:`wfm.io.plan_folder.check_plan_out`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import pandas as pd

from wfm.core.config import Scenario
from wfm.core.errors import ConfigError, InputError
from wfm.core.manifest import Manifest, Parameters, StageRecord, table_sha256, versions
from wfm.core.plan import Plan
from wfm.core.results import StageResult
from wfm.core.run_options import RunOptions
from wfm.core.tables import STAGE_TABLES, STAGES, check_stage
from wfm.forecast.events import EVENTS, check_events
from wfm.io.files import sha256_file
from wfm.io.plan_folder import check_plan_out, check_run_id, read_plan, write_plan
from wfm.io.scenario import load_scenario
from wfm.io.tables import read_history, read_table
from wfm.pipeline.preflight import check_plan_inputs
from wfm.pipeline.roster import PEOPLE_TABLES, people_paths, read_people
from wfm.pipeline.stages import ProgressFn, plan_tables


def make_plan(
    scenario: Scenario,
    history: pd.DataFrame | None = None,
    *,
    options: RunOptions | None = None,
    stop_after: str | None = None,
    start_from: str | None = None,
    previous: Plan | None = None,
    events: pd.DataFrame | None = None,
    people: Mapping[str, pd.DataFrame] | None = None,
    run_id: str | None = None,
    scenario_file: str = "",
    inputs: Mapping[str, str] | None = None,
    progress: ProgressFn | None = None,
) -> Plan:
    """Plan a scenario in memory: every stage from ``start_from`` to ``stop_after``.

    Parameters
    ----------
    scenario : Scenario
        The centre to plan (:func:`wfm.io.load_scenario`).
    history : pandas.DataFrame, optional
        Validated HISTORY table (:func:`wfm.io.read_history`, from a file or a DataFrame);
        needed unless the plan starts after the forecast.
    options : RunOptions, optional
        How this run executes (see :func:`plan_tables`); recorded in the manifest.
    stop_after, start_from : str, optional
        Last and first stage to run (default all).
    previous : Plan, optional
        The plan a run starting after the forecast resumes from: the tables the first
        stage reads come from it, and the earlier stages are carried over (their results,
        manifest records and solver outcome).
    events : pandas.DataFrame, optional
        Validated EVENTS table, when the scenario names an ``events_file``.
    people : mapping of str to pandas.DataFrame, optional
        The ``agents`` (and ``time_off``, ``preferences``) tables, when the scenario names
        an agents file (``[roster]``; :func:`wfm.pipeline.roster.read_people`): the plan
        then ends with a roster of named agents.
    run_id : str, optional
        Run identifier (default: the UTC start time, ``YYYYMMDDTHHMMSSZ``).
    scenario_file : str
        Name of the scenario's file, for the manifest and messages.
    inputs : mapping of str to str, optional
        SHA-256 of each input file (default: of the history table in memory).
    progress : callable, optional
        See :func:`plan_tables`.

    Returns
    -------
    Plan

    Raises
    ------
    InputError
        A history that was not validated (a frame read with plain pandas).
    ConfigError
        A scenario the stages cannot plan, or a missing input table.
    """
    started = dt.datetime.now(dt.UTC).replace(microsecond=0)
    options = options or RunOptions()
    scenario = options.apply(scenario)
    first = check_stage(start_from) if start_from else STAGES[0]
    if first == STAGES[0]:
        history = _validated_history(history)
        if scenario.forecast.events_file and events is None:
            raise ConfigError(
                f"the scenario names the events file {scenario.forecast.events_file!r}; read "
                "it and give it as events= (run_plan reads it beside the scenario)",
                key="forecast.events_file",
                source=scenario_file or None,
            )
    if rosters(scenario, stop_after) and scenario.roster and not (people and "agents" in people):
        raise ConfigError(
            f"the scenario names the agents file {scenario.roster.agents!r}; read it and give "
            "it as people= (run_plan reads it beside the scenario)",
            key="roster.agents",
            source=scenario_file or None,
        )
    check_plan_inputs(scenario, history, source=scenario_file or None, people=people)
    given = dict(previous.tables) if previous is not None else {}
    if events is not None:
        given["events"] = events
    given.update({k: v for k, v in (people or {}).items() if k in PEOPLE_TABLES})
    results = plan_tables(
        history,
        scenario,
        start_from=start_from,
        stop_after=stop_after,
        given=given,
        progress=progress,
        options=options,
    )
    earlier = STAGES[: STAGES.index(first)]
    carried = {n: previous.results[n] for n in earlier if previous and n in previous.results}
    manifest = Manifest(
        run_id=run_id or started.strftime("%Y%m%dT%H%M%SZ"),
        created_utc=started,
        scenario_name=scenario.name,
        scenario_file=scenario_file,
        inputs=dict(inputs) if inputs is not None else _memory_inputs(history),
        versions=versions(),
        parameters=Parameters.of(scenario),
        run_options=options.to_dict(),
        from_stage=first,
        stages=_carried_records(earlier, previous)
        | {name: StageRecord.of(name, res) for name, res in results.items()},
        solve=_solve_of(results, earlier, previous),
        wall_s=round((dt.datetime.now(dt.UTC) - started).total_seconds(), 3),
    )
    # the manifest as it reads back from manifest.json (plain JSON numbers and lists)
    manifest = Manifest.from_dict(manifest.to_dict())
    return Plan(scenario=scenario, results=carried | results, manifest=manifest)


def rosters(scenario: Scenario, stop_after: str | None = None) -> bool:
    """Whether a plan of ``scenario`` ending at ``stop_after`` makes a roster."""
    return scenario.roster is not None and stop_after in (None, "roster")


def _validated_history(history: pd.DataFrame | None) -> pd.DataFrame:
    """The history, refused with a clear message when it is absent or was not validated."""
    if history is None:
        raise ConfigError("a history is needed to forecast (--history, or history=)")
    ts = history["interval_start"] if "interval_start" in history.columns else None
    if ts is None or not isinstance(ts.dtype, pd.DatetimeTZDtype):
        raise InputError(
            "the history was not read through wfm (interval_start is not a UTC time), so "
            "it was not checked",
            source="history",
            key="interval_start",
            expected="a history read with wfm.io.read_history(path_or_dataframe, scenario), "
            "which validates a frame read with pandas and converts its times to UTC",
        )
    return history


def _memory_inputs(history: pd.DataFrame | None) -> dict[str, str]:
    return {"history (in memory)": table_sha256(history)} if history is not None else {}


def _carried_records(earlier: tuple[str, ...], previous: Plan | None) -> dict[str, StageRecord]:
    """Manifest records of the stages a resumed run carries over, marked ``carried``."""
    if previous is None:
        return {}
    return {
        name: replace(previous.manifest.stages[name], carried=True)
        for name in earlier
        if name in previous.manifest.stages
    }


def _solve_of(results: Mapping[str, StageResult], earlier: tuple[str, ...], previous):
    """The solver outcome of this run's schedule, or of the schedule carried over."""
    if "schedule" in results:
        return results["schedule"].solve
    if previous is not None and "schedule" in earlier:
        return previous.manifest.solve
    return None


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
) -> Plan:
    """Plan one scenario and write the plan folder atomically: read the inputs,
    :func:`make_plan`, :func:`wfm.io.plan_folder.write_plan`.

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
        ``out_dir``); earlier files are carried into the new folder byte for byte.
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
    Plan
        The plan written (its ``manifest`` is the ``manifest.json`` of the folder).
    """
    scenario_path = Path(scenario_path)
    out_dir = Path(out_dir)
    if run_id is not None:
        check_run_id(run_id)
    options = options or RunOptions()
    scenario = options.apply(load_scenario(scenario_path))
    events_path = scenario_path.parent / scenario.forecast.events_file
    protect = [scenario_path, *([history_path] if history_path else [])]
    if scenario.forecast.events_file:
        protect.append(events_path)
    people_files = people_paths(scenario_path, scenario) if rosters(scenario, stop_after) else {}
    protect += list(people_files.values())
    check_plan_out(out_dir, inputs=protect)
    inputs = {scenario_path.name: sha256_file(scenario_path)}
    people = read_people(scenario_path, scenario) if people_files else None
    inputs.update({p.name: sha256_file(p) for p in people_files.values()})
    history = events = previous = None
    src = None
    if from_stage is None or from_stage == STAGES[0]:
        if history_path is None:
            raise ConfigError("a history file is needed to forecast (--history)")
        history = read_history(history_path, scenario)
        inputs[Path(history_path).name] = sha256_file(history_path)
        if scenario.forecast.events_file:
            events = read_events(events_path)
            inputs[events_path.name] = sha256_file(events_path)
    else:
        check_stage(from_stage)
        src = Path(resume_dir) if resume_dir else out_dir
        previous = _read_resumed(src, from_stage, scenario, inputs)
    plan = make_plan(
        scenario,
        history,
        options=options,
        stop_after=stop_after,
        start_from=from_stage,
        previous=previous,
        events=events,
        people=people,
        run_id=run_id,
        scenario_file=scenario_path.name,
        inputs=inputs,
        progress=progress,
    )
    return write_plan(plan, out_dir, inputs=protect, carry_from=src, scenario_file=scenario_path)


def read_events(path: Path) -> pd.DataFrame:
    """Read and check the scenario's events file (holidays, campaigns)."""
    events = read_table(path, EVENTS, ordered=False)  # lines in file order for its errors
    check_events(events, source=path.name)
    return events


def _resume_reads(stage: str) -> tuple[str, ...]:
    """The tables a run resumed at ``stage`` reads from the earlier plan: those its stage
    and every later stage read that no stage of the run makes (``--from schedule`` needs
    the split for the simulation too)."""
    run = STAGES[STAGES.index(stage) :]
    made = {t for s in run for t in (s, *STAGE_TABLES[s].side)}
    names = [n for s in run for n in STAGE_TABLES[s].reads if n not in made and n != "history"]
    return tuple(dict.fromkeys(names))


def _read_resumed(src: Path, stage: str, scenario: Scenario, inputs: dict[str, str]) -> Plan:
    """The previous plan a run resumed at ``stage`` reads: the tables the stage reads
    (validated against the scenario) and the manifest; records their hashes in ``inputs``."""
    spec = STAGE_TABLES[stage]
    for name in spec.reads:
        f = src / f"{name}.csv"
        if not f.exists() and name not in spec.optional:
            raise ConfigError(
                f"cannot resume from {stage!r}: {f} is missing; run the earlier stages first"
            )
    reads = _resume_reads(stage)
    previous = read_plan(src, scenario, only=reads, need_manifest=False)
    for name in reads:
        if (src / f"{name}.csv").exists():
            inputs[f"{src.name}/{name}.csv"] = sha256_file(src / f"{name}.csv")
    return previous
