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
    Erlang C search (:mod:`wfm.staffing.erlang_c_search`) and the Erlang A search
    (:mod:`wfm.staffing.agents_search`).

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


def erlang_c_from_b(n: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
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
    return erlang_c_from_b(n, a, erlang_b_kernel(n, a))


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
    c = erlang_c_from_b(n, a, erlang_b_kernel(n, a))
    return sl_from_c(n, a, aht, thr, c)


def sl_from_c(
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
    c = erlang_c_from_b(n, a, erlang_b_kernel(n, a))
    return asa_from_c(n, a, aht, c)


def asa_from_c(n: np.ndarray, a: np.ndarray, aht: np.ndarray, c: np.ndarray) -> np.ndarray:
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
