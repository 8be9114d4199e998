"""A stand-in plan function for the nightly tests (same signature as ``run_plan``).

It forecasts each (channel, segment) series for the scenario's horizon after the last day
of history as the mean of that time of day in the history, writes forecast.csv, split.csv
(everything to people) and manifest.json atomically, and can be told to stall (to be killed)
or to fail, through environment variables.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pandas as pd

from wfm.core.schemas import FORECAST, HISTORY, SPLIT
from wfm.io.files import atomic_dir, write_json_atomic
from wfm.io.scenario import load_scenario
from wfm.io.tables import read_table, write_table


def standin_plan(scenario_path, history_path, out_dir, *, run_id=None, **_ignored) -> dict:
    marker = os.environ.get("WFM_TEST_STALL_MARKER")
    if marker:
        Path(marker).write_text("started")
        time.sleep(120)
    if os.environ.get("WFM_TEST_FAIL"):
        raise RuntimeError("stand-in plan failed on purpose")
    scenario = load_scenario(scenario_path)
    hist = read_table(history_path, HISTORY, scenario=scenario)
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
    manifest = {
        "run_id": run_id,
        "scenario": {"name": scenario.name},
        "parameters": {
            "interval_min": scenario.interval_min,
            "horizon_days": scenario.horizon_days,
        },
        "stages": {"forecast": {"wall_s": 0.0, "notes": [], "figures": {}}},
    }
    with atomic_dir(out_dir) as tmp:
        write_table(fc, tmp / "forecast.csv", FORECAST)
        write_table(split, tmp / "split.csv", SPLIT)
        write_json_atomic(tmp / "manifest.json", manifest)
    return manifest
