"""Shift and overflow benchmark: demo week, single-site day-by-day vs pyworkforce, 10 sites.

Run alone with ``python benchmarks/bench_schedule.py``. Requirements are built here from a
smooth intraday curve and the square-root staffing rule (so the benchmark does not depend on
the earlier stages); the figures it prints are the status, objective, LP-relaxation bound,
gap and wall time of each case.
"""

from __future__ import annotations

import copy
import datetime as dt
import time
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.core.calendar import interval_grid, open_mask
from wfm.core.config import Scenario
from wfm.core.mapping import scenario_from_dict
from wfm.schedule import schedule_shifts

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "wfm" / "examples" / "demo" / "scenario.toml"

# daily contacts and AHT per skill at a site of scale 1 (illustrative, French retail bank)
_SKILL_LOAD = {
    "voice_premium": (500.0, 360.0),
    "voice_open": (2200.0, 300.0),
    "callback": (250.0, 300.0),
    "chat_premium": (150.0, 480.0),
    "chat": (900.0, 600.0),
    "messaging": (600.0, 900.0),
    "email": (700.0, 480.0),
}
_SITE_SCALE = {"lyon": 0.65, "lille": 0.45}


def demo_dict() -> dict:
    """The demo scenario as a plain mapping."""
    return tomllib.loads(DEMO.read_text(encoding="utf-8"))


def demo_scenario() -> Scenario:
    """The demo scenario."""
    return scenario_from_dict(demo_dict())


def _profile(minute_local: np.ndarray) -> np.ndarray:
    h = minute_local / 60.0
    return np.exp(-0.5 * ((h - 10.5) / 1.8) ** 2) + 0.8 * np.exp(-0.5 * ((h - 15.0) / 2.0) ** 2)


