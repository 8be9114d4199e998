"""Forecast accuracy measures: plain numpy functions over aligned arrays.

Every function ignores positions where the actual is missing (``NaN``), so a table with
closed or absent intervals can be scored as it is. They are used by the backtest that
selects a model and by the nightly accuracy tracking.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def _pair(actual: ArrayLike, forecast: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(actual, dtype=float).ravel()
    f = np.asarray(forecast, dtype=float).ravel()
    if a.shape != f.shape:
        raise ValueError(f"actual and forecast differ in length: {a.size} != {f.size}")
    keep = ~np.isnan(a) & ~np.isnan(f)
    return a[keep], f[keep]


def wmape(actual: ArrayLike, forecast: ArrayLike) -> float:
    """Weighted mean absolute percentage error, as a fraction.

    Parameters
    ----------
    actual, forecast : array_like
        Observed and forecast contacts, aligned [contacts].

    Returns
    -------
    float
        sum |a − f| / sum a; ``nan`` when the actuals sum to 0 (no scale to weigh by).

    Notes
    -----
    wMAPE (also called WAPE or MAD/mean ratio) weighs each interval's percentage error by its
    volume, so quiet intervals do not dominate as they do in MAPE [1]_.

    References
    ----------
    .. [1] S. Kolassa, W. Schütz, "Advantages of the MAD/mean ratio over the MAPE",
       Foresight, 6, 40–43, 2007.

    Examples
    --------
    >>> wmape([10, 20, 30], [12, 18, 30])
    0.06666666666666667
    """
    a, f = _pair(actual, forecast)
    total = a.sum()
    if total <= 0:
        return float("nan")
    return float(np.abs(a - f).sum() / total)


def mase(actual: ArrayLike, forecast: ArrayLike, scale: float) -> float:
    """Mean absolute scaled error.

    Parameters
    ----------
    actual, forecast : array_like
        Observed and forecast contacts, aligned [contacts].
    scale : float
        In-sample mean absolute error of the seasonal naive forecast on the training data
        (see :func:`seasonal_naive_scale`) [contacts].

    Returns
    -------
    float
        mean |a − f| / scale; below 1 beats the in-sample seasonal naive; ``nan`` when the
        scale is 0 or missing.

    References
    ----------
    .. [1] R. J. Hyndman, A. B. Koehler, "Another look at measures of forecast accuracy",
       International Journal of Forecasting, 22(4), 679–688, 2006.

    Examples
    --------
    >>> mase([10, 20], [12, 18], scale=4.0)
    0.5
    """
    a, f = _pair(actual, forecast)
    if a.size == 0 or not np.isfinite(scale) or scale <= 0:
        return float("nan")
    return float(np.abs(a - f).mean() / scale)


def seasonal_naive_scale(values: ArrayLike, lag: int) -> float:
    """Mean absolute ``lag``-step difference of a training series, the MASE denominator.

    Parameters
    ----------
    values : array_like
        Training series in time order; ``NaN`` marks missing values, whose differences are
        skipped [contacts].
    lag : int
        Season length in steps (one week of intervals) [intervals].

    Returns
    -------
    float
        mean |y_t − y_{t−lag}| over pairs where both are present; ``nan`` when none are.

    Examples
    --------
    >>> seasonal_naive_scale([1, 2, 3, 5, 2, 7], lag=3)  # (|5 − 1| + |2 − 2| + |7 − 3|) / 3 = 8/3
    2.6666666666666665
    """
    y = np.asarray(values, dtype=float).ravel()
    if y.size <= lag:
        return float("nan")
    d = np.abs(y[lag:] - y[:-lag])
    d = d[~np.isnan(d)]
    return float(d.mean()) if d.size else float("nan")


def bias_rate(actual: ArrayLike, forecast: ArrayLike) -> float:
    """Signed relative error of the total: positive when the forecast is too high.

    Returns
    -------
    float
        (sum f − sum a) / sum a; ``nan`` when the actuals sum to 0.

    Examples
    --------
    >>> bias_rate([10, 10], [11, 12])
    0.15
    """
    a, f = _pair(actual, forecast)
    total = a.sum()
    if total <= 0:
        return float("nan")
    return float((f.sum() - total) / total)


def interval_coverage_rate(actual: ArrayLike, lower: ArrayLike, upper: ArrayLike) -> float:
    """Share of actuals inside their prediction interval ``[lower, upper]``.

    A calibrated interval at level 0.8 covers close to 0.8 of the actuals.

    Returns
    -------
    float
        Fraction in [0, 1]; ``nan`` when no actual is present.

    Examples
    --------
    >>> interval_coverage_rate([5, 9, 20], [4, 4, 4], [10, 10, 10])
    0.6666666666666666
    """
    a = np.asarray(actual, dtype=float).ravel()
    lo = np.asarray(lower, dtype=float).ravel()
    hi = np.asarray(upper, dtype=float).ravel()
    keep = ~np.isnan(a)
    if not keep.any():
        return float("nan")
    inside = (a[keep] >= lo[keep]) & (a[keep] <= hi[keep])
    return float(inside.mean())
