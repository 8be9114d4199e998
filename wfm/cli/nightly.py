"""``wfm nightly``: load new actuals, re-plan, export, snapshot the forecast, score accuracy."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    """Add ``nightly`` to the main group."""
    group.add_command(nightly)


@click.command()
@click.argument("config", type=click.Path(dir_okay=False, exists=True))
@click.option(
    "--date",
    "run_date",
    type=click.DateTime(["%Y-%m-%d"]),
    help=(
        "Run date (default today, UTC): on or after the last day of actuals and at most 7 days "
        "after it; a second run of a day replaces the first."
    ),
)
def nightly(config, run_date):
    """Load new actuals, re-plan, export to a dated folder, snapshot, update accuracy.

    Locked against overlapping runs; a failed run changes nothing and exits non-zero.
    """
    from wfm.io.nightly import load_nightly_config
    from wfm.pipeline.nightly import run_nightly

    res = run_nightly(
        load_nightly_config(config),
        run_date=run_date.date() if run_date else None,
        config_file=config,
    )
    for note in res.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(
        f"{res.run_id}: {res.actuals_rows} actuals loaded, {res.snapshot_rows} forecast "
        f"rows snapshotted, {len(res.exports)} exports, written to {res.out_dir}"
    )
    click.echo("timings: " + ", ".join(f"{k} {v:.1f} s" for k, v in res.timings_s.items()))
