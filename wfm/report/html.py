"""The plan report: one self-contained HTML page with inline SVG charts.

No JavaScript, no external file, font or style sheet: the page renders offline in any
browser and can be mailed as one file. Charts are drawn with matplotlib's object API
(``Figure``, no global pyplot state) and inlined as SVG with text kept as text. Every
section names the file its numbers come from, and the last section gives the models,
parameters, stage notes and the solver's status and gap from ``manifest.json``.

The page is rendered from Jinja2 templates with autoescaping (``wfm/report/templates/``):
text from the scenario, the tables and the manifest is escaped by the template engine.

Tables are optional: a missing one gives "not run" in its section. A present table that
lacks a column the report needs raises :class:`InputError` naming the file.

This module holds the page itself (summary cards, notices, section order); the sections are
in :mod:`wfm.report.sections` and :mod:`wfm.report.provenance`, the charts in
:mod:`wfm.report.charts`, the key figures in :mod:`wfm.report.kpis`, the closed-horizon
notice in :mod:`wfm.report.horizon` and the template views in :mod:`wfm.report.markup`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from wfm.core.sites import SiteConfig
from wfm.report.charts import plain_text
from wfm.report.columns import REQUIRED_COLUMNS as REQUIRED_COLUMNS
from wfm.report.horizon import horizon_notices
from wfm.report.kpis import _overall_service_level, cost_per_contact
from wfm.report.markup import render_page
from wfm.report.provenance import _provenance_section
from wfm.report.sections import (
    _cost_section,
    _coverage_section,
    _forecast_section,
    _overflow_section,
    _schedule_section,
    _simulation_section,
    _split_section,
    _whatif_section,
)

_NAV = (
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


def _cards(
    tables: Mapping[str, pd.DataFrame], manifest: Mapping[str, Any], currency: str
) -> list[tuple[str, str]]:
    """Summary cards: (value, label) of the key figures the plan has."""
    cards = []
    fc = tables.get("forecast")
    if fc is not None and "contacts" in fc.columns:
        total = float(pd.to_numeric(fc["contacts"], errors="coerce").sum())
        cards.append((f"{total:,.0f}", "contacts forecast"))
    split = tables.get("split")
    if split is not None and {"ai_contained", "contacts"} <= set(split.columns):
        c = float(pd.to_numeric(split["contacts"], errors="coerce").sum())
        ai = float(pd.to_numeric(split["ai_contained"], errors="coerce").sum())
        cards.append((f"{ai / c:.1%}" if c else "–", "resolved by AI agents"))
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
        cards.append((str(solve.get("status", "?")), f"shift solver{gap_text}"))
    return cards


# -- entry point ------------------------------------------------------------------------------
def render_report(
    tables: Mapping[str, pd.DataFrame],
    manifest: Mapping[str, Any],
    *,
    history: pd.DataFrame | None = None,
    site_regions: Mapping[str, str] | None = None,
    sites: Mapping[str, SiteConfig] | None = None,
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
    sites : mapping of str to SiteConfig, optional
        The scenario's sites: with them the report names the sites closed throughout the
        horizon (and says so plainly when no site opens at all).

    Returns
    -------
    str
        A complete HTML document: inline CSS and SVG, no script, no external reference.

    Raises
    ------
    InputError
        A present table lacks a column the report uses.
    """
    params = manifest.get("parameters")
    params = params if isinstance(params, Mapping) else {}
    currency = str(params.get("currency", ""))
    interval_min = params.get("interval_min")
    interval_h = float(interval_min) / 60.0 if isinstance(interval_min, int | float) else 0.5
    scenario = manifest.get("scenario")
    scenario_name = (
        scenario.get("name", "") if isinstance(scenario, Mapping) else str(scenario or "")
    )
    with plain_text():
        sections = [
            _forecast_section(tables, history),
            _split_section(tables),
            _coverage_section(tables, interval_h),
            _overflow_section(tables, site_regions),
            _simulation_section(tables, params.get("abandoned_in_sl")),
            _cost_section(tables, currency),
            _schedule_section(tables),
            _whatif_section(tables),
            _provenance_section(manifest),
        ]
    page = render_page(
        "report.html.j2",
        title=f"wfm plan {scenario_name} · run {manifest.get('run_id', '')}".strip(),
        created=str(manifest.get("created_utc", "")),
        interval_min=str(interval_min),
        nav=_NAV,
        notices=horizon_notices(tables, manifest, sites),
        cards=_cards(tables, manifest, currency),
        sections=sections,
    )
    return _strip_external_refs(page)


_XLINK_HTTP = re.compile(r"""(href|src)=(["'])https?://""")


def _strip_external_refs(page: str) -> str:
    """The page must not fetch anything; matplotlib's SVG holds no link, this keeps it so."""
    return _XLINK_HTTP.sub(r"\1=\2#", page)