def site_requirements(
    scenario: Scenario, site: str, scale: float, start: dt.date, days: int
) -> pd.DataFrame:
    """Synthetic REQUIREMENTS rows of one site (every skill its pools hold)."""
    cfg = scenario.sites[site]
    grid = interval_grid(start, days, scenario.interval_min, cfg.tz)
    is_open = open_mask(grid, cfg, scenario.interval_min)
    local = grid.tz_convert(cfg.tz)
    minute = np.asarray(local.hour * 60 + local.minute, dtype=float)
    weekday = np.asarray(local.weekday)
    day_factor = np.where(weekday == 5, 0.5, np.where(weekday == 0, 1.15, 1.0))
    shape = _profile(minute) * is_open
    skills = sorted({k for p in cfg.pools.values() for k in p.skills})
    frames = []
    for skill in skills:
        daily, aht_s = _SKILL_LOAD.get(skill, (300.0, 300.0))
        channel = scenario.skill_channel(skill)
        ch = scenario.channels[channel]
        per_day = shape.reshape(days, -1) if len(shape) % days == 0 else None
        norm = per_day.sum(axis=1).mean() if per_day is not None else shape.sum() / days
        contacts = scale * daily * day_factor * shape / max(norm, 1e-9)
        load = contacts * aht_s / (scenario.interval_min * 60)
        if ch.queue_model == "deferred":
            net = np.ceil(load / 0.85)
        else:
            load = load / ch.max_concurrency
            beta = 1.3 if "premium" in skill else 1.0
            net = np.where(load > 0, np.ceil(load + beta * np.sqrt(load)), 0.0)
        gross = net / (1.0 - scenario.shrinkage_rate(site, channel))
        frames.append(
            pd.DataFrame(
                {
                    "interval_start": grid,
                    "site": site,
                    "skill": skill,
                    "contacts": contacts,
                    "aht_s": aht_s,
                    "agents_required": net.astype(np.int64),
                    "agents_required_gross": gross,
                    "service_level_rate": np.nan,
                    "asa_s": np.nan,
                    "occupancy_rate": np.nan,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def demo_requirements(
    scenario: Scenario,
    start: dt.date = dt.date(2026, 1, 12),
    days: int = 7,
    scales: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Synthetic requirements at the sites where contacts originate."""
    scales = scales or _SITE_SCALE
    frames = [site_requirements(scenario, s, k, start, days) for s, k in scales.items()]
    return pd.concat(frames, ignore_index=True)


def ten_site_dict() -> dict:
    """Demo scenario grown to 10 sites: 6 onshore in-house, 4 offshore outsourced."""
    d = demo_dict()
    sites = d["sites"]
    for name in ("paris", "nantes", "bordeaux", "marseille"):
        sites[name] = copy.deepcopy(sites["lille"])
    for name in ("rabat", "sousse", "casablanca"):
        sites[name] = copy.deepcopy(sites["tunis"])
    for name in ("rabat", "casablanca"):
        sites[name]["tz"] = "Africa/Casablanca"
        sites[name]["country"] = "MA"
    return d


def _row(case: str, res, wall_s: float) -> str:
    s = res.solve
    return (
        f"{case:<34} {s.status:<9} {s.objective:>12.1f} {s.best_bound:>12.1f} "
        f"{100 * s.gap_rate:>6.2f} {wall_s:>7.1f} {res.figures['shifts']:>6d} "
        f"{res.figures['shortfall_agent_h']:>8.1f} {res.figures['overflow_contacts']:>9.0f}"
    )


def _pyworkforce_case() -> str:
    """Single site, day by day (Mon–Fri): wfm vs pyworkforce MinRequiredResources.

    Same hourly requirement (rounded up to whole agents), same 8-hour shifts starting on the
    hour 08:00–12:00, no breaks, hard coverage (a shortfall penalty far above the wage).
    """
    try:
        from pyworkforce.scheduling import MinRequiredResources
    except ImportError:
        return "(b) pyworkforce not installed (pip install -e '.[bench]'): case skipped"
    d = demo_dict()
    d["sites"] = {"lyon": d["sites"]["lyon"]}
    d.pop("sample", None)  # synthetic-history settings name the other sites
    d["sites"]["lyon"]["pools"] = {"all": {"skills": ["voice_open"], "headcount": 500}}
    d["overflow"] = {}
    d["shifts"] = {
        "start_step_min": 60,
        "lengths_min": [480],
        "earliest_start_local": "08:00",
        "latest_end_local": "20:00",
        "min_rest_h": 0,
        "max_days_per_week": 7,
        "max_h_per_week": 80,
    }
    d["solver"] = {
        "time_limit_s": 60,
        "num_workers": 2,
        "gap_target_rate": 0.0,
        "shortfall_cost_per_h": 10000.0,
        "overstaff_cost_per_h": 0.0,
    }
    d["interval_min"] = 60
    sc = scenario_from_dict(d)
    ours_cost = peer_cost = ours_s = peer_s = 0.0
    statuses = set()
    for offset in range(5):
        day = dt.date(2026, 1, 12) + dt.timedelta(days=offset)
        req = site_requirements(sc, "lyon", 1.0, day, 1)
        req = req[req["skill"] == "voice_open"].reset_index(drop=True)
        req["agents_required_gross"] = np.ceil(req["agents_required_gross"])
        t0 = time.perf_counter()
        ours = schedule_shifts(req, sc)
        ours_s += time.perf_counter() - t0
        ours_cost += ours.figures["paid_h"] * 34.0
        statuses.add(ours.solve.status)
        need = req["agents_required_gross"].to_numpy()
        local = req["interval_start"].dt.tz_convert("Europe/Paris").dt.hour.to_numpy()
        periods = [int(need[local == h].sum()) for h in range(24)]
        shifts = {
            f"s{h:02d}": [1 if h <= t < h + 8 else 0 for t in range(24)] for h in range(8, 13)
        }
        t0 = time.perf_counter()
        peer = MinRequiredResources(
            num_days=1,
            periods=24,
            shifts_coverage=shifts,
            required_resources=[periods],
            cost_dict={k: 8 * 34.0 for k in shifts},
            max_period_concurrency=1000,
            max_shift_concurrency=1000,
        )
        sol = peer.solve()
        peer_s += time.perf_counter() - t0
        peer_cost += float(sol.get("cost", float("nan")))
        statuses.add(str(sol.get("status")))
    return (
        f"(b) single site, Mon-Fri day by day, 8 h shifts: wfm cost {ours_cost:.0f} in "
        f"{ours_s:.2f} s; pyworkforce cost {peer_cost:.0f} in {peer_s:.2f} s; statuses "
        f"{', '.join(sorted(statuses))}; wall-time ratio wfm/pyworkforce "
        f"{ours_s / max(peer_s, 1e-9):.2f}"
    )


def main() -> None:
    """Print the benchmark table."""
    head = (
        f"{'case':<34} {'status':<9} {'objective':>12} {'LP bound':>12} {'gap %':>6} "
        f"{'wall s':>7} {'shifts':>6} {'short h':>8} {'overflow':>9}"
    )
    print(head)
    print("-" * len(head))
    sc = demo_scenario()
    req = demo_requirements(sc)
    t0 = time.perf_counter()
    res = schedule_shifts(req, sc)
    print(_row("(a) demo week, 3 sites, 30 min", res, time.perf_counter() - t0))
    d = ten_site_dict()
    d["solver"]["time_limit_s"] = 300
    d["solver"]["gap_target_rate"] = 0.02
    sc10 = scenario_from_dict(d)
    scales = {
        "lyon": 0.65,
        "lille": 0.45,
        "paris": 0.5,
        "nantes": 0.4,
        "bordeaux": 0.35,
        "marseille": 0.45,
    }
    req10 = demo_requirements(sc10, scales=scales)
    t0 = time.perf_counter()
    res10 = schedule_shifts(req10, sc10)
    print(_row("(c) 10 sites, 2 regions, 30 min", res10, time.perf_counter() - t0))
    print(_pyworkforce_case())


if __name__ == "__main__":
    main()
