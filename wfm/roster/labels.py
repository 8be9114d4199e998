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
a person whose problem asks for one is priced with CP-SAT instead
(:func:`wfm.roster.pricing.pricing_data` returns None), as is a person whose search would
keep more than ``MOST_LABELS`` labels (many shift types with their own start times under
weekly limits, as in the demo's pools).
"""

from __future__ import annotations

import numpy as np
from numba import njit, types
from numba.typed import Dict

from wfm.roster.pricing import INTS, NONE, PricingData, pricing_data
from wfm.roster.problem import Contract, RosterProblem, ShiftType, Staff

INF = 1 << 62  # a cost no pattern reaches
CAPACITY = 1 << 14  # labels allotted to begin with; doubled while a search runs out
# most labels one search may keep: past this (a person with many shift types, start times
# and weekly limits, such as the demo's pools) labelling is slower than CP-SAT's model
MOST_LABELS = 1 << 17


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
        ints[INTS.index(k)] *= scale
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
    min_total, short_w, n_caps = ints[0], ints[2], ints[11]
    rest = _rest(allowed, cost)
    paid_lo, paid_hi = max(1, paid.min()), max(1, paid.max())
    n_res = n_caps + 3  # capped shift counts, weekends, days this week, minutes this week
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
                if work and last[i] > 0 and d > 0 and forbid[last[i] - 1, o - 1]:
                    continue
                r, f, iso, ok = _run_step(d, work, last[i], run[i], first[i], ints)
                if not ok:
                    continue
                c = value[i] + cost[d, o] + iso
                for k in range(n_res):
                    tmp[k] = res[i, k]
                m = mask[i]
                if new_week:
                    tmp[n_caps + 1], tmp[n_caps + 2], m = 0, 0, 0
                cnt = 0 if new_weekend or weekend_of[d] < 0 else counted[i]
                t = total[i]
                if work:
                    ok, t, m, cnt, change = _work(
                        o, d, t, m, cnt, tmp, ints, paid, cap_col, caps, start_bit, weekend_of
                    )
                    if not ok:
                        continue
                    c += change
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
def _run_step(d, work, last_i, run_i, first_i, ints):
    """The run a label enters on day ``d`` by working (``work``) or not, after a run of
    ``run_i`` days that touches day 0 (``first_i``) and ended on ``last_i`` (0: off):
    (its length, capped where no rule reads it further; whether it touches day 0; the
    cost of the isolated day off it closes; whether the run rules allow it)."""
    max_cons, min_cons, min_off, iso_w = ints[3], ints[4], ints[5], ints[9]
    if d == 0:
        return 1, 1, 0, True
    if work == (last_i > 0):
        r = run_i + 1
        if work and max_cons > 0 and r > max_cons:
            return 0, 0, 0, False
        cap = (max_cons if max_cons > 0 else max(min_cons, 1)) if work else max(min_off, 2)
        return min(r, cap), first_i, 0, True
    iso = 0
    if first_i == 0:  # the run that ends is inside the horizon: its shortest length holds
        if work and min_off > 0 and run_i < min_off:
            return 0, 0, 0, False
        if not work and min_cons > 0 and run_i < min_cons:
            return 0, 0, 0, False
        if work and run_i == 1:
            iso = iso_w
    return 1, 0, iso, True


@njit(cache=True, nogil=True)
def _work(o, d, t, m, cnt, tmp, ints, paid, cap_col, caps, start_bit, weekend_of):
    """Add shift option ``o`` worked on day ``d`` to a label's resources (``tmp``, in
    place), paid minutes ``t``, week's start times ``m`` and weekend counted ``cnt``:
    (whether every limit holds, ``t``, ``m``, ``cnt``, the cost of a new start time)."""
    max_total, max_wdays, max_wmin, max_we = ints[1], ints[6], ints[7], ints[8]
    start_w, n_caps = ints[10], ints[11]
    col = cap_col[o - 1]
    if col >= 0:
        tmp[col] += 1
        if tmp[col] > caps[o - 1]:
            return False, t, m, cnt, 0
    t += paid[o - 1]
    if t > max_total:
        return False, t, m, cnt, 0
    if max_wdays < NONE:
        tmp[n_caps + 1] += 1
        if tmp[n_caps + 1] > max_wdays:
            return False, t, m, cnt, 0
    if max_wmin < NONE:
        tmp[n_caps + 2] += paid[o - 1]
        if tmp[n_caps + 2] > max_wmin:
            return False, t, m, cnt, 0
    if max_we < NONE and weekend_of[d] >= 0 and cnt == 0:
        cnt = 1
        tmp[n_caps] += 1
        if tmp[n_caps] > max_we:
            return False, t, m, cnt, 0
    change = 0
    if start_w > 0:
        bit = start_bit[o - 1]
        if m != 0 and (m & bit) == 0:
            change = start_w
        m |= bit
    return True, t, m, cnt, change


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
