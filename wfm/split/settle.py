"""Settling repeat contacts: the split solved again with the repeats of the unresolved
contacts until they no longer change (a fixed point), and the check that one exists."""

from __future__ import annotations

import numpy as np

from wfm.core.config import Scenario
from wfm.core.errors import ConfigError
from wfm.core.units import intervals_per_day
from wfm.split.backlog import BacklogRoutes
from wfm.split.capacity import accepted_rate
from wfm.split.grid import SeriesGrid
from wfm.split.offer import AiOffer
from wfm.split.policy import SeriesPolicy
from wfm.split.repeats import repeat_arrivals

_MAX_PASSES = 5000
_TOLERANCE = 1e-12


def settle_repeats(
    grid: SeriesGrid, pol: SeriesPolicy, scenario: Scenario, offer: AiOffer, routes: BacklogRoutes
) -> dict:
    """Repeat contacts to a fixed point: each pass offers arrivals (forecast + repeats) to AI
    within capacity, routes the rest to people (closed hours through the backlog) and draws
    the repeats of the unresolved ones; it stops when the repeats no longer change."""
    channels, tau_s, hold_s, closed = offer.channels, offer.tau_s, offer.hold_s, routes.closed
    profile = scenario.split.repeat_delay_profile_rate
    ipd = intervals_per_day(grid.interval_min)
    c = pol.containment_rate[:, None]
    r_ai = pol.ai_resolution_rate[:, None]
    r_h = pol.human_resolution_rate[:, None]
    repeats = np.zeros_like(grid.contacts)
    for passes in range(1, _MAX_PASSES + 1):  # noqa: B007 (used after the loop)
        arrivals = grid.contacts + repeats
        offered = arrivals * offer.rate
        load_s = offered * hold_s
        accept = np.ones_like(arrivals)
        cap_load = {}
        for ch in offer.cap_channels:
            rows = channels == ch
            total = load_s[rows].sum(axis=0)
            cap_load[ch] = total
            accept[rows] = accepted_rate(total, scenario.ai_capacity[ch].max_sessions * tau_s)
        handled = offered * accept
        contained = handled * c
        escalated = handled * (1.0 - c)
        direct = arrivals - handled
        human_new = escalated + direct
        work_new = (escalated * pol.escalation_aht_factor[:, None] + direct) * grid.aht_s
        backlog_out = np.where(closed, human_new, 0.0)
        backlog_in = routes.moved(backlog_out)
        work_in = routes.moved(np.where(closed, work_new, 0.0))
        human = np.where(closed, 0.0, human_new) + backlog_in
        work_s = np.where(closed, 0.0, work_new) + work_in
        unresolved_ai = contained * (1.0 - r_ai)
        unresolved_human = human * (1.0 - r_h)
        new_repeats = repeat_arrivals(unresolved_ai + unresolved_human, profile, ipd)
        change = float(np.abs(new_repeats - repeats).max())
        if change <= _TOLERANCE * max(1.0, float(arrivals.max())):
            break
        repeats = new_repeats
    else:
        raise ConfigError(
            f"repeat contacts do not settle after {_MAX_PASSES} passes; raise "
            "ai_resolution_rate or human_resolution_rate, or lower repeat_delay_profile_rate",
            key="split.repeat_delay_profile_rate",
        )
    return {
        "passes": passes, "arrivals": arrivals, "repeats": repeats, "offered": offered,
        "accept": accept, "cap_load": cap_load, "handled": handled, "contained": contained,
        "escalated": escalated, "human": human, "work_s": work_s, "backlog_out": backlog_out,
        "backlog_in": backlog_in, "unresolved_ai": unresolved_ai,
        "unresolved_human": unresolved_human,
    }  # fmt: skip


def check_repeats_settle(pol: SeriesPolicy, profile: tuple[float, ...]) -> None:
    """Raise unless each contact brings back fewer than one repeat contact on average."""
    unresolved = np.maximum(
        np.where(pol.containment_rate > 0, 1.0 - pol.ai_resolution_rate, 0.0),
        1.0 - pol.human_resolution_rate,
    )
    if len(unresolved) and sum(profile) * float(unresolved.max()) >= 1.0 - 1e-12:
        raise ConfigError(
            "repeat contacts never settle: with these resolution rates every contact comes "
            "back; raise ai_resolution_rate or human_resolution_rate above 0, or let "
            "repeat_delay_profile_rate sum to less than 1",
            key="split.repeat_delay_profile_rate",
        )
