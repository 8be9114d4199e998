"""Seeded synthetic agents (and preferences) for a scenario's pools (``wfm sample --agents-out``).

One agent per head of each pool's ``headcount``: 70 % full time (35–40 h a week, 5 days),
30 % part time (20–28 h, 4 days), at most 6 days in a row, the scenario's earliest start and
latest end, half of them willing to work nights, a seniority in years.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wfm.core.config import Scenario
from wfm.core.people import AGENTS, PREFERENCES

FULL_TIME_RATE = 0.7


def sample_agents(scenario: Scenario, seed: int | None = None) -> pd.DataFrame:
    """The agents table (agents contract) for every pool of ``scenario``.

    Parameters
    ----------
    scenario : Scenario
        Sites, pools (``headcount``) and ``[shifts]`` (earliest start, latest end, max hours
        and days per week).
    seed : int, optional
        Seed of the draws (default: the scenario's seed).
    """
    rng = np.random.default_rng(scenario.seed if seed is None else seed)
    rules = scenario.shifts
    rows = []
    for site_name in sorted(scenario.sites):
        site = scenario.sites[site_name]
        for pool_name in sorted(site.pools):
            for i in range(site.pools[pool_name].headcount):
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
    return pd.DataFrame(rows, columns=list(AGENTS.names))


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
