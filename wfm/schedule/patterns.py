"""Shift patterns: shift templates worked on site-local days, fitted to the opening hours and
placed on the UTC interval grid with the on-queue coverage they give.

A template worked on a site-local day becomes a *pattern*: its local start is turned into a
UTC instant with the site's time zone, and the shift then lasts ``shift_length_min`` minutes
of elapsed time. So a night shift that starts at 22:00 on the night clocks go back covers
the same eight elapsed hours as on any other night, and ends at 05:00 local instead of
06:00. Coverage is the on-queue share of each UTC interval, breaks removed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wfm.core.calendar import public_holidays, weekday_name
from wfm.core.checks import check_hhmm
from wfm.core.config import WEEKDAYS, ShiftRules, SiteConfig
from wfm.core.errors import ConfigError, InfeasibleError
from wfm.core.units import MIN_PER_DAY
from wfm.schedule.templates import ShiftTemplate, hhmm, shift_templates


def open_window_min(
    site: SiteConfig, day: dt.date, holidays: frozenset[dt.date] = frozenset()
) -> tuple[int, int] | None:
    """Opening window of ``site`` on local ``day`` in minutes after its midnight, or None.

    A window that reaches 24:00 runs on into the next day's window when that one opens at
    00:00 (so a site open around the clock takes night shifts).
    """
    if site.closed_on_holidays and day in holidays:
        return None
    span = site.open_span_min(weekday_name(day))
    if span is None:
        return None
    start, end = span
    if end <= start:
        end += MIN_PER_DAY
    if end == MIN_PER_DAY:
        nxt = day + dt.timedelta(days=1)
        nspan = (
            None
            if (site.closed_on_holidays and nxt in holidays)
            else site.open_span_min(weekday_name(nxt))
        )
        if nspan is not None and nspan[0] == 0:
            nend = nspan[1] if nspan[1] > 0 else MIN_PER_DAY
            end = MIN_PER_DAY + nend
    return start, end


def site_holidays(site: SiteConfig, days: list[dt.date]) -> frozenset[dt.date]:
    """Public holidays of the site's country over the years of ``days``."""
    if not site.country or not days:
        return frozenset()
    years = sorted({d.year for d in days} | {(d + dt.timedelta(days=1)).year for d in days})
    return public_holidays(site.country, years)


def local_start_utc(day: dt.date, start_min: int, tz: str) -> pd.Timestamp | None:
    """UTC instant of local ``day`` + ``start_min``; None when that wall time does not exist.

    A wall time that occurs twice (clocks going back) is taken at its first occurrence.
    """
    wall = pd.Timestamp(day) + pd.Timedelta(minutes=start_min)
    ts = wall.tz_localize(tz, ambiguous=True, nonexistent="NaT")
    if ts is pd.NaT:
        return None
    return ts.tz_convert("UTC")


@dataclass(frozen=True, slots=True, kw_only=True)
class Pattern:
    """A template worked on one site-local day, placed on the UTC interval grid.

    Attributes
    ----------
    local_date : datetime.date
        Site-local day the shift starts on.
    template : ShiftTemplate
        The shift.
    start_utc : pandas.Timestamp
        UTC start instant.
    intervals : numpy.ndarray of int
        Indices of grid intervals the shift has on-queue time in.
    on_queue_rate : numpy.ndarray of float
        On-queue share of each of those intervals (1.0 = the whole interval).
    """

    local_date: dt.date
    template: ShiftTemplate
    start_utc: pd.Timestamp
    intervals: np.ndarray
    on_queue_rate: np.ndarray


def site_patterns(
    site: SiteConfig,
    templates: list[ShiftTemplate],
    days: list[dt.date],
    grid_start: pd.Timestamp,
    n_intervals: int,
    interval_min: int,
) -> list[Pattern]:
    """Patterns of ``site`` on local ``days``: templates inside the day's opening window.

    A template fits a day when it starts and ends inside the opening window and its local
    start exists (not inside a spring-forward gap). In an interval the window covers only in
    part (opening hours off the interval grid, a +05:30 or +05:45 site on a 60-minute UTC
    grid), a shift's on-queue share is measured against the open part: an agent on queue
    for all of it counts as one agent there.

    Raises
    ------
    InfeasibleError
        The site is open on a day and no template fits its opening window (rule
        ``shift templates``).
    """
    holidays = site_holidays(site, days)
    out: list[Pattern] = []
    for day in days:
        window = open_window_min(site, day, holidays)
        if window is None:
            continue
        fits = _fitting(templates, window)
        open_min = _open_minutes(day, window, site.tz, grid_start)
        if not fits:
            raise InfeasibleError(
                f"rule 'shift templates': {_no_fit_text(site, day, window, templates)}"
            )
        for t in fits:
            start = local_start_utc(day, t.start_min, site.tz)
            if start is None:
                continue
            offset_min = (start - grid_start).total_seconds() / 60.0
            idx, rate = _coverage(
                t.on_queue_spans(), offset_min, n_intervals, interval_min, open_min
            )
            if len(idx) == 0:
                continue
            out.append(
                Pattern(
                    local_date=day, template=t, start_utc=start, intervals=idx, on_queue_rate=rate
                )
            )
    return out


