"""``wfm split``: forecast → human/AI split per interval."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    """Add ``split`` to the main group."""
    group.add_command(split)


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
    help="Folder to write split.csv, its side tables (ai_capacity.csv, repeats.csv, "
    "split_summary.csv) and split.json (notes, figures, the files written) into: a new or "
    "empty folder, or one 'wfm split' wrote (its other files are kept); anything else, a "
    "plan folder included, is refused (exit 2).",
)
def split(scenario, forecast_path, out_dir):
    """Split forecast contacts between AI agents and people, per interval.

    Applies each segment's AI policy (AI first, containment, escalation), AI capacity,
    opening hours (out-of-hours backlog) and repeat contacts; prints the AI and human shares
    per channel × segment.
    """
    from wfm.cli.stage_output import check_outputs, echo_notes, write_outputs
    from wfm.core.schemas import FORECAST
    from wfm.io.scenario import load_scenario
    from wfm.io.tables import read_table
    from wfm.split import split_contacts

    inputs = (scenario, forecast_path)
    check_outputs(out_dir, "split", folder=True, inputs=inputs)
    sc = load_scenario(scenario)
    res = split_contacts(read_table(forecast_path, FORECAST, scenario=sc), sc)
    write_outputs(res, out_dir, "split", folder=True, inputs=inputs)
    cols = ["channel", "segment", "contacts", "ai_share_rate", "human_share_rate"]
    click.echo(res.tables["split_summary"][cols].to_string(index=False, float_format="%.3f"))
    echo_notes("split", res.notes)
    click.echo(f"AI cost {res.figures['ai_cost']:.2f} {sc.currency}; written to {out_dir}")
