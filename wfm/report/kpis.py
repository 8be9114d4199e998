"""Key figures of a plan: cost per contact, the simulated service level and its targets.

Computed from the plan tables for the report's summary cards and its cost section.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from wfm.core.config import Scenario
from wfm.core.errors import InputError


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


def overall_service_level(tables: Mapping[str, pd.DataFrame]) -> float | None:
    """The simulation's overall service level (its summary row, else contact-weighted)."""
    summary = tables.get("summary")
    if summary is not None and {"scope", "service_level_rate"} <= set(summary.columns):
        row = summary[summary["scope"] == "overall"]
        if len(row):
            sl_overall = float(row["service_level_rate"].iloc[0])
            return None if np.isnan(sl_overall) else sl_overall  # empty: no contact simulated
    sim = tables.get("simulation")
    if sim is None or not {"service_level_rate", "contacts"} <= set(sim.columns):
        return None
    sl = sim["service_level_rate"].to_numpy(dtype=float)
    w = np.where(np.isnan(sl), 0.0, sim["contacts"].to_numpy(dtype=float))
    return float(np.nansum(sl * w) / w.sum()) if w.sum() > 0 else None


def overall_target(tables: Mapping[str, pd.DataFrame]) -> float | None:
    """The service-level target beside the overall figure: the summary's overall target,
    else the contact-weighted ``sl_target_rate`` of ``simulation.csv``."""
    summary = tables.get("summary")
    if summary is not None and {"scope", "sl_target_rate"} <= set(summary.columns):
        row = summary[summary["scope"] == "overall"]
        if len(row) and not np.isnan(row["sl_target_rate"].iloc[0]):
            return float(row["sl_target_rate"].iloc[0])
    sim = tables.get("simulation")
    if sim is None or not {"sl_target_rate", "contacts"} <= set(sim.columns):
        return None
    w = sim["contacts"].to_numpy(dtype=float)
    t = sim["sl_target_rate"].to_numpy(dtype=float)
    ok = np.isfinite(t) & (w > 0)
    return float((t[ok] * w[ok]).sum() / w[ok].sum()) if ok.any() else None


def service_against_targets(
    tables: Mapping[str, pd.DataFrame], scenario: Scenario | None = None
) -> tuple[pd.DataFrame, str]:
    """Simulated service level per segment × channel over the horizon, beside its target.

    With the simulator's ``summary.csv`` its ``segment_channel`` rows are used as they are
    (contact-weighted over the horizon by the simulator). Otherwise ``simulation.csv``
    (per interval, site and skill) is weighted by contacts: Σ(service level × contacts) /
    Σ contacts over the rows with contacts and a service level; a skill stands for its
    channel and segments (``scenario.skills``; without a scenario, the skill itself). The
    target is the scenario's ``sl_target_rate`` of the segment and channel when one target
    applies, else the contact-weighted ``sl_target_rate`` of the table.

    Returns
    -------
    (pandas.DataFrame, str)
        Columns ``segment``, ``channel`` (or ``skill`` without a scenario), ``contacts``,
        ``service_level_rate``, ``sl_target_rate``, ``gap_rate`` (service level − target)
        and ``meets`` (bool; missing service level counts as met); and the source in words.
        Empty when the plan has no simulation.
    """
    summary = tables.get("summary")
    if summary is not None and {"scope", "name", "contacts", "service_level_rate"} <= set(
        summary.columns
    ):
        rows = summary[summary["scope"] == "segment_channel"]
        if len(rows):
            parts = rows["name"].astype(str).str.rsplit(".", n=1, expand=True)
            out = pd.DataFrame(
                {
                    "segment": parts[0].to_numpy(),
                    "channel": parts[1].to_numpy() if parts.shape[1] > 1 else "",
                    "contacts": rows["contacts"].to_numpy(),
                    "service_level_rate": rows["service_level_rate"].to_numpy(),
                    "sl_target_rate": rows.get(
                        "sl_target_rate", pd.Series(np.nan, index=rows.index)
                    ).to_numpy(),
                }
            )
            how = "summary.csv (segment × channel, weighted by the simulator)"
            return _with_targets(out, scenario), how
    sim = tables.get("simulation")
    if sim is None or not {"skill", "contacts", "service_level_rate"} <= set(sim.columns):
        return pd.DataFrame(), ""
    sl = sim["service_level_rate"].to_numpy(dtype=float)
    w = sim["contacts"].to_numpy(dtype=float)
    keep = np.isfinite(sl) & (w > 0)
    sim = sim[keep]
    skills = scenario.skills if scenario is not None else {}
    keys = ["segment", "channel"] if skills else ["skill"]
    labels = {name: (", ".join(cfg.segments), cfg.channel) for name, cfg in skills.items()}
    frame = pd.DataFrame(
        {
            "w": sim["contacts"].to_numpy(dtype=float),
            "w_sl": sim["contacts"].to_numpy(dtype=float)
            * sim["service_level_rate"].to_numpy(dtype=float),
            "w_t": sim["contacts"].to_numpy(dtype=float)
            * sim.get("sl_target_rate", pd.Series(np.nan, index=sim.index)).to_numpy(dtype=float),
        }
    )
    if skills:
        named = [labels.get(str(s), ("", str(s))) for s in sim["skill"]]
        frame["segment"] = [n[0] for n in named]
        frame["channel"] = [n[1] for n in named]
    else:
        frame["skill"] = sim["skill"].astype(str).to_numpy()
    g = frame.groupby(keys, sort=True)[["w", "w_sl", "w_t"]].sum().reset_index()
    out = g[keys].assign(
        contacts=g["w"],
        service_level_rate=g["w_sl"] / g["w"],
        sl_target_rate=g["w_t"] / g["w"],
    )
    how = "simulation.csv, weighted by contacts over the horizon"
    return _with_targets(out, scenario), how


def _with_targets(out: pd.DataFrame, scenario: Scenario | None) -> pd.DataFrame:
    """Scenario targets where one segment × channel applies; the gap and met flag."""
    if scenario is not None and "segment" in out.columns:
        targets = []
        for seg, ch, t in zip(out["segment"], out["channel"], out["sl_target_rate"], strict=True):
            policy = scenario.segments.get(str(seg))
            known = policy is not None and str(ch) in policy.channels
            targets.append(policy.target(str(ch)).sl_target_rate if policy and known else t)
        out = out.assign(sl_target_rate=np.asarray(targets, dtype=float))
    sl = out["service_level_rate"].to_numpy(dtype=float)
    tgt = out["sl_target_rate"].to_numpy(dtype=float)
    gap = sl - tgt
    return out.assign(gap_rate=gap, meets=~(gap < -1e-9)).reset_index(drop=True)
