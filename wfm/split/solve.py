"""The solved split: every matrix (series × interval) from the AI offer, the settled repeat
contacts and the closed-hours backlog, with the optimiser's bounds as shares of contacts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from wfm.core.config import Scenario
from wfm.core.units import intervals_per_day
from wfm.split.backlog import BacklogMoves, backlog_routes
from wfm.split.grid import SeriesGrid
from wfm.split.offer import ai_bound_counts, ai_offer
from wfm.split.policy import SeriesPolicy
from wfm.split.repeats import repeat_arrivals
from wfm.split.settle import check_repeats_settle, settle_repeats


@dataclass(frozen=True, slots=True, kw_only=True)
class SplitRun:
    """Every matrix (series × interval) of the solved split, and what the notes need."""

    passes: int
    arrivals: np.ndarray
    repeats: np.ndarray
    repeats_ai: np.ndarray
    repeats_human: np.ndarray
    handled: np.ndarray
    blocked: np.ndarray
    contained: np.ndarray
    escalated: np.ndarray
    human: np.ndarray
    work_s: np.ndarray
    contacts: np.ndarray
    backlog_out: np.ndarray
    backlog_in: np.ndarray
    moves: dict[str, BacklogMoves]
    site_rows: dict[str, np.ndarray]
    stranded: np.ndarray
    escalation_delay_s: np.ndarray
    ai_cost: np.ndarray
    ai_min_rate: np.ndarray
    ai_max_rate: np.ndarray
    cap_channels: list[str]
    cap_load: dict[str, np.ndarray]
    used_s: np.ndarray
    tau_s: int
    offered_channels: list[str]


def solve_split(grid: SeriesGrid, pol: SeriesPolicy, scenario: Scenario) -> SplitRun:
    """Offer to AI, settle repeat contacts to a fixed point, and move closed-hours backlog."""
    offer = ai_offer(grid, pol, scenario)
    routes = backlog_routes(grid, scenario)
    profile = scenario.split.repeat_delay_profile_rate
    ipd = intervals_per_day(grid.interval_min)
    check_repeats_settle(pol, profile)
    f = settle_repeats(grid, pol, scenario, offer, routes)
    channels, hold_s, tau_s = offer.channels, offer.hold_s, offer.tau_s
    used_s = f["handled"] * hold_s
    min_count, max_count = ai_bound_counts(
        channels, offer.cap_channels, scenario, tau_s, pol, f["arrivals"], f["contained"],
        used_s, hold_s, offer.ai_open,
    )  # fmt: skip
    human, escalated, closed = f["human"], f["escalated"], routes.closed
    contacts = f["contained"] + human  # = arrivals − backlog_out + backlog_in, no cancellation
    return SplitRun(
        passes=f["passes"],
        arrivals=f["arrivals"],
        repeats=f["repeats"],
        repeats_ai=repeat_arrivals(f["unresolved_ai"], profile, ipd),
        repeats_human=repeat_arrivals(f["unresolved_human"], profile, ipd),
        handled=f["handled"],
        blocked=f["offered"] * (1.0 - f["accept"]),
        contained=f["contained"],
        escalated=escalated,
        human=human,
        work_s=f["work_s"],
        contacts=contacts,
        backlog_out=f["backlog_out"],
        backlog_in=f["backlog_in"],
        moves=routes.moves,
        site_rows=routes.site_rows,
        stranded=routes.stranded,
        escalation_delay_s=np.where(
            human > 0,
            np.where(closed, 0.0, escalated)
            * pol.escalation_delay_s[:, None]
            / np.where(human > 0, human, 1.0),
            0.0,
        ),
        ai_cost=f["handled"] * pol.cost_per_ai_contact[:, None]
        + escalated * pol.cost_per_escalation[:, None],
        ai_min_rate=_share(min_count, contacts),
        ai_max_rate=_share(max_count, contacts),
        cap_channels=offer.cap_channels,
        cap_load=f["cap_load"],
        used_s=used_s,
        tau_s=tau_s,
        offered_channels=sorted(
            {ch for ch, a in zip(channels, offer.rate.max(axis=1), strict=True) if a > 0}
        ),
    )


def _share(count: np.ndarray, contacts: np.ndarray) -> np.ndarray:
    safe = np.where(contacts > 0, contacts, 1.0)
    return np.where(contacts > 0, np.clip(count / safe, 0.0, 1.0), 0.0)
