"""Amazon Connect layouts: forecasting historical data import and forecast override.

Amazon Connect wants whole numbers of contacts (``IncomingContactVolume``,
``ContactsHandled``), a queue id beside each queue name, interval rows at their UTC start and
daily (long-term) rows at midnight of the forecast time zone. Contacts are made whole by
largest-remainder rounding per queue, channel type and local day, so each day's rows sum to
that day's rounded total; a daily row is that rounded total.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np
import pandas as pd

from wfm.core.errors import ConfigError
from wfm.report.cells import UTC_Z, ExportTable, format_number, neutralise
from wfm.report.volumes import keep_mapped, largest_remainder, local_days, split_intervals

# Amazon Connect forecasting channel types
AMAZON_CHANNEL_TYPE: dict[str, str] = {
    "voice": "VOICE",
    "callback": "VOICE",
    "video": "VOICE",
    "chat": "CHAT",
    "messaging": "CHAT",
    "social": "CHAT",
}

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
AMAZON_INTEGER_COLUMNS = ("IncomingContactVolume", "AverageHandleTime", "ContactsHandled")
"""Columns written as whole numbers (AHT in whole seconds suits both versions of the guide)."""


def _whole(vol: pd.DataFrame, day: pd.Series) -> pd.DataFrame:
    """Contacts and handled contacts as integers keeping each queue-day total."""
    key = vol["queue"].astype(str) + "|" + vol["channel"].map(AMAZON_CHANNEL_TYPE) + "|" + day
    out = vol.copy()
    out["contacts_n"] = largest_remainder(vol["contacts"].to_numpy(), key.to_numpy())
    handled = largest_remainder(vol["handled"].to_numpy(), key.to_numpy())
    out["handled_n"] = np.minimum(handled, out["contacts_n"].to_numpy())
    return out


def _daily(vol: pd.DataFrame, tz: str) -> pd.DataFrame:
    """One row per queue, channel and local day, stamped at the local midnight (UTC)."""
    day = local_days(vol["interval_start"], tz)
    g = (
        vol.assign(day=day)
        .groupby(["queue", "channel", "day"], as_index=False, sort=True)[
            ["contacts", "handled", "handle_time_s"]
        ]
        .sum()
    )
    midnight = pd.to_datetime(g["day"]).dt.tz_localize(tz).dt.tz_convert("UTC")
    return g.assign(interval_start=midnight).drop(columns="day")


def check_queue_ids(queues: list[str], queue_ids: Mapping[str, str], required: bool) -> tuple:
    """Raise (or, when not ``required``, note) the queues without an Amazon Connect id."""
    missing = sorted(set(queues) - {q for q, v in queue_ids.items() if v})
    if not missing:
        return ()
    if required:
        raise ConfigError(
            f"no Amazon Connect QueueId for queue(s) {', '.join(missing)}; Amazon Connect "
            "refuses rows without one. Map each skill to its queue id (the last part of the "
            "queue ARN) with --queue-map FILE (columns skill,queue_id) or --queue-id SKILL=ID",
            key="queue_ids",
        )
    return (f"no Amazon Connect QueueId for {', '.join(missing)}: QueueId left empty",)


def amazon_connect(
    volumes: pd.DataFrame,
    interval_min: int,
    *,
    kind: Literal["historical", "forecast"] = "historical",
    daily: bool = False,
    queue_ids: Mapping[str, str] | None = None,
    tz: str = "UTC",
    queue_ids_required: bool = True,
) -> ExportTable:
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
        One row per queue and local day of ``tz`` (``IntervalDuration`` ``daily``, the
        long-term forecast), stamped at that day's midnight.
    queue_ids : mapping of str to str, optional
        Amazon Connect queue id of each queue (the last part of the queue ARN).
    tz : str
        The Amazon Connect forecast time zone (IANA): daily rows start at its midnight and
        interval rows are made whole per local day of it.
    queue_ids_required : bool
        A queue without an id is an error (default); else its ``QueueId`` is left empty
        with a note.

    Returns
    -------
    ExportTable
        Columns ``QueueName``, ``QueueId``, ``ChannelType`` (VOICE or CHAT), ``TimeStamp``
        (``YYYY-MM-DDThh:mm:ssZ``), ``IntervalDuration`` (``15mins``, ``30mins`` or
        ``daily``), ``IncomingContactVolume`` [contacts, integer], ``AverageHandleTime``
        [s, integer] and, for history, ``ContactsHandled`` [contacts, integer].

    Raises
    ------
    ConfigError
        A queue has no id and ``queue_ids_required``.

    References
    ----------
    .. [1] Amazon Connect Administrator Guide, "Import historical data for forecasting".
    .. [2] Amazon Connect Administrator Guide, "Override a forecast in Amazon Connect"
       (now "Edit a forecast in Amazon Connect").
    """
    if kind not in ("historical", "forecast"):
        raise ConfigError(f"must be 'historical' or 'forecast'; got {kind!r}", key="kind")
    vol, notes = keep_mapped(volumes, AMAZON_CHANNEL_TYPE, "Amazon Connect")
    ids = dict(queue_ids or {})
    notes += check_queue_ids(list(vol["queue"]), ids, queue_ids_required)
    if daily:
        vol = _daily(vol, tz)
        duration = "daily"
    else:
        step = 15 if interval_min == 15 else 30
        vol = split_intervals(vol, interval_min, step)
        duration = f"{step}mins"
    vol = vol.sort_values(["queue", "channel", "interval_start"], kind="mergesort")
    vol = _whole(
        vol.reset_index(drop=True), local_days(vol["interval_start"], tz).reset_index(drop=True)
    )
    table = _amazon_rows(vol, ids, duration, historical=kind == "historical")
    return ExportTable(table=neutralise(table), notes=notes)


def _amazon_rows(
    vol: pd.DataFrame, ids: Mapping[str, str], duration: str, *, historical: bool
) -> pd.DataFrame:
    """The Amazon Connect columns of the whole-number volumes ``vol`` (AHT from the
    handled contacts' handle time, 0 where none was handled)."""
    handled = vol["handled"].to_numpy(dtype=float)
    aht = np.divide(
        vol["handle_time_s"].to_numpy(dtype=float),
        handled,
        out=np.zeros(len(vol)),
        where=handled > 0,
    )
    cols: tuple[str, ...] = AMAZON_HISTORICAL_COLUMNS if historical else AMAZON_FORECAST_COLUMNS
    data = {
        cols[0]: vol["queue"].to_numpy(),
        cols[1]: [ids.get(q, "") for q in vol["queue"]],
        cols[2]: vol["channel"].map(AMAZON_CHANNEL_TYPE).to_numpy(),
        cols[3]: vol["interval_start"].dt.tz_convert("UTC").dt.strftime(UTC_Z).to_numpy(),
        cols[4]: [duration] * len(vol),
        cols[5]: [str(v) for v in vol["contacts_n"]],
        cols[6]: format_number(aht, decimals=0),
    }
    if historical:
        data[cols[7]] = [str(v) for v in vol["handled_n"]]
    return pd.DataFrame(data, columns=list(cols))
