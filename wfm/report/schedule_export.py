"""The schedule as shift instances: ``schedule.csv`` → start, end and breaks in real time.

``schedule.csv`` holds shifts per site, pool and local day as a local start time, an elapsed
length and breaks written ``HH:MM+LEN`` (``;`` between breaks). Here each is placed in time
in its site's zone: a shift starts at its local wall-clock start (a start in a DST gap is read
with the offset before the change, as Python's ``zoneinfo`` does), ends ``shift_length_min``
elapsed minutes later, and a break starts as many elapsed minutes after the shift start as its
local time is after the local start (a break past midnight belongs to the next day; the
breaks are read and placed by :mod:`wfm.core.breaks`).

The ``schedule-shifts`` layout is a tidy CSV with one row per shift and per break; times are
ISO 8601 with the site's offset. Suites' own schedule-import layouts are not offered: none was
found documented (see ``docs/report.md``).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd

from wfm.core.breaks import break_times, parse_breaks
from wfm.core.config import Scenario
from wfm.core.errors import InputError
from wfm.report.cells import ExportTable, neutralise
from wfm.report.volumes import require_columns

SHIFT_COLUMNS = (
    "site",
    "pool",
    "local_date",
    "shift",
    "agents",
    "activity",
    "start",
    "end",
    "length_min",
)
"""Columns of the ``schedule-shifts`` layout; ``activity`` is ``shift`` or ``break``."""


def clock_minutes(text: str, source: str, line: int, key: str | None = None) -> int:
    """A local ``HH:MM`` as minutes after midnight; :class:`InputError` (line named) else."""
    h, sep, m = text.strip().partition(":")
    if not (sep and h.isdigit() and m.isdigit()):
        raise InputError(
            f"not a local time {text!r}", source=source, line=line, key=key, expected="HH:MM"
        )
    return int(h) * 60 + int(m)


def minutes_between(a: dt.datetime, b: dt.datetime) -> int:
    """Whole elapsed minutes from ``a`` to ``b`` (in UTC: two times of one zone would be
    subtracted on the wall clock, an hour off across a clock change)."""
    return int((b.astimezone(dt.UTC) - a.astimezone(dt.UTC)).total_seconds() // 60)


def shift_instances(schedule: pd.DataFrame, scenario: Scenario) -> list[dict]:
    """Each schedule row placed in time, with its breaks.

    Returns
    -------
    list of dict
        Keys ``site``, ``pool``, ``local_date``, ``shift``, ``agents`` (int), ``start`` and
        ``end`` (aware datetimes in the site's zone), ``breaks`` (list of (start, end)
        aware datetimes); sorted by site, pool, local date, start and shift.
    """
    require_columns(
        schedule,
        (
            "site",
            "pool",
            "local_date",
            "shift",
            "shift_start_local",
            "shift_length_min",
            "breaks",
            "agents",
        ),
        "schedule",
    )
    out = []
    for i, row in enumerate(schedule.itertuples(index=False)):
        line = i + 2
        if row.site not in scenario.sites:
            raise InputError(
                f"unknown site {row.site!r}",
                source="schedule.csv",
                line=line,
                key="site",
                expected="a site of the scenario",
            )
        tz = ZoneInfo(scenario.sites[row.site].tz)
        day = dt.date.fromisoformat(str(row.local_date)[:10])
        first = clock_minutes(str(row.shift_start_local), "schedule.csv", line)
        start = dt.datetime.combine(day, dt.time(first // 60, first % 60), tzinfo=tz)
        end = (
            start.astimezone(dt.UTC) + dt.timedelta(minutes=int(row.shift_length_min))
        ).astimezone(tz)
        breaks = break_times(start, parse_breaks(row.breaks, source="schedule.csv", line=line))
        out.append(
            {
                "site": str(row.site),
                "pool": str(row.pool),
                "local_date": day.isoformat(),
                "shift": str(row.shift),
                "agents": int(row.agents),
                "start": start,
                "end": end,
                "breaks": breaks,
            }
        )
    out.sort(key=lambda r: (r["site"], r["pool"], r["local_date"], r["start"], r["shift"]))
    return out


def schedule_shifts(schedule: pd.DataFrame, scenario: Scenario) -> ExportTable:
    """Tidy CSV of shifts and breaks: one row per shift and per break.

    Returns
    -------
    ExportTable
        Columns :data:`SHIFT_COLUMNS`; ``agents`` is the number of agents on that shift (an
        integer), ``start``/``end`` ISO 8601 with the site's UTC offset, ``length_min``
        elapsed minutes.
    """
    rows = []
    for r in shift_instances(schedule, scenario):
        base = [r["site"], r["pool"], r["local_date"], r["shift"], str(r["agents"])]
        spans = [("shift", r["start"], r["end"])] + [("break", a, b) for a, b in r["breaks"]]
        for activity, a, b in spans:
            rows.append([*base, activity, a.isoformat(), b.isoformat(), str(minutes_between(a, b))])
    table = pd.DataFrame(rows, columns=list(SHIFT_COLUMNS))
    return ExportTable(table=neutralise(table))
