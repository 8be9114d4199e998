"""The report and the exports of a :class:`~wfm.core.plan.Plan` in memory.

Thin entry points over :func:`wfm.report.html.render_report` and
:func:`wfm.report.exports.export_layout`: they pass the plan's tables and its typed manifest,
whose ``parameters.interval_min`` is always there (a plan read from an older folder got it
from the scenario or the tables' grid, or was refused), so the report never assumes an
interval length.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from wfm.core.plan import Plan
from wfm.report.cells import ExportTable
from wfm.report.exports import ExportOptions, export_layout
from wfm.report.html import render_report


def render_plan_report(
    plan: Plan,
    *,
    history: pd.DataFrame | None = None,
    extra: Mapping[str, pd.DataFrame] | None = None,
    gantt_day: str = "",
) -> str:
    """Render a plan as one self-contained HTML page.

    Parameters
    ----------
    plan : Plan
        The plan (:func:`wfm.pipeline.make_plan` or :func:`wfm.io.read_plan`); with its
        scenario the report shows overflow between regions and names sites closed throughout
        the horizon.
    history : pandas.DataFrame, optional
        Actuals drawn behind the forecast.
    extra : mapping of str to pandas.DataFrame, optional
        Tables the plan does not hold: ``actuals`` (forecast against actual) and
        ``accuracy`` (the nightly job's accuracy by days ahead).
    gantt_day : str
        Site-local day (``YYYY-MM-DD``) of the shift Gantt; empty: the busiest day.

    Returns
    -------
    str
        A complete HTML document (see :func:`wfm.report.html.render_report`).
    """
    sc = plan.scenario
    return render_report(
        {**plan.tables, **(extra or {})},
        plan.manifest.to_dict(),
        history=history,
        site_regions={s.name: s.region for s in sc.sites.values()} if sc else None,
        sites=sc.sites if sc else None,
        scenario=sc,
        gantt_day=gantt_day,
    )


def export_plan(layout: str, plan: Plan, options: ExportOptions | None = None) -> ExportTable:
    """Build one export file of a plan (see :func:`wfm.report.exports.export_layout`)."""
    return export_layout(layout, plan.tables, plan.scenario, options)
