"""Each candidate recovers a known weekly pattern; baselines follow their definitions."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from forecast.helpers import history, pattern
from wfm.core.calendar import interval_grid
from wfm.core.config import ForecastConfig
from wfm.forecast.baselines import seasonal_naive
from wfm.forecast.intraday import day_panel
from wfm.forecast.models import MODELS, ModelUnfitError, direct_mstl

CFG = ForecastConfig()
START = dt.date(2025, 1, 6)


def _panel(hist: pd.DataFrame):
    return day_panel(
        pd.DatetimeIndex(hist["interval_start"]), hist["contacts"].to_numpy(), "Europe/Paris", 30
    )


def _expected(first: dt.date, days: int) -> np.ndarray:
    rows = []
    for d in range(days):
        grid = interval_grid(first + dt.timedelta(days=d), 1, 30, "UTC")
        rows.append(pattern(grid, "UTC"))
    return np.array(rows)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_model_recovers_a_noise_free_weekly_pattern(name):
    # 6 weeks of an exact weekly pattern (UTC days, so every day has 48 slots)
    hist = history(START, 42, tz="UTC")
    panel = day_panel(
        pd.DatetimeIndex(hist["interval_start"]), hist["contacts"].to_numpy(), "UTC", 30
    )
    first = START + dt.timedelta(days=42)
    targets = np.arange(first.toordinal(), first.toordinal() + 14)
    got = MODELS[name](panel, targets, CFG)
    want = _expected(first, 14)
    assert got.shape == want.shape
    assert (got >= 0).all()
    # baselines and the factor model repeat the pattern exactly; Holt-Winters within 2 %; MSTL's
    # LOESS decomposition (one pass) leaves a few per cent of the weekly shape in its
    # smoothed trend, so 5 %
    tol = {
        "seasonal_naive": 1e-9,
        "week_average": 1e-9,
        "week_median": 1e-9,
        "top_down_ets": 0.02,
        "top_down_factors": 1e-9,
        "direct_mstl": 0.05,
        "top_down_pooled": 1e-9,
    }[name]
    assert np.abs(got - want).sum() <= tol * want.sum() + 1e-9


def test_models_recover_the_pattern_under_poisson_noise():
    hist = history(START, 56, tz="UTC", scale=200.0, noise_seed=1)
    panel = day_panel(
        pd.DatetimeIndex(hist["interval_start"]), hist["contacts"].to_numpy(), "UTC", 30
    )
    first = START + dt.timedelta(days=56)
    targets = np.arange(first.toordinal(), first.toordinal() + 7)
    want = _expected(first, 7) * 10
    errors = {
        n: np.abs(f(panel, targets, CFG) - want).sum() / want.sum() for n, f in MODELS.items()
    }
    # one week of Poisson noise at these volumes is about 6 % wMAPE; averages do better
    assert errors["week_average"] < errors["seasonal_naive"]
    assert errors["top_down_ets"] < errors["seasonal_naive"]
    assert max(errors.values()) < 0.09


def test_seasonal_naive_skips_a_missing_day_by_date():
    hist = history(START, 21)
    local = hist["interval_start"].dt.tz_convert("Europe/Paris").dt.date
    hist.loc[local == dt.date(2025, 1, 22), "contacts"] *= 3  # last Wednesday is different
    hist = hist[local != dt.date(2025, 1, 21)]  # last Tuesday is missing
    panel = _panel(hist)
    tue, wed = dt.date(2025, 1, 28).toordinal(), dt.date(2025, 1, 29).toordinal()
    got = seasonal_naive(panel, np.array([tue, wed]), CFG)
    np.testing.assert_allclose(got[0], panel.values[dt.date(2025, 1, 14).toordinal() - panel.day0])
    np.testing.assert_allclose(got[1], panel.values[dt.date(2025, 1, 22).toordinal() - panel.day0])


def test_weekday_never_seen_takes_the_mean_of_observed_days():
    hist = history(START, 3)  # Monday to Wednesday only
    panel = _panel(hist)
    fri = dt.date(2025, 1, 10).toordinal()
    got = seasonal_naive(panel, np.array([fri]), CFG)
    np.testing.assert_allclose(got[0], panel.values.mean(axis=0))


def test_direct_model_refuses_too_short_a_history():
    panel = _panel(history(START, 7))
    with pytest.raises(ModelUnfitError):
        direct_mstl(panel, np.array([START.toordinal() + 7]), CFG)
