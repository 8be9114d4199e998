"""Fast rounding of an LP point to whole shift counts that never breaks a hard rule.

The LP dive (``search.lp_dive``) rounds counts a tenth at a time with an LP re-solve after
each step; on a large model or a loaded machine the time limit can end it with counts
still fractional. The fast rounding finishes from any LP point in one pass and one LP
re-solve, so a time limit never ends a plan without a schedule (see docs/schedule.md).
"""

from __future__ import annotations

import heapq

import numpy as np

from wfm.schedule.model import hard_rows
from wfm.schedule.problem_data import Problem
from wfm.schedule.tuning import TUNING


def round_fast(
    problem: Problem,
    values: np.ndarray,
    hard: list[tuple[str, np.ndarray, np.ndarray, float]] | None = None,
) -> tuple[np.ndarray, dict]:
    """Whole shift counts near the LP point ``values`` within every hard rule.

    1. Every count is rounded down. The LP point meets the headcount, working-days,
       paid-hours and rest rows (``model.hard_rows``, all ``≤`` with positive
       coefficients), so the rounded-down counts meet them too.
    2. Shifts are added one at a time. A pattern's value is the on-queue time it restores
       where its pool falls short of the LP point's on-queue time, at
       ``shortfall_cost`` per agent-hour, plus the time it adds where its site is below
       ``min_agents_on_queue``, at 10⁶ per agent-hour, less its labour cost. Each step
       adds the pattern of largest value among those that still fit every hard row
       (ties: the lower column index); it stops when no pattern that fits has a positive
       value. Values only fall as shifts are added, so stale values are upper bounds and
       are refreshed lazily (a pattern is re-valued when it reaches the top of the heap).

    What stays short of the requirement is shortfall, which the model allows at its
    penalty; only ``min_agents_on_queue`` can stay unmet (then
    ``min_on_queue_short_agent_h`` > 0 and the counts are not a schedule).

    Parameters
    ----------
    problem : Problem
        The model's data.
    values : numpy.ndarray
        An LP point's shift counts (any point meeting the hard rows; fixed counts whole).
    hard : list, optional
        ``model.hard_rows(problem)`` when already built.

    Returns
    -------
    counts : numpy.ndarray of int
        Agents per pattern column.
    info : dict
        ``counts_rounded_down`` (fractional counts in ``values``), ``shifts_added``,
        ``min_on_queue_short_agent_h`` [agent-h].
    """
    cols = problem.columns
    step_h = problem.interval_min / 60.0
    vals = np.maximum(np.asarray(values, dtype=float), 0.0)
    tol = TUNING.integral_tol
    counts = np.floor(vals + tol).astype(np.int64)
    rows = hard_rows(problem) if hard is None else hard
    matrix, slack = _rows_matrix(rows, len(cols), counts)
    cover = _Cover(problem, vals, counts)
    cost = [problem.pools[c.pool].cost_per_h * c.paid_h for c in cols]

    def fits(j: int) -> bool:
        lo, hi = matrix.indptr[j], matrix.indptr[j + 1]
        return bool(np.all(slack[matrix.indices[lo:hi]] >= matrix.data[lo:hi] - tol))

    heap = [(-float(g), j) for j, g in enumerate(cover.values(np.array(cost))) if g > tol]
    heapq.heapify(heap)
    added = 0
    while heap:
        _, j = heapq.heappop(heap)
        value = cover.value(j) - cost[j]
        if value <= tol:
            continue
        if heap and value < -heap[0][0]:
            heapq.heappush(heap, (-value, j))
            continue
        if not fits(j):
            continue  # slacks only fall: it never fits again
        counts[j] += 1
        added += 1
        lo, hi = matrix.indptr[j], matrix.indptr[j + 1]
        slack[matrix.indices[lo:hi]] -= matrix.data[lo:hi]
        cover.add(j)
        heapq.heappush(heap, (-(cover.value(j) - float(cost[j])), j))
    info = {
        "counts_rounded_down": int(np.count_nonzero(vals - np.floor(vals + tol) > tol)),
        "shifts_added": added,
        "min_on_queue_short_agent_h": float(cover.floor_short.sum() * step_h),
    }
    return counts, info


