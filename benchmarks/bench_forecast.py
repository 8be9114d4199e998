"""Forecast benchmark: accuracy on real call-centre data against baselines and a peer, and speed.

Run alone with ``python benchmarks/bench_forecast.py`` (needs the ``bench`` extra for the
statsforecast peer; the peer rows are skipped without it). Data are read from
``../shared/data`` next to the checkout, or from the folder named by ``WFM_DATA``.

1. Bank calls (Weinberg et al. 2007), five-minute counts rolled up to 30 minutes; the source
   gives naive local times, read here as America/New_York (our assumption). Rolling origins
   on every weekday of the last four weeks that leaves ten days of data after it; each
   origin forecasts ten days from the eight weeks before it. Every candidate runs through
   ``forecast_contacts`` restricted to that model; "selected" runs the full selection (an
   inner backtest on the training data only). statsforecast's AutoETS (daily season of 29
   open intervals) and MSTL (29 and 145, AutoETS on the trend) run on the same eight weeks
   of open intervals laid end to end, their usual setup for this series. Scores are on
   open intervals: wMAPE over horizons of 1–10 days and of 1–7 days, MASE, bias, coverage
   of the 80 % interval, seconds per series per origin.
2. Anonymous Bank (Technion SEE, August 1999), six service lines at 30 minutes: the last
   week forecast from the 24 days before it, selected model against the baselines.
3. 200 synthetic series (8 weeks of 30-minute history, 2-week horizon, with selection) on
   every core, and the demo centre (8 weeks of seeded sample history).
"""

from __future__ import annotations

import datetime as dt
import os
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.core.calendar import interval_grid, open_mask
from wfm.core.config import FORECAST_MODELS, Scenario
from wfm.core.mapping import scenario_from_dict
from wfm.forecast import forecast_contacts
from wfm.forecast.metrics import (
    bias_rate,
    interval_coverage_rate,
    mase,
    seasonal_naive_scale,
    wmape,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("WFM_DATA", ROOT.parent / "shared" / "data"))
BANK_TZ = "America/New_York"
SLOTS = 29  # 07:00–21:00 local, 30-minute intervals (the 21:00 one holds a single 5-min count)
CANDIDATES = [m for m in FORECAST_MODELS if m != "ensemble"]


# -- 1. bank calls --------------------------------------------------------------------------
def bank_history() -> pd.DataFrame:
    """Bank calls per 30 minutes as a history table (UTC)."""
    raw = pd.read_csv(DATA / "bank_calls" / "calls_5min_2003_h1.csv")
    start = pd.to_datetime(raw["timestamp"]).dt.floor("30min")
    calls = raw.groupby(start)["calls"].sum()
    utc = pd.DatetimeIndex(calls.index).tz_localize(BANK_TZ).tz_convert("UTC").as_unit("ns")
    return pd.DataFrame(
        {
            "interval_start": utc,
            "channel": "voice",
            "segment": "open",
            "contacts": calls.to_numpy(dtype=float),
        }
    )


def bank_scenario(models: list[str]) -> Scenario:
    week = {d: "07:00-21:30" for d in ("mon", "tue", "wed", "thu", "fri")}
    return scenario_from_dict(
        {
            "name": "bank_calls",
            "interval_min": 30,
            "horizon_days": 10,
            "channels": {"voice": {"queue_model": "realtime"}},
            "segments": {"open": {"channels": ["voice"]}},
            "sites": {"bank": {"region": "us", "tz": BANK_TZ, "country": "US", "hours": week}},
            "forecast": {"models": models, "history_weeks": 8},
        }
    )


def _local_dates(ts: pd.Series) -> np.ndarray:
    return np.asarray(ts.dt.tz_convert(BANK_TZ).dt.date)


