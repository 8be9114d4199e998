"""Notes that keep a forecast honest, and interval widths by lead.

A backtest without actuals says so; a choice no better than seasonal naive warns; the φ² of
the prediction intervals follows each target day's lead (first day, days 2–7, days 8 on).
"""

from __future__ import annotations

import numpy as np

from wfm.core.config import ForecastConfig
from wfm.forecast.backtest import BacktestResult, backtest_origins
from wfm.forecast.intraday import DayPanel
from wfm.forecast.scores import LEADS, ModelScore


def no_backtest_note(panel: DayPanel, cfg: ForecastConfig, horizon_days: int) -> str:
    """The note of a series whose backtest could not be scored: no actuals, or too short."""
    origins = backtest_origins(panel, horizon_days, cfg.backtest_origins, cfg.backtest_step_days)
    if origins:
        last = panel.day0 + panel.n_days
        seen = panel.between(min(origins), last).values
        return (
            f"no contacts in the {last - min(origins)} backtest days before the forecast: "
            f"nothing to score the models on; {cfg.fallback_model}, intervals from "
            "fallback_error_rate"
            if np.nansum(seen) <= 0
            else f"no backtest origin could be scored: {cfg.fallback_model}, intervals from "
            "fallback_error_rate"
        )
    return (
        f"history too short for a {horizon_days}-day backtest: "
        f"{cfg.fallback_model}, intervals from fallback_error_rate"
    )


def naive_note(result: BacktestResult, chosen: ModelScore) -> list[str]:
    """A warning when the chosen model's backtest wMAPE is no better than seasonal naive's."""
    naive = next((s for s in result.scores if s.model == "seasonal_naive"), None)
    if naive is None or chosen.model == naive.model or not np.isfinite(naive.wmape):
        return []
    if chosen.wmape < naive.wmape:
        return []
    return [
        f"warning: the chosen {chosen.model} (backtest wMAPE {chosen.wmape:.3f}) is no better "
        f"than seasonal_naive ({naive.wmape:.3f})"
    ]


def sq_by_target(sc: ModelScore, targets: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """φ² of each target day by its lead from the first (the backtest's calibration)."""
    if not sc.error_sq_by_lead:
        return np.full(len(targets), sc.error_sq) if np.isfinite(sc.error_sq) else fallback
    lead = np.asarray(targets) - int(np.min(targets))
    out = np.empty(len(targets))
    for (first, end), sq in zip(LEADS, sc.error_sq_by_lead, strict=True):
        out[(lead >= first) & (lead < (end if end is not None else 10**9))] = sq
    return np.where(np.isfinite(out), out, fallback)
