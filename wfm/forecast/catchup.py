"""The day after a public holiday: a catch-up learnt from a series' own history.

Where a public holiday closes the centre, part of that day's work arrives on the next open
day: the Tuesday after a Monday holiday of a bank receives more calls than a usual Tuesday
(the bank calls of 2003: 38,235 calls on 27 May, the day after Memorial Day, against a
median of 30,116 on the Tuesdays around it, × 1.27). Whether a series has such a catch-up,
and how large, is learnt from its history when it recurs. Days are calendar days:

- the series' **open weekdays** are those with contacts in at least half of the weeks its
  history spans; a holiday **closes** the centre when it falls on an open weekday (a
  Saturday holiday of a weekday centre closes nothing);
- the **next open day** d after such a holiday is the first later day, within
  ``MAX_GAP_DAYS``, on an open weekday that is neither a holiday nor closed by an event
  (multiplier 0) nor a day the forecast keeps closed;
- in history, d's ratio is r = T_d / E_d, with T_d its total and E_d the median total of the
  same weekday one to four weeks before and after it (holidays and next open days left out,
  at least two of them); totals are read after the user's events (a day of multiplier m
  divided by m; a day closed or given an absolute volume, and the site's outages, left out);
- the catch-up is the pooled ratio R = Σ T_d / Σ E_d (a ratio of sums, unbiased on sparse
  counts), kept when at least ``MIN_DAYS`` such days were seen, at least ``SAME_SIDE_SHARE``
  of their ratios lie on R's side of 1, and |log R| exceeds both log ``MIN_RATIO`` and
  ``NOISE_Z`` standard errors √(Σ v_d) / Σ E_d, with v_d the variance of a day total: the
  larger of the Poisson E_d and the sample variance of the reference days (real counts are
  overdispersed).

A learnt catch-up becomes a multiplier **event** of the series (:mod:`wfm.forecast.events`):
every next open day of the history is divided by R, so the models learn a usual day, and the
next open day after each closing holiday is multiplied by R in the forecast — after a
holiday before the forecast, or inside it when the forecast keeps the holiday closed (a
holiday forecast as a usual day loses no work). A next open day that falls between the
history and the forecast takes the catch-up with it. An event the user gave for the day
wins. Public services open every day see no consistent effect (Seattle 911, nine holidays
in 2015–16: ratios of 0.73–1.15 on both sides of 1), and nothing is learnt there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from wfm.forecast.events import Event
from wfm.forecast.intraday import weekday_of

MIN_DAYS = 2
"""Least next open days after holidays seen in history for a catch-up to be learnt."""
SAME_SIDE_SHARE = 0.8
"""Least share of those days whose ratio lies on the pooled ratio's side of 1."""
MIN_RATIO = 1.10
"""Least catch-up (or shortfall, 1 / MIN_RATIO) worth applying."""
NOISE_Z = 3.0
"""Standard errors of the pooled ratio's log that it must exceed: three, since every
series of a run is tested (Seattle 911's vehicle incidents, about 10 a day, were 0.50–1.11
of the usual on four of five days after holidays, then 1.38 and 1.69: at two standard
errors that noise was learnt as a shortfall)."""
MAX_GAP_DAYS = 4
"""Days after a holiday searched for its next open day [days]."""
NOTE_DAYS = 4
"""Most recent days a note lists (the stage's figure ``catch_up`` lists them all)."""
REFERENCE_WEEKS = 4
"""Weeks before and after a day whose same weekday gives its expected total [weeks]."""
OPEN_WEEK_SHARE = 0.5
"""Least share of the history's weeks with contacts on a weekday for it to be open."""


@dataclass(frozen=True, slots=True)
class CatchUp:
    """A catch-up learnt from history.

    Attributes
    ----------
    multiplier : float
        Pooled ratio R of the next open days' totals to their expected totals.
    seen : tuple of (int, float)
        Local date ordinal and ratio r of each next open day it was learnt from.
    """

    multiplier: float
    seen: tuple[tuple[int, float], ...]

    def figure(self, applied: Iterable[int]) -> dict:
        """The catch-up as a figure of the stage: multiplier, days learnt from (with their
        ratios) and forecast days applied to (ISO dates)."""
        return {
            "multiplier": round(self.multiplier, 4),
            "learnt_from": {_iso(o): round(r, 4) for o, r in self.seen},
            "applied_to": [_iso(o) for o in applied],
        }

    def describe(self, applied: Iterable[int]) -> str:
        """One line for the forecast's notes."""
        shown = [f"{_iso(o)} ×{r:.2f}" for o, r in self.seen[-NOTE_DAYS:]]
        days = ", ".join(shown if len(self.seen) <= NOTE_DAYS else ["…", *shown])
        to = [_iso(o) for o in applied]
        where = f"; applied to {', '.join(to)}" if to else "; no such day in the forecast"
        return (
            f"catch-up after public holidays: the next open day ×{self.multiplier:.2f}, "
            f"learnt from {len(self.seen)} days after holidays ({days}){where}"
        )


