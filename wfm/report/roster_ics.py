"""iCalendar (RFC 5545) per agent of the roster, packed in one zip archive.

One ``VCALENDAR`` per agent, in a file named after the agent, with one ``VEVENT`` per shift:
``UID`` built from the agent, the local date and the local start (stable across re-runs of the
same plan), ``DTSTAMP`` the plan's creation time, ``DTSTART``/``DTEND`` in UTC
(``YYYYMMDDThhmmssZ``, so no ``VTIMEZONE`` is needed), ``SUMMARY`` naming the site, pool and
local times, ``DESCRIPTION`` listing the breaks in local time (paid or unpaid) and the paid
hours, ``CATEGORIES`` site and pool. Text is escaped (§3.3.11) after control characters are
replaced (TEXT allows none but tab), lines end in CRLF and are folded at 75 octets (§3.1),
using :mod:`wfm.report.ical`.

The calendars go out as one zip file (``--out FILE.zip``), as ``schedule-ics`` writes one
file: a planner mails each agent their ``.ics``. Entry names are file names safe on every
system: an agent id is kept when it is made of ``A-Z a-z 0-9 . _ -`` only, does not start
with a dot and is not a reserved device name; any other id has its other characters replaced
by ``_`` and a short hash of the id appended (``a/../b`` → ``a_.._b-900ea8b7e0``), so no entry has a
folder part, no entry escapes the folder it is unpacked into, and two ids never share a file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass

import pandas as pd

from wfm.core.config import Scenario
from wfm.core.errors import InputError
from wfm.report.ical import calendar_text, escape_text, safe_token, utc_stamp
from wfm.report.roster_export import AgentShift, agent_shifts

_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{d}{i}" for d in ("COM", "LPT") for i in range(10)}
_MAX_STEM = 80


def agent_file_stem(agent_id: str) -> str:
    """A file name stem for an agent: the id itself when safe, else a cleaned id + hash.

    Examples
    --------
    >>> agent_file_stem("lyon-01")
    'lyon-01'
    >>> agent_file_stem("../etc/passwd")
    'etc_passwd-7fef78f534'
    """
    stem = safe_token(agent_id, "_")[:_MAX_STEM].strip("._")
    if stem != agent_id or stem.split(".")[0].upper() in _RESERVED:
        digest = hashlib.sha256(agent_id.encode("utf-8")).hexdigest()[:10]
        stem = f"{stem or 'agent'}-{digest}"
    return stem


def clean_text(value: str) -> str:
    """Control characters (but tab) replaced by U+FFFD, so a value is valid TEXT once escaped."""
    return _CONTROL.sub("\ufffd", value)


def _event(s: AgentShift, stem: str, domain: str, stamp: str) -> list[str]:
    agent, site, pool = clean_text(s.agent_id), clean_text(s.site), clean_text(s.pool)
    local = f"{s.start:%H:%M}-{s.end:%H:%M}"
    breaks = ", ".join(
        f"{b.start:%H:%M}-{b.end:%H:%M} {'paid' if b.paid else 'unpaid'}" for b in s.breaks
    )
    description = (
        f"agent {agent}, site {site}, pool {pool}\n"
        f"local time {local} ({s.start:%z}, {s.tz})\n"
        f"breaks (local time): {breaks or 'none'}\n"
        f"paid hours: {s.paid_h:.2f}"
    )
    return [
        "BEGIN:VEVENT",
        f"UID:{stem}-{s.local_date}-{s.shift_key}@{domain}",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{utc_stamp(s.start)}",
        f"DTEND:{utc_stamp(s.end)}",
        f"SUMMARY:{escape_text(f'shift {site}/{pool} {local}')}",
        f"DESCRIPTION:{escape_text(description)}",
        f"CATEGORIES:{escape_text(site)},{escape_text(pool)}",
        "TRANSP:OPAQUE",
        "END:VEVENT",
    ]


def _calendar(agent_id: str, shifts: list[AgentShift], stem: str, sc: Scenario, stamp: str) -> str:
    domain = safe_token(sc.name, "-") + ".wfm"
    events: list[str] = []
    for s in shifts:
        events += _event(s, stem, domain, stamp)
    return calendar_text(clean_text(f"{agent_id} shifts ({sc.name})"), events)


@dataclass(frozen=True, slots=True, kw_only=True)
class AgentCalendars:
    """The calendars of a roster.

    Attributes
    ----------
    files : dict of str to str
        Entry name (``<stem>.ics``) → iCalendar text (CRLF line ends), by entry name.
    agents : int
        Agents with at least one shift.
    shifts : int
        Events written (one per agent shift).
    """

    files: dict[str, str]
    agents: int
    shifts: int


def agent_calendars(
    roster: pd.DataFrame, scenario: Scenario, *, stamp_utc: dt.datetime
) -> AgentCalendars:
    """One iCalendar document per agent of the roster.

    Parameters
    ----------
    roster : pandas.DataFrame
        ROSTER table.
    scenario : Scenario
        Sites' zones, paid break rules, the name in ``UID`` and calendar names.
    stamp_utc : datetime.datetime
        ``DTSTAMP`` of every event (the plan's creation time, so the files are reproducible).
    """
    by_agent: dict[str, list[AgentShift]] = {}
    for s in agent_shifts(roster, scenario):
        by_agent.setdefault(s.agent_id, []).append(s)
    stamp = utc_stamp(stamp_utc)
    files: dict[str, str] = {}
    owner: dict[str, str] = {}
    for agent_id, shifts in by_agent.items():
        stem = agent_file_stem(agent_id)
        name = f"{stem}.ics"
        if name.lower() in owner:  # case-insensitive file systems
            raise InputError(
                f"agents {owner[name.lower()]!r} and {agent_id!r} would share the calendar "
                f"file {name}",
                source="roster.csv",
                key="agent_id",
                expected="agent ids that differ other than by letter case",
            )
        owner[name.lower()] = agent_id
        files[name] = _calendar(agent_id, shifts, stem, scenario, stamp)
    files = dict(sorted(files.items()))
    return AgentCalendars(
        files=files, agents=len(files), shifts=sum(len(v) for v in by_agent.values())
    )


def calendars_zip(calendars: AgentCalendars, *, stamp_utc: dt.datetime) -> bytes:
    """The calendars as zip bytes: one entry per agent at the archive's top, sorted, each
    dated ``stamp_utc`` (no earlier than 1980, the format's first year), so the same plan
    gives the same bytes."""
    when = max(stamp_utc.astimezone(dt.UTC).replace(tzinfo=None), dt.datetime(1980, 1, 1))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in calendars.files.items():
            info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()
