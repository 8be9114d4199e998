"""Writes the synthetic plan folder ``plan/`` used by the report and export tests.

Run once by hand (``python tests/data/report/make_plan.py``); the numbers are made up by
simple formulas below and have no meaning beyond exercising every section of the report.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
OUT = HERE / "plan"
T = pd.date_range("2025-03-03T07:00:00Z", periods=4, freq="30min")
SERIES = [
    ("voice", "premium", 40.0, 300.0),
    ("voice", "open", 120.0, 240.0),
    ("chat", "open", 60.0, 480.0),
    ("email", "open", 30.0, 600.0),
]
SKILL = {
    ("voice", "premium"): "voice_premium",
    ("voice", "open"): "voice_open",
    ("chat", "open"): "chat",
    ("email", "open"): "email",
}


def iso(ts: pd.Series) -> pd.Series:
    return ts.dt.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def main() -> None:
    OUT.mkdir(exist_ok=True)
    rows = []
    for i, t in enumerate(T):
        for ch, seg, base, aht in SERIES:
            c = base * (1 + 0.1 * i)
            rows.append(
                dict(
                    interval_start=t,
                    channel=ch,
                    segment=seg,
                    contacts=c,
                    contacts_lo=0.8 * c,
                    contacts_hi=1.2 * c,
                    aht_s=aht,
                    model="seasonal_naive",
                )
            )
    fc = pd.DataFrame(rows)
    split = fc[["interval_start", "channel", "segment", "contacts"]].copy()
    half_chat = [
        0.5 * c if ch == "chat" else 0.0 for ch, c in zip(fc.channel, fc.contacts, strict=True)
    ]
    split["ai_contained"] = half_chat
    split["escalated"] = half_chat
    split["human_contacts"] = split["contacts"] - split["ai_contained"]
    split["human_aht_s"] = fc["aht_s"] * [1.2 if ch == "chat" else 1.0 for ch in fc.channel]
    req = []
    for (t, ch, seg), g in split.groupby(["interval_start", "channel", "segment"]):
        human = float(g.human_contacts.iloc[0])
        aht = float(g.human_aht_s.iloc[0])
        for site, share in (("lyon", 0.7), ("tunis", 0.3)):
            if seg == "premium" and site == "tunis":
                continue
            c = human * (share if seg != "premium" else 1.0)
            agents = int(c * aht / 1800 + 2)
            req.append(
                dict(
                    interval_start=t,
                    site=site,
                    skill=SKILL[(ch, seg)],
                    contacts=c,
                    aht_s=aht,
                    agents_required=agents,
                    agents_required_gross=agents / 0.7,
                    service_level_rate=0.82,
                    asa_s=12.5,
                    occupancy_rate=0.8,
                )
            )
    req = pd.DataFrame(req)
    cov = req[["interval_start", "site", "skill"]].copy()
    cov["agents_scheduled"] = [a + (1 if k % 3 else -1) for k, a in enumerate(req.agents_required)]
    cov["agents_required"] = req["agents_required"].astype(float)
    cov["agents_gap"] = cov["agents_scheduled"] - cov["agents_required"]
    cov["overflow_in_contacts"] = [
        3.0 if s == "tunis" and k == "voice_open" else 0.0
        for s, k in zip(cov.site, cov.skill, strict=True)
    ]
    cov["overflow_out_contacts"] = [
        3.0 if s == "lyon" and k == "voice_open" else 0.0
        for s, k in zip(cov.site, cov.skill, strict=True)
    ]
    over = pd.DataFrame(
        dict(interval_start=T, skill="voice_open", from_site="lyon", to_site="tunis", contacts=3.0)
    )
    sim = req[["interval_start", "site", "skill", "contacts"]].copy()
    sim["service_level_rate"] = [0.78 + 0.03 * (k % 5) for k in range(len(sim))]
    sim["asa_s"] = 15.0
    sim["abandon_rate"] = 0.02
    sim["occupancy_rate"] = 0.81
    sim["sl_target_rate"] = [0.9 if k == "voice_premium" else 0.8 for k in sim.skill]
    sim["meets_target"] = sim["service_level_rate"] >= sim["sl_target_rate"]
    sched = pd.DataFrame(
        dict(
            site=["lyon", "lyon", "tunis"],
            pool=["all", "all", "digital"],
            local_date="2025-03-03",
            shift=["s0800_480", "s0900_360", "s0800_480"],
            shift_start_local=["08:00", "09:00", "08:00"],
            shift_length_min=[480, 360, 480],
            breaks=["12:00+30", "none", "12:30+30"],
            agents=[12, 6, 8],
        )
    )
    cost = pd.DataFrame(
        dict(
            site=["lyon", "tunis"],
            paid_h=[132.0, 64.0],
            cost=[3960.0, 768.0],
            contacts=[700.0, 180.0],
            cost_per_contact=[3960.0 / 700, 768.0 / 180],
        )
    )
    backtest = pd.DataFrame(
        dict(
            channel=["voice", "voice", "chat", "email"],
            segment=["premium", "open", "open", "open"],
            model="seasonal_naive",
            wmape=[0.12, 0.09, 0.15, 0.2],
            bias_rate=[0.01, -0.02, 0.03, 0.0],
        )
    )
    pooling = pd.DataFrame(
        dict(
            site=["lyon", "tunis"],
            pool=["all", "digital"],
            agents_pooled=[20.0, 9.0],
            agents_separate=[23.0, 10.0],
        )
    )
    for name, df in dict(
        forecast=fc, split=split, requirements=req, coverage=cov, overflow=over, simulation=sim
    ).items():
        df = df.copy()
        df["interval_start"] = iso(df["interval_start"])
        df.to_csv(OUT / f"{name}.csv", index=False, float_format="%.6f", lineterminator="\n")
    for name, df in dict(schedule=sched, cost=cost, backtest=backtest, pooling=pooling).items():
        df.to_csv(OUT / f"{name}.csv", index=False, float_format="%.6f", lineterminator="\n")
    manifest = {
        "run_id": "20250302T220000Z",
        "scenario": {"name": "report_fixture", "file": "scenario.toml"},
        "inputs": {"scenario.toml": "0" * 64, "history.csv": "1" * 64},
        "versions": {"wfm": "0.1.0", "python": "3.11"},
        "parameters": {
            "interval_min": 30,
            "horizon_days": 1,
            "seed": 3,
            "currency": "EUR",
            "abandoned_in_sl": True,
        },
        "stages": {
            "forecast": {
                "wall_s": 1.2,
                "notes": ["email: too little history, seasonal naive"],
                "figures": {"models": "seasonal_naive"},
            },
            "split": {"wall_s": 0.1, "notes": [], "figures": {"ai_share_rate": 0.1}},
            "requirements": {"wall_s": 0.3, "notes": [], "figures": {}},
            "schedule": {"wall_s": 5.0, "notes": ["<script>alert(1)</script>"], "figures": {}},
            "simulation": {"wall_s": 2.0, "notes": [], "figures": {"replications": 10}},
        },
        "schedule": {
            "status": "FEASIBLE",
            "objective": 4728.0,
            "best_bound": 4700.0,
            "gap_rate": 0.0059,
            "wall_s": 5.0,
            "num_workers": 2,
            "seed": 3,
            "solver": "CP-SAT",
        },
    }
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
