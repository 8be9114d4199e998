"""Small scenarios and requirement tables for the schedule tests (built here, no files)."""

from __future__ import annotations

import copy
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from wfm.core.calendar import interval_grid
from wfm.core.mapping import scenario_from_dict

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# two regions: an onshore in-house site with a premium (onshore-only) and an open skill, and
# an offshore outsourced site that may take the open skill only
TWO_SITES = {
    "name": "two_sites",
    "interval_min": 60,
    "horizon_days": 1,
    "seed": 3,
    "channels": {"voice": {"queue_model": "realtime"}},
    "segments": {
        "premium": {"channels": ["voice"], "onshore_only": True, "in_house_only": True},
        "open": {"channels": ["voice"]},
    },
    "skills": {
        "voice_premium": {"channel": "voice", "segments": ["premium"]},
        "voice_open": {"channel": "voice", "segments": ["open"]},
    },
    "regions": {"france": {"onshore": True}, "maghreb": {"onshore": False}},
    "overflow": {
        "pairs": [["france", "maghreb"]],
        "max_overflow_rate": 0.25,
        "cost_per_contact": 0.3,
    },
    "sites": {
        "lyon": {
            "region": "france",
            "tz": "Europe/Paris",
            "cost_per_h": 34.0,
            "hours": {d: "08:00-20:00" for d in WEEKDAYS},
            "pools": {
                "premium": {"skills": ["voice_premium"], "headcount": 20},
                "generalist": {"skills": ["voice_open"], "headcount": 30},
            },
        },
        "tunis": {
            "region": "maghreb",
            "tz": "Africa/Tunis",
            "cost_per_h": 14.0,
            "outsourced": True,
            "hours": {d: "07:00-21:00" for d in WEEKDAYS},
            "pools": {"voice": {"skills": ["voice_open"], "headcount": 30}},
        },
    },
    "shrinkage": {"default_rate": 0.3},
    "shifts": {
        "start_step_min": 60,
        "lengths_min": [240, 480],
        "earliest_start_local": "07:00",
        "latest_end_local": "21:00",
        "max_days_per_week": 5,
        "min_rest_h": 11,
        "max_h_per_week": 40,
        "breaks": [
            {
                "length_min": 60,
                "earliest_after_min": 180,
                "latest_after_min": 300,
                "min_shift_length_min": 480,
            }
        ],
    },
    "solver": {"time_limit_s": 20, "num_workers": 1},
}


@pytest.fixture
def two_sites() -> dict:
    """The two-site scenario as a mapping (edit a copy)."""
    return copy.deepcopy(TWO_SITES)


def make_requirements(
    scenario,
    site: str,
    skill_contacts: dict[str, float],
    day: dt.date,
    days: int = 1,
    aht_s: float = 300.0,
    beta: float = 1.0,
) -> pd.DataFrame:
    """Requirement rows of ``site``: a bell-shaped day of contacts per skill, open hours only.

    Net agents by square-root staffing ceil(A + β√A); gross = net / (1 − shrinkage).
    """
    from wfm.core.calendar import open_mask

    cfg = scenario.sites[site]
    grid = interval_grid(day, days, scenario.interval_min, cfg.tz)
    is_open = open_mask(grid, cfg, scenario.interval_min)
    local = grid.tz_convert(cfg.tz)
    h = np.asarray(local.hour + local.minute / 60.0)
    shape = np.exp(-0.5 * ((h - 12.0) / 3.0) ** 2) * is_open
    frames = []
    for skill, daily in skill_contacts.items():
        contacts = daily * shape / shape.sum() * days
        load = contacts * aht_s / (scenario.interval_min * 60)
        net = np.where(load > 0, np.ceil(load + beta * np.sqrt(load)), 0.0)
        frames.append(
            pd.DataFrame(
                {
                    "interval_start": grid,
                    "site": site,
                    "skill": skill,
                    "contacts": contacts,
                    "aht_s": aht_s,
                    "agents_required": net.astype(np.int64),
                    "agents_required_gross": net / (1 - 0.3),
                    "service_level_rate": np.nan,
                    "asa_s": np.nan,
                    "occupancy_rate": np.nan,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


@pytest.fixture
def build():
    """``build(mapping) -> Scenario``."""
    return scenario_from_dict
