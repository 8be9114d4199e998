"""Shared fixtures: a tiny scenario (as a dict and as a Scenario) and the demo scenario."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from wfm.core.mapping import scenario_from_dict

ROOT = Path(__file__).resolve().parents[1]
DEMO_SCENARIO = ROOT / "wfm" / "examples" / "demo" / "scenario.toml"

TINY = {
    "name": "tiny",
    "interval_min": 30,
    "horizon_days": 2,
    "channels": {
        "voice": {"queue_model": "realtime"},
        "chat": {"queue_model": "concurrent", "max_concurrency": 2},
        "email": {"queue_model": "deferred", "deadline_h": 24},
    },
    "segments": {
        "open": {"channels": ["voice", "chat", "email"]},
        "premium": {"channels": ["voice"], "must_reach_human": True},
    },
    "regions": {"fr": {"onshore": True}},
    "sites": {
        "lyon": {
            "region": "fr",
            "tz": "Europe/Paris",
            "country": "FR",
            "cost_per_h": 30.0,
            "hours": {d: "08:00-20:00" for d in ("mon", "tue", "wed", "thu", "fri")},
            "pools": {
                "all": {
                    "skills": ["voice_open", "chat_open", "email_open", "voice_premium"],
                    "headcount": 40,
                }
            },
        }
    },
}


@pytest.fixture
def tiny_dict() -> dict:
    """A small valid scenario as a plain mapping (edit a copy to make it invalid)."""
    return copy.deepcopy(TINY)


@pytest.fixture
def tiny_scenario():
    """The tiny scenario as a validated Scenario."""
    return scenario_from_dict(copy.deepcopy(TINY))


@pytest.fixture
def demo_scenario():
    """The demo scenario shipped in the package (wfm/examples/demo)."""
    from wfm.io.scenario import load_scenario

    return load_scenario(DEMO_SCENARIO)
