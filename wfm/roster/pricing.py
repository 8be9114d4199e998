"""One person's rules as the arrays the labelling of :mod:`wfm.roster.labels` reads.

Pure numpy from a one-person :class:`wfm.roster.RosterProblem` (no cover, no spreads): the
options each day allows, each option's own cost per day, the forbidden successions, paid
minutes, capped shift types, start times, calendar weeks and weekends, and the contract's
limits and the soft terms' weights as integers.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

from wfm.roster.problem import RosterProblem, shift_allowed

NONE = 1 << 40  # "no limit" of a resource, in its own units


@dataclass(frozen=True, eq=False)
class PricingData:
    """One person's rules as arrays for :func:`wfm.roster.labels.cheapest_patterns`
    (build with :func:`pricing_data`).

    Attributes
    ----------
    shift_ids : tuple of str
        Shift ids in option order (option ``k + 1`` is ``shift_ids[k]``; option 0 is off).
    allowed : ndarray of bool, shape (days, shifts + 1)
        Options each day allows (time off, pools, nights, start and end limits, pins).
    day_cost : ndarray of int64, shape (days, shifts + 1)
        Each option's own cost on each day (requests, changes from the published roster)
        [weight units].
    ints : ndarray of int64
        The person's limits and weights, in the order of ``INTS``.
    forbid, paid, cap_col, caps, start_bit, week_of, weekend_of, most_left
        Forbidden successions (shifts × shifts), paid minutes per shift [min], resource
        column of each capped shift type (−1: not capped) and its cap, start-time bit per
        shift, calendar week and weekend (−1: none) of each day, and the most paid minutes
        the days from each day on can still add [min].
    """

    shift_ids: tuple[str, ...]
    allowed: np.ndarray
    day_cost: np.ndarray
    ints: np.ndarray
    forbid: np.ndarray
    paid: np.ndarray
    cap_col: np.ndarray
    caps: np.ndarray
    start_bit: np.ndarray
    week_of: np.ndarray
    weekend_of: np.ndarray
    most_left: np.ndarray


# order of PricingData.ints
INTS = (
    "min_total", "max_total", "short_w", "max_cons", "min_cons", "min_off", "max_week_days",
    "max_week_min", "max_weekends", "iso_w", "start_w", "n_caps",
)  # fmt: skip


def pricing_data(alone: RosterProblem) -> PricingData | None:
    """The arrays of the single person of ``alone`` (a problem without cover and spreads),
    or None when a rule is not a label's state (a rotation)."""
    if alone.rotation_days > 0 and alone.weights.rotation:
        return None
    person, wt = alone.staff[0], alone.weights
    c, shifts, days = person.contract, alone.shifts, alone.days
    n = len(shifts)
    index = option_index(shifts)
    allowed = np.zeros((days, n + 1), dtype=np.bool_)
    allowed[:, 0] = True
    for d in range(days):
        for k, s in enumerate(shifts):
            allowed[d, k + 1] = not shift_allowed(alone, person, d, s)
    cost = np.zeros((days, n + 1), dtype=np.int64)
    _requests(alone, index, cost)
    _published(alone, index, allowed, cost)
    ways = {s.id: k for k, s in enumerate(shifts)}
    forbid = np.zeros((n, n), dtype=np.bool_)
    for a, b in alone.forbidden_successions():
        if a in ways and b in ways:
            forbid[ways[a], ways[b]] = True
    paid = np.array([s.paid_min for s in shifts], dtype=np.int64)
    cap_col, caps = np.full(n, -1, dtype=np.int64), np.zeros(n, dtype=np.int64)
    cols = 0
    for k, s in enumerate(shifts):
        cap = c.max_shifts.get(s.id)
        if cap is not None and cap < int(allowed[:, k + 1].sum()):
            cap_col[k], caps[k], cols = cols, cap, cols + 1
    starts = sorted({s.start_min for s in shifts})
    start_bit = np.array([1 << starts.index(s.start_min) for s in shifts], dtype=np.int64)
    week_of = np.zeros(days, dtype=np.int64)
    for k, week in enumerate(alone.weeks()):
        week_of[week] = k
    weekend_of = np.full(days, -1, dtype=np.int64)
    ends = alone.weekends()
    for k, we in enumerate(ends):
        weekend_of[we] = k
    best_day = np.where(allowed[:, 1:], paid[None, :], 0).max(axis=1, initial=0)
    most_left = np.concatenate([np.cumsum(best_day[::-1])[::-1], [0]]).astype(np.int64)
    short_w = wt.short_per_min if (c.min_total_min or 0) > 0 else 0
    values = {
        "min_total": c.min_total_min or 0,
        "max_total": NONE if c.max_total_min is None else c.max_total_min,
        "short_w": short_w,
        "max_cons": c.max_consecutive_days or 0,
        "min_cons": c.min_consecutive_days or 0,
        "min_off": c.min_consecutive_days_off or 0,
        "max_week_days": _limit(c.max_days_per_week, 7),
        "max_week_min": _limit(c.max_min_per_week, NONE),
        "max_weekends": _limit(c.max_weekends, len(ends)),
        "iso_w": wt.isolated_day_off,
        "start_w": wt.start_change if len(starts) > 1 else 0,
        "n_caps": cols,
    }
    ints = np.array([values[k] for k in INTS], dtype=np.int64)
    return PricingData(
        tuple(s.id for s in shifts), allowed, cost, ints, forbid, paid, cap_col, caps,
        start_bit, week_of, weekend_of, most_left,
    )  # fmt: skip


