"""Genesys Cloud WFM layout: the historical data import file (UTC, 15-minute rows)."""

from __future__ import annotations

import pandas as pd

from wfm.report.cells import _UTC_Z, ExportTable, format_number, neutralise
from wfm.report.volumes import _keep_mapped, _split_intervals

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
    out = pd.DataFrame(
        {
            GENESYS_COLUMNS[0]: vol["interval_start"].dt.strftime(_UTC_Z).to_numpy(),
            GENESYS_COLUMNS[1]: vol["queue"].to_numpy(),
            GENESYS_COLUMNS[2]: vol["media"].to_numpy(),
            GENESYS_COLUMNS[3]: vol["queue"].to_numpy(),
            GENESYS_COLUMNS[4]: vol["language"].to_numpy(),
            GENESYS_COLUMNS[5]: format_number(vol["contacts"]),
            GENESYS_COLUMNS[6]: format_number(vol["handled"]),
            GENESYS_COLUMNS[7]: format_number(vol["handle_time_s"]),
        }
    )
    return ExportTable(table=neutralise(out), notes=notes)
