"""Benchmark of the simulation check (``make bench`` or ``python benchmarks/bench_simulate.py``).

Tables printed:

1. Event-loop choice: the ``heapq`` loop of ``wfm.simulate.engine`` against the same M/M/N
   queue written with SimPy (bench extra), on one Erlang C case.
2. Speed: a synthetic week of the demo plan (all sites, ~100k human contacts) × 10
   replications.
3. Accuracy: every Erlang C and Erlang A reference case, simulated at length.
4. Trace replay of the Anonymous Bank call log (August 1999) against the recorded waits and
   abandonment.
"""

from __future__ import annotations

import math
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from wfm.core.mapping import scenario_from_dict  # noqa: E402
from wfm.io.scenario import load_scenario  # noqa: E402
from wfm.simulate import simulate_plan  # noqa: E402
from wfm.simulate.engine import run_events  # noqa: E402
from wfm.simulate.network import Network, PoolSpec, QueueSpec  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
DEMO = ROOT / "wfm" / "examples" / "demo" / "scenario.toml"


# -- 1. event loop choice ---------------------------------------------------------------------
def _heapq_mmn(arrival, work, agents, interval_s):
    net = Network(
        queues=(QueueSpec(channel=0, rank=0),),
        pools=(PoolSpec(queues=(0,), proficiency=(1.0,)),),
        max_concurrency=(1,),
        concurrency_aht_factor=(0.0,),
        interval_s=interval_s,
    )
    n_int = int(math.ceil(arrival[-1] / interval_s)) + 4
    out = run_events(
        net,
        arrival,
        np.zeros(len(arrival), dtype=int),
        work,
        np.full(len(arrival), np.inf),
        np.full((n_int, 1), agents),
    )
    return out.wait_s


def _simpy_mmn(arrival, work, agents):
    import simpy

    env = simpy.Environment()
    desk = simpy.Resource(env, capacity=agents)
    waits = np.zeros(len(arrival))

    def contact(i):
        t0 = env.now
        with desk.request() as req:
            yield req
            waits[i] = env.now - t0
            yield env.timeout(work[i])

    def source():
        for i, t in enumerate(arrival):
            yield env.timeout(t - env.now)
            env.process(contact(i))

    env.process(source())
    env.run()
    return waits


def bench_engines() -> None:
    # Erlang C case C1: 100 contacts / 30 min, AHT 180 s, 14 agents, SL(20 s) = 0.8884
    rng = np.random.default_rng(1)
    n = 200_000
    arrival = np.cumsum(rng.exponential(1800 / 100, n))
    work = rng.exponential(180.0, n)
    rows = []
    for name, fn in (
        ("heapq loop (wfm)", lambda: _heapq_mmn(arrival, work, 14, 1800.0)),
        ("SimPy 4 Resource", lambda: _simpy_mmn(arrival, work, 14)),
    ):
        try:
            t0 = time.perf_counter()
            w = fn()
            wall = time.perf_counter() - t0
        except ImportError:
            rows.append((name, "not installed", "", ""))
            continue
        rows.append((name, f"{wall:.2f}", f"{n / wall:,.0f}", f"{np.mean(w <= 20):.4f}"))
    print("Event loop, M/M/14 (Erlang C case C1, exact SL 0.8884), 200,000 contacts")
    _print(("engine", "wall_s", "contacts_per_s", "service_level_rate"), rows)


# -- 2. demo-size plan --------------------------------------------------------------------------
SHARES = {  # (channel, segment): share of human contacts of the week
    ("voice", "premium"): 0.08,
    ("voice", "open"): 0.30,
    ("callback", "premium"): 0.02,
    ("callback", "open"): 0.05,
    ("chat", "premium"): 0.04,
    ("chat", "open"): 0.14,
    ("chat", "transactional"): 0.08,
    ("messaging", "open"): 0.06,
    ("messaging", "transactional"): 0.05,
    ("email", "premium"): 0.03,
    ("email", "open"): 0.09,
    ("email", "transactional"): 0.06,
}
AHT_S = {"voice": 300.0, "callback": 280.0, "chat": 420.0, "messaging": 480.0, "email": 360.0}
SITE_SHARE = {"lyon": 0.45, "lille": 0.35, "tunis": 0.20}


