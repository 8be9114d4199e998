"""A stand-in plan function for the nightly tests (same signature as ``make_plan``).

It forecasts each (channel, segment) series for the scenario's horizon after the last day
of history as the mean of that time of day in the history, and returns a plan in memory
with the forecast and a split (everything to people); it can be told to stall (to be
killed) or to fail, through environment variables.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pandas as pd

from wfm.core.manifest import Manifest, Parameters, StageRecord
from wfm.core.plan import Plan
from wfm.core.results import StageResult


def standin_plan(scenario, hist, *, run_id=None, **_ignored) -> Plan:
    marker = os.environ.get("WFM_TEST_STALL_MARKER")
    if marker:
        Path(marker).write_text("started")
        time.sleep(120)
    if os.environ.get("WFM_TEST_FAIL"):
        raise RuntimeError("stand-in plan failed on purpose")
    hist = hist.assign(tod=hist["interval_start"] - hist["interval_start"].dt.floor("D"))
    prof = hist.groupby(["channel", "segment", "tod"], as_index=False).agg(
        contacts=("contacts", "mean"), aht_s=("aht_s", "mean")
    )
    first = hist["interval_start"].max().floor("D") + pd.Timedelta(days=1)
    rows = []
    for day in range(scenario.horizon_days):
        part = prof.assign(interval_start=first + pd.Timedelta(days=day) + prof["tod"])
        rows.append(part)
    fc = pd.concat(rows, ignore_index=True).drop(columns="tod")
    fc = fc.assign(
        contacts_lo=0.8 * fc["contacts"], contacts_hi=1.2 * fc["contacts"], model="profile_mean"
    )
    split = fc[["interval_start", "channel", "segment", "contacts"]].assign(
        ai_contained=0.0, escalated=0.0, human_contacts=fc["contacts"], human_aht_s=fc["aht_s"]
    )
    results = {"forecast": StageResult(table=fc), "split": StageResult(table=split)}
    manifest = Manifest(
        run_id=run_id,
        scenario_name=scenario.name,
        parameters=Parameters.of(scenario),
        stages={name: StageRecord.of(name, res) for name, res in results.items()},
    )
    return Plan(scenario=scenario, results=results, manifest=manifest)
