"""Erlang A (M/M/N+M) kernels: a queue whose contacts abandon after an exponential patience.

Arrivals are Poisson, handle times exponential with mean ``aht_s``, and each waiting contact
abandons after an exponential time with mean ``patience_s``. The queue is stable for any
number of agents, so the least N meeting a target can be below the offered load; that search
is in :mod:`wfm.staffing.agents_search`. This module holds the measures at a given staffing.

Conventions
-----------
- ``wait_probability``: share of arrivals that find every agent busy (they queue).
- ``abandon_probability``: share of arrivals that hang up before answer.
- ``service_level`` with ``abandoned_in_sl=True`` (default): contacts answered within
  ``sl_threshold_s`` over all arrivals; an abandoned contact is a failure whenever it
  abandons. With ``abandoned_in_sl=False``: answered within the threshold over answered
  contacts (abandoned contacts leave the denominator).
- ``asa_s``: mean time in queue over all arrivals (answered, abandoned and those answered at
  once), E[Q]/λ by Little's law. It equals ``abandon_probability × patience_s``.
- ``occupancy``: answered load over agents, A·(1 − P_ab) / N.

Notation: λ arrivals per second, μ = 1/AHT, θ = 1/patience, A = λ/μ, x = λ/θ, a = Nμ/θ,
ρ = A/N = x/a, B = Erlang B(N, A), J = Σ_{j≥0} x^j / Π_{k=1}^{j} (a + k)
= P(a, x) / p(a; x) with P the regularised lower incomplete gamma function and p the
Poisson probability of a for mean x.

References
----------
.. [1] A. Mandelbaum, S. Zeltyn, "The M/M/n+G queue: summary of performance measures,"
   Technion, 2005 (exponential-patience formulas: P(wait), P(ab | wait) = 1/(ρJ) + 1 − 1/ρ).
.. [2] O. Garnett, A. Mandelbaum, M. Reiman, "Designing a call center with impatient
   customers," Manuf. Serv. Oper. Manag., 4(3), pp. 208–227, 2002.
.. [3] N. Gans, G. Koole, A. Mandelbaum, Manuf. Serv. Oper. Manag., 5(2), 2003.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from wfm.staffing import erlang, poisson

_LOG_TINY = -600.0


@dataclass(frozen=True, slots=True, kw_only=True)
class ErlangAKpis:
    """Every Erlang A measure at one staffing (arrays of the broadcast shape).

    Attributes
    ----------
    wait_probability, abandon_probability : numpy.ndarray
        Share of arrivals that queue; share that abandon.
    service_level_rate : numpy.ndarray
        Answered within the threshold, under the convention chosen.
    asa_s : numpy.ndarray
        Mean time in queue over all arrivals [s].
    asa_answered_s : numpy.ndarray
        Mean wait of answered contacts (zero waits included) [s]; NaN where N = 0.
    occupancy_rate : numpy.ndarray
        Answered load per agent; NaN where N = 0.
    """

    wait_probability: np.ndarray
    abandon_probability: np.ndarray
    service_level_rate: np.ndarray
    asa_s: np.ndarray
    asa_answered_s: np.ndarray
    occupancy_rate: np.ndarray


def _series(s: np.ndarray, z: np.ndarray) -> np.ndarray:
    """S(s, z) = Σ_{j≥0} z^j / Π_{k=1}^{j} (s + k), for z < s (terms fall at least as z/s)."""
    total = np.ones_like(s)
    term = np.ones_like(s)
    active = np.ones(s.shape, dtype=bool)
    k = 1
    while active.any() and k < 100_000:
        idx = np.flatnonzero(active)
        term[idx] *= z[idx] / (s[idx] + k)
        total[idx] += term[idx]
        active[idx[term[idx] <= 1e-17 * total[idx]]] = False
        k += 1
    return total


def kpis_kernel(
    n: np.ndarray,
    a_load: np.ndarray,
    aht: np.ndarray,
    patience: np.ndarray,
    thr: np.ndarray,
    abandoned_in_sl: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(P_wait, P_ab, SL, ASA, occupancy) on validated float arrays of one shape.

    The kernel behind :func:`kpis` and the least-agents search; see :func:`kpis` for the
    formulas and :func:`validated_inputs` for the arrays it expects.
    """
    shape = n.shape
    p_wait = np.zeros(shape)
    p_ab = np.zeros(shape)
    sl = np.ones(shape)
    live = (a_load > 0.0) & (n > 0.0)
    if live.any():
        nl, al = n[live], a_load[live]
        ratio = patience[live] / aht[live]  # μ/θ
        x = al * ratio
        a = nl * ratio
        y = x * np.exp(-thr[live] / patience[live])  # x·e^{−θT}
        b = erlang.erlang_b_kernel(nl, al)
        lp = poisson.poisson_log_pmf_kernel(a, x)
        p_a = special.gammainc(a, x)
        p_a1 = special.gammainc(a + 1.0, x)
        p_y1 = special.gammainc(a + 1.0, y)
        with np.errstate(divide="ignore", invalid="ignore", under="ignore", over="ignore"):
            inv_j = np.exp(lp) / p_a  # 1/J
            r1 = p_a1 / p_a  # (J − 1)/J
            ry = p_y1 / p_a  # p(a; x)^{-1}·P(a + 1, y) / J
        deep = (lp < _LOG_TINY) & (x < a)
        if deep.any():
            ad, xd, yd = a[deep], x[deep], y[deep]
            j_minus_1 = xd / (ad + 1.0) * _series(ad + 1.0, xd)
            j = 1.0 + j_minus_1
            theta_t = thr[live][deep] / patience[live][deep]
            with np.errstate(under="ignore"):
                scaled_y = np.exp(xd - yd - ad * theta_t) * yd / (ad + 1.0)
            scaled_y = scaled_y * _series(ad + 1.0, yd)
            inv_j[deep] = 1.0 / j
            r1[deep] = j_minus_1 / j
            ry[deep] = scaled_y / j
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            inv_b = 1.0 / b
            pw = 1.0 / (1.0 + (inv_b - 1.0) * inv_j)
        pw = np.where(b == 0.0, 0.0, pw)
        inv_rho = a / x
        pa = pw * (inv_j + r1 * (1.0 - inv_rho))
        answered_late = pw - pw * inv_rho * (r1 - ry)  # waited and not answered within T
        pw = np.clip(pw, 0.0, 1.0)
        pa = np.clip(pa, 0.0, 1.0)
        fail = np.clip(answered_late, 0.0, 1.0)
        if abandoned_in_sl:
            sll = 1.0 - fail
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                sll = (1.0 - fail) / (1.0 - pa)
            sll = np.where(pa >= 1.0, 0.0, sll)
        p_wait[live], p_ab[live], sl[live] = pw, pa, np.clip(sll, 0.0, 1.0)
    no_agents = (n == 0.0) & (a_load > 0.0)
    p_wait[no_agents] = 1.0
    p_ab[no_agents] = 1.0
    sl[no_agents] = 0.0
    asa = p_ab * patience
    with np.errstate(divide="ignore", invalid="ignore"):
        occ = a_load * (1.0 - p_ab) / n
    occ = np.where(n == 0.0, np.nan, np.clip(occ, 0.0, 1.0))
    return p_wait, p_ab, sl, asa, occ


