"""``wfm staff`` (requirements from a split table) and ``wfm erlang c|a`` (a calculator)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import click


def register(group: click.Group) -> None:
    """Add ``staff`` and ``erlang`` to the main group."""
    group.add_command(staff)
    group.add_command(erlang)


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
    help="Requirements CSV to write; pooling.csv is written beside it.",
)
def staff(scenario, split_path, out_path):
    """Agents required per interval, site and skill, on queue and paid (after shrinkage).

    Realtime channels by Erlang C or A, concurrent channels on conversation slots, deferred
    channels by the least agent-hours meeting every deadline. Also writes pooling.csv: the
    pooled and the separate requirement of each agent pool.
    """
    from wfm.core.schemas import REQUIREMENTS, SPLIT
    from wfm.io.scenario import load_scenario
    from wfm.io.tables import read_table, write_table
    from wfm.staffing import staffing_requirements

    sc = load_scenario(scenario)
    result = staffing_requirements(read_table(split_path, SPLIT, scenario=sc), sc)
    write_table(result.table, out_path, REQUIREMENTS)
    write_table(result.tables["pooling"], Path(out_path).with_name("pooling.csv"))
    for note in result.notes:
        click.echo(f"note: {note}")
    f = result.figures
    click.echo(
        f"requirements: {len(result.table)} rows, {f.get('agent_hours_net', 0):.1f} "
        f"agent-hours on queue, {f.get('agent_hours_gross', 0):.1f} paid — {out_path}"
    )


def _case_options(fn):
    opts = [
        click.option("--contacts", type=click.FloatRange(min=0), help="Contacts per interval."),
        click.option(
            "--interval-min",
            type=click.FloatRange(min=0, min_open=True),
            default=30.0,
            show_default=True,
            help="Interval length [min].",
        ),
        click.option(
            "--aht-s", type=click.FloatRange(min=0, min_open=True), help="Average handle time [s]."
        ),
        click.option(
            "--sl-threshold-s",
            type=click.FloatRange(min=0),
            default=20.0,
            show_default=True,
            help="Answer-within threshold [s].",
        ),
        click.option(
            "--sl-target-rate",
            type=click.FloatRange(0, 1, min_open=True, max_open=True),
            default=0.8,
            show_default=True,
            help="Service-level target (0–1).",
        ),
        click.option(
            "--asa-target-s",
            type=click.FloatRange(min=0, min_open=True),
            help="Largest acceptable ASA [s].",
        ),
        click.option(
            "--max-occupancy-rate",
            type=click.FloatRange(0, 1, min_open=True),
            help="Largest acceptable occupancy (0–1).",
        ),
        click.option(
            "--agents",
            type=click.IntRange(min=0),
            help="Give a staffing and get its KPIs instead of the least agents.",
        ),
        click.option("--json", "as_json", is_flag=True, help="Print one JSON object."),
        click.option(
            "--input",
            "input_path",
            type=click.Path(dir_okay=False),
            help="Batch: CSV with one case per row, columns named like the options "
            "(contacts, interval_min, aht_s, sl_threshold_s, sl_target_rate or "
            "agents, ...).",
        ),
        click.option(
            "--out",
            "out_path",
            type=click.Path(dir_okay=False),
            help="Batch: CSV to write (default: print CSV).",
        ),
    ]
    for opt in reversed(opts):
        fn = opt(fn)
    return fn


@click.group()
def erlang():
    """Erlang calculator: least agents for a service target, or the KPIs of given agents.

    Service level counts abandoned contacts as failures over all arrivals (Erlang A; use
    --answered-only for answered contacts only). ASA is the mean wait over all contacts.
    """


@erlang.command("c")
@_case_options
def erlang_c(**options):
    """Erlang C (M/M/N, no abandonment): least agents and their KPIs.

    Example: wfm erlang c --contacts 100 --interval-min 30 --aht-s 180 --sl-threshold-s 20
    --sl-target-rate 0.8 prints 14 agents, wait probability 0.174, service level 0.888.
    """
    _run("c", options)


@erlang.command("a")
@_case_options
@click.option(
    "--patience-s", type=click.FloatRange(min=0, min_open=True), help="Mean time to abandon [s]."
)
@click.option(
    "--max-abandon-rate",
    type=click.FloatRange(0, 1, min_open=True),
    help="Largest acceptable abandonment (0–1).",
)
@click.option(
    "--answered-only",
    is_flag=True,
    help="Service level over answered contacts (abandoned ones leave the count).",
)
def erlang_a(answered_only, **options):
    """Erlang A (M/M/N+M, exponential patience): least agents (may be below the load) and KPIs.

    Example: wfm erlang a --contacts 100 --aht-s 180 --patience-s 120 prints 12 agents.
    """
    _run("a", options, abandoned_in_sl=not answered_only)


def _run(model: str, options: dict, abandoned_in_sl: bool = True) -> None:
    """One case from the options, or a batch from --input."""
    as_json, input_path, out_path = (options.pop(k) for k in ("as_json", "input_path", "out_path"))
    if input_path:
        _run_batch(model, input_path, out_path, abandoned_in_sl)
    else:
        _run_one(model, options, as_json, abandoned_in_sl)


def _run_batch(model: str, input_path: str, out_path: str | None, abandoned_in_sl: bool) -> None:
    from wfm.io.tables import read_table, write_table
    from wfm.staffing.calculator import CASE_SCHEMAS, erlang_cases

    cases = read_table(input_path, CASE_SCHEMAS[model])
    out = erlang_cases(cases, model, abandoned_in_sl=abandoned_in_sl, source=Path(input_path).name)
    if out_path:
        write_table(out, out_path)
        click.echo(f"{len(out)} cases written to {out_path}")
    else:
        click.echo(out.to_csv(index=False, float_format="%.10g", lineterminator="\n"), nl=False)


def _run_one(model: str, options: dict, as_json: bool, abandoned_in_sl: bool) -> None:
    import pandas as pd

    from wfm.core.errors import InputError
    from wfm.staffing.calculator import OUTPUT_COLUMNS, erlang_cases

    for needed in ("contacts", "aht_s") + (("patience_s",) if model == "a" else ()):
        if options.get(needed) is None:
            flag = "--" + needed.replace("_", "-")
            raise InputError(f"{flag} is required (or use --input)", source="options")
    case = {k: [v] for k, v in options.items() if v is not None}
    if options.get("agents") is not None:
        case.pop("sl_target_rate", None)
    out = erlang_cases(pd.DataFrame(case), model, abandoned_in_sl=abandoned_in_sl, source="options")
    result = {c: _plain(out[c].iloc[0]) for c in OUTPUT_COLUMNS[model] if c != "traffic_erlangs"}
    load = float(out["traffic_erlangs"].iloc[0])
    if as_json:
        click.echo(json.dumps({"model": f"erlang_{model}", "traffic_erlangs": load, **result}))
        return
    click.echo(f"Erlang {model.upper()}: offered load {load:.4g} Erlang")
    for key, value in result.items():
        click.echo(f"  {key:<20} {'unbounded (agents ≤ load)' if value is None else value}")


def _plain(value):
    """JSON-safe scalar: int for agents, None for an unbounded ASA, else float."""
    if isinstance(value, int) or hasattr(value, "dtype") and value.dtype.kind in "iu":
        return int(value)
    value = float(value)
    return None if math.isinf(value) or math.isnan(value) else value
