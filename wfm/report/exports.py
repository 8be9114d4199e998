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

VolumeSource = Literal["split", "forecast", "history"]

# our value columns per source table: (contacts, aht_s)
_VOLUME_COLUMNS: dict[str, tuple[str, str]] = {
    "split": ("human_contacts", "human_aht_s"),
    "forecast": ("contacts", "aht_s"),
    "history": ("contacts", "aht_s"),
}

# Genesys Cloud media types, spelled as its import documentation spells them
GENESYS_MEDIA_TYPE: dict[str, str] = {
    "voice": "Voice",
    "callback": "callback",
    "chat": "chat",
    "messaging": "message",
    "social": "message",
    "email": "email",
}

# Amazon Connect forecasting channel types
AMAZON_CHANNEL_TYPE: dict[str, str] = {
    "voice": "VOICE",
    "callback": "VOICE",
    "video": "VOICE",
    "chat": "CHAT",
    "messaging": "CHAT",
    "social": "CHAT",
}

GENESYS_COLUMNS = (
    "Interval Start UTC Date",
    "Queue",
    "Media Type",
    "Skill Set",
    "Language",
    "Offered",
    "Interactions Handled",
    "Total Handle Time (Seconds)",
)
AMAZON_HISTORICAL_COLUMNS = (
    "QueueName",
    "QueueId",
    "ChannelType",
    "TimeStamp",
    "IntervalDuration",
    "IncomingContactVolume",
    "AverageHandleTime",
    "ContactsHandled",
)
AMAZON_FORECAST_COLUMNS = AMAZON_HISTORICAL_COLUMNS[:-1]
# Calabrio's file has no header row; these are the documented field names, in order
CALABRIO_COLUMNS = (
    "skill_name",
    "interval_start_time",
    "interval_end_time",
    "volume",
    "average_task_time_s",
    "after_task_work_s",
    "agents",
)

_UTC_Z = "%Y-%m-%dT%H:%M:%SZ"
_CALABRIO_TIME = "%Y%m%d %H:%M"
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportTable:
    """One export file's content.

    Attributes
    ----------
    table : pandas.DataFrame
        Every cell a string, columns in the layout's order.
    header : bool
        Whether the file starts with a header row (Calabrio's does not).
    notes : tuple of str
        What the planner must know (rows left out because the target has no such channel).
    """

    table: pd.DataFrame
    header: bool = True
    notes: tuple[str, ...] = field(default=())


# -- shared helpers ---------------------------------------------------------------------------
def neutralise_cell(cell: str) -> str:
    """Make a cell safe to open in a spreadsheet.

    A cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return is read as a
    formula by spreadsheet programs; unless it is a plain number it is prefixed with ``'``.

    Examples
    --------
    >>> neutralise_cell("=HYPERLINK(1)"), neutralise_cell("-1.5"), neutralise_cell("voice")
    ("'=HYPERLINK(1)", '-1.5', 'voice')
    """
    if cell and cell.startswith(_FORMULA_START) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def neutralise(table: pd.DataFrame) -> pd.DataFrame:
    """Copy of a table of strings with every cell passed through :func:`neutralise_cell`."""
    out = table.copy()
    for col in out.columns:
        out[col] = [neutralise_cell(str(v)) for v in out[col]]
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    return out


def format_number(values: pd.Series | np.ndarray, decimals: int = 2) -> list[str]:
    """Fixed-point text with at most ``decimals`` decimals, trailing zeros removed.

    ``-0`` is written ``0``, so equal values always give equal text.
    """
    out = []
    for v in np.asarray(values, dtype=float):
        text = f"{round(float(v), decimals) + 0.0:.{decimals}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        out.append("0" if text in ("-0", "") else text)
    return out


