"""Builders of small plans for the simulation tests (tables built directly, no files)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from wfm.core.mapping import scenario_from_dict

DATA = Path(__file__).resolve().parents[1] / "data" / "simulate"


def single_queue_scenario(
    *,
    patience_s: float | None = None,
    sl_threshold_s: float = 20.0,
    interval_min: int = 30,
    replications: int = 8,
    seed: int = 11,
    level_rate: float = 0.99,
    abandoned_in_sl: bool = True,
):
    """One realtime channel, one segment, one site, one pool, no shrinkage."""
    voice: dict = {"queue_model": "realtime"}
    if patience_s is not None:
        voice.update(realtime_model="erlang_a", patience_s=patience_s)
    return scenario_from_dict(
        {
            "name": "single",
            "interval_min": interval_min,
            "seed": seed,
            "abandoned_in_sl": abandoned_in_sl,
            "channels": {"voice": voice},
            "segments": {
                "open": {
                    "channels": ["voice"],
                    "targets": {"voice": {"sl_target_rate": 0.8, "sl_threshold_s": sl_threshold_s}},
                }
            },
            "sites": {
                "a": {
                    "region": "r",
                    "tz": "UTC",
                    "pools": {"p": {"skills": ["voice_open"], "headcount": 500}},
                }
            },
            "shrinkage": {"default_rate": 0.0},
            "simulation": {
                "replications": replications,
                "shrinkage_draw": "none",
                "level_rate": level_rate,
            },
        }
    )


def single_queue_tables(
    contacts: float, aht_s: float, agents: int, n_int: int, interval_min: int = 30, tail: int = 4
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stationary split over ``n_int`` intervals; agents stay ``tail`` more to drain the queue."""
    t = pd.date_range("2026-03-02", periods=n_int + tail, freq=f"{interval_min}min", tz="UTC")
    split = pd.DataFrame(
        {
            "interval_start": t[:n_int],
            "channel": "voice",
            "segment": "open",
            "site": "a",
            "contacts": contacts,
            "ai_contained": 0.0,
            "escalated": 0.0,
            "human_contacts": contacts,
            "human_aht_s": aht_s,
        }
    )
    pool_agents = pd.DataFrame({"interval_start": t, "site": "a", "pool": "p", "agents": agents})
    return split, pool_agents


@pytest.fixture
def data_dir() -> Path:
    """tests/data/simulate."""
    return DATA
