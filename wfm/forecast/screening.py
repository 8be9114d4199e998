"""Days that are not normal: found, kept out of fitting, and reported per series.

The models learn from a panel of local days (:class:`~wfm.forecast.intraday.DayPanel`).
Before they see it, each day with data is screened:

- **holiday**: a public holiday of the site's country (scenario ``country`` or
  ``--country``), or an event with a multiplier of 0 or an absolute volume;
- **partial**: the day's volume stops (or starts) early: its first or last hours hold no
  contacts although the weekday's intraday profile puts at least 10 % of the day there and
  both the rest of the day and the weekday's median day imply at least 5 contacts in them
  (a Poisson chance below 1 % of seeing none). A log cut mid-day, zero-filled or not, is
  so told from a quiet day by volume, not by its number of rows;
- **anomalous**: a day total far from its expected level, the median of the same weekday
  over the 8 weeks around it scaled by the level of the days of its own week (so a level
  shift of a whole week is not an anomaly): |log((T + 1) / (E + 1)) − w| above
  max(4 σ, log 1.6), with w the median log ratio of the other days within three days and σ
  the robust (1.4826 × MAD) spread of these deviations over the series; days expected at 0
  are not judged;
- **outage**: the same test, low side only, on the summed day totals of every series of a
  site (:func:`outage_days`, two series or more): a day the whole site fell far below its
  level (a system down, an export that lost a day) is set aside in each of its series,
  even where one series alone is too sparse to tell it from noise.

Days set aside become missing rows; the models impute them from nearby days of the same
weekday. Days without data, of a weekday that has data in at least half of its weeks, are
reported as **missing**.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from wfm.forecast.intraday import DayPanel

PARTIAL_SHARE = 0.10
"""Least profile share of an empty head or tail of a day for it to be partial."""
PARTIAL_CONTACTS = 5.0
"""Least contacts expected in that empty head or tail [contacts]."""
ANOMALY_SIGMAS = 4.0
"""Robust deviations beyond which a day total is anomalous."""
ANOMALY_MIN_LOG = float(np.log(1.6))
"""Least log ratio to the expected level of an anomalous day."""


@dataclass(frozen=True, slots=True)
class SetAside:
    """One day kept out of fitting: local date ordinal and reason."""

    ordinal: int
    reason: str

    @property
    def date(self) -> dt.date:
        """Local date."""
        return dt.date.fromordinal(self.ordinal)


def screen_days(
    panel: DayPanel, holidays: frozenset[int] = frozenset(), outages: frozenset[int] = frozenset()
) -> tuple[DayPanel, tuple[SetAside, ...]]:
    """Set aside holidays, the site's outages, partial and anomalous days of a history panel.

    Parameters
    ----------
    panel : DayPanel
        History; rows of ``NaN`` are days without data.
    holidays : frozenset of int
        Local date ordinals of public holidays and zero or absolute events.
    outages : frozenset of int
        Local date ordinals of the site's outages (:func:`outage_days`).

    Returns
    -------
    (DayPanel, tuple of SetAside)
        The panel with those days as ``NaN`` rows, and every day set aside or missing
        (between the first and last day with data), oldest first.
    """
    values = panel.values.copy()
    valid = ~np.isnan(values).all(axis=1)
    out: dict[int, str] = {}
    first, last = np.flatnonzero(valid)[[0, -1]] if valid.any() else (0, -1)
    wds = panel.weekdays
    for r in range(first, last + 1):
        same = wds[first : last + 1] == wds[r]
        usual = valid[first : last + 1][same].mean() >= 0.5
        if not valid[r] and usual and panel.day0 + r not in holidays:
            out[r] = "missing"  # a day without data of a weekday that usually has data
    for h in np.flatnonzero(valid):
        if panel.day0 + h in holidays:
            out[int(h)] = "holiday"
            valid[h] = False
        elif panel.day0 + h in outages:
            out[int(h)] = "outage"
            valid[h] = False
    values[~valid] = np.nan
    for r in _partial_rows(values, panel.weekdays):
        out[int(r)] = "partial"
        valid[r] = False
    values[~valid] = np.nan
    for r in _anomalous_rows(values):
        out[int(r)] = "anomalous"
    for r, why in out.items():
        if why != "missing":
            values[r] = np.nan
    clean = DayPanel(day0=panel.day0, values=values, interval_min=panel.interval_min)
    found = tuple(SetAside(panel.day0 + r, out[r]) for r in sorted(out))
    return clean, found


def _weekday_shares(values: np.ndarray, weekdays: np.ndarray) -> np.ndarray:
    """Mean intraday share per weekday over the days with volume (7 × slots)."""
    tot = np.nansum(values, axis=1)
    ok = ~np.isnan(values).all(axis=1) & (tot > 0)
    shares = np.zeros((7, values.shape[1]))
    pooled = np.nansum(values[ok], axis=0)
    pooled = pooled / pooled.sum() if pooled.sum() > 0 else pooled
    for wd in range(7):
        rows = ok & (weekdays == wd)
        s = np.nansum(values[rows], axis=0)
        shares[wd] = s / s.sum() if rows.sum() >= 2 and s.sum() > 0 else pooled
    return shares


def _partial_rows(values: np.ndarray, weekdays: np.ndarray) -> list[int]:
    shares = _weekday_shares(values, weekdays)
    tot = np.nansum(values, axis=1)
    has = ~np.isnan(values).all(axis=1)
    usual = np.array(
        [
            np.median(tot[has & (weekdays == w)]) if (has & (weekdays == w)).any() else 0.0
            for w in range(7)
        ]
    )
    found = []
    for r in np.flatnonzero(~np.isnan(values).all(axis=1)):
        y = np.nan_to_num(values[r])
        prof = shares[int(weekdays[r])]
        nz = np.flatnonzero(y > 0)
        if nz.size == 0:
            continue  # an empty day is judged by its level, not its shape
        head = prof[: nz[0]].sum()
        tail = prof[nz[-1] + 1 :].sum()
        for gap in (head, tail):
            # contacts the gap should hold, by the rest of the day and by the usual day
            want = min(y.sum() * gap / max(1.0 - gap, 1e-9), usual[int(weekdays[r])] * gap)
            if gap >= PARTIAL_SHARE and want >= PARTIAL_CONTACTS:
                found.append(int(r))
                break
    return found


def _anomalous_rows(values: np.ndarray) -> list[int]:
    valid = ~np.isnan(values).all(axis=1)
    dev, limit = _deviations(np.where(valid, np.nansum(values, axis=1), np.nan))
    return [int(r) for r in np.flatnonzero(np.abs(dev) > limit)]


def _deviations(tot: np.ndarray) -> tuple[np.ndarray, float]:
    """Each day total's log deviation from its expected level, net of its week's level
    (``NaN`` where it cannot be judged), and the limit beyond which it is anomalous
    (``inf`` with fewer than 10 days judged)."""
    valid = np.isfinite(tot)
    n = len(tot)
    expected = np.full(n, np.nan)
    for r in np.flatnonzero(valid):
        same = r + 7 * np.arange(-4, 5)
        same = same[(same >= 0) & (same < n) & (same != r)]
        same = same[valid[same]]
        if same.size >= 3:
            expected[r] = np.median(tot[same])
    ratio = np.log((tot + 1.0) / (expected + 1.0))
    ok = np.isfinite(ratio)
    if ok.sum() < 10:
        return np.full(n, np.nan), float("inf")
    # the level of a day's own week: the median ratio of the other days within three days
    week = np.full(n, 0.0)
    for r in np.flatnonzero(ok):
        near = np.arange(max(0, int(r) - 3), min(n, int(r) + 4))
        near = near[(near != r) & ok[near]]
        if near.size >= 2:
            week[r] = np.median(ratio[near])
    dev = np.where(expected > 0, ratio - week, 0.0)  # a day expected closed is not judged
    sigma = 1.4826 * float(np.median(np.abs(dev[ok] - np.median(dev[ok]))))
    return np.where(ok, dev, np.nan), max(ANOMALY_SIGMAS * sigma, ANOMALY_MIN_LOG)


def outage_days(panels: list[DayPanel]) -> frozenset[int]:
    """Local date ordinals on which the summed volume of ``panels`` (the series of one
    site, two or more) fell far below its level: the low side of the anomalous-day test of
    :func:`screen_days` applied to the site's day totals. A day without data in any series
    counts the others' volume only."""
    panels = [p for p in panels if p.n_days and p.valid.any()]
    if len(panels) < 2:
        return frozenset()
    day0 = min(p.day0 for p in panels)
    n = max(p.day0 + p.n_days for p in panels) - day0
    tot, seen = np.zeros(n), np.zeros(n, dtype=bool)
    for p in panels:
        rows = slice(p.day0 - day0, p.day0 - day0 + p.n_days)
        tot[rows] += np.nansum(p.values, axis=1)
        seen[rows] |= p.valid
    dev, limit = _deviations(np.where(seen, tot, np.nan))
    return frozenset(int(day0 + r) for r in np.flatnonzero(dev < -limit))


