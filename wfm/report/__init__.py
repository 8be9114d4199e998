"""Exports in the layouts of WFM suites, and the HTML report of a plan."""

from wfm.report.exports import LAYOUTS, ExportOptions, ExportTable, export_layout
from wfm.report.html import render_report
from wfm.report.plan_entry import export_plan, render_plan_report

__all__ = [
    "LAYOUTS",
    "ExportOptions",
    "ExportTable",
    "export_layout",
    "export_plan",
    "render_plan_report",
    "render_report",
]
