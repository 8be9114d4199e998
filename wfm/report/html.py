"""The plan report: one self-contained HTML string with inline SVG charts.

No JavaScript, no external file, font or style sheet: the page renders offline in any
browser and can be mailed as one file. Charts are drawn with matplotlib's object API
(``Figure``, no global pyplot state) and inlined as SVG with text kept as text. Every
section names the file its numbers come from, and the last section gives the models,
parameters, stage notes and the solver's status and gap from ``manifest.json``.

Tables are optional: a missing one gives "not run" in its section. A present table that
lacks a column the report needs raises :class:`InputError` naming the file.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Mapping
from typing import Any

import matplotlib
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from wfm.core.errors import InputError

# columns each section reads, by table
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "forecast": ("interval_start", "channel", "segment", "contacts", "contacts_lo",
                 "contacts_hi", "model"),
    "history": ("interval_start", "channel", "segment", "contacts"),
    "split": ("channel", "segment", "contacts", "ai_contained", "human_contacts"),
    "coverage": ("interval_start", "site", "skill", "agents_scheduled", "agents_required",
                 "agents_gap"),
    "overflow": ("interval_start", "skill", "from_site", "to_site", "contacts"),
    "simulation": ("interval_start", "site", "skill", "contacts", "service_level_rate",
                   "sl_target_rate"),
    "schedule": ("site", "pool", "local_date", "agents", "shift_length_min"),
}

_COLOURS = ("#1f5f8b", "#d9822b", "#3a8f5c", "#b23a48", "#6b4c9a", "#7a7a7a")
_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;color:#1d2329;
background:#f6f7f9}
header{background:#1f5f8b;color:#fff;padding:18px 28px}
header h1{margin:0 0 4px;font-size:22px}
main{padding:8px 28px 40px;max-width:1200px}
section{background:#fff;border:1px solid #dde1e6;border-radius:6px;margin:18px 0;
padding:8px 18px 16px;overflow-x:auto}
h2{font-size:18px;margin:10px 0}
p.source{color:#5c6670;font-size:12px;margin:2px 0 10px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}
.card{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:10px 14px;min-width:150px}
.card b{display:block;font-size:20px}
.card span{color:#5c6670;font-size:12px}
table{border-collapse:collapse;font-size:12px;margin:8px 0}
th,td{border:1px solid #dde1e6;padding:3px 7px;text-align:right}
th{background:#eef1f4}
td:first-child,th:first-child{text-align:left}
figure{margin:8px 0}
figure svg{max-width:100%;height:auto}
.notrun{color:#7a7a7a;font-style:italic}
.bad{color:#b23a48;font-weight:bold}
ul.notes{font-size:13px}
"""


# -- small helpers ----------------------------------------------------------------------------
def _esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _check(df: pd.DataFrame, name: str) -> None:
    missing = [c for c in REQUIRED_COLUMNS.get(name, ()) if c not in df.columns]
    if missing:
        raise InputError(f"missing column {missing[0]!r}", source=f"{name}.csv", line=1,
                         expected="columns " + ", ".join(REQUIRED_COLUMNS[name]))


def _table_html(df: pd.DataFrame, max_rows: int = 60) -> str:
    shown = df.head(max_rows)
    text = shown.to_html(index=False, escape=True, border=0, na_rep="",
                         float_format=lambda v: f"{v:,.3f}".rstrip("0").rstrip("."))
    if len(df) > max_rows:
        text += f"<p class='source'>first {max_rows} of {len(df)} rows</p>"
    return text


def _svg(fig: Figure, key: str, *, tight: bool = True) -> str:
    """Figure → inline ``<svg>`` text (no XML prolog; ids salted per chart).

    Grids of small charts have fixed margins (``tight=False``): fitting each of tens of axes
    to its labels would take most of the report's time.
    """
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": f"wfm-{key}", "svg.fonttype": "none"}):
        fig.savefig(buf, format="svg", bbox_inches="tight" if tight else None,
                    metadata={"Date": None})
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    return f"<figure data-chart='{_esc(key)}'>{text}</figure>"


