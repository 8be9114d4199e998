"""The nightly job: load new actuals, re-plan, export, snapshot the forecast, score accuracy.

One run, for a run date D (default: today, UTC):

0. check, before writing anything, that the lock, the log and the store are the job's own
   files (:mod:`wfm.pipeline.nightly_inputs`): none is one of the run's inputs, and one that
   exists is of its kind;
1. take the lock (a second, overlapping run stops at once and changes nothing);
2. read and validate the new actuals; D must come after their last day, at most a week
   after it (:func:`~wfm.pipeline.nightly_inputs.check_run_date`);
3. in one run-store transaction: upsert the actuals, plan the scenario (with the config's
   ``horizon_days``) in memory on every stored actual, write the plan, the export files and
   the report into a hidden temporary folder, snapshot the forecast under date D,
   recompute accuracy and record the run (no scratch history file, no copy of the
   scenario file);
4. rename the scratch folder to ``out_root/D`` and commit. A previous run of the same day
   is replaced, but files in it the job did not write (listed in ``nightly.json``) are kept;
   a ``D`` folder the job did not write is refused and left as it is.

A failure anywhere before step 4 rolls the store back and removes the scratch folder, so the
store and the dated folders stay as they were; a run killed outright leaves only hidden
``.*.tmp`` folders marked as wfm's (:func:`wfm.io.files.make_temp_dir`), which the next run
removes under the lock (and no other hidden folder), and an uncommitted DuckDB
transaction, which DuckDB discards. Running twice on the same day gives the same store
content and the same folder: actuals are keyed, the snapshot of D and the run id
``nightly-D`` are replaced.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from wfm.core.config import NightlyConfig, Scenario
from wfm.core.errors import ConfigError, WfmError
from wfm.core.manifest import table_sha256
from wfm.core.plan import Plan
from wfm.io.files import (
    atomic_dir,
    list_files,
    remove_stale_temp_dirs,
    sha256_file,
    write_json_atomic,
)
from wfm.io.nightly import file_log_handler, nightly_lock, read_actuals_files
from wfm.io.plan_folder import write_export, write_plan, write_report
from wfm.io.records import NIGHTLY_RECORD, nightly_files
from wfm.io.scenario import load_scenario
from wfm.io.tables import read_history, write_table
from wfm.pipeline import nightly_inputs, runstore
from wfm.report.exports import LAYOUTS, ExportOptions, export_layout
from wfm.report.plan_entry import render_plan_report

log = logging.getLogger(__name__)

PlanFn = Callable[..., Plan]
"""``plan(scenario, history, *, run_id, options, events, scenario_file, inputs) -> Plan``
(the signature of :func:`wfm.pipeline.run.make_plan`)."""

HISTORY_SHOWN_DAYS = 28
"""Days of actuals drawn behind the forecast in the nightly report [days]."""


@dataclass(frozen=True, slots=True, kw_only=True)
class NightlyResult:
    """What one nightly run did.

    Attributes
    ----------
    run_id : str
        ``nightly-YYYY-MM-DD``.
    run_date : datetime.date
        Date of the run (the forecast snapshot's date).
    out_dir : str
        The dated plan folder written.
    actuals_rows : int
        Rows of new actuals loaded (inserted or replaced).
    snapshot_rows : int
        Forecast rows snapshotted.
    exports : tuple of str
        Export files written (relative to ``out_dir``).
    timings_s : dict of str to float
        Wall time of each step [s].
    accuracy : pandas.DataFrame
        Forecast accuracy after this run (see :func:`runstore.forecast_accuracy`).
    notes : tuple of str
        What the planner must know (export notes, scratch folders removed).
    """

    run_id: str
    run_date: dt.date
    out_dir: str
    actuals_rows: int
    snapshot_rows: int
    exports: tuple[str, ...]
    timings_s: dict[str, float]
    accuracy: pd.DataFrame
    notes: tuple[str, ...] = field(default=())


def _default_plan() -> PlanFn:
    from wfm.pipeline.run import make_plan

    return make_plan


def run_nightly(
    config: NightlyConfig,
    *,
    run_date: dt.date | None = None,
    plan: PlanFn | None = None,
    config_file: str | os.PathLike | None = None,
) -> NightlyResult:
    """Run the nightly job once (see the module docstring for the steps and guarantees).

    Parameters
    ----------
    config : NightlyConfig
        Paths, horizon and exports.
    run_date : datetime.date, optional
        Date of the run; default today (UTC). It must fit the actuals
        (:func:`~wfm.pipeline.nightly_inputs.check_run_date`).
    plan : callable, optional
        Plan function with the signature of :func:`wfm.pipeline.run.make_plan`; default
        that.
    config_file : path-like, optional
        The config file ``config`` was read from: named in errors, and never taken as one
        of the job's own files.

    Returns
    -------
    NightlyResult

    Raises
    ------
    ConfigError
        Before anything is written: an unknown export layout; a lock, log or store path
        that is one of the run's inputs or an existing file of another kind
        (:func:`check_own_files`). Under the lock, changing nothing: a run date that does
        not fit the actuals.
    """
    source = Path(config_file).name if config_file is not None else "nightly config"
    unknown = [name for name in config.exports if name not in LAYOUTS]
    if unknown:
        raise ConfigError(
            f"unknown layout {unknown[0]!r}; expected one of {', '.join(LAYOUTS)}",
            key="exports",
            source=source,
        )
    check_own_files(config, config_file=config_file)
    given = run_date is not None
    run_date = run_date or dt.datetime.now(dt.UTC).date()
    handler = file_log_handler(config.log_path)
    root_log = logging.getLogger("wfm")
    root_log.addHandler(handler)
    previous_level = root_log.level
    root_log.setLevel(min(previous_level or logging.INFO, logging.INFO))
    try:
        with nightly_lock(config.lock_path):
            log.info("nightly %s: start", run_date.isoformat())
            try:
                result = _run_locked(config, run_date, given, plan or _default_plan())
            except Exception as err:
                log.error("nightly %s failed, nothing changed: %s", run_date.isoformat(), err)
                raise
            log.info(
                "nightly %s: done in %.1f s (%s)",
                run_date.isoformat(),
                result.timings_s["total"],
                ", ".join(f"{k} {v:.1f} s" for k, v in result.timings_s.items()),
            )
            return result
    finally:
        root_log.removeHandler(handler)
        root_log.setLevel(previous_level)
        handler.close()


def check_own_files(config: NightlyConfig, *, config_file: str | os.PathLike | None = None) -> None:
    """Raise unless the lock, the log and the store are paths of the job's own files.

    None may be one of the run's inputs (the config, the scenario, the actuals, the events
    and people files) or another of the three; one that exists must be of its kind (a
    nightly lock, a nightly log, a DuckDB file). Reads only; see
    :mod:`wfm.pipeline.nightly_inputs`.

    Raises
    ------
    ConfigError
        Naming the config file, the key and the file.
    """
    source = Path(config_file).name if config_file is not None else "nightly config"
    try:
        scenario: Scenario | None = _nightly_scenario(config)
    except WfmError:
        scenario = None  # the run stops on it under the lock, and logs why
    inputs = nightly_inputs.input_paths(config, scenario, config_file)
    nightly_inputs.check_own_paths(config, inputs, source=source)
    for key in nightly_inputs.OWN_FILES:
        path = Path(getattr(config, key))
        if path.is_file():
            with open(path, "rb") as fh:
                head = fh.read(nightly_inputs.HEAD_BYTES)
            nightly_inputs.check_own_kind(key, path, head, source=source)


def _nightly_scenario(config: NightlyConfig) -> Scenario:
    """The scenario of the run: the file's, with the config's ``horizon_days`` when set."""
    scenario = load_scenario(config.scenario_path)
    if config.horizon_days is not None:
        scenario = replace(scenario, horizon_days=int(config.horizon_days))
    return scenario


def _plan_in_memory(
    config: NightlyConfig, scenario: Scenario, history: pd.DataFrame, run_id: str, plan: PlanFn
) -> Plan:
    """Plan the stored actuals in memory (events and the [roster] people files read beside
    the scenario file)."""
    from wfm.pipeline.roster import people_paths, read_people
    from wfm.pipeline.run import read_events

    scenario_path = Path(config.scenario_path)
    inputs = {
        scenario_path.name: sha256_file(scenario_path),
        "history (run store)": table_sha256(history),
    }
    events = None
    if scenario.forecast.events_file:
        events_path = scenario_path.parent / scenario.forecast.events_file
        events = read_events(events_path)
        inputs[events_path.name] = sha256_file(events_path)
    people = read_people(scenario_path, scenario)
    inputs.update({p.name: sha256_file(p) for p in people_paths(scenario_path, scenario).values()})
    return plan(
        scenario,
        read_history(history, scenario),
        run_id=run_id,
        options=config.run_options(),
        events=events,
        scenario_file=scenario_path.name,
        inputs=inputs,
        **({"people": people} if people else {}),
    )


def _write_outputs(
    config: NightlyConfig, plan: Plan, history: pd.DataFrame, tmp: Path, notes: list[str]
) -> tuple[list[str], dict[str, float]]:
    """Write the plan, the export files and the report of a run into ``tmp``."""
    timings: dict[str, float] = {}
    written = []
    t0 = time.perf_counter()
    write_plan(plan, tmp / "plan")
    options = ExportOptions(tz=config.export_tz, queue_ids_required=False)
    tables = {**plan.tables, "history": history}  # the historical layouts export the actuals
    for layout in config.exports:
        export = export_layout(layout, tables, plan.scenario, options)
        name = f"exports/{layout}.csv"
        write_export(export.table, tmp / name, header=export.header)
        written.append(name)
        notes.extend(f"{layout}: {n}" for n in export.notes)
    timings["exports"] = time.perf_counter() - t0
    if config.report:
        t0 = time.perf_counter()
        since = history["interval_start"].max() - pd.Timedelta(days=HISTORY_SHOWN_DAYS)
        page = render_plan_report(plan, history=history[history["interval_start"] > since])
        write_report(page, tmp / "report.html")
        timings["report"] = time.perf_counter() - t0
    return written, timings


def _run_locked(
    config: NightlyConfig, run_date: dt.date, given: bool, plan_fn: PlanFn
) -> NightlyResult:
    t_start = time.perf_counter()
    timings: dict[str, float] = {}
    notes: list[str] = []
    out_root = Path(config.out_root)
    removed = remove_stale_temp_dirs(out_root)
    if removed:
        notes.append(f"removed scratch folders of an interrupted run: {', '.join(removed)}")
        log.warning(notes[-1])
    run_id = f"nightly-{run_date.isoformat()}"
    dated = out_root / run_date.isoformat()

    t0 = time.perf_counter()
    scenario = _nightly_scenario(config)
    new_actuals = read_actuals_files(config.actuals_path, scenario)
    timings["read_actuals"] = time.perf_counter() - t0
    log.info("read %d rows of actuals from %s", len(new_actuals), config.actuals_path)
    if not Path(config.store_path).exists():  # refused before the store is created
        nightly_inputs.check_run_date(new_actuals, scenario, run_date, given=given)

    con = runstore.connect(config.store_path)
    try:
        with runstore.transaction(con):
            t0 = time.perf_counter()
            n_actuals = runstore.load_actuals(con, new_actuals)
            history = runstore.read_actuals(con)
            nightly_inputs.check_run_date(history, scenario, run_date, given=given)
            timings["load_actuals"] = time.perf_counter() - t0
            inputs = (config.scenario_path, config.actuals_path, config.store_path)
            with atomic_dir(dated, owned=nightly_files, inputs=inputs) as tmp:
                t0 = time.perf_counter()
                plan = _plan_in_memory(config, scenario, history, run_id, plan_fn)
                timings["plan"] = time.perf_counter() - t0
                written, more = _write_outputs(config, plan, history, tmp, notes)
                timings |= more

                t0 = time.perf_counter()
                n_snap = runstore.snapshot_forecast(
                    con, plan.table("forecast"), snapshot_date=run_date, run_id=run_id
                )
                accuracy = runstore.refresh_accuracy(con)
                write_table(accuracy, tmp / "accuracy.csv")
                runstore.record_run(
                    con,
                    run_id=run_id,
                    run_date=run_date,
                    scenario=scenario.name,
                    out_dir=str(dated),
                    status="ok",
                    manifest=plan.manifest.to_dict(),
                )
                timings["store"] = time.perf_counter() - t0
                timings["total"] = time.perf_counter() - t_start
                write_json_atomic(
                    tmp / NIGHTLY_RECORD,
                    {
                        "files": [*list_files(tmp), NIGHTLY_RECORD],
                        "run_id": run_id,
                        "run_date": run_date.isoformat(),
                        "actuals_rows": n_actuals,
                        "snapshot_rows": n_snap,
                        "exports": written,
                        "notes": notes,
                        "timings_s": {k: round(v, 3) for k, v in timings.items()},
                    },
                )
    finally:
        con.close()
    return NightlyResult(
        run_id=run_id,
        run_date=run_date,
        out_dir=str(dated),
        actuals_rows=n_actuals,
        snapshot_rows=n_snap,
        exports=tuple(written),
        timings_s=timings,
        accuracy=accuracy,
        notes=tuple(notes),
    )
