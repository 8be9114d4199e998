"""Erlang B and Erlang C (M/M/N) kernels on numpy arrays.

Every kernel takes array-likes that broadcast against each other and returns an array of the
broadcast shape (a 0-d array for scalar inputs). Loads run from tiny to 100,000 Erlangs:
no factorials are formed; the Poisson probability of N is computed in log space with a
Stirling-series correction and the Poisson distribution function with the regularised
incomplete gamma function, so one evaluation costs the same at any N.

Conventions
-----------
- ``agents`` is N, the productive agents on queue; ``traffic_erlangs`` is the offered load
  A = arrivals per second × AHT [Erlang].
- When N ≤ A (and A > 0) the M/M/N queue has no steady state: every contact waits,
  ``wait_probability`` is 1, ``service_level`` is 0, ``asa_s`` is infinite and
  ``occupancy`` is 1. When A = 0 nobody waits (service level 1, ASA 0).
- Service level is the share of contacts answered within ``sl_threshold_s``; Erlang C has no
  abandonment, so every contact is answered eventually.
- ASA is the mean wait of all contacts, including those answered at once.

References
----------
.. [1] N. Gans, G. Koole, A. Mandelbaum, "Telephone call centers: tutorial, review, and
   research prospects," Manuf. Serv. Oper. Manag., 5(2), pp. 79–141, 2003.
.. [2] C. Loader, "Fast and accurate computation of binomial probabilities," 2000
   (saddle-point form of Poisson probabilities, :mod:`wfm.staffing.poisson`).
.. [3] S. Halfin, W. Whitt, "Heavy-traffic limits for queues with many exponential servers,"
   Oper. Res., 29(3), pp. 567–588, 1981 (square-root staffing, used as a first guess only).
"""

from __future__ import annotations

import numpy as np
from scipy import special

from wfm.staffing.poisson import poisson_log_pmf_kernel, validated_arrays

MAX_TRAFFIC_ERLANGS = 100_000.0
"""Largest offered load the kernels are checked for [Erlang] (module docstring)."""


def check_search_inputs(traffic_erlangs: np.ndarray, **finite: np.ndarray) -> None:
    """Raise ValueError unless a least-agents search can end on these inputs.

    The searches walk N from a first guess, one agent (or one gallop) at a time: an offered
    load above ``MAX_TRAFFIC_ERLANGS`` or any infinite input would walk for ever. Used by the
    Erlang C search here and the Erlang A search (:mod:`wfm.staffing.agents_search`).

    Parameters
    ----------
    traffic_erlangs : numpy.ndarray
        Offered loads [Erlang].
    **finite : numpy.ndarray
        Other inputs, by name, that must be finite.
    """
    if not (traffic_erlangs <= MAX_TRAFFIC_ERLANGS).all():
        raise ValueError(
            f"traffic_erlangs must be at most {MAX_TRAFFIC_ERLANGS:,.0f} Erlangs "
            f"(got {float(np.max(traffic_erlangs)):g})"
        )
    for name, values in finite.items():
        if not np.isfinite(values).all():
            raise ValueError(f"{name} must be finite")


# below this log-probability the Poisson distribution function may leave the normal range
_LOG_TINY = -600.0


