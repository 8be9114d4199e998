"""``wfm staff``: agents required per interval, site and skill from a split table."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    """Add ``staff`` to the main group."""
    group.add_command(staff)


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option(
    "--split",
    "split_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="Split CSV (the split contract: human_contacts and human_aht_s).",
)
@click.option(
    "--out",
    "out_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="Requirements CSV to write; the pooling table goes beside it as <stem>_pooling.csv "
    "(requirements_pooling.csv for requirements.csv).",
)
def staff(scenario, split_path, out_path):
    """Agents required per interval, site and skill, on queue and paid (after shrinkage).

    Realtime channels by Erlang C or A, concurrent channels on conversation slots, deferred
    channels by the least agent-hours meeting every deadline. Also writes <stem>_pooling.csv:
    the pooled and the separate requirement of each agent pool.
    """
    from wfm.cli.stage_output import check_outputs, echo_notes, write_outputs
    from wfm.core.schemas import SPLIT
    from wfm.io.scenario import load_scenario
    from wfm.io.tables import read_table
    from wfm.staffing import staffing_requirements

    inputs = (scenario, split_path)
    check_outputs(out_path, "requirements", folder=False, inputs=inputs)
    sc = load_scenario(scenario)
    result = staffing_requirements(read_table(split_path, SPLIT, scenario=sc), sc)
    write_outputs(result, out_path, "requirements", folder=False, inputs=inputs)
    echo_notes("requirements", result.notes)
    f = result.figures
    click.echo(
        f"requirements: {len(result.table)} rows, {f.get('agent_hours_net', 0):.1f} "
        f"agent-hours on queue, {f.get('agent_hours_gross', 0):.1f} paid — {out_path}"
    )
