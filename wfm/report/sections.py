"""Sections of the plan report: one titled block per plan table, with charts and tables.

Forecast against history, AI and human share, required against scheduled agents, overflow
between regions, simulated service level, cost per contact, shifts, what-if and, last, the
models, parameters, stage notes and solver result of ``manifest.json``. Every section names
the file its numbers come from.

Tables are optional: a missing one gives "not run" in its section. A present table that
lacks a column the report needs raises :class:`InputError` naming the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from wfm.core.errors import InputError
from wfm.report.charts import _COLOURS, _grid, _naive_utc, _style, _svg, _time_axis
from wfm.report.kpis import cost_per_contact
from wfm.report.markup import _esc, _fmt, _not_run, _section, _table_html

# columns each section reads, by table
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "forecast": (
        "interval_start",
        "channel",
        "segment",
        "contacts",
        "contacts_lo",
        "contacts_hi",
        "model",
    ),
    "history": ("interval_start", "channel", "segment", "contacts"),
    "split": ("channel", "segment", "contacts", "ai_contained", "human_contacts"),
    "coverage": (
        "interval_start",
        "site",
        "skill",
        "agents_scheduled",
        "agents_required",
        "agents_gap",
    ),
    "overflow": ("interval_start", "skill", "from_site", "to_site", "contacts"),
    "simulation": (
        "interval_start",
        "site",
        "skill",
        "contacts",
        "service_level_rate",
        "sl_target_rate",
    ),
    "schedule": ("site", "pool", "local_date", "agents", "shift_length_min"),
}


def _check(df: pd.DataFrame, name: str) -> None:
    missing = [c for c in REQUIRED_COLUMNS.get(name, ()) if c not in df.columns]
    if missing:
        raise InputError(
            f"missing column {missing[0]!r}",
            source=f"{name}.csv",
            line=1,
            expected="columns " + ", ".join(REQUIRED_COLUMNS[name]),
        )


def _forecast_section(tables: Mapping[str, pd.DataFrame], history: pd.DataFrame | None) -> str:
    fc = tables.get("forecast")
    source = "forecast.csv (contacts with prediction interval contacts_lo–contacts_hi)"
    if history is not None:
        source += "; history: the actuals the forecast was fitted on"
    if fc is None:
        return _section("forecast", "History and forecast", source, _not_run("forecast.csv"))
    _check(fc, "forecast")
    if history is not None:
        _check(history, "history")
    series = fc.groupby(["channel", "segment"], sort=True)
    fig, axes = _grid(series.ngroups)
    for ax, ((ch, seg), g) in zip(axes, series, strict=True):
        g = (
            g.groupby("interval_start", sort=True)[["contacts", "contacts_lo", "contacts_hi"]]
            .sum()
            .reset_index()
        )
        t = _naive_utc(g["interval_start"])
        if history is not None:
            h = history[(history["channel"] == ch) & (history["segment"] == seg)]
            h = h.groupby("interval_start", sort=True)["contacts"].sum().reset_index()
            if len(h):
                ax.plot(
                    _naive_utc(h["interval_start"]),
                    h["contacts"],
                    color=_COLOURS[5],
                    lw=0.8,
                    label="history",
                )
        ax.fill_between(
            t,
            g["contacts_lo"],
            g["contacts_hi"],
            color=_COLOURS[0],
            alpha=0.2,
            lw=0,
            label="interval",
        )
        ax.plot(t, g["contacts"], color=_COLOURS[0], lw=1.2, label="forecast")
        _style(ax, f"{ch} · {seg}")
        _time_axis(ax)
    axes[0].legend(fontsize=7, loc="upper left")
    fig.supylabel("contacts per interval (UTC)", fontsize=8, x=0.005)
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
    body = _svg(fig, "forecast", tight=False) + "<h3>Model per series</h3>" + _table_html(models)
    backtest = tables.get("backtest")
    if backtest is None:
        body += "<h3>Backtest</h3>" + _not_run("backtest.csv")
    elif "chosen" in backtest.columns:
        chosen = backtest[backtest["chosen"].astype(str).str.lower() == "true"]
        body += (
            "<h3>Backtest: the chosen model of each series</h3>"
            + _table_html(chosen)
            + f"<p class='source'>{len(backtest)} candidate scores in backtest.csv</p>"
        )
    else:
        body += "<h3>Backtest</h3>" + _table_html(backtest)
    return _section("forecast", "History and forecast", source, body)


def _split_section(tables: Mapping[str, pd.DataFrame]) -> str:
    split = tables.get("split")
    source = "split.csv (ai_contained: resolved by AI agents; human_contacts: answered by people)"
    if split is None:
        return _section("split", "AI and human share", source, _not_run("split.csv"))
    _check(split, "split")
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
    ax.barh(y, g["human_contacts"], color=_COLOURS[0], label="human")
    ax.barh(y, g["ai_contained"], left=g["human_contacts"], color=_COLOURS[1], label="AI contained")
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlabel("contacts over the horizon", fontsize=8)
    _style(ax, "Who answers: people and AI agents")
    ax.legend(fontsize=7)
    all_ai = float(g["ai_contained"].sum())
    all_c = float(g["contacts"].sum())
    share = all_ai / all_c if all_c > 0 else 0.0
    body = (
        f"<p>AI agents resolve <b>{share:.1%}</b> of {all_c:,.0f} contacts.</p>"
        + _svg(fig, "split")
        + _table_html(g)
    )
    return _section("split", "AI and human share", source, body)


def _coverage_section(tables: Mapping[str, pd.DataFrame], interval_h: float) -> str:
    cov = tables.get("coverage")
    source = (
        "coverage.csv: agents_required (on-queue agents from the queue model) against "
        "agents_scheduled (from the shift solver), per site and skill"
    )
    if cov is None:
        return _section(
            "coverage", "Required and scheduled agents", source, _not_run("coverage.csv")
        )
    _check(cov, "coverage")
    groups = cov.groupby(["site", "skill"], sort=True)
    fig, axes = _grid(groups.ngroups)
    for ax, ((site, skill), g) in zip(axes, groups, strict=True):
        g = g.sort_values("interval_start")
        t = _naive_utc(g["interval_start"])
        ax.step(t, g["agents_required"], where="post", color=_COLOURS[3], lw=1.1, label="required")
        ax.step(
            t, g["agents_scheduled"], where="post", color=_COLOURS[0], lw=1.1, label="scheduled"
        )
        _style(ax, f"{site} · {skill}")
        _time_axis(ax)
    axes[0].legend(fontsize=7)
    fig.supylabel("agents (UTC)", fontsize=8, x=0.005)
    gap = cov["agents_gap"].to_numpy(dtype=float)
    summary = (
        cov.assign(
            short=np.clip(-gap, 0, None) * interval_h,
            over=np.clip(gap, 0, None) * interval_h,
            short_intervals=gap < 0,
        )
        .groupby(["site", "skill"], sort=True)
        .agg(
            intervals_short=("short_intervals", "sum"),
            shortfall_agent_h=("short", "sum"),
            overstaff_agent_h=("over", "sum"),
        )
        .reset_index()
    )
    body = _svg(fig, "coverage", tight=False) + "<h3>Gaps</h3>" + _table_html(summary)
    return _section("coverage", "Required and scheduled agents", source, body)


def _overflow_section(
    tables: Mapping[str, pd.DataFrame], site_regions: Mapping[str, str] | None
) -> str:
    over = tables.get("overflow")
    source = "overflow.csv: contacts of one site's skill answered at another site"
    if over is None:
        return _section("overflow", "Overflow between regions", source, _not_run("overflow.csv"))
    _check(over, "overflow")
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
        return _section(
            "overflow",
            "Overflow between regions",
            source,
            "<p>No contact overflows in this plan.</p>",
        )
    by_pair = flows.groupby(["from_region", "to_region"], sort=True)["contacts"].sum()
    fig = Figure(figsize=(8, 0.4 * len(by_pair) + 1.2), layout="constrained")
    ax = fig.subplots()
    labels = [f"{a} → {b}" for a, b in by_pair.index]
    ax.barh(np.arange(len(by_pair)), by_pair.to_numpy(), color=_COLOURS[2])
    ax.set_yticks(np.arange(len(by_pair)), labels)
    ax.set_xlabel("contacts over the horizon", fontsize=8)
    _style(ax, "Overflow flows")
    body = _svg(fig, "overflow") + _table_html(flows)
    return _section("overflow", "Overflow between regions", source, body)


def _simulation_section(tables: Mapping[str, pd.DataFrame], abandoned_in_sl: Any) -> str:
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
        return _section("simulation", "Simulated service level", source, _not_run("simulation.csv"))
    _check(sim, "simulation")
    groups = sim.groupby("skill", sort=True)
    fig, axes = _grid(groups.ngroups)
    for ax, (skill, g) in zip(axes, groups, strict=True):
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
        t = _naive_utc(pd.Series(agg.index))
        ax.plot(t, sl, color=_COLOURS[0], lw=1.1, marker=".", ms=3, label="simulated")
        ax.step(t, agg["target"], where="post", color=_COLOURS[3], lw=1, ls="--", label="target")
        ax.set_ylim(0, 1.02)
        _style(ax, str(skill))
        _time_axis(ax)
    axes[0].legend(fontsize=7, loc="lower left")
    fig.supylabel("service level (UTC)", fontsize=8, x=0.005)
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
    summary = summary.drop(columns="w_sl")
    body = _svg(fig, "simulation", tight=False)
    overall = tables.get("summary")
    if overall is not None:
        body += "<h3>Summary (summary.csv)</h3>" + _table_html(overall)
    body += "<h3>Per site and skill, intervals with contacts</h3>" + _table_html(summary)
    return _section("simulation", "Simulated service level", source, body)


def _cost_section(tables: Mapping[str, pd.DataFrame], currency: str) -> str:
    source = f"cost.csv (currency {currency})" if currency else "cost.csv"
    if "cost" not in tables:
        return _section("cost", "Cost per contact", source, _not_run("cost.csv"))
    per_site, overall, how = cost_per_contact(tables)
    body = ""
    if not np.isnan(overall):
        body += f"<p>Overall: <b>{overall:,.2f} {_esc(currency)}</b> per contact ({_esc(how)}).</p>"
    shown = per_site[np.isfinite(per_site["cost_per_contact"].to_numpy(dtype=float))]
    if len(shown):
        fig = Figure(figsize=(8, 0.35 * len(shown) + 1.2), layout="constrained")
        ax = fig.subplots()
        y = np.arange(len(shown))
        ax.barh(y, shown["cost_per_contact"].to_numpy(dtype=float), color=_COLOURS[4])
        ax.set_yticks(y, shown["site"].tolist())
        ax.invert_yaxis()
        ax.set_xlabel(
            f"cost per contact [{currency}]" if currency else "cost per contact", fontsize=8
        )
        _style(ax, "Cost per contact by site (labour and overflow / contacts at the site)")
        body += _svg(fig, "cost")
    return _section(
        "cost",
        "Cost per contact",
        source,
        body + _table_html(per_site) + "<h3>cost.csv</h3>" + _table_html(tables["cost"]),
    )


def _schedule_section(tables: Mapping[str, pd.DataFrame]) -> str:
    sched = tables.get("schedule")
    source = "schedule.csv: shifts chosen per site, pool and site-local day"
    if sched is None:
        return _section("schedule", "Shifts", source, _not_run("schedule.csv"))
    _check(sched, "schedule")
    paid_h = (
        sched["agents"].to_numpy(dtype=float)
        * sched["shift_length_min"].to_numpy(dtype=float)
        / 60.0
    )
    summary = (
        sched.assign(paid_h=paid_h)
        .groupby(["site", "pool", "local_date"], sort=True)
        .agg(shifts=("agents", "sum"), paid_h=("paid_h", "sum"))
        .reset_index()
    )
    return _section("schedule", "Shifts", source, _table_html(summary))


def _whatif_section(tables: Mapping[str, pd.DataFrame]) -> str:
    whatif = tables.get("whatif")
    source = "whatif.csv: the same plan under changed assumptions"
    body = _table_html(whatif) if whatif is not None else _not_run("what-if table (whatif.csv)")
    return _section("whatif", "What-if", source, body)


def _provenance_section(manifest: Mapping[str, Any]) -> str:
    parts = []
    solve = manifest.get("schedule")
    if isinstance(solve, Mapping):
        status = str(solve.get("status", "unknown"))
        cls = "" if status in ("OPTIMAL", "FEASIBLE") else " class='bad'"
        gap = solve.get("gap_rate")
        gap_text = f"{float(gap):.2%}" if isinstance(gap, int | float) else "unknown"
        parts.append(
            f"<p>Shift solver <b>{_esc(solve.get('solver', ''))}</b>: status "
            f"<b{cls}>{_esc(status)}</b>, objective {_fmt(solve.get('objective'))}, best bound "
            f"{_fmt(solve.get('best_bound'))}, gap <b>{gap_text}</b>, "
            f"{_fmt(solve.get('wall_s'), '.1f')} s on {_esc(solve.get('num_workers', ''))} "
            f"workers, seed {_esc(solve.get('seed', ''))}.</p>"
        )
    else:
        parts.append(_not_run("shift solver result (manifest.json has no 'schedule')"))
    stages = manifest.get("stages") or {}
    if stages:
        rows = []
        for name, info in stages.items():
            info = info if isinstance(info, Mapping) else {}
            notes = info.get("notes") or []
            figures = info.get("figures") or {}
            rows.append(
                f"<tr><td>{_esc(name)}</td><td>{_fmt(info.get('wall_s'), '.2f')}</td>"
                f"<td>{'<br>'.join(_esc(n) for n in notes)}</td>"
                f"<td>{'<br>'.join(f'{_esc(k)} = {_esc(v)}' for k, v in figures.items())}</td>"
                "</tr>"
            )
        parts.append(
            "<h3>Stages</h3><table><tr><th>stage</th><th>wall_s</th><th>notes</th>"
            "<th>figures</th></tr>" + "".join(rows) + "</table>"
        )
    for key, title in (
        ("parameters", "Parameters"),
        ("inputs", "Inputs (SHA-256)"),
        ("versions", "Versions"),
    ):
        value = manifest.get(key)
        if isinstance(value, Mapping) and value:
            cells = "".join(
                f"<tr><td>{_esc(k)}</td><td>{_esc(v)}</td></tr>" for k, v in value.items()
            )
            parts.append(f"<h3>{title}</h3><table>{cells}</table>")
    return _section(
        "provenance", "Models, solver and parameters", "manifest.json of the run", "".join(parts)
    )
