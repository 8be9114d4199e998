"""Export layouts written as one document or one archive rather than a CSV table.

``genesys-forecast`` and ``genesys-agent-schedules`` (JSON bodies of the Genesys Cloud WFM
import calls), ``schedule-ics`` (iCalendar of the shifts per site and pool) and ``roster-ics``
(one iCalendar per agent in a zip). The CSV layouts and their options are in
:mod:`wfm.report.exports`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from wfm.core.config import Scenario
from wfm.report.exports import (
    ARCHIVE_LAYOUTS,
    TEXT_LAYOUTS,
    ExportOptions,
    check_layout,
    export_tz,
    needs_table,
)
from wfm.report.genesys import genesys_forecast
from wfm.report.genesys_schedule import AgentMap, genesys_agent_schedules
from wfm.report.ical import schedule_calendar
from wfm.report.roster_export import require_roster
from wfm.report.roster_ics import agent_calendars, calendars_zip
from wfm.report.volumes import queue_volumes


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportDocument:
    """A text export: the document, what it holds, and what the planner must know.

    Attributes
    ----------
    text : str
        The whole file.
    summary : str
        What was written (``"12 shifts"``, ``"4 planning groups, week of 2025-03-03"``).
    notes : tuple of str
        Rows left out, and how to upload the file.
    """

    text: str
    summary: str
    notes: tuple[str, ...] = ()


def export_document(
    layout: str,
    tables: Mapping[str, pd.DataFrame],
    scenario: Scenario,
    options: ExportOptions | None = None,
) -> ExportDocument:
    """Build a text export (``genesys-forecast`` JSON, ``schedule-ics`` iCalendar)."""
    check_layout(layout, scenario, TEXT_LAYOUTS)
    opt = options or ExportOptions()
    if layout == "genesys-forecast":
        vol = queue_volumes(needs_table(tables, opt.volume_source), scenario, opt.volume_source)
        fc = genesys_forecast(
            vol,
            scenario.interval_min,
            planning_groups=opt.queue_ids,
            tz=export_tz(scenario, opt),
            week_start=opt.week_start,
            description=f"wfm plan of {scenario.name}",
        )
        groups = fc.text.count('"planningGroupId"')
        summary = f"{groups} planning groups, {fc.week_count} week(s) from {fc.week_date}"
        return ExportDocument(text=fc.text, summary=summary, notes=fc.notes)
    if layout == "genesys-agent-schedules":
        return _genesys_schedule(tables, scenario, opt)
    text = _calendar(tables, scenario, opt)
    return ExportDocument(text=text, summary=f"{text.count('BEGIN:VEVENT')} shifts")


def export_text(
    layout: str,
    tables: Mapping[str, pd.DataFrame],
    scenario: Scenario,
    options: ExportOptions | None = None,
) -> str:
    """Build a text export (``genesys-forecast``, ``schedule-ics``): the document as one string."""
    return export_document(layout, tables, scenario, options).text


def _stamp(opt: ExportOptions) -> dt.datetime:
    if not opt.stamp_utc:
        return dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    stamp = pd.Timestamp(opt.stamp_utc)
    return (stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp).to_pydatetime()


def _calendar(tables: Mapping[str, pd.DataFrame], scenario: Scenario, opt: ExportOptions) -> str:
    schedule = needs_table(tables, "schedule")
    return schedule_calendar(schedule, scenario, stamp_utc=_stamp(opt), pools=opt.pools)


def _genesys_schedule(
    tables: Mapping[str, pd.DataFrame], scenario: Scenario, opt: ExportOptions
) -> ExportDocument:
    doc = genesys_agent_schedules(
        require_roster(tables),
        scenario,
        ids=opt.agent_ids or AgentMap(user_ids={}, work_plan_ids={}),
        activity_codes=opt.activity_codes,
        tz=export_tz(scenario, opt),
        week_start=opt.week_start,
    )
    summary = (
        f"{doc.agents} agents, {doc.shifts} shifts, {doc.week_count} week(s) from {doc.week_date}"
    )
    note = (
        f"upload: POST .../businessunits/{{businessUnitId}}/weeks/{doc.week_date}/schedules/"
        "import/uploadurl, PUT the gzip-encoded file to the URL returned, then POST "
        ".../schedules/import with its uploadKey"
    )
    return ExportDocument(text=doc.text, summary=summary, notes=(note,))


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportArchive:
    """A zip export: its bytes and what it holds."""

    data: bytes
    summary: str


def export_archive(
    layout: str,
    tables: Mapping[str, pd.DataFrame],
    scenario: Scenario,
    options: ExportOptions | None = None,
) -> ExportArchive:
    """Build a zip export (``roster-ics``: one iCalendar file per agent)."""
    check_layout(layout, scenario, ARCHIVE_LAYOUTS)
    stamp = _stamp(options or ExportOptions())
    cals = agent_calendars(require_roster(tables), scenario, stamp_utc=stamp)
    data = calendars_zip(cals, stamp_utc=stamp)
    return ExportArchive(data=data, summary=f"{cals.agents} agents, {cals.shifts} shifts")
