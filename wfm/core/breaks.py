"""Breaks of a worked shift: how the schedule and the roster write them, where they fall in
time, and which of them are paid.

``schedule.csv`` and ``roster.csv`` write a shift's breaks in its ``breaks`` column as
``HH:MM+LEN``: the break's start on the site's local clock and its length [min], ``;``
between breaks (``10:30+15;12:30+30``). An empty or missing cell, or ``none``, is a shift
without breaks.

A break starts as many elapsed minutes after the shift start as its local time is after the
shift's local start; a break whose local time is before the local start is past midnight (it
belongs to the next day). So across a change of the clocks a break keeps its place in the
shift's elapsed time.

A break is paid when its length is that of a paid break rule of the scenario
(``[shifts].breaks`` with ``paid = true``); a shift's paid minutes are its elapsed length less
its unpaid breaks.

Examples
--------
>>> parse_breaks("10:30+15;12:30+30", source="schedule.csv", line=2)
(Break(start_min=630, length_min=15), Break(start_min=750, length_min=30))
>>> parse_breaks("", source="schedule.csv", line=2)
()
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import NamedTuple

import pandas as pd

from wfm.core.errors import InputError
from wfm.core.units import MIN_PER_DAY, MIN_PER_H
from wfm.core.workforce import BreakRule

_BREAK = re.compile(r"\s*(\d{1,2}):(\d{2})\s*\+\s*(\d+)\s*")
BREAKS_FORM = "HH:MM+LENGTH_MIN, several separated by ';'"
"""The form of a ``breaks`` cell, as an error states it."""


class Break(NamedTuple):
    """One break of a shift as written in a ``breaks`` cell.

    Attributes
    ----------
    start_min : int
        Local start, minutes after the site's local midnight [min] (0–1439).
    length_min : int
        Length [min].
    """

    start_min: int
    length_min: int


def parse_breaks(text: object, *, source: str, line: int | None) -> tuple[Break, ...]:
    """The breaks of one ``breaks`` cell, in the order written.

    Parameters
    ----------
    text : object
        The cell: ``"12:00+30;15:00+15"``; ``""``, ``"none"``, None or NaN for no break.
    source : str
        File the cell comes from (``schedule.csv``, ``roster.csv``), named by an error.
    line : int, optional
        CSV line of the cell's row (the header is line 1), named by an error.

    Raises
    ------
    InputError
        A part that is not ``HH:MM+LEN`` with a time of day 00:00–23:59, naming the source,
        the line and the column ``breaks``.
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ()
    text = str(text).strip()
    if text.lower() in ("", "none", "nan"):
        return ()
    out = []
    for part in text.split(";"):
        m = _BREAK.fullmatch(part)
        if m is None or int(m[1]) >= 24 or int(m[2]) >= MIN_PER_H:
            raise InputError(
                f"not a break {part!r}",
                source=source,
                line=line,
                key="breaks",
                expected=BREAKS_FORM + " (a local time 00:00 to 23:59)",
            )
        out.append(Break(int(m[1]) * MIN_PER_H + int(m[2]), int(m[3])))
    return tuple(out)


def break_times(
    start: dt.datetime, breaks: Iterable[Break]
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Start and end of each break of a shift that starts at ``start``.

    Parameters
    ----------
    start : datetime.datetime
        The shift's start, aware, in the site's zone: its wall-clock time is the shift's
        local start.
    breaks : iterable of Break
        The shift's breaks (:func:`parse_breaks`).

    Returns
    -------
    list of (datetime.datetime, datetime.datetime)
        Aware, in ``start``'s zone, in the order given: a break starts
        ``(break local start − shift local start) mod 1440`` elapsed minutes after ``start``
        and lasts its length in elapsed minutes.
    """
    tz = start.tzinfo
    first = start.hour * MIN_PER_H + start.minute
    start_utc = start.astimezone(dt.UTC)
    out = []
    for b in breaks:
        b0 = start_utc + dt.timedelta(minutes=(b.start_min - first) % MIN_PER_DAY)
        b1 = b0 + dt.timedelta(minutes=b.length_min)
        out.append((b0.astimezone(tz), b1.astimezone(tz)))
    return out


def paid_break_lengths(rules: Iterable[BreakRule]) -> frozenset[int]:
    """Lengths of the paid break rules [min]: a break of one of these lengths is paid."""
    return frozenset(r.length_min for r in rules if r.paid)


def is_paid(length_min: int, rules: Iterable[BreakRule]) -> bool:
    """Whether a break of ``length_min`` minutes is paid under the break ``rules``.

    Examples
    --------
    >>> rules = (BreakRule(length_min=15, earliest_after_min=60, latest_after_min=120,
    ...                    paid=True),
    ...          BreakRule(length_min=30, earliest_after_min=180, latest_after_min=300))
    >>> is_paid(15, rules), is_paid(30, rules)
    (True, False)
    """
    return length_min in paid_break_lengths(rules)


def paid_minutes(length_min: int, breaks: Iterable[Break], rules: Iterable[BreakRule]) -> int:
    """Paid minutes of a shift: its elapsed length less its unpaid breaks [min].

    Examples
    --------
    >>> rules = (BreakRule(length_min=15, earliest_after_min=60, latest_after_min=120,
    ...                    paid=True),)
    >>> paid_minutes(480, parse_breaks("10:00+15;12:00+30", source="s", line=2), rules)
    450
    """
    paid = paid_break_lengths(rules)
    return int(length_min) - sum(b.length_min for b in breaks if b.length_min not in paid)
