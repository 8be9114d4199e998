"""``wfm history``: build the interval history from other sources (contact records)."""

from __future__ import annotations

import click

from wfm.cli.choices import INTERVAL_MIN, REPEATED_HOUR
from wfm.cli.options import FiniteRange


def register(group: click.Group) -> None:
    """Add the ``history`` group to the main group."""
    group.add_command(history)


@click.group()
def history() -> None:
    """Build a contact-history CSV (the history contract) from other sources."""


def _codes(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


@history.command("from-contacts")
@click.argument("log", type=click.Path(dir_okay=False))
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False),
    required=True,
    help="History CSV to write.",
)
@click.option(
    "--scenario",
    type=click.Path(dir_okay=False),
    help="Scenario: interval length and source time zone; the contacts are "
    "checked against its channels, segments and sites.",
)
@click.option(
    "--interval-min",
    type=INTERVAL_MIN,
    default=None,
    help="Interval length [min] (default: the scenario's, else 30).",
)
@click.option(
    "--tz",
    "source_tz",
    help="IANA zone of naive arrival times and of the days "
    "covered (default: the scenario's source_tz, days of its home site; else UTC).",
)
@click.option(
    "--repeated-hour",
    type=REPEATED_HOUR,
    default="error",
    show_default=True,
    help="Naive times in the hour that occurs twice when DST ends: refuse them, or resolve "
    "them by file order (a log sorted by arrival).",
)
@click.option(
    "--arrival-col",
    "arrival_column",
    default="arrival_start",
    show_default=True,
    help="Column of the arrival time.",
)
@click.option(
    "--channel-col",
    "channel_column",
    default="channel",
    show_default=True,
    help="Column of the channel or queue.",
)
@click.option(
    "--channel",
    "channel",
    default="",
    help="One channel for every contact (instead of --channel-col), e.g. voice.",
)
@click.option(
    "--segment-col",
    "segment_column",
    default="segment",
    show_default=True,
    help="Column of the segment (values become lower-case slugs).",
)
@click.option("--segment", "segment", default="", help="One segment for every contact.")
@click.option("--site-col", "site_column", default="", help="Column of the site (default none).")
@click.option("--site", "site", default="", help="One site for every contact.")
@click.option(
    "--wait-col",
    "wait_column",
    default="wait_s",
    show_default=True,
    help="Column of the time in queue [s or H:MM:SS]; '' if not exported.",
)
@click.option(
    "--handle-col",
    "handle_column",
    default="handle_s",
    show_default=True,
    help="Column of the handle time of answered contacts [s or H:MM:SS]; '' if none.",
)
@click.option(
    "--outcome-col",
    "outcome_column",
    default="outcome",
    show_default=True,
    help="Column of the outcome; '' when every contact was answered.",
)
@click.option(
    "--answered",
    "answered_values",
    default="answered",
    show_default=True,
    callback=_codes,
    help="Comma-separated outcome codes of answered contacts.",
)
@click.option(
    "--abandoned",
    "abandoned_values",
    default="abandoned",
    show_default=True,
    callback=_codes,
    help="Comma-separated outcome codes of abandoned contacts.",
)
@click.option(
    "--ignore",
    "ignored_values",
    default="",
    callback=_codes,
    help="Comma-separated outcome codes to ignore (test or phantom contacts).",
)
@click.option(
    "--abandon-after-s",
    type=FiniteRange(min=0),
    default=0.0,
    show_default=True,
    help="Abandoned contacts count only after waiting longer than this [s].",
)
@click.option(
    "--max-gap-days",
    type=click.IntRange(min=1),
    default=31,
    show_default=True,
    help="Refuse a log with a longer run of days without contacts between two days with "
    "contacts (a mistyped date would fill the gap with zero days).",
)
def from_contacts(log, out_path, scenario, interval_min, source_tz, max_gap_days, **mapping):
    """Turn a per-contact LOG (ACD or CRM export) into the interval history CSV.

    contacts = answered + abandoned after queueing, per interval of arrival (floored in
    UTC); aht_s = mean handle time of the answered; every interval of the days covered, zeros
    included. Prints the contacts of each outcome per channel and segment.
    """
    from wfm.cli.stage_output import check_outputs
    from wfm.core.schemas import HISTORY
    from wfm.io import contact_history, contacts as logs
    from wfm.io.scenario import load_scenario
    from wfm.io.series_checks import check_series_keys
    from wfm.io.tables import write_table

    check_outputs(out_path, "history", folder=False, inputs=(log, scenario))
    sc = load_scenario(scenario) if scenario else None
    tz = source_tz or (sc.source_tz if sc else "") or None
    repeated = mapping.pop("repeated_hour")
    columns = logs.ContactColumns(**mapping)
    contacts = logs.read_contacts(log, columns, source_tz=tz, repeated_hour=repeated)
    name = click.format_filename(log, shorten=True)
    if sc is not None:
        check_series_keys(contacts, sc, source=name)
    step = int(interval_min) if interval_min else (sc.interval_min if sc else 30)
    day_tz = tz or (sc.sites[sc.home_site()].tz if sc else "UTC")
    table = contact_history.history_from_contacts(
        contacts,
        step,
        day_tz=day_tz,
        max_gap_days=max_gap_days,
        source=name,
        arrival_column=columns.arrival_column,
    )
    write_table(table, out_path, HISTORY)
    click.echo(contact_history.contact_totals(contacts).to_string(index=False))
    click.echo(f"history: {len(table)} rows, {step}-minute intervals → {out_path}")
    for day in table.attrs.get("partial_days_dropped", []):
        click.echo(f"note: {day} left out: the log was cut inside that day", err=True)
