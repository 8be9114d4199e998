"""Local-day panels, intraday profiles, handle time and calendar adjustments.

A series' history is held as a panel of site-local days × interval slots of the day
(slot = local minutes after midnight // ``interval_min``). Days are placed by their real
local date, so a missing day stays a missing row and never shifts the weekly phase; the
repeated hour of an autumn DST change maps twice onto the same slots (its two values are
averaged in history, and both intervals receive the slot's forecast), and the skipped hour
of a spring change is simply never asked for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wfm.core.units import MIN_PER_DAY


@dataclass(frozen=True, slots=True)
class DayPanel:
    """History of one series on a local-day grid.

    Attributes
    ----------
    day0 : int
        Proleptic ordinal (``datetime.date.toordinal``) of the first row's local date.
    values : numpy.ndarray
        Days × slots contacts; a row of ``NaN`` is a day without usable data (absent from
        the history, or removed as a holiday or event) [contacts].
    interval_min : int
        Interval length [min].
    """

    day0: int
    values: np.ndarray
    interval_min: int

    @property
    def n_days(self) -> int:
        """Number of local days (rows)."""
        return int(self.values.shape[0])

    @property
    def ordinals(self) -> np.ndarray:
        """Local date ordinal of each row."""
        return self.day0 + np.arange(self.n_days)

    @property
    def weekdays(self) -> np.ndarray:
        """Weekday of each row, 0 = Monday."""
        return weekday_of(self.ordinals)

    @property
    def valid(self) -> np.ndarray:
        """Rows holding data."""
        return ~np.isnan(self.values).all(axis=1)

    def between(self, first: int, end: int) -> DayPanel:
        """The panel restricted to days ``first <= ordinal < end`` (a training window)."""
        a = max(0, min(self.n_days, first - self.day0))
        b = max(a, min(self.n_days, end - self.day0))
        return DayPanel(day0=self.day0 + a, values=self.values[a:b], interval_min=self.interval_min)


def weekday_of(ordinals: np.ndarray | int) -> np.ndarray:
    """Weekday (0 = Monday) of proleptic date ordinals (ordinal 1 is Monday 0001-01-01)."""
    return (np.asarray(ordinals) - 1) % 7


def slots_per_day(interval_min: int) -> int:
    """Interval slots in a local day of 24 hours."""
    return MIN_PER_DAY // interval_min


def local_slots(
    intervals: pd.DatetimeIndex, tz: str, interval_min: int
) -> tuple[np.ndarray, np.ndarray]:
    """Local date ordinal and slot of the day of each UTC interval start.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Date ordinals and slot numbers (local minutes after midnight // ``interval_min``).
    """
    local = pd.DatetimeIndex(intervals).tz_convert(tz)
    # wall-clock minutes since 1970-01-01; their days become proleptic date ordinals
    wall = local.tz_localize(None).as_unit("ns").asi8 // 60_000_000_000
    days = wall // MIN_PER_DAY
    ordinals = days + dt.date(1970, 1, 1).toordinal()
    slots = (wall % MIN_PER_DAY) // interval_min
    return ordinals.astype(np.int64), slots.astype(np.int64)


def day_panel(
    intervals: pd.DatetimeIndex,
    values: np.ndarray,
    tz: str,
    interval_min: int,
    *,
    exclude_ordinals: frozenset[int] = frozenset(),
) -> DayPanel:
    """Arrange one series' history as local days × slots.

    Parameters
    ----------
    intervals : pandas.DatetimeIndex
        UTC interval starts of the history rows.
    values : numpy.ndarray
        Contacts of each row [contacts].
    tz : str
        IANA time zone of the series' site.
    interval_min : int
        Interval length [min].
    exclude_ordinals : frozenset of int
        Local dates (ordinals) to blank out (public holidays, events), so that models never
        learn from them.

    Returns
    -------
    DayPanel
        Days with rows hold 0 where a slot has no row (the export omits closed intervals);
        days with no row are ``NaN``. Partial days are found by volume, not rows
        (:mod:`wfm.forecast.screening`).
    """
    ords, slots = local_slots(intervals, tz, interval_min)
    if ords.size == 0:
        raise ValueError("a day panel needs at least one history row")
    day0 = int(ords.min())
    n_days = int(ords.max()) - day0 + 1
    s = slots_per_day(interval_min)
    total = np.zeros((n_days, s))
    count = np.zeros((n_days, s))
    np.add.at(total, (ords - day0, slots), np.asarray(values, dtype=float))
    np.add.at(count, (ords - day0, slots), 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, total / np.maximum(count, 1.0), 0.0)
    has_day = (count > 0).any(axis=1)
    mean[~has_day] = np.nan
    for o in exclude_ordinals:
        if day0 <= o < day0 + n_days:
            mean[o - day0] = np.nan
    return DayPanel(day0=day0, values=mean, interval_min=interval_min)


def recent_days(panel: DayPanel, weekday: int | None, n: int) -> np.ndarray:
    """Row indices of the last ``n`` valid days (of ``weekday`` when given), oldest first."""
    ok = panel.valid
    if weekday is not None:
        ok = ok & (panel.weekdays == weekday)
    rows = np.flatnonzero(ok)
    return rows[-n:] if n > 0 else rows[:0]


def weekday_profiles(panel: DayPanel, weeks: int) -> np.ndarray:
    """Intraday share of each slot per weekday, robust to one-off spikes.

    Parameters
    ----------
    panel : DayPanel
        History.
    weeks : int
        Recent same-weekday days used per weekday.

    Returns
    -------
    numpy.ndarray
        7 × slots; each row sums to 1 (or is all 0 when that weekday has no volume in
        the pooled history either).

    Notes
    -----
    For each weekday w the share of slot s on day d is p_ds = y_ds / sum_s y_ds; the profile
    is the per-slot trimmed mean of p_ds over the last ``weeks`` days of weekday w (lowest and
    highest share dropped; the median below four days), renormalised to sum to 1. Trimming
    ignores a one-off spike that a plain mean would spread into the profile.
    Weekdays without data take the profile pooled over every weekday.
    """
    s = panel.values.shape[1]
    out = np.zeros((7, s))
    pooled = _median_shares(panel.values[recent_days(panel, None, 7 * weeks)])
    for wd in range(7):
        rows = recent_days(panel, wd, weeks)
        prof = _median_shares(panel.values[rows])
        out[wd] = prof if prof.sum() > 0 else pooled
    return out


def _median_shares(block: np.ndarray) -> np.ndarray:
    if block.size == 0:
        return np.zeros(block.shape[1] if block.ndim == 2 else 0)
    tot = block.sum(axis=1)
    block = block[tot > 0]
    if block.shape[0] == 0:
        return np.zeros(block.shape[1])
    shares = block / block.sum(axis=1, keepdims=True)
    if shares.shape[0] >= 4:  # trimmed mean: drop each slot's lowest and highest share
        srt = np.sort(shares, axis=0)
        med = srt[1:-1].mean(axis=0)
    else:
        med = np.median(shares, axis=0)
    if med.sum() <= 0:  # all trimmed away (very sparse): fall back to the mean share
        med = shares.mean(axis=0)
    return med / med.sum()


def aht_profile(
    panel_contacts: DayPanel,
    panel_work_s: DayPanel,
    weeks: int,
    prior_contacts: float,
    default_aht_s: float,
) -> np.ndarray:
    """Handle time per weekday and slot, volume-weighted and shrunk where data are thin.

    Parameters
    ----------
    panel_contacts : DayPanel
        Contacts with a recorded handle time [contacts].
    panel_work_s : DayPanel
        Handle time summed over those contacts (contacts × ``aht_s``) [s].
    weeks : int
        Recent same-weekday days used.
    prior_contacts : float
        Weight of the prior, in contacts: k in the formula below [contacts].
    default_aht_s : float
        Handle time used when the series has no handle-time data at all [s].

    Returns
    -------
    numpy.ndarray
        7 × slots AHT [s].

    Notes
    -----
    With W_ws and C_ws the work and contacts of weekday w, slot s over recent weeks, the
    slot-of-day prior is a_s = (sum_w W_ws + k · a) / (sum_w C_ws + k) around the series' mean
    a = sum W / sum C, and the estimate is (W_ws + k · a_s) / (C_ws + k): a credibility
    (Bühlmann) weighting [1]_ that tends to the raw volume-weighted mean where volume is high
    and to the profile where it is thin.

    References
    ----------
    .. [1] H. Bühlmann, A. Gisler, *A Course in Credibility Theory and its Applications*,
       Springer, 2005.
    """
    s = panel_contacts.values.shape[1]
    c = np.zeros((7, s))
    w = np.zeros((7, s))
    for wd in range(7):
        rows = recent_days(panel_contacts, wd, weeks)
        if rows.size:
            c[wd] = np.nansum(panel_contacts.values[rows], axis=0)
            w[wd] = np.nansum(panel_work_s.values[rows], axis=0)
    if c.sum() <= 0:
        return np.full((7, s), float(default_aht_s))
    mean = w.sum() / c.sum()
    k = prior_contacts
    slot_prior = (w.sum(axis=0) + k * mean) / (c.sum(axis=0) + k)
    return (w + k * slot_prior[None, :]) / (c + k)
