"""Rolling-origin backtest and model selection for one series.

From each origin o (a local date) every candidate is fitted on the days before o and
forecasts the days [o, o + horizon); the forecasts are compared with the actuals of the open
intervals. Origins step back from the end of the history by ``backtest_step_days``. The
model with the lowest pooled wMAPE is chosen (:mod:`wfm.forecast.selection`); MASE, bias and
the empirical coverage of the prediction intervals are reported beside it
(:mod:`wfm.forecast.scores`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from wfm.core.config import ForecastConfig
from wfm.forecast.intraday import DayPanel
from wfm.forecast.metrics import seasonal_naive_scale
from wfm.forecast.models import ALWAYS, ENSEMBLE, MODELS, ModelUnfitError
from wfm.forecast.scores import ModelScore, score_forecasts
from wfm.forecast.selection import choose, combine, ensemble_members, nested_score

MIN_TRAIN_DAYS = 14
"""Least days between the first observed day and an origin [days]."""

SHORT_HORIZON_DAYS = 7
"""Horizon of the backtest of a history too short for two origins a step apart [days]."""
SHORT_SPAN_DAYS = 13
"""A short history's origins are every day of its last ``SHORT_SPAN_DAYS`` [days]."""
SHORT_CALIBRATION_SHARE = 0.5
"""Share of a short history's origins, the latest, whose errors calibrate the intervals."""


