"""Human/AI split: speed and exactness of ``split_contacts``, and what-if sweeps on the demo.

Run alone with ``.venv/bin/python benchmarks/bench_split.py`` (or through ``bench.py``).
Forecast-shaped inputs are the demo centre's seeded synthetic history (``wfm.sample``) with
its contacts taken as the forecast; the sweeps plan the demo through the real pipeline.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.core.mapping import scenario_from_dict, set_key
from wfm.io.scenario import load_scenario_dict
from wfm.pipeline.whatif import sweep
from wfm.sample import sample_history
from wfm.split import split_contacts

DEMO = Path(__file__).resolve().parents[1] / "wfm" / "examples" / "demo" / "scenario.toml"
START = dt.date(2025, 3, 3)


def _forecast_like(data: dict, weeks: int) -> tuple[pd.DataFrame, object]:
    sc = scenario_from_dict(data)
    hist = sample_history(sc, start=START, weeks=weeks, rng=np.random.default_rng(sc.seed))
    fc = hist.drop(columns=["abandoned"], errors="ignore").assign(
        contacts_lo=lambda d: d["contacts"] * 0.8,
        contacts_hi=lambda d: d["contacts"] * 1.2,
        model="sample",
    )
    fc["aht_s"] = fc["aht_s"].fillna(300.0)
    return fc, sc


def _speed_table(base: dict) -> None:
    rows = []
    cases = [
        ("7 d × 30 min", 30, 1, {}),
        ("28 d × 15 min", 15, 4, {}),
        (
            "28 d × 15 min, repeats",
            15,
            4,
            {"ai_resolution_rate": 0.8, "human_resolution_rate": 0.9},
        ),
    ]
    for label, interval_min, weeks, rates in cases:
        data = set_key(base, "interval_min", interval_min)
        for ch in ("voice", "chat", "messaging", "email"):
            for key, value in rates.items():
                data = set_key(data, f"segments.open.ai.{ch}.{key}", value)
        fc, sc = _forecast_like(data, weeks)
        t0 = time.perf_counter()
        res = split_contacts(fc, sc)
        wall = time.perf_counter() - t0
        t = res.table
        err = float(np.abs(t["ai_contained"] + t["human_contacts"] - t["contacts"]).max())
        total = float(
            t["contacts"].sum() - t["forecast_contacts"].sum() - t["repeat_contacts"].sum()
        )
        rows.append(
            {
                "case": label,
                "rows": len(t),
                "wall_s": round(wall, 3),
                "repeat_passes": res.figures["repeat_passes"],
                "max_row_conservation_error": f"{err:.1e}",
                "total_conservation_error": f"{abs(total):.1e}",
                "ai_share_rate": round(res.figures["ai_share_rate_total"], 4),
                "repeat_contacts": round(res.figures["repeat_contacts"], 1),
                "capacity_binding_intervals": res.figures["ai_capacity_binding_intervals"],
            }
        )
    print("split_contacts on the demo centre (sampled history used as forecast)")
    print(pd.DataFrame(rows).to_string(index=False))


def _sweep_tables(base: dict) -> None:
    data = set_key(base, "forecast.history_weeks", 8)
    sc = scenario_from_dict(data)
    hist = sample_history(sc, start=START, weeks=8, rng=np.random.default_rng(sc.seed))
    cols = [
        "human_fte_gross",
        "cost",
        "cost_per_contact",
        "service_level_rate",
        "ai_share_rate",
        "overflow_share_rate",
    ]
    for axes, through, extra in [
        (["segments.open.ai.chat.containment_rate=0.3:0.6:0.05"], "requirements", {}),
        (["ai_capacity.voice.max_sessions=2,4,6,10,60"], "requirements", {}),
        (
            ["segments.open.ai.chat.containment_rate=0.3,0.45,0.6"],
            "schedule",
            {"solver.time_limit_s": 20.0},
        ),
    ]:
        d = data
        for k, v in extra.items():
            d = set_key(d, k, v)
        t0 = time.perf_counter()
        table = sweep(d, hist, axes, through=through, max_workers=2)
        wall = time.perf_counter() - t0
        key = axes[0].split("=")[0]
        print(f"\nwhat-if {axes[0]} through {through} ({len(table)} points, {wall:.1f} s)")
        print(table[[key, *cols]].to_string(index=False, float_format="%.3f"))


def main() -> None:
    base = load_scenario_dict(DEMO)
    _speed_table(base)
    _sweep_tables(base)


if __name__ == "__main__":
    main()
