"""Genesys Cloud WFM layouts: the historical data import file, and the imported forecast.

The historical data file (CSV, UTC, 15-minute rows) is for history only: Genesys sets a
historical data end date that cannot be in the future, so a forecast cannot go out in it.
A forecast goes out as the JSON body of the API's short-term forecast import
(``BuImportShortTermForecastSchema``): per planning group, offered contacts and AHT per
15-minute interval from the business unit's week start, gzip-encoded and PUT to a signed URL
(see ``docs/report.md``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wfm.core.config import WEEKDAYS
from wfm.core.errors import ConfigError
from wfm.report.cells import UTC_Z, ExportTable, neutralise
from wfm.report.volumes import keep_mapped, largest_remainder, local_days, split_intervals

# Genesys Cloud media types, spelled as its import documentation spells them
GENESYS_MEDIA_TYPE: dict[str, str] = {
    "voice": "Voice",
    "callback": "callback",
    "chat": "chat",
    "messaging": "message",
    "social": "message",
    "email": "email",
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
GENESYS_VALUES = ("contacts", "handled", "handle_time_s")


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
        ``Total Handle Time (Seconds)``, all three whole numbers (largest-remainder rounding
        per queue, media type and UTC day, so each day keeps its rounded total); rows sorted
        by queue, media type and time.

    References
    ----------
    .. [1] Genesys Cloud Resource Center, "Prepare the historical data import .csv file".
    """
    vol, notes = keep_mapped(volumes, GENESYS_MEDIA_TYPE, "Genesys Cloud")
    vol = split_intervals(vol, interval_min, 15)
    vol = vol.assign(media=vol["channel"].map(GENESYS_MEDIA_TYPE))
    vol = vol.sort_values(["queue", "media", "interval_start"], kind="mergesort")
    day = vol["interval_start"].dt.strftime("%Y-%m-%d")
    key = (vol["queue"].astype(str) + "|" + vol["media"] + "|" + day).to_numpy()
    whole = {c: largest_remainder(vol[c].to_numpy(), key) for c in GENESYS_VALUES}
    out = pd.DataFrame(
        {
            GENESYS_COLUMNS[0]: vol["interval_start"].dt.strftime(UTC_Z).to_numpy(),
            GENESYS_COLUMNS[1]: vol["queue"].to_numpy(),
            GENESYS_COLUMNS[2]: vol["media"].to_numpy(),
            GENESYS_COLUMNS[3]: vol["queue"].to_numpy(),
            GENESYS_COLUMNS[4]: vol["language"].to_numpy(),
            GENESYS_COLUMNS[5]: [str(v) for v in whole["contacts"]],
            GENESYS_COLUMNS[6]: [str(v) for v in np.minimum(whole["handled"], whole["contacts"])],
            GENESYS_COLUMNS[7]: [str(v) for v in whole["handle_time_s"]],
        }
    )
    return ExportTable(table=neutralise(out), notes=notes)


# -- imported short-term forecast ---------------------------------------------------------------
GENESYS_FORECAST_STEP_MIN = 15
"""The imported forecast's values are per 15-minute interval."""
GENESYS_FORECAST_MAX_WEEKS = 6
"""Longest imported short-term forecast [weeks]."""


@dataclass(frozen=True, slots=True, kw_only=True)
class GenesysForecast:
    """The JSON body of a Genesys Cloud short-term forecast import, and how to upload it.

    Attributes
    ----------
    text : str
        The JSON document (``description``, ``weekCount``, ``canUseForScheduling``,
        ``planningGroups`` with ``planningGroupId``, ``offeredPerInterval`` and
        ``averageHandleTimeSecondsPerInterval``).
    week_date : str
        The forecast's first day ``YYYY-MM-DD`` (the ``weekDateId`` of the upload URL).
    week_count : int
        Weeks covered.
    notes : tuple of str
        Channels left out, and where to send the file.
    """

    text: str
    week_date: str
    week_count: int
    notes: tuple[str, ...] = ()


def check_planning_groups(queues: list[str], ids: Mapping[str, str]) -> None:
    """Refuse (ConfigError naming them) the queues without a Genesys planning group id."""
    missing = sorted(set(queues) - {q for q, v in ids.items() if v})
    if missing:
        raise ConfigError(
            f"no Genesys Cloud planning group id for skill(s) {', '.join(missing)}; the "
            "imported forecast is per planning group. Map each skill to its planning group "
            "id with --queue-map FILE (columns skill,queue_id) or --queue-id SKILL=ID",
            key="queue_ids",
        )


def week_start_date(first_day: dt.date, week_start: str) -> dt.date:
    """The day on or before ``first_day`` that is a ``week_start`` (``mon`` … ``sun``)."""
    if week_start not in WEEKDAYS:
        raise ConfigError(
            f"unknown week start {week_start!r}; expected one of {', '.join(WEEKDAYS)}",
            key="week_start",
        )
    back = (first_day.weekday() - WEEKDAYS.index(week_start)) % 7
    return first_day - dt.timedelta(days=back)


