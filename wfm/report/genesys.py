"""Genesys Cloud WFM layout: the historical data import file (UTC, 15-minute rows).

This file is for history only: Genesys sets a historical data end date that cannot be in the
future, so a forecast cannot go out in it. Genesys's *imported forecast* (the "Import
Forecast" creation method of a short-term forecast) has a layout of its own whose columns are
not given in the documentation consulted (see ``docs/report.md``), so no layout is offered
for it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wfm.report.cells import UTC_Z, ExportTable, neutralise
from wfm.report.volumes import keep_mapped, largest_remainder, split_intervals

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
