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

from wfm.core.config import Scenario
from wfm.core.sites import SiteConfig
from wfm.report import numbers as fmt
from wfm.report.accuracy import accuracy_section
from wfm.report.charts import plain_text
from wfm.report.horizon import check_gantt_day, horizon_notices
from wfm.report.kpis import (
    cost_per_contact,
    overall_service_level,
    overall_target,
    service_against_targets,
)
from wfm.report.markup import Section, render_page
from wfm.report.people import Staffing, coverage_section, schedule_section
from wfm.report.provenance import provenance_section
from wfm.report.roster import roster_section
from wfm.report.sections import (
    cost_section,
    forecast_section,
    overflow_section,
    simulation_section,
    split_section,
    whatif_section,
)
from wfm.report.shifts import DEFAULT_WEEK_H

_NAV = (
    ("forecast", "forecast"),
    ("accuracy", "forecast vs actual"),
    ("split", "AI share"),
    ("coverage", "agents & FTE"),
    ("overflow", "overflow"),
    ("simulation", "service level"),
    ("cost", "cost"),
    ("schedule", "shifts"),
    ("roster", "roster"),
    ("whatif", "what-if"),
    ("provenance", "models & solver"),
)


def _cards(
    tables: Mapping[str, pd.DataFrame],
    manifest: Mapping[str, Any],
    currency: str,
    scenario: Scenario | None,
) -> list[tuple[str, str, str]]:
    """Summary cards: (value, label, state) of the key figures the plan has; state is
    ``miss`` for a figure below its target, ``met`` at or above it, else ``""``."""
    cards = []
    fc = tables.get("forecast")
    if fc is not None and "contacts" in fc.columns:
        total = float(pd.to_numeric(fc["contacts"], errors="coerce").sum())
        cards.append((fmt.count(total), "contacts forecast", ""))
    split = tables.get("split")
    if split is not None and {"ai_contained", "contacts"} <= set(split.columns):
        c = float(pd.to_numeric(split["contacts"], errors="coerce").sum())
        ai = float(pd.to_numeric(split["ai_contained"], errors="coerce").sum())
        cards.append((fmt.rate(ai / c) if c else "–", "resolved by AI agents", ""))
    sl = overall_service_level(tables)
    if sl is not None:
        target = overall_target(tables)
        if target is None:
            cards.append((fmt.rate(sl), "simulated service level", ""))
        else:
            state = "miss" if sl < target - 1e-9 else "met"
            word = "below" if state == "miss" else "meets"
            value = f"{fmt.rate(sl)} · target {fmt.rate(target)}"
            cards.append((value, f"simulated service level ({word} target)", state))
        per, _ = service_against_targets(tables, scenario)
        if len(per):
            n_miss = int((~per["meets"]).sum())
            scope = "skills" if "skill" in per.columns else "segment × channel"
            cards.append(
                (
                    f"{n_miss} of {len(per)}",
                    f"{scope} below target" if n_miss else f"{scope}: all meet target",
                    "miss" if n_miss else "met",
                )
            )
    if "cost" in tables:
        overall = cost_per_contact(tables)[1]
        if not np.isnan(overall):
            cards.append((fmt.money(overall, currency), "cost per contact", ""))
    solve = manifest.get("schedule")
    if isinstance(solve, Mapping):
        gap = solve.get("gap_rate")
        gap_text = f", gap {float(gap):.2%}" if isinstance(gap, int | float) else ""
        cards.append((str(solve.get("status", "?")), f"shift solver{gap_text}", ""))
    return cards


def _zones(
    sites: Mapping[str, SiteConfig] | None, scenario: Scenario | None
) -> tuple[dict[str, str], str]:
    """Time zone of each site, and the home site's zone (UTC without sites)."""
    sites = sites if sites is not None else (scenario.sites if scenario is not None else {})
    zones = {str(name): site.tz for name, site in sites.items()}
    home = "UTC"
    if scenario is not None and scenario.sites:
        home = scenario.sites[scenario.home_site()].tz
    elif zones:
        home = next(iter(zones.values()))
    return zones, home


def _staffing(
    params: Mapping[str, Any], scenario: Scenario | None, zones: Mapping[str, str], day: str
) -> Staffing:
    interval_min = params.get("interval_min")
    days = params.get("horizon_days")
    if scenario is not None:
        week_h = float(scenario.shifts.max_h_per_week)
        source = f"{fmt.agents(week_h)} h (the scenario's shifts.max_h_per_week)"
        headcount = {
            (site.name, pool.name): pool.headcount
            for site in scenario.sites.values()
            for pool in site.pools.values()
        }
    else:
        week_h, source, headcount = DEFAULT_WEEK_H, "40 h (no scenario given: the default)", {}
    return Staffing(
        zones=zones,
        interval_min=int(interval_min) if isinstance(interval_min, int | float) else 30,
        horizon_days=int(days) if isinstance(days, int | float) else 7,
        week_h=week_h,
        week_source=source,
        headcount=headcount,
        gantt_day=day,
    )


