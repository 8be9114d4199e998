"""Key figures of a plan: cost per contact and the overall simulated service level.

Computed from the plan tables for the report's summary cards and its cost section.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from wfm.core.errors import InputError
from wfm.report.columns import numeric


def cost_per_contact(tables: Mapping[str, pd.DataFrame]) -> tuple[pd.DataFrame, float, str]:
    """Cost per contact by site and overall, from ``cost.csv`` in either of its layouts.

    Long layout (``site``, ``item``, ``cost``, as the schedule stage writes it): money is
    every item but ``total`` and the ``*_penalty`` items (solver objective terms, not paid);
    a site's contacts are its simulated contacts (else its required contacts); overall =
    (money + AI cost of ``split_summary.csv``) / all forecast contacts. Wide layout: the
    table's own ``cost`` and ``contacts`` (and ``cost_per_contact``) columns.

    Returns
    -------
    (pandas.DataFrame, float, str)
        Per-site table (``site``, ``cost``, ``contacts``, ``cost_per_contact``), the overall
        cost per contact (NaN when there are no contacts) and how it was computed.
    """
    cost = tables["cost"]
    if {"item", "cost", "site"} <= set(cost.columns):
        items = cost["item"].astype(str)
        money = cost[(items != "total") & ~items.str.endswith("_penalty")]
        by_site = money.groupby("site", sort=True)["cost"].sum()
        volume = tables.get("simulation")
        if volume is None:
            volume = tables.get("requirements")
        contacts = (
            volume.groupby("site")["contacts"].sum()
            if volume is not None and "contacts" in volume.columns
            else pd.Series()
        )
        per_site = pd.DataFrame(
            {
                "site": by_site.index,
                "cost": by_site.to_numpy(),
                "contacts": contacts.reindex(by_site.index).to_numpy(),
            }
        )
        split_summary = tables.get("split_summary")
        ai_cost = (
            float(split_summary["ai_cost"].sum())
            if split_summary is not None and "ai_cost" in split_summary.columns
            else 0.0
        )
        fc = tables.get("forecast")
        n_all = float(fc["contacts"].sum()) if fc is not None else float("nan")
        overall = (float(by_site.sum()) + ai_cost) / n_all if n_all > 0 else float("nan")
        how = (
            "(labour and overflow cost + AI cost) / all forecast contacts; penalties of "
            "the shift solver are not money and are left out"
        )
    else:
        missing = [c for c in ("cost", "contacts") if c not in cost.columns]
        if missing:
            raise InputError(
                f"missing column {missing[0]!r}",
                source="cost.csv",
                line=1,
                expected="site, item, cost (or cost and contacts columns)",
            )
        label = "site" if "site" in cost.columns else cost.columns[0]
        per_site = pd.DataFrame(
            {
                "site": cost[label].astype(str).to_numpy(),
                "cost": cost["cost"].to_numpy(dtype=float),
                "contacts": cost["contacts"].to_numpy(dtype=float),
            }
        )
        n_all = float(per_site["contacts"].sum())
        overall = float(per_site["cost"].sum()) / n_all if n_all > 0 else float("nan")
        how = "total cost / total contacts of cost.csv"
    c = per_site["contacts"].to_numpy(dtype=float)
    per_site["cost_per_contact"] = np.divide(
        per_site["cost"].to_numpy(dtype=float), c, out=np.full(len(c), np.nan), where=c > 0
    )
    return per_site, overall, how


def _overall_service_level(tables: Mapping[str, pd.DataFrame]) -> float | None:
    """The simulation's overall service level (its summary row, else contact-weighted)."""
    summary = tables.get("summary")
    if summary is not None and {"scope", "service_level_rate"} <= set(summary.columns):
        row = numeric(summary[summary["scope"] == "overall"], ("service_level_rate",))
        if len(row):
            sl_overall = float(row["service_level_rate"].iloc[0])
            return None if np.isnan(sl_overall) else sl_overall  # empty: no contact simulated
    sim = tables.get("simulation")
    if sim is None or not {"service_level_rate", "contacts"} <= set(sim.columns):
        return None
    sim = numeric(sim, ("service_level_rate", "contacts"))
    sl = sim["service_level_rate"].to_numpy(dtype=float)
    w = np.where(np.isnan(sl), 0.0, sim["contacts"].to_numpy(dtype=float))
    return float(np.nansum(sl * w) / w.sum()) if w.sum() > 0 else None
