"""The day after a public holiday: a catch-up learnt from a series' own history.

Where a public holiday closes the centre, or empties it, part of that day's work arrives on
the next open day: the Tuesday after a Monday holiday of a bank receives more calls than a
usual Tuesday (the bank calls of 2003: 38,235 calls on 27 May, the day after Memorial Day,
against a median of 30,116 on the Tuesdays around it, × 1.27). Whether a series has such a
catch-up, and how large, is learnt from its history when it recurs:

- for each public holiday h inside the history, its **next open day** d is the first day after
  h (within ``MAX_GAP_DAYS``) with data that is not a holiday itself;
- d's ratio is r = T_d / E_d, with T_d its total and E_d the median total of the same
  weekday one to four weeks before and after it (holidays and next open days left out; at
  least two of them);
- the catch-up is the pooled ratio R = Σ T_d / Σ E_d (a ratio of sums, unbiased on sparse
  counts), kept when at least ``MIN_HOLIDAYS`` next open days were seen, at least
  ``SAME_SIDE_SHARE`` of their ratios lie on R's side of 1, and |log R| exceeds both
  log ``MIN_RATIO`` and ``NOISE_Z`` standard errors √(Σ v_d) / Σ E_d, with v_d the
  variance of a day total: the larger of the Poisson E_d and the sample variance of the
  reference days (real counts are overdispersed).

A learnt catch-up becomes a multiplier **event** of the series (:mod:`wfm.forecast.events`):
its history days are divided by R, so the models learn a usual day, and each next open day
after a holiday of the forecast is multiplied by R. An event the user gave for the same day
wins. Public services open every day see no consistent effect (Seattle 911, nine holidays
in 2015–16: ratios of 0.73–1.15 on both sides of 1), and nothing is learnt there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from wfm.forecast.events import Event

MIN_HOLIDAYS = 2
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
            f"learnt from {len(self.seen)} holidays ({days}){where}"
        )


def next_open_day(holiday: int, open_days: set[int], holidays: frozenset[int]) -> int | None:
    """The first day after ``holiday`` in ``open_days`` that is not a holiday itself."""
    for d in range(holiday + 1, holiday + 1 + MAX_GAP_DAYS):
        if d in holidays:
            continue
        if d in open_days:
            return d
    return None


def learn_catch_up(
    ordinals: np.ndarray, totals: np.ndarray, holidays: frozenset[int]
) -> CatchUp | None:
    """The catch-up of a series on the day after a public holiday, or None.

    Parameters
    ----------
    ordinals : numpy.ndarray
        Local date ordinals of the history's days with data.
    totals : numpy.ndarray
        Contacts of each of those days [contacts].
    holidays : frozenset of int
        Local date ordinals of public holidays.

    Returns
    -------
    CatchUp or None
        None unless the rule of the module holds.
    """
    total = dict(zip(ordinals.tolist(), np.asarray(totals, dtype=float).tolist(), strict=True))
    days = set(total)
    first, last = min(days, default=0), max(days, default=0)
    # a holiday before the history's first day cannot tell its next open day from a start
    after = {next_open_day(h, days, holidays) for h in holidays if first < h < last}
    seen: list[tuple[int, float, float]] = []
    var_sum = 0.0
    for d in sorted(a for a in after if a is not None):
        ref = [
            total[r]
            for k in range(1, REFERENCE_WEEKS + 1)
            for r in (d - 7 * k, d + 7 * k)
            if r in total and r not in holidays and r not in after
        ]
        if len(ref) >= 2 and (e := float(np.median(ref))) > 0:
            seen.append((d, total[d], e))
            var_sum += max(e, float(np.var(ref, ddof=1)))  # Poisson, or the days' own spread
    if len(seen) < MIN_HOLIDAYS:
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
    open_days: set[int],
    targets: set[int],
    holidays: frozenset[int],
    given: tuple[Event, ...],
) -> tuple[tuple[Event, ...], tuple[int, ...]]:
    """The series' events with the catch-up added, and the forecast days it applies to.

    Parameters
    ----------
    catch : CatchUp
        The learnt catch-up.
    open_days : set of int
        Local date ordinals of the history's days with data and of the forecast's days
        with an open interval: where each holiday's next open day is looked for.
    targets : set of int
        Local date ordinals of the forecast days.
    holidays : frozenset of int
        Public holidays.
    given : tuple of Event
        The series' own events; a day they name keeps its event.

    Returns
    -------
    (tuple of Event, tuple of int)
        Every event of the series, by date (the catch-up's history days and forecast days
        added as multiplier events), and the forecast days the catch-up applies to.
    """
    mine = {o for o, _, _ in given}
    nexts = {next_open_day(h, open_days, holidays) for h in holidays}
    applied = sorted(d for d in nexts if d is not None and d in targets and d not in mine)
    days = sorted({o for o, _ in catch.seen if o not in mine} | set(applied))
    added = tuple((o, catch.multiplier, None) for o in days)
    return tuple(sorted((*given, *added), key=lambda e: e[0])), tuple(applied)


def _iso(ordinal: int) -> str:
    return dt.date.fromordinal(int(ordinal)).isoformat()