def describe(found: tuple[SetAside, ...], shown: int = 6) -> str:
    """One line for the notes: days set aside per reason, with their dates."""
    parts = []
    for why in ("holiday", "outage", "partial", "anomalous", "missing"):
        days = [s.date.isoformat() for s in found if s.reason == why]
        if days:
            more = f" and {len(days) - shown} more" if len(days) > shown else ""
            parts.append(f"{len(days)} {why} ({', '.join(days[:shown])}{more})")
    return "days set aside from fitting: " + "; ".join(parts) if parts else ""


LEVEL_BREAK_RATE = 2.0
"""Ratio of the last four weeks' daily level to the level before, either way, that warns."""


def level_break(panel: DayPanel) -> str:
    """A warning when the last four weeks' level breaks from the history before them.

    Returns
    -------
    str
        Empty unless the mean daily total of the last 28 days (days with data) is below
        1 / ``LEVEL_BREAK_RATE`` or above ``LEVEL_BREAK_RATE`` times that of the days
        before (a collapse or a surge the models may not follow).
    """
    valid = panel.valid
    tot = np.nansum(panel.values, axis=1)
    cut = panel.n_days - 28
    before, after = valid[:cut], valid[cut:]
    if cut < 14 or before.sum() < 7 or after.sum() < 7:
        return ""
    old = float(tot[:cut][before].mean())
    new = float(tot[cut:][after].mean())
    if old <= 0 or LEVEL_BREAK_RATE**-1 <= new / old <= LEVEL_BREAK_RATE:
        return ""
    kind = "collapse" if new < old else "surge"
    return (
        f"recent level breaks from the history ({kind}): {new:.1f} contacts a day over the "
        f"last 4 weeks against {old:.1f} before ({new / old:.0%}); check the data or plan "
        "the level by hand"
    )
