"""The roster of named agents as agent shifts in real time, and the ``roster-shifts`` CSV.

``roster.csv`` holds one row per agent and local day: the shift's start and end in UTC, its
local start (``HH:MM``), its breaks written ``HH:MM+LEN`` in the site's local time (``;``
between breaks, as in ``schedule.csv``) and its paid hours. Here each row is placed in time in
its site's zone, its breaks placed and reckoned paid or unpaid by :mod:`wfm.core.breaks` (the
rules the schedule export and the roster's ``paid_h`` follow too): a break starts as many
elapsed minutes after the shift start as its local time is after the local start (a break
past midnight belongs to the next day), and is paid when its length is that of a paid break
of the scenario's ``[shifts].breaks``.

The ``roster-shifts`` layout is a tidy CSV: one row per agent shift and one per break
(``activity`` ``shift`` or ``break``), times in UTC (``…Z``) and in the site's local time
(ISO 8601 with the site's offset), whole minutes, and the paid hours on the shift rows only,
so the column sums to the roster's paid hours.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pandas as pd

from wfm.core.breaks import break_times, is_paid, parse_breaks
from wfm.core.config import Scenario
from wfm.core.errors import InputError
from wfm.report.cells import UTC_Z, ExportTable, neutralise
from wfm.report.schedule_export import minutes_between
from wfm.report.volumes import require_columns

NO_ROSTER = (
    "the plan has no roster: add [roster] to the scenario (an agents file; see docs/roster.md) "
    "and plan again, or roster this plan with 'wfm plan SCENARIO --from roster --resume "
    "PLAN_DIR --out NEW_DIR'"
)
"""Why a roster layout stops on a plan without a roster (exit 2)."""

ROSTER_SHIFT_COLUMNS = (
    "agent_id",
    "site",
    "pool",
    "local_date",
    "activity",
    "start_utc",
    "end_utc",
    "start_local",
    "end_local",
    "tz",
    "length_min",
    "paid_min",
    "paid_h",
)
"""Columns of the ``roster-shifts`` layout."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AgentBreak:
    """One break of an agent shift.

    Attributes
    ----------
    start, end : datetime.datetime
        Aware, in the site's zone.
    paid : bool
        Paid as the roster reckons it (length of a paid break rule).
    """

    start: dt.datetime
    end: dt.datetime
    paid: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class AgentShift:
    """One row of ``roster.csv`` placed in time.

    Attributes
    ----------
    agent_id, site, pool, local_date : str
        Keys of the row (``local_date`` ``YYYY-MM-DD``).
    tz : str
        IANA zone of the site.
    start, end : datetime.datetime
        Aware, in the site's zone.
    breaks : tuple of AgentBreak
        In time order.
    paid_h : float
        Paid hours of the shift [h], as in ``roster.csv``.
    """

    agent_id: str
    site: str
    pool: str
    local_date: str
    tz: str
    start: dt.datetime
    end: dt.datetime
    breaks: tuple[AgentBreak, ...]
    paid_h: float

    @property
    def length_min(self) -> int:
        """Elapsed length of the shift [min]."""
        return minutes_between(self.start, self.end)

    @property
    def shift_key(self) -> str:
        """Local start ``HHMM``: with the agent and the local date, names the shift."""
        return f"{self.start:%H%M}"


def utc_text(t: dt.datetime) -> str:
    """``YYYY-MM-DDThh:mm:ssZ``."""
    return t.astimezone(dt.UTC).strftime(UTC_Z)


def require_roster(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The plan's roster table; :class:`InputError` saying how to get one when absent."""
    if "roster" not in tables:
        raise InputError(NO_ROSTER, source="roster.csv", expected="a plan folder with roster.csv")
    return tables["roster"]


def _site_zone(scenario: Scenario, site: str, line: int) -> str:
    if site not in scenario.sites:
        raise InputError(
            f"unknown site {site!r}",
            source="roster.csv",
            line=line,
            key="site",
            expected="a site of the scenario",
        )
    return scenario.sites[site].tz


def agent_shifts(roster: pd.DataFrame, scenario: Scenario) -> list[AgentShift]:
    """Every row of ``roster.csv`` placed in time, sorted by agent, local date and start.

    Parameters
    ----------
    roster : pandas.DataFrame
        The ROSTER table (``shift_start``/``shift_end`` aware, UTC).
    scenario : Scenario
        Sites' zones and the paid break rules.
    """
    require_columns(
        roster,
        ("agent_id", "site", "pool", "local_date", "shift_start", "shift_end", "breaks", "paid_h"),
        "roster",
    )
    rules = scenario.shifts.breaks
    out = []
    for i, row in enumerate(roster.itertuples(index=False)):
        line = i + 2
        zone = _site_zone(scenario, str(row.site), line)
        tz = ZoneInfo(zone)
        start = pd.Timestamp(row.shift_start).to_pydatetime().astimezone(tz)
        end = pd.Timestamp(row.shift_end).to_pydatetime().astimezone(tz)
        spans = parse_breaks(row.breaks, source="roster.csv", line=line)
        breaks = [
            AgentBreak(start=b0, end=b1, paid=is_paid(b.length_min, rules))
            for b, (b0, b1) in zip(spans, break_times(start, spans), strict=True)
        ]
        out.append(
            AgentShift(
                agent_id=str(row.agent_id),
                site=str(row.site),
                pool=str(row.pool),
                local_date=str(row.local_date)[:10],
                tz=zone,
                start=start,
                end=end,
                breaks=tuple(sorted(breaks, key=lambda b: b.start)),
                paid_h=float(row.paid_h),
            )
        )
    out.sort(key=lambda s: (s.agent_id, s.local_date, s.start))
    return out


def roster_shifts(roster: pd.DataFrame, scenario: Scenario) -> ExportTable:
    """Tidy CSV of the roster: one row per agent shift and one per break.

    Returns
    -------
    ExportTable
        Columns :data:`ROSTER_SHIFT_COLUMNS`: ``activity`` ``shift`` or ``break``;
        ``start_utc``/``end_utc`` ``YYYY-MM-DDThh:mm:ssZ``; ``start_local``/``end_local`` ISO
        8601 with the site's offset; ``tz`` the site's zone; ``length_min`` elapsed minutes
        (integer); ``paid_min`` paid minutes (integer: the shift's paid time, a paid break's
        length, 0 for an unpaid break); ``paid_h`` the shift's paid hours (2 decimals) on
        shift rows (fixed, e.g. ``7.50``), empty on break rows.
    """
    rows = []
    shifts = agent_shifts(roster, scenario)
    for s in shifts:
        hours = f"{s.paid_h + 0.0:.2f}"
        base = [s.agent_id, s.site, s.pool, s.local_date]
        spans = [("shift", s.start, s.end, round(s.paid_h * 60), hours)]
        spans += [
            ("break", b.start, b.end, minutes_between(b.start, b.end) * b.paid, "")
            for b in s.breaks
        ]
        for activity, a, b, paid_min, h in spans:
            rows.append(
                [
                    *base,
                    activity,
                    utc_text(a),
                    utc_text(b),
                    a.isoformat(),
                    b.isoformat(),
                    s.tz,
                    str(minutes_between(a, b)),
                    str(int(paid_min)),
                    h,
                ]
            )
    table = pd.DataFrame(rows, columns=list(ROSTER_SHIFT_COLUMNS))
    return ExportTable(table=neutralise(table))
