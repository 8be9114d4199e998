"""Deferred work (email, social, back-office): answer every contact within a deadline.

Deferred contacts do not queue for an agent in real time; they wait in a backlog and must be
answered within ``deadline_h`` counted in the site's opening hours. The requirement is the
number of agents per interval that clears each contact before its deadline with the least
total agent-hours, found by an exact greedy (below), not by a queue formula.

Profiles
--------
Deadlines never decrease with arrival time, so earliest-deadline-first is first in,
first out.

``"level"``: in each open interval t the rate is the least that, kept constant over the
open intervals up to each pending deadline d, finishes the work due by d,

    N_t = ⌈ max_d (work due by d − work already done) / (open intervals in [t, d] ·
    interval_s · max_occupancy) ⌉,

and the agents work the oldest backlog (earliest deadline first). This is the
"optimal available" rule of speed scaling, which keeps every deadline and the peak
low [2]_; the ceilings may cost a little more than the least agent-hours.

``"latest"``: the greedy staffs each open interval t with just enough agents to finish
the work due by the end of t:

    N_t = ⌈ (work due by t − work already done) / (interval_s · max_occupancy) ⌉,

and spends any capacity the ceiling leaves over on the oldest backlog. By induction its
cumulative agent-intervals up to every t are the least that meet all deadlines up to t
(any plan must cover the work due by t, and using spare capacity early never hurts), so
its total agent-hours are the least possible; it is the "latest" schedule of the
workload, the same optimum a small LP over N_t ≥ 0 would find with integer N_t [1]_.

References
----------
.. [1] M. Pinedo, *Scheduling: Theory, Algorithms, and Systems*, 5th ed., Springer,
   2016 (earliest-due-date rules for single-resource deadlines).
.. [2] F. Yao, A. Demers, S. Shenker, "A scheduling model for reduced CPU energy,"
   *Proc. 36th IEEE FOCS*, pp. 374–382, 1995 (the Optimal Available rule).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from wfm.core.calendar import deadline_index
from wfm.core.units import interval_s

# a requirement of 2.000000001 agents is 2 agents: rounding noise of the work sums
_CEIL_SLACK = 1e-9

DeferredProfile = Literal["level", "latest"]


@dataclass(frozen=True, slots=True, kw_only=True)
class DeferredPlan:
    """Agents per interval for deferred work and what they do.

    Attributes
    ----------
    agents_required : numpy.ndarray of int64
        Agents working the backlog in each interval [agents].
    worked_s : numpy.ndarray
        Work done in each interval [s].
    due_index : numpy.ndarray of int64
        Interval by whose end the work arriving in each interval is answered; −1 where the
        deadline falls after the last interval of the grid.
    carried_s : float
        Work whose deadline falls after the grid, not yet done at its end [s].
    late_s : float
        Work that could not be done before its deadline (only when the grid starts with
        work due at once in a closed site; 0 otherwise) [s].
    """

    agents_required: np.ndarray
    worked_s: np.ndarray
    due_index: np.ndarray
    carried_s: float
    late_s: float


def deferred_agents(
    work_s: object,
    open_flags: object,
    interval_min: int,
    deadline_h: float,
    max_occupancy_rate: float = 1.0,
    profile: DeferredProfile = "level",
) -> DeferredPlan:
    """Agents per interval answering every contact within its deadline.

    Parameters
    ----------
    work_s : array_like
        Work arriving in each interval, contacts × AHT [s].
    open_flags : array_like of bool
        Whether the site is open in each interval; agents work only while open.
    interval_min : int
        Interval length [min].
    deadline_h : float
        Answer-within time in opening hours [h].
    max_occupancy_rate : float
        Share of an agent's interval spent on contacts, in (0, 1].
    profile : {"level", "latest"}
        ``"level"`` (default) spreads the work as evenly as the deadlines allow, the profile
        a scheduler can cover with shifts; ``"latest"`` does each piece of work as late as
        its deadline allows, the least agent-hours exactly (but in peaks, e.g. every
        overnight email due in the last interval before closing).

    Returns
    -------
    DeferredPlan

    Notes
    -----
    The two profiles and why ``"latest"`` is the least agent-hours: see the module
    docstring.

    Examples
    --------
    >>> late = deferred_agents([3600.0, 0, 0, 0], [True] * 4, 60, 2.0, profile="latest")
    >>> late.agents_required.tolist()
    [0, 1, 0, 0]
    >>> deferred_agents([7200.0, 0, 0, 0], [True] * 4, 60, 2.0).agents_required.tolist()
    [1, 1, 0, 0]
    """
    work = np.asarray(work_s, dtype=np.float64)
    flags = np.asarray(open_flags, dtype=bool)
    _check_inputs(work, flags, max_occupancy_rate, deadline_h, profile)
    due = deadline_index(flags, interval_min, deadline_h)
    capacity_s = interval_s(interval_min) * max_occupancy_rate
    return _work_backlog(work, flags, due, capacity_s, DEFERRED_PROFILES[profile])


def _check_inputs(
    work: np.ndarray, flags: np.ndarray, max_occupancy_rate: float, deadline_h: float, profile: str
) -> None:
    """Raise ValueError for inputs no plan can be made of."""
    if work.shape != flags.shape or work.ndim != 1:
        raise ValueError("work_s and open_flags must be 1-D and of one length")
    if np.any(work < 0.0) or np.any(np.isnan(work)):
        raise ValueError("work_s must be ≥ 0")
    if not 0.0 < max_occupancy_rate <= 1.0:
        raise ValueError("max_occupancy_rate must be in (0, 1]")
    if deadline_h <= 0.0:
        raise ValueError("deadline_h must be positive")
    if profile not in DEFERRED_PROFILES:
        raise ValueError(f"profile must be 'level' or 'latest'; got {profile!r}")


Backlog = deque[list[float]]
"""Pending work, oldest first: [due index (inf when past the grid), work left [s]]."""


def _need_latest(backlog: Backlog, t: int, open_before: np.ndarray, capacity_s: float) -> float:
    """Agents (fractional) finishing in interval t exactly the work due by its end."""
    due_now = 0.0
    for d, w in backlog:
        if d > t:
            break
        due_now += w
    return due_now / capacity_s


def _need_level(backlog: Backlog, t: int, open_before: np.ndarray, capacity_s: float) -> float:
    """Least constant agents (fractional) from t that meet every pending deadline."""
    need, due_by = 0.0, 0.0
    for d, w in backlog:
        if d == np.inf:
            break
        due_by += w
        slots = open_before[int(d) + 1] - open_before[t]
        need = max(need, due_by / (max(slots, 1) * capacity_s))
    return need


DEFERRED_PROFILES: dict[str, Callable[[Backlog, int, np.ndarray, float], float]] = {
    "level": _need_level,
    "latest": _need_latest,
}
"""Agents an open interval needs, per ``profile`` of :func:`deferred_agents`."""


def _work_backlog(
    work: np.ndarray,
    flags: np.ndarray,
    due: np.ndarray,
    capacity_s: float,
    need_of: Callable[[Backlog, int, np.ndarray, float], float],
) -> DeferredPlan:
    """Walk the grid: work arrives, open intervals get ⌈need⌉ agents, who take the oldest."""
    open_before = np.concatenate(([0], np.cumsum(flags)))  # open intervals in [0, t)
    agents = np.zeros(work.size, dtype=np.int64)
    worked = np.zeros(work.size)
    backlog: Backlog = deque()
    late = 0.0
    for t in range(work.size):
        if work[t] > 0.0:
            backlog.append([float(due[t]) if due[t] >= 0 else np.inf, float(work[t])])
        if not flags[t]:
            continue
        need = need_of(backlog, t, open_before, capacity_s)
        n = int(np.ceil(need - _CEIL_SLACK)) if need > 0.0 else 0
        room = n * capacity_s
        agents[t] = n
        while backlog and room > 0.0:
            item = backlog[0]
            take = min(item[1], room)
            item[1] -= take
            room -= take
            worked[t] += take
            if item[1] <= 1e-9 * capacity_s:
                backlog.popleft()
        while backlog and backlog[0][0] <= t:  # only rounding crumbs can remain here
            late += backlog.popleft()[1]
    return DeferredPlan(
        agents_required=agents,
        worked_s=worked,
        due_index=due,
        carried_s=float(sum(w for _, w in backlog)),
        late_s=late,
    )