def _grid(n: int, *, width_in: float = 11.0, row_in: float = 2.4,
          ncols: int = 3) -> tuple[Figure, list]:
    ncols = max(1, min(ncols, n))
    nrows = int(np.ceil(n / ncols))
    height_in = row_in * nrows + 0.4
    fig = Figure(figsize=(width_in, height_in))
    fig.subplots_adjust(left=0.07, right=0.99, bottom=0.55 / height_in,
                        top=1 - 0.35 / height_in, hspace=0.75 * 2.4 / row_in, wspace=0.22)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel().tolist()
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, axes[:n]


def _style(ax, title: str) -> None:
    ax.set_title(title, fontsize=9)
    ax.tick_params(labelsize=7)
    ax.grid(alpha=0.3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _time_axis(ax) -> None:
    locator = mdates.AutoDateLocator(maxticks={mdates.MINUTELY: 5})
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _naive_utc(ts: pd.Series) -> np.ndarray:
    return pd.to_datetime(ts, utc=True).dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()


def _section(anchor: str, title: str, source: str, body: str) -> str:
    return (f"<section id='{anchor}'><h2>{_esc(title)}</h2>"
            f"<p class='source'>{source}</p>{body}</section>")


def _not_run(what: str) -> str:
    return f"<p class='notrun'>not run: the plan has no {_esc(what)}</p>"


def _fmt(v: Any, spec: str = ",.2f") -> str:
    try:
        return format(float(v), spec)
    except (TypeError, ValueError):
        return _esc(v)


# -- sections ---------------------------------------------------------------------------------
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
        g = g.groupby("interval_start", sort=True)[["contacts", "contacts_lo",
                                                    "contacts_hi"]].sum().reset_index()
        t = _naive_utc(g["interval_start"])
        if history is not None:
            h = history[(history["channel"] == ch) & (history["segment"] == seg)]
            h = h.groupby("interval_start", sort=True)["contacts"].sum().reset_index()
            if len(h):
                ax.plot(_naive_utc(h["interval_start"]), h["contacts"], color=_COLOURS[5],
                        lw=0.8, label="history")
        ax.fill_between(t, g["contacts_lo"], g["contacts_hi"], color=_COLOURS[0], alpha=0.2,
                        lw=0, label="interval")
        ax.plot(t, g["contacts"], color=_COLOURS[0], lw=1.2, label="forecast")
        _style(ax, f"{ch} · {seg}")
        _time_axis(ax)
    axes[0].legend(fontsize=7, loc="upper left")
    fig.supylabel("contacts per interval (UTC)", fontsize=8, x=0.005)
    models = (fc.groupby(["channel", "segment"], sort=True)
              .agg(model=("model", lambda s: ", ".join(sorted(set(map(str, s))))),
                   contacts=("contacts", "sum"), contacts_lo=("contacts_lo", "sum"),
                   contacts_hi=("contacts_hi", "sum"))
              .reset_index())
    body = _svg(fig, "forecast", tight=False) + "<h3>Model per series</h3>" + _table_html(models)
    backtest = tables.get("backtest")
    if backtest is None:
        body += "<h3>Backtest</h3>" + _not_run("backtest.csv")
    elif "chosen" in backtest.columns:
        chosen = backtest[backtest["chosen"].astype(str).str.lower() == "true"]
        body += ("<h3>Backtest: the chosen model of each series</h3>" + _table_html(chosen)
                 + f"<p class='source'>{len(backtest)} candidate scores in backtest.csv</p>")
    else:
        body += "<h3>Backtest</h3>" + _table_html(backtest)
    return _section("forecast", "History and forecast", source, body)


def _split_section(tables: Mapping[str, pd.DataFrame]) -> str:
    split = tables.get("split")
    source = "split.csv (ai_contained: resolved by AI agents; human_contacts: answered by people)"
    if split is None:
        return _section("split", "AI and human share", source, _not_run("split.csv"))
    _check(split, "split")
    g = (split.groupby(["channel", "segment"], sort=True)
         [["contacts", "ai_contained", "human_contacts"]].sum().reset_index())
    total = g["contacts"].to_numpy(dtype=float)
    g["ai_share_rate"] = np.divide(g["ai_contained"].to_numpy(dtype=float), total,
                                   out=np.zeros(len(g)), where=total > 0)
    fig = Figure(figsize=(10, 0.35 * len(g) + 1.2), layout="constrained")
    ax = fig.subplots()
    labels = [f"{c} · {s}" for c, s in zip(g["channel"], g["segment"], strict=True)]
    y = np.arange(len(g))
    ax.barh(y, g["human_contacts"], color=_COLOURS[0], label="human")
    ax.barh(y, g["ai_contained"], left=g["human_contacts"], color=_COLOURS[1],
            label="AI contained")
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlabel("contacts over the horizon", fontsize=8)
    _style(ax, "Who answers: people and AI agents")
    ax.legend(fontsize=7)
    all_ai = float(g["ai_contained"].sum())
    all_c = float(g["contacts"].sum())
    share = all_ai / all_c if all_c > 0 else 0.0
    body = (f"<p>AI agents resolve <b>{share:.1%}</b> of {all_c:,.0f} contacts.</p>"
            + _svg(fig, "split") + _table_html(g))
    return _section("split", "AI and human share", source, body)


def _coverage_section(tables: Mapping[str, pd.DataFrame], interval_h: float) -> str:
    cov = tables.get("coverage")
    source = ("coverage.csv: agents_required (on-queue agents from the queue model) against "
              "agents_scheduled (from the shift solver), per site and skill")
    if cov is None:
        return _section("coverage", "Required and scheduled agents", source,
                        _not_run("coverage.csv"))
    _check(cov, "coverage")
    groups = cov.groupby(["site", "skill"], sort=True)
    fig, axes = _grid(groups.ngroups)
    for ax, ((site, skill), g) in zip(axes, groups, strict=True):
        g = g.sort_values("interval_start")
        t = _naive_utc(g["interval_start"])
        ax.step(t, g["agents_required"], where="post", color=_COLOURS[3], lw=1.1,
                label="required")
        ax.step(t, g["agents_scheduled"], where="post", color=_COLOURS[0], lw=1.1,
                label="scheduled")
        _style(ax, f"{site} · {skill}")
        _time_axis(ax)
    axes[0].legend(fontsize=7)
    fig.supylabel("agents (UTC)", fontsize=8, x=0.005)
    gap = cov["agents_gap"].to_numpy(dtype=float)
    summary = (cov.assign(short=np.clip(-gap, 0, None) * interval_h,
                          over=np.clip(gap, 0, None) * interval_h,
                          short_intervals=gap < 0)
               .groupby(["site", "skill"], sort=True)
               .agg(intervals_short=("short_intervals", "sum"),
                    shortfall_agent_h=("short", "sum"), overstaff_agent_h=("over", "sum"))
               .reset_index())
    body = _svg(fig, "coverage", tight=False) + "<h3>Gaps</h3>" + _table_html(summary)
    return _section("coverage", "Required and scheduled agents", source, body)


def _overflow_section(tables: Mapping[str, pd.DataFrame],
                      site_regions: Mapping[str, str] | None) -> str:
    over = tables.get("overflow")
    source = "overflow.csv: contacts of one site's skill answered at another site"
    if over is None:
        return _section("overflow", "Overflow between regions", source,
                        _not_run("overflow.csv"))
    _check(over, "overflow")
    regions = dict(site_regions or {})
    flows = over.assign(
        from_region=[regions.get(s, s) for s in over["from_site"]],
        to_region=[regions.get(s, s) for s in over["to_site"]],
    )
    flows = (flows.groupby(["from_region", "to_region", "from_site", "to_site", "skill"],
                           sort=True)["contacts"].sum().reset_index())
    if flows.empty or float(flows["contacts"].sum()) == 0.0:
        return _section("overflow", "Overflow between regions", source,
                        "<p>No contact overflows in this plan.</p>")
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
    source = ("simulation.csv: service level of the scheduled plan in a discrete-event "
              "simulation, against each skill's target")
    if abandoned_in_sl is not None:
        source += (f"; abandoned contacts {'count' if abandoned_in_sl else 'do not count'} "
                   "in the service-level denominator")
    if sim is None:
        return _section("simulation", "Simulated service level", source,
                        _not_run("simulation.csv"))
    _check(sim, "simulation")
    groups = sim.groupby("skill", sort=True)
    fig, axes = _grid(groups.ngroups)
    for ax, (skill, g) in zip(axes, groups, strict=True):
        w = g["contacts"].to_numpy(dtype=float)
        g = g.assign(w_sl=g["service_level_rate"] * w, w=w)
        agg = g.groupby("interval_start", sort=True).agg(
            w_sl=("w_sl", "sum"), w=("w", "sum"), target=("sl_target_rate", "max"))
        sl = np.divide(agg["w_sl"].to_numpy(), agg["w"].to_numpy(),
                       out=np.full(len(agg), np.nan), where=agg["w"].to_numpy() > 0)
        t = _naive_utc(pd.Series(agg.index))
        ax.plot(t, sl, color=_COLOURS[0], lw=1.1, marker=".", ms=3, label="simulated")
        ax.step(t, agg["target"], where="post", color=_COLOURS[3], lw=1, ls="--",
                label="target")
        ax.set_ylim(0, 1.02)
        _style(ax, str(skill))
        _time_axis(ax)
    axes[0].legend(fontsize=7, loc="lower left")
    fig.supylabel("service level (UTC)", fontsize=8, x=0.005)
    sl_all = sim["service_level_rate"].to_numpy(dtype=float)
    busy = sim[(sim["contacts"].to_numpy(dtype=float) > 0) & ~np.isnan(sl_all)]
    meets = (busy["meets_target"].astype(bool).to_numpy() if "meets_target" in busy.columns
             else busy["service_level_rate"].to_numpy(dtype=float)
             >= busy["sl_target_rate"].to_numpy(dtype=float))
    summary = (busy.assign(meets=meets, w_sl=busy["service_level_rate"] * busy["contacts"])
               .groupby(["site", "skill"], sort=True)
               .agg(contacts=("contacts", "sum"), w_sl=("w_sl", "sum"),
                    sl_target_rate=("sl_target_rate", "max"),
                    intervals=("meets", "size"), intervals_meeting_target=("meets", "sum"))
               .reset_index())
    c = summary["contacts"].to_numpy(dtype=float)
    summary.insert(3, "service_level_rate", np.divide(summary["w_sl"].to_numpy(), c,
                                                      out=np.full(len(c), np.nan), where=c > 0))
    summary = summary.drop(columns="w_sl")
    body = _svg(fig, "simulation", tight=False)
    overall = tables.get("summary")
    if overall is not None:
        body += "<h3>Summary (summary.csv)</h3>" + _table_html(overall)
    body += "<h3>Per site and skill, intervals with contacts</h3>" + _table_html(summary)
    return _section("simulation", "Simulated service level", source, body)


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
        contacts = (volume.groupby("site")["contacts"].sum()
                    if volume is not None and "contacts" in volume.columns else pd.Series())
        per_site = pd.DataFrame({"site": by_site.index, "cost": by_site.to_numpy(),
                                 "contacts": contacts.reindex(by_site.index).to_numpy()})
        split_summary = tables.get("split_summary")
        ai_cost = (float(split_summary["ai_cost"].sum())
                   if split_summary is not None and "ai_cost" in split_summary.columns else 0.0)
        fc = tables.get("forecast")
        n_all = float(fc["contacts"].sum()) if fc is not None else float("nan")
        overall = (float(by_site.sum()) + ai_cost) / n_all if n_all > 0 else float("nan")
        how = ("(labour and overflow cost + AI cost) / all forecast contacts; penalties of "
               "the shift solver are not money and are left out")
    else:
        missing = [c for c in ("cost", "contacts") if c not in cost.columns]
        if missing:
            raise InputError(f"missing column {missing[0]!r}", source="cost.csv", line=1,
                             expected="site, item, cost (or cost and contacts columns)")
        label = "site" if "site" in cost.columns else cost.columns[0]
        per_site = pd.DataFrame({"site": cost[label].astype(str).to_numpy(),
                                 "cost": cost["cost"].to_numpy(dtype=float),
                                 "contacts": cost["contacts"].to_numpy(dtype=float)})
        n_all = float(per_site["contacts"].sum())
        overall = float(per_site["cost"].sum()) / n_all if n_all > 0 else float("nan")
        how = "total cost / total contacts of cost.csv"
    c = per_site["contacts"].to_numpy(dtype=float)
    per_site["cost_per_contact"] = np.divide(per_site["cost"].to_numpy(dtype=float), c,
                                             out=np.full(len(c), np.nan), where=c > 0)
    return per_site, overall, how


def _cost_section(tables: Mapping[str, pd.DataFrame], currency: str) -> str:
    source = f"cost.csv (currency {currency})" if currency else "cost.csv"
    if "cost" not in tables:
        return _section("cost", "Cost per contact", source, _not_run("cost.csv"))
    per_site, overall, how = cost_per_contact(tables)
    body = ""
    if not np.isnan(overall):
        body += (f"<p>Overall: <b>{overall:,.2f} {_esc(currency)}</b> per contact "
                 f"({_esc(how)}).</p>")
    shown = per_site[np.isfinite(per_site["cost_per_contact"].to_numpy(dtype=float))]
    if len(shown):
        fig = Figure(figsize=(8, 0.35 * len(shown) + 1.2), layout="constrained")
        ax = fig.subplots()
        y = np.arange(len(shown))
        ax.barh(y, shown["cost_per_contact"].to_numpy(dtype=float), color=_COLOURS[4])
        ax.set_yticks(y, shown["site"].tolist())
        ax.invert_yaxis()
        ax.set_xlabel(f"cost per contact [{currency}]" if currency else "cost per contact",
                      fontsize=8)
        _style(ax, "Cost per contact by site (labour and overflow / contacts at the site)")
        body += _svg(fig, "cost")
    return _section("cost", "Cost per contact", source,
                    body + _table_html(per_site) + "<h3>cost.csv</h3>"
                    + _table_html(tables["cost"]))


def _schedule_section(tables: Mapping[str, pd.DataFrame]) -> str:
    sched = tables.get("schedule")
    source = "schedule.csv: shifts chosen per site, pool and site-local day"
    if sched is None:
        return _section("schedule", "Shifts", source, _not_run("schedule.csv"))
    _check(sched, "schedule")
    paid_h = sched["agents"].to_numpy(dtype=float) * sched["shift_length_min"].to_numpy(
        dtype=float) / 60.0
    summary = (sched.assign(paid_h=paid_h)
               .groupby(["site", "pool", "local_date"], sort=True)
               .agg(shifts=("agents", "sum"), paid_h=("paid_h", "sum")).reset_index())
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
            f"workers, seed {_esc(solve.get('seed', ''))}.</p>")
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
                "</tr>")
        parts.append("<h3>Stages</h3><table><tr><th>stage</th><th>wall_s</th><th>notes</th>"
                     "<th>figures</th></tr>" + "".join(rows) + "</table>")
    for key, title in (("parameters", "Parameters"), ("inputs", "Inputs (SHA-256)"),
                       ("versions", "Versions")):
        value = manifest.get(key)
        if isinstance(value, Mapping) and value:
            cells = "".join(f"<tr><td>{_esc(k)}</td><td>{_esc(v)}</td></tr>"
                            for k, v in value.items())
            parts.append(f"<h3>{title}</h3><table>{cells}</table>")
    return _section("provenance", "Models, solver and parameters",
                    "manifest.json of the run", "".join(parts))


