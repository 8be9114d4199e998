"""Same-weekday baselines: a forecast day repeats the same weekday of recent weeks.

The models a planner checks every other against: the last same weekday
(:func:`seasonal_naive`), and the mean or median of the same weekday-interval over recent
weeks (:func:`week_average`, :func:`week_median`). They share the signature of
:mod:`wfm.forecast.models` (``model(panel, targets, config) -> numpy.ndarray``, local
dates × slots of non-negative contacts) and are registered there.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from wfm.core.config import ForecastConfig
from wfm.forecast.intraday import DayPanel, recent_days, weekday_of


def seasonal_naive(panel: DayPanel, targets: np.ndarray, config: ForecastConfig) -> np.ndarray:
    """Same interval on the last observed day of the same weekday.

    Parameters
    ----------
    panel : DayPanel
        History [contacts].
    targets : numpy.ndarray
        Local date ordinals to forecast.
    config : ForecastConfig
        Unused; part of the common signature.

    Returns
    -------
    numpy.ndarray
        len(targets) × slots [contacts].

    Notes
    -----
    ŷ(d, s) = y(d', s) with d' the latest history day with weekday(d') = weekday(d) and data;
    missing days are skipped by date, so the weekly phase never shifts. A weekday absent from
    two weeks or more of history has no contacts (forecast 0); in a shorter history it takes
    the mean over every observed day.

    References
    ----------
    .. [1] R. J. Hyndman, G. Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed.,
       OTexts, 2021, section 5.2 (seasonal naïve method).
    """
    return _same_weekday(panel, targets, 1, np.mean)


def week_average(panel: DayPanel, targets: np.ndarray, config: ForecastConfig) -> np.ndarray:
    """Mean of the same weekday-interval over the last ``config.average_weeks`` weeks.

    Notes
    -----
    ŷ(d, s) = (1/N) Σ_{k=1..N} y(d_k, s), with d_1..d_N the N latest observed days sharing
    d's weekday (N = ``average_weeks``). The classic WFM-suite baseline; averaging N weeks
    cuts the interval noise variance by about N at the cost of reacting slowly to level
    changes.

    References
    ----------
    .. [1] N. Gans, G. Koole, A. Mandelbaum, "Telephone call centers: tutorial, review, and
       research prospects", Manuf. Serv. Oper. Manag., 5(2), 79–141, 2003, section 4.1.
    """
    return _same_weekday(panel, targets, config.average_weeks, np.mean)


def week_median(panel: DayPanel, targets: np.ndarray, config: ForecastConfig) -> np.ndarray:
    """Median of the same weekday-interval over the last ``config.average_weeks`` weeks.

    Notes
    -----
    ŷ(d, s) = median_{k=1..N} y(d_k, s): as :func:`week_average`, robust to a one-off spike.

    References
    ----------
    .. [1] N. Gans, G. Koole, A. Mandelbaum, Manuf. Serv. Oper. Manag., 5(2), 2003.
    """
    return _same_weekday(panel, targets, config.average_weeks, np.median)


def _same_weekday(
    panel: DayPanel, targets: np.ndarray, n: int, reduce: Callable[..., np.ndarray]
) -> np.ndarray:
    s = panel.values.shape[1]
    out = np.zeros((len(targets), s))
    pooled_rows = recent_days(panel, None, 7 * max(n, 1))
    pooled = panel.values[pooled_rows].mean(axis=0) if pooled_rows.size else np.zeros(s)
    cache: dict[int, np.ndarray] = {}
    if panel.n_days >= 14:  # a weekday absent from two weeks of history has no contacts
        pooled = np.zeros(s)
    for i, wd in enumerate(weekday_of(np.asarray(targets))):
        wd = int(wd)
        if wd not in cache:
            rows = recent_days(panel, wd, n)
            cache[wd] = reduce(panel.values[rows], axis=0) if rows.size else pooled
        out[i] = cache[wd]
    return np.maximum(out, 0.0)