def _require(df: pd.DataFrame, columns: tuple[str, ...], source: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(f"missing column {missing[0]!r}", source=source, line=1,
                         expected="columns " + ", ".join(columns))


def queue_volumes(table: pd.DataFrame, scenario: Scenario,
                  source: VolumeSource = "split") -> pd.DataFrame:
    """Contacts per interval and queue, where a queue is one of the scenario's skills.

    Parameters
    ----------
    table : pandas.DataFrame
        A split (human part), forecast or history table keyed by ``interval_start``,
        ``channel``, ``segment`` (and optionally ``site``).
    scenario : Scenario
        Maps (channel, segment) to a skill and a skill to its language.
    source : {"split", "forecast", "history"}
        Which table ``table`` is; a split exports its human contacts and human AHT.

    Returns
    -------
    pandas.DataFrame
        ``interval_start``, ``queue``, ``channel``, ``language``, ``contacts``, ``handled``
        (contacts less abandoned, when the table has ``abandoned``), ``handle_time_s``
        (handled × AHT) [s]; summed over segments of a skill and over sites.

    Raises
    ------
    InputError
        A needed column is missing, or a row with handled contacts has no AHT.
    """
    if source not in _VOLUME_COLUMNS:
        raise ConfigError(f"must be one of {', '.join(_VOLUME_COLUMNS)}; got {source!r}",
                          key="source")
    contacts_col, aht_col = _VOLUME_COLUMNS[source]
    _require(table, ("interval_start", "channel", "segment", contacts_col, aht_col), source)
    contacts = table[contacts_col].to_numpy(dtype=float)
    abandoned = (table["abandoned"].to_numpy(dtype=float) if "abandoned" in table.columns
                 else np.zeros(len(table)))
    handled = np.clip(contacts - abandoned, 0.0, None)
    aht = table[aht_col].to_numpy(dtype=float)
    unknown = np.isnan(aht) & (handled > 0)
    if unknown.any():
        row = int(np.argmax(unknown))
        raise InputError("handled contacts without an AHT", source=source, line=row + 2,
                         key=aht_col, expected="an AHT in seconds wherever contacts > 0")
    pairs = {(c, s): scenario.skill_for(c, s)
             for c, s in set(zip(table["channel"], table["segment"], strict=True))}
    work = pd.DataFrame({
        "interval_start": table["interval_start"].to_numpy(),
        "queue": [pairs[(c, s)] for c, s in zip(table["channel"], table["segment"],
                                                 strict=True)],
        "channel": table["channel"].to_numpy(),
        "contacts": contacts,
        "handled": handled,
        "handle_time_s": np.where(handled > 0, handled * np.nan_to_num(aht), 0.0),
    })
    work["interval_start"] = pd.to_datetime(work["interval_start"], utc=True)
    out = (work.groupby(["interval_start", "queue", "channel"], as_index=False, sort=True)
           [["contacts", "handled", "handle_time_s"]].sum())
    out.insert(3, "language", [scenario.skills[q].language if q in scenario.skills else ""
                               for q in out["queue"]])
    return out


def _split_intervals(vol: pd.DataFrame, interval_min: int, step_min: int) -> pd.DataFrame:
    """Spread each interval evenly over sub-intervals of ``step_min`` minutes."""
    if interval_min == step_min:
        return vol
    if interval_min % step_min:
        raise ConfigError(f"cannot split {interval_min}-minute intervals into {step_min}-minute "
                          "ones", key="interval_min")
    k = interval_min // step_min
    parts = []
    for i in range(k):
        part = vol.copy()
        part["interval_start"] = part["interval_start"] + pd.Timedelta(minutes=i * step_min)
        for col in ("contacts", "handled", "handle_time_s"):
            part[col] = part[col] / k
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _keep_mapped(vol: pd.DataFrame, mapping: Mapping[str, str],
                 product: str) -> tuple[pd.DataFrame, tuple[str, ...]]:
    known = vol["channel"].isin(list(mapping))
    dropped = sorted(set(vol.loc[~known, "channel"]))
    notes = tuple(
        f"channel {ch!r} left out: {product} has no matching channel type "
        f"({vol.loc[vol['channel'] == ch, 'contacts'].sum():.1f} contacts)" for ch in dropped
    )
    return vol[known].reset_index(drop=True), notes


# -- layouts ----------------------------------------------------------------------------------
def genesys_historical(volumes: pd.DataFrame, interval_min: int) -> ExportTable:
    """Genesys Cloud WFM historical data import file.

    Parameters
    ----------
    volumes : pandas.DataFrame
        Output of :func:`queue_volumes`.
    interval_min : int
        Interval of ``volumes`` [min]; 30- and 60-minute rows are spread evenly over
        15-minute rows, the only interval the import accepts.

    Returns
    -------
    ExportTable
        Columns ``Interval Start UTC Date`` (``YYYY-MM-DDThh:mm:ssZ`` on 15-minute
        boundaries), ``Queue``, ``Media Type`` (Voice, chat, email, callback, message),
        ``Skill Set`` (the skill), ``Language``, ``Offered``, ``Interactions Handled``,
        ``Total Handle Time (Seconds)``; rows sorted by queue, media type and time.

    References
    ----------
    .. [1] Genesys Cloud Resource Center, "Prepare the historical data import .csv file".
    """
    vol, notes = _keep_mapped(volumes, GENESYS_MEDIA_TYPE, "Genesys Cloud")
    vol = _split_intervals(vol, interval_min, 15)
    vol = vol.assign(media=vol["channel"].map(GENESYS_MEDIA_TYPE))
    vol = vol.sort_values(["queue", "media", "interval_start"], kind="mergesort")
    out = pd.DataFrame({
        GENESYS_COLUMNS[0]: vol["interval_start"].dt.strftime(_UTC_Z).to_numpy(),
        GENESYS_COLUMNS[1]: vol["queue"].to_numpy(),
        GENESYS_COLUMNS[2]: vol["media"].to_numpy(),
        GENESYS_COLUMNS[3]: vol["queue"].to_numpy(),
        GENESYS_COLUMNS[4]: vol["language"].to_numpy(),
        GENESYS_COLUMNS[5]: format_number(vol["contacts"]),
        GENESYS_COLUMNS[6]: format_number(vol["handled"]),
        GENESYS_COLUMNS[7]: format_number(vol["handle_time_s"]),
    })
    return ExportTable(table=neutralise(out), notes=notes)


def amazon_connect(volumes: pd.DataFrame, interval_min: int, *,
                   kind: Literal["historical", "forecast"] = "historical",
                   daily: bool = False,
                   queue_ids: Mapping[str, str] | None = None) -> ExportTable:
    """Amazon Connect forecasting import: historical data, or a forecast override.

    Parameters
    ----------
    volumes : pandas.DataFrame
        Output of :func:`queue_volumes`.
    interval_min : int
        Interval of ``volumes`` [min]; 60-minute rows are spread over two 30-minute rows
        (Amazon Connect forecasts in 15- or 30-minute intervals).
    kind : {"historical", "forecast"}
        The forecast override file has no ``ContactsHandled`` column.
    daily : bool
        Write one row per queue and UTC day (``IntervalDuration`` ``daily``).
    queue_ids : mapping of str to str, optional
        Amazon Connect queue id of each queue (the last part of the queue ARN); a queue
        without one gets an empty ``QueueId`` and a note.

    Returns
    -------
    ExportTable
        Columns ``QueueName``, ``QueueId``, ``ChannelType`` (VOICE or CHAT), ``TimeStamp``
        (UTC, ``YYYY-MM-DDThh:mm:ssZ``), ``IntervalDuration`` (``15mins``, ``30mins`` or
        ``daily``), ``IncomingContactVolume``, ``AverageHandleTime`` [s] and, for history,
        ``ContactsHandled``.

    References
    ----------
    .. [1] Amazon Connect Administrator Guide, "Import historical data for forecasting".
    .. [2] Amazon Connect Administrator Guide, "Override a forecast in Amazon Connect".
    """
    if kind not in ("historical", "forecast"):
        raise ConfigError(f"must be 'historical' or 'forecast'; got {kind!r}", key="kind")
    vol, notes = _keep_mapped(volumes, AMAZON_CHANNEL_TYPE, "Amazon Connect")
    if daily:
        vol = vol.assign(interval_start=vol["interval_start"].dt.floor("D"))
        vol = (vol.groupby(["interval_start", "queue", "channel"], as_index=False, sort=True)
               [["contacts", "handled", "handle_time_s"]].sum())
        duration = "daily"
    else:
        step = 15 if interval_min == 15 else 30
        vol = _split_intervals(vol, interval_min, step)
        duration = f"{step}mins"
    vol = vol.sort_values(["queue", "channel", "interval_start"], kind="mergesort")
    ids = dict(queue_ids or {})
    missing = sorted(set(vol["queue"]) - set(ids))
    if missing:
        notes += (f"no Amazon Connect QueueId given for {', '.join(missing)}: QueueId left "
                  "empty; fill it in before uploading",)
    handled = vol["handled"].to_numpy(dtype=float)
    aht = np.divide(vol["handle_time_s"].to_numpy(dtype=float), handled,
                    out=np.zeros(len(vol)), where=handled > 0)
    cols: tuple[str, ...] = (AMAZON_HISTORICAL_COLUMNS if kind == "historical"
                             else AMAZON_FORECAST_COLUMNS)
    data = {
        cols[0]: vol["queue"].to_numpy(),
        cols[1]: [ids.get(q, "") for q in vol["queue"]],
        cols[2]: vol["channel"].map(AMAZON_CHANNEL_TYPE).to_numpy(),
        cols[3]: vol["interval_start"].dt.strftime(_UTC_Z).to_numpy(),
        cols[4]: [duration] * len(vol),
        cols[5]: format_number(vol["contacts"]),
        cols[6]: format_number(aht),
    }
    if kind == "historical":
        data[cols[7]] = format_number(handled)
    return ExportTable(table=neutralise(pd.DataFrame(data, columns=list(cols))), notes=notes)


def calabrio_forecast(requirements: pd.DataFrame, interval_min: int, tz: str) -> ExportTable:
    """Calabrio WFM forecast import file, with staffing.

    Parameters
    ----------
    requirements : pandas.DataFrame
        REQUIREMENTS table with its ``contacts`` and ``aht_s`` columns.
    interval_min : int
        Interval length [min].
    tz : str
        IANA zone the file's times are written in (Calabrio reads them in the importing
        user's time zone).

    Returns
    -------
    ExportTable
        No header; fields skill name, interval start and end (``yyyyMMdd HH:mm``, local),
        volume [contacts], average task time [s], after task work [s] (0: our AHT already
        includes wrap-up), agents (on-queue ``agents_required``); summed over sites,
        AHT contact-weighted; rows sorted by skill, then time.

    References
    ----------
    .. [1] Calabrio WFM help, "Forecast file formats".
    """
    _require(requirements, ("interval_start", "skill", "contacts", "aht_s", "agents_required"),
             "requirements")
    work = pd.DataFrame({
        "interval_start": pd.to_datetime(requirements["interval_start"], utc=True).to_numpy(),
        "skill": requirements["skill"].to_numpy(),
        "contacts": requirements["contacts"].to_numpy(dtype=float),
        "work_s": (requirements["contacts"].to_numpy(dtype=float)
                   * requirements["aht_s"].to_numpy(dtype=float)),
        "agents": requirements["agents_required"].to_numpy(dtype=float),
    })
    g = (work.groupby(["skill", "interval_start"], as_index=False, sort=True)
         [["contacts", "work_s", "agents"]].sum())
    aht = np.divide(g["work_s"].to_numpy(), g["contacts"].to_numpy(), out=np.zeros(len(g)),
                    where=g["contacts"].to_numpy() > 0)
    start = g["interval_start"].dt.tz_convert(tz)
    end = (g["interval_start"] + pd.Timedelta(minutes=interval_min)).dt.tz_convert(tz)
    out = pd.DataFrame({
        CALABRIO_COLUMNS[0]: g["skill"].to_numpy(),
        CALABRIO_COLUMNS[1]: start.dt.strftime(_CALABRIO_TIME).to_numpy(),
        CALABRIO_COLUMNS[2]: end.dt.strftime(_CALABRIO_TIME).to_numpy(),
        CALABRIO_COLUMNS[3]: format_number(g["contacts"]),
        CALABRIO_COLUMNS[4]: format_number(aht),
        CALABRIO_COLUMNS[5]: format_number(np.zeros(len(g))),
        CALABRIO_COLUMNS[6]: format_number(g["agents"]),
    })
    return ExportTable(table=neutralise(out), header=False)


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
            text[col] = ["" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
                         for v in s.to_numpy(dtype=object)]
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
        raise InputError(f"the plan has no {name} table", source=f"{name}.csv",
                         expected=f"a plan folder with {name}.csv")
    return tables[name]


def _genesys(tables: Mapping[str, pd.DataFrame], sc: Scenario, opt: ExportOptions) -> ExportTable:
    vol = queue_volumes(_needs(tables, opt.volume_source), sc, opt.volume_source)
    return genesys_historical(vol, sc.interval_min)


def _amazon(kind: Literal["historical", "forecast"]) -> Callable[..., ExportTable]:
    def build(tables: Mapping[str, pd.DataFrame], sc: Scenario, opt: ExportOptions) -> ExportTable:
        vol = queue_volumes(_needs(tables, opt.volume_source), sc, opt.volume_source)
        return amazon_connect(vol, sc.interval_min, kind=kind, daily=opt.daily,
                              queue_ids=opt.queue_ids)
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


def export_layout(layout: str, tables: Mapping[str, pd.DataFrame], scenario: Scenario | None,
                  options: ExportOptions | None = None) -> ExportTable:
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
        raise ConfigError(f"unknown layout {layout!r}; expected one of {', '.join(LAYOUTS)}",
                          key="layout")
    if scenario is None and layout != "tidy":
        raise ConfigError(f"layout {layout!r} needs the scenario (queues are its skills)",
                          key="scenario")
    return LAYOUTS[layout](tables, scenario, options or ExportOptions())  # type: ignore[arg-type]
