"""Prediction intervals for contact counts: Poisson noise plus a measured relative error."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np


def error_rate_sq(actual: np.ndarray, forecast: np.ndarray) -> float:
    """Squared relative error beyond Poisson noise, by the method of moments.

    Parameters
    ----------
    actual, forecast : numpy.ndarray
        Aligned observed and forecast contacts; ``NaN`` actuals are skipped [contacts].

    Returns
    -------
    float
        φ² = max(0, Σ[(a − f)² − f] / Σ f²), or ``nan`` when no forecast is positive.

    Notes
    -----
    With counts a ~ (mean f, variance f + φ² f²) (a negative-binomial-like, overdispersed
    Poisson law), E[(a − f)² − f] = φ² f², so the ratio of sums estimates φ² [1]_. Forecast
    errors (bias included) widen φ, which is what the interval must reflect.

    References
    ----------
    .. [1] A. C. Cameron, P. K. Trivedi, *Regression Analysis of Count Data*, 2nd ed.,
       Cambridge University Press, 2013, section 3.2 (NB2 variance function).
    """
    a = np.asarray(actual, dtype=float).ravel()
    f = np.asarray(forecast, dtype=float).ravel()
    keep = ~np.isnan(a) & ~np.isnan(f)
    a, f = a[keep], f[keep]
    den = float((f * f).sum())
    if den <= 0:
        return float("nan")
    return max(0.0, float((((a - f) ** 2) - f).sum()) / den)


def calibrated_error_sq(actual: np.ndarray, forecast: np.ndarray, level_rate: float) -> float:
    """Least dispersion φ² whose bounds (:func:`prediction_bounds`) cover ``level_rate`` of
    the actuals.

    Parameters
    ----------
    actual, forecast : numpy.ndarray
        Aligned observed and forecast contacts from a backtest; ``NaN`` actuals are
        skipped [contacts].
    level_rate : float
        Target coverage.

    Returns
    -------
    float
        φ² in [−1, 16], or ``nan`` when there is nothing to calibrate on. A negative value
        narrows the Poisson band (see :func:`prediction_bounds`).

    Notes
    -----
    An interval covers a when φ² ≥ ((a − f)²/z² − f)/f², so the least φ² covering a share
    ``level_rate`` is that quantile of the right-hand side over the backtest. Unlike the
    moment estimator :func:`error_rate_sq`, a few outlying days (a holiday eve, an outage)
    do not inflate the width of every interval.

    When the Poisson band f ± z√f alone already covers more than ``level_rate`` (sparse
    counts: with f below about 0.6 the band reaches above 1 and covers both 0 and 1, some
    90 % of the draws), the Poisson variance is scaled down instead: the interval covers a
    when ψ ≥ (a − f)²/(z² f), ψ is that quantile, and φ² = ψ − 1 < 0.
    """
    a = np.asarray(actual, dtype=float).ravel()
    f = np.asarray(forecast, dtype=float).ravel()
    keep = ~np.isnan(a) & ~np.isnan(f) & (f > 0)
    a, f = a[keep], f[keep]
    if a.size == 0:
        return float("nan")
    z = NormalDist().inv_cdf(0.5 + level_rate / 2.0)
    # |a - f| <= z sqrt(f + φ² f²)  ⇔  φ² >= ((a - f)² / z² - f) / f²
    need = ((a - f) ** 2 / (z * z) - f) / (f * f)
    if float(np.mean(need <= 0.0)) <= level_rate:
        return float(min(np.quantile(need, level_rate, method="inverted_cdf"), 16.0))
    # |a - f| <= z sqrt(ψ f)  ⇔  ψ >= (a - f)² / (z² f)
    psi = float(np.quantile((a - f) ** 2 / (z * z * f), level_rate, method="inverted_cdf"))
    return min(psi, 1.0) - 1.0


def prediction_bounds(
    forecast: np.ndarray, error_sq: float | np.ndarray, level_rate: float
) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds of a central prediction interval for counts.

    Parameters
    ----------
    forecast : numpy.ndarray
        Mean forecast f ≥ 0 [contacts].
    error_sq : float or numpy.ndarray
        φ² of :func:`error_rate_sq` or :func:`calibrated_error_sq`, one value or one per
        forecast [dimensionless]; a value in [−1, 0) scales the Poisson variance by 1 + φ².
    level_rate : float
        Central coverage (0.8 → 10 % and 90 % quantiles).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        lo = max(0, f − z σ) and hi = f + z σ with σ = sqrt(f + φ² f²) (φ² ≥ 0) or
        σ = sqrt((1 + φ²) f) (φ² < 0), and z the standard normal quantile of
        (1 + level) / 2; 0 ≤ lo ≤ f ≤ hi everywhere.

    Notes
    -----
    Normal approximation of the overdispersed count law of :func:`error_rate_sq`.

    Examples
    --------
    >>> lo, hi = prediction_bounds(np.array([100.0]), 0.0, 0.8)
    >>> round(float(lo[0]), 2), round(float(hi[0]), 2)
    (87.18, 112.82)
    """
    f = np.maximum(np.asarray(forecast, dtype=float), 0.0)
    z = NormalDist().inv_cdf(0.5 + level_rate / 2.0)
    sq = np.asarray(error_sq, dtype=float)
    var = np.where(sq >= 0.0, f + np.maximum(sq, 0.0) * f * f, np.maximum(1.0 + sq, 0.0) * f)
    sd = np.sqrt(var)
    return np.maximum(f - z * sd, 0.0), f + z * sd
