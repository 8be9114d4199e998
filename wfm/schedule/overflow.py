"""Overflow arcs between regions, their caps, and the agents a moved contact costs or saves.

Policy (``scenario.overflow`` and the segments' routing flags) decides which arcs exist: a
skill's contacts at an origin site may go to a site of another region when the
(from_region, to_region) pair is allowed, the receiving site has a pool holding the skill,
and *every* segment answered by the skill may go there: ``stay_in_region`` segments never
leave their region, ``onshore_only`` segments never reach an offshore region, and
``in_house_only`` segments never reach an outsourced site.

Pricing through the queue model (pooling economies)
---------------------------------------------------
Agents needed for an offered load A [Erlang] are taken in the square-root staffing form

    g(A) = A + β √A,

with β calibrated on each requirement row from the staffing stage's own answer
(β = (N − A) / √A for N agents required at load A), so the form reproduces the requirement
exactly at the forecast load and carries the row's service target and queue model. Because
g is concave, the linear terms the optimiser uses are conservative:

* at the origin, moving δ Erlang away saves s · δ agents, where s is the least average
  saving of the exact Erlang C requirement over the allowed range: with N(A) tabled by the
  least-agents search (``wfm.staffing.erlang_c_search.agents_for_target``, the skill's strictest
  target) at the nine kept loads A − δ_k, δ_k = k δ_max / 8,
  s = min_k (N(A) − N(A − δ_k)) / δ_k (``origin_line_tabled``). The priced requirement
  N_row − s δ is then at least the exact need N_row − (N(A) − N(A − δ_k)) at every table
  point, so the sending site never counts on agents the queue does not release (the tangent
  of g, used before, fell below the exact need by up to one agent where the step function
  N stays flat). Between table points the step function may exceed the line by less than one
  agent step; a row whose first table point releases no agent saves nothing by overflow;
* at the receiving site, taking I ≥ 0 more load costs h(I) = N(A_r + I) − N(A_r) agents,
  tabled with the Erlang C least-agents search (``wfm.staffing.erlang_c_search.agents_for_target``,
  the skill's strictest target) at nine loads I_k = k I_max / 8; the line a + m I with m the
  secant slope over the upper half and a = max_k (h(I_k) − m I_{k−1}) lies above the
  (non-decreasing) step function on all of (0, I_max]. The fixed charge a is paid only when
  the arc is used (a binary switch), so taking a small load is dearer per contact than a
  large one, as in an Erlang table. For Erlang A channels Erlang C is the conservative
  choice (patience only lowers the agents needed).

Deferred channels (email, back office) are a workload, so their requirement is linear in the
contacts: N / contacts agents per contact at the origin's rate.

References
----------
.. [1] S. Halfin, W. Whitt, "Heavy-traffic limits for queues with many exponential servers,"
   Operations Research, 29(3), 567–588, 1981 (square-root staffing).
.. [2] N. Gans, G. Koole, A. Mandelbaum, "Telephone call centers: tutorial, review, and
   research prospects," Manuf. Serv. Oper. Manag., 5(2), 79–141, 2003 (pooling, §4).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from wfm.core.config import Scenario, ServiceTarget
from wfm.core.units import S_PER_MIN
from wfm.staffing.erlang_c_search import agents_for_target

_TABLE_POINTS = 8


def skill_may_overflow(scenario: Scenario, skill: str, from_site: str, to_site: str) -> bool:
    """Whether contacts of ``skill`` at ``from_site`` may be answered at ``to_site``.

    Requires an allowed region pair, a pool of ``to_site`` holding the skill, and every
    segment of the skill allowed there (stay-in-region, onshore-only, in-house-only).
    """
    src, dst = scenario.sites[from_site], scenario.sites[to_site]
    if src.region == dst.region or (src.region, dst.region) not in scenario.overflow.pairs:
        return False
    if not any(skill in pool.skills for pool in dst.pools.values()):
        return False
    if scenario.overflow.max_overflow_rate <= 0:
        return False
    return all(
        scenario.may_answer_at(seg, from_site, to_site) for seg in scenario.skill_segments(skill)
    )


def overflow_arcs(scenario: Scenario, origins: dict[str, set[str]]) -> list[tuple[str, str, str]]:
    """Allowed ``(skill, from_site, to_site)`` arcs.

    Parameters
    ----------
    scenario : Scenario
        Regions, pairs, segments and sites.
    origins : dict of str to set of str
        Skills with requirements at each site.
    """
    arcs = []
    for from_site in sorted(origins):
        for skill in sorted(origins[from_site]):
            for to_site in sorted(scenario.sites):
                if to_site != from_site and skill_may_overflow(scenario, skill, from_site, to_site):
                    arcs.append((skill, from_site, to_site))
    return arcs


@dataclass(frozen=True, slots=True, kw_only=True)
class LoadPricing:
    """Square-root staffing form calibrated on requirement rows (see module notes).

    Attributes
    ----------
    erlangs_per_contact : numpy.ndarray
        Offered load of one contact in its interval, AHT / interval / concurrency [Erlang].
    load_erlangs : numpy.ndarray
        Forecast load A [Erlang].
    beta : numpy.ndarray
        Safety factor β of g(A) = A + β√A (0 where the load is 0).
    linear_agents_per_contact : numpy.ndarray or None
        For deferred work: agents per contact (the requirement is linear).
    """

    erlangs_per_contact: np.ndarray
    load_erlangs: np.ndarray
    beta: np.ndarray
    linear_agents_per_contact: np.ndarray | None = None


def calibrate(
    contacts: np.ndarray,
    aht_s: np.ndarray,
    agents_required: np.ndarray,
    interval_min: int,
    *,
    queue_model: str,
    max_concurrency: int,
) -> LoadPricing:
    """Fit g(A) = A + β√A to each row (β = (N − A)/√A, clipped at 0).

    Parameters
    ----------
    contacts, aht_s, agents_required : numpy.ndarray
        Contacts per interval, AHT [s] and net agents required, per row.
    interval_min : int
        Interval length [min].
    queue_model : str
        ``realtime``, ``concurrent`` or ``deferred``.
    max_concurrency : int
        Conversations per agent (concurrent channels).
    """
    contacts = np.asarray(contacts, dtype=float)
    aht_s = np.asarray(aht_s, dtype=float)
    net = np.asarray(agents_required, dtype=float)
    per_contact = aht_s / (interval_min * S_PER_MIN) / max(max_concurrency, 1)
    load = contacts * per_contact
    root = np.sqrt(load)
    with np.errstate(divide="ignore", invalid="ignore"):
        beta = np.where(load > 0, (net - load) / np.where(root > 0, root, 1.0), 0.0)
    beta = np.clip(beta, 0.0, None)
    linear = None
    if queue_model == "deferred":
        with np.errstate(divide="ignore", invalid="ignore"):
            linear = np.where(
                contacts > 0, net / np.where(contacts > 0, contacts, 1.0), per_contact
            )
    return LoadPricing(
        erlangs_per_contact=per_contact,
        load_erlangs=load,
        beta=beta,
        linear_agents_per_contact=linear,
    )


def agents_for_load(load_erlangs: np.ndarray | float, beta: np.ndarray | float) -> np.ndarray:
    """g(A) = A + β√A [agents]."""
    load = np.clip(np.asarray(load_erlangs, dtype=float), 0.0, None)
    return load + np.asarray(beta, dtype=float) * np.sqrt(load)


def marginal_agents(load_erlangs: np.ndarray | float, beta: np.ndarray | float) -> np.ndarray:
    """g′(A) = 1 + β / (2√A) [agents per Erlang]; infinite slope at A = 0 is left as inf."""
    load = np.asarray(load_erlangs, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return 1.0 + np.asarray(beta, dtype=float) / (2.0 * np.sqrt(load))


def receiver_line_tabled(
    base_erlangs: np.ndarray, max_in_erlangs: np.ndarray, aht_s: np.ndarray, target: ServiceTarget
) -> tuple[np.ndarray, np.ndarray]:
    """Fixed charge and slope of lines above the tabled Erlang C increment (module notes).

    Parameters
    ----------
    base_erlangs, max_in_erlangs, aht_s : numpy.ndarray
        Receiver's own load, largest load it may receive [Erlang] and AHT [s], per interval.
    target : ServiceTarget
        Service target of the skill.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ``fixed_agents`` and ``agents_per_erlang`` per interval, both ≥ 0; a + m·I ≥
        N(A_r + I) − N(A_r) for every I in (0, I_max].
    """
    base = np.asarray(base_erlangs, dtype=float)[:, None]
    top = np.asarray(max_in_erlangs, dtype=float)[:, None]
    steps = np.arange(_TABLE_POINTS + 1, dtype=float)[None, :] / _TABLE_POINTS
    h = _tabled_increment(base, top, aht_s, target, steps)
    half = _TABLE_POINTS // 2
    span = top[:, 0] * (1 - half / _TABLE_POINTS)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = np.where(span > 0, (h[:, -1] - h[:, half]) / np.where(span > 0, span, 1.0), 0.0)
    slope = np.clip(slope, 0.0, None)
    prev = top * steps[:, :-1]  # I_{k-1} for k = 1..8
    fixed = np.max(h[:, 1:] - slope[:, None] * prev, axis=1)
    return np.clip(fixed, 0.0, None), slope


def _tabled_increment(
    base: np.ndarray, top: np.ndarray, aht_s: np.ndarray, target: ServiceTarget, steps: np.ndarray
) -> np.ndarray:
    """N(base + top · step_k) − N(base) per row and table point (Erlang C least agents)."""
    loads = np.clip(base + top * steps, 0.0, None)
    aht = np.broadcast_to(np.asarray(aht_s, dtype=float)[:, None], loads.shape)
    agents = agents_for_target(
        loads,
        aht,
        target.sl_threshold_s,
        target.sl_target_rate,
        asa_target_s=target.asa_target_s,
        max_occupancy_rate=target.max_occupancy_rate,
    ).astype(float)
    return agents - agents[:, :1]


def origin_line_tabled(
    load_erlangs: np.ndarray, max_out_erlangs: np.ndarray, aht_s: np.ndarray, target: ServiceTarget
) -> np.ndarray:
    """Agents one Erlang sent away saves at the origin, never more than the queue releases.

    Parameters
    ----------
    load_erlangs, max_out_erlangs, aht_s : numpy.ndarray
        Origin's forecast load, largest load it may send away [Erlang] and AHT [s], per row.
    target : ServiceTarget
        Service target of the skill.

    Returns
    -------
    numpy.ndarray
        ``agents_per_erlang`` s ≥ 0 per row, with s · δ_k ≤ N(A) − N(A − δ_k) at the nine
        table points δ_k = k · max_out / 8 (module notes); 0 where nothing may leave.
    """
    load = np.asarray(load_erlangs, dtype=float)
    top = np.asarray(max_out_erlangs, dtype=float)
    out = np.zeros(len(load))
    live = np.flatnonzero((top > 0) & (load > 0))
    if len(live) == 0:
        return out
    steps = np.arange(1, _TABLE_POINTS + 1, dtype=float)[None, :] / _TABLE_POINTS
    released = -_tabled_increment(
        load[live, None],
        -np.minimum(top[live], load[live])[:, None],
        np.asarray(aht_s, dtype=float)[live],
        target,
        np.concatenate([np.zeros((1, 1)), steps], axis=1),
    )[:, 1:]
    moved = np.minimum(top[live], load[live])[:, None] * steps
    out[live] = np.clip(np.min(released / moved, axis=1), 0.0, None)
    return out