# -- entry point ------------------------------------------------------------------------------
def render_report(
    tables: Mapping[str, pd.DataFrame],
    manifest: Mapping[str, Any],
    *,
    history: pd.DataFrame | None = None,
    site_regions: Mapping[str, str] | None = None,
    sites: Mapping[str, SiteConfig] | None = None,
    scenario: Scenario | None = None,
    gantt_day: str = "",
) -> str:
    """Render a plan as one self-contained HTML page.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        Plan tables by file stem (``forecast``, ``backtest``, ``split``, ``requirements``,
        ``pooling``, ``schedule``, ``coverage``, ``overflow``, ``cost``, ``simulation``,
        ``whatif``, ``summary``, ``roster``, ``unassigned``, ``agent_summary``, ``time_off``;
        ``actuals`` per interval, channel and segment and the
        nightly's ``accuracy`` for forecast against actual); any may be absent.
    manifest : mapping
        The run's ``manifest.json`` (run id, scenario, inputs, versions, parameters, stage
        timings and notes, solver result).
    history : pandas.DataFrame, optional
        Actuals drawn behind the forecast.
    site_regions : mapping of str to str, optional
        Region of each site, to show overflow between regions (else between sites).
    sites : mapping of str to SiteConfig, optional
        The scenario's sites: with them the report names the sites closed throughout the
        horizon (and says so plainly when no site opens at all), and draws every time axis
        in the site's local time (UTC without them). Taken from ``scenario`` if not given.
    scenario : Scenario, optional
        The plan's scenario: service-level targets per segment and channel, the skills'
        channels and segments, the contract week (``shifts.max_h_per_week``) for FTE, the
        pools' headcount and the home site, whose zone is that of charts of all sites.
    gantt_day : str, optional
        Site-local date (``YYYY-MM-DD``) of the shift Gantt and the roster's, a day of the
        plan's horizon (:func:`wfm.report.horizon.planned_days`); default the busiest day of
        each. A day without shifts is named as such instead of a Gantt.

    Returns
    -------
    str
        A complete HTML document: inline CSS and SVG, no script, no external reference.

    Raises
    ------
    InputError
        A present table lacks a column the report uses; ``gantt_day`` is not a date
        ``YYYY-MM-DD`` of the plan's horizon (the message names ``--gantt-day``).
    """
    params = manifest.get("parameters")
    params = params if isinstance(params, Mapping) else {}
    currency = str(params.get("currency", ""))
    interval_min = params.get("interval_min")
    named = manifest.get("scenario")
    scenario_name = named.get("name", "") if isinstance(named, Mapping) else str(named or "")
    if site_regions is None and scenario is not None:
        site_regions = {s.name: s.region for s in scenario.sites.values()}
    zones, home = _zones(sites, scenario)
    gantt_day = check_gantt_day(gantt_day, tables, manifest, zones)
    with plain_text():
        sections = _sections(
            tables, manifest, params, history, site_regions, scenario, zones, home, gantt_day
        )
    anchors = {s.anchor for s in sections}
    page = render_page(
        "report.html.j2",
        title=f"wfm plan {scenario_name} · run {manifest.get('run_id', '')}".strip(),
        created=str(manifest.get("created_utc", "")),
        interval_min=str(interval_min),
        nav=[(a, label) for a, label in _NAV if a in anchors],
        notices=horizon_notices(tables, manifest, sites),
        cards=_cards(tables, manifest, currency, scenario),
        zones=sorted(set(zones.values())) or ["UTC"],
        sections=sections,
    )
    return _strip_external_refs(page)


def _sections(
    tables: Mapping[str, pd.DataFrame],
    manifest: Mapping[str, Any],
    params: Mapping[str, Any],
    history: pd.DataFrame | None,
    site_regions: Mapping[str, str] | None,
    scenario: Scenario | None,
    zones: Mapping[str, str],
    home: str,
    gantt_day: str,
) -> list[Section]:
    """The report's sections in page order (those without their tables are empty; the
    roster's is left out of a plan without a roster); ``zones`` maps each site to its IANA
    zone, ``home`` is the zone of charts of all sites."""

    def zone_of(names: list[str]) -> str:
        found = {zones.get(n, home) for n in names}
        return found.pop() if len(found) == 1 else home

    staffing = _staffing(params, scenario, zones, gantt_day)
    abandoned = params.get("abandoned_in_sl")
    currency = str(params.get("currency", ""))
    sections = [
        forecast_section(tables, history, home),
        accuracy_section(tables, home),
        split_section(tables),
        coverage_section(tables, staffing),
        overflow_section(tables, site_regions),
        simulation_section(tables, abandoned, zone_of, scenario),
        cost_section(tables, currency),
        schedule_section(tables, staffing),
        roster_section(tables, manifest, zones, gantt_day),
        whatif_section(tables),
        provenance_section(manifest),
    ]
    return [s for s in sections if s is not None]


_XLINK_HTTP = re.compile(r"""(href|src)=(["'])https?://""")


def _strip_external_refs(page: str) -> str:
    """The page must not fetch anything; matplotlib's SVG holds no link, this keeps it so."""
    return _XLINK_HTTP.sub(r"\1=\2#", page)