def _overall_service_level(tables: Mapping[str, pd.DataFrame]) -> float | None:
    """The simulation's overall service level (its summary row, else contact-weighted)."""
    summary = tables.get("summary")
    if summary is not None and {"scope", "service_level_rate"} <= set(summary.columns):
        row = summary[summary["scope"] == "overall"]
        if len(row):
            return float(row["service_level_rate"].iloc[0])
    sim = tables.get("simulation")
    if sim is None or not {"service_level_rate", "contacts"} <= set(sim.columns):
        return None
    sl = sim["service_level_rate"].to_numpy(dtype=float)
    w = np.where(np.isnan(sl), 0.0, sim["contacts"].to_numpy(dtype=float))
    return float(np.nansum(sl * w) / w.sum()) if w.sum() > 0 else None


def _cards(tables: Mapping[str, pd.DataFrame], manifest: Mapping[str, Any],
           currency: str) -> str:
    cards = []
    fc = tables.get("forecast")
    if fc is not None and "contacts" in fc.columns:
        cards.append((f"{float(fc['contacts'].sum()):,.0f}", "contacts forecast"))
    split = tables.get("split")
    if split is not None and {"ai_contained", "contacts"} <= set(split.columns):
        c = float(split["contacts"].sum())
        cards.append((f"{float(split['ai_contained'].sum()) / c:.1%}" if c else "–",
                      "resolved by AI agents"))
    sl = _overall_service_level(tables)
    if sl is not None:
        cards.append((f"{sl:.1%}", "simulated service level"))
    if "cost" in tables:
        overall = cost_per_contact(tables)[1]
        if not np.isnan(overall):
            cards.append((f"{overall:,.2f} {currency}", "cost per contact"))
    solve = manifest.get("schedule")
    if isinstance(solve, Mapping):
        gap = solve.get("gap_rate")
        gap_text = f", gap {float(gap):.2%}" if isinstance(gap, int | float) else ""
        cards.append((_esc(solve.get("status", "?")), f"shift solver{gap_text}"))
    return "<div class='cards'>" + "".join(
        f"<div class='card'><b>{_esc(v)}</b><span>{_esc(k)}</span></div>"
        for v, k in cards) + "</div>"


