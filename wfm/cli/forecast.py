"""``wfm forecast``: history → forecast table; its options and run serve ``wfm backtest`` too."""

from __future__ import annotations

from pathlib import Path

import click

from wfm.cli.options import DASK_SCHEDULER, WORKERS, run_options

MAX_DAYS = 366
"""Most ``--days``: a scenario's ``horizon_days`` limit (``wfm.core.settings.MAX_HORIZON_DAYS``,
not imported here: it loads pandas) [days]."""


def register(group: click.Group) -> None:
    """Add ``forecast`` to the main group."""
    group.add_command(forecast)


def forecast_options(fn):
    """The options ``wfm forecast`` and ``wfm backtest`` share (scenario, history, dates...)."""
    opts = [
        click.argument("scenario", required=False, type=click.Path(dir_okay=False)),
        click.option(
            "--history",
            required=True,
            type=click.Path(dir_okay=False),
            help="Contact history CSV (the history contract).",
        ),
        click.option(
            "--start",
            type=click.DateTime(formats=["%Y-%m-%d"]),
            help="First forecast day YYYY-MM-DD (default: scenario start_date, "
            "else the day after the history).",
        ),
        click.option(
            "--days",
            type=click.IntRange(min=1, max=MAX_DAYS),
            help=f"Forecast days, 1 to {MAX_DAYS} (default: scenario horizon_days, else 7).",
        ),
        click.option(
            "--events",
            type=click.Path(dir_okay=False),
            help="Special days CSV: date, scope, multiplier or contacts (default: "
            "the scenario's forecast.events_file).",
        ),
        click.option(
            "--tz",
            help="Time zone of local days when no SCENARIO is given (default: the zone "
            "that fits the history's UTC offsets).",
        ),
        click.option(
            "--country", default="", help="Public holidays set aside when no SCENARIO (FR, US)."
        ),
        click.option("--source-tz", help="IANA zone of naive timestamps in the history."),
        WORKERS,
        DASK_SCHEDULER,
    ]
    for opt in reversed(opts):
        fn = opt(fn)
    return fn


def run_forecast(
    scenario, history, start, days, events, tz, country, source_tz, workers, dask_scheduler
):
    """Read the inputs, forecast, and return the stage result and the files read.

    Every error names its file and line, or the option: the events rows are checked as
    soon as read; without a scenario the history is checked on the interval inferred from
    it (off-grid rows, holes inside a local day) with the line of the file.
    """

    from wfm.core.config import ForecastConfig
    from wfm.forecast import forecast_contacts, forecast_history
    from wfm.forecast.events import EVENTS, check_events
    from wfm.io.history_offsets import read_history_offsets
    from wfm.io.scenario import load_scenario
    from wfm.io.tables import read_table

    options = run_options(workers=workers, dask_scheduler=dask_scheduler)
    sc = load_scenario(scenario) if scenario else None
    if events is None and sc and sc.forecast.events_file:
        events = Path(scenario).parent / sc.forecast.events_file
    inputs = tuple(p for p in (scenario, history, events) if p)
    ev = read_table(events, EVENTS, ordered=False) if events else None
    if ev is not None:
        check_events(ev, source=Path(events).name)
    # without a scenario the rows stay in the file's order: the grid check names their line
    hist, offsets = read_history_offsets(history, sc, source_tz=source_tz, ordered=bool(sc))
    day = start.date() if start else None
    if sc is None:
        name = Path(history).name
        res = forecast_history(
            hist,
            start=day,
            days=days or 7,
            tz=tz or source_tz,
            config=ForecastConfig(),
            events=ev,
            options=options,
            offsets_min=offsets,
            country=country,
            source=name,
            start_from="--start",
        )
    else:
        res = forecast_contacts(
            hist,
            sc,
            start=day,
            days=days,
            events=ev,
            options=options,
            offsets_min=offsets,
            start_from="--start",
        )
    return res, inputs


@click.command()
@forecast_options
@click.option(
    "--out",
    default="forecast.csv",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="Forecast CSV to write; the backtest scores go beside it as <stem>_backtest.csv "
    "(forecast_backtest.csv by default).",
)
def forecast(
    scenario, history, start, days, events, tz, country, source_tz, workers, dask_scheduler, out
):
    """Forecast contacts per interval for every series of a history.

    With a SCENARIO, sites' hours, holidays and forecast settings apply; without one, every
    (channel, segment[, site]) series is forecast with defaults and the interval length is
    inferred from the data. Writes the forecast and, beside it, the backtest scores
    (<stem>_backtest.csv); prints the notes as wfm plan does.
    """
    from wfm.cli.stage_output import check_outputs, echo_notes, write_outputs

    check_outputs(out, "forecast", folder=False, inputs=(scenario, history, events))
    args = (scenario, history, start, days, events, tz, country, source_tz, workers, dask_scheduler)
    res, inputs = run_forecast(*args)
    write_outputs(res, out, "forecast", folder=False, inputs=inputs)
    echo_notes("forecast", res.notes)
    wm = res.figures["backtest_wmape_rate"]
    click.echo(
        f"{out}: {res.figures['series']} series, {len(res.table)} rows; backtest wMAPE "
        + (f"{wm:.3f}" if wm is not None else "not measured")
    )