def demo_plan(total_contacts: float = 100_000.0, days: int = 7):
    """Synthetic split and pool agents for a week of the demo scenario.

    Contacts follow a daily bell over 08:00–20:00 Paris time, Monday to Saturday; agents per
    skill are the offered load over a 0.8 occupancy plus one, scaled up by the shrinkage.
    """
    sc = load_scenario(DEMO)
    t = pd.date_range("2026-03-02", periods=days * 48, freq="30min", tz="UTC")
    local = t.tz_convert("Europe/Paris")
    hour = np.asarray(local.hour + local.minute / 60, dtype=float)
    weekday = np.asarray(local.day_of_week)
    shape = np.where((hour >= 8) & (hour < 20) & (weekday < 6), 1.0, 0.0)
    shape = shape * (1.0 + 0.6 * np.sin(np.pi * (hour - 8) / 12))
    shape = shape / shape.sum()
    rows = []
    for (ch, seg), share in SHARES.items():
        skill = sc.skill_for(ch, seg)
        for site, ss in SITE_SHARE.items():
            pols = sc.segments[seg]
            if site == "tunis" and (pols.onshore_only or pols.in_house_only):
                continue
            if not any(skill in p.skills for p in sc.sites[site].pools.values()):
                continue
            rows.append(
                pd.DataFrame(
                    {
                        "interval_start": t,
                        "channel": ch,
                        "segment": seg,
                        "site": site,
                        "human_contacts": total_contacts * share * ss * shape,
                        "human_aht_s": AHT_S[ch],
                        "escalated": 0.0,
                    }
                )
            )
    split = pd.concat(rows, ignore_index=True)
    split["contacts"] = split["human_contacts"]
    split["ai_contained"] = 0.0
    split["skill"] = [
        sc.skill_for(c, g) for c, g in zip(split["channel"], split["segment"], strict=True)
    ]
    load = split.groupby(["interval_start", "site", "skill"], as_index=False).agg(
        contacts=("human_contacts", "sum"), aht_s=("human_aht_s", "mean")
    )
    k = load["skill"].map(lambda s: sc.channels[sc.skill_channel(s)].max_concurrency)
    erl = load["contacts"] * load["aht_s"] / 1800.0 / k
    load["agents"] = np.where(load["contacts"] > 0.05, np.ceil(erl / 0.8 + 1), 0.0)
    pool_rows = []
    for (ts, site), grp in load.groupby(["interval_start", "site"]):
        need = dict(zip(grp["skill"], grp["agents"], strict=True))
        pools = sc.sites[site].pools
        for pname in pools:
            mine = 0.0
            for skill, a in need.items():
                holders = [p for p in pools.values() if skill in p.skills]
                # premium skills go to the premium pool, shared ones to the larger pool
                owner = min(
                    holders, key=lambda p: len(p.skills) if "premium" in skill else -p.headcount
                )
                if owner.name == pname:
                    mine += a
            pool_rows.append(
                {"interval_start": ts, "site": site, "pool": pname, "agents": math.ceil(mine / 0.7)}
            )
    return sc, split.drop(columns="skill"), pd.DataFrame(pool_rows)


def _plan_folder(folder: Path):
    """split, pool_agents and overflow of a plan folder written by ``wfm plan`` (or None)."""
    from wfm.core.schemas import COVERAGE, OVERFLOW, POOL_AGENTS, SPLIT
    from wfm.io.tables import read_table

    if not (folder / "pool_agents.csv").exists():
        return None
    sc = load_scenario(DEMO)
    split = read_table(folder / "split.csv", SPLIT, scenario=sc)
    agents = read_table(folder / "pool_agents.csv", POOL_AGENTS, scenario=sc)
    ov = folder / "overflow.csv"
    overflow = read_table(ov, OVERFLOW, scenario=sc) if ov.exists() else None
    cov = folder / "coverage.csv"
    coverage = read_table(cov, COVERAGE, scenario=sc) if cov.exists() else None
    return sc, split, agents, overflow, coverage


