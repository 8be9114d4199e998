"""``wfm whatif``: re-plan a scenario over one or two swept keys and tabulate the results."""

from __future__ import annotations

import click

from wfm.cli.choices import THROUGH
from wfm.cli.options import TIME_LIMIT_S, run_options


def register(group: click.Group) -> None:
    """Add ``whatif`` to the main group."""
    group.add_command(whatif)


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
    type=THROUGH,
    default="requirements",
    show_default=True,
    help="Last stage planned per point (requirements is fast).",
)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(1),
    help="Points planned at once, each in its own local process (without --dask-scheduler).",
)
@click.option(
    "--dask-scheduler",
    metavar="ADDRESS",
    help="Plan every point as a task on this Dask scheduler (tcp://host:8786) instead of "
    "local processes; its workers need the same wfm version (see docs/scale-out.md). Give "
    "only a scheduler you trust (it exchanges pickled objects).",
)
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
    from pathlib import Path

    from wfm.core.mapping import scenario_from_dict
    from wfm.io.scenario import load_scenario_dict
    from wfm.io.tables import read_history, write_table
    from wfm.pipeline.whatif import sweep

    base = load_scenario_dict(scenario)  # the file read once: validated here, swept below
    validated = scenario_from_dict(base, source=Path(scenario).name)
    hist = read_history(history, validated)
    options = run_options(dask_scheduler=dask_scheduler, time_limit_s=time_limit_s)
    table = sweep(
        base,
        hist,
        list(axes),
        max_workers=workers,
        through=through,
        options=options,
        validated=validated,
    )
    click.echo(table.to_string(index=False, float_format="%.3f"))
    if table.attrs.get("planned_on"):
        click.echo(f"{len(table)} points planned on {table.attrs['planned_on']}")
    if out_path:
        write_table(table, out_path)
        click.echo(f"written to {out_path}")
