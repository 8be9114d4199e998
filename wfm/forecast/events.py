"""Special days and events: a small table that cleans history and adjusts the forecast.

Each row names a site-local ``date``, a ``scope`` and either a ``multiplier`` of the usual
volume or the day's absolute ``contacts``:

=============  =================================================================
``scope``      ``all`` (or ``*``) for every series, else ``channel``,
               ``channel/segment`` or ``channel/segment/site``; ``*`` matches any
``multiplier`` the day's volume relative to a usual day (2.0 = double; 0 = closed)
``contacts``   the day's total contacts of the series, spread by its profile
=============  =================================================================

In history the day is divided by its multiplier (or left out when the multiplier is 0 or
an absolute volume is given), so models learn a usual day; in the forecast the multiplier
or absolute volume is applied.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from wfm.core.contract_checks import check_table
from wfm.core.errors import InputError
from wfm.core.schemas import MAX_CONTACTS, Column, TableSchema

MAX_MULTIPLIER = 100.0
"""Largest multiplier of a usual day an event may give (1e308 wrote ``inf`` contacts into the
forecast; a million, 2.3e8 contacts an interval)."""

EVENTS = TableSchema(
    "events",
    (
        Column("date", "str", key=True),
        Column("scope", "str", key=True),
        Column(
            "multiplier",
            "float",
            required=False,
            nullable=True,
            min_value=0.0,
            max_value=MAX_MULTIPLIER,
        ),
        Column(
            "contacts",
            "float",
            required=False,
            nullable=True,
            min_value=0.0,
            max_value=MAX_CONTACTS,
        ),
    ),
)
"""Contract of the special-days table."""

Event = tuple[int, float | None, float | None]
"""(local date ordinal, multiplier, contacts) of one event for one series."""


def check_events(events: pd.DataFrame, *, source: str | None = None) -> None:
    """Raise :class:`InputError` unless ``events`` meets :data:`EVENTS` and its row rules;
    ``source`` defaults to the file the table was read from."""
    source = source or str(events.attrs.get("source", "events"))
    check_table(events, EVENTS, source=source)
    mult = _column(events, "multiplier")
    vol = _column(events, "contacts")
    for i in range(len(events)):
        try:
            dt.date.fromisoformat(str(events["date"].iloc[i]))
        except ValueError:
            raise InputError(
                "not a date",
                source=source,
                line=i + 2,
                key="date",
                got=events["date"].iloc[i],
                expected="YYYY-MM-DD",
            ) from None
        scope = str(events["scope"].iloc[i]).strip()
        if scope.lower() not in ("all", "*") and (
            not scope or len(scope.split("/")) > 3 or "" in scope.split("/")
        ):
            raise InputError(
                "not a scope",
                source=source,
                line=i + 2,
                key="scope",
                got=scope,
                expected="all, channel, channel/segment or channel/segment/site ('*' for any)",
            )
        if np.isnan(mult[i]) == np.isnan(vol[i]):
            raise InputError(
                "give exactly one of multiplier and contacts",
                source=source,
                line=i + 2,
                key="multiplier",
                expected="a multiplier (e.g. 1.5) or the day's contacts",
            )


def check_event_scopes(
    events: pd.DataFrame | None, keys: list[tuple[str, ...]], *, source: str | None = None
) -> None:
    """Raise :class:`InputError` at the first event whose scope matches none of the series
    ``keys`` ((channel, segment) or (channel, segment, site)): a misspelt scope (``voise``)
    would otherwise be dropped without a word. ``source`` defaults to the file the table
    was read from."""
    if events is None or events.empty:
        return
    source = source or str(events.attrs.get("source", "events"))
    for i in range(len(events)):
        scope = str(events["scope"].iloc[i])
        if not any(_matches(scope, k[0], k[1], k[2] if len(k) > 2 else None) for k in keys):
            names = sorted({"/".join(k) for k in keys})
            raise InputError(
                "matches no series of the forecast",
                source=source,
                line=i + 2,
                key="scope",
                got=scope,
                expected="all, or channel[/segment[/site]] of "
                + ", ".join(names[:8])
                + (", …" if len(names) > 8 else ""),
            )


def events_for(
    events: pd.DataFrame | None, channel: str, segment: str, site: str | None
) -> tuple[Event, ...]:
    """Events that apply to one series, by date (a later matching row wins for its date)."""
    if events is None or events.empty:
        return ()
    mult = _column(events, "multiplier")
    vol = _column(events, "contacts")
    found: dict[int, Event] = {}
    for i in range(len(events)):
        if _matches(str(events["scope"].iloc[i]), channel, segment, site):
            o = dt.date.fromisoformat(str(events["date"].iloc[i])).toordinal()
            m = None if np.isnan(mult[i]) else float(mult[i])
            v = None if np.isnan(vol[i]) else float(vol[i])
            found[o] = (o, m, v)
    return tuple(found[o] for o in sorted(found))


def apply_events(
    events: tuple[Event, ...],
    g_ord: np.ndarray,
    is_open: np.ndarray,
    mean: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A series' forecast with its special days applied, on its interval grid.

    Parameters
    ----------
    events : tuple of Event
        Special days of the series (:func:`events_for`).
    g_ord : numpy.ndarray
        Site-local date ordinal of each interval.
    is_open : numpy.ndarray
        Whether each interval is open (bool).
    mean, lo, hi : numpy.ndarray
        Forecast and prediction bounds per interval [contacts].

    Returns
    -------
    (mean, lo, hi) : tuple of numpy.ndarray
        Copies, scaled on an event day's open intervals by its multiplier or to its
        absolute contacts (spread evenly, bounds as wide as before around it, where the
        forecast day is 0) [contacts]; the inputs themselves when there is no event.
    """
    if not events:
        return mean, lo, hi
    mean, lo, hi = mean.copy(), lo.copy(), hi.copy()
    for o, m, v in events:
        day = (g_ord == o) & is_open
        if not day.any():
            continue
        if v is None:
            factor = np.full(day.sum(), float(m or 0.0))
        else:
            total = mean[day].sum()
            if total > 0:
                factor = np.full(day.sum(), v / total)
            else:
                base = np.full(day.sum(), v / day.sum())
                width = hi[day] - lo[day]
                mean[day], lo[day], hi[day] = (
                    base,
                    np.maximum(base - width / 2, 0),
                    base + width / 2,
                )
                continue
        mean[day] *= factor
        lo[day] *= factor
        hi[day] *= factor
    return mean, lo, hi


def _matches(scope: str, channel: str, segment: str, site: str | None) -> bool:
    scope = scope.strip().lower()
    if scope in ("all", "*", ""):
        return True
    parts = scope.split("/")
    values = (channel, segment, site or "")
    return all(p in ("*", v) for p, v in zip(parts, values, strict=False))


def _column(events: pd.DataFrame, name: str) -> np.ndarray:
    if name not in events.columns:
        return np.full(len(events), np.nan)
    return pd.to_numeric(events[name], errors="coerce").to_numpy(dtype=float)