@dataclass(frozen=True, slots=True)
class OpenDays:
    """Which calendar days a series is open on.

    Attributes
    ----------
    weekdays : frozenset of int
        Open weekdays (Monday 0), from the history (:func:`open_weekdays`).
    closed : frozenset of int
        Local date ordinals closed whatever their weekday: public holidays, days of a
        multiplier-0 event, and forecast days without an open interval.
    """

    weekdays: frozenset[int]
    closed: frozenset[int]

    def next_after(self, day: int) -> int | None:
        """The first open day after ``day``, within ``MAX_GAP_DAYS``."""
        for d in range(day + 1, day + 1 + MAX_GAP_DAYS):
            if d not in self.closed and int(weekday_of(d)) in self.weekdays:
                return d
        return None


def open_weekdays(ordinals: np.ndarray) -> frozenset[int]:
    """Weekdays with contacts in at least ``OPEN_WEEK_SHARE`` of the weeks the days with
    contacts (``ordinals``) span."""
    if ordinals.size == 0:
        return frozenset()
    weeks = max(1.0, (int(ordinals.max()) - int(ordinals.min()) + 1) / 7.0)
    wd = weekday_of(ordinals)
    return frozenset(w for w in range(7) if (wd == w).sum() >= OPEN_WEEK_SHARE * weeks)


def closing_holidays(holidays: frozenset[int], days: OpenDays) -> list[int]:
    """The holidays that fall on an open weekday, in date order."""
    return sorted(h for h in holidays if int(weekday_of(h)) in days.weekdays)


def learn_catch_up(
    ordinals: np.ndarray, totals: np.ndarray, holidays: frozenset[int], days: OpenDays
) -> CatchUp | None:
    """The catch-up of a series on the day after a public holiday, or None.

    Parameters
    ----------
    ordinals : numpy.ndarray
        Local date ordinals of the history's days with contacts, after the user's events
        (:func:`wfm.forecast.engine` leaves out closed, absolute and outage days).
    totals : numpy.ndarray
        Contacts of each of those days, divided by their event multiplier [contacts].
    holidays : frozenset of int
        Local date ordinals of public holidays.
    days : OpenDays
        The series' open days.

    Returns
    -------
    CatchUp or None
        None unless the rule of the module holds.
    """
    total = dict(zip(ordinals.tolist(), np.asarray(totals, dtype=float).tolist(), strict=True))
    if not total:
        return None
    first, last = min(total), max(total)
    # a holiday before the history's first day cannot tell its next open day from a start
    inside = [h for h in closing_holidays(holidays, days) if first < h < last]
    after = {d for h in inside if (d := days.next_after(h)) is not None}
    seen: list[tuple[int, float, float]] = []
    var_sum = 0.0
    for d in sorted(a for a in after if a in total):
        ref = [
            total[r]
            for k in range(1, REFERENCE_WEEKS + 1)
            for r in (d - 7 * k, d + 7 * k)
            if r in total and r not in holidays and r not in after
        ]
        if len(ref) >= 2 and (e := float(np.median(ref))) > 0:
            seen.append((d, total[d], e))
            var_sum += max(e, float(np.var(ref, ddof=1)))  # Poisson, or the days' own spread
    return _significant(seen, var_sum)


def _significant(seen: list[tuple[int, float, float]], var_sum: float) -> CatchUp | None:
    """The pooled catch-up of the days seen (day, total, expected), if it is no noise."""
    if len(seen) < MIN_DAYS:
        return None
    t_sum = sum(t for _, t, _ in seen)
    e_sum = sum(e for _, _, e in seen)
    if t_sum <= 0:
        return None
    log_r = float(np.log(t_sum / e_sum))
    same_side = np.mean([np.sign(np.log(max(t, 1e-9) / e)) == np.sign(log_r) for _, t, e in seen])
    if abs(log_r) < np.log(MIN_RATIO) or abs(log_r) < NOISE_Z * np.sqrt(var_sum) / e_sum:
        return None
    if same_side < SAME_SIDE_SHARE:
        return None
    return CatchUp(multiplier=float(np.exp(log_r)), seen=tuple((d, t / e) for d, t, e in seen))