def _open_minutes(
    day: dt.date, window: tuple[int, int], tz: str, grid_start: pd.Timestamp
) -> tuple[float, float] | None:
    """The day's opening window in minutes after ``grid_start`` (None in a DST gap)."""
    lo, hi = (local_start_utc(day, m, tz) for m in window)
    if lo is None or hi is None:
        return None
    return (
        (lo - grid_start).total_seconds() / 60.0,
        (hi - grid_start).total_seconds() / 60.0,
    )


def _fitting(templates: list[ShiftTemplate], window: tuple[int, int]) -> list[ShiftTemplate]:
    return [t for t in templates if t.start_min >= window[0] and t.end_min <= window[1]]


def _no_fit_text(
    site: SiteConfig,
    day: dt.date,
    window: tuple[int, int],
    templates: list[ShiftTemplate],
    rules: ShiftRules | None = None,
) -> str:
    """Why no template fits ``window`` and, given the rules, what length would."""
    head = (
        f"no shift template fits the opening hours of site {site.name!r} on "
        f"{weekday_name(day)} {day.isoformat()} ({hhmm(window[0])}-{hhmm(window[1])})"
    )
    if rules is None:
        if not templates:
            return (
                f"{head}: no length of shifts.lengths_min gives a template inside "
                "[shifts.earliest_start_local, shifts.latest_end_local] with its breaks"
            )
        shortest = min(t.length_min for t in templates)
        return f"{head}: the shortest template is {shortest} min"
    first = check_hhmm("earliest_start_local", rules.earliest_start_local)
    last_end = check_hhmm("latest_end_local", rules.latest_end_local)
    if last_end <= first:
        last_end += MIN_PER_DAY
    starts = [
        s for s in range(first, min(last_end, MIN_PER_DAY), rules.start_step_min) if s >= window[0]
    ]
    end = min(window[1], last_end)
    lengths = ", ".join(str(v) for v in sorted(rules.lengths_min))
    shifts_in = (
        f"shifts.lengths_min ({lengths} min) inside shifts.earliest_start_local-"
        f"latest_end_local ({rules.earliest_start_local}-{rules.latest_end_local})"
    )
    if starts and end > starts[0]:
        fit = (
            f"a shift starting at {hhmm(starts[0])} and ending by {hhmm(end)} would fit: "
            f"expected a length of at most {end - starts[0]} min (breaks included)"
        )
    else:
        fit = (
            "no shift start (every start_step_min from earliest_start_local) lies inside "
            "it; expected opening hours that overlap the shift times"
        )
    return f"{head} with {shifts_in}; {fit}"


def check_site_shifts(
    site: SiteConfig,
    rules: ShiftRules,
    interval_min: int,
    days: list[dt.date],
    horizon: list[dt.date],
) -> None:
    """Raise :class:`ConfigError` unless ``site`` opens on some weekday and a template fits
    the opening window of each of its open ``days``.

    Parameters
    ----------
    site : SiteConfig
        The site (hours, holidays).
    rules : ShiftRules
        Shift starts, lengths and breaks (not checked for a site without pools, whose
        shifts are not planned).
    interval_min : int
        Interval of the scenario (default step of break starts) [min].
    days : list of datetime.date
        Site-local days the schedule places shifts on (the horizon and the partial days
        around it that the UTC grid touches).
    horizon : list of datetime.date
        Planned days (their holidays are looked up). A horizon on which the site happens to
        be closed (a Sunday, a public holiday) is valid: the plan says so. A site closed on
        every weekday is the error.
    """
    holidays = site_holidays(site, sorted(set(days) | set(horizon)))
    if all(site.open_span_min(d) is None for d in WEEKDAYS):
        raise ConfigError(
            f"site {site.name!r} never opens: every weekday is closed; expected opening hours "
            "such as mon = '08:00-20:00'",
            key=f"sites.{site.name}.hours",
        )
    if not site.pools:
        return
    templates = shift_templates(rules, interval_min)
    for day in days:
        window = open_window_min(site, day, holidays)
        if window is not None and not _fitting(templates, window):
            raise ConfigError(
                _no_fit_text(site, day, window, templates, rules), key="shifts.lengths_min"
            )


def _coverage(
    spans: list[tuple[int, int]],
    offset_min: float,
    n_intervals: int,
    interval_min: int,
    open_min: tuple[float, float] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    share: dict[int, float] = {}
    for a, b in spans:
        lo, hi = offset_min + a, offset_min + b
        first, last = int(np.floor(lo / interval_min)), int(np.ceil(hi / interval_min))
        for i in range(max(first, 0), min(last, n_intervals)):
            start, end = i * interval_min, (i + 1) * interval_min
            overlap = min(hi, end) - max(lo, start)
            base = float(interval_min)
            if open_min is not None:  # an interval the window opens only in part
                part = min(open_min[1], end) - max(open_min[0], start)
                if 1e-9 < part < base:
                    base = part
            if overlap > 1e-9:
                share[i] = min(1.0, share.get(i, 0.0) + overlap / base)
    idx = np.array(sorted(share), dtype=np.int64)
    return idx, np.array([share[i] for i in idx], dtype=float)
