"""``wfm validate``: check a scenario (and a history against it); plan nothing."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    """Add ``validate`` to the main group."""
    group.add_command(validate)


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("--history", type=click.Path(dir_okay=False), help="History CSV to check too.")
def validate(scenario, history):
    """Check a scenario file (and a history CSV against it); plan nothing.

    Exit code 0 when valid, 2 with the file, line or key and what was expected otherwise.
    """
    from pathlib import Path

    from wfm.io.scenario import load_scenario
    from wfm.io.tables import read_history
    from wfm.pipeline.preflight import check_plan_inputs
    from wfm.pipeline.roster import read_people
    from wfm.pipeline.run import read_events

    sc = load_scenario(scenario)
    df = read_history(history, sc) if history else None
    people = read_people(scenario, sc)  # the [roster] files, when the scenario names them
    events = None
    if sc.forecast.events_file:  # read and checked as `wfm plan` reads it
        events = read_events(Path(scenario).parent / sc.forecast.events_file)
    check_plan_inputs(sc, df, source=Path(scenario).name, people=people)  # as `wfm plan` does
    click.echo(
        f"scenario {sc.name}: {len(sc.channels)} channels, {len(sc.segments)} segments, "
        f"{len(sc.sites)} sites, {len(sc.skill_names())} skills, "
        f"{sc.interval_min}-minute intervals — valid"
    )
    if people:
        click.echo(
            f"roster: {len(people['agents'])} agents"
            + "".join(
                f", {len(t)} {k.replace('_', ' ')} lines"
                for k, t in people.items()
                if k != "agents"
            )
            + f", {sc.roster.weeks} week{'s' if sc.roster.weeks > 1 else ''} — valid"
        )
    if events is not None:
        n = len(events)
        click.echo(
            f"events: {n} special day{'s' if n != 1 else ''} ({sc.forecast.events_file}) — valid"
        )
    if df is not None:
        first, last = df["interval_start"].min(), df["interval_start"].max()
        series = df.groupby([c for c in ("channel", "segment", "site") if c in df]).ngroups
        click.echo(
            f"history: {len(df)} rows, {series} series, {first.isoformat()} to "
            f"{last.isoformat()}, {df['contacts'].sum():.0f} contacts — valid"
        )
