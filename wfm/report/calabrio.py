"""Calabrio WFM layout: the forecast import file with staffing (headerless, local time)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from wfm.report.cells import ExportTable, format_number, neutralise
from wfm.report.volumes import _require

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

_CALABRIO_TIME = "%Y%m%d %H:%M"


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
    _require(
        requirements,
        ("interval_start", "skill", "contacts", "aht_s", "agents_required"),
        "requirements",
    )
    work = pd.DataFrame(
        {
            "interval_start": pd.to_datetime(requirements["interval_start"], utc=True).to_numpy(),
            "skill": requirements["skill"].to_numpy(),
            "contacts": requirements["contacts"].to_numpy(dtype=float),
            "work_s": (
                requirements["contacts"].to_numpy(dtype=float)
                * requirements["aht_s"].to_numpy(dtype=float)
            ),
            "agents": requirements["agents_required"].to_numpy(dtype=float),
        }
    )
    g = work.groupby(["skill", "interval_start"], as_index=False, sort=True)[
        ["contacts", "work_s", "agents"]
    ].sum()
    aht = np.divide(
        g["work_s"].to_numpy(),
        g["contacts"].to_numpy(),
        out=np.zeros(len(g)),
        where=g["contacts"].to_numpy() > 0,
    )
    start = g["interval_start"].dt.tz_convert(tz)
    end = (g["interval_start"] + pd.Timedelta(minutes=interval_min)).dt.tz_convert(tz)
    out = pd.DataFrame(
        {
            CALABRIO_COLUMNS[0]: g["skill"].to_numpy(),
            CALABRIO_COLUMNS[1]: start.dt.strftime(_CALABRIO_TIME).to_numpy(),
            CALABRIO_COLUMNS[2]: end.dt.strftime(_CALABRIO_TIME).to_numpy(),
            CALABRIO_COLUMNS[3]: format_number(g["contacts"]),
            CALABRIO_COLUMNS[4]: format_number(aht),
            CALABRIO_COLUMNS[5]: format_number(np.zeros(len(g))),
            CALABRIO_COLUMNS[6]: format_number(g["agents"]),
        }
    )
    return ExportTable(table=neutralise(out), header=False)
