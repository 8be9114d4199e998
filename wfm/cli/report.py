"""``wfm report``, ``wfm nightly`` and ``wfm accuracy`` (``wfm export``: :mod:`wfm.cli.export`)."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    """Add the report, nightly and accuracy commands to the main group."""
    for cmd in (report, nightly, accuracy):
        group.add_command(cmd)


@click.command()
@click.argument("plan_dir", type=click.Path(file_okay=False, exists=True))
@click.option(
    "--out",
    "out_file",
    default="report.html",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="HTML file to write (atomically).",
)
@click.option(
    "--scenario",
    type=click.Path(dir_okay=False, exists=True),
    help="Scenario TOML (to show overflow between regions rather than sites).",
)
@click.option(
    "--history",
    type=click.Path(dir_okay=False, exists=True),
    help="History CSV to draw behind the forecast.",
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
    scenario). An accuracy.csv of the nightly job in the folder is shown too.
    """
    from pathlib import Path

    from wfm.cli.export import scenario_for
    from wfm.io.plan_folder import read_plan_folder, write_report
    from wfm.io.tables import read_csv_strings, read_history
    from wfm.report.html import render_report

    tables, manifest = read_plan_folder(plan_dir)
    sc = scenario_for(plan_dir, scenario, needed=False)
    hist = read_history(history, sc) if history else None
    actuals = actuals or (Path(plan_dir) / "actuals.csv")
    if Path(actuals).is_file():
        tables = {**tables, "actuals": read_history(actuals, sc)}
    if (Path(plan_dir) / "accuracy.csv").is_file():
        tables = {**tables, "accuracy": read_csv_strings(Path(plan_dir) / "accuracy.csv")}
    page = render_report(
        tables,
        manifest,
        history=hist,
        sites=sc.sites if sc else None,
        scenario=sc,
        gantt_day=gantt_day,
    )
    write_report(page, out_file)
    missing = [t for t in ("forecast", "coverage", "simulation") if t not in tables]
    if missing:
        click.echo(f"note: not run in this plan: {', '.join(missing)}", err=True)
    click.echo(f"report written to {out_file}")


@click.command()
@click.argument("config", type=click.Path(dir_okay=False, exists=True))
@click.option(
    "--date",
    "run_date",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Run date (default today, UTC); a second run of a day replaces the first.",
)
def nightly(config, run_date):
    """Load new actuals, re-plan, export to a dated folder, snapshot, update accuracy.

    Locked against overlapping runs; a failed run changes nothing and exits non-zero.
    """
    from wfm.io.nightly import load_nightly_config
    from wfm.pipeline.nightly import run_nightly

    res = run_nightly(load_nightly_config(config), run_date=run_date.date() if run_date else None)
    for note in res.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(
        f"{res.run_id}: {res.actuals_rows} actuals loaded, {res.snapshot_rows} forecast "
        f"rows snapshotted, {len(res.exports)} exports, written to {res.out_dir}"
    )
    click.echo("timings: " + ", ".join(f"{k} {v:.1f} s" for k, v in res.timings_s.items()))


@click.command()
@click.option(
    "--store", type=click.Path(dir_okay=False, exists=True), help="Run store (DuckDB file)."
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False, exists=True),
    help="Nightly config whose store to read (instead of --store).",
)
@click.option(
    "--out", "out_file", type=click.Path(dir_okay=False), help="Also write the table as CSV."
)
def accuracy(store, config, out_file):
    """Forecast accuracy: wMAPE and bias by channel, segment and days ahead."""
    from wfm.core.errors import ConfigError
    from wfm.io.nightly import load_nightly_config
    from wfm.io.tables import write_table
    from wfm.pipeline import runstore

    if not (store or config):
        raise ConfigError("give --store FILE or --config NIGHTLY_TOML")
    con = runstore.connect(store or load_nightly_config(config).store_path)
    try:
        table = runstore.forecast_accuracy(con)
    finally:
        con.close()
    if out_file:
        write_table(table, out_file)
    click.echo(table.to_string(index=False) if len(table) else "no snapshot has actuals yet")
