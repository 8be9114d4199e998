"""``wfm forecast`` (history → forecast.csv) and ``wfm backtest`` (model scores per series)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click


def register(group: click.Group) -> None:
    """Add ``forecast`` and ``backtest`` to the main group."""
    group.add_command(forecast)
    group.add_command(backtest)


def _options(fn):
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
            type=click.IntRange(min=1),
            help="Forecast days (default: scenario horizon_days, else 7).",
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
        click.option(
            "--workers", type=click.IntRange(min=1), help="Local processes (default: every core)."
        ),
        click.option(
            "--dask-scheduler",
            metavar="ADDRESS",
            help="Run series on this Dask scheduler (tcp://host:8786).",
        ),
    ]
    for opt in reversed(opts):
        fn = opt(fn)
    return fn


def _run(scenario, history, start, days, events, tz, country, source_tz, workers, dask_scheduler):
    from wfm.core.config import ForecastConfig
    from wfm.core.schemas import HISTORY
    from wfm.forecast import forecast_contacts, forecast_history
    from wfm.forecast.events import EVENTS
    from wfm.io.history_offsets import read_utc_offsets_min
    from wfm.io.scenario import load_scenario
    from wfm.io.tables import read_table

    sc = load_scenario(scenario) if scenario else None
    fc = dataclasses.replace(
        sc.forecast if sc else ForecastConfig(),
        workers=workers,
        dask_scheduler=dask_scheduler or "",
    )
    if events is None and sc and sc.forecast.events_file:
        events = Path(scenario).parent / sc.forecast.events_file
    ev = read_table(events, EVENTS) if events else None
    hist = read_table(history, HISTORY, scenario=sc, source_tz=source_tz)
    day = start.date() if start else None
    offsets = read_utc_offsets_min(history)
    if sc is None:
        return forecast_history(
            hist,
            start=day,
            days=days or 7,
            tz=tz or source_tz,
            config=fc,
            events=ev,
            offsets_min=offsets,
            country=country,
        )
    return forecast_contacts(
        hist,
        dataclasses.replace(sc, forecast=fc),
        start=day,
        days=days,
        events=ev,
        offsets_min=offsets,
    )


@click.command()
@_options
@click.option(
    "--out",
    default="forecast.csv",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="Forecast CSV to write.",
)
def forecast(
    scenario, history, start, days, events, tz, country, source_tz, workers, dask_scheduler, out
):
    """Forecast contacts per interval for every series of a history.

    With a SCENARIO, sites' hours, holidays and forecast settings apply; without one, every
    (channel, segment[, site]) series is forecast with defaults and the interval length is
    inferred from the data. Writes the forecast and, beside it, backtest.csv.
    """
    from wfm.core.schemas import FORECAST
    from wfm.io.tables import write_table

    res = _run(
        scenario, history, start, days, events, tz, country, source_tz, workers, dask_scheduler
    )
    write_table(res.tables["backtest"], Path(out).with_name("backtest.csv"))
    write_table(res.table, out, FORECAST)
    for note in res.notes:
        click.echo(f"note: {note}", err=True)
    wm = res.figures["backtest_wmape_rate"]
    click.echo(
        f"{out}: {res.figures['series']} series, {len(res.table)} rows; backtest wMAPE "
        + (f"{wm:.3f}" if wm is not None else "not measured")
    )


@click.command()
@_options
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
    from wfm.io.tables import write_table

    res = _run(
        scenario, history, start, days, events, tz, country, source_tz, workers, dask_scheduler
    )
    table = res.tables["backtest"]
    write_table(table, out)
    click.echo(table.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    for note in res.notes:
        click.echo(f"note: {note}", err=True)
