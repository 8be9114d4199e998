"""Seeded synthetic agents (and preferences) for a scenario's pools (``wfm sample --agents-out``).

Each agent is drawn the same way: 70 % full time (35–40 h a week, 5 days), 30 % part time
(20–28 h, 4 days), at most 6 days in a row, the scenario's earliest start and latest end, half
of them willing to work nights, a seniority in years.

How many agents a pool gets:

- without a schedule, one agent per head of the pool's ``headcount``;
- with a schedule (``schedule.csv`` of a plan), enough people for what it plans: agents are
  drawn until the pool's contracts offer, per week, at least ``1 + STAFF_MARGIN_RATE`` times
  the schedule's agent-shifts (sum of ``max_days_per_week``) and hours on shift (sum of
  ``max_h_per_week``), and at least as many people as the busiest day's agent-shifts. A
  headcount counts heads able to work every day the schedule asks (5 days a week); with part
  timers and days off in pairs, the roster needs more people than that. The contract minimum
  is then also what the schedule's shifts can give: at most ``MIN_HOURS_RATE`` of the agent's
  days per week times the pool's mean hours per scheduled shift (a plan of many 4 h shifts
  cannot give a 5-day agent 35 h).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wfm.core.config import Scenario
from wfm.core.people import AGENTS, PREFERENCES

FULL_TIME_RATE = 0.7
STAFF_MARGIN_RATE = 0.05  # spare contract days and hours over what the schedule plans
MIN_HOURS_RATE = 0.8  # share of a week of the schedule's mean shifts a contract minimum asks


def schedule_needs(schedule: pd.DataFrame) -> dict[tuple[str, str], tuple[float, float, int]]:
    """Per (site, pool): agent-shifts and hours on shift (breaks included) per week, and the
    busiest day's agent-shifts, of a schedule table."""
    days = pd.to_datetime(schedule["local_date"])
    weeks = max(1, -(-((days.max() - days.min()).days + 1) // 7))
    out = {}
    for (site, pool), g in schedule.groupby(["site", "pool"], sort=True):
        shifts = float(g["agents"].sum()) / weeks
        length_h = pd.to_numeric(g["shift_length_min"]) / 60.0  # breaks included: an upper end
        hours = float((g["agents"] * length_h).sum()) / weeks
        peak = int(g.groupby("local_date")["agents"].sum().max())
        out[str(site), str(pool)] = (shifts, hours, peak)
    return out


def _min_hours(row: dict, need: tuple[float, float, int] | None) -> float:
    """Contract minimum [h/week]: the drawn one, capped by what the schedule's shifts give."""
    if need is None or need[0] <= 0:
        return row["min_h_per_week"]
    mean_h = need[1] / need[0]
    cap = MIN_HOURS_RATE * row["max_days_per_week"] * mean_h
    return float(min(row["min_h_per_week"], max(0.0, 2.0 * (cap // 2.0))))  # whole 2 h steps


def _enough(rows: list[dict], need: tuple[float, float, int] | None, headcount: int) -> bool:
    if need is None:
        return len(rows) >= headcount
    shifts, hours, peak = need
    days = sum(r["max_days_per_week"] for r in rows)
    paid = sum(r["max_h_per_week"] for r in rows)
    scale = 1.0 + STAFF_MARGIN_RATE
    return len(rows) >= peak and days >= shifts * scale and paid >= hours * scale


def sample_agents(
    scenario: Scenario, seed: int | None = None, *, schedule: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The agents table (agents contract) for every pool of ``scenario``.

    Parameters
    ----------
    scenario : Scenario
        Sites, pools (``headcount``) and ``[shifts]`` (earliest start, latest end, max hours
        and days per week).
    seed : int, optional
        Seed of the draws (default: the scenario's seed).
    schedule : pandas.DataFrame, optional
        A plan's schedule: size each pool from what it plans (module docstring) instead of
        from its headcount; pools it does not name keep their headcount.
    """
    rng = np.random.default_rng(scenario.seed if seed is None else seed)
    rules = scenario.shifts
    needs = schedule_needs(schedule) if schedule is not None and len(schedule) else {}
    out: list[dict] = []
    for site_name in sorted(scenario.sites):
        site = scenario.sites[site_name]
        for pool_name in sorted(site.pools):
            rows: list[dict] = []
            need = needs.get((site_name, pool_name))
            while not _enough(rows, need, site.pools[pool_name].headcount):
                i = len(rows)
                full = rng.random() < FULL_TIME_RATE
                max_h = min(float(rules.max_h_per_week), 40.0) if full else 28.0
                rows.append(
                    {
                        "agent_id": f"{site_name}-{pool_name}-{i + 1:03d}",
                        "site": site_name,
                        "pool": pool_name,
                        "min_h_per_week": (max_h - 5.0) if full else 20.0,
                        "max_h_per_week": max_h,
                        "max_days_per_week": min(int(rules.max_days_per_week), 5 if full else 4),
                        "max_consecutive_days": 6,
                        "earliest_start_local": rules.earliest_start_local,
                        "latest_end_local": rules.latest_end_local,
                        "nights_allowed": "true" if rng.random() < 0.5 else "false",
                        "seniority": float(rng.integers(0, 21)),
                    }
                )
            for r in rows:
                r["min_h_per_week"] = _min_hours(r, need)
            out += rows
    return pd.DataFrame(out, columns=list(AGENTS.names))


def sample_preferences(agents: pd.DataFrame, seed: int = 1, rate: float = 0.3) -> pd.DataFrame:
    """A seeded preferences table: about ``rate`` of the agents ask for a weekday off (weight
    1–3) and as many for a start window (early 07:00–09:00 or late 10:00–13:00, weight 1–3)."""
    rng = np.random.default_rng(seed)
    days = ("mon", "tue", "wed", "thu", "fri", "sat")
    rows = []
    for a in agents["agent_id"]:
        if rng.random() < rate:
            rows.append(
                {
                    "agent_id": a,
                    "kind": "day_off",
                    "value": str(rng.choice(days)),
                    "weight": float(rng.integers(1, 4)),
                }
            )
        if rng.random() < rate:
            window = "07:00-09:00" if rng.random() < 0.5 else "10:00-13:00"
            rows.append(
                {
                    "agent_id": a,
                    "kind": "start_window",
                    "value": window,
                    "weight": float(rng.integers(1, 4)),
                }
            )
    return pd.DataFrame(rows, columns=list(PREFERENCES.names))
