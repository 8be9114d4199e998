"""Calabrio WFM layouts: the forecast import file, with or without staffing (headerless, local).

Calabrio documents two forecast file formats, the same but for a last ``agents`` field, and
imports no staffing for email and back-office skills. ``calabrio`` therefore writes the file
with staffing for the skills that may carry it and leaves out the skills of deferred channels
(email, back office) with a note; ``calabrio-volumes`` writes every skill without staffing.
Volumes are whole contacts (largest-remainder rounding per skill and local day).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wfm.core.config import Scenario
from wfm.core.errors import ConfigError
from wfm.report.cells import ExportTable, format_number, neutralise
from wfm.report.volumes import largest_remainder, local_days, require_columns

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
CALABRIO_VOLUME_COLUMNS = CALABRIO_COLUMNS[:-1]

_CALABRIO_TIME = "%Y%m%d %H:%M"


def _no_staffing_skills(skills: list[str], scenario: Scenario) -> list[str]:
    """Skills of deferred channels (email, back office): Calabrio imports no staffing for them."""
    out = []
    for skill in sorted(set(skills)):
        try:
            ch = scenario.skill_channel(skill)
        except ConfigError:  # a skill the scenario does not know: nothing to leave out
            continue
        if scenario.channels[ch].queue_model == "deferred":
            out.append(skill)
    return out


def calabrio_forecast(
    requirements: pd.DataFrame,
    scenario: Scenario,
    tz: str,
    *,
    staffing: bool = True,
) -> ExportTable:
    """Calabrio WFM forecast import file, with or without staffing.

    Parameters
    ----------
    requirements : pandas.DataFrame
        REQUIREMENTS table with its ``contacts`` and ``aht_s`` columns.
    scenario : Scenario
        Interval length, and each skill's channel (deferred channels carry no staffing).
    tz : str
        IANA zone the file's times are written in (Calabrio reads them in the importing
        user's time zone).
    staffing : bool
        Write the ``agents`` field (and leave out skills of deferred channels), or not.

    Returns
    -------
    ExportTable
        No header; fields skill name, interval start and end (``yyyyMMdd HH:mm``, local),
        volume [contacts, whole], average task time [s], after task work [s] (0: our AHT
        already includes wrap-up) and, with staffing, agents (on-queue ``agents_required``);
        summed over sites, AHT contact-weighted; rows sorted by skill, then time.

    References
    ----------
    .. [1] Calabrio WFM help, "Forecast file formats".
    """
    require_columns(
        requirements,
        ("interval_start", "skill", "contacts", "aht_s", "agents_required"),
        "requirements",
    )
    notes: tuple[str, ...] = ()
    req = requirements
    if staffing:
        left_out = _no_staffing_skills(list(req["skill"]), scenario)
        if left_out:
            req = req[~req["skill"].isin(left_out)]
            notes = (
                f"skill(s) {', '.join(left_out)} left out: Calabrio imports no staffing for "
                "email and back-office skills; export them with --layout calabrio-volumes",
            )
    g = _per_skill(req)
    aht = np.divide(
        g["work_s"].to_numpy(),
        g["contacts"].to_numpy(),
        out=np.zeros(len(g)),
        where=g["contacts"].to_numpy() > 0,
    )
    day = local_days(g["interval_start"], tz)
    volume = largest_remainder(g["contacts"].to_numpy(), (g["skill"] + "|" + day).to_numpy())
    start = g["interval_start"].dt.tz_convert(tz)
    end = (g["interval_start"] + pd.Timedelta(minutes=scenario.interval_min)).dt.tz_convert(tz)
    cols: tuple[str, ...] = CALABRIO_COLUMNS if staffing else CALABRIO_VOLUME_COLUMNS
    data = {
        cols[0]: g["skill"].to_numpy(),
        cols[1]: start.dt.strftime(_CALABRIO_TIME).to_numpy(),
        cols[2]: end.dt.strftime(_CALABRIO_TIME).to_numpy(),
        cols[3]: [str(v) for v in volume],
        cols[4]: format_number(aht),
        cols[5]: format_number(np.zeros(len(g))),
    }
    if staffing:
        data[cols[6]] = format_number(g["agents"])
    out = pd.DataFrame(data, columns=list(cols))
    return ExportTable(table=neutralise(out), header=False, notes=notes)


def _per_skill(req: pd.DataFrame) -> pd.DataFrame:
    """Contacts, their work [s] and agents per skill and interval, summed over sites."""
    contacts = req["contacts"].to_numpy(dtype=float)
    work = pd.DataFrame(
        {
            "interval_start": pd.to_datetime(req["interval_start"], utc=True).to_numpy(),
            "skill": req["skill"].to_numpy(),
            "contacts": contacts,
            "work_s": contacts * req["aht_s"].to_numpy(dtype=float),
            "agents": req["agents_required"].to_numpy(dtype=float),
        }
    )
    return work.groupby(["skill", "interval_start"], as_index=False, sort=True)[
        ["contacts", "work_s", "agents"]
    ].sum()