@dataclass(frozen=True, slots=True, kw_only=True)
class BacktestResult:
    """Scores of every candidate, the chosen model and the ensemble's members.

    ``members`` are the models the ``ensemble`` candidate averages with ``weights``
    (inversely proportional to their selection score; empty when it was not a candidate
    or had fewer than two members), whether or not it was chosen. A ``selected`` score,
    when present, is the nested score of the selection itself.
    """

    scores: tuple[ModelScore, ...]
    chosen: str
    members: tuple[str, ...] = ()
    weights: tuple[float, ...] = ()
    origins: tuple[int, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    def score(self, model: str) -> ModelScore:
        """Scores of ``model``."""
        return next(s for s in self.scores if s.model == model)


def backtest_origins(
    panel: DayPanel, horizon_days: int, n_origins: int, step_days: int
) -> list[int]:
    """Origins (local date ordinals), latest last, each with two weeks of data before it."""
    valid = np.flatnonzero(panel.valid)
    if valid.size == 0:
        return []
    first = panel.day0 + int(valid[0])
    end = panel.day0 + panel.n_days  # day after the last history day
    out = []
    for k in range(n_origins):
        o = end - horizon_days - k * step_days
        if o - first >= MIN_TRAIN_DAYS:
            out.append(o)
    return sorted(out)


def short_history_origins(panel: DayPanel) -> list[int]:
    """Origins of a history too short for :func:`backtest_origins` to give two: every day
    of the last ``SHORT_SPAN_DAYS`` that has ``MIN_TRAIN_DAYS`` of data before it, latest
    last. Each forecasts ``SHORT_HORIZON_DAYS``, scored on the days the history holds (the
    last origins are cut at its end), so that a month of data still chooses its model on
    many origins instead of falling back to a baseline that ignores the recent level."""
    valid = np.flatnonzero(panel.valid)
    if valid.size == 0:
        return []
    first = panel.day0 + int(valid[0])
    end = panel.day0 + panel.n_days
    return list(range(max(first + MIN_TRAIN_DAYS, end - SHORT_SPAN_DAYS), end))


def rolling_backtest(
    panel: DayPanel,
    open_cells: np.ndarray,
    config: ForecastConfig,
    horizon_days: int,
    *,
    origins: list[int] | None = None,
    models: tuple[str, ...] | None = None,
) -> BacktestResult | None:
    """Score every candidate of ``config.models`` from rolling origins and choose one.

    Parameters
    ----------
    panel : DayPanel
        Cleaned history of the series [contacts].
    open_cells : numpy.ndarray of bool
        Days × slots mask of the site's open intervals; only those are scored.
    config : ForecastConfig
        Candidates, origins, ensemble size and interval level.
    horizon_days : int
        Days forecast from each origin [days].
    origins : list of int, optional
        Origins to use instead of :func:`backtest_origins`.
    models : tuple of str, optional
        Candidates instead of ``config.models``.

    Returns
    -------
    BacktestResult or None
        None when no origin leaves two weeks of training data.
    """
    models = tuple(models or config.models)
    short = False
    if len(models) > 1:  # a selection: robust baselines are always among the candidates
        models = (*models, *(m for m in ALWAYS if m not in models))
    if origins is None:
        origins = backtest_origins(
            panel, horizon_days, config.backtest_origins, config.backtest_step_days
        )
        if len(origins) < 2:
            origins = short_history_origins(panel)
            horizon_days = min(horizon_days, SHORT_HORIZON_DAYS)
            short = True
    if not origins:
        return None
    s = panel.values.shape[1]
    masked = np.where(open_cells, panel.values, np.nan)
    actuals: list[np.ndarray] = []
    scales: list[float] = []
    forecasts: dict[str, list[np.ndarray | None]] = {m: [] for m in models if m != ENSEMBLE}
    fit_s = dict.fromkeys(forecasts, 0.0)
    notes: list[str] = []
    for o in origins:
        targets = o + np.arange(horizon_days)
        rows = targets - panel.day0
        inside = rows < panel.n_days
        act = np.full((horizon_days, s), np.nan)
        act[inside] = masked[rows[inside]]
        actuals.append(act)
        train = panel.between(o - 7 * config.history_weeks, o)
        scales.append(seasonal_naive_scale(masked[: o - panel.day0].ravel(), 7 * s))
        for m in forecasts:
            t0 = time.perf_counter()
            try:
                forecasts[m].append(MODELS[m](train, targets, config))
            except ModelUnfitError as err:
                forecasts[m].append(None)
                notes.append(f"{m} not fitted at origin {_iso(o)}: {err}")
            fit_s[m] += time.perf_counter() - t0
    calib = _calibration_start(len(origins), short)
    scores = [
        score_forecasts(m, forecasts[m], actuals, scales, config, fit_s[m], calib)
        for m in forecasts
    ]
    members: tuple[str, ...] = ()
    weights: tuple[float, ...] = ()
    if ENSEMBLE in models:
        members, weights = ensemble_members(scores, len(origins), config.ensemble_size)
        if len(members) >= 2:
            ens = combine(forecasts, members, weights, range(len(origins)))
            scores.append(score_forecasts(ENSEMBLE, ens, actuals, scales, config, 0.0, calib))
        else:
            members, weights = (), ()
    eligible = [sc for sc in scores if sc.origins == len(origins) and np.isfinite(sc.wmape)]
    if not eligible:
        return None
    chosen = choose(eligible).model
    nested = nested_score(forecasts, actuals, scales, config, ENSEMBLE in models, calib)
    if nested is not None:
        scores.append(nested)
    return BacktestResult(
        scores=tuple(scores),
        chosen=chosen,
        members=members,
        weights=weights,
        origins=tuple(origins),
        notes=tuple(notes),
    )


def _calibration_start(n_origins: int, short: bool) -> int:
    """Index of the first origin whose errors calibrate the intervals: the first, or for a
    short history the latest ``SHORT_CALIBRATION_SHARE`` of them. A short history's early
    origins train on 14 days where the final fit has up to a month: their errors are larger
    than the forecast's, and intervals calibrated on them are too wide (Anonymous Bank: 80 %
    intervals covering 0.92)."""
    if not short:
        return 0
    return min(n_origins - 1, int(n_origins * (1.0 - SHORT_CALIBRATION_SHARE)))


def _iso(ordinal: int) -> str:
    import datetime as dt

    return dt.date.fromordinal(int(ordinal)).isoformat()