def bench_demo() -> None:
    cases = []
    folder = ROOT / "forecasts" / "demo"
    real = _plan_folder(folder)
    if real is not None:
        cases.append(("demo plan (make demo)", *real))
    sc, split, agents = demo_plan()
    cases.append(("synthetic demo-size week", sc, split, agents, None, None))
    rows = []
    summaries = []
    for name, sc, split, agents, overflow, coverage in cases:
        sc = replace(sc, simulation=replace(sc.simulation, replications=10))
        t0 = time.perf_counter()
        # as in `wfm plan`: the schedule's coverage caps the agents on deferred work
        res = simulate_plan(split, agents, sc, overflow=overflow, coverage=coverage)
        wall = time.perf_counter() - t0
        f = res.figures
        rows.append(
            (
                name,
                f"{split['human_contacts'].sum():,.0f}",
                f["replications"],
                f"{f['contacts_simulated']:,}",
                f"{wall:.1f}",
                f"{f['contacts_simulated'] / wall:,.0f}",
                f"{f['service_level_rate']:.3f}",
                f"{f['intervals_below_target']} / {int((res.table['contacts'] > 0).sum())}",
            )
        )
        summaries.append((name, res.tables["summary"]))
    print("\nDemo-size plans, 10 replications (rows below target / rows with contacts)")
    _print(
        (
            "plan",
            "human_contacts",
            "replications",
            "contacts_simulated",
            "wall_s",
            "contacts_per_s",
            "service_level_rate",
            "rows_below_target",
        ),
        rows,
    )
    name, s = summaries[0]
    s = s[s["scope"] != "segment_channel"]
    print(f"\n{name}: summary by segment and channel")
    _print(
        (
            "scope",
            "name",
            "contacts",
            "service_level_rate",
            "half_width",
            "asa_s",
            "abandon_rate",
            "missed_target",
        ),
        [
            (
                r.scope,
                r.name,
                f"{r.contacts:,.0f}",
                f"{r.service_level_rate:.3f}",
                f"{r.service_level_half_width_rate:.3f}",
                f"{r.asa_s:.1f}",
                f"{r.abandon_rate:.3f}",
                f"{r.missed_target_contacts:,.0f}",
            )
            for r in s.itertuples()
        ],
    )


# -- 3. Erlang accuracy ------------------------------------------------------------------------
def _single(contacts, aht_s, agents, n_int, interval_min, threshold_s, patience_s=None, reps=10):
    voice = {"queue_model": "realtime"}
    if patience_s:
        voice.update(realtime_model="erlang_a", patience_s=float(patience_s))
    sc = scenario_from_dict(
        {
            "interval_min": int(interval_min),
            "seed": 1,
            "channels": {"voice": voice},
            "segments": {
                "open": {
                    "channels": ["voice"],
                    "targets": {"voice": {"sl_threshold_s": float(threshold_s)}},
                }
            },
            "sites": {
                "a": {
                    "region": "r",
                    "tz": "UTC",
                    "pools": {"p": {"skills": ["voice_open"], "headcount": 999}},
                }
            },
            "shrinkage": {"default_rate": 0.0},
            "simulation": {"replications": reps, "shrinkage_draw": "none"},
        }
    )
    t = pd.date_range("2026-03-02", periods=n_int + 4, freq=f"{int(interval_min)}min", tz="UTC")
    split = pd.DataFrame(
        {
            "interval_start": t[:n_int],
            "channel": "voice",
            "segment": "open",
            "site": "a",
            "human_contacts": float(contacts),
            "human_aht_s": float(aht_s),
            "escalated": 0.0,
        }
    )
    agents_t = pd.DataFrame({"interval_start": t, "site": "a", "pool": "p", "agents": int(agents)})
    s = simulate_plan(split, agents_t, sc).tables["summary"]
    return s[s["scope"] == "overall"].iloc[0]


