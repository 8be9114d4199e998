"""The plan report: one self-contained HTML string with inline SVG charts.

No JavaScript, no external file, font or style sheet: the page renders offline in any
browser and can be mailed as one file. Charts are drawn with matplotlib's object API
(``Figure``, no global pyplot state) and inlined as SVG with text kept as text. Every
section names the file its numbers come from, and the last section gives the models,
parameters, stage notes and the solver's status and gap from ``manifest.json``.

Tables are optional: a missing one gives "not run" in its section. A present table that
lacks a column the report needs raises :class:`InputError` naming the file.

This module holds the page itself (style sheet, header, summary cards, section order); the
sections are in :mod:`wfm.report.sections`, the charts in :mod:`wfm.report.charts`, the key
figures in :mod:`wfm.report.kpis` and the HTML pieces in :mod:`wfm.report.markup`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from wfm.report.kpis import _overall_service_level, cost_per_contact
from wfm.report.markup import _esc
from wfm.report.sections import (
    REQUIRED_COLUMNS as REQUIRED_COLUMNS,
    _cost_section,
    _coverage_section,
    _forecast_section,
    _overflow_section,
    _provenance_section,
    _schedule_section,
    _simulation_section,
    _split_section,
    _whatif_section,
)

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


def _cards(tables: Mapping[str, pd.DataFrame], manifest: Mapping[str, Any], currency: str) -> str:
    cards = []
    fc = tables.get("forecast")
    if fc is not None and "contacts" in fc.columns:
        cards.append((f"{float(fc['contacts'].sum()):,.0f}", "contacts forecast"))
    split = tables.get("split")
    if split is not None and {"ai_contained", "contacts"} <= set(split.columns):
        c = float(split["contacts"].sum())
        cards.append(
            (f"{float(split['ai_contained'].sum()) / c:.1%}" if c else "–", "resolved by AI agents")
        )
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
    return (
        "<div class='cards'>"
        + "".join(
            f"<div class='card'><b>{_esc(v)}</b><span>{_esc(k)}</span></div>" for v, k in cards
        )
        + "</div>"
    )


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
    scenario_name = (
        scenario.get("name", "") if isinstance(scenario, Mapping) else str(scenario or "")
    )
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
        f"<a href='#{a}' style='color:#fff'>{t}</a>"
        for a, t in (
            ("forecast", "forecast"),
            ("split", "AI share"),
            ("coverage", "coverage"),
            ("overflow", "overflow"),
            ("simulation", "service level"),
            ("cost", "cost"),
            ("schedule", "shifts"),
            ("whatif", "what-if"),
            ("provenance", "models & solver"),
        )
    )
    page = (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{_esc(title)}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{_esc(title)}</h1><div>created {_esc(created)} UTC · "
        f"interval {_esc(interval_min)} min · {nav}</div></header><main>"
        + _cards(tables, manifest, currency)
        + "".join(sections)
        + "</main></body></html>\n"
    )
    return _strip_external_refs(page)


_XLINK_HTTP = re.compile(r"""(href|src)=(["'])https?://""")


def _strip_external_refs(page: str) -> str:
    """The page must not fetch anything; matplotlib's SVG holds no link, this keeps it so."""
    return _XLINK_HTTP.sub(r"\1=\2#", page)
