"""The model a series is forecast with: chosen by backtest, fitted on the recent history.

The candidates are scored by the rolling-origin backtest (:mod:`wfm.forecast.backtest`) and
ranked by :mod:`wfm.forecast.selection`; the winner (or the ensemble of the best) is fitted
on the last ``history_weeks`` of the history, and the errors of the selection itself give
φ² per forecast day for the prediction intervals. A history too short or empty for a
backtest, or a winner that fails on the full history, falls back to ``fallback_model``
with ``fallback_error_rate``, and a note says so.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from wfm.core.calendar import interval_grid, open_mask
from wfm.core.config import ForecastConfig, SiteConfig
from wfm.forecast.backtest import BacktestResult, rolling_backtest
from wfm.forecast.honesty import naive_note, no_backtest_note, sq_by_target
from wfm.forecast.intraday import DayPanel, local_slots
from wfm.forecast.models import ENSEMBLE, MODELS, ModelUnfitError
from wfm.forecast.scores import ModelScore
from wfm.forecast.screening import level_break
from wfm.forecast.selection import SELECTED, selection_score


def fit_chosen_model(
    panel: DayPanel,
    targets: np.ndarray,
    cfg: ForecastConfig,
    *,
    site: SiteConfig,
    interval_min: int,
    horizon_days: int,
) -> tuple[str, np.ndarray, np.ndarray, tuple[ModelScore, ...], list[str]]:
    """Choose a series' model by backtest and fit it on the recent history.

    Parameters
    ----------
    panel : DayPanel
        Cleaned history of the series (local days × slots) [contacts].
    targets : numpy.ndarray
        Site-local date ordinals to forecast.
    cfg : ForecastConfig
        Candidate models, backtest and fallback settings.
    site : SiteConfig
        Site whose opening hours say which history cells the backtest scores.
    interval_min : int
        Interval length [min].
    horizon_days : int
        Days forecast from each backtest origin [days].

    Returns
    -------
    (model, forecast, error_sq, scores, notes)
        Name of the model used, its forecast (targets × slots) [contacts], φ² per target
        day (squared relative error of the prediction intervals), the backtest scores and
        notes on fallbacks.
    """
    notes: list[str] = []
    fallback_sq = np.full(len(targets), cfg.fallback_error_rate**2)
    if not panel.valid.any():
        notes.append("no usable history day (all holidays or events); forecast 0")
        return (
            cfg.fallback_model,
            np.zeros((len(targets), panel.values.shape[1])),
            (fallback_sq),
            (),
            notes,
        )
    result = _backtest(panel, cfg, site, interval_min, horizon_days, notes)
    end = panel.day0 + panel.n_days
    recent = panel.between(end - 7 * cfg.history_weeks, end)
    brk = level_break(panel)
    if brk:
        notes.append(f"warning: {brk}")
    if result is None:
        fmat = MODELS[cfg.fallback_model](recent, targets, cfg)
        return cfg.fallback_model, fmat, fallback_sq, (), notes
    notes.extend(result.notes)
    n = len(result.origins)
    ranked = sorted(
        (
            s
            for s in result.scores
            if np.isfinite(s.wmape) and s.origins == n and s.model != SELECTED
        ),
        key=lambda s: (s.model != result.chosen, selection_score(s)),
    )
    for sc in ranked:
        try:
            if sc.model == ENSEMBLE:
                fmat = np.sum(
                    [
                        w * MODELS[m](recent, targets, cfg)
                        for m, w in zip(result.members, result.weights, strict=True)
                    ],
                    axis=0,
                )
            else:
                fmat = MODELS[sc.model](recent, targets, cfg)
        except ModelUnfitError as err:
            notes.append(f"{sc.model} won the backtest but failed on the full history ({err})")
            continue
        chosen = sc.model if sc.model != ENSEMBLE else f"{ENSEMBLE}({'+'.join(result.members)})"
        notes.extend(naive_note(result, sc))
        # intervals from the errors of the selection itself (nested): the chosen model's
        # own backtest errors are those of a winner, smaller than its errors to come
        nested = next((s for s in result.scores if s.model == SELECTED), None)
        calib = nested if nested is not None and nested.error_sq_by_lead else sc
        sq = sq_by_target(calib, targets, fallback_sq)
        return chosen, fmat, sq, result.scores, notes
    fmat = MODELS[cfg.fallback_model](recent, targets, cfg)
    return cfg.fallback_model, fmat, fallback_sq, result.scores, notes


def _backtest(
    panel: DayPanel,
    cfg: ForecastConfig,
    site: SiteConfig,
    interval_min: int,
    horizon_days: int,
    notes: list[str],
) -> BacktestResult | None:
    """The candidates' rolling-origin backtest of a history with at least one usable day,
    or ``None`` (with a note appended to ``notes``) when it has no contacts or is too short.
    """
    valid = np.flatnonzero(panel.valid)
    weeks = (valid[-1] - valid[0] + 1) / 7 if valid.size else 0.0
    volume = float(np.nansum(panel.values))
    result: BacktestResult | None = None
    if volume <= 0:
        notes.append(f"no contacts in the history; {cfg.fallback_model} forecasts 0")
    elif weeks < cfg.min_history_weeks:
        notes.append(
            f"short history ({weeks:.1f} weeks < min_history_weeks "
            f"{cfg.min_history_weeks:g}): {cfg.fallback_model} without backtest, "
            f"intervals from fallback_error_rate {cfg.fallback_error_rate:g}"
        )
    else:
        result = rolling_backtest(panel, _open_cells(panel, site, interval_min), cfg, horizon_days)
        if result is None:
            notes.append(no_backtest_note(panel, cfg, horizon_days))
    return result


def _open_cells(panel: DayPanel, site: SiteConfig, interval_min: int) -> np.ndarray:
    start = dt.date.fromordinal(panel.day0)
    grid = interval_grid(start, panel.n_days, interval_min, site.tz)
    ords, slots = local_slots(grid, site.tz, interval_min)
    cells = np.zeros(panel.values.shape, dtype=bool)
    ok = (ords - panel.day0 >= 0) & (ords - panel.day0 < panel.n_days)
    cells[ords[ok] - panel.day0, slots[ok]] = open_mask(grid, site, interval_min)[ok]
    return cells
