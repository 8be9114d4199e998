"""Replication statistics: means and Student-t confidence half-widths over seeded runs."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np


def t_quantile(p: float, dof: int) -> float:
    """Quantile ``p`` of Student's t distribution with ``dof`` degrees of freedom.

    Parameters
    ----------
    p : float
        Probability in (0.5, 1).
    dof : int
        Degrees of freedom, ≥ 1.

    Returns
    -------
    float
        t such that P(T ≤ t) = p.

    Notes
    -----
    Start from the Cornish–Fisher expansion of t in the normal quantile z up to the ν⁻⁴
    term (A&S 26.7.5 [1]_), then, up to 100 degrees of freedom, refine by Newton steps on
    the exact distribution function of integer ν (A&S 26.7.3–26.7.4):
    P(|T| ≤ t) = (2/π)(θ + sin θ Σ) for odd ν and sin θ Σ' for even ν, with
    θ = arctan(t/√ν) and Σ, Σ' finite sums of powers of cos θ. Above 100 degrees of freedom
    the expansion alone is within 1e-6.

    References
    ----------
    .. [1] M. Abramowitz, I. A. Stegun, *Handbook of Mathematical Functions*, 26.7, 1964.

    Examples
    --------
    >>> round(t_quantile(0.975, 9), 3)
    2.262
    """
    if not 0.5 < p < 1.0:
        raise ValueError(f"p must be in (0.5, 1); got {p}")
    if dof < 1:
        raise ValueError(f"dof must be ≥ 1; got {dof}")
    if dof == 1:
        return math.tan(math.pi * (p - 0.5))
    if dof == 2:
        return (2 * p - 1) * math.sqrt(2.0 / (4 * p * (1 - p)))
    z = NormalDist().inv_cdf(p)
    v = float(dof)
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    t = z + g1 / v + g2 / v**2 + g3 / v**3 + g4 / v**4
    if dof > 100:
        return t
    log_norm = math.lgamma((v + 1) / 2) - math.lgamma(v / 2) - 0.5 * math.log(v * math.pi)
    for _ in range(8):
        density = math.exp(log_norm - (v + 1) / 2 * math.log1p(t * t / v))
        step = (_t_cdf(t, dof) - p) / density
        t -= step
        if abs(step) < 1e-12:
            break
    return t


def _t_cdf(t: float, dof: int) -> float:
    """P(T ≤ t) of Student's t with integer ``dof`` (A&S 26.7.3–26.7.4), for t ≥ 0."""
    theta = math.atan(t / math.sqrt(dof))
    c2 = math.cos(theta) ** 2
    if dof % 2:
        term = math.cos(theta)
        total = term if dof > 1 else 0.0
        for k in range(1, (dof - 3) // 2 + 1):
            term *= c2 * (2 * k) / (2 * k + 1)
            total += term
        two_sided = 2 / math.pi * (theta + math.sin(theta) * total)
    else:
        term = total = 1.0
        for k in range(1, (dof - 2) // 2 + 1):
            term *= c2 * (2 * k - 1) / (2 * k)
            total += term
        two_sided = math.sin(theta) * total
    return 0.5 + two_sided / 2


def replication_mean(values: np.ndarray, level_rate: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Mean over replications and its confidence half-width, ignoring missing values.

    Parameters
    ----------
    values : numpy.ndarray, shape (replications, ...)
        One estimate per replication (NaN where a replication has none, e.g. no contacts).
    level_rate : float
        Two-sided confidence level.

    Returns
    -------
    mean, half_width : numpy.ndarray
        Mean of the available replications, and t_{(1+level)/2, m−1} · s / √m with m the
        number available and s their sample standard deviation; NaN where m < 2 (mean NaN
        where m = 0).
    """
    values = np.asarray(values, dtype=float)
    ok = ~np.isnan(values)
    m = ok.sum(axis=0)
    total = np.where(ok, values, 0.0).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(m > 0, total / np.maximum(m, 1), np.nan)
        dev = np.where(ok, values - mean, 0.0)
        var = (dev**2).sum(axis=0) / np.maximum(m - 1, 1)
    p = 0.5 + level_rate / 2
    lut = np.full(int(np.max(m, initial=0)) + 1, np.nan)
    for k in range(2, len(lut)):
        lut[k] = t_quantile(p, k - 1)
    half = lut[m] * np.sqrt(var) / np.sqrt(np.maximum(m, 1))
    half = np.where(m >= 2, half, np.nan)
    return mean, half


def ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den, NaN where den is 0 (no contacts, no agents)."""
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out
