"""Rolling-origin backtest and model selection for one series.

From each origin o (a local date) every candidate is fitted on the days before o and
forecasts the days [o, o + horizon); the forecasts are compared with the actuals of the open
intervals. Origins step back from the end of the history by ``backtest_step_days``. The
model with the lowest pooled wMAPE is chosen; MASE, bias and the empirical coverage of the
prediction intervals are reported beside it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from wfm.core.config import ForecastConfig
from wfm.forecast.intervals import calibrated_error_sq, prediction_bounds
from wfm.forecast.intraday import DayPanel
from wfm.forecast.metrics import (
    bias_rate,
    interval_coverage_rate,
    mase,
    seasonal_naive_scale,
    wmape,
)
from wfm.forecast.models import ALWAYS, ENSEMBLE, MODELS, ModelUnfitError

SELECTED = "selected"
"""Score row of the selection itself, measured on origins the choice did not see."""

LEADS = ((0, 1), (1, 7), (7, None))
"""Lead days of the horizon whose intervals are calibrated apart (first day, rest of the
first week, beyond)."""

DEFAULT_MODEL = "top_down_pooled"
"""Candidate kept unless another beats it clearly in the backtest (see :func:`choose`)."""
DEFAULT_MARGIN = 0.05
"""Share of the default's selection score another candidate must beat it by."""

BIAS_TOLERANCE_RATE = 0.05
"""Backtest bias (share of the total) the selection score forgives (:func:`selection_score`)."""
BIAS_WEIGHT = 2.0
"""Weight of the bias beyond ``BIAS_TOLERANCE_RATE`` in the selection score. Scaling a
forecast below 1 contact an interval down by a share x of the actuals lowers its wMAPE by
x (2 P(0) − 1) on counts that are 0 with probability P(0), up to x: at a weight of 1 the
score rose by only 2 (1 − P(0)) x (a fifth of x at P(0) = 0.9), at 2 it rises by at
least x."""

MIN_TRAIN_DAYS = 14
"""Least days between the first observed day and an origin [days]."""

SHORT_HORIZON_DAYS = 7
"""Horizon of the backtest of a history too short for two origins a step apart [days]."""
SHORT_SPAN_DAYS = 13
"""A short history's origins are every day of its last ``SHORT_SPAN_DAYS`` [days]."""
SHORT_CALIBRATION_SHARE = 0.5
"""Share of a short history's origins, the latest, whose errors calibrate the intervals."""


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
    scores = [_score(m, forecasts[m], actuals, scales, config, fit_s[m], calib) for m in forecasts]
    members: tuple[str, ...] = ()
    weights: tuple[float, ...] = ()
    if ENSEMBLE in models:
        members, weights = _members(scores, len(origins), config.ensemble_size)
        if len(members) >= 2:
            ens = _combine(forecasts, members, weights, range(len(origins)))
            scores.append(_score(ENSEMBLE, ens, actuals, scales, config, 0.0, calib))
        else:
            members, weights = (), ()
    eligible = [sc for sc in scores if sc.origins == len(origins) and np.isfinite(sc.wmape)]
    if not eligible:
        return None
    chosen = choose(eligible).model
    nested = _nested(forecasts, actuals, scales, config, ENSEMBLE in models, calib)
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


def selection_score(sc: ModelScore) -> float:
    """What the selection minimises: wMAPE plus ``BIAS_WEIGHT`` times the absolute bias of
    the total beyond ``BIAS_TOLERANCE_RATE``.

    Judging by bias as well as wMAPE keeps the expected count (a mean) ahead of a median
    on sparse series, where the median is mostly 0 and wins wMAPE while under-staffing
    (a bias of −50 % and more). The bias weighs twice: on counts that are mostly 0, a
    forecast scaled down by a share x of the actuals gains nearly x in wMAPE, so at a
    weight of 1 a median 80 % low scored as well as the expected count and joined the
    ensembles (Cincinnati 311 phone potholes, 14 days: −30 % against the last four weeks).
    A bias of a few percent over a few origins is mostly the level drifting between them,
    which every level-following model suffers alike; counted in full it rewards the model
    that chased the last drift, and loses out of sample.
    """
    bias = sc.bias_rate if np.isfinite(sc.bias_rate) else 0.0
    return float(sc.wmape + BIAS_WEIGHT * max(0.0, abs(bias) - BIAS_TOLERANCE_RATE))