def erlang_b_kernel(n: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Erlang B on validated float arrays of one shape (see :func:`erlang_b`)."""
    b = np.empty_like(n)
    no_load = a == 0.0
    b[no_load] = np.where(n[no_load] == 0.0, 1.0, 0.0)
    live = ~no_load
    nl, al = n[live], a[live]
    log_pmf = poisson_log_pmf_kernel(nl, al)
    cdf = special.gammaincc(nl + 1.0, al)  # P(Poisson(A) ≤ N), real N allowed
    with np.errstate(divide="ignore", invalid="ignore", under="ignore"):
        bl = np.exp(log_pmf) / cdf
    # far below the load both numbers leave the normal range: sum 1/B = Σ_j Π_{i<j} (N − i)/A
    deep = (log_pmf < _LOG_TINY) & (nl < al)
    if deep.any():
        bl[deep] = 1.0 / _inverse_b_series(nl[deep], al[deep])
    b[live] = np.clip(bl, 0.0, 1.0)
    return b


def _inverse_b_series(n: np.ndarray, a: np.ndarray) -> np.ndarray:
    """1/B(N, A) = Σ_{j=0}^{N} Π_{i<j} (N − i)/A for N well below A (terms fall fast)."""
    total = np.ones_like(n)
    term = np.ones_like(n)
    j = 0
    active = np.ones(n.shape, dtype=bool)
    while active.any():
        factor = np.maximum(n[active] - j, 0.0) / a[active]
        term[active] *= factor
        total[active] += term[active]
        still = term[active] > 1e-17 * total[active]
        idx = np.flatnonzero(active)
        active[idx[~still]] = False
        j += 1
    return total


def erlang_b(agents: object, traffic_erlangs: object) -> np.ndarray:
    """Blocking probability of an M/M/N/N loss system (Erlang B).

    Parameters
    ----------
    agents : array_like
        Servers N (real values allowed, the usual continuous extension) [agents].
    traffic_erlangs : array_like
        Offered load A [Erlang].

    Returns
    -------
    numpy.ndarray
        B(N, A) in [0, 1].

    Notes
    -----
    B(N, A) = (A^N / N!) / Σ_{k=0}^{N} A^k / k! = p(N; A) / P(X ≤ N), X ~ Poisson(A),
    evaluated as exp(ln p) / Q(N + 1, A) with Q the regularised upper incomplete gamma
    function; equal to the textbook recursion B(n) = A·B(n−1) / (n + A·B(n−1)) [1]_.

    References
    ----------
    .. [1] N. Gans, G. Koole, A. Mandelbaum, Manuf. Serv. Oper. Manag., 5(2), 2003.

    Examples
    --------
    >>> round(float(erlang_b(2, 1.0)), 12)
    0.2
    """
    n, a = validated_arrays(agents, traffic_erlangs)
    return erlang_b_kernel(n, a)


def _erlang_c_from_b(n: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Erlang C from Erlang B: C = N·B / (N − A·(1 − B)), 1 where N ≤ A, 0 where A = 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        c = n * b / (n - a * (1.0 - b))
    c = np.where(n > a, c, 1.0)
    return np.where(a == 0.0, 0.0, np.clip(c, 0.0, 1.0))


def wait_probability(agents: object, traffic_erlangs: object) -> np.ndarray:
    """Probability that a contact waits in an M/M/N queue (Erlang C).

    Parameters
    ----------
    agents : array_like
        Productive agents on queue N [agents].
    traffic_erlangs : array_like
        Offered load A [Erlang].

    Returns
    -------
    numpy.ndarray
        P_w(N, A) in [0, 1]; 1 where N ≤ A (no steady state), 0 where A = 0.

    Notes
    -----
    P_w = N·B(N, A) / (N − A·(1 − B(N, A))) with B the Erlang B probability [1]_.

    References
    ----------
    .. [1] N. Gans, G. Koole, A. Mandelbaum, Manuf. Serv. Oper. Manag., 5(2), 2003.

    Examples
    --------
    >>> round(float(wait_probability(14, 10.0)), 4)  # 100 contacts / 30 min, AHT 180 s
    0.1741
    """
    n, a = validated_arrays(agents, traffic_erlangs)
    return _erlang_c_from_b(n, a, erlang_b_kernel(n, a))


def service_level(
    agents: object, traffic_erlangs: object, aht_s: object, sl_threshold_s: object
) -> np.ndarray:
    """Share of contacts answered within ``sl_threshold_s`` in an M/M/N queue (Erlang C).

    Parameters
    ----------
    agents : array_like
        Productive agents on queue N [agents].
    traffic_erlangs : array_like
        Offered load A = arrivals per second × AHT [Erlang].
    aht_s, sl_threshold_s : array_like
        Average handle time; answer-within threshold T ("20" in 80/20) [s].

    Returns
    -------
    numpy.ndarray
        1 − P_w(N, A)·exp(−(N − A)·T / AHT) in [0, 1]; 0 where N ≤ A, 1 where A = 0.

    References
    ----------
    .. [1] N. Gans, G. Koole, A. Mandelbaum, Manuf. Serv. Oper. Manag., 5(2), 2003.

    Examples
    --------
    >>> round(float(service_level(14, 10.0, 180.0, 20.0)), 4)
    0.8884
    """
    n, a, aht, thr = validated_arrays(agents, traffic_erlangs, aht_s, sl_threshold_s)
    c = _erlang_c_from_b(n, a, erlang_b_kernel(n, a))
    return _sl_from_c(n, a, aht, thr, c)


def _sl_from_c(
    n: np.ndarray, a: np.ndarray, aht: np.ndarray, thr: np.ndarray, c: np.ndarray
) -> np.ndarray:
    with np.errstate(over="ignore", invalid="ignore"):
        sl = 1.0 - c * np.exp(-(n - a) * thr / aht)
    sl = np.where(n > a, sl, 0.0)
    return np.where(a == 0.0, 1.0, np.clip(sl, 0.0, 1.0))


def asa_s(agents: object, traffic_erlangs: object, aht_s: object) -> np.ndarray:
    """Average speed of answer of an M/M/N queue (Erlang C) [s].

    Parameters
    ----------
    agents : array_like
        Productive agents on queue N [agents].
    traffic_erlangs : array_like
        Offered load A [Erlang].
    aht_s : array_like
        Average handle time [s].

    Returns
    -------
    numpy.ndarray
        Mean wait over all contacts, P_w(N, A)·AHT / (N − A) [s]; +inf where N ≤ A
        (the queue grows without bound), 0 where A = 0.

    References
    ----------
    .. [1] N. Gans, G. Koole, A. Mandelbaum, Manuf. Serv. Oper. Manag., 5(2), 2003.

    Examples
    --------
    >>> round(float(asa_s(14, 10.0, 180.0)), 3)
    7.836
    """
    n, a, aht = validated_arrays(agents, traffic_erlangs, aht_s)
    c = _erlang_c_from_b(n, a, erlang_b_kernel(n, a))
    return _asa_from_c(n, a, aht, c)


def _asa_from_c(n: np.ndarray, a: np.ndarray, aht: np.ndarray, c: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        w = c * aht / (n - a)
    w = np.where(n > a, w, np.inf)
    return np.where(a == 0.0, 0.0, w)


def occupancy(agents: object, traffic_erlangs: object) -> np.ndarray:
    """Share of on-queue time spent handling contacts in an M/M/N queue.

    Parameters
    ----------
    agents : array_like
        Productive agents on queue N [agents].
    traffic_erlangs : array_like
        Offered load A [Erlang].

    Returns
    -------
    numpy.ndarray
        A / N where N > A, 1 where 0 < N ≤ A (all agents always busy), NaN where N = 0
        (no on-queue time to occupy).

    Examples
    --------
    >>> float(occupancy(4, 2.0))
    0.5
    """
    n, a = validated_arrays(agents, traffic_erlangs)
    with np.errstate(divide="ignore", invalid="ignore"):
        occ = np.where(n > a, a / n, 1.0)
    return np.where(n == 0.0, np.nan, occ)


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
        c = _erlang_c_from_b(nn, aa, bb)
        ok = _sl_from_c(nn, aa, aht[idx], thr[idx], c) >= target[idx]
        if use_asa:
            ok &= _asa_from_c(nn, aa, aht[idx], c) <= asa_t[idx]
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
