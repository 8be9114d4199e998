"""``wfm simulate``: check a plan folder by discrete-event simulation."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click


def register(group: click.Group) -> None:
    """Add ``simulate`` to the main group."""
    group.add_command(simulate)


def _read_plan(plan_dir: Path, scenario) -> dict:
    """The tables the simulation reads (split and pool_agents; overflow, coverage and
    allocation when present), each in file order (row i is line i + 2 of the file its
    ``attrs["source"]`` names, for the simulation's checks)."""
    from wfm.core.errors import ConfigError
    from wfm.core.tables import STAGE_TABLES
    from wfm.io.plan_folder import read_plan_table

    stage = STAGE_TABLES["simulation"]
    tables = {}
    for stem in stage.reads:
        path = plan_dir / f"{stem}.csv"
        if not path.exists():
            if stem not in stage.optional:
                raise ConfigError(f"{path} is missing; run `wfm plan` (through schedule) first")
            continue
        tables[stem] = read_plan_table(path, stem, scenario, ordered=False)  # lines as in file
    return tables


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option(
    "--plan",
    "plan_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Plan folder with split.csv, pool_agents.csv and optionally overflow.csv, "
    "coverage.csv (contacts moved to AI) and allocation.csv (the pools the schedule "
    "allocated to each skill, which answer it first; also the deferred cap).",
)
@click.option(
    "--replications",
    type=click.IntRange(min=1),
    default=None,
    help="Seeded replications (default: the scenario's simulation.replications).",
)
@click.option("--seed", type=int, default=None, help="Seed (default: the scenario's seed).")
@click.option(
    "--out",
    "out_path",
    default="simulation.csv",
    type=click.Path(dir_okay=False),
    show_default=True,
    help="Table per interval × site × skill to write; its side tables go beside it as "
    "<stem>_summary.csv, <stem>_pool_occupancy.csv and <stem>_replications.csv.",
)
def simulate(scenario, plan_dir, replications, seed, out_path):
    """Simulate a plan: service level (with confidence half-width), ASA, abandonment,
    occupancy and deferred backlog per interval, site and skill, over seeded replications.
    """
    from wfm.cli.stage_output import check_outputs, echo_notes, write_outputs
    from wfm.io.scenario import load_scenario
    from wfm.simulate import simulate_tables

    check_outputs(out_path, "simulation", folder=False, inputs=(scenario,))
    sc = load_scenario(scenario)
    sim = replace(sc.simulation, replications=replications or sc.simulation.replications)
    sc = replace(sc, simulation=sim, seed=sc.seed if seed is None else seed)
    tables = _read_plan(Path(plan_dir), sc)
    res = simulate_tables(tables, sc)
    inputs = [scenario, *(Path(plan_dir) / f"{stem}.csv" for stem in tables)]
    write_outputs(res, out_path, "simulation", folder=False, inputs=inputs)
    echo_notes("simulation", res.notes)
    f = res.figures
    click.echo(
        f"simulated {f['contacts_simulated']} contacts in {f['replications']} replications: "
        f"service level {f['service_level_rate']}, {f['intervals_below_target']} rows "
        f"below target; written to {out_path}"
    )
