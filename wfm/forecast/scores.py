"""Scores of a model's backtest forecasts against the actuals of their origins.

A model's forecasts from every backtest origin are pooled: wMAPE, MASE, bias and the
empirical coverage of its prediction intervals (each origin bounded with the error rate of
the other origins), and the error rate φ² its final intervals are calibrated with, by lead.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from wfm.core.config import ForecastConfig
from wfm.forecast.intervals import calibrated_error_sq, prediction_bounds
from wfm.forecast.metrics import bias_rate, interval_coverage_rate, mase, wmape

LEADS = ((0, 1), (1, 7), (7, None))
"""Lead days of the horizon whose intervals are calibrated apart (first day, rest of the
first week, beyond)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelScore:
    """Backtest scores of one model on one series.

    Attributes
    ----------
    model : str
        Registry name.
    origins : int
        Origins the model could be fitted at.
    wmape, mase, bias_rate, coverage_rate : float
        Pooled over origins (see :mod:`wfm.forecast.metrics`); coverage uses, for each
        origin, the error rate measured on the other origins (leave one origin out).
    error_sq : float
        φ² calibrated on every origin (:func:`~wfm.forecast.intervals.calibrated_error_sq`).
    error_sq_by_lead : tuple of float
        φ² calibrated by lead: the first day, days 2–7 and days 8 on of each origin's
        horizon (``error_sq`` where a lead has nothing to calibrate on); the final
        prediction intervals use it.
    fit_s : float
        Wall time of the model's fits over all origins [s].
    """

    model: str
    origins: int
    wmape: float
    mase: float
    bias_rate: float
    coverage_rate: float
    error_sq: float
    fit_s: float
    error_sq_by_lead: tuple[float, ...] = ()


def accuracy_score(model: str, fcs: list, actuals: list[np.ndarray]) -> ModelScore:
    """What a selection compares of a model: its origins, pooled wMAPE and bias (every other
    score NaN).

    Parameters
    ----------
    model : str
        Registry name.
    fcs : list of numpy.ndarray or None
        The model's forecast from each origin [contacts], None where it was not fitted.
    actuals : list of numpy.ndarray
        Each origin's actuals [contacts], NaN where not scored.
    """
    nan = float("nan")
    ok = [i for i, f in enumerate(fcs) if f is not None]
    if not ok:
        return ModelScore(
            model=model,
            origins=0,
            wmape=nan,
            mase=nan,
            bias_rate=nan,
            coverage_rate=nan,
            error_sq=nan,
            fit_s=0.0,
        )
    a = np.concatenate([actuals[i].ravel() for i in ok])
    f = np.concatenate([fcs[i].ravel() for i in ok])
    return ModelScore(
        model=model,
        origins=len(ok),
        wmape=wmape(a, f),
        mase=nan,
        bias_rate=bias_rate(a, f),
        coverage_rate=nan,
        error_sq=nan,
        fit_s=0.0,
    )


def score_forecasts(
    model: str,
    fcs: list,
    actuals: list[np.ndarray],
    scales: list[float],
    config: ForecastConfig,
    fit_s: float,
    calib_from: int = 0,
) -> ModelScore:
    """Every score of a model's backtest forecasts (see :class:`ModelScore`).

    Parameters
    ----------
    model : str
        Registry name.
    fcs : list of numpy.ndarray or None
        The model's forecast from each origin [contacts], None where it was not fitted.
    actuals : list of numpy.ndarray
        Each origin's actuals [contacts], NaN where not scored.
    scales : list of float
        Each origin's seasonal naive scale of MASE [contacts].
    config : ForecastConfig
        Interval level and fallback error rate.
    fit_s : float
        Wall time of the fits [s].
    calib_from : int
        Index of the first origin whose errors calibrate φ².
    """
    ok = [i for i, f in enumerate(fcs) if f is not None]
    if not ok:
        return replace(accuracy_score(model, fcs, actuals), fit_s=fit_s)
    a = np.concatenate([actuals[i].ravel() for i in ok])
    f = np.concatenate([fcs[i].ravel() for i in ok])
    error_sq = calibrated_error_sq(a, f, config.level_rate)
    lo, hi = _left_out_bounds([(actuals[i].ravel(), fcs[i].ravel()) for i in ok], config)
    mases = [mase(actuals[i], fcs[i], scales[i]) for i in ok]
    mases = [m for m in mases if np.isfinite(m)]
    by_lead = []
    calib = [i for i in ok if i >= calib_from] or ok
    if calib != ok:
        error_sq = calibrated_error_sq(
            np.concatenate([actuals[i].ravel() for i in calib]),
            np.concatenate([fcs[i].ravel() for i in calib]),
            config.level_rate,
        )
    for first, end in LEADS:
        sq = calibrated_error_sq(
            np.concatenate([actuals[i][first:end].ravel() for i in calib]),
            np.concatenate([fcs[i][first:end].ravel() for i in calib]),
            config.level_rate,
        )
        by_lead.append(sq if np.isfinite(sq) else error_sq)
    return ModelScore(
        error_sq_by_lead=tuple(by_lead),
        model=model,
        origins=len(ok),
        wmape=wmape(a, f),
        mase=float(np.mean(mases)) if mases else float("nan"),
        bias_rate=bias_rate(a, f),
        coverage_rate=interval_coverage_rate(a, lo, hi),
        error_sq=error_sq,
        fit_s=fit_s,
    )


def _left_out_bounds(
    pairs: list[tuple[np.ndarray, np.ndarray]], config: ForecastConfig
) -> tuple[np.ndarray, np.ndarray]:
    """Prediction bounds of each origin's forecast with φ² calibrated on the other origins
    (on every origin when there is one), concatenated in origin order [contacts]."""
    lo_parts, hi_parts = [], []
    for j, (_, fj) in enumerate(pairs):
        others = [pairs[k] for k in range(len(pairs)) if k != j] or pairs
        sq = calibrated_error_sq(
            np.concatenate([x for x, _ in others]),
            np.concatenate([y for _, y in others]),
            config.level_rate,
        )
        lo, hi = prediction_bounds(
            fj, sq if np.isfinite(sq) else config.fallback_error_rate**2, config.level_rate
        )
        lo_parts.append(lo)
        hi_parts.append(hi)
    return np.concatenate(lo_parts), np.concatenate(hi_parts)