def bench_erlang() -> None:
    rows = []
    for r in pd.read_csv(SHARED / "reference" / "erlang_c_cases.csv").itertuples():
        n_int = max(50, int(40_000 / r.contacts))
        o = _single(r.contacts, r.aht_s, r.agents_required, n_int, r.interval_min, r.sl_threshold_s)
        rows.append(
            _erlang_row(r.case_id, r.agents_required, o, r.service_level_rate, r.asa_s, 0.0)
        )
    for r in pd.read_csv(SHARED / "reference" / "erlang_a_cases.csv").itertuples():
        n_int = max(50, int(40_000 / r.contacts))
        o = _single(
            r.contacts, r.aht_s, r.agents, n_int, r.interval_min, r.sl_threshold_s, r.patience_s
        )
        rows.append(
            _erlang_row(
                r.case_id, r.agents, o, r.service_level_rate, r.asa_s, r.abandon_probability
            )
        )
    print(
        "\nErlang C / Erlang A reference cases, 10 replications of ≥ 40,000 contacts"
        " (95 % half-widths)"
    )
    _print(
        (
            "case",
            "agents",
            "SL exact",
            "SL sim ± hw",
            "wait exact",
            "wait sim ± hw",
            "aband exact",
            "aband sim ± hw",
            "inside",
        ),
        rows,
    )


def _erlang_row(case, agents, o, sl, wait, ab):
    inside = (
        abs(o.service_level_rate - sl) <= o.service_level_half_width_rate
        and abs(o.wait_s - wait) <= o.wait_half_width_s
        and abs(o.abandon_rate - ab) <= max(o.abandon_half_width_rate, 1e-12)
    )
    return (
        case,
        int(agents),
        f"{sl:.4f}",
        f"{o.service_level_rate:.4f} ± {o.service_level_half_width_rate:.4f}",
        f"{wait:.2f}",
        f"{o.wait_s:.2f} ± {o.wait_half_width_s:.2f}",
        f"{ab:.4f}",
        f"{o.abandon_rate:.4f} ± {o.abandon_half_width_rate:.4f}",
        "yes" if inside else "no",
    )


# -- 4. trace replay ---------------------------------------------------------------------------
def bench_trace() -> None:
    from wfm.simulate.trace import replay_calls

    path = SHARED / "anonymous_bank" / "calls_1999_08.csv"
    if not path.exists():
        print("\nTrace replay: Anonymous Bank log not found; skipped")
        return
    calls = pd.read_csv(path, dtype=str)
    rows = []
    for label, kw in (
        ("distinct servers", {"agents_from": "servers"}),
        ("presence, gaps ≤ 300 s", {"agents_from": "presence", "presence_gap_s": 300.0}),
        ("presence, gaps ≤ 600 s", {"agents_from": "presence", "presence_gap_s": 600.0}),
    ):
        t0 = time.perf_counter()
        f = replay_calls(calls, replications=10, seed=1, **kw).figures
        wall = time.perf_counter() - t0
        rows.append(
            (
                label,
                f"{f['recorded_asa_s']:.1f} / {f['simulated_asa_s']:.1f}",
                f"{f['recorded_abandon_rate']:.3f} / {f['simulated_abandon_rate']:.3f}",
                f"{f['recorded_service_level_rate']:.3f} / {f['simulated_service_level_rate']:.3f}",
                f"{f['interval_asa_mae_s']:.1f}",
                f"{f['interval_abandon_mae_rate']:.3f}",
                f"{wall:.1f}",
            )
        )
    print(
        f"\nTrace replay, Anonymous Bank August 1999: {f['calls']:,} queued or served calls, "
        "10 replications (recorded / simulated; MAE over 30-min intervals with ≥ 10 calls)"
    )
    _print(
        (
            "agents per interval",
            "ASA answered [s]",
            "abandon rate",
            "SL 20 s",
            "MAE ASA [s]",
            "MAE abandon",
            "wall_s",
        ),
        rows,
    )


def _print(header, rows) -> None:
    rows = [tuple(str(c) for c in r) for r in rows]
    widths = [max(len(str(h)), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print("| " + " | ".join(str(h).ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")


def main() -> None:
    wanted = set(sys.argv[1:]) & {"engines", "demo", "erlang", "trace"} or {
        "engines",
        "demo",
        "erlang",
        "trace",
    }
    if "engines" in wanted:
        bench_engines()
    if "demo" in wanted:
        bench_demo()
    if "erlang" in wanted:
        bench_erlang()
    if "trace" in wanted:
        bench_trace()


if __name__ == "__main__":
    main()
