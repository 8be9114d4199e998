"""Amazon Connect layouts: forecasting historical data import and forecast override (UTC)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np
import pandas as pd

from wfm.core.errors import ConfigError
from wfm.report.cells import _UTC_Z, ExportTable, format_number, neutralise
from wfm.report.volumes import _keep_mapped, _split_intervals

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


def amazon_connect(
    volumes: pd.DataFrame,
    interval_min: int,
    *,
    kind: Literal["historical", "forecast"] = "historical",
    daily: bool = False,
    queue_ids: Mapping[str, str] | None = None,
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
        vol = vol.groupby(["interval_start", "queue", "channel"], as_index=False, sort=True)[
            ["contacts", "handled", "handle_time_s"]
        ].sum()
        duration = "daily"
    else:
        step = 15 if interval_min == 15 else 30
        vol = _split_intervals(vol, interval_min, step)
        duration = f"{step}mins"
    vol = vol.sort_values(["queue", "channel", "interval_start"], kind="mergesort")
    ids = dict(queue_ids or {})
    missing = sorted(set(vol["queue"]) - set(ids))
    if missing:
        notes += (
            f"no Amazon Connect QueueId given for {', '.join(missing)}: QueueId left "
            "empty; fill it in before uploading",
        )
    handled = vol["handled"].to_numpy(dtype=float)
    aht = np.divide(
        vol["handle_time_s"].to_numpy(dtype=float),
        handled,
        out=np.zeros(len(vol)),
        where=handled > 0,
    )
    cols: tuple[str, ...] = (
        AMAZON_HISTORICAL_COLUMNS if kind == "historical" else AMAZON_FORECAST_COLUMNS
    )
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
