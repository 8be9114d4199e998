"""One person's working pattern of least reduced cost, by labelling over the days (compiled).

Pricing a person's next pattern (:mod:`wfm.roster.columns`) is a shortest path over the
horizon's days with resources: each day is off or one shift type, and a partial pattern is
a *label* holding what its future depends on. Labels whose state key agrees (the last
day's shift or day off, the length of the current run of working days or days off,
whether that run touches the horizon's first day, the paid minutes so far, whether the
current weekend is counted) are compared, and one that costs no less and has used no less
of every limited resource (shifts of each capped type, weekends, days and minutes of the
current week, the current week's start times) is dropped: it can lead to no better
pattern (dominance; Irnich & Desaulniers 2005, *Shortest path problems with resource
constraints*, in Desaulniers, Desrosiers & Solomon (eds.), *Column Generation*, Springer).
What survives the last day is exact: the least-cost pattern over every one meeting the
person's hard rules, priced with the person's own soft terms.

The rules are those of :func:`wfm.roster.model.build_model` for one person; a rotation
(which compares each day with the same day some weeks earlier) is not a label's state, and
a person whose problem asks for one is priced with CP-SAT instead (:func:`pricing_data`
returns None), as is a person whose search would keep more than ``MOST_LABELS`` labels
(many shift types with their own start times under weekly limits, as in the demo's pools).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit, types
from numba.typed import Dict

from wfm.roster.problem import Contract, RosterProblem, ShiftType, Staff, shift_allowed

NONE = 1 << 40  # "no limit" of a resource, in its own units
INF = 1 << 62  # a cost no pattern reaches
CAPACITY = 1 << 14  # labels allotted to begin with; doubled while a search runs out
# most labels one search may keep: past this (a person with many shift types, start times
# and weekly limits, such as the demo's pools) labelling is slower than CP-SAT's model
MOST_LABELS = 1 << 17


@dataclass(frozen=True, eq=False)
class PricingData:
    """One person's rules as arrays for :func:`cheapest_patterns` (build with
    :func:`pricing_data`).

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
        The person's limits and weights, in the order of ``_INTS``.
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
_INTS = (
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
    index = {s.id: k + 1 for k, s in enumerate(shifts)}
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
    ints = np.array([values[k] for k in _INTS], dtype=np.int64)
    return PricingData(
        tuple(s.id for s in shifts), allowed, cost, ints, forbid, paid, cap_col, caps,
        start_bit, week_of, weekend_of, most_left,
    )  # fmt: skip


def compile_kernel() -> None:
    """Compile the labelling (or load it from numba's cache), once per process. Called
    before a solve's clock starts: compiling takes about 10 s the first time on a machine,
    loading the cached kernel about 0.3 s, and neither should spend a time limit."""
    global _COMPILED
    if not _COMPILED:
        one = RosterProblem(
            days=2, shifts=(ShiftType("a", 0, 60, 60),), staff=(Staff("a", Contract()),)
        )
        data = pricing_data(one)
        assert data is not None
        cheapest_patterns(data, np.zeros((2, 2), dtype=np.int64), 1, 1)
        _COMPILED = True


_COMPILED = False


def _limit(most: int | None, reach: int) -> int:
    """A limit as the kernel takes it: ``NONE`` where it cannot bind (at least ``reach``)."""
    return NONE if most is None or most >= reach else most


def _requests(pb: RosterProblem, index: dict[str, int], cost: np.ndarray) -> None:
    """Add each request's weight to the options that do not meet it."""
    for r in pb.requests:
        if r.staff != pb.staff[0].id or not r.weight or not 0 <= r.day < pb.days:
            continue
        row = cost[r.day]
        if r.shift is None:
            if r.on:
                row[0] += r.weight
            else:
                row[1:] += r.weight
        elif r.on:
            k = index.get(r.shift, -1)
            row += r.weight
            if k >= 0:
                row[k] -= r.weight
        elif r.shift in index:
            row[index[r.shift]] += r.weight


def _published(pb: RosterProblem, index: dict[str, int], allowed, cost) -> None:
    """Pinned days allow their published option only (unless it is now impossible);
    other published days charge a change to every other option."""
    sid = pb.staff[0].id
    for (who, d), t in pb.published.items():
        if who != sid or not 0 <= d < pb.days:
            continue
        k = 0 if t is None else index.get(t, -1)
        possible = k >= 0 and bool(allowed[d, k])
        if (who, d) in pb.pinned and possible:
            keep = allowed[d, k]
            allowed[d, :] = False
            allowed[d, k] = keep
        elif pb.weights.change:
            cost[d] += pb.weights.change
            if possible:
                cost[d, k] -= pb.weights.change


def cheapest_patterns(
    data: PricingData, prices: np.ndarray, scale: int, most: int, bound: int = NONE
) -> list[tuple[tuple[tuple[int, str], ...], int]] | None:
    """Up to ``most`` of the person's patterns of least cost, cheapest first, each with its
    cost: ``scale`` × its own cost less the ``prices`` (days × (shifts + 1), 0 for the day
    off) of its worked (day, shift). A pattern is ((day, shift id), ...) of its worked days.

    Only patterns costing at most ``bound`` are looked for (the cost of a pattern known to
    meet the rules keeps the search exact and smaller): none when no pattern meets the rules
    at that cost. None when the search would keep more than ``MOST_LABELS`` labels."""
    cost = scale * data.day_cost - prices
    ints = data.ints.copy()
    for k in ("short_w", "iso_w", "start_w"):
        ints[_INTS.index(k)] *= scale
    capacity = CAPACITY
    while True:
        opts, costs, ok = _label(
            data.allowed, cost, ints, data.forbid, data.paid, data.cap_col, data.caps,
            data.start_bit, data.week_of, data.weekend_of, data.most_left, most, capacity,
            bound,
        )  # fmt: skip
        if ok:
            break
        if capacity >= MOST_LABELS:
            return None
        capacity *= 2
    ids = data.shift_ids
    return [
        (tuple((d, ids[o - 1]) for d, o in enumerate(row) if o > 0), int(z))
        for row, z in zip(opts, costs, strict=True)
    ]


@njit(cache=True, nogil=True)
def _label(
    allowed, cost, ints, forbid, paid, cap_col, caps, start_bit, week_of, weekend_of,
    most_left, most, capacity, bound,
):  # fmt: skip
    """The labelling itself: (options per day of the ``most`` cheapest patterns, their
    costs, True) or (…, False) when ``capacity`` labels did not suffice."""
    days, n_opts = cost.shape
    min_total, max_total, short_w, max_cons, min_cons, min_off = ints[0:6]
    max_wdays, max_wmin, max_we, iso_w, start_w, n_caps = ints[6:12]
    rest = _rest(allowed, cost)
    paid_lo, paid_hi = max(1, paid.min()), max(1, paid.max())
    wcap = max_cons if max_cons > 0 else max(min_cons, 1)
    ocap = max(min_off, 2)
    n_res = n_caps + 3  # capped shift counts, weekends, days this week, minutes this week
    track_we, track_wd, track_wm = max_we < NONE, max_wdays < NONE, max_wmin < NONE
    parent = np.empty(capacity, np.int64)
    opt = np.empty(capacity, np.int64)
    last = np.empty(capacity, np.int64)
    run = np.empty(capacity, np.int64)
    first = np.empty(capacity, np.int64)
    counted = np.empty(capacity, np.int64)
    total = np.empty(capacity, np.int64)
    mask = np.empty(capacity, np.int64)
    value = np.empty(capacity, np.int64)
    alive = np.empty(capacity, np.bool_)
    chain = np.empty(capacity, np.int64)
    res = np.empty((capacity, n_res), np.int64)
    dom = np.empty((capacity, n_res), np.int64)  # how far each resource binds the future
    slack = _slack(allowed, ints, paid_hi, cap_col, caps, week_of, weekend_of)
    # the root: nothing worked yet
    parent[0], opt[0], last[0], run[0], first[0], counted[0] = -1, 0, 0, 0, 1, 0
    total[0], mask[0], value[0], alive[0] = 0, 0, 0, True
    res[0, :] = 0
    lo, hi, size = 0, 1, 1
    tmp = np.empty(n_res, np.int64)
    tdom = np.empty(n_res, np.int64)
    for d in range(days):
        heads = Dict.empty(key_type=types.int64, value_type=types.int64)
        new_week = d > 0 and week_of[d] != week_of[d - 1]
        new_weekend = weekend_of[d] >= 0 and (d == 0 or weekend_of[d] != weekend_of[d - 1])
        for i in range(lo, hi):
            if not alive[i]:
                continue
            for o in range(n_opts):
                if not allowed[d, o]:
                    continue
                work = o > 0
                c = value[i] + cost[d, o]
                # runs of working days and of days off
                if d == 0:
                    r, f = 1, 1
                elif work == (last[i] > 0):
                    r, f = run[i] + 1, first[i]
                    if work and max_cons > 0 and r > max_cons:
                        continue
                    r = min(r, wcap if work else ocap)
                else:
                    if first[i] == 0:
                        if work and min_off > 0 and run[i] < min_off:
                            continue
                        if not work and min_cons > 0 and run[i] < min_cons:
                            continue
                        if work and run[i] == 1:
                            c += iso_w
                    r, f = 1, 0
                if work and last[i] > 0 and d > 0 and forbid[last[i] - 1, o - 1]:
                    continue
                for k in range(n_res):
                    tmp[k] = res[i, k]
                m = mask[i]
                if new_week:
                    tmp[n_caps + 1], tmp[n_caps + 2], m = 0, 0, 0
                cnt = 0 if new_weekend or weekend_of[d] < 0 else counted[i]
                t = total[i]
                if work:
                    col = cap_col[o - 1]
                    if col >= 0:
                        tmp[col] += 1
                        if tmp[col] > caps[o - 1]:
                            continue
                    t += paid[o - 1]
                    if t > max_total:
                        continue
                    if track_wd:
                        tmp[n_caps + 1] += 1
                        if tmp[n_caps + 1] > max_wdays:
                            continue
                    if track_wm:
                        tmp[n_caps + 2] += paid[o - 1]
                        if tmp[n_caps + 2] > max_wmin:
                            continue
                    if track_we and weekend_of[d] >= 0 and cnt == 0:
                        cnt = 1
                        tmp[n_caps] += 1
                        if tmp[n_caps] > max_we:
                            continue
                    if start_w > 0:
                        bit = start_bit[o - 1]
                        if m != 0 and (m & bit) == 0:
                            c += start_w
                        m |= bit
                if short_w == 0 and t + most_left[d + 1] < min_total:
                    continue
                if c + _least_rest(rest, d, t, ints, paid_lo, paid_hi) > bound:
                    continue
                key = (((t * n_opts + o) * (days + 1) + r) * 2 + f) * 2 + cnt
                for k in range(n_res):
                    tdom[k] = max(0, tmp[k] - slack[d, k])
                head = heads[key] if key in heads else -1
                if _dominated(head, c, tdom, m, value, dom, mask, alive, chain):
                    continue
                if size == capacity:
                    return np.zeros((0, days), np.int64), np.zeros(0, np.int64), False
                s = size
                size += 1
                parent[s], opt[s], last[s], run[s], first[s] = i, o, o, r, f
                counted[s], total[s], mask[s], value[s], alive[s] = cnt, t, m, c, True
                for k in range(n_res):
                    res[s, k] = tmp[k]
                    dom[s, k] = tdom[k]
                chain[s] = head
                heads[key] = s
        lo, hi = hi, size
    opts, costs = _cheapest_ends(
        lo, hi, most, min_total, short_w, value, total, alive, opt, parent, days
    )
    return opts, costs, True


@njit(cache=True, nogil=True)
def _dominated(j, c, tdom, m, value, dom, mask, alive, chain) -> bool:
    """Whether a label of cost ``c``, resource use ``tdom`` and start times ``m`` is
    dominated by one of the chain from ``j`` (labels of the same key); the chain's labels
    it dominates are dropped on the way."""
    while j >= 0:
        if alive[j]:
            le, ge = value[j] <= c, value[j] >= c
            if le or ge:
                for k in range(tdom.shape[0]):
                    if dom[j, k] > tdom[k]:
                        le = False
                    elif dom[j, k] < tdom[k]:
                        ge = False
                le = le and (mask[j] & m) == mask[j]
                ge = ge and (mask[j] & m) == m
            if le:
                return True
            if ge:
                alive[j] = False
        j = chain[j]
    return False


@njit(cache=True, nogil=True)
def _least_rest(rest, d, t, ints, paid_lo, paid_hi):
    """The least the days after ``d`` can cost a label with ``t`` paid minutes, working as
    many of them as the contract's minimum needs and its maximum allows."""
    min_total, max_total, short_w = ints[0], ints[1], ints[2]
    days = rest.shape[0] - 1
    k_lo = 0 if short_w else max(0, min_total - t + paid_hi - 1) // paid_hi
    k_hi = days - d - 1
    if max_total < NONE:
        k_hi = min(k_hi, (max_total - t) // paid_lo)
    least = INF
    for k in range(k_lo, k_hi + 1):
        least = min(least, rest[d + 1, k])
    return least


@njit(cache=True, nogil=True)
def _cheapest_ends(lo, hi, most, min_total, short_w, value, total, alive, opt, parent, days):
    """The ``most`` cheapest of the last day's labels ``lo``..``hi`` that meet the contract
    minimum (or pay for the minutes short): their options per day, and their costs."""
    ends = []
    for i in range(lo, hi):
        if not alive[i]:
            continue
        c = value[i]
        if total[i] < min_total:
            if short_w == 0:
                continue
            c += short_w * (min_total - total[i])
        ends.append((c, i))
    ends.sort()
    k = min(most, len(ends))
    opts = np.zeros((k, days), np.int64)
    costs = np.zeros(k, np.int64)
    for a in range(k):
        costs[a] = ends[a][0]
        i = ends[a][1]
        for d in range(days - 1, -1, -1):
            opts[a, d] = opt[i]
            i = parent[i]
    return opts, costs


@njit(cache=True, nogil=True)
def _slack(allowed, ints, paid_hi, cap_col, caps, week_of, weekend_of):
    """Per day and resource, the most a label may have used after that day with the limit
    still unable to bind (the limit less what the days after it can add): labels are
    compared by their use beyond it, so resources far from their limits do not keep
    labels apart."""
    days, n_opts = allowed.shape
    n_caps = ints[11]
    max_wdays, max_wmin, max_we = ints[6], ints[7], ints[8]
    slack = np.zeros((days, n_caps + 3), np.int64)
    for d in range(days):
        for o in range(1, n_opts):
            col = cap_col[o - 1]
            if col >= 0:
                left = 0
                for e in range(d + 1, days):
                    left += allowed[e, o]
                slack[d, col] = caps[o - 1] - left
        ends, seen, week_left = 0, -1, 0
        for e in range(d + 1, days):
            if weekend_of[e] >= 0 and weekend_of[e] != seen:
                ends += 1
                seen = weekend_of[e]
            if week_of[e] == week_of[d]:
                week_left += 1
        slack[d, n_caps] = max_we - ends
        slack[d, n_caps + 1] = max_wdays - week_left
        slack[d, n_caps + 2] = max_wmin - week_left * paid_hi
    return slack


@njit(cache=True, nogil=True)
def _rest(allowed, cost):
    """Least cost of the days from each day on working exactly ``k`` of them (rules other
    than the options allowed each day left out): a bound on what a label can still add."""
    days, n_opts = cost.shape
    inf = INF
    rest = np.full((days + 1, days + 1), inf, np.int64)
    rest[days, 0] = 0
    for d in range(days - 1, -1, -1):
        work = inf
        for o in range(1, n_opts):
            if allowed[d, o]:
                work = min(work, cost[d, o])
        for k in range(days - d + 1):
            best = inf
            if allowed[d, 0] and rest[d + 1, k] < inf:
                best = rest[d + 1, k] + cost[d, 0]
            if k > 0 and work < inf and rest[d + 1, k - 1] < inf:
                best = min(best, rest[d + 1, k - 1] + work)
            rest[d, k] = best
    return rest