def option_index(shifts) -> dict[str, int]:
    """Each shift type's option in the labelling's arrays, by id (option 0 is the day off)."""
    return {s.id: k + 1 for k, s in enumerate(shifts)}


def price_table(pb: RosterProblem, prices: dict[tuple[int, str], int]) -> np.ndarray:
    """The cover ``prices`` ((day, shift id) → price) as the labelling reads them: days ×
    (day off, shifts in problem order)."""
    index = option_index(pb.shifts)
    table = np.zeros((pb.days, len(pb.shifts) + 1), dtype=np.int64)
    for (d, t), v in prices.items():
        table[d, index[t]] = v
    return table


def _limit(most: int | None, reach: int) -> int:
    """A limit as the kernel takes it: ``NONE`` where it cannot bind (at least ``reach``)."""
    return NONE if most is None or most >= reach else most


def _requests(pb: RosterProblem, index: dict[str, int], cost: np.ndarray) -> None:
    """Add each request's penalty (:meth:`wfm.roster.problem.Request.penalty`) to every
    option of its day."""
    for r in pb.requests:
        if r.staff != pb.staff[0].id or not r.weight or not 0 <= r.day < pb.days:
            continue
        _add_costs(cost, r.day, index, r.penalty)


def _published(pb: RosterProblem, index: dict[str, int], allowed, cost) -> None:
    """Pinned days allow their published option only (unless it is now impossible);
    other published days add :meth:`RosterProblem.change_penalty` to every option."""
    sid = pb.staff[0].id
    for who, d in pb.published:
        if who != sid or not 0 <= d < pb.days:
            continue
        t = pb.published[who, d]
        k = 0 if t is None else index.get(t, -1)
        if (who, d) in pb.pinned and k >= 0 and allowed[d, k]:
            allowed[d, :] = False
            allowed[d, k] = True
        elif pb.weights.change:
            _add_costs(cost, d, index, partial(pb.change_penalty, sid, d))


def _add_costs(cost: np.ndarray, d: int, index: dict[str, int], penalty) -> None:
    """Add ``penalty(shift id or None)`` to each option of day ``d``."""
    cost[d, 0] += penalty(None)
    for shift_id, k in index.items():
        cost[d, k] += penalty(shift_id)
