"""``wfm report``: one self-contained HTML page of a plan folder."""

from __future__ import annotations

import click

from wfm.cli.plan_options import PLAN_DIR, plan_file_options


def register(group: click.Group) -> None:
    """Add ``report`` to the main group."""
    group.add_command(report)


@click.command()
@PLAN_DIR
@plan_file_options(
    out_help="HTML file to write (atomically).",
    out_default="report.html",
    scenario_help="Scenario TOML (to show overflow between regions rather than sites).",
    history_help="History CSV to draw behind the forecast.",
)
@click.option(
    "--actuals",
    type=click.Path(dir_okay=False, exists=True),
    help="Actuals CSV (history layout) to compare with the forecast: wMAPE and bias "
    "[default: actuals.csv of the plan folder, if any].",
)
@click.option(
    "--gantt-day",
    default="",
    metavar="YYYY-MM-DD",
    help="Site-local day of the shift Gantt [default: the busiest day by paid hours].",
)
def report(plan_dir, out_file, scenario, history, actuals, gantt_day):
    """Write one self-contained HTML report of a plan folder (charts inline, no network).

    Times on the charts are in each site's local time (the scenario's zones; UTC without a
    scenario). An accuracy.csv of the nightly job in the folder is shown too. The report
    never replaces a file the run reads (exit 2, nothing written).
    """
    from pathlib import Path

    from wfm.cli.stage_output import check_outputs
    from wfm.core.schemas import ACCURACY
    from wfm.io import load_scenario, read_history, read_plan, write_report
    from wfm.io.plan_folder import plan_folder_inputs, plan_scenario_file, read_manifest
    from wfm.io.tables import read_table
    from wfm.report.plan_entry import render_plan_report

    manifest = read_manifest(plan_dir)
    scenario = scenario or plan_scenario_file(plan_dir, manifest)
    actuals = actuals or (Path(plan_dir) / "actuals.csv")
    accuracy = Path(plan_dir) / "accuracy.csv"
    inputs = plan_folder_inputs(plan_dir, scenario, history, actuals, accuracy)
    check_outputs(out_file, "report", folder=False, inputs=inputs)
    sc = load_scenario(scenario) if scenario else None
    plan = read_plan(plan_dir, sc, manifest=manifest)
    hist = read_history(history, sc) if history else None
    extra = {}
    if Path(actuals).is_file():
        extra["actuals"] = read_history(actuals, sc)
    if accuracy.is_file():
        extra["accuracy"] = read_table(accuracy, ACCURACY)
    page = render_plan_report(plan, history=hist, extra=extra, gantt_day=gantt_day)
    write_report(page, out_file, plan_dir=plan_dir, manifest=manifest)
    missing = [t for t in ("forecast", "coverage", "simulation") if t not in plan.tables]
    if missing:
        click.echo(f"note: not run in this plan: {', '.join(missing)}", err=True)
    click.echo(f"report written to {out_file}")
