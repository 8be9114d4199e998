"""Verint WFO Strategic Planner layout: the volume import file (daily, headerless, local).

Strategic Planner (Verint's long-range capacity planner) imports comma-separated lines
``work queue name, M-D-YYYY, volume, AHT``; dated days (rather than one date per month) give
it the intra-week distribution, which it averages per weekday. wfm writes one line per skill
and local day: the day's contacts, whole, and the contact-weighted AHT in whole seconds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wfm.report.cells import ExportTable, format_number, neutralise
from wfm.report.volumes import largest_remainder, local_days

VERINT_COLUMNS = ("work_queue_name", "date", "volume", "aht_s")
"""The documented fields, in order (the file has no header row)."""

_VERINT_DATE = "%m-%d-%Y"


def verint_strategic_planner(volumes: pd.DataFrame, tz: str) -> ExportTable:
    """Verint WFO Strategic Planner volume import, one line per skill and local day.

    Parameters
    ----------
    volumes : pandas.DataFrame
        Output of :func:`queue_volumes` (a forecast, the human part of a split, or history).
    tz : str
        IANA zone whose calendar days the volumes are summed over.

    Returns
    -------
    ExportTable
        No header; fields work queue name (the skill), date ``MM-DD-YYYY`` (local day),
        volume [contacts, whole: the day's total rounded half up] and AHT [s, whole,
        handle time / handled contacts, 0 on a day without contacts]; sorted by queue and day.

    References
    ----------
    .. [1] Verint WFO 15.2 online library, Strategic Planner, "Format of the Import File".
    """
    day = local_days(volumes["interval_start"], tz)
    g = (
        volumes.assign(day=day)
        .groupby(["queue", "day"], as_index=False, sort=True)[
            ["contacts", "handled", "handle_time_s"]
        ]
        .sum()
    )
    volume = largest_remainder(g["contacts"].to_numpy(), (g["queue"] + "|" + g["day"]).to_numpy())
    handled = g["handled"].to_numpy(dtype=float)
    aht = np.divide(
        g["handle_time_s"].to_numpy(dtype=float), handled, out=np.zeros(len(g)), where=handled > 0
    )
    out = pd.DataFrame(
        {
            VERINT_COLUMNS[0]: g["queue"].to_numpy(),
            VERINT_COLUMNS[1]: pd.to_datetime(g["day"]).dt.strftime(_VERINT_DATE).to_numpy(),
            VERINT_COLUMNS[2]: [str(v) for v in volume],
            VERINT_COLUMNS[3]: format_number(aht, decimals=0),
        },
        columns=list(VERINT_COLUMNS),
    )
    return ExportTable(table=neutralise(out), header=False)
