"""The planner's figures of a planned scenario: human FTE, cost, cost per contact, service
level, AI share and overflow share (one row of a what-if sweep).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from wfm.core.config import Scenario
from wfm.core.errors import ConfigError
from wfm.core.plan import Plan
from wfm.core.results import StageResult
from wfm.core.units import MIN_PER_H

KPI_COLUMNS = (
    "human_fte_gross",
    "paid_agent_h",
    "human_cost",
    "ai_cost",
    "overflow_cost",
    "cost",
    "cost_per_contact",
    "service_level_rate",
    "ai_share_rate",
    "overflow_share_rate",
    "forecast_contacts",
    "contacts",
    "human_contacts",
    "repeat_contacts",
    "basis",
)
"""Columns of a sweep table after the axis columns (see :func:`point_kpis`)."""


def point_kpis(
    results: Plan | Mapping[str, StageResult], scenario: Scenario | None = None
) -> dict[str, Any]:
    """Planner's figures of one planned scenario, from the stage results present.

    Parameters
    ----------
    results : Plan or mapping of str to StageResult
        At least ``split`` and ``requirements``; ``schedule`` when the plan went that far.
    scenario : Scenario, optional
        The point's scenario (costs, shift rules, horizon); default the plan's.

    Returns
    -------
    dict
        ``KPI_COLUMNS``. With a schedule (``basis`` = "schedule"): paid agent-hours are the
        shifts' paid hours (the ``labour`` rows of its ``cost`` table, else agents × shift
        length) and overflow comes from the coverage table; otherwise
        (``basis`` = "requirements") they are the gross agents required summed over
        intervals, and ``overflow_share_rate`` is NaN (no overflow is planned before the
        shift optimiser).

    Notes
    -----
    human_fte_gross = paid agent-hours · 7 / horizon_days / ``shifts.max_h_per_week``;
    cost = Σ_site paid hours · ``cost_per_h`` + AI cost of the split + overflow contacts ·
    ``overflow.cost_per_contact``; cost_per_contact = cost / forecast contacts (repeat
    contacts raise the cost of serving the same demand); service_level_rate = the
    contact-weighted mean of the requirements' (or the schedule's, when it reports one).
    """
    if isinstance(results, Plan):
        scenario = scenario or results.scenario
        results = results.results
    if scenario is None:
        raise ConfigError("the figures of a what-if point need its scenario")
    split = results["split"].table
    contacts = float(split["contacts"].sum())
    forecast_contacts = (
        float(split["forecast_contacts"].sum()) if "forecast_contacts" in split else contacts
    )
    ai_cost = float(split["ai_cost"].sum()) if "ai_cost" in split else 0.0
    req = results["requirements"].table
    site_cost = {name: s.cost_per_h for name, s in scenario.sites.items()}
    if "schedule" in results:
        sched = results["schedule"].table
        costs = results["schedule"].tables.get("cost")
        if costs is not None and {"site", "item", "quantity"} <= set(costs.columns):
            # the schedule's own paid hours per site (shift length less unpaid breaks)
            labour = costs[costs["item"] == "labour"]
            hours_by_site = labour.groupby("site")["quantity"].sum()
        else:
            hours_by_site = (
                (sched["agents"] * sched["shift_length_min"] / MIN_PER_H)
                .groupby(sched["site"])
                .sum()
            )
        cov = results["schedule"].tables.get("coverage")
        overflow = float(cov["overflow_in_contacts"].sum()) if cov is not None else 0.0
        human = float(split["human_contacts"].sum())
        overflow_share = overflow / human if human > 0 else 0.0
        basis = "schedule"
        sl = results["schedule"].figures.get("service_level_rate")
    else:
        hours_by_site = (
            (req["agents_required_gross"] * scenario.interval_min / MIN_PER_H)
            .groupby(req["site"])
            .sum()
        )
        overflow, overflow_share, basis, sl = 0.0, math.nan, "requirements", None
    if sl is None:
        sl = _weighted_service_level(req)
    paid_h = float(hours_by_site.sum())
    human_cost = float(sum(h * site_cost.get(site, 0.0) for site, h in hours_by_site.items()))
    overflow_cost = overflow * scenario.overflow.cost_per_contact
    cost = human_cost + ai_cost + overflow_cost
    return {
        "human_fte_gross": paid_h * 7.0 / scenario.horizon_days / scenario.shifts.max_h_per_week,
        "paid_agent_h": paid_h,
        "human_cost": human_cost,
        "ai_cost": ai_cost,
        "overflow_cost": overflow_cost,
        "cost": cost,
        "cost_per_contact": cost / forecast_contacts if forecast_contacts > 0 else math.nan,
        "service_level_rate": sl,
        "ai_share_rate": float(split["ai_contained"].sum()) / contacts if contacts > 0 else 0.0,
        "overflow_share_rate": overflow_share,
        "forecast_contacts": forecast_contacts,
        "contacts": contacts,
        "human_contacts": float(split["human_contacts"].sum()),
        "repeat_contacts": float(split["repeat_contacts"].sum())
        if "repeat_contacts" in split
        else 0.0,
        "basis": basis,
    }


def _weighted_service_level(req: pd.DataFrame) -> float:
    if "service_level_rate" not in req or "contacts" not in req:
        return math.nan
    sl = req["service_level_rate"].to_numpy(dtype=float)
    w = req["contacts"].to_numpy(dtype=float)
    ok = ~np.isnan(sl) & (w > 0)
    return float((sl[ok] * w[ok]).sum() / w[ok].sum()) if ok.any() else math.nan
