"""Least agents meeting service targets in an M/M/N queue (Erlang C).

The reverse question of :mod:`wfm.staffing.erlang`: given the offered load, handle time and
the targets (service level, and optionally ASA and occupancy), the least number of agents on
queue that meets them all, for every interval at once. The search starts from the
Halfin–Whitt square-root staffing guess and walks N with the Erlang B recursion, so it costs
a closed-form evaluation and a step or two per interval.

References
----------
.. [1] N. Gans, G. Koole, A. Mandelbaum, Manuf. Serv. Oper. Manag., 5(2), 2003.
.. [3] S. Halfin, W. Whitt, "Heavy-traffic limits for queues with many exponential servers,"
   Oper. Res., 29(3), pp. 567–588, 1981.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from wfm.staffing.erlang import (
    asa_from_c,
    check_search_inputs,
    erlang_b_kernel,
    erlang_c_from_b,
    sl_from_c,
)
from wfm.staffing.poisson import validated_arrays


def _hw_beta(slope: np.ndarray, log_weight: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Solve ln(1 + β Φ(β)/φ(β)) + slope·β + log_weight·ln β = rhs for β > 0 (Newton).

    Halfin–Whitt approximation of the square-root staffing coefficient [3]_; a first guess
    only, so a few guarded Newton steps are enough.
    """
    beta = np.ones_like(slope)
    for _ in range(8):
        phi = np.exp(-0.5 * beta * beta) / np.sqrt(2.0 * np.pi)
        ratio = special.ndtr(beta) / phi
        g = beta * ratio
        dg = ratio + beta + beta * beta * ratio
        f = np.log1p(g) + slope * beta + log_weight * np.log(beta) - rhs
        df = dg / (1.0 + g) + slope + log_weight / beta
        beta = np.clip(beta - f / df, 0.5 * beta, beta + 2.0)
        beta = np.clip(beta, 1e-3, 9.0)
    return beta


def _least_n_occupancy(a: np.ndarray, max_occ: np.ndarray) -> np.ndarray:
    """Least integer N ≥ 1 with A / N ≤ max_occ, checked with the same division."""
    n = np.maximum(np.ceil(a / max_occ), 1.0)
    lower = np.maximum(n - 1.0, 1.0)
    n = np.where((lower < n) & (a / lower <= max_occ), lower, n)
    return np.where(a / n > max_occ, n + 1.0, n)


def agents_for_target(
    traffic_erlangs: object,
    aht_s: object,
    sl_threshold_s: object,
    sl_target_rate: object,
    *,
    asa_target_s: object | None = None,
    max_occupancy_rate: object | None = None,
) -> np.ndarray:
    """Least agents on queue meeting every target given, for an M/M/N queue (Erlang C).

    Parameters
    ----------
    traffic_erlangs : array_like
        Offered load A [Erlang].
    aht_s : array_like
        Average handle time [s].
    sl_threshold_s : array_like
        Answer-within threshold T [s].
    sl_target_rate : array_like
        Service-level target in (0, 1): share answered within T.
    asa_target_s : array_like, optional
        Largest acceptable ASA [s].
    max_occupancy_rate : array_like, optional
        Largest acceptable occupancy A / N, in (0, 1].

    Returns
    -------
    numpy.ndarray of int64
        Least N > A with service level ≥ target, ASA ≤ ``asa_target_s`` and A / N ≤
        ``max_occupancy_rate`` (each when given); 0 where A = 0.

    Notes
    -----
    The search starts from the Halfin–Whitt square-root staffing guess N₀ = ⌈A + β√A⌉ [3]_
    (raised to the occupancy bound and to ⌊A⌋ + 1), evaluates B(N₀, A) once in closed form,
    then walks N up with B(n+1) = A·B(n) / (n + 1 + A·B(n)) or down with
    B(n−1) = n·B(n) / (A·(1 − B(n))) until the least N is bracketed. Service level and ASA
    both improve with N, so the walk stops at the exact least N; it takes a step or two.

    References
    ----------
    .. [1] N. Gans, G. Koole, A. Mandelbaum, Manuf. Serv. Oper. Manag., 5(2), 2003.
    .. [3] S. Halfin, W. Whitt, Oper. Res., 29(3), pp. 567–588, 1981.

    Examples
    --------
    >>> agents_for_target(10.0, 180.0, 20.0, 0.8, max_occupancy_rate=0.85).tolist()
    14
    """
    use_asa = asa_target_s is not None
    use_occ = max_occupancy_rate is not None
    arrays = validated_arrays(
        traffic_erlangs,
        aht_s,
        sl_threshold_s,
        sl_target_rate,
        asa_target_s if use_asa else np.inf,
        max_occupancy_rate if use_occ else 1.0,
    )
    shape = arrays[0].shape
    a, aht, thr, target, asa_t, max_occ = (x.ravel() for x in arrays)
    _check_targets(aht, target, asa_t, max_occ, use_asa)
    check_search_inputs(a, aht_s=aht, sl_threshold_s=thr)
    result = np.zeros(a.shape, dtype=np.int64)
    live = np.flatnonzero(a > 0.0)
    if live.size:
        args = (x[live] for x in (a, aht, thr, target, asa_t, max_occ))
        result[live] = _least_agents(*args, use_asa=use_asa).astype(np.int64)
    return result.reshape(shape)


