"""Small schedules and agent tables for the roster tests (built here, no files)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

MONDAY = dt.date(2025, 3, 3)
# early 07:00–15:00 and late 14:00–22:00 (8 h, no breaks): late then early breaks 11 h rest
SHIFTS = {"early": ("07:00", 480), "late": ("14:00", 480)}


def schedule(need: dict[tuple[int, str], int], site="lyon", pool="all", days=7) -> pd.DataFrame:
    """Schedule rows: ``need[(day, shift)] = agents`` over ``days`` days from MONDAY (rows with
    0 agents are written too, so every day is in the schedule)."""
    rows = []
    for d in range(days):
        for name, (start, length) in SHIFTS.items():
            rows.append(
                {
                    "site": site,
                    "pool": pool,
                    "local_date": (MONDAY + dt.timedelta(days=d)).isoformat(),
                    "shift": name,
                    "shift_start_local": start,
                    "shift_length_min": length,
                    "breaks": None,
                    "agents": need.get((d, name), 0),
                }
            )
    return pd.DataFrame(rows)


def agent(agent_id: str, **kw) -> dict:
    """One agents-table row (full-time defaults, no lower bound on hours)."""
    row = {
        "agent_id": agent_id,
        "site": "lyon",
        "pool": "all",
        "min_h_per_week": 0.0,
        "max_h_per_week": 40.0,
        "max_days_per_week": 5,
        "max_consecutive_days": 6,
        "earliest_start_local": "00:00",
        "latest_end_local": "24:00",
        "nights_allowed": True,
    }
    row.update(kw)
    return row


def agents(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows))
