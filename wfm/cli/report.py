"""``wfm export``, ``wfm report``, ``wfm nightly`` and ``wfm accuracy``."""

from __future__ import annotations

import click

LAYOUT_NAMES = (
    "genesys-historical",
    "amazon-connect-historical",
    "amazon-connect-forecast",
    "calabrio",
    "tidy",
)


def register(group: click.Group) -> None:
    """Add the export, report, nightly and accuracy commands to the main group."""
    for cmd in (export, report, nightly, accuracy):
        group.add_command(cmd)


def _scenario_for(plan_dir: str, scenario: str | None, needed: bool):
    """The scenario given, else the one named in the plan's manifest if it sits beside it."""
    from pathlib import Path

    from wfm.core.errors import ConfigError
    from wfm.io.plan_folder import read_manifest
    from wfm.io.scenario import load_scenario

    if scenario:
        return load_scenario(scenario)
    named = read_manifest(plan_dir).get("scenario")
    named = named.get("file", "") if isinstance(named, dict) else ""
    for candidate in (Path(plan_dir) / named, Path(plan_dir).parent / named):
        if named and candidate.is_file():
            return load_scenario(candidate)
    if needed:
        raise ConfigError("this layout needs the scenario: give --scenario FILE")
    return None


@click.command()
@click.argument("plan_dir", type=click.Path(file_okay=False, exists=True))
@click.option(
    "--layout",
    required=True,
    type=click.Choice(LAYOUT_NAMES),
    help="Import layout of the target WFM suite, or tidy for our own tables.",
)
@click.option(
    "--out",
    "out_file",
    required=True,
    type=click.Path(dir_okay=False),
    help="CSV file to write (atomically).",
)
@click.option(
    "--scenario",
    type=click.Path(dir_okay=False, exists=True),
    help="Scenario TOML of the plan (queues = skills, languages, time zones).",
)
@click.option(
    "--table",
    default="forecast",
    show_default=True,
    help="tidy layout: which plan table to export.",
)
@click.option(
    "--volumes",
    type=click.Choice(["split", "forecast"]),
    default="split",
    show_default=True,
    help="Genesys/Amazon: human contacts of the split, or the whole forecast.",
)
@click.option("--tz", default="", help="Calabrio: time zone of the file (default home site).")
@click.option(
    "--queue-id",
    "queue_ids",
    multiple=True,
    metavar="QUEUE=ID",
    help="Amazon Connect: queue id of a queue (skill); repeat for each queue.",
)
@click.option("--daily", is_flag=True, help="Amazon Connect: one row per queue and UTC day.")
def export(plan_dir, layout, out_file, scenario, table, volumes, tz, queue_ids, daily):
    """Write a plan as an import file of a WFM suite (or as one of our tidy tables).

    Cells a spreadsheet would take for a formula (= + - @) are neutralised.
    """
    from wfm.io.plan_folder import read_plan_folder, write_export
    from wfm.report.exports import ExportOptions, export_layout

    needs = {"calabrio": "requirements", "tidy": table}.get(layout, volumes)
    tables, _ = read_plan_folder(plan_dir, only=[needs])
    sc = _scenario_for(plan_dir, scenario, needed=layout != "tidy")
    ids = dict(q.split("=", 1) for q in queue_ids if "=" in q)
    opt = ExportOptions(tz=tz, queue_ids=ids, table=table, volume_source=volumes, daily=daily)
    result = export_layout(layout, tables, sc, opt)
    write_export(result.table, out_file, header=result.header)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(f"{layout}: {len(result.table)} rows written to {out_file}")


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
def report(plan_dir, out_file, scenario, history):
    """Write one self-contained HTML report of a plan folder (charts inline, no network)."""
    from wfm.io import read_history, read_plan, write_report
    from wfm.report.plan_entry import render_plan_report

    sc = _scenario_for(plan_dir, scenario, needed=False)
    plan = read_plan(plan_dir, sc)
    hist = read_history(history, sc) if history else None
    write_report(render_plan_report(plan, history=hist), out_file)
    missing = [t for t in ("forecast", "coverage", "simulation") if t not in plan.tables]
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