def _rows_matrix(rows, n_cols: int, counts: np.ndarray):
    """The hard rows as a column-major sparse matrix and their slack at ``counts``."""
    from scipy import sparse

    if not rows:
        return sparse.csc_matrix((0, n_cols)), np.zeros(0)
    r_idx = np.concatenate([np.full(len(js), r) for r, (_, js, _, _) in enumerate(rows)])
    c_idx = np.concatenate([js for _, js, _, _ in rows])
    data = np.concatenate([np.asarray(c, dtype=float) for _, _, c, _ in rows])
    upper = np.array([ub for _, _, _, ub in rows])
    matrix = sparse.csc_matrix((data, (r_idx, c_idx)), shape=(len(rows), n_cols))
    return matrix, upper - matrix @ counts


class _Cover:
    """On-queue time per pool (against the LP point's) and per site (against the hard
    minimum) of the counts being rounded, and the value of one more shift of a pattern."""

    def __init__(self, problem: Problem, values: np.ndarray, counts: np.ndarray) -> None:
        n = problem.n_intervals
        cols = problem.columns
        self.step_h = problem.interval_min / 60.0
        self.short_value = problem.shortfall_cost
        lens = np.array([len(c.intervals) for c in cols], dtype=np.int64)
        self.ptr = np.concatenate([[0], np.cumsum(lens)])
        self.col_of = np.repeat(np.arange(len(cols)), lens)
        self.rate = np.concatenate([c.on_queue_rate for c in cols]) if cols else np.zeros(0)
        interval = np.concatenate([c.intervals for c in cols]) if cols else np.zeros(0, int)
        pool = np.array([c.pool for c in cols], dtype=np.int64)[self.col_of]
        sites = sorted({p.site for p in problem.pools})
        site_of_pool = np.array([sites.index(p.site) for p in problem.pools], dtype=np.int64)
        self.pool_cell = pool * n + interval
        self.site_cell = site_of_pool[pool] * n + interval
        lost = self.rate * (values - counts)[self.col_of]
        self.deficit = np.bincount(self.pool_cell, weights=lost, minlength=len(problem.pools) * n)
        self.deficit = np.maximum(self.deficit, 0.0)
        self.floor_short = np.zeros(len(sites) * n)
        if problem.min_agents_on_queue > 0:
            kept = self.rate * counts[self.col_of]
            site_time = np.bincount(self.site_cell, weights=kept, minlength=len(sites) * n)
            for s, site in enumerate(sites):
                mask = problem.open_mask.get(site)
                if mask is not None:
                    need = problem.min_agents_on_queue * mask.astype(float)
                    self.floor_short[s * n : (s + 1) * n] = need - site_time[s * n : (s + 1) * n]
            self.floor_short = np.maximum(self.floor_short, 0.0)

    def values(self, cost: np.ndarray) -> np.ndarray:
        """Value of one more shift of every pattern, less ``cost`` [currency]."""
        restored = np.minimum(self.rate, self.deficit[self.pool_cell])
        floor = np.minimum(self.rate, self.floor_short[self.site_cell])
        weighted = self.short_value * restored + TUNING.min_on_queue_value_per_h * floor
        total = np.bincount(self.col_of, weights=weighted, minlength=len(cost))
        return self.step_h * total - cost

    def value(self, j: int) -> float:
        """Value of one more shift of pattern ``j`` before its labour cost [currency]."""
        sl = slice(self.ptr[j], self.ptr[j + 1])
        rate = self.rate[sl]
        restored = np.minimum(rate, self.deficit[self.pool_cell[sl]]).sum()
        floor = np.minimum(rate, self.floor_short[self.site_cell[sl]]).sum()
        return self.step_h * float(
            self.short_value * restored + TUNING.min_on_queue_value_per_h * floor
        )

    def add(self, j: int) -> None:
        """Book one more shift of pattern ``j``."""
        sl = slice(self.ptr[j], self.ptr[j + 1])
        rate = self.rate[sl]
        cells = self.pool_cell[sl]
        self.deficit[cells] = np.maximum(self.deficit[cells] - rate, 0.0)
        cells = self.site_cell[sl]
        self.floor_short[cells] = np.maximum(self.floor_short[cells] - rate, 0.0)