def _asa_answered(
    n: np.ndarray,
    a_load: np.ndarray,
    aht: np.ndarray,
    patience: np.ndarray,
    p_wait: np.ndarray,
    p_ab: np.ndarray,
    asa_all: np.ndarray,
) -> np.ndarray:
    """Mean wait of answered contacts, E[V; answered] / (1 − P_ab) [s].

    E[V; answered] = P_wait · (a/x) · r₁ · (−L'(a)) / θ with r₁ = P(a+1, x)/P(a, x) and
    L(a) = ln ∫₀¹ w^a e^{−xw} dw. With s = a + 1, ∫₀¹ w^a e^{−xw} dw = e^{−x} Σ_j t_j,
    t_j = x^j / Π_{k=0}^{j} (s + k), so −L'(a) = Σ_j t_j H_j / Σ_j t_j with
    H_j = Σ_{k=0}^{j} 1/(s + k): a series of positive terms, summed to double precision
    (relative error ~1e-13) by :func:`_wait_weight`.
    """
    out = np.where(n == 0.0, np.nan, 0.0)
    live = (a_load > 0.0) & (n > 0.0) & (p_wait > 0.0)
    if not live.any():
        return out
    ratio = patience[live] / aht[live]
    x, a = a_load[live] * ratio, n[live] * ratio
    p0, p1 = special.gammainc(a, x), special.gammainc(a + 1.0, x)
    with np.errstate(divide="ignore", invalid="ignore"):
        served_wait = p_wait[live] * (a / x) * (p1 / p0) * _wait_weight(a + 1.0, x) * patience[live]
        value = served_wait / (1.0 - p_ab[live])
    # deep overstaffing (P(a, x) out of range): nearly nobody waits; fall back on the mean
    # time in queue, which is then as small
    fallback = asa_all[live] / np.maximum(1.0 - p_ab[live], 1e-300)
    out[live] = np.where(np.isfinite(value) & (p0 > 0.0), np.maximum(value, 0.0), fallback)
    return out