def bank_origins(hist: pd.DataFrame, horizon_days: int = 10) -> list[dt.date]:
    days = sorted(set(_local_dates(hist["interval_start"])))
    last = days[-1]
    first = last - dt.timedelta(days=27)
    return [
        first + dt.timedelta(days=k)
        for k in range(28)
        if (first + dt.timedelta(days=k)).weekday() < 5
        and first + dt.timedelta(days=k + horizon_days - 1) <= last
    ]


def _score_rows(name: str, parts: list[tuple], seconds: float, n: int) -> dict:
    a = np.concatenate([p[0] for p in parts])
    f = np.concatenate([p[1] for p in parts])
    lo = np.concatenate([p[2] for p in parts])
    hi = np.concatenate([p[3] for p in parts])
    h7 = np.concatenate([p[4] for p in parts])
    mases = [mase(p[0], p[1], p[5]) for p in parts]
    return {
        "model": name,
        "wmape_h1_10": wmape(a, f),
        "wmape_h1_7": wmape(a[h7], f[h7]),
        "mase": float(np.nanmean(mases)),
        "bias_rate": bias_rate(a, f),
        "coverage_rate": interval_coverage_rate(a, lo, hi),
        "s_per_series": seconds / n,
    }


def _actuals(hist: pd.DataFrame, origin: dt.date, days: int) -> pd.DataFrame:
    d = _local_dates(hist["interval_start"])
    keep = (d >= origin) & (d < origin + dt.timedelta(days=days))
    return hist.loc[keep, ["interval_start", "contacts"]]


def _mase_scale(train: pd.DataFrame) -> float:
    local = train["interval_start"].dt.tz_convert(BANK_TZ)
    tail = train[local.dt.date >= local.dt.date.max() - dt.timedelta(days=55)]
    return seasonal_naive_scale(tail["contacts"].to_numpy(), 5 * SLOTS)


def bank_ours(hist: pd.DataFrame, origins: list[dt.date], models: list[str]) -> dict:
    parts, seconds = [], 0.0
    sc = bank_scenario(models)
    for o in origins:
        cut = pd.Timestamp(o).tz_localize(BANK_TZ).tz_convert("UTC")
        train = hist[hist["interval_start"] < cut]
        t0 = time.perf_counter()
        res = forecast_contacts(train, sc, start=o, days=10)
        seconds += time.perf_counter() - t0
        act = _actuals(hist, o, 10).merge(res.table, on="interval_start", suffixes=("", "_fc"))
        h7 = _local_dates(act["interval_start"]) < o + dt.timedelta(days=7)
        parts.append(
            (
                act["contacts"].to_numpy(),
                act["contacts_fc"].to_numpy(),
                act["contacts_lo"].to_numpy(),
                act["contacts_hi"].to_numpy(),
                h7,
                _mase_scale(train),
            )
        )
    name = "selected" if len(models) > 1 else models[0]
    return _score_rows(name, parts, seconds, len(origins))


def bank_peer(hist: pd.DataFrame, origins: list[dt.date], which: str) -> dict | None:
    try:
        from statsforecast import StatsForecast
        from statsforecast.models import MSTL, AutoETS
    except ImportError:
        return None
    parts, seconds = [], 0.0
    for o in origins:
        cut = pd.Timestamp(o).tz_localize(BANK_TZ).tz_convert("UTC")
        train = hist[hist["interval_start"] < cut]
        train = train[_local_dates(train["interval_start"]) >= o - dt.timedelta(days=56)]
        act = _actuals(hist, o, 10)
        y = train["contacts"].to_numpy()
        frame = pd.DataFrame({"unique_id": "bank", "ds": np.arange(len(y)), "y": y})
        model = (
            AutoETS(season_length=SLOTS)
            if which == "AutoETS"
            else MSTL(season_length=[SLOTS, 5 * SLOTS], trend_forecaster=AutoETS(model="ZZN"))
        )
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fc = StatsForecast(models=[model], freq=1, n_jobs=1).forecast(
                df=frame, h=len(act), level=[80]
            )
        seconds += time.perf_counter() - t0
        col = "AutoETS" if which == "AutoETS" else "MSTL"
        f = np.maximum(fc[col].to_numpy(), 0)
        lo = np.maximum(fc[f"{col}-lo-80"].to_numpy(), 0)
        hi = fc[f"{col}-hi-80"].to_numpy()
        h7 = _local_dates(act["interval_start"]) < o + dt.timedelta(days=7)
        parts.append((act["contacts"].to_numpy(), f, lo, hi, h7, _mase_scale(train)))
    return _score_rows(f"statsforecast {which}", parts, seconds, len(origins))


