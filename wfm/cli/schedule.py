"""``wfm schedule``: shifts and overflow from a requirements table."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    """Add ``schedule`` to the main group."""
    group.add_command(schedule)


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option(
    "--requirements",
    "requirements_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="Requirements CSV (the requirements contract: agents per interval, site, skill).",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder to write schedule.csv, coverage.csv, overflow.csv, pool_agents.csv, "
    "cost.csv and schedule.json into: a new or empty folder, or one 'wfm schedule' wrote "
    "(its other files are kept); anything else is refused (exit 2).",
)
def schedule(scenario, requirements_path, out_dir):
    """Choose shifts per site and pool and route overflow between regions at least cost.

    Prints the solver status, objective, LP-relaxation bound, gap and wall time, and every
    note (shortfall, approximations). Exit code 3 when a hard rule cannot be met.
    """
    from wfm.cli.stage_output import check_outputs, echo_notes, write_outputs
    from wfm.core.schemas import REQUIREMENTS
    from wfm.io.scenario import load_scenario
    from wfm.io.tables import read_table
    from wfm.schedule import schedule_shifts

    inputs = (scenario, requirements_path)
    check_outputs(out_dir, "schedule", folder=True, inputs=inputs)
    sc = load_scenario(scenario)
    res = schedule_shifts(read_table(requirements_path, REQUIREMENTS, scenario=sc), sc)
    write_outputs(res, out_dir, "schedule", folder=True, inputs=inputs)
    s = res.solve
    click.echo(
        f"schedule: {s.status}, objective {s.objective:.2f}, bound {s.best_bound:.2f}, "
        f"gap {100 * s.gap_rate:.2f} %, {s.wall_s:.1f} s ({s.solver})"
    )
    echo_notes("schedule", res.notes)
    click.echo(f"{int(res.table['agents'].sum())} shifts written to {out_dir}")