def _wait_weight(s: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Σ_j t_j H_j / Σ_j t_j with t_j = x^j / Π_{k=0}^{j}(s+k), H_j = Σ_{k=0}^{j} 1/(s+k).

    The terms grow while s + j < x and then fall faster than geometrically; they are summed
    in a frame rescaled to the largest term so far (no overflow for any x), until a term is
    below 1e-17 of the sum past the peak.
    """
    s = np.asarray(s, dtype=float)
    x = np.asarray(x, dtype=float)
    log_t = -np.log(s)  # log t_0
    harmonic = 1.0 / s
    scale = log_t.copy()
    total = np.ones_like(s)
    weighted = harmonic.copy()
    active = np.ones(s.shape, dtype=bool)
    j = 0
    while active.any() and j < 10_000_000:
        j += 1
        idx = np.flatnonzero(active)
        sj = s[idx] + j
        log_t[idx] += np.log(x[idx]) - np.log(sj)
        harmonic[idx] += 1.0 / sj
        up = log_t[idx] > scale[idx]
        if up.any():
            iu = idx[up]
            shrink = np.exp(scale[iu] - log_t[iu])
            total[iu] *= shrink
            weighted[iu] *= shrink
            scale[iu] = log_t[iu]
        term = np.exp(log_t[idx] - scale[idx])
        total[idx] += term
        weighted[idx] += term * harmonic[idx]
        done = (sj > x[idx]) & (term <= 1e-17 * total[idx])
        active[idx[done]] = False
    return weighted / total


def validated_inputs(*arrays: object) -> list[np.ndarray]:
    """Broadcast float arrays, as ``poisson.validated_arrays``, with AHT and patience positive.

    The third array is the AHT and the fourth the patience [s]; ValueError where either is
    not positive.
    """
    out = poisson.validated_arrays(*arrays)
    if (out[2] <= 0.0).any():
        raise ValueError("aht_s must be positive")
    if (out[3] <= 0.0).any():
        raise ValueError("patience_s must be positive")
    return out


def kpis(
    agents: object,
    traffic_erlangs: object,
    aht_s: object,
    patience_s: object,
    sl_threshold_s: object,
    *,
    abandoned_in_sl: bool = True,
) -> ErlangAKpis:
    """All Erlang A measures of a given staffing in one pass.

    Parameters
    ----------
    agents : array_like
        Productive agents on queue N [agents].
    traffic_erlangs : array_like
        Offered load A = arrivals per second × AHT [Erlang].
    aht_s, patience_s, sl_threshold_s : array_like
        Average handle time; mean time to abandon; answer-within threshold [s].
    abandoned_in_sl : bool
        Abandoned contacts count as failures over all arrivals (True) or leave the
        denominator (False).

    Returns
    -------
    ErlangAKpis

    Notes
    -----
    With π_N = B / (1 + (J − 1)·B) the probability of state N:

    - P_wait = π_N·J
    - P_ab = π_N·(1 + (J − 1)(1 − 1/ρ)), i.e. P(ab | wait) = 1/(ρJ) + 1 − 1/ρ [1]_
    - answered within T after waiting = π_N·(a/x)·[P(a+1, x) − P(a+1, x·e^{−θT})] / p(a; x),
      from the density of the offered wait with j contacts ahead,
      Π_{i=0}^{j}(Nμ + iθ) / (θ^j j!) · e^{−Nμv}(1 − e^{−θv})^j, weighted by e^{−θv}
      (the contact's own patience) and summed over j.
    - SL = 1 − P_wait + (answered within T after waiting); ASA = P_ab / θ; occupancy
      A(1 − P_ab)/N.
    - Mean wait of answered contacts: E[V·e^{−θV}] summed the same way is
      π_N·(a/θ)·e^x·∫₀¹(−ln w)·w^a·e^{−xw} dw, the a-derivative of an incomplete gamma
      function, divided by 1 − P_ab.

    References
    ----------
    .. [1] A. Mandelbaum, S. Zeltyn, "The M/M/n+G queue: summary of performance measures,"
       Technion, 2005.

    Examples
    --------
    >>> k = kpis(12, 10.0, 180.0, 120.0, 20.0)
    >>> round(float(k.abandon_probability), 4), round(float(k.service_level_rate), 4)
    (0.0616, 0.8256)
    """
    n, a, aht, pat, thr = validated_inputs(
        agents, traffic_erlangs, aht_s, patience_s, sl_threshold_s
    )
    pw, pa, sl, asa, occ = kpis_kernel(n, a, aht, pat, thr, abandoned_in_sl)
    return ErlangAKpis(
        wait_probability=pw,
        abandon_probability=pa,
        service_level_rate=sl,
        asa_s=asa,
        asa_answered_s=_asa_answered(n, a, aht, pat, pw, pa, asa),
        occupancy_rate=occ,
    )


def wait_probability(
    agents: object, traffic_erlangs: object, aht_s: object, patience_s: object
) -> np.ndarray:
    """Share of arrivals that queue in an M/M/N+M queue (Erlang A); see :func:`kpis`.

    Examples
    --------
    >>> round(float(wait_probability(12, 10.0, 180.0, 120.0)), 4)
    0.2798
    """
    return kpis(agents, traffic_erlangs, aht_s, patience_s, 0.0).wait_probability


def abandon_probability(
    agents: object, traffic_erlangs: object, aht_s: object, patience_s: object
) -> np.ndarray:
    """Share of arrivals that abandon in an M/M/N+M queue (Erlang A); see :func:`kpis`.

    Examples
    --------
    >>> round(float(abandon_probability(12, 10.0, 180.0, 120.0)), 4)
    0.0616
    """
    return kpis(agents, traffic_erlangs, aht_s, patience_s, 0.0).abandon_probability


def service_level(
    agents: object,
    traffic_erlangs: object,
    aht_s: object,
    patience_s: object,
    sl_threshold_s: object,
    *,
    abandoned_in_sl: bool = True,
) -> np.ndarray:
    """Share answered within ``sl_threshold_s`` in an M/M/N+M queue; see :func:`kpis`.

    Examples
    --------
    >>> round(float(service_level(12, 10.0, 180.0, 120.0, 20.0)), 4)
    0.8256
    """
    return kpis(
        agents, traffic_erlangs, aht_s, patience_s, sl_threshold_s, abandoned_in_sl=abandoned_in_sl
    ).service_level_rate


def asa_s(agents: object, traffic_erlangs: object, aht_s: object, patience_s: object) -> np.ndarray:
    """Mean time in queue over all arrivals of an M/M/N+M queue [s]; see :func:`kpis`.

    Examples
    --------
    >>> round(float(asa_s(12, 10.0, 180.0, 120.0)), 3)
    7.392
    """
    return kpis(agents, traffic_erlangs, aht_s, patience_s, 0.0).asa_s


def occupancy(
    agents: object, traffic_erlangs: object, aht_s: object, patience_s: object
) -> np.ndarray:
    """Answered load per agent, A·(1 − P_ab)/N, of an M/M/N+M queue; see :func:`kpis`.

    Examples
    --------
    >>> round(float(occupancy(12, 10.0, 180.0, 120.0)), 4)
    0.782
    """
    return kpis(agents, traffic_erlangs, aht_s, patience_s, 0.0).occupancy_rate
