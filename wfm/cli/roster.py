"""``wfm roster``: named agents on the shifts of a plan's schedule."""

from __future__ import annotations

import click

from wfm.cli.options import FiniteRange


def register(group: click.Group) -> None:
    """Add ``roster`` to the main group."""
    group.add_command(roster)


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option(
    "--plan",
    "plan_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Plan (or 'wfm schedule') folder holding schedule.csv.",
)
@click.option(
    "--agents",
    "agents_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="Agents CSV (agent_id, site, pool, contract hours and days, start/end, nights).",
)
@click.option(
    "--time-off",
    "time_off_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Time-off CSV (agent_id, start, end with offsets): hard.",
)
@click.option(
    "--preferences",
    "preferences_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Preferences CSV (agent_id, kind, value, weight): soft.",
)
@click.option(
    "--weeks",
    type=click.IntRange(min=1),
    default=4,
    show_default=True,
    help="Roster length [weeks]; the schedule's days repeat when it is shorter.",
)
@click.option(
    "--rotation-weeks",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Each agent's days should repeat every N weeks (a rotation, soft; below --weeks); "
    "0 = none.",
)
@click.option(
    "--published",
    "published_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="A published roster.csv to re-optimise (each changed day is penalised).",
)
@click.option(
    "--pin",
    "pins",
    multiple=True,
    help="Agent whose published days are kept exactly (repeatable; needs --published).",
)
@click.option(
    "--change-penalty",
    type=click.IntRange(0, 1_000_000),
    default=200,
    show_default=True,
    help="Penalty per day changed from the published roster (an unfilled shift: 1000).",
)
@click.option(
    "--time-limit-s",
    type=FiniteRange(min=1),
    default=None,
    help="CP-SAT time limit per site and pool [s] (default: the scenario's solver).",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder for roster.csv, unassigned.csv, agent_summary.csv and roster.json: a "
    "new or empty folder, or one 'wfm roster' wrote (its other files are kept).",
)
def roster(
    scenario,
    plan_dir,
    agents_path,
    time_off_path,
    preferences_path,
    weeks,
    rotation_weeks,
    published_path,
    pins,
    change_penalty,
    time_limit_s,
    out_dir,
):
    """Assign named agents to the schedule's shifts with CP-SAT.

    Hard: time off, contract hours per week, days per week, consecutive days, rest between
    shifts (shifts.min_rest_h), earliest start / latest end, nights, pool. Soft: cover (an
    unfilled shift is listed in unassigned.csv with the rules that stopped each candidate),
    preferences, days off in pairs, stable start times, fair weekends, evenings and nights,
    and a rotation of --rotation-weeks when asked.
    """
    from pathlib import Path

    from wfm.core.errors import InputError
    from wfm.io.files import check_out_dir
    from wfm.io.people import roster_files
    from wfm.io.scenario import load_scenario
    from wfm.roster.stage import roster_agents

    if pins and not published_path:
        raise InputError("--pin needs --published", key="--pin", expected="a published roster")
    if rotation_weeks and rotation_weeks >= weeks:
        raise InputError(
            f"a rotation repeats within the roster; got {rotation_weeks} with --weeks {weeks}",
            key="--rotation-weeks",
            expected=f"0 (none) or 1 to {weeks - 1}",
        )
    paths = {
        "schedule": Path(plan_dir) / "schedule.csv",
        "agents": agents_path,
        "time_off": time_off_path,
        "preferences": preferences_path,
        "published": published_path,
    }
    inputs = [p for p in (scenario, *paths.values()) if p]
    check_out_dir(out_dir, owned=roster_files, inputs=inputs)
    sc = load_scenario(scenario)
    tables = _read_inputs(sc, paths, pins)
    res = roster_agents(
        tables["schedule"],
        tables["agents"],
        sc,
        time_off=tables.get("time_off"),
        preferences=tables.get("preferences"),
        weeks=weeks,
        rotation_weeks=rotation_weeks,
        published=tables.get("published"),
        pinned=frozenset(pins),
        change_penalty=change_penalty,
        time_limit_s=time_limit_s,
    )
    _write(res, out_dir, inputs)
    s, tot = res.solve, res.figures["total"]
    click.echo(
        f"roster: {s.status}, objective {s.objective:.0f}, bound {s.best_bound:.0f}, "
        f"gap {100 * s.gap_rate:.2f} %, {s.wall_s:.1f} s (CP-SAT)"
    )
    for note in res.notes:
        click.echo(f"note: {note}")
    click.echo(
        f"{len(res.table)} agent shifts, {tot['shifts_unassigned']} unassigned of "
        f"{tot['shifts_required']}, {tot['violations']} hard-rule violations, "
        f"{tot['changed_days']} changed days → {out_dir}"
    )


def _write(res, out_dir: str, inputs: list) -> None:
    """roster.csv, unassigned.csv, agent_summary.csv and roster.json (the solve, notes,
    figures and files) into ``out_dir``, all at once or not at all."""
    from wfm.core.people import PEOPLE_SCHEMAS, ROSTER
    from wfm.io.files import atomic_dir, list_files, write_json_atomic
    from wfm.io.people import roster_files
    from wfm.io.tables import write_table

    with atomic_dir(out_dir, owned=roster_files, inputs=inputs) as tmp:
        write_table(res.table, tmp / "roster.csv", ROSTER)
        for name, table in res.tables.items():
            write_table(table, tmp / f"{name}.csv", PEOPLE_SCHEMAS.get(name))
        write_json_atomic(
            tmp / "roster.json",
            {
                "solve": res.solve.to_dict(),
                "notes": list(res.notes),
                "figures": res.figures,
                "files": [*list_files(tmp), "roster.json"],
            },
        )


def _read_inputs(scenario, paths: dict, pins) -> dict:
    """The schedule and people tables the roster takes, read and checked against the
    scenario and each other (file, line and column named) before anything is solved."""
    from pathlib import Path

    from wfm.core.schemas import SCHEMAS
    from wfm.io.tables import read_table
    from wfm.pipeline.roster import PEOPLE_READERS, check_people, check_schedule_places

    schedule = read_table(paths["schedule"], SCHEMAS["schedule"], ordered=False)
    check_schedule_places(schedule, scenario, "schedule.csv")
    people = {k: read(paths[k]) for k, read in PEOPLE_READERS.items() if paths[k]}
    check_people(
        scenario,
        people,
        sources={k: Path(paths[k]).name for k in people},
        schedule=schedule,
        pinned=pins,
    )
    return {"schedule": schedule, **people}
