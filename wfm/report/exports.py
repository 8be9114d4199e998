"""Export layouts: our tidy tables → the import files of WFM suites.

Each layout is a function from plan tables to a table of *strings*, exactly as the target
product documents its import file (column names, column order, time zone, interval length,
number and time formats), so the writer only has to put commas between cells. Our column
names are mapped to theirs here and nowhere else (pvlib's ``VARIABLE_MAP``, in reverse).

Every cell that a spreadsheet would read as a formula (first character ``=``, ``+``, ``-``,
``@``, tab or carriage return, and not a plain number) is prefixed with a single quote, the
neutralisation recommended by OWASP for CSV injection.

Layouts (sources in ``docs/report.md``):

============================= =================================================================
``genesys-historical``        Genesys Cloud WFM historical data import of the *history* (UTC)
``amazon-connect-historical`` Amazon Connect forecasting historical data import of the history
``amazon-connect-forecast``   Amazon Connect forecast override (edit) upload of the plan
``calabrio``                  Calabrio WFM forecast import with staffing (headerless, local)
``calabrio-volumes``          Calabrio WFM forecast import without staffing (every skill)
``genesys-forecast``          Genesys Cloud WFM imported short-term forecast (API JSON body)
``verint-strategic-planner``  Verint WFO Strategic Planner volume import (daily, local)
``schedule-shifts``           the schedule: one row per shift and break, ISO 8601 with offset
``schedule-ics``              the schedule as iCalendar (RFC 5545), one event per shift
``roster-shifts``             the roster: one row per agent shift and break, UTC and local
``roster-ics``                the roster as iCalendar per agent, in a zip archive
``genesys-agent-schedules``   Genesys Cloud WFM schedule import of the roster (API JSON body)
``tidy``                      our own contract tables (ISO 8601 UTC, fixed float format)
============================= =================================================================

No layout is offered where the vendor's import format was not found documented: NICE (IEX /
CXone), Verint's WFM forecast and history, and the suites' schedule imports per pool.

This module holds the registry of layouts, :func:`export_layout` and our own ``tidy``
layout. Each suite's layout has its own module (:mod:`wfm.report.genesys`,
:mod:`wfm.report.amazon_connect`, :mod:`wfm.report.calabrio`, :mod:`wfm.report.ical`,
:mod:`wfm.report.schedule_export`), built on the queue volumes of :mod:`wfm.report.volumes`
and the cells of :mod:`wfm.report.cells`; their public names are importable from here too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from wfm.core.config import Scenario
from wfm.core.errors import ConfigError, InputError
from wfm.core.schemas import SCHEMAS, order_table
from wfm.report.amazon_connect import (
    amazon_connect,
)
from wfm.report.calabrio import (
    calabrio_forecast,
)
from wfm.report.cells import (
    ExportTable,
    neutralise,
)
from wfm.report.genesys import (
    genesys_historical,
)
from wfm.report.genesys_schedule import AgentMap
from wfm.report.roster_export import require_roster, roster_shifts
from wfm.report.schedule_export import schedule_shifts
from wfm.report.verint import verint_strategic_planner
from wfm.report.volumes import (
    VolumeSource,
    queue_volumes,
)


# -- our own layout ---------------------------------------------------------------------------
def tidy(table: pd.DataFrame, name: str) -> ExportTable:
    """One of our own tables as text: schema order, sorted keys, ISO 8601 UTC, 6 decimals.

    Parameters
    ----------
    table : pandas.DataFrame
        A contract table (``forecast``, ``split``, ``requirements``, ``schedule``,
        ``coverage``, ...) or any side table.
    name : str
        Its contract name; unknown names keep their column order and row order.
    """
    schema = SCHEMAS.get(name)
    out = order_table(table, schema) if schema is not None else table.reset_index(drop=True)
    text = {}
    for col in out.columns:
        s = out[col]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            text[col] = s.dt.tz_convert("UTC").dt.strftime("%Y-%m-%dT%H:%M:%S+00:00")
        elif pd.api.types.is_float_dtype(s):
            text[col] = ["" if np.isnan(v) else f"{v:.6f}" for v in s.to_numpy()]
        else:
            text[col] = [
                "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
                for v in s.to_numpy(dtype=object)
            ]
    return ExportTable(table=neutralise(pd.DataFrame(text, columns=list(out.columns))))


# -- registry ---------------------------------------------------------------------------------
CsvDialect = Literal["comma", "excel-fr"]
CSV_DIALECTS: dict[str, str] = {"comma": ",", "excel-fr": ";"}
"""CSV dialect → field separator; ``excel-fr`` also writes decimal commas."""

_PLAIN_DECIMAL = re.compile(r"[+-]?\d+\.\d+")


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportOptions:
    """Choices an export may need beyond the plan tables.

    Attributes
    ----------
    tz : str
        IANA zone of local-time layouts (Calabrio) and Amazon Connect's forecast time zone
        (daily rows at its midnight); empty → the scenario's home site.
    queue_ids : dict of str to str
        The suite's id of each queue (skill): Amazon Connect queue id, Genesys Cloud
        planning group id.
    queue_ids_required : bool
        Amazon Connect: a queue without an id is an error (default) rather than a note.
    table : str
        Table exported by the ``tidy`` layout.
    volume_source : {"split", "forecast", "history"}
        Which table ``amazon-connect-forecast`` takes its volumes from: the human part of
        the split (what agents answer; default) or the whole forecast. The historical
        layouts always take the ``history`` table.
    week_start : str
        ``genesys-forecast``: the business unit's start day of week (``mon`` … ``sun``).
    daily : bool
        Amazon Connect: one row per queue and local day instead of per interval.
    pools : tuple of str
        ``schedule-ics``: ``SITE/POOL`` names to keep; empty keeps all.
    stamp_utc : str
        ``schedule-ics``, ``roster-ics``: ISO 8601 time written as every event's ``DTSTAMP``
        (the plan's ``created_utc``); empty → 1970-01-01T00:00:00Z.
    agent_ids : AgentMap or None
        ``genesys-agent-schedules``: Genesys user id (and work plan id) of each agent.
    activity_codes : dict of str to str
        ``genesys-agent-schedules``: activity code id of ``work``, ``break``, ``meal``.
    """

    tz: str = ""
    queue_ids: dict[str, str] = field(default_factory=dict)
    queue_ids_required: bool = True
    table: str = "forecast"
    volume_source: VolumeSource = "split"
    week_start: str = "mon"
    daily: bool = False
    pools: tuple[str, ...] = ()
    stamp_utc: str = ""
    agent_ids: AgentMap | None = None
    activity_codes: dict[str, str] = field(default_factory=dict)


def needs_table(tables: Mapping[str, pd.DataFrame], name: str, why: str = "") -> pd.DataFrame:
    if name not in tables:
        raise InputError(
            f"the plan has no {name} table" + (f"; {why}" if why else ""),
            source=f"{name}.csv",
            expected=f"a plan folder with {name}.csv",
        )
    return tables[name]


_HISTORY_ONLY = (
    "this layout imports history, and the suites refuse future dates in it: give the "
    "history (wfm export --history FILE)"
)


def export_tz(sc: Scenario, opt: ExportOptions) -> str:
    return opt.tz or sc.sites[sc.home_site()].tz


def _genesys(tables: Mapping[str, pd.DataFrame], sc: Scenario, opt: ExportOptions) -> ExportTable:
    vol = queue_volumes(needs_table(tables, "history", _HISTORY_ONLY), sc, "history")
    return genesys_historical(vol, sc.interval_min)


def _amazon(kind: Literal["historical", "forecast"]) -> Callable[..., ExportTable]:
    def build(tables: Mapping[str, pd.DataFrame], sc: Scenario, opt: ExportOptions) -> ExportTable:
        if kind == "historical":
            vol = queue_volumes(needs_table(tables, "history", _HISTORY_ONLY), sc, "history")
        else:
            vol = queue_volumes(needs_table(tables, opt.volume_source), sc, opt.volume_source)
        return amazon_connect(
            vol,
            sc.interval_min,
            kind=kind,
            daily=opt.daily,
            queue_ids=opt.queue_ids,
            tz=export_tz(sc, opt),
            queue_ids_required=opt.queue_ids_required,
        )

    return build


def _calabrio(staffing: bool) -> Callable[..., ExportTable]:
    def build(tables: Mapping[str, pd.DataFrame], sc: Scenario, opt: ExportOptions) -> ExportTable:
        req = needs_table(tables, "requirements")
        return calabrio_forecast(req, sc, export_tz(sc, opt), staffing=staffing)

    return build


def _verint(tables: Mapping[str, pd.DataFrame], sc: Scenario, opt: ExportOptions) -> ExportTable:
    vol = queue_volumes(needs_table(tables, opt.volume_source), sc, opt.volume_source)
    return verint_strategic_planner(vol, export_tz(sc, opt))


def _shifts(tables: Mapping[str, pd.DataFrame], sc: Scenario, opt: ExportOptions) -> ExportTable:
    return schedule_shifts(needs_table(tables, "schedule"), sc)


def _roster_shifts(
    tables: Mapping[str, pd.DataFrame], sc: Scenario, opt: ExportOptions
) -> ExportTable:
    return roster_shifts(require_roster(tables), sc)


def _tidy(tables: Mapping[str, pd.DataFrame], sc: Scenario, opt: ExportOptions) -> ExportTable:
    return tidy(needs_table(tables, opt.table), opt.table)


LAYOUTS: dict[str, Callable[[Mapping[str, pd.DataFrame], Scenario, ExportOptions], ExportTable]]
LAYOUTS = {
    "genesys-historical": _genesys,
    "amazon-connect-historical": _amazon("historical"),
    "amazon-connect-forecast": _amazon("forecast"),
    "calabrio": _calabrio(True),
    "calabrio-volumes": _calabrio(False),
    "verint-strategic-planner": _verint,
    "schedule-shifts": _shifts,
    "roster-shifts": _roster_shifts,
    "tidy": _tidy,
}
"""CSV layout name → builder (the ``--layout`` names that write a CSV file)."""

TEXT_LAYOUTS = ("genesys-forecast", "schedule-ics", "genesys-agent-schedules")
"""Layouts that write a text document rather than a CSV table
(:func:`wfm.report.export_documents.export_document`)."""

ARCHIVE_LAYOUTS = ("roster-ics",)
"""Layouts that write a zip archive (see :func:`wfm.report.export_documents.export_archive`)."""

LAYOUT_SOURCES: dict[str, str] = {
    "genesys-historical": "history",
    "amazon-connect-historical": "history",
    "calabrio": "requirements",
    "calabrio-volumes": "requirements",
    "schedule-shifts": "schedule",
    "schedule-ics": "schedule",
    "roster-shifts": "roster",
    "roster-ics": "roster",
    "genesys-agent-schedules": "roster",
}
"""Plan table each layout reads (``amazon-connect-forecast``: the volume source; ``tidy``: the
table asked for)."""


def check_layout(layout: str, scenario: Scenario | None, known: tuple[str, ...]) -> None:
    if layout not in known:
        raise ConfigError(
            f"unknown layout {layout!r}; expected one of {', '.join(known)}", key="layout"
        )
    if scenario is None and layout != "tidy":
        raise ConfigError(
            f"layout {layout!r} needs the scenario (queues are its skills)", key="scenario"
        )


def export_layout(
    layout: str,
    tables: Mapping[str, pd.DataFrame],
    scenario: Scenario | None,
    options: ExportOptions | None = None,
) -> ExportTable:
    """Build the content of one export file from a plan's tables.

    Parameters
    ----------
    layout : str
        One of :data:`LAYOUTS`.
    tables : mapping of str to pandas.DataFrame
        Plan tables by file stem (``forecast``, ``split``, ``requirements``, ``schedule``,
        ...) and, for the historical layouts, ``history``.
    scenario : Scenario or None
        The planned centre (skills, languages, interval, sites' time zones); only the
        ``tidy`` layout works without it.
    options : ExportOptions, optional
        Layout choices.

    Returns
    -------
    ExportTable
        Strings ready to write as CSV (with or without a header row).
    """
    check_layout(layout, scenario, (*LAYOUTS, *TEXT_LAYOUTS, *ARCHIVE_LAYOUTS))
    if layout not in LAYOUTS:
        raise ConfigError(
            f"layout {layout!r} is not a CSV table; use export_document", key="layout"
        )
    return LAYOUTS[layout](tables, scenario, options or ExportOptions())  # type: ignore[arg-type]


def queue_map_from_table(table: pd.DataFrame, source: str) -> dict[str, str]:
    """The suite's id of each skill from a ``skill,queue_id`` table (all cells text).

    The id is the Amazon Connect queue id or the Genesys Cloud planning group id.

    Raises
    ------
    InputError
        A column is missing, a skill appears twice, or a queue id is empty (line named).
    """
    for col in ("skill", "queue_id"):
        if col not in table.columns:
            raise InputError(
                f"missing column {col!r}", source=source, line=1, expected="columns skill,queue_id"
            )
    out: dict[str, str] = {}
    for i, (skill, qid) in enumerate(zip(table["skill"], table["queue_id"], strict=True)):
        skill, qid = str(skill).strip(), str(qid).strip()
        if not skill or not qid or skill in out:
            raise InputError(
                f"skill {skill!r} twice" if skill in out else "a skill without a queue id",
                source=source,
                line=i + 2,
                expected="one row per skill, each with its queue id",
            )
        out[skill] = qid
    return out


def localise(export: ExportTable, dialect: str) -> ExportTable:
    """The export in a CSV dialect: ``excel-fr`` writes plain decimals with a decimal comma.

    Only plain decimal numbers (``-12.5``) change; times, names and integers are kept.
    """
    if dialect not in CSV_DIALECTS:
        raise ConfigError(
            f"unknown CSV dialect {dialect!r}; expected one of {', '.join(CSV_DIALECTS)}",
            key="csv_dialect",
        )
    if dialect == "comma":
        return export
    table = export.table.copy()
    for col in table.columns:
        table[col] = [v.replace(".", ",") if _PLAIN_DECIMAL.fullmatch(v) else v for v in table[col]]
    return ExportTable(table=table, header=export.header, notes=export.notes)
