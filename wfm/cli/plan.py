"""``wfm plan``: the whole pipeline, or a part of it resumed from an earlier plan folder."""

from __future__ import annotations

import sys

import click

from wfm.cli.options import DASK_SCHEDULER, TIME_LIMIT_S, WORKERS, run_options
from wfm.core.tables import STAGES


def register(group: click.Group) -> None:
    """Add ``plan`` to the main group."""
    group.add_command(plan)


def _progress(stage: str, index: int, total: int, wall_s: float | None) -> None:
    if wall_s is None:
        click.echo(f"[{index}/{total}] {stage} ...", err=True, nl=not sys.stderr.isatty())
    else:
        end = f" done in {wall_s:.1f} s"
        click.echo(end if sys.stderr.isatty() else f"[{index}/{total}] {stage}{end}", err=True)


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option(
    "--history",
    "history",
    type=click.Path(dir_okay=False),
    help="Contact history CSV (the history contract). Needed unless --from is after forecast.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Plan folder to write (default forecasts/RUN_ID): a new or empty folder, or a plan "
    "folder wfm wrote before, whose tables, manifest and report are replaced and whose other "
    "files are kept. Anything else, the current folder, or a folder holding the scenario or "
    "history is refused (exit 2) and nothing is written.",
)
@click.option(
    "--from",
    "from_stage",
    type=click.Choice(STAGES),
    help="Resume from this stage, reading earlier tables from --resume (or --out).",
)
@click.option(
    "--resume",
    "resume_dir",
    type=click.Path(file_okay=False),
    help="Plan folder whose earlier tables a resumed run reads.",
)
@click.option(
    "--stop-after",
    type=click.Choice(STAGES),
    help="Last stage to run.",
)
@click.option(
    "--run-id",
    help="Run identifier for the manifest and the default folder name (default: UTC "
    "timestamp): letters, digits, '.', '_', '-', no leading dot, no '..', at most 64 characters.",
)
@WORKERS
@DASK_SCHEDULER
@TIME_LIMIT_S
def plan(
    scenario,
    history,
    out_dir,
    from_stage,
    resume_dir,
    stop_after,
    run_id,
    workers,
    dask_scheduler,
    time_limit_s,
):
    """Plan a scenario end to end: forecast → split → requirements → schedule → simulation
    (→ roster, when the scenario's [roster] names an agents file).

    Writes forecast.csv, split.csv, requirements.csv, schedule.csv, coverage.csv, side tables
    (roster.csv, unassigned.csv and agent_summary.csv with a roster) and manifest.json
    (inputs' hashes, versions, parameters, timings, solver status and gap).
    --workers, --dask-scheduler and --time-limit-s are options of this run, not of the
    scenario (they are written to the manifest as run_options).
    """
    import datetime as dt

    from wfm.io.plan_folder import check_run_id
    from wfm.pipeline.run import run_plan

    if run_id is not None:
        check_run_id(run_id, key="--run-id")
    run_id = run_id or dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    out_dir = out_dir or f"forecasts/{run_id}"
    written = run_plan(
        scenario,
        history,
        out_dir,
        from_stage=from_stage,
        resume_dir=resume_dir,
        stop_after=stop_after,
        run_id=run_id,
        progress=_progress,
        options=run_options(
            workers=workers,
            dask_scheduler=dask_scheduler,
            time_limit_s=time_limit_s,
            solver_workers=True,
        ),
    )
    manifest = written.manifest
    sched = manifest.solve
    if sched:
        click.echo(
            f"schedule: {sched.status}, objective {sched.objective:.2f}, "
            f"gap {100 * sched.gap_rate:.2f} %, {sched.wall_s:.1f} s"
        )
    roster = manifest.stages.get("roster")
    if roster is not None and "total" in roster.figures:
        tot, solve = roster.figures["total"], roster.figures.get("solve", {})
        click.echo(
            f"roster: {solve.get('status', '?')}, {tot['shifts_assigned']} of "
            f"{tot['shifts_required']} agent shifts rostered, {tot['shifts_unassigned']} "
            f"unassigned, {tot['violations']} hard-rule violations"
        )
    for stage, info in manifest.stages.items():
        for note in info.notes:
            click.echo(f"note ({stage}): {note}")
    click.echo(f"plan {manifest.run_id} written to {out_dir} in {manifest.wall_s:.1f} s")
