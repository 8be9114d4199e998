"""History inputs: the Anonymous Bank contact log → history, and the demo's synthetic history.

Run alone with ``.venv/bin/python benchmarks/bench_history.py``. The call log is read from
``$WFM_SHARED_DATA/anonymous_bank/`` (default ``../shared/data`` beside the repository); its
part is skipped when the file is absent.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.io.contact_history import contact_totals, history_from_contacts
from wfm.io.contacts import ContactColumns, read_contacts
from wfm.io.scenario import load_scenario
from wfm.sample import sample_history

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("WFM_SHARED_DATA", ROOT.parent / "shared" / "data"))
BANK_TZ = "Asia/Jerusalem"
BANK = ContactColumns(
    arrival_column="arrival_ts",
    channel="voice",
    segment_column="type",
    wait_column="q_time",
    handle_column="ser_time",
    answered_values=("AGENT",),
    abandoned_values=("HANG",),
    ignored_values=("PHANTOM",),
)


def _table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(str(v).rjust(w) for v, w in zip(r, widths, strict=True)))


def bench_anonymous_bank() -> None:
    """Per-type totals against the data README and every interval against the rollup."""
    calls = DATA / "anonymous_bank" / "calls_1999_08.csv"
    rollup = DATA / "anonymous_bank" / "intervals_30min_1999_08.csv"
    if not calls.exists():
        print(f"(skipped: {calls.name} not found; set WFM_SHARED_DATA)")
        return
    t0 = time.perf_counter()
    contacts = read_contacts(calls, BANK, source_tz=BANK_TZ)
    t1 = time.perf_counter()
    history = history_from_contacts(contacts, 30, day_tz=BANK_TZ)
    t2 = time.perf_counter()
    totals = contact_totals(contacts)
    print("Anonymous Bank, August 1999: contacts per type and outcome")
    _table(
        [tuple(str(v) for v in row) for row in totals.itertuples(index=False)],
        tuple(totals.columns),
    )
    print()
    ref = pd.read_csv(rollup)
    ref["interval_start"] = (
        pd.to_datetime(ref["interval_start"]).dt.tz_localize(BANK_TZ).dt.tz_convert("UTC")
    )
    ref["segment"] = ref["type"].str.lower()
    m = history.merge(ref, on=["interval_start", "segment"], how="outer", indicator=True)
    answered = m["contacts"] - m["abandoned_x"]
    handle = (m["aht_s"] * answered).fillna(0.0)
    rows = [
        ("calls in log", f"{len(contacts):,}", "42,078"),
        ("answered", f"{int(answered.sum()):,}", "31,402"),
        ("abandoned after queueing", f"{int(m['abandoned_x'].sum()):,}", "7,260"),
        ("history rows (31 d × 48 × 6 types)", f"{len(history):,}", f"{31 * 48 * 6:,}"),
        ("intervals missing on either side", str(int((m["_merge"] != "both").sum())), "0"),
        ("max |contacts − offered| per interval", f"{(m['contacts'] - m['offered']).abs().max():g}",
         "0"),
        ("max |abandoned − rollup| per interval",
         f"{(m['abandoned_x'] - m['abandoned_y']).abs().max():g}", "0"),
        ("max |Σ handle − sum_handle_s| [s]", f"{(handle - m['sum_handle_s']).abs().max():.1e}",
         "0"),
        ("read_contacts wall [s]", f"{t1 - t0:.2f}", ""),
        ("history_from_contacts wall [s]", f"{t2 - t1:.2f}", ""),
    ]  # fmt: skip
    _table(rows, ("check", "wfm", "reference (data README, published rollup)"))


def bench_demo_sample() -> None:
    """The demo's 10-week synthetic history: size, weekly totals, shares, wall time."""
    scenario = load_scenario(ROOT / "wfm" / "examples" / "demo" / "scenario.toml")
    start = dt.date(2026, 9, 14)
    t0 = time.perf_counter()
    h = sample_history(scenario, start=start, weeks=10, rng=np.random.default_rng(scenario.seed))
    wall = time.perf_counter() - t0
    local = h["interval_start"].dt.tz_convert("Europe/Paris")
    week = ((local.dt.date - start).map(lambda d: d.days) // 7).to_numpy()
    weekly = h.groupby(week)["contacts"].sum()
    by_channel = h.groupby("channel")["contacts"].sum() / 10
    office = h["channel"].isin(["voice", "chat"])
    hours = local.dt.hour
    in_hours = h.loc[office & (hours >= 8) & (hours < 20), "contacts"].sum()
    print("\nDemo synthetic history, 10 weeks from 2026-09-14 (seed of the scenario)")
    rows = [
        ("rows", f"{len(h):,}"),
        ("wall [s]", f"{wall:.2f}"),
        ("contacts per week, mean", f"{weekly.mean():,.0f}"),
        ("contacts per week, min–max", f"{weekly.min():,.0f}–{weekly.max():,.0f}"),
        *[(f"  {ch} per week", f"{v:,.0f}") for ch, v in by_channel.sort_values().items()],
        ("share from lyon", f"{h.loc[h['site'] == 'lyon', 'contacts'].sum() / h['contacts'].sum():.3f}"),  # noqa: E501
        ("voice+chat inside 08–20 h local", f"{in_hours / h.loc[office, 'contacts'].sum():.3f}"),
        ("abandoned share (all channels)", f"{h['abandoned'].sum() / h['contacts'].sum():.3f}"),
    ]  # fmt: skip
    _table(rows, ("figure", "value"))


def main() -> None:
    bench_anonymous_bank()
    bench_demo_sample()


if __name__ == "__main__":
    main()
