"""Export layouts: our tidy tables → the import files of WFM suites.

Each layout is a function from plan tables to a table of *strings*, exactly as the target
product documents its import file (column names, column order, time zone, interval length,
number and time formats), so the writer only has to put commas between cells. Our column
names are mapped to theirs here and nowhere else (pvlib's ``VARIABLE_MAP``, in reverse).

Every cell that a spreadsheet would read as a formula (first character ``=``, ``+``, ``-``,
``@``, tab or carriage return, and not a plain number) is prefixed with a single quote, the
neutralisation recommended by OWASP for CSV injection.

Layouts (sources in ``docs/report.md``):

========================== ==================================================================
``genesys-historical``     Genesys Cloud WFM historical data import (UTC, 15-minute rows)
``amazon-connect-historical`` Amazon Connect forecasting historical data import (UTC)
``amazon-connect-forecast``  Amazon Connect forecast override upload (UTC)
``calabrio``               Calabrio WFM forecast import with staffing (headerless, local time)
``tidy``                   our own contract tables (ISO 8601 UTC, fixed float format)
========================== ==================================================================

This module holds the registry of layouts, :func:`export_layout` and our own ``tidy``
layout. Each suite's layout has its own module (:mod:`wfm.report.genesys`,
:mod:`wfm.report.amazon_connect`, :mod:`wfm.report.calabrio`), built on the queue volumes of
:mod:`wfm.report.volumes` and the cells of :mod:`wfm.report.cells`; their public names are
importable from here as well.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from wfm.core.config import Scenario
from wfm.core.errors import ConfigError, InputError
from wfm.core.schemas import SCHEMAS, order_table
from wfm.report.amazon_connect import (
    AMAZON_CHANNEL_TYPE as AMAZON_CHANNEL_TYPE,
    AMAZON_FORECAST_COLUMNS as AMAZON_FORECAST_COLUMNS,
    AMAZON_HISTORICAL_COLUMNS as AMAZON_HISTORICAL_COLUMNS,
    amazon_connect,
)
from wfm.report.calabrio import CALABRIO_COLUMNS as CALABRIO_COLUMNS, calabrio_forecast
from wfm.report.cells import (
    ExportTable,
    format_number as format_number,
    neutralise,
    neutralise_cell as neutralise_cell,
)
from wfm.report.genesys import (
    GENESYS_COLUMNS as GENESYS_COLUMNS,
    GENESYS_MEDIA_TYPE as GENESYS_MEDIA_TYPE,
    genesys_historical,
)
from wfm.report.volumes import VolumeSource, queue_volumes


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
@dataclass(frozen=True, slots=True, kw_only=True)
class ExportOptions:
    """Choices an export may need beyond the plan tables.

    Attributes
    ----------
    tz : str
        IANA zone of local-time layouts (Calabrio); empty → the scenario's home site.
    queue_ids : dict of str to str
        Amazon Connect queue id per queue (skill).
    table : str
        Table exported by the ``tidy`` layout.
    volume_source : {"split", "forecast"}
        Which plan table the Genesys and Amazon Connect files take their volumes from: the
        human part of the split (what agents answer; default) or the whole forecast.
    daily : bool
        Amazon Connect: one row per day instead of per interval.
    """

    tz: str = ""
    queue_ids: dict[str, str] = field(default_factory=dict)
    table: str = "forecast"
    volume_source: VolumeSource = "split"
    daily: bool = False


def _needs(tables: Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame:
    if name not in tables:
        raise InputError(
            f"the plan has no {name} table",
            source=f"{name}.csv",
            expected=f"a plan folder with {name}.csv",
        )
    return tables[name]


def _genesys(tables: Mapping[str, pd.DataFrame], sc: Scenario, opt: ExportOptions) -> ExportTable:
    vol = queue_volumes(_needs(tables, opt.volume_source), sc, opt.volume_source)
    return genesys_historical(vol, sc.interval_min)


def _amazon(kind: Literal["historical", "forecast"]) -> Callable[..., ExportTable]:
    def build(tables: Mapping[str, pd.DataFrame], sc: Scenario, opt: ExportOptions) -> ExportTable:
        vol = queue_volumes(_needs(tables, opt.volume_source), sc, opt.volume_source)
        return amazon_connect(
            vol, sc.interval_min, kind=kind, daily=opt.daily, queue_ids=opt.queue_ids
        )

    return build


def _calabrio(tables: Mapping[str, pd.DataFrame], sc: Scenario, opt: ExportOptions) -> ExportTable:
    tz = opt.tz or sc.sites[sc.home_site()].tz
    return calabrio_forecast(_needs(tables, "requirements"), sc.interval_min, tz)


def _tidy(tables: Mapping[str, pd.DataFrame], sc: Scenario, opt: ExportOptions) -> ExportTable:
    return tidy(_needs(tables, opt.table), opt.table)


LAYOUTS: dict[str, Callable[[Mapping[str, pd.DataFrame], Scenario, ExportOptions], ExportTable]]
LAYOUTS = {
    "genesys-historical": _genesys,
    "amazon-connect-historical": _amazon("historical"),
    "amazon-connect-forecast": _amazon("forecast"),
    "calabrio": _calabrio,
    "tidy": _tidy,
}
"""Layout name → builder; the names the CLI's ``--layout`` accepts."""


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
        Plan tables by file stem (``forecast``, ``split``, ``requirements``, ...).
    scenario : Scenario or None
        The planned centre (skills, languages, interval, home site time zone); only the
        ``tidy`` layout works without it.
    options : ExportOptions, optional
        Layout choices.

    Returns
    -------
    ExportTable
        Strings ready to write as CSV (with or without a header row).
    """
    if layout not in LAYOUTS:
        raise ConfigError(
            f"unknown layout {layout!r}; expected one of {', '.join(LAYOUTS)}", key="layout"
        )
    if scenario is None and layout != "tidy":
        raise ConfigError(
            f"layout {layout!r} needs the scenario (queues are its skills)", key="scenario"
        )
    return LAYOUTS[layout](tables, scenario, options or ExportOptions())  # type: ignore[arg-type]
