"""Forecast tables built by hand for the split tests (no files read)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from wfm.core.calendar import interval_grid
from wfm.core.mapping import scenario_from_dict, set_key

MONDAY = dt.date(2025, 3, 3)  # no public holiday in France that week


def _make_forecast(
    series: list[tuple[str, str]],
    *,
    days: int = 1,
    contacts: float = 10.0,
    aht_s: float = 300.0,
    site: str | None = "lyon",
    start: dt.date = MONDAY,
    tz: str = "Europe/Paris",
) -> pd.DataFrame:
    """A FORECAST table: constant ``contacts`` per interval for each (channel, segment)."""
    times = interval_grid(start, days, 30, tz)
    frames = []
    for channel, segment in series:
        df = pd.DataFrame({"interval_start": times, "channel": channel, "segment": segment})
        if site is not None:
            df["site"] = site
        df["contacts"] = float(contacts)
        df["contacts_lo"] = 0.8 * contacts
        df["contacts_hi"] = 1.2 * contacts
        df["aht_s"] = float(aht_s)
        df["model"] = "hand"
        frames.append(df)
    out = pd.concat(frames, ignore_index=True)
    out["interval_start"] = pd.DatetimeIndex(out["interval_start"]).tz_convert("UTC")
    return out


@pytest.fixture
def make_forecast():
    """Builder of hand-made FORECAST tables."""
    return _make_forecast


@pytest.fixture
def ai_dict(tiny_dict) -> dict:
    """The tiny scenario with AI on voice and chat of the open segment, 24/7 AI."""
    data = tiny_dict
    data["segments"]["open"]["ai"] = {
        "voice": {
            "ai_first_rate": 0.5,
            "containment_rate": 0.4,
            "escalation_aht_factor": 1.2,
            "escalation_delay_s": 60.0,
            "cost_per_ai_contact": 0.4,
            "cost_per_escalation": 0.1,
        },
        "chat": {"ai_first_rate": 1.0, "containment_rate": 0.5, "escalation_aht_factor": 1.25},
    }
    data["segments"]["premium"]["ai"] = {"voice": {"ai_first_rate": 1.0, "escalation_delay_s": 30}}
    data["ai_capacity"] = {"voice": {"max_sessions": 1000, "ai_aht_s": 120.0}}
    return data


def _build(data: dict, changes: dict | None = None):
    for key, value in (changes or {}).items():
        data = set_key(data, key, value)
    return scenario_from_dict(data)


@pytest.fixture
def build():
    """Scenario from a dict with dotted-key changes: ``build(data, {"a.b": 1})``."""
    return _build