def choose(eligible: list[ModelScore]) -> ModelScore:
    """The candidate with the lowest selection score, unless it beats the robust default
    ``top_down_pooled`` by less than ``DEFAULT_MARGIN`` of its score: on a few origins a
    small lead is mostly luck, and the default generalises better than a lucky winner."""
    best = min(eligible, key=selection_score)
    default = next((sc for sc in eligible if sc.model == DEFAULT_MODEL), None)
    if default is not None and selection_score(best) > (1 - DEFAULT_MARGIN) * selection_score(
        default
    ):
        return default
    return best


def _members(
    scores: list[ModelScore], n_origins: int, size: int
) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """The ``size`` best models and their weights, inversely proportional to their score."""
    ranked = sorted(
        (sc for sc in scores if sc.origins == n_origins and np.isfinite(sc.wmape)),
        key=selection_score,
    )[:size]
    inv = np.array([1.0 / max(selection_score(sc), 1e-9) for sc in ranked])
    return tuple(sc.model for sc in ranked), tuple((inv / inv.sum()).tolist()) if ranked else ()


def _combine(forecasts: dict, members, weights, which) -> list[np.ndarray | None]:
    return [
        np.sum(
            [w * np.asarray(forecasts[m][i]) for m, w in zip(members, weights, strict=True)], axis=0
        )
        for i in which
    ]


def _nested(
    forecasts: dict,
    actuals: list,
    scales: list,
    config: ForecastConfig,
    ensemble: bool,
    calib_from: int = 0,
) -> ModelScore | None:
    """Scores of the selection itself: at each origin, the model (or ensemble) that the
    other origins choose, so the published score is measured on origins the choice did
    not see."""
    n = len(actuals)
    if n < 2:
        return None
    picked: list[np.ndarray | None] = []
    for i in range(n):
        others = [j for j in range(n) if j != i]
        sub = {m: [f[j] for j in others] for m, f in forecasts.items()}
        acts = [actuals[j] for j in others]
        sc = [_score(m, sub[m], acts, [scales[j] for j in others], config, 0.0) for m in sub]
        ok = [
            x
            for x in sc
            if x.origins == n - 1 and np.isfinite(x.wmape) and forecasts[x.model][i] is not None
        ]
        if not ok:
            return None
        best = choose(ok)
        fc = forecasts[best.model][i]
        if ensemble:
            # only members with a forecast at this origin (a model may be unfit there)
            fitted = [x for x in sc if forecasts[x.model][i] is not None]
            mem, w = _members(fitted, n - 1, config.ensemble_size)
            if len(mem) >= 2:
                ens = _combine(sub, mem, w, range(n - 1))
                ens_sc = _score(ENSEMBLE, ens, acts, [scales[j] for j in others], config, 0.0)
                if selection_score(ens_sc) < selection_score(best):
                    fc = _combine(forecasts, mem, w, [i])[0]
        if fc is None:
            return None
        picked.append(fc)
    return _score(SELECTED, picked, actuals, scales, config, 0.0, calib_from)


def _score(
    model: str,
    fcs: list,
    actuals: list[np.ndarray],
    scales: list[float],
    config: ForecastConfig,
    fit_s: float,
    calib_from: int = 0,
) -> ModelScore:
    ok = [i for i, f in enumerate(fcs) if f is not None]
    if not ok:
        nan = float("nan")
        return ModelScore(
            model=model,
            origins=0,
            wmape=nan,
            mase=nan,
            bias_rate=nan,
            coverage_rate=nan,
            error_sq=nan,
            fit_s=fit_s,
        )
    a = np.concatenate([actuals[i].ravel() for i in ok])
    f = np.concatenate([fcs[i].ravel() for i in ok])
    per_origin_sq = [(actuals[i].ravel(), fcs[i].ravel()) for i in ok]
    error_sq = calibrated_error_sq(a, f, config.level_rate)
    lo_parts, hi_parts = [], []
    for j, (_, fj) in enumerate(per_origin_sq):
        others = [per_origin_sq[k] for k in range(len(ok)) if k != j] or per_origin_sq
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
        coverage_rate=interval_coverage_rate(a, np.concatenate(lo_parts), np.concatenate(hi_parts)),
        error_sq=error_sq,
        fit_s=fit_s,
    )


def _iso(ordinal: int) -> str:
    import datetime as dt

    return dt.date.fromordinal(int(ordinal)).isoformat()
