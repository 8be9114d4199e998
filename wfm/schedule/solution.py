"""The values of a solved shift and overflow model: shift counts, on-queue agents, the
allocation to skills, shortfall and surplus, overflow flows, contacts handed to AI, and the
requirement after overflow and AI as the model priced it."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from wfm.schedule.model import BuiltModel
from wfm.schedule.problem_data import Problem


@dataclass(frozen=True, slots=True, kw_only=True)
class Solution:
    """Values of the solved model.

    Attributes
    ----------
    counts : numpy.ndarray of int
        Agents per pattern column.
    on_queue : dict of int to numpy.ndarray
        On-queue agents per pool index and interval.
    allocated : dict of (str, str) to numpy.ndarray
        On-queue agents (proficiency-weighted) per (site, skill) and interval.
    pool_allocated : dict of (int, str) to numpy.ndarray
        On-queue agents of each pool index allocated to each of its skills per interval
        (not weighted; the model's allocation variables) [agents].
    shortfall, surplus : dict of (str, str) to numpy.ndarray
        Per (site, skill) and interval [agents].
    required : dict of (str, str) to numpy.ndarray
        Requirement after overflow, as the model priced it [agents].
    flows : dict of int to numpy.ndarray
        Contacts per arc index and interval.
    status, objective, best_bound, lp_bound, wall_s : as in SolveResult
    """

    counts: np.ndarray
    on_queue: dict[int, np.ndarray]
    allocated: dict[tuple[str, str], np.ndarray]
    shortfall: dict[tuple[str, str], np.ndarray]
    surplus: dict[tuple[str, str], np.ndarray]
    required: dict[tuple[str, str], np.ndarray]
    flows: dict[int, np.ndarray]
    ai_contacts: dict[int, np.ndarray]
    status: str
    objective: float
    best_bound: float
    lp_bound: float
    wall_s: float
    solver: str
    detail: dict
    pool_allocated: dict[tuple[int, str], np.ndarray] = field(default_factory=dict)


def extract_solution(problem: Problem, b: BuiltModel) -> dict:
    """Shift counts, on-queue agents, allocation, shortfall, surplus, flows and AI
    contacts of the solved model ``b`` as arrays over the problem's intervals."""
    n = problem.n_intervals
    counts = np.array([int(round(v.solution_value())) for v in b.x], dtype=np.int64)
    on_queue: dict[int, np.ndarray] = {p: np.zeros(n) for p in range(len(problem.pools))}
    for j, col in enumerate(problem.columns):
        if counts[j]:
            on_queue[col.pool][col.intervals] += counts[j] * col.on_queue_rate
    allocated: dict[tuple[str, str], np.ndarray] = {}
    pool_allocated: dict[tuple[int, str], np.ndarray] = {}
    for (p, skill, i), var in b.y.items():
        pool = problem.pools[p]
        prof = pool.proficiency[pool.skills.index(skill)]
        value = var.solution_value()
        arr = allocated.setdefault((pool.site, skill), np.zeros(n))
        arr[i] += prof * value
        pool_allocated.setdefault((p, skill), np.zeros(n))[i] = value
    shortfall: dict[tuple[str, str], np.ndarray] = {}
    surplus: dict[tuple[str, str], np.ndarray] = {}
    for (site, skill, i), var in b.short.items():
        shortfall.setdefault((site, skill), np.zeros(n))[i] = var.solution_value()
        surplus.setdefault((site, skill), np.zeros(n))[i] = b.over[
            (site, skill, i)
        ].solution_value()
    flows: dict[int, np.ndarray] = {}
    for (a_idx, i), var in b.flow.items():
        flows.setdefault(a_idx, np.zeros(n))[i] = var.solution_value()
    required: dict[tuple[str, str], np.ndarray] = {}
    for key, need in problem.need.items():
        required[key] = need.astype(float).copy()
    for a_idx, arc in enumerate(problem.arcs):
        f = flows.get(a_idx)
        if f is None:
            continue
        req = required.setdefault((arc.from_site, arc.skill), np.zeros(n))
        req -= arc.save_agents_per_contact * f
        rec = problem.receivers[(arc.to_site, arc.skill)]
        rreq = required.setdefault((arc.to_site, arc.skill), np.zeros(n))
        rreq += rec.agents_per_contact * f
    for (site, skill, i), var in b.z.items():
        if var.solution_value() > 0.5:
            required[(site, skill)][i] += problem.receivers[(site, skill)].fixed_agents[i]
    for key in list(required):
        required[key] = np.clip(required[key], 0.0, None)
    ai_contacts: dict[int, np.ndarray] = {}
    for (m_idx, i), var in b.ai.items():
        ai_contacts.setdefault(m_idx, np.zeros(n))[i] = var.solution_value()
    for m_idx, a in ai_contacts.items():
        move = problem.ai_moves[m_idx]
        req = required.setdefault((move.site, move.skill), np.zeros(n))
        req -= move.save_agents_per_contact * a
    for key in list(required):
        required[key] = np.clip(required[key], 0.0, None)
    return {
        "ai_contacts": ai_contacts,
        "counts": counts,
        "on_queue": on_queue,
        "allocated": allocated,
        "pool_allocated": pool_allocated,
        "shortfall": shortfall,
        "surplus": surplus,
        "flows": flows,
        "required": required,
    }
