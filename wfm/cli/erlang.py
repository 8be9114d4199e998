"""``wfm erlang c|a``: an Erlang C or A calculator, for one case or a batch CSV."""

from __future__ import annotations

import json
import math
from pathlib import Path

import click

from wfm.cli.options import FiniteRange
from wfm.core.checks import MAX_SHRINKAGE_RATE
from wfm.core.schemas import MAX_AGENTS

# bounds of the options (the batch columns have the same: wfm.staffing.calculator)
_MIN_OCCUPANCY_RATE = 0.1  # below it the agents are over ten times the load
_FTE_H_PER_WEEK = (1.0, 168.0)  # contract hours of one FTE


def register(group: click.Group) -> None:
    """Add the ``erlang`` group to the main group."""
    group.add_command(erlang)


# the queue of one case and its service target
_QUEUE_OPTIONS = (
    click.option("--contacts", type=FiniteRange(min=0), help="Contacts per interval."),
    click.option(
        "--interval-min",
        type=FiniteRange(min=0, min_open=True),
        default=30.0,
        show_default=True,
        help="Interval length [min].",
    ),
    click.option(
        "--aht-s", type=FiniteRange(min=0, min_open=True), help="Average handle time [s]."
    ),
    click.option(
        "--sl-threshold-s",
        type=FiniteRange(min=0),
        default=20.0,
        show_default=True,
        help="Answer-within threshold [s].",
    ),
    click.option(
        "--sl-target-rate",
        type=FiniteRange(0, 1, min_open=True, max_open=True),
        default=0.8,
        show_default=True,
        help="Service-level target (0–1).",
    ),
    click.option(
        "--asa-target-s",
        type=FiniteRange(min=0, min_open=True),
        help="Largest acceptable ASA [s].",
    ),
    click.option(
        "--max-occupancy-rate",
        type=FiniteRange(_MIN_OCCUPANCY_RATE, 1),
        help=f"Largest acceptable occupancy ({_MIN_OCCUPANCY_RATE:g}–1).",
    ),
)
# a staffing to evaluate, and paid agents and FTE from on-queue agents
_STAFF_OPTIONS = (
    click.option(
        "--agents",
        type=click.IntRange(min=0, max=int(MAX_AGENTS)),
        help="Give a staffing and get its KPIs instead of the least agents (not with a target).",
    ),
    click.option(
        "--shrinkage-rate",
        type=FiniteRange(0, MAX_SHRINKAGE_RATE),
        default=0.0,
        show_default=True,
        help=f"Share of paid time off queue (0–{MAX_SHRINKAGE_RATE:g}): agents paid = agents / "
        "(1 − rate), rounded up.",
    ),
    click.option(
        "--open-h-per-week",
        type=FiniteRange(0, 168, min_open=True),
        help="Hours a week the queue is open [h]; with --fte-h-per-week gives the weekly FTE.",
    ),
    click.option(
        "--fte-h-per-week",
        type=FiniteRange(*_FTE_H_PER_WEEK),
        help="Contract hours of one full-time equivalent [h/week, "
        f"{_FTE_H_PER_WEEK[0]:g}–{_FTE_H_PER_WEEK[1]:g}], e.g. 35.",
    ),
)
# output format and batch files
_BATCH_OPTIONS = (
    click.option("--json", "as_json", is_flag=True, help="Print one JSON object (full precision)."),
    click.option(
        "--input",
        "input_path",
        type=click.Path(dir_okay=False),
        help="Batch: CSV with one case per row, columns named like the options "
        "(contacts, interval_min, aht_s, sl_threshold_s, sl_target_rate or "
        "agents — one or the other —, shrinkage_rate, ...).",
    ),
    click.option(
        "--out",
        "out_path",
        type=click.Path(dir_okay=False),
        help="Batch: CSV to write, not the --input (default: print CSV). An empty asa_s: no "
        "steady state (Erlang C with agents ≤ load, the queue grows without bound).",
    ),
)


