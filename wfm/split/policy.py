"""AI policy of each forecast series (channel × segment × site) as aligned arrays.

A series inherits the :class:`~wfm.core.config.AiPolicy` of its segment and channel, with
two overrides: a ``must_reach_human`` segment keeps its AI triage (``ai_first_rate``) but no
contact is contained, and a channel in the segment's ``no_ai_channels`` is never offered to
an AI agent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from wfm.core.config import Scenario


@dataclass(frozen=True, slots=True, kw_only=True)
class SeriesPolicy:
    """Per-series policy values, each an array with one entry per series.

    Attributes
    ----------
    ai_first_rate, ai_first_closed_rate, containment_rate : numpy.ndarray
        Share offered to AI first while the site is open and while it is closed; share of
        those the AI resolves (0 where AI may not contain).
    ai_allowed : numpy.ndarray of bool
        Whether an AI agent may take the series' contacts at all.
    escalation_aht_factor, escalation_delay_s : numpy.ndarray
        Human AHT factor of escalated contacts; time spent with the AI before escalation [s].
    max_ai_share_rate, min_ai_share_rate : numpy.ndarray
        Bounds of the share of contacts the AI resolves.
    cost_per_ai_contact, cost_per_escalation : numpy.ndarray
        Variable AI costs [currency].
    ai_resolution_rate, human_resolution_rate : numpy.ndarray
        First-contact resolution per handler.
    """

    ai_first_rate: np.ndarray
    ai_first_closed_rate: np.ndarray
    containment_rate: np.ndarray
    ai_allowed: np.ndarray
    escalation_aht_factor: np.ndarray
    escalation_delay_s: np.ndarray
    max_ai_share_rate: np.ndarray
    min_ai_share_rate: np.ndarray
    cost_per_ai_contact: np.ndarray
    cost_per_escalation: np.ndarray
    ai_resolution_rate: np.ndarray
    human_resolution_rate: np.ndarray


_FIELDS = (
    "ai_first_rate",
    "containment_rate",
    "escalation_aht_factor",
    "escalation_delay_s",
    "max_ai_share_rate",
    "min_ai_share_rate",
    "cost_per_ai_contact",
    "cost_per_escalation",
    "ai_resolution_rate",
    "human_resolution_rate",
)


def series_policy(series: pd.DataFrame, scenario: Scenario) -> SeriesPolicy:
    """Policy arrays of the series listed in ``series`` (columns ``channel``, ``segment``).

    Parameters
    ----------
    series : pandas.DataFrame
        One row per series.
    scenario : Scenario
        Segments with their AI policies.

    Returns
    -------
    SeriesPolicy
        Arrays aligned with the rows of ``series``.
    """
    values: dict[str, list[float]] = {name: [] for name in _FIELDS}
    allowed: list[bool] = []
    closed: list[float] = []
    for channel, segment in zip(series["channel"], series["segment"], strict=True):
        seg = scenario.segments[segment]
        pol = seg.ai_policy(channel)
        ok = channel not in seg.no_ai_channels
        allowed.append(ok)
        for name in _FIELDS:
            values[name].append(float(getattr(pol, name)))
        closed.append(
            pol.ai_first_rate if pol.ai_first_closed_rate is None else pol.ai_first_closed_rate
        )
        if not ok:
            values["ai_first_rate"][-1] = 0.0
            closed[-1] = 0.0
        if seg.must_reach_human or not ok:
            values["containment_rate"][-1] = 0.0
            values["max_ai_share_rate"][-1] = 0.0
            values["min_ai_share_rate"][-1] = 0.0
    arrays = {name: np.asarray(v, dtype=float) for name, v in values.items()}
    return SeriesPolicy(
        ai_allowed=np.asarray(allowed, dtype=bool),
        ai_first_closed_rate=np.asarray(closed, dtype=float),
        **arrays,
    )
