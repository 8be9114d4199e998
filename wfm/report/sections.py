"""Sections of the plan report: one titled block per plan table, with charts and tables.

Forecast against history, AI and human share, required against scheduled agents, overflow
between regions, simulated service level, cost per contact, shifts, what-if and, last, the
models, parameters, stage notes and solver result of ``manifest.json``. Every section names
the file its numbers come from.

Tables are optional: a missing one gives "not run" in its section. A present table that
lacks a column the report needs raises :class:`InputError` naming the file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from wfm.core.config import Scenario
from wfm.report import numbers as fmt
from wfm.report.charts import COLOURS, chart_grid, naive_local, style_axes, svg_chart, time_axis
from wfm.report.columns import check_report_table
from wfm.report.kpis import cost_per_contact, service_against_targets
from wfm.report.markup import Section, no_rows, not_run, table_view


def forecast_section(
    tables: Mapping[str, pd.DataFrame], history: pd.DataFrame | None, zone: str = "UTC"
) -> Section:
    """History and forecast per channel and segment, times in ``zone``."""
    anchor, title = "forecast", "History and forecast"
    fc = tables.get("forecast")
    source = "forecast.csv (contacts with prediction interval contacts_lo–contacts_hi)"
    if history is not None:
        source += "; history: the actuals the forecast was fitted on"
    if fc is None:
        return not_run(anchor, title, source, "forecast.csv")
    fc = check_report_table(fc, "forecast")
    if history is not None:
        history = check_report_table(history, "history")
    if fc.empty:
        return no_rows(anchor, title, source, "forecast.csv")
    series = fc.groupby(["channel", "segment"], sort=True)
    fig, axes = chart_grid(series.ngroups)
    for ax, ((ch, seg), g) in zip(axes, series, strict=True):
        g = (
            g.groupby("interval_start", sort=True)[["contacts", "contacts_lo", "contacts_hi"]]
            .sum()
            .reset_index()
        )
        t = naive_local(g["interval_start"], zone)
        if history is not None:
            h = history[(history["channel"] == ch) & (history["segment"] == seg)]
            h = h.groupby("interval_start", sort=True)["contacts"].sum().reset_index()
            if len(h):
                ax.plot(
                    naive_local(h["interval_start"], zone),
                    h["contacts"],
                    color=COLOURS[5],
                    lw=0.8,
                    label="history",
                )
        ax.fill_between(
            t,
            g["contacts_lo"],
            g["contacts_hi"],
            color=COLOURS[0],
            alpha=0.2,
            lw=0,
            label="interval",
        )
        ax.plot(t, g["contacts"], color=COLOURS[0], lw=1.2, label="forecast")
        style_axes(ax, f"{ch} · {seg}")
        time_axis(ax, zone)
    axes[0].legend(fontsize=7, loc="upper left")
    fig.supylabel("contacts per interval", fontsize=8, x=0.005)
    models = (
        fc.groupby(["channel", "segment"], sort=True)
        .agg(
            model=("model", lambda s: ", ".join(sorted(set(map(str, s))))),
            contacts=("contacts", "sum"),
            contacts_lo=("contacts_lo", "sum"),
            contacts_hi=("contacts_hi", "sum"),
        )
        .reset_index()
    )
    data: dict[str, Any] = {
        "chart": svg_chart(fig, "forecast", tight=False),
        "models": table_view(models),
        "backtest": None,
        "backtest_candidates": None,
    }
    backtest = tables.get("backtest")
    if backtest is not None and "chosen" in backtest.columns:
        chosen = backtest[backtest["chosen"].astype(str).str.lower() == "true"]
        data["backtest"] = table_view(chosen)
        data["backtest_candidates"] = len(backtest)
    elif backtest is not None:
        data["backtest"] = table_view(backtest)
    return Section(anchor, title, source, "forecast.html.j2", data)


def split_section(tables: Mapping[str, pd.DataFrame]) -> Section:
    """The AI and human share of the contacts."""
    anchor, title = "split", "AI and human share"
    split = tables.get("split")
    source = "split.csv (ai_contained: resolved by AI agents; human_contacts: answered by people)"
    if split is None:
        return not_run(anchor, title, source, "split.csv")
    split = check_report_table(split, "split")
    if split.empty:
        return no_rows(anchor, title, source, "split.csv")
    g = (
        split.groupby(["channel", "segment"], sort=True)[
            ["contacts", "ai_contained", "human_contacts"]
        ]
        .sum()
        .reset_index()
    )
    total = g["contacts"].to_numpy(dtype=float)
    g["ai_share_rate"] = np.divide(
        g["ai_contained"].to_numpy(dtype=float), total, out=np.zeros(len(g)), where=total > 0
    )
    fig = Figure(figsize=(10, 0.35 * len(g) + 1.2), layout="constrained")
    ax = fig.subplots()
    labels = [f"{c} · {s}" for c, s in zip(g["channel"], g["segment"], strict=True)]
    y = np.arange(len(g))
    ax.barh(y, g["human_contacts"], color=COLOURS[0], label="human")
    ax.barh(y, g["ai_contained"], left=g["human_contacts"], color=COLOURS[1], label="AI contained")
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlabel("contacts over the horizon", fontsize=8)
    style_axes(ax, "Who answers: people and AI agents")
    if len(g):
        ax.legend(fontsize=7)
    all_ai = float(g["ai_contained"].sum())
    all_c = float(g["contacts"].sum())
    share = all_ai / all_c if all_c > 0 else 0.0
    data = {
        "share": f"{share:.1%}",
        "contacts": f"{all_c:,.0f}",
        "chart": svg_chart(fig, "split"),
        "table": table_view(g),
    }
    return Section(anchor, title, source, "split.html.j2", data)


def overflow_section(
    tables: Mapping[str, pd.DataFrame], site_regions: Mapping[str, str] | None
) -> Section:
    """Contacts moved between regions (between sites without ``site_regions``)."""
    anchor, title = "overflow", "Overflow between regions"
    over = tables.get("overflow")
    source = "overflow.csv: contacts of one site's skill answered at another site"
    if over is None:
        return not_run(anchor, title, source, "overflow.csv")
    over = check_report_table(over, "overflow")
    regions = dict(site_regions or {})
    flows = over.assign(
        from_region=[regions.get(s, s) for s in over["from_site"]],
        to_region=[regions.get(s, s) for s in over["to_site"]],
    )
    flows = (
        flows.groupby(["from_region", "to_region", "from_site", "to_site", "skill"], sort=True)[
            "contacts"
        ]
        .sum()
        .reset_index()
    )
    if flows.empty or float(flows["contacts"].sum()) == 0.0:
        return Section(anchor, title, source, "overflow.html.j2", {"chart": None})
    by_pair = flows.groupby(["from_region", "to_region"], sort=True)["contacts"].sum()
    fig = Figure(figsize=(8, 0.4 * len(by_pair) + 1.2), layout="constrained")
    ax = fig.subplots()
    labels = [f"{a} → {b}" for a, b in by_pair.index]
    ax.barh(np.arange(len(by_pair)), by_pair.to_numpy(), color=COLOURS[2])
    ax.set_yticks(np.arange(len(by_pair)), labels)
    ax.set_xlabel("contacts over the horizon", fontsize=8)
    style_axes(ax, "Overflow flows")
    data = {"chart": svg_chart(fig, "overflow"), "flows": table_view(flows)}
    return Section(anchor, title, source, "overflow.html.j2", data)


def simulation_section(
    tables: Mapping[str, pd.DataFrame],
    abandoned_in_sl: Any,
    zone_of: Callable[[list[str]], str] = lambda sites: "UTC",
    scenario: Scenario | None = None,
) -> Section:
    """The simulated service level against the targets."""
    anchor, title = "simulation", "Simulated service level"
    sim = tables.get("simulation")
    source = (
        "simulation.csv: service level of the scheduled plan in a discrete-event "
        "simulation, against each skill's target"
    )
    if abandoned_in_sl is not None:
        source += (
            f"; abandoned contacts {'count' if abandoned_in_sl else 'do not count'} "
            "in the service-level denominator"
        )
    if sim is None:
        return not_run(anchor, title, source, "simulation.csv")
    sim = check_report_table(sim, "simulation")
    if sim.empty:
        return no_rows(anchor, title, source, "simulation.csv")
    groups = sim.groupby("skill", sort=True)
    fig, axes = chart_grid(groups.ngroups)
    for ax, (skill, g) in zip(axes, groups, strict=True):
        zone = zone_of(sorted(set(map(str, g["site"]))))
        w = g["contacts"].to_numpy(dtype=float)
        g = g.assign(w_sl=g["service_level_rate"] * w, w=w)
        agg = g.groupby("interval_start", sort=True).agg(
            w_sl=("w_sl", "sum"), w=("w", "sum"), target=("sl_target_rate", "max")
        )
        sl = np.divide(
            agg["w_sl"].to_numpy(),
            agg["w"].to_numpy(),
            out=np.full(len(agg), np.nan),
            where=agg["w"].to_numpy() > 0,
        )
        t = naive_local(pd.Series(agg.index), zone)
        ax.plot(t, sl, color=COLOURS[0], lw=1.1, marker=".", ms=3, label="simulated")
        ax.step(t, agg["target"], where="post", color=COLOURS[3], lw=1, ls="--", label="target")
        ax.set_ylim(0, 1.02)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        style_axes(ax, str(skill))
        time_axis(ax, zone)
    axes[0].legend(fontsize=7, loc="lower left")
    fig.supylabel("service level", fontsize=8, x=0.005)
    overall = tables.get("summary")
    data = {
        "chart": svg_chart(fig, "simulation", tight=False),
        "targets": target_view(*service_against_targets(tables, scenario)),
        "summary": table_view(overall) if overall is not None else None,
        "per_skill": table_view(_simulation_summary(sim)),
    }
    return Section(anchor, title, source, "simulation.html.j2", data)


def target_view(table: pd.DataFrame, how: str) -> dict[str, Any] | None:
    """The service-level-against-target table: formatted rows with their miss flag, and
    each miss in words (for print and colour-blind readers)."""
    if table.empty:
        return None
    by_skill = "skill" in table.columns
    keys = ["skill"] if by_skill else ["segment", "channel"]
    rows, misses = [], []
    for r in table.to_dict("records"):
        name = " · ".join(str(r[k]) for k in keys)
        gap_pts = 100.0 * float(r["gap_rate"])
        status = "meets target" if r["meets"] else f"MISSES target by {-gap_pts:.1f} points"
        cells = [str(r[k]) for k in keys] + [
            fmt.count(r["contacts"]),
            fmt.rate(r["service_level_rate"]),
            fmt.rate(r["sl_target_rate"]),
            "–" if np.isnan(gap_pts) else f"{gap_pts:+.1f}",
            status,
        ]
        rows.append((tuple(cells), not r["meets"]))
        if not r["meets"]:
            misses.append(
                f"{name}: {fmt.rate(r['service_level_rate'])} against a target of "
                f"{fmt.rate(r['sl_target_rate'])} ({gap_pts:+.1f} points, "
                f"{fmt.count(r['contacts'])} contacts)"
            )
    columns = [*keys, "contacts", "service level", "target", "gap (points)", "status"]
    scope = "skill" if by_skill else "segment × channel"
    return {"scope": scope, "how": how, "columns": columns, "rows": rows, "misses": misses}


def _simulation_summary(sim: pd.DataFrame) -> pd.DataFrame:
    """Per site and skill, over intervals with contacts: service level and target met."""
    sl_all = sim["service_level_rate"].to_numpy(dtype=float)
    busy = sim[(sim["contacts"].to_numpy(dtype=float) > 0) & ~np.isnan(sl_all)]
    meets = (
        busy["meets_target"].astype(bool).to_numpy()
        if "meets_target" in busy.columns
        else busy["service_level_rate"].to_numpy(dtype=float)
        >= busy["sl_target_rate"].to_numpy(dtype=float)
    )
    summary = (
        busy.assign(meets=meets, w_sl=busy["service_level_rate"] * busy["contacts"])
        .groupby(["site", "skill"], sort=True)
        .agg(
            contacts=("contacts", "sum"),
            w_sl=("w_sl", "sum"),
            sl_target_rate=("sl_target_rate", "max"),
            intervals=("meets", "size"),
            intervals_meeting_target=("meets", "sum"),
        )
        .reset_index()
    )
    c = summary["contacts"].to_numpy(dtype=float)
    summary.insert(
        3,
        "service_level_rate",
        np.divide(summary["w_sl"].to_numpy(), c, out=np.full(len(c), np.nan), where=c > 0),
    )
    return summary.drop(columns="w_sl")


def cost_section(tables: Mapping[str, pd.DataFrame], currency: str) -> Section:
    """Cost per contact in ``currency``."""
    anchor, title = "cost", "Cost per contact"
    source = f"cost.csv (currency {currency})" if currency else "cost.csv"
    if "cost" not in tables:
        return not_run(anchor, title, source, "cost.csv")
    per_site, overall, how = cost_per_contact(tables)
    data: dict[str, Any] = {
        "overall": None if np.isnan(overall) else fmt.money(overall, currency),
        "currency": currency,
        "how": how,
        "chart": None,
        "per_site": table_view(per_site, currency=currency),
        "cost": table_view(tables["cost"], currency=currency),
    }
    shown = per_site[np.isfinite(per_site["cost_per_contact"].to_numpy(dtype=float))]
    if len(shown):
        fig = Figure(figsize=(8, 0.35 * len(shown) + 1.2), layout="constrained")
        ax = fig.subplots()
        y = np.arange(len(shown))
        ax.barh(y, shown["cost_per_contact"].to_numpy(dtype=float), color=COLOURS[4])
        ax.set_yticks(y, [str(s) for s in shown["site"]])
        ax.invert_yaxis()
        ax.set_xlabel(
            f"cost per contact [{currency}]" if currency else "cost per contact", fontsize=8
        )
        style_axes(ax, "Cost per contact by site (labour and overflow / contacts at the site)")
        data["chart"] = svg_chart(fig, "cost")
    return Section(anchor, title, source, "cost.html.j2", data)


def whatif_section(tables: Mapping[str, pd.DataFrame]) -> Section:
    """The same plan under changed assumptions."""
    anchor, title = "whatif", "What-if"
    whatif = tables.get("whatif")
    source = "whatif.csv: the same plan under changed assumptions"
    if whatif is None:
        return not_run(anchor, title, source, "what-if table (whatif.csv)")
    return Section(anchor, title, source, "table.html.j2", {"table": table_view(whatif)})
