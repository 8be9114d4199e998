"""Out-of-hours backlog: contacts that need a person while the site is closed.

AI agents may answer around the clock while people keep opening hours. A contact that needs
a person outside opening hours (not offered to AI, escalated by it, or blocked by full AI
capacity) does not disappear: it waits (a callback, a message) and is answered after the
next opening, spread evenly over the first opening intervals that fit in the backlog
deadline.

The horizon is treated as cyclic: contacts that arrive after the last opening of the horizon
are answered at its first opening. In a steady week they stand for the backlog the night
before the horizon leaves, so totals are conserved; the stage reports how many wrapped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from wfm.core.config import Scenario
from wfm.core.units import MIN_PER_H
from wfm.split.grid import SeriesGrid


@dataclass(frozen=True, slots=True, kw_only=True)
class BacklogMoves:
    """Where the contacts of each closed interval are answered.

    Attributes
    ----------
    src, dst : numpy.ndarray of int
        Interval positions: closed origin and open destination (one entry per pair).
    share_rate : numpy.ndarray
        Share of the origin's backlog answered at the destination (sums to 1 per origin).
    wrapped : numpy.ndarray of bool
        The destination lies before the origin (carried round the end of the horizon).
    stranded : bool
        No interval is open at all, so nothing can move (the backlog stays where it arose).
    """

    src: np.ndarray
    dst: np.ndarray
    share_rate: np.ndarray
    wrapped: np.ndarray
    stranded: bool


def backlog_moves(open_mask: np.ndarray, deadline_intervals: int) -> BacklogMoves:
    """Destinations of the backlog of every closed interval.

    Parameters
    ----------
    open_mask : numpy.ndarray of bool
        Whether people answer in each interval (consecutive intervals of the horizon).
    deadline_intervals : int
        Opening intervals after the opening within which the backlog is answered
        [intervals]; at least 1.

    Returns
    -------
    BacklogMoves
        For closed interval j with next opening at open interval k, destinations
        k, k+1, …, k+n−1 among open intervals (cyclic), each with share 1/n,
        n = min(deadline_intervals, number of open intervals).

    Examples
    --------
    >>> m = backlog_moves(np.array([False, True, True, False]), 2)
    >>> m.src.tolist(), m.dst.tolist(), m.share_rate.tolist(), m.wrapped.tolist()
    ([0, 3, 0, 3], [1, 1, 2, 2], [0.5, 0.5, 0.5, 0.5], [False, True, False, True])
    """
    mask = np.asarray(open_mask, dtype=bool)
    open_pos = np.flatnonzero(mask)
    closed = np.flatnonzero(~mask)
    empty = np.zeros(0, dtype=np.int64)
    if len(closed) == 0 or len(open_pos) == 0:
        return BacklogMoves(
            src=empty,
            dst=empty,
            share_rate=np.zeros(0),
            wrapped=np.zeros(0, dtype=bool),
            stranded=len(closed) > 0,
        )
    n = max(1, min(int(deadline_intervals), len(open_pos)))
    first = np.searchsorted(open_pos, closed)
    steps = np.arange(n)
    pos = (first[None, :] + steps[:, None]).ravel()
    src = np.tile(closed, n)
    return BacklogMoves(
        src=src,
        dst=open_pos[pos % len(open_pos)],
        share_rate=np.full(len(src), 1.0 / n),
        wrapped=pos >= len(open_pos),
        stranded=False,
    )


def move_backlog(backlog_out: np.ndarray, moves: BacklogMoves) -> np.ndarray:
    """Backlog answered in each interval, from the backlog left in closed intervals.

    Parameters
    ----------
    backlog_out : numpy.ndarray, shape (series, intervals)
        Contacts (or work seconds) that wait, by origin interval.
    moves : BacklogMoves
        From :func:`backlog_moves` for the same intervals.

    Returns
    -------
    numpy.ndarray, same shape
        backlog_in[:, t] = Σ_j backlog_out[:, j] · share(j → t); column sums equal those of
        ``backlog_out`` over the closed intervals.
    """
    out = np.asarray(backlog_out, dtype=float)
    backlog_in = np.zeros_like(out)
    if len(moves.src):
        # add along the interval axis of a transposed view (repeated destinations add up)
        np.add.at(backlog_in.T, moves.dst, (out[:, moves.src] * moves.share_rate).T)
    return backlog_in


@dataclass(frozen=True)
class BacklogRoutes:
    """Where contacts needing a person outside opening hours go, per site."""

    moves: dict[str, BacklogMoves]
    site_rows: dict[str, np.ndarray]  # series of each site
    stranded: np.ndarray  # series whose backlog has no opening to go to
    closed: np.ndarray  # (series, intervals) closed, and the backlog moves

    def moved(self, values: np.ndarray) -> np.ndarray:
        """``values`` of closed intervals moved to the openings that answer them."""
        out = np.zeros_like(values)
        for site, m in self.moves.items():
            out[self.site_rows[site]] = move_backlog(values[self.site_rows[site]], m)
        return out


def backlog_routes(grid: SeriesGrid, scenario: Scenario) -> BacklogRoutes:
    """Backlog moves of each site within ``split.backlog_deadline_h``."""
    deadline_intervals = math.ceil(
        scenario.split.backlog_deadline_h * MIN_PER_H / grid.interval_min - 1e-9
    )
    moves: dict[str, BacklogMoves] = {
        site: backlog_moves(
            grid.is_open[(grid.series["site"] == site).to_numpy()][0], deadline_intervals
        )
        for site in grid.series["site"].unique()
    }
    site_rows = {site: (grid.series["site"] == site).to_numpy() for site in moves}
    stranded = np.zeros(len(grid.series), dtype=bool)
    for site, m in moves.items():
        stranded[site_rows[site]] = m.stranded
    closed = ~grid.is_open & ~stranded[:, None]
    return BacklogRoutes(moves=moves, site_rows=site_rows, stranded=stranded, closed=closed)