def _case_options(fn):
    """The options of one Erlang case (queue, target, staffing, output) on ``fn``."""
    for opt in reversed(_QUEUE_OPTIONS + _STAFF_OPTIONS + _BATCH_OPTIONS):
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
    --sl-target-rate 0.8 prints 14 agents, wait probability 17.4 %, service level 88.8 %;
    with --shrinkage-rate 0.25, 19 agents paid (14 / 0.75 = 18.7, rounded up).

    With agents at or below the load there is no steady state: the ASA is unbounded (null in
    JSON, an empty asa_s cell in a batch CSV). Abandonment (patience_s) is for erlang a.
    """
    _run("c", options)


@erlang.command("a")
@_case_options
@click.option(
    "--patience-s", type=FiniteRange(min=0, min_open=True), help="Mean time to abandon [s]."
)
@click.option(
    "--max-abandon-rate",
    type=FiniteRange(0, 1, min_open=True),
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
    from wfm.core.errors import InputError

    as_json, input_path, out_path = (options.pop(k) for k in ("as_json", "input_path", "out_path"))
    if input_path:
        _run_batch(model, input_path, out_path, abandoned_in_sl)
        return
    if out_path:
        raise InputError(
            "--out writes the results of a batch; give --input too (one case is printed)"
        )
    _run_one(model, options, as_json, abandoned_in_sl)


def _run_batch(model: str, input_path: str, out_path: str | None, abandoned_in_sl: bool) -> None:
    import numpy as np

    from wfm.cli.stage_output import check_outputs
    from wfm.io.tables import read_table, write_table
    from wfm.staffing.calculator import erlang_cases, with_paid_agents
    from wfm.staffing.erlang_cases import CASE_SCHEMAS

    if out_path:  # refused before anything is read: never replace the input
        check_outputs(out_path, "erlang", folder=False, inputs=(input_path,))
    cases = read_table(input_path, CASE_SCHEMAS[model])
    name = Path(input_path).name
    out = erlang_cases(cases, model, abandoned_in_sl=abandoned_in_sl, source=name)
    out = with_paid_agents(out, source=name)
    # an unbounded ASA (no steady state) is an empty cell, never inf
    out = out.replace([np.inf, -np.inf], np.nan)
    if out_path:
        write_table(out, out_path)
        click.echo(f"{len(out)} cases written to {out_path}")
    else:
        click.echo(out.to_csv(index=False, float_format="%.10g", lineterminator="\n"), nl=False)


def _run_one(model: str, options: dict, as_json: bool, abandoned_in_sl: bool) -> None:
    import pandas as pd

    from wfm.core.errors import InputError
    from wfm.staffing.calculator import (
        OUTPUT_COLUMNS,
        PAID_COLUMNS,
        erlang_cases,
        with_paid_agents,
    )
    from wfm.staffing.erlang_cases import OPTIONS

    for needed in ("contacts", "aht_s") + (("patience_s",) if model == "a" else ()):
        if options.get(needed) is None:
            flag = "--" + needed.replace("_", "-")
            raise InputError(f"{flag} is required (or use --input)", source="options")
    if (options.get("open_h_per_week") is None) != (options.get("fte_h_per_week") is None):
        raise InputError(
            "--open-h-per-week and --fte-h-per-week go together (weekly FTE)", source="options"
        )
    case = {k: [v] for k, v in options.items() if v is not None}
    if options.get("agents") is not None:
        given = click.get_current_context().get_parameter_source("sl_target_rate")
        if given is not click.core.ParameterSource.DEFAULT:  # the target would be ignored
            raise InputError(
                "--agents asks the KPIs of a staffing, --sl-target-rate the least agents for a "
                "target: give one or the other"
            )
        case.pop("sl_target_rate", None)
    out = erlang_cases(pd.DataFrame(case), model, abandoned_in_sl=abandoned_in_sl, source=OPTIONS)
    out = with_paid_agents(out, source=OPTIONS)
    columns = [c for c in OUTPUT_COLUMNS[model] if c != "traffic_erlangs"] + list(PAID_COLUMNS)
    result = {c: _plain(out[c].iloc[0]) for c in columns}
    load = float(out["traffic_erlangs"].iloc[0])
    if as_json:
        click.echo(json.dumps({"model": f"erlang_{model}", "traffic_erlangs": load, **result}))
        return
    for line in _text_lines(model, load, result, options):
        click.echo(line)


def _pct(rate: float | None) -> str:
    return "–" if rate is None else f"{100 * rate:.1f} %"


def _text_lines(model: str, load: float, r: dict, options: dict) -> list[str]:
    """The result for a planner: agents as integers, rates in % and seconds to 1 decimal."""
    target = options.get("sl_target_rate") if options.get("agents") is None else None
    sl = f"{_pct(r['service_level_rate'])} within {options['sl_threshold_s']:.1f} s"
    asa = "unbounded (agents ≤ load)" if r["asa_s"] is None else f"{r['asa_s']:.1f} s"
    rows = [
        ("agents on queue", f"{r['agents']}"),
        ("service level", sl + (f" (target {_pct(target)})" if target else "")),
        ("wait probability", _pct(r["wait_probability"])),
    ]
    if model == "a":
        answered = r["asa_answered_s"]
        rows.append(("abandonment", _pct(r["abandon_probability"])))
        rows.append(("ASA, all contacts", asa))
        rows.append(("ASA, answered", "–" if answered is None else f"{answered:.1f} s"))
    else:
        rows.append(("ASA", asa))
    paid = f"{r['agents_paid']}"
    if r["shrinkage_rate"] > 0:
        gross = f"{r['agents']} / (1 − {_pct(r['shrinkage_rate'])}) = {r['agents_gross']:.1f}"
        paid += f"  ({gross}, rounded up)"
    rows += [
        ("occupancy", _pct(r["occupancy_rate"])),
        ("shrinkage", _pct(r["shrinkage_rate"])),
        ("agents paid", paid),
    ]
    if r["fte_week"] is None:
        rows.append(("FTE per week", "give --open-h-per-week and --fte-h-per-week"))
    else:
        open_h, fte_h = options["open_h_per_week"], options["fte_h_per_week"]
        how = f"{r['agents_gross']:.1f} paid × {open_h:g} h open / {fte_h:g} h per FTE"
        rows.append(("FTE per week", f"{r['fte_week']:.1f}  ({how})"))
    head = (
        f"Erlang {model.upper()}: {options['contacts']:g} contacts in {options['interval_min']:g} "
        f"min, AHT {options['aht_s']:.1f} s → offered load {load:.2f} Erlang"
    )
    return [head] + [f"  {label:<18} {value}" for label, value in rows]


def _plain(value):
    """JSON-safe scalar: int for agents, None for an unbounded ASA, else float."""
    if isinstance(value, int) or hasattr(value, "dtype") and value.dtype.kind in "iu":
        return int(value)
    value = float(value)
    return None if math.isinf(value) or math.isnan(value) else value
