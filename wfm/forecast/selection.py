"""Choosing a series' model from its backtest scores, and scoring that choice honestly.

The candidate with the lowest selection score wins, unless the robust default is nearly as
good; the ensemble averages the best candidates. The score published for the selection is
nested: at each origin, the forecast of the model the other origins choose.
"""

from __future__ import annotations

import numpy as np

from wfm.core.config import ForecastConfig
from wfm.forecast.models import ENSEMBLE
from wfm.forecast.scores import ModelScore, accuracy_score, score_forecasts

SELECTED = "selected"
"""Score row of the selection itself, measured on origins the choice did not see."""

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


def ensemble_members(
    scores: list[ModelScore], n_origins: int, size: int
) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """The ``size`` best models and their weights, inversely proportional to their score."""
    ranked = sorted(
        (sc for sc in scores if sc.origins == n_origins and np.isfinite(sc.wmape)),
        key=selection_score,
    )[:size]
    inv = np.array([1.0 / max(selection_score(sc), 1e-9) for sc in ranked])
    return tuple(sc.model for sc in ranked), tuple((inv / inv.sum()).tolist()) if ranked else ()


def combine(forecasts: dict, members, weights, which) -> list[np.ndarray | None]:
    """The members' forecasts weighted and summed, at each origin of ``which`` [contacts]."""
    return [
        np.sum(
            [w * np.asarray(forecasts[m][i]) for m, w in zip(members, weights, strict=True)], axis=0
        )
        for i in which
    ]


def nested_score(
    forecasts: dict,
    actuals: list,
    scales: list,
    config: ForecastConfig,
    ensemble: bool,
    calib_from: int = 0,
) -> ModelScore | None:
    """Scores of the selection itself: at each origin, the model (or ensemble) that the
    other origins choose, so the published score is measured on origins the choice did
    not see.

    The other origins choose by selection score only (:func:`accuracy_score`): their
    intervals and MASE are not computed.
    """
    n = len(actuals)
    if n < 2:
        return None
    picked: list[np.ndarray | None] = []
    for i in range(n):
        others = [j for j in range(n) if j != i]
        sub = {m: [f[j] for j in others] for m, f in forecasts.items()}
        acts = [actuals[j] for j in others]
        sc = [accuracy_score(m, sub[m], acts) for m in sub]
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
            mem, w = ensemble_members(fitted, n - 1, config.ensemble_size)
            if len(mem) >= 2:
                ens_sc = accuracy_score(ENSEMBLE, combine(sub, mem, w, range(n - 1)), acts)
                if selection_score(ens_sc) < selection_score(best):
                    fc = combine(forecasts, mem, w, [i])[0]
        if fc is None:
            return None
        picked.append(fc)
    return score_forecasts(SELECTED, picked, actuals, scales, config, 0.0, calib_from)