def catch_up_events(
    catch: CatchUp,
    holidays: frozenset[int],
    days: OpenDays,
    history: tuple[int, int],
    targets: set[int],
    forecast_closed: set[int],
    given: tuple[Event, ...],
) -> tuple[tuple[Event, ...], tuple[int, ...]]:
    """The series' events with the catch-up added, and the forecast days it applies to.

    Parameters
    ----------
    catch : CatchUp
        The learnt catch-up.
    holidays : frozenset of int
        Public holidays.
    days : OpenDays
        The series' open days; its ``closed`` days include the forecast days without an
        open interval.
    history : (int, int)
        First and last local date ordinal of the history.
    targets : set of int
        Local date ordinals of the forecast days.
    forecast_closed : set of int
        Forecast days without an open interval.
    given : tuple of Event
        The series' own events; a day they name keeps its event.

    Returns
    -------
    (tuple of Event, tuple of int)
        Every event of the series, by date (the next open days of the history and of the
        forecast added as multiplier events), and the forecast days the catch-up applies to.
    """
    mine = {o for o, _, _ in given}
    past: set[int] = set()
    applied: set[int] = set()
    for h in closing_holidays(holidays, days):
        if h in targets and h not in forecast_closed:
            continue  # forecast as a usual day: no work lost to catch up
        d = days.next_after(h)
        if d is None or d in mine:
            continue
        if history[0] <= d <= history[1]:
            past.add(d)
        elif d in targets:
            applied.add(d)
    added = tuple((o, catch.multiplier, None) for o in sorted(past | applied))
    return tuple(sorted((*given, *added), key=lambda e: e[0])), tuple(sorted(applied))


def add_catch_up(
    ordinals: np.ndarray,
    contacts: np.ndarray,
    holidays: frozenset[int],
    targets: np.ndarray,
    open_targets: np.ndarray,
    events: tuple[Event, ...],
    outages: frozenset[int],
) -> tuple[tuple[Event, ...], tuple[CatchUp, tuple[int, ...]] | None]:
    """A series' events with its catch-up added, and the catch-up with the forecast days it
    applies to (None, and the events unchanged, where none is learnt).

    Parameters
    ----------
    ordinals : numpy.ndarray
        Local date ordinal of each history row.
    contacts : numpy.ndarray
        Contacts of each history row [contacts].
    holidays : frozenset of int
        Public holidays over the history and the forecast.
    targets, open_targets : numpy.ndarray
        Local date ordinals of the forecast days, and of those with an open interval.
    events : tuple of Event
        The series' own events.
    outages : frozenset of int
        The site's outage days, left out of learning.
    """
    days, totals = _event_day_totals(ordinals, contacts, int(targets.min()), events, outages)
    if days.size == 0:
        return events, None
    forecast_closed = set(targets.tolist()) - set(open_targets.tolist())
    event_closed = {o for o, m, v in events if v is None and m == 0}
    open_days = OpenDays(
        weekdays=open_weekdays(days), closed=frozenset(holidays | event_closed | forecast_closed)
    )
    catch = learn_catch_up(days, totals, holidays, open_days)
    if catch is None:
        return events, None
    span = (int(days.min()), int(days.max()))
    added, applied = catch_up_events(
        catch, holidays, open_days, span, set(targets.tolist()), forecast_closed, events
    )
    return added, (catch, applied)


def _event_day_totals(
    ordinals: np.ndarray,
    contacts: np.ndarray,
    first_target: int,
    events: tuple[Event, ...],
    outages: frozenset[int],
) -> tuple[np.ndarray, np.ndarray]:
    """Local days with contacts before ``first_target`` and their totals, as the user's
    events say a usual day would be: a day of multiplier m divided by m; closed days,
    days of an absolute volume and the site's outages left out [contacts]."""
    before = ordinals < first_target
    days, inv = np.unique(ordinals[before], return_inverse=True)
    totals = np.bincount(inv, weights=contacts[before]) if days.size else np.zeros(0)
    drop = set(outages)
    for o, m, v in events:
        if v is not None or m == 0:
            drop.add(o)
        elif m:
            totals[days == o] /= m
    keep = (totals > 0) & ~np.isin(days, list(drop))
    return days[keep], totals[keep]


def _iso(ordinal: int) -> str:
    return dt.date.fromordinal(int(ordinal)).isoformat()
