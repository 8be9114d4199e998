"""``wfm sample``: a seeded synthetic contact history for a scenario."""

from __future__ import annotations

import datetime as dt

import click


def register(group: click.Group) -> None:
    """Add ``sample`` to the main group."""
    group.add_command(sample)


def _last_weeks_start(today: dt.date, weeks: int) -> dt.date:
    """Monday that starts ``weeks`` whole weeks ending on the last Sunday before ``today``."""
    last_sunday = today - dt.timedelta(days=today.isoweekday() % 7 or 7)
    return last_sunday - dt.timedelta(days=7 * weeks - 1)


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option(
    "--weeks",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Length of the history [weeks].",
)
@click.option(
    "--start",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="First local day (YYYY-MM-DD). Default: the weeks end on the last Sunday.",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="History CSV to write (the history contract).",
)
@click.option(
    "--agents-out",
    "agents_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also (or only) write an agents CSV for the roster: one agent per head of each "
    "pool's headcount, or, with --schedule, enough agents for what that schedule plans.",
)
@click.option(
    "--schedule",
    "schedule_path",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="A plan's schedule.csv: size each pool's agents from its agent-shifts and paid hours "
    "(with --agents-out).",
)
def sample(scenario, weeks, start, out_path, agents_path, schedule_path):
    """Write a seeded synthetic contact history for SCENARIO.

    Daily and weekly cycles per channel, public holidays of the sites' countries, noise,
    handle times and abandonment, from the scenario's [sample] table; the draws use the
    scenario's seed, so the same scenario and dates give the same file.
    """
    from wfm.io.scenario import load_scenario

    sc = load_scenario(scenario)
    if out_path is None and agents_path is None:
        raise click.UsageError("give --out (history) and/or --agents-out (agents)")
    if agents_path is not None:
        write_agents(sc, agents_path, schedule_path)
    if out_path is not None:
        write_sample(sc, weeks, start.date() if start else None, out_path)


def write_agents(sc, agents_path, schedule_path=None) -> None:
    """Write sampled agents (per pool: its headcount, or enough for the schedule's
    agent-shifts) and say so."""
    from wfm.core.people import AGENTS
    from wfm.core.schemas import SCHEMAS
    from wfm.io.tables import read_table, write_table
    from wfm.sample import sample_agents

    schedule = read_table(schedule_path, SCHEMAS["schedule"]) if schedule_path else None
    agents = sample_agents(sc, schedule=schedule)
    write_table(agents, agents_path, AGENTS)
    pools = len(agents.groupby(["site", "pool"]))
    click.echo(f"agents: {len(agents)} agents in {pools} site pools → {agents_path}")


def write_sample(sc, weeks: int, first: dt.date | None, out_path) -> None:
    """Sample ``weeks`` of history for scenario ``sc`` from ``first`` (default: the weeks
    ending on the last Sunday), write it to ``out_path`` and say so (``wfm sample``, ``wfm init``).
    """
    import numpy as np

    from wfm.core.schemas import HISTORY
    from wfm.io.tables import write_table
    from wfm.sample import sample_history

    first = first or _last_weeks_start(dt.date.today(), weeks)
    history = sample_history(sc, start=first, weeks=weeks, rng=np.random.default_rng(sc.seed))
    write_table(history, out_path, HISTORY)
    click.echo(
        f"history: {len(history)} rows, {weeks} weeks from {first.isoformat()}, "
        f"{history['contacts'].sum():.0f} contacts → {out_path}"
    )