# -- entry point ------------------------------------------------------------------------------
def render_report(
    tables: Mapping[str, pd.DataFrame],
    manifest: Mapping[str, Any],
    *,
    history: pd.DataFrame | None = None,
    site_regions: Mapping[str, str] | None = None,
) -> str:
    """Render a plan as one self-contained HTML page.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        Plan tables by file stem (``forecast``, ``backtest``, ``split``, ``requirements``,
        ``pooling``, ``schedule``, ``coverage``, ``overflow``, ``cost``, ``simulation``,
        ``whatif``); any may be absent.
    manifest : mapping
        The run's ``manifest.json`` (run id, scenario, inputs, versions, parameters, stage
        timings and notes, solver result).
    history : pandas.DataFrame, optional
        Actuals drawn behind the forecast.
    site_regions : mapping of str to str, optional
        Region of each site, to show overflow between regions (else between sites).

    Returns
    -------
    str
        A complete HTML document: inline CSS and SVG, no script, no external reference.

    Raises
    ------
    InputError
        A present table lacks a column the report uses.
    """
    params = manifest.get("parameters") or {}
    currency = str(params.get("currency", "")) if isinstance(params, Mapping) else ""
    interval_min = params.get("interval_min") if isinstance(params, Mapping) else None
    interval_h = float(interval_min) / 60.0 if isinstance(interval_min, int | float) else 0.5
    abandoned_in_sl = params.get("abandoned_in_sl") if isinstance(params, Mapping) else None
    scenario = manifest.get("scenario")
    scenario_name = (scenario.get("name", "") if isinstance(scenario, Mapping)
                     else str(scenario or ""))
    run_id = str(manifest.get("run_id", ""))
    created = manifest.get("created_utc", "")
    title = f"wfm plan {scenario_name} · run {run_id}".strip()
    sections = [
        _forecast_section(tables, history),
        _split_section(tables),
        _coverage_section(tables, interval_h),
        _overflow_section(tables, site_regions),
        _simulation_section(tables, abandoned_in_sl),
        _cost_section(tables, currency),
        _schedule_section(tables),
        _whatif_section(tables),
        _provenance_section(manifest),
    ]
    nav = " · ".join(
        f"<a href='#{a}' style='color:#fff'>{t}</a>" for a, t in (
            ("forecast", "forecast"), ("split", "AI share"), ("coverage", "coverage"),
            ("overflow", "overflow"), ("simulation", "service level"), ("cost", "cost"),
            ("schedule", "shifts"), ("whatif", "what-if"), ("provenance", "models & solver")))
    page = (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{_esc(title)}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{_esc(title)}</h1><div>created {_esc(created)} UTC · "
        f"interval {_esc(interval_min)} min · {nav}</div></header><main>"
        + _cards(tables, manifest, currency) + "".join(sections)
        + "</main></body></html>\n"
    )
    return _strip_external_refs(page)


_XLINK_HTTP = re.compile(r"""(href|src)=(["'])https?://""")


def _strip_external_refs(page: str) -> str:
    """The page must not fetch anything; matplotlib's SVG holds no link, this keeps it so."""
    return _XLINK_HTTP.sub(r"\1=\2#", page)
