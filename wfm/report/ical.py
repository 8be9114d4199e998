"""iCalendar (RFC 5545) of the schedule: one event per site, pool, day and shift.

Written by hand (the format is small): ``VCALENDAR`` with ``VERSION:2.0`` and ``PRODID``, one
``VEVENT`` per shift of a site's pool on a local day, with ``UID``, ``DTSTAMP``, ``DTSTART``
and ``DTEND`` in UTC (``YYYYMMDDThhmmssZ``, so no ``VTIMEZONE`` is needed), a ``SUMMARY``
naming the site, pool, shift and number of agents and a ``DESCRIPTION`` listing the breaks in
the site's local time. Text values are escaped (backslash, semicolon, comma, newline; RFC
5545 §3.3.11), lines end in CRLF and are folded at 75 octets (§3.1). The same plan gives the
same file: ``DTSTAMP`` is the plan's creation time and ``UID`` is built from the keys.

Per agent calendars follow once plans carry rosters of named agents.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from wfm import __version__
from wfm.core.config import Scenario
from wfm.report.schedule_export import shift_instances

_ICS_TIME = "%Y%m%dT%H%M%SZ"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def safe_token(value: str, fill: str) -> str:
    """``value`` with each character but ``A-Z a-z 0-9 . _ -`` replaced by ``fill``: safe in
    a UID, a domain name and a file name.

    Examples
    --------
    >>> safe_token("lyon/all s0800", "-")
    'lyon-all-s0800'
    """
    return _UNSAFE.sub(fill, value)


def escape_text(value: str) -> str:
    r"""RFC 5545 TEXT escaping: ``\`` ``;`` ``,`` and newlines.

    Examples
    --------
    >>> escape_text("a,b;c\\d\ne")
    'a\\,b\\;c\\\\d\\ne'
    """
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold_line(line: str) -> str:
    """Fold a content line at 75 octets (UTF-8), continuation lines starting with a space."""
    parts: list[str] = []
    current, size = "", 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        limit = 75 if not parts else 74  # a continuation line carries a leading space
        if size + n > limit:
            parts.append(current)
            current, size = "", 0
        current += ch
        size += n
    parts.append(current)
    return "\r\n ".join(parts)


def utc_stamp(t: dt.datetime) -> str:
    """An iCalendar UTC date-time, ``YYYYMMDDThhmmssZ``."""
    return t.astimezone(dt.UTC).strftime(_ICS_TIME)


def calendar_text(name: str, events: list[str]) -> str:
    """A ``VCALENDAR`` named ``name`` around the event lines: CRLF line ends, folded."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//wfm//wfm {escape_text(__version__)}//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        *events,
        "END:VCALENDAR",
    ]
    return "".join(fold_line(line) + "\r\n" for line in lines)


def schedule_calendar(
    schedule: pd.DataFrame,
    scenario: Scenario,
    *,
    stamp_utc: dt.datetime,
    pools: tuple[str, ...] = (),
) -> str:
    """The schedule as an iCalendar document.

    Parameters
    ----------
    schedule : pandas.DataFrame
        SCHEDULE table.
    scenario : Scenario
        Sites' time zones.
    stamp_utc : datetime.datetime
        ``DTSTAMP`` of every event (the plan's creation time, so the file is reproducible).
    pools : tuple of str
        ``SITE/POOL`` names to keep; empty keeps every pool.

    Returns
    -------
    str
        The ``.ics`` text, CRLF line ends.
    """
    stamp = utc_stamp(stamp_utc)
    lines: list[str] = []
    for r in shift_instances(schedule, scenario):
        if pools and f"{r['site']}/{r['pool']}" not in pools:
            continue
        uid = safe_token(f"{r['local_date']}-{r['site']}-{r['pool']}-{r['shift']}", "-")
        breaks = ", ".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in r["breaks"]) or "none"
        summary = f"{r['site']}/{r['pool']} shift {r['shift']}: {r['agents']} agents"
        description = (
            f"{r['agents']} agents of pool {r['pool']} at site {r['site']}\n"
            f"local time {r['start']:%H:%M}-{r['end']:%H:%M} ({r['start']:%z})\n"
            f"breaks (local time): {breaks}"
        )
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid}@{safe_token(scenario.name, '-')}.wfm",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{utc_stamp(r['start'])}",
            f"DTEND:{utc_stamp(r['end'])}",
            f"SUMMARY:{escape_text(summary)}",
            f"DESCRIPTION:{escape_text(description)}",
            f"CATEGORIES:{escape_text(r['site'])},{escape_text(r['pool'])}",
            "TRANSP:OPAQUE",
            "END:VEVENT",
        ]
    return calendar_text(scenario.name + " shifts", lines)
