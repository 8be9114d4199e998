"""Synthetic histories with a known weekly pattern, shared by the forecast tests."""

from __future__ import annotations

import copy
import datetime as dt

import numpy as np
import pandas as pd

from wfm.core.calendar import interval_grid
from wfm.core.mapping import scenario_from_dict

WEEKDAY_LEVEL = (1.2, 1.0, 1.0, 0.9, 0.8, 0.0, 0.0)  # Mon..Sun; the site is closed at weekends
FAST_MODELS = ["seasonal_naive", "week_average", "week_median"]


def pattern(
    intervals: pd.DatetimeIndex, tz: str = "Europe/Paris", scale: float = 20.0
) -> np.ndarray:
    """Expected contacts: weekday level × two intraday bumps, 08:00–20:00 local, else 0."""
    local = intervals.tz_convert(tz)
    hour = np.asarray(local.hour + local.minute / 60.0)
    level = np.asarray(WEEKDAY_LEVEL)[np.asarray(local.day_of_week)]
    bumps = np.exp(-((hour - 10.5) ** 2) / 4) + 0.7 * np.exp(-((hour - 15.0) ** 2) / 5)
    open_ = (hour >= 8) & (hour < 20)
    return np.where(open_, scale * level * (0.2 + bumps), 0.0)


def history(
    start: dt.date = dt.date(2025, 1, 6),
    days: int = 28,
    *,
    series=(("voice", "open"),),
    tz: str = "Europe/Paris",
    scale: float = 20.0,
    noise_seed: int | None = None,
    aht_s: float | None = None,
) -> pd.DataFrame:
    """History table of ``series``, exact pattern or Poisson draws around it."""
    grid = interval_grid(start, days, 30, tz)
    mean = pattern(grid, tz, scale)
    rng = np.random.default_rng(noise_seed) if noise_seed is not None else None
    frames = []
    for ch, seg in series:
        values = rng.poisson(mean).astype(float) if rng is not None else mean.copy()
        frame = pd.DataFrame(
            {"interval_start": grid, "channel": ch, "segment": seg, "contacts": values}
        )
        if aht_s is not None:
            frame["aht_s"] = aht_s
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    out["interval_start"] = out["interval_start"].dt.as_unit("ns")
    return out


def scenario(tiny: dict, **forecast):
    """The tiny scenario (voice/chat/email open, voice premium at Lyon) with forecast keys."""
    data = copy.deepcopy(tiny)
    data["forecast"] = {"models": FAST_MODELS, **forecast}
    return scenario_from_dict(data)
