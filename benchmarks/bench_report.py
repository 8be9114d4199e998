"""Speed of exports, the HTML report, the run store and the nightly job on a demo-sized plan.

The plan tables are synthetic but shaped like the demo's (wfm/examples/demo/scenario.toml: 12
channel × segment series, 3 sites, 7 skills, 30-minute intervals, 7 days; 8 weeks of
actuals per series and site). The nightly row uses a stand-in plan function that writes
these tables, so it measures everything the nightly job adds around the stages (actuals,
store transaction, exports, report, snapshot, accuracy); with ``--real`` the real
``run_plan`` is used when the stages are available.

Run: ``.venv/bin/python benchmarks/bench_report.py [--real]``.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.core.errors import InputError
from wfm.core.manifest import Manifest
from wfm.core.plan import Plan
from wfm.core.results import StageResult
from wfm.core.schemas import HISTORY
from wfm.core.tables import STAGES
from wfm.io.nightly import load_nightly_config
from wfm.io.scenario import load_scenario
from wfm.io.tables import write_table
from wfm.pipeline import runstore
from wfm.pipeline.nightly import run_nightly
from wfm.report.exports import LAYOUTS, ExportOptions, export_layout
from wfm.report.html import render_report

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "wfm" / "examples" / "demo" / "scenario.toml"
START = pd.Timestamp("2025-03-03T00:00:00Z")


def _series(sc) -> list[tuple[str, str]]:
    return [(ch, seg.name) for seg in sc.segments.values() for ch in seg.channels]


def _actuals(sc, days: int, rng: np.random.Generator) -> pd.DataFrame:
    t = pd.date_range(START - pd.Timedelta(days=days), periods=days * 48, freq="30min")
    frames = []
    for ch, seg in _series(sc):
        for site in sc.sites:
            shape = 20 * np.sin(np.pi * np.clip((t.hour + t.minute / 60 - 6) / 16, 0, 1))
            frames.append(
                pd.DataFrame(
                    {
                        "interval_start": t,
                        "channel": ch,
                        "segment": seg,
                        "site": site,
                        "contacts": np.round(rng.poisson(shape + 0.1), 0).astype(float),
                        "aht_s": 300.0,
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def _plan(sc, rng: np.random.Generator) -> tuple[dict[str, pd.DataFrame], dict]:
    t = pd.date_range(START, periods=7 * 48, freq="30min")
    fc = []
    for ch, seg in _series(sc):
        c = 60 * np.sin(np.pi * np.clip((t.hour + t.minute / 60 - 6) / 16, 0, 1)) + 0.1
        fc.append(
            pd.DataFrame(
                {
                    "interval_start": t,
                    "channel": ch,
                    "segment": seg,
                    "contacts": c,
                    "contacts_lo": 0.8 * c,
                    "contacts_hi": 1.2 * c,
                    "aht_s": 300.0,
                    "model": "seasonal_naive",
                }
            )
        )
    fc = pd.concat(fc, ignore_index=True)
    split = fc[["interval_start", "channel", "segment", "contacts"]].assign(
        ai_contained=0.2 * fc["contacts"],
        escalated=0.1 * fc["contacts"],
        human_contacts=0.8 * fc["contacts"],
        human_aht_s=320.0,
    )
    req = []
    for site in sc.sites.values():
        skills = sorted({k for p in site.pools.values() for k in p.skills})
        for skill in skills:
            c = rng.uniform(0, 40, len(t))
            req.append(
                pd.DataFrame(
                    {
                        "interval_start": t,
                        "site": site.name,
                        "skill": skill,
                        "contacts": c,
                        "aht_s": 300.0,
                        "agents_required": np.ceil(c * 300 / 1800 + 1).astype("int64"),
                        "agents_required_gross": np.ceil(c * 300 / 1800 + 1) / 0.7,
                        "service_level_rate": 0.85,
                        "asa_s": 10.0,
                        "occupancy_rate": 0.8,
                    }
                )
            )
    req = pd.concat(req, ignore_index=True)
    sched = req["agents_required"].to_numpy() + rng.integers(-1, 3, len(req))
    cov = req[["interval_start", "site", "skill"]].assign(
        agents_scheduled=sched.clip(0).astype(float),
        agents_required=req["agents_required"].astype(float),
    )
    cov["agents_gap"] = cov["agents_scheduled"] - cov["agents_required"]
    cov["overflow_in_contacts"] = 0.0
    cov["overflow_out_contacts"] = 0.0
    over = pd.DataFrame(
        {
            "interval_start": t,
            "skill": "voice_open",
            "from_site": "lyon",
            "to_site": "tunis",
            "contacts": rng.uniform(0, 5, len(t)),
        }
    )
    sim = req[["interval_start", "site", "skill", "contacts"]].assign(
        service_level_rate=rng.uniform(0.6, 1.0, len(req)),
        asa_s=12.0,
        abandon_rate=0.03,
        occupancy_rate=0.8,
        sl_target_rate=0.8,
    )
    sim["meets_target"] = sim["service_level_rate"] >= sim["sl_target_rate"]
    cost = pd.DataFrame(
        {
            "site": list(sc.sites),
            "cost": [50000.0, 40000.0, 20000.0],
            "contacts": [12000.0, 10000.0, 9000.0],
        }
    )
    cost["cost_per_contact"] = cost["cost"] / cost["contacts"]
    tables = {
        "forecast": fc,
        "split": split,
        "requirements": req,
        "coverage": cov,
        "overflow": over,
        "simulation": sim,
        "cost": cost,
    }
    manifest = {
        "run_id": "bench",
        "scenario": {"name": sc.name, "file": DEMO.name},
        "parameters": {"interval_min": 30, "currency": "EUR"},
        "stages": {},
        "schedule": {
            "status": "FEASIBLE",
            "objective": 1.0,
            "best_bound": 1.0,
            "gap_rate": 0.0,
            "wall_s": 1.0,
            "num_workers": 2,
            "seed": 7,
            "solver": "CP-SAT",
        },
    }
    return tables, manifest


def _timed(fn, repeat: int = 3) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def _standin(tables: dict[str, pd.DataFrame], manifest: dict):
    """A plan function with the nightly job's signature that returns the synthetic tables
    as a plan, in place of a real (slow) plan."""

    def plan(scenario, history, *, run_id=None, **_):
        del history
        typed = Manifest.from_dict(manifest | {"run_id": run_id}, interval_min=30)
        results = {n: StageResult(table=tables[n]) for n in STAGES if n in tables}
        extra = {n: t for n, t in tables.items() if n not in results}
        return Plan(scenario=scenario, results=results, manifest=typed, extra=extra)

    return plan


def main() -> None:
    rng = np.random.default_rng(7)
    sc = load_scenario(DEMO)
    tables, manifest = _plan(sc, rng)
    rows: list[tuple[str, int | None, float]] = []
    actuals = _actuals(sc, 56, rng)
    # historical layouts export actuals; Amazon Connect needs a queue id per skill
    with_history = {**tables, "history": actuals}
    options = ExportOptions(queue_ids={k: f"queue-{k}" for k in sc.skill_names()})
    for layout in LAYOUTS:
        try:
            wall, out = _timed(
                lambda layout=layout: export_layout(layout, with_history, sc, options)
            )
        except InputError as err:  # this synthetic plan has no schedule table
            rows.append((f"export {layout}: not run ({err})", None, 0.0))
            continue
        rows.append((f"export {layout}", len(out.table), wall))
    wall, page = _timed(lambda: render_report(tables, manifest), repeat=1)
    rows.append((f"report ({len(page) / 1e6:.1f} MB HTML)", page.count("<svg"), wall))
    with tempfile.TemporaryDirectory() as d:
        con = runstore.connect(Path(d) / "runs.duckdb")
        wall, _ = _timed(lambda: runstore.load_actuals(con, actuals), repeat=2)
        rows.append(("store: load 8 weeks of actuals (upsert)", len(actuals), wall))
        # last week's forecast, scored against the last week of actuals
        past = tables["forecast"].assign(
            interval_start=tables["forecast"]["interval_start"] - pd.Timedelta(days=7)
        )
        wall, _ = _timed(
            lambda: runstore.snapshot_forecast(
                con, past, snapshot_date=dt.date(2025, 2, 24), run_id="b"
            ),
            repeat=2,
        )
        rows.append(("store: snapshot a 7-day forecast", len(tables["forecast"]), wall))
        wall, acc = _timed(lambda: runstore.refresh_accuracy(con))
        rows.append(("store: accuracy by channel, segment, day", len(acc), wall))
        con.close()
        base = Path(d)
        (base / "actuals").mkdir()
        write_table(actuals, base / "actuals" / "history.csv", HISTORY)
        (base / "nightly.toml").write_text(
            f'scenario_path = "{DEMO}"\nactuals_path = "actuals"\nout_root = "plans"\n'
            'store_path = "runs.duckdb"\n'
            'exports = ["genesys-historical", "amazon-connect-forecast", "calabrio"]\n'
        )
        cfg = load_nightly_config(base / "nightly.toml")
        plan = None
        if "--real" not in sys.argv:
            plan = _standin(tables, manifest)
        kind = "real plan" if plan is None else "stand-in plan"
        for night in (1, 2):
            res = run_nightly(cfg, run_date=dt.date(2025, 3, 4), plan=plan)
            rows.append(
                (
                    f"nightly run {night} of the same day ({kind})",
                    res.snapshot_rows,
                    res.timings_s["total"],
                )
            )
            for step, wall in res.timings_s.items():
                if step != "total":
                    rows.append((f"  {step}", None, wall))
    width = max(len(r[0]) for r in rows)
    print(f"{'step':<{width}}  {'rows':>8}  {'wall_s':>7}")
    for name, n, wall in rows:
        print(f"{name:<{width}}  {'' if n is None else n:>8}  {wall:>7.3f}")


if __name__ == "__main__":
    main()