def bank_table() -> pd.DataFrame:
    hist = bank_history()
    origins = bank_origins(hist)
    rows = [bank_ours(hist, origins, [m]) for m in CANDIDATES]
    rows.append(bank_ours(hist, origins, list(FORECAST_MODELS)))
    for which in ("AutoETS", "MSTL"):
        row = bank_peer(hist, origins, which)
        if row is not None:
            rows.append(row)
    print(
        f"bank calls, 30 min, {len(origins)} origins {origins[0]} … {origins[-1]}, "
        "8 weeks of training, open intervals"
    )
    return pd.DataFrame(rows)


# -- 2. anonymous bank ----------------------------------------------------------------------
def anonymous_bank_table() -> pd.DataFrame:
    raw = pd.read_csv(DATA / "anonymous_bank" / "intervals_30min_1999_08.csv")
    local = pd.DatetimeIndex(pd.to_datetime(raw["interval_start"]))
    utc = local.tz_localize("Asia/Jerusalem", ambiguous="NaT", nonexistent="NaT")
    keep = ~utc.isna()
    answered = raw["answered"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        aht = np.where(answered > 0, raw["sum_handle_s"].to_numpy() / answered, np.nan)
    hist = pd.DataFrame(
        {
            "interval_start": utc.tz_convert("UTC").as_unit("ns"),
            "channel": "voice",
            "segment": raw["type"].str.lower(),
            "contacts": raw["offered"].to_numpy(dtype=float),
            "aht_s": aht,
        }
    )[keep].reset_index(drop=True)
    hours = {d: "07:00-24:00" for d in ("sun", "mon", "tue", "wed", "thu")}
    hours |= {"fri": "07:00-14:00", "sat": "20:00-24:00"}
    segs = sorted(hist["segment"].unique())
    rows = []
    origin = dt.date(1999, 8, 25)
    cut = pd.Timestamp(origin).tz_localize("Asia/Jerusalem").tz_convert("UTC")
    for models in (["seasonal_naive"], ["week_average"], list(FORECAST_MODELS)):
        sc = scenario_from_dict(
            {
                "name": "anonymous_bank",
                "interval_min": 30,
                "horizon_days": 7,
                "channels": {"voice": {"queue_model": "realtime"}},
                "segments": {s: {"channels": ["voice"]} for s in segs},
                "sites": {
                    "tel_aviv": {
                        "region": "il",
                        "tz": "Asia/Jerusalem",
                        "country": "IL",
                        "closed_on_holidays": False,
                        "hours": hours,
                    }
                },
                "forecast": {"models": models},
            }
        )
        t0 = time.perf_counter()
        res = forecast_contacts(hist[hist["interval_start"] < cut], sc, start=origin, days=7)
        wall = time.perf_counter() - t0
        act = hist[hist["interval_start"] >= cut].merge(
            res.table, on=["interval_start", "channel", "segment"], suffixes=("", "_fc")
        )
        site = sc.sites["tel_aviv"]
        act = act[open_mask(pd.DatetimeIndex(act["interval_start"]), site, 30)]
        for seg, part in act.groupby("segment"):
            rows.append(
                {
                    "segment": seg,
                    "model": "selected" if len(models) > 1 else models[0],
                    "chosen": res.figures["chosen_model"][f"voice/{seg}"],
                    "contacts": part["contacts"].sum(),
                    "wmape": wmape(part["contacts"], part["contacts_fc"]),
                    "coverage_rate": interval_coverage_rate(
                        part["contacts"], part["contacts_lo"], part["contacts_hi"]
                    ),
                    "s_per_series": wall / len(segs),
                }
            )
    print("Anonymous Bank, 30 min, offered calls, 1999-08-25 … 08-31 from 08-01 … 08-24")
    return pd.DataFrame(rows).sort_values(["segment", "model"])


# -- 3. 200 synthetic series ----------------------------------------------------------------
def synthetic_timing(n_channels: int = 20, n_segments: int = 10) -> pd.DataFrame:
    chs = [f"c{i}" for i in range(n_channels)]
    segs = [f"s{i}" for i in range(n_segments)]
    week = {d: "08:00-20:00" for d in ("mon", "tue", "wed", "thu", "fri", "sat")}
    sc = scenario_from_dict(
        {
            "name": "synthetic",
            "interval_min": 30,
            "horizon_days": 14,
            "channels": {c: {"queue_model": "realtime"} for c in chs},
            "segments": {s: {"channels": chs} for s in segs},
            "sites": {
                "paris": {"region": "fr", "tz": "Europe/Paris", "country": "FR", "hours": week}
            },
        }
    )
    grid = interval_grid(dt.date(2025, 1, 6), 56, 30, "Europe/Paris")
    local = grid.tz_convert("Europe/Paris")
    hour = np.asarray(local.hour + local.minute / 60)
    shape = np.where(
        (hour >= 8) & (hour < 20) & (np.asarray(local.day_of_week) < 6),
        np.exp(-((hour - 11) ** 2) / 8) + 0.8 * np.exp(-((hour - 15) ** 2) / 6),
        0.0,
    )
    rng = np.random.default_rng(7)
    frames = [
        pd.DataFrame(
            {
                "interval_start": grid.as_unit("ns"),
                "channel": c,
                "segment": s,
                "contacts": rng.poisson(shape * rng.uniform(2, 60)).astype(float),
            }
        )
        for c in chs
        for s in segs
    ]
    hist = pd.concat(frames, ignore_index=True)
    t0 = time.perf_counter()
    res = forecast_contacts(hist, sc)
    wall = time.perf_counter() - t0
    return pd.DataFrame(
        [
            {
                "series": res.figures["series"],
                "history_rows": len(hist),
                "forecast_rows": len(res.table),
                "cores": os.cpu_count(),
                "wall_s": wall,
                "s_per_series": wall / res.figures["series"],
            }
        ]
    )


def demo_timing() -> pd.DataFrame:
    """The demo centre: 8 weeks of seeded sample history, 7-day forecast with selection."""
    from wfm.io.scenario import load_scenario
    from wfm.sample import sample_history

    sc = load_scenario(ROOT / "wfm" / "examples" / "demo" / "scenario.toml")
    hist = sample_history(
        sc, start=dt.date(2025, 1, 6), weeks=8, rng=np.random.default_rng(sc.seed)
    )
    t0 = time.perf_counter()
    res = forecast_contacts(hist, sc)
    wall = time.perf_counter() - t0
    return pd.DataFrame(
        [
            {
                "series": res.figures["series"],
                "history_rows": len(hist),
                "wall_s": wall,
                "backtest_wmape": res.figures["backtest_wmape_rate"],
            }
        ]
    )


def main() -> None:
    """Print the tables."""
    fmt = {"float_format": lambda v: f"{v:.4f}", "index": False}
    print(bank_table().to_string(**fmt))
    print()
    print(anonymous_bank_table().to_string(**fmt))
    print()
    print("200 synthetic series, 8 weeks of 30-minute history, 14-day horizon, selection")
    print(synthetic_timing().to_string(**fmt))
    print()
    print("demo centre, 8 weeks of sample history, 7-day horizon, selection, every core")
    print(demo_timing().to_string(**fmt))


if __name__ == "__main__":
    main()