def _grid(vol: pd.DataFrame, tz: str, week_start: str) -> tuple[pd.DatetimeIndex, dt.date, int]:
    """15-minute UTC starts from the local midnight of the week start, whole weeks."""
    local = vol["interval_start"].dt.tz_convert(tz)
    first, last = local.min().date(), local.max().date()
    week_date = week_start_date(first, week_start)
    weeks = (last - week_date).days // 7 + 1
    if weeks > GENESYS_FORECAST_MAX_WEEKS:
        raise ConfigError(
            f"the forecast spans {weeks} weeks from {week_date}; Genesys Cloud imports a "
            f"short-term forecast of at most {GENESYS_FORECAST_MAX_WEEKS} weeks",
            key="horizon_days",
        )
    start = pd.Timestamp(week_date).tz_localize(tz).tz_convert("UTC")
    end = pd.Timestamp(week_date + dt.timedelta(days=7 * weeks)).tz_localize(tz).tz_convert("UTC")
    grid = pd.date_range(start, end, freq=f"{GENESYS_FORECAST_STEP_MIN}min", inclusive="left")
    return grid, week_date, weeks


def _numbers(values) -> str:
    return "[" + ",".join(json.dumps(v) for v in values) + "]"


def _body(g: pd.DataFrame, grid: pd.DatetimeIndex, weeks: int, description: str) -> str:
    """The JSON document: one block per planning group, each array on one line."""
    blocks = []
    for group, rows in g.groupby("group", sort=True):
        rows = rows.set_index("interval_start").reindex(grid)
        offered = rows["offered"].fillna(0).astype("int64").tolist()
        aht = rows["aht_s"].fillna(0.0).astype(float).tolist()
        blocks.append(
            "    {\n"
            f'      "planningGroupId": {json.dumps(str(group))},\n'
            f'      "offeredPerInterval": {_numbers(offered)},\n'
            f'      "averageHandleTimeSecondsPerInterval": {_numbers(aht)}\n'
            "    }"
        )
    return (
        "{\n"
        f'  "description": {json.dumps(description)},\n'
        f'  "weekCount": {weeks},\n'
        '  "canUseForScheduling": true,\n'
        '  "planningGroups": [\n' + ",\n".join(blocks) + "\n  ]\n}\n"
    )


def genesys_forecast(
    volumes: pd.DataFrame,
    interval_min: int,
    *,
    planning_groups: Mapping[str, str],
    tz: str,
    week_start: str = "mon",
    description: str = "wfm forecast",
) -> GenesysForecast:
    """Genesys Cloud WFM imported short-term forecast: the JSON body to upload.

    Parameters
    ----------
    volumes : pandas.DataFrame
        Output of :func:`queue_volumes` (a forecast or the human part of a split).
    interval_min : int
        Interval of ``volumes`` [min]; spread evenly over 15-minute intervals.
    planning_groups : mapping of str to str
        Genesys planning group id of each queue (skill); skills sharing a planning group
        are summed (AHT weighted by contacts).
    tz : str
        The business unit's time zone: the forecast starts at local midnight of its week
        start day.
    week_start : str
        The business unit's start day of week (``mon`` … ``sun``).
    description : str
        The forecast's description.

    Returns
    -------
    GenesysForecast
        One array entry per 15 minutes from the local midnight of ``week_date`` for
        ``week_count`` whole weeks (elapsed time: a week with a clock change has 4 entries
        fewer or more); ``offeredPerInterval`` in whole contacts (largest remainder per
        planning group and local day; 0 outside the plan), ``averageHandleTimeSecondsPerInterval``
        in seconds to 0.01 s (0 where no contact is forecast).

    Raises
    ------
    ConfigError
        A skill has no planning group id, the week start is unknown, or the forecast spans
        more than 6 weeks.

    References
    ----------
    .. [1] Genesys Cloud Platform API, ``POST /api/v2/workforcemanagement/businessunits/
       {businessUnitId}/weeks/{weekDateId}/shorttermforecasts/import/uploadurl`` and
       ``.../shorttermforecasts/import``; models ``BuImportShortTermForecastSchema`` and
       ``ForecastPlanningGroupData``.
    """
    vol, notes = keep_mapped(volumes, GENESYS_MEDIA_TYPE, "Genesys Cloud")
    if vol.empty:
        raise ConfigError("no contacts of a channel Genesys Cloud forecasts", key="channels")
    check_planning_groups(list(vol["queue"]), planning_groups)
    vol = split_intervals(vol, interval_min, GENESYS_FORECAST_STEP_MIN)
    vol = vol.assign(group=vol["queue"].map(dict(planning_groups)))
    g = vol.groupby(["group", "interval_start"], as_index=False, sort=True)[
        ["contacts", "handled", "handle_time_s"]
    ].sum()
    grid, week_date, weeks = _grid(g, tz, week_start)
    day = local_days(g["interval_start"], tz)
    g["offered"] = largest_remainder(g["contacts"].to_numpy(), (g["group"] + "|" + day).to_numpy())
    handled = g["handled"].to_numpy(dtype=float)
    g["aht_s"] = np.round(
        np.divide(g["handle_time_s"].to_numpy(), handled, out=np.zeros(len(g)), where=handled > 0),
        2,
    )
    text = _body(g, grid, weeks, description)
    notes += (
        f"Genesys Cloud: gzip this file and PUT it to the URL of POST "
        f".../businessunits/{{id}}/weeks/{week_date}/shorttermforecasts/import/uploadurl, "
        "then POST .../shorttermforecasts/import with the uploadKey",
    )
    return GenesysForecast(text=text, week_date=str(week_date), week_count=weeks, notes=notes)
