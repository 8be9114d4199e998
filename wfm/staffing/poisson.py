"""Poisson probabilities in log space, and the validation every queue kernel shares.

The probability of N is written so that its large terms never cancel (a saddle-point form
with the Stirling-series error), so it costs the same and keeps full precision from tiny
loads to 100,000 Erlangs; N may be real (Γ-function extension), as the Erlang kernels of
:mod:`wfm.staffing.erlang` and :mod:`wfm.staffing.erlang_a` need.

References
----------
.. [2] C. Loader, "Fast and accurate computation of binomial probabilities," 2000.
"""

from __future__ import annotations

import numpy as np
from scipy import special

_LOG_2PI = float(np.log(2.0 * np.pi))


def validated_arrays(*arrays: object) -> list[np.ndarray]:
    """Broadcast inputs to float64 arrays of one shape; raise on negative or NaN values."""
    out = np.broadcast_arrays(*[np.asarray(a, dtype=np.float64) for a in arrays])
    for a in out:
        if np.isnan(a).any() or (a < 0).any():
            raise ValueError("queue inputs must be non-negative numbers")
    return [np.array(a, dtype=np.float64) for a in out]


def _stirling_error(n: np.ndarray) -> np.ndarray:
    """ln Γ(n + 1) − [(n + ½) ln n − n + ½ ln 2π] for n > 0, accurate to ~1e-16 absolute."""
    n = np.asarray(n, dtype=np.float64)
    out = np.empty_like(n)
    big = n >= 15.0
    nb = n[big]
    nb2 = nb * nb
    out[big] = (1.0 / 12.0 - (1.0 / 360.0 - (1.0 / 1260.0 - (1.0 / 1680.0) / nb2) / nb2) / nb2) / nb
    ns = n[~big]
    out[~big] = special.gammaln(ns + 1.0) - ((ns + 0.5) * np.log(ns) - ns + 0.5 * _LOG_2PI)
    return out


def poisson_log_pmf(n: object, mean: object) -> np.ndarray:
    """Natural log of the Poisson probability of ``n`` with mean ``mean`` (n may be real).

    Parameters
    ----------
    n : array_like
        Count (real values allowed, Γ-function extension) [contacts].
    mean : array_like
        Poisson mean; here the offered load A [Erlang].

    Returns
    -------
    numpy.ndarray
        ln(e^{−A} A^n / Γ(n + 1)); −inf where A = 0 < n, 0 where A = n = 0.

    Notes
    -----
    Written as n·(log1p(u) − u) − ½ ln(2πn) − δ(n) with u = (A − n)/n and δ the Stirling
    error, so the large terms n ln A and ln Γ(n + 1) never cancel [2]_.

    References
    ----------
    .. [2] C. Loader, "Fast and accurate computation of binomial probabilities," 2000.

    Examples
    --------
    >>> round(float(np.exp(poisson_log_pmf(2, 1.0))), 12)  # e^-1 / 2
    0.183939720586
    """
    n_arr, a_arr = validated_arrays(n, mean)
    return poisson_log_pmf_kernel(n_arr, a_arr)


def poisson_log_pmf_kernel(n_arr: np.ndarray, a_arr: np.ndarray) -> np.ndarray:
    """:func:`poisson_log_pmf` on validated float arrays of one shape."""
    out = np.empty_like(n_arr)
    zero_n = n_arr == 0.0
    if zero_n.any():
        out[zero_n] = -a_arr[zero_n]
        pos = ~zero_n
        npos, apos = n_arr[pos], a_arr[pos]
    else:
        pos = Ellipsis  # type: ignore[assignment]
        npos, apos = n_arr, a_arr
    with np.errstate(divide="ignore", invalid="ignore"):
        u = (apos - npos) / npos
        core = npos * (np.log1p(u) - u)
    core = np.where(apos == 0.0, -np.inf, core)
    out[pos] = core - 0.5 * (_LOG_2PI + np.log(npos)) - _stirling_error(npos)
    return out
