"""What is offered to AI agents per series and interval, and the least and most contacts the
AI could contain in each row (the shift optimiser's bounds)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from wfm.core.config import Scenario
from wfm.core.units import interval_s
from wfm.split.capacity import session_hold_s
from wfm.split.grid import SeriesGrid
from wfm.split.policy import SeriesPolicy


@dataclass(frozen=True)
class AiOffer:
    """What is offered to AI agents per series and interval, and the sessions it holds."""

    channels: np.ndarray  # channel of each series
    cap_channels: list[str]  # channels with an AI capacity
    tau_s: int  # interval length [s]
    hold_s: np.ndarray  # (series, 1) AI session time per handled contact [s]
    ai_open: np.ndarray  # AI answers in the interval (site hours or always)
    rate: np.ndarray  # share of arrivals offered to AI


def ai_offer(grid: SeriesGrid, pol: SeriesPolicy, scenario: Scenario) -> AiOffer:
    """AI offer rate: ``ai_first_rate`` (closed: ``ai_first_closed_rate``), capped so that
    containment stays within ``max_ai_share_rate``, zero while the AI is closed."""
    channels = grid.series["channel"].to_numpy()
    ai_aht_s = np.array(
        [
            scenario.ai_capacity[ch].ai_aht_s if ch in scenario.ai_capacity else 0.0
            for ch in channels
        ]
    )
    hold_s = session_hold_s(pol.containment_rate, ai_aht_s, pol.escalation_delay_s)[:, None]
    ai_open = np.ones_like(grid.is_open)
    for i, ch in enumerate(channels):
        if ch in scenario.ai_capacity and scenario.ai_capacity[ch].hours == "site":
            ai_open[i] = grid.is_open[i]
    c = pol.containment_rate[:, None]
    first = np.where(grid.is_open, pol.ai_first_rate[:, None], pol.ai_first_closed_rate[:, None])
    rate = (
        np.where(
            c > 0,
            np.minimum(first, pol.max_ai_share_rate[:, None] / np.maximum(c, 1e-300)),
            first,
        )
        * ai_open
    )
    return AiOffer(
        channels=channels,
        cap_channels=[ch for ch in dict.fromkeys(channels) if ch in scenario.ai_capacity],
        tau_s=interval_s(grid.interval_min),
        hold_s=hold_s,
        ai_open=ai_open,
        rate=rate,
    )


def ai_bound_counts(
    channels: np.ndarray,
    cap_channels: list[str],
    scenario: Scenario,
    tau_s: int,
    pol: SeriesPolicy,
    arrivals: np.ndarray,
    contained: np.ndarray,
    used_s: np.ndarray,
    hold_s: np.ndarray,
    ai_open: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Least and most AI-contained contacts per row, the others staying as planned.

    The most: every eligible contact offered, within ``max_ai_share_rate`` and the sessions
    left free by the other rows of the channel (the row's own planned use plus the spare).
    """
    c = pol.containment_rate[:, None]
    room = np.full_like(arrivals, np.inf)
    for ch in cap_channels:
        rows = channels == ch
        spare_s = np.maximum(
            scenario.ai_capacity[ch].max_sessions * tau_s - used_s[rows].sum(axis=0), 0.0
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            room[rows] = np.where(hold_s[rows] > 0, (spare_s + used_s[rows]) / hold_s[rows], np.inf)
    eligible = arrivals * (pol.ai_allowed[:, None] & ai_open)
    max_count = np.minimum(
        np.minimum(eligible, room) * c, pol.max_ai_share_rate[:, None] * arrivals
    )
    max_count = np.maximum(max_count, contained)
    min_count = np.minimum(pol.min_ai_share_rate[:, None] * arrivals, contained)
    return min_count, max_count
