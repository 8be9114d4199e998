"""Candidate forecasting models behind one signature.

Every model is a function ``model(panel, targets, config) -> numpy.ndarray``: it reads the
history of one series as a :class:`~wfm.forecast.intraday.DayPanel` (local days × slots,
missing days as ``NaN`` rows) and returns the mean forecast for the local dates ``targets``
(proleptic ordinals, any order, possibly with gaps) as a ``len(targets)`` × slots array of
non-negative contacts. ``MODELS`` maps registry names to these functions: the same-weekday
baselines of :mod:`wfm.forecast.baselines`, and the statistical models here (top-down
daily totals × intraday profile, and direct intraday decomposition).

A model that cannot be fitted on the history it is given (too short for its seasons) raises
:class:`ModelUnfitError`; the backtest then leaves it out and says so.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np

from wfm.core.config import ForecastConfig
from wfm.forecast.baselines import seasonal_naive, week_average, week_median
from wfm.forecast.intraday import DayPanel, weekday_of, weekday_profiles

ModelFn = Callable[[DayPanel, np.ndarray, ForecastConfig], np.ndarray]


class ModelUnfitError(ValueError):
    """The model cannot be fitted on this history (too short, no open days)."""


# -- open-day series shared by the statistical models -------------------------------------------
def _open_days(panel: DayPanel) -> tuple[np.ndarray, np.ndarray]:
    """Weekdays with volume, and the history rows of those weekdays from the first valid one.

    Returns
    -------
    (open_weekdays, rows)
    """
    valid = panel.valid
    if not valid.any():
        raise ModelUnfitError("no observed day")
    totals = np.nansum(panel.values, axis=1)
    wds = panel.weekdays
    open_wd = np.array(
        [
            wd
            for wd in range(7)
            if (valid & (wds == wd)).any() and np.median(totals[valid & (wds == wd)]) > 0
        ],
        dtype=int,
    )
    if open_wd.size == 0:
        raise ModelUnfitError("no weekday with contacts")
    first = int(np.flatnonzero(valid)[0])
    rows = np.arange(first, panel.n_days)
    rows = rows[np.isin(wds[rows], open_wd)]
    return open_wd, rows


def _impute_rows(block: np.ndarray, weekdays: np.ndarray, window: int = 4) -> np.ndarray:
    """Fill missing rows with the mean of up to ``window`` same-weekday rows on each side."""
    out = block.copy()
    missing = np.flatnonzero(np.isnan(block).all(axis=1))
    for i in missing:
        same = np.flatnonzero((weekdays == weekdays[i]) & ~np.isnan(block).all(axis=1))
        near = same[np.argsort(np.abs(same - i), kind="stable")[: 2 * window]]
        out[i] = block[near].mean(axis=0) if near.size else np.nanmean(block, axis=0)
    return np.nan_to_num(out, nan=0.0)


def _future_positions(last_ordinal: int, targets: np.ndarray, open_wd: np.ndarray) -> np.ndarray:
    """1-based step of each target among open weekdays after ``last_ordinal`` (0 = closed)."""
    targets = np.asarray(targets)
    horizon = int(max(targets.max() - last_ordinal, 0))
    days = last_ordinal + 1 + np.arange(horizon)
    is_open = np.isin(weekday_of(days), open_wd)
    steps = np.cumsum(is_open)
    out = np.zeros(len(targets), dtype=int)
    for i, t in enumerate(targets):
        k = int(t - last_ordinal)
        if k >= 1 and is_open[k - 1]:
            out[i] = steps[k - 1]
    return out


def _holt_winters(y: np.ndarray, period: int, steps: int, *, damped: bool) -> np.ndarray:
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    seasonal = None
    if period > 1 and y.size >= 2 * period + 2:
        seasonal = "mul" if (y > 0).all() else "add"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = ExponentialSmoothing(
            y,
            trend="add" if damped else None,
            damped_trend=damped,
            seasonal=seasonal,
            seasonal_periods=period if seasonal else None,
            initialization_method="estimated",
        ).fit(use_brute=False)
        return np.asarray(fit.forecast(steps), dtype=float)


# -- top-down -----------------------------------------------------------------------------------
def top_down_ets(panel: DayPanel, targets: np.ndarray, config: ForecastConfig) -> np.ndarray:
    """Daily totals by Holt-Winters exponential smoothing, spread by a weekday intraday profile.

    Notes
    -----
    The daily totals T_d of the open weekdays (p of them, the season) form one series in date
    order; missing or holiday days are imputed from nearby same-weekday totals. It is fitted
    with a level and a multiplicative weekly season (additive when a total is 0), no trend:

        ℓ_t = α T_t / s_{t−p} + (1 − α) ℓ_{t−1},
        s_t = γ T_t / ℓ_{t−1} + (1 − γ) s_{t−p},
        T̂_{t+h} = ℓ_t s_{t+h−p(k+1)},

    with parameters by maximum likelihood (statsmodels). A damped trend (Holt-Winters
    damped) cut the bias of a month of declining calls but cost accuracy on the bank calls
    (docs/forecast-panel.md); it is not fitted. The interval forecast is
    ŷ(d, s) = T̂_d · π_{w(d)}(s) with π the weekday profile of
    :func:`~wfm.forecast.intraday.weekday_profiles` over ``profile_weeks``.

    References
    ----------
    .. [1] R. J. Hyndman, G. Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed.,
       OTexts, 2021, section 8.3 (Holt-Winters method).
    .. [2] H. Shen, J. Z. Huang, "Interday forecasting and intraday updating of call center
       arrivals", Manuf. Serv. Oper. Manag., 10(3), 391–410, 2008 (top-down daily × profile).
    """
    open_wd, rows = _open_days(panel)
    p = int(open_wd.size)
    totals = np.nansum(panel.values[rows], axis=1)
    totals[~panel.valid[rows]] = np.nan
    y = _impute_rows(totals[:, None], panel.weekdays[rows])[:, 0]
    if y.size < max(2 * p, 4):
        raise ModelUnfitError(f"needs at least {max(2 * p, 4)} open days; got {y.size}")
    last = int(panel.ordinals[-1])
    pos = _future_positions(last, targets, open_wd)
    steps = int(pos.max()) if pos.size else 0
    daily = _holt_winters(y, p, max(steps, 1), damped=False) if steps else np.zeros(1)
    daily = np.maximum(np.nan_to_num(daily, nan=0.0), 0.0)
    prof = weekday_profiles(panel, config.profile_weeks)
    out = np.zeros((len(targets), panel.values.shape[1]))
    for i, (k, wd) in enumerate(zip(pos, weekday_of(np.asarray(targets)), strict=True)):
        if k > 0:
            out[i] = daily[k - 1] * prof[int(wd)]
    return out


def top_down_factors(panel: DayPanel, targets: np.ndarray, config: ForecastConfig) -> np.ndarray:
    """Recent level × weekday factor × weekday intraday profile (multiplicative decomposition).

    Notes
    -----
    With T_d the daily totals, the weekday factor is the median over the history's weeks of
    T_d / T̄_week (the mean total of the open days of d's week, weeks with at least three
    observed days): f_w = median(T_d / T̄_week(d)). The level is the mean of the adjusted
    totals T_d / f_{w(d)} over the last ``average_weeks`` weeks of open days, and
    ŷ(d, s) = level · f_{w(d)} · π_{w(d)}(s), with π the weekday profile of
    :func:`~wfm.forecast.intraday.weekday_profiles` over ``profile_weeks``. Pooling the level
    over every weekday averages out more noise than a same-weekday average, while the
    factors and profiles keep each weekday's shape.

    References
    ----------
    .. [1] L. Brown, N. Gans, A. Mandelbaum, A. Sakov, H. Shen, S. Zeltyn, L. Zhao,
       "Statistical analysis of a telephone call center: a queueing-science perspective",
       JASA, 100(469), 36–50, 2005 (multiplicative day-of-week × intraday model).
    """
    open_wd, rows = _open_days(panel)
    valid = panel.valid
    totals = np.nansum(panel.values, axis=1)
    wds = panel.weekdays
    week = (panel.ordinals - 1) // 7
    ratios: dict[int, list[float]] = {int(w): [] for w in open_wd}
    for wk in np.unique(week[rows]):
        days = rows[(week[rows] == wk) & valid[rows]]
        mean = totals[days].mean() if days.size else 0.0
        if days.size >= min(3, open_wd.size) and mean > 0:
            for r in days:
                ratios[int(wds[r])].append(totals[r] / mean)
    factor = np.zeros(7)
    for w, r in ratios.items():
        factor[w] = float(np.median(r)) if r else 0.0
    if not (factor[open_wd] > 0).all():
        raise ModelUnfitError("needs a full week of data for each open weekday")
    recent = rows[valid[rows]][-config.average_weeks * open_wd.size :]
    level = float(np.mean(totals[recent] / factor[wds[recent]]))
    prof = weekday_profiles(panel, config.profile_weeks)
    wd_t = weekday_of(np.asarray(targets))
    return level * factor[wd_t][:, None] * prof[wd_t]


def top_down_pooled(panel: DayPanel, targets: np.ndarray, config: ForecastConfig) -> np.ndarray:
    """Expected count: recent level × weekday factor × a profile pooled where data are thin.

    Notes
    -----
    As :func:`top_down_factors`, but with ratios of sums, which stay unbiased on sparse
    counts: f_w = mean T_d over days of weekday w / mean T_d over every open day of the
    window, and level = Σ T_d / Σ f_w(d) over the last ``average_weeks`` weeks of open
    days. The intraday profile is the volume-weighted share of each slot over every day of
    weekday w in the window, shrunk towards the share pooled over all weekdays:
    π_w = (C_w p_w + k p) / (C_w + k), with C_w the weekday's contacts and k = 50 × slots
    with volume [contacts]. The forecast is a mean (an expected count), never the median of
    sparse counts, which is mostly 0 and would under-staff every day; on thin series the
    pooled profile keeps Poisson noise out of the shape.

    References
    ----------
    .. [1] L. Brown et al., JASA, 100(469), 36–50, 2005; H. Bühlmann, A. Gisler, *A Course in
       Credibility Theory and its Applications*, Springer, 2005 (the shrinkage weight).
    """
    open_wd, rows = _open_days(panel)
    valid = panel.valid
    totals = np.nansum(panel.values, axis=1)
    wds = panel.weekdays
    seen = rows[valid[rows]]
    mean_all = totals[seen].mean() if seen.size else 0.0
    factor = np.zeros(7)
    for w in open_wd:
        days = seen[wds[seen] == w]
        factor[w] = totals[days].mean() / mean_all if days.size and mean_all > 0 else 0.0
    if not (factor[open_wd] > 0).any():
        raise ModelUnfitError("no contacts on any open weekday")
    recent = seen[-config.average_weeks * open_wd.size :]
    level = float(totals[recent].sum() / max(factor[wds[recent]].sum(), 1e-12))
    block = np.nan_to_num(panel.values[seen])
    pooled = block.sum(axis=0)
    k = 50.0 * max(int((pooled > 0).sum()), 1)
    pooled = pooled / pooled.sum() if pooled.sum() > 0 else pooled
    prof = np.zeros((7, panel.values.shape[1]))
    wd_seen = wds[seen]
    for w in range(7):
        own = block[wd_seen == w].sum(axis=0)
        c = own.sum()
        prof[w] = (own + k * pooled) / (c + k)
    wd_t = weekday_of(np.asarray(targets))
    return level * factor[wd_t][:, None] * prof[wd_t]


# -- direct intraday ----------------------------------------------------------------------------
_STL_JUMPS = {"seasonal_jump": 5, "trend_jump": 5, "low_pass_jump": 5}
"""LOESS evaluated every 5th point and interpolated between (STL's speed-up, [2]_ section 3)."""


def direct_mstl(panel: DayPanel, targets: np.ndarray, config: ForecastConfig) -> np.ndarray:
    """MSTL decomposition of the interval series with daily and weekly seasons.

    Notes
    -----
    The open slots of the open weekdays are laid end to end (a slots a day, p open weekdays,
    missing days imputed from nearby same weekdays) and decomposed by MSTL into
    y_t = T_t + S^{(a)}_t + S^{(ap)}_t + R_t (daily and weekly seasons, STL by LOESS).
    The seasonally adjusted T_t + R_t is forecast by simple exponential smoothing
    (ℓ_t = α x_t + (1 − α) ℓ_{t−1}); the seasons repeat their values of the last week
    (the daily season drifts from weekday to weekday, so its last day alone would not do):
    ŷ_{n+h} = ℓ_n + S^{(a)}_{n+h−ap⌈h/(ap)⌉} + S^{(ap)}_{n+h−ap⌈h/(ap)⌉}, floored at 0.

    References
    ----------
    .. [1] K. Bandara, R. J. Hyndman, C. Bergmeir, "MSTL: A seasonal-trend decomposition
       algorithm for time series with multiple seasonal patterns", Int. J. Operational
       Research, 52(1), 79–98, 2025 (arXiv:2107.13462).
    .. [2] R. B. Cleveland, W. S. Cleveland, J. E. McRae, I. Terpenning, "STL: a seasonal-trend
       decomposition procedure based on loess", J. Official Statistics, 6(1), 3–73, 1990.
    """
    from statsmodels.tsa.holtwinters import SimpleExpSmoothing
    from statsmodels.tsa.seasonal import MSTL

    open_wd, rows = _open_days(panel)
    p = int(open_wd.size)
    mean_slot = np.nanmean(panel.values[panel.valid], axis=0)
    open_slots = np.flatnonzero(mean_slot > 0)
    a = int(open_slots.size)
    block = panel.values[rows][:, open_slots]
    block = _impute_rows(block, panel.weekdays[rows])
    n_days = block.shape[0]
    periods = (a, a * p) if p > 1 else (a,)
    if a < 2 or n_days < 2 * p + 1:
        raise ModelUnfitError(f"needs more than two weeks of open days; got {n_days} days")
    y = block.ravel()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dec = MSTL(y, periods=periods, iterate=1, stl_kwargs=_STL_JUMPS).fit()
        seas = np.asarray(dec.seasonal, dtype=float).reshape(y.size, -1)
        adjusted = y - seas.sum(axis=1)
        level = SimpleExpSmoothing(adjusted, initialization_method="estimated").fit()
        level_next = float(np.asarray(level.forecast(1))[0])
    last = int(panel.ordinals[-1])
    pos = _future_positions(last, targets, open_wd)
    steps = int(pos.max()) * a if pos.size else 0
    h = np.arange(steps)
    fc = np.full(steps, level_next)
    week = periods[-1]
    fc += seas[y.size - week + (h % week)].sum(axis=1)
    fc = np.maximum(fc, 0.0).reshape(-1, a) if steps else np.zeros((0, a))
    out = np.zeros((len(targets), panel.values.shape[1]))
    for i, k in enumerate(pos):
        if k > 0:
            out[i, open_slots] = fc[k - 1]
    return out


MODELS: dict[str, ModelFn] = {
    "seasonal_naive": seasonal_naive,
    "week_average": week_average,
    "week_median": week_median,
    "top_down_ets": top_down_ets,
    "top_down_factors": top_down_factors,
    "direct_mstl": direct_mstl,
    "top_down_pooled": top_down_pooled,
}
"""Registry of fitted candidate models by name (``ensemble`` is built by the backtest)."""

ENSEMBLE = "ensemble"
ALWAYS = ("seasonal_naive", "week_median", "top_down_pooled")
"""Robust candidates added to every selection among two or more models."""