def _check_targets(
    aht: np.ndarray, target: np.ndarray, asa_t: np.ndarray, max_occ: np.ndarray, use_asa: bool
) -> None:
    """Raise ValueError for targets no M/M/N queue can be staffed to."""
    if ((target <= 0.0) | (target >= 1.0)).any():
        raise ValueError("sl_target_rate must be in (0, 1): an M/M/N queue never reaches 1")
    if ((max_occ <= 0.0) | (max_occ > 1.0)).any():
        raise ValueError("max_occupancy_rate must be in (0, 1]")
    if (aht <= 0.0).any():
        raise ValueError("aht_s must be positive")
    if use_asa and (asa_t <= 0.0).any():
        raise ValueError("asa_target_s must be positive")


def _least_agents(
    a: np.ndarray,
    aht: np.ndarray,
    thr: np.ndarray,
    target: np.ndarray,
    asa_t: np.ndarray,
    max_occ: np.ndarray,
    *,
    use_asa: bool,
) -> np.ndarray:
    """Least N of each positive load: Halfin–Whitt guess, then the walk down or up."""
    lower = np.floor(a) + 1.0
    lower = np.maximum(lower, _least_n_occupancy(a, max_occ))
    root_a = np.sqrt(a)
    beta = _hw_beta(root_a * thr / aht, np.zeros_like(a), -np.log1p(-target))
    if use_asa:
        finite = np.isfinite(asa_t)
        rhs = np.where(finite, -np.log(np.where(finite, asa_t, 1.0) * root_a / aht), -np.inf)
        beta_asa = _hw_beta(np.zeros_like(a), np.ones_like(a), np.where(finite, rhs, 0.0))
        beta = np.where(finite, np.maximum(beta, beta_asa), beta)
    n = np.maximum(lower, np.ceil(a + beta * root_a))
    b = erlang_b_kernel(n, a)

    def meets(nn: np.ndarray, bb: np.ndarray, idx: np.ndarray) -> np.ndarray:
        aa = a[idx]
        c = erlang_c_from_b(nn, aa, bb)
        ok = sl_from_c(nn, aa, aht[idx], thr[idx], c) >= target[idx]
        if use_asa:
            ok &= asa_from_c(nn, aa, aht[idx], c) <= asa_t[idx]
        return ok & (nn >= lower[idx])

    ok = meets(n, b, np.arange(a.size))
    # walk down while the next lower N still meets every target
    idx = np.flatnonzero(ok & (n > lower))
    while idx.size:
        nn, bb = n[idx], b[idx]
        with np.errstate(divide="ignore", invalid="ignore"):
            b_down = np.clip(nn * bb / (a[idx] * (1.0 - bb)), 0.0, 1.0)
        down_ok = meets(nn - 1.0, b_down, idx)
        n[idx[down_ok]] -= 1.0
        b[idx[down_ok]] = b_down[down_ok]
        idx = idx[down_ok]
        idx = idx[n[idx] > lower[idx]]
    # walk up until every target is met
    idx = np.flatnonzero(~ok)
    while idx.size:
        nn, bb = n[idx], b[idx]
        aa = a[idx]
        b_up = aa * bb / (nn + 1.0 + aa * bb)
        n[idx] = nn + 1.0
        b[idx] = b_up
        idx = idx[~meets(nn + 1.0, b_up, idx)]
    return n
