"""``wfm accuracy``: forecast accuracy from the nightly job's run store."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    """Add ``accuracy`` to the main group."""
    group.add_command(accuracy)


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
