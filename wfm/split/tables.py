"""The split stage's tables: the long SPLIT table, the AI capacity use per channel, the repeat
contacts by cause and the summary per channel × segment."""

from __future__ import annotations

import numpy as np
import pandas as pd

from wfm.core.config import Scenario
from wfm.core.schemas import SPLIT
from wfm.split.grid import SERIES_KEYS, SeriesGrid
from wfm.split.solve import SplitRun

# extra columns of the split table, after the SPLIT contract columns
EXTRA_COLUMNS = (
    "forecast_contacts",
    "repeat_contacts",
    "ai_handled",
    "ai_blocked_contacts",
    "backlog_out_contacts",
    "backlog_in_contacts",
    "escalation_delay_s",
    "aht_s",
    "ai_cost",
)
CAPACITY_COLUMNS = (
    "interval_start",
    "channel",
    "max_sessions",
    "sessions_offered",
    "sessions_used",
    "sessions_spare",
    "ai_handled",
    "ai_blocked_contacts",
)


def long_table(grid: SeriesGrid, run: SplitRun) -> pd.DataFrame:
    n_s, n_t = grid.contacts.shape
    human = run.human
    safe = np.where(human > 0, human, 1.0)
    human_aht_s = np.where(human > 0, run.work_s / safe, grid.aht_s)
    cols = {
        "interval_start": np.tile(grid.times, n_s),
        **{k: np.repeat(grid.series[k].to_numpy(), n_t) for k in SERIES_KEYS},
        "contacts": run.contacts,
        "ai_contained": run.contained,
        "escalated": run.escalated,
        "human_contacts": human,
        "human_aht_s": human_aht_s,
        "ai_min_rate": run.ai_min_rate,
        "ai_max_rate": run.ai_max_rate,
        "forecast_contacts": grid.contacts,
        "repeat_contacts": run.repeats,
        "ai_handled": run.handled,
        "ai_blocked_contacts": run.blocked,
        "backlog_out_contacts": run.backlog_out,
        "backlog_in_contacts": run.backlog_in,
        "escalation_delay_s": run.escalation_delay_s,
        "aht_s": grid.aht_s,
        "ai_cost": run.ai_cost,
    }
    out = {}
    for k, v in cols.items():
        arr = np.asarray(v)
        out[k] = arr.ravel() if arr.ndim == 2 else arr
    df = pd.DataFrame(out)
    df["interval_start"] = pd.DatetimeIndex(df["interval_start"]).tz_convert("UTC")
    return df


def empty_table(forecast: pd.DataFrame) -> pd.DataFrame:
    cols = list(SPLIT.names) + list(EXTRA_COLUMNS)
    df = pd.DataFrame({c: pd.Series(dtype=float) for c in cols})
    df["interval_start"] = pd.Series(dtype="datetime64[ns, UTC]")
    for k in SERIES_KEYS:
        df[k] = pd.Series(dtype=str)
    return df[cols]


def capacity_table(grid: SeriesGrid, run: SplitRun, scenario: Scenario) -> pd.DataFrame:
    frames = []
    channels = grid.series["channel"].to_numpy()
    for ch in run.cap_channels:
        rows = channels == ch
        max_sessions = scenario.ai_capacity[ch].max_sessions
        used = run.used_s[rows].sum(axis=0) / run.tau_s
        frames.append(
            pd.DataFrame(
                {
                    "interval_start": grid.times,
                    "channel": ch,
                    "max_sessions": max_sessions,
                    "sessions_offered": run.cap_load[ch] / run.tau_s,
                    "sessions_used": used,
                    "sessions_spare": np.maximum(max_sessions - used, 0.0),
                    "ai_handled": run.handled[rows].sum(axis=0),
                    "ai_blocked_contacts": run.blocked[rows].sum(axis=0),
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=list(CAPACITY_COLUMNS))
    return pd.concat(frames, ignore_index=True)


def repeats_table(grid: SeriesGrid, run: SplitRun) -> pd.DataFrame:
    base = grid.series[["channel", "segment"]]
    parts = []
    for cause, mat in (("ai_unresolved", run.repeats_ai), ("human_unresolved", run.repeats_human)):
        df = base.assign(cause=cause, repeat_contacts=mat.sum(axis=1))
        parts.append(df)
    out = pd.concat(parts, ignore_index=True)
    out = out.groupby(["channel", "segment", "cause"], as_index=False, sort=True)[
        "repeat_contacts"
    ].sum()
    return out


def summary_table(table: pd.DataFrame) -> pd.DataFrame:
    g = table.groupby(["channel", "segment"], as_index=False, sort=True)[
        [
            "forecast_contacts",
            "repeat_contacts",
            "contacts",
            "ai_handled",
            "ai_contained",
            "escalated",
            "human_contacts",
            "ai_blocked_contacts",
            "ai_cost",
        ]
    ].sum()
    total = g["contacts"].to_numpy()
    safe = np.where(total > 0, total, 1.0)
    g["ai_share_rate"] = np.where(total > 0, g["ai_contained"] / safe, 0.0)
    g["human_share_rate"] = np.where(total > 0, g["human_contacts"] / safe, 0.0)
    return g
