"""``wfm split`` (forecast → human/AI split) and ``wfm whatif`` (sweeps of scenario keys)."""

from __future__ import annotations

import click

from wfm.cli.options import DASK_SCHEDULER, TIME_LIMIT_S, run_options


def register(group: click.Group) -> None:
    """Add ``split`` and ``whatif`` to the main group."""
    group.add_command(split)
    group.add_command(whatif)


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option(
    "--forecast",
    "forecast_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="Forecast CSV (the forecast contract), e.g. a plan folder's forecast.csv.",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder for split.csv and its side tables (ai_capacity, repeats, summary).",
)
def split(scenario, forecast_path, out_dir):
    """Split forecast contacts between AI agents and people, per interval.

    Applies each segment's AI policy (AI first, containment, escalation), AI capacity,
    opening hours (out-of-hours backlog) and repeat contacts; prints the AI and human shares
    per channel × segment.
    """
    from pathlib import Path

    from wfm.core.schemas import FORECAST, SPLIT
    from wfm.io.scenario import load_scenario
    from wfm.io.tables import read_table, write_table
    from wfm.split import split_contacts

    sc = load_scenario(scenario)
    res = split_contacts(read_table(forecast_path, FORECAST, scenario=sc), sc)
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    write_table(res.table, Path(out_dir) / "split.csv", SPLIT)
    for name, table in res.tables.items():
        write_table(table, Path(out_dir) / f"{name}.csv")
    cols = ["channel", "segment", "contacts", "ai_share_rate", "human_share_rate"]
    click.echo(res.tables["split_summary"][cols].to_string(index=False, float_format="%.3f"))
    for note in res.notes:
        click.echo(f"note: {note}")
    click.echo(f"AI cost {res.figures['ai_cost']:.2f} {sc.currency}; written to {out_dir}")


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option(
    "--history",
    required=True,
    type=click.Path(dir_okay=False),
    help="Contact history CSV (the history contract).",
)
@click.option(
    "--set",
    "axes",
    multiple=True,
    required=True,
    metavar="KEY=LO:HI:STEP",
    help="Scenario key to sweep: KEY=LO:HI:STEP or KEY=V1,V2 (once or twice).",
)
@click.option(
    "--through",
    type=click.Choice(["requirements", "schedule"]),
    default="requirements",
    show_default=True,
    help="Last stage planned per point (requirements is fast).",
)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(1),
    help="Points planned at once, each in its own process.",
)
@DASK_SCHEDULER
@TIME_LIMIT_S
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False),
    help="CSV file for the sweep table (default: print only).",
)
def whatif(scenario, history, axes, through, workers, dask_scheduler, time_limit_s, out_path):
    """Re-plan SCENARIO for every value of one or two keys and tabulate the results.

    Per point: human FTE (gross), cost, cost per contact, service level, AI share and
    overflow share, e.g. --set segments.open.ai.chat.containment_rate=0.3:0.6:0.05.
    """
    from wfm.io.scenario import load_scenario, load_scenario_dict
    from wfm.io.tables import read_history, write_table
    from wfm.pipeline.whatif import sweep

    hist = read_history(history, load_scenario(scenario))
    options = run_options(dask_scheduler=dask_scheduler, time_limit_s=time_limit_s)
    table = sweep(
        load_scenario_dict(scenario),
        hist,
        list(axes),
        max_workers=workers,
        through=through,
        options=options,
    )
    click.echo(table.to_string(index=False, float_format="%.3f"))
    if out_path:
        write_table(table, out_path)
        click.echo(f"written to {out_path}")
