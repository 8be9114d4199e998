"""``wfm backtest``: score every candidate forecast model per series."""

from __future__ import annotations

import click

from wfm.cli.forecast import forecast_options, run_forecast


def register(group: click.Group) -> None:
    """Add ``backtest`` to the main group."""
    group.add_command(backtest)


@click.command()
@forecast_options
@click.option(
    "--out",
    default="backtest.csv",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="Score table CSV to write.",
)
def backtest(
    scenario, history, start, days, events, tz, country, source_tz, workers, dask_scheduler, out
):
    """Score every candidate model per series by rolling-origin backtest.

    Prints and writes wMAPE, MASE, bias and prediction-interval coverage per series and
    model, with the model chosen for each series.
    """
    from wfm.cli.stage_output import check_outputs, echo_notes
    from wfm.io.stage_files import write_stage_file

    check_outputs(out, "backtest", folder=False, inputs=(scenario, history, events))
    args = (scenario, history, start, days, events, tz, country, source_tz, workers, dask_scheduler)
    res, inputs = run_forecast(*args)
    table = res.tables["backtest"]
    write_stage_file(table, out, "backtest", inputs=inputs)
    click.echo(table.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    echo_notes("forecast", res.notes)
