"""Forecast panel benchmark: every real data set in ``../shared/data`` at once, against peers.

Run alone with ``python benchmarks/bench_forecast_panel.py [--quick] [--out FILE]`` (needs the
``bench`` extra for the statsforecast peers; their rows are skipped without it). Data are read
from ``../shared/data`` next to the checkout, or from the folder named by ``WFM_DATA``.

Data sets (see the README of the data folder for sources):

- ``bank_calls``: five-minute counts of a North American bank rolled up to 30 minutes,
  weekdays only; the naive local times are read as America/New_York (an assumption).
- ``anonymous_bank``: Technion SEE Anonymous Bank, August 1999, ``offered`` calls per
  30 minutes and service line (segment), Asia/Jerusalem. One month only: origins every two
  days, and the 7- and 14-day horizons are cut at the end of the data.
- ``seattle``: Seattle Fire 911 dispatches per hour and incident type, America/Los_Angeles.
- ``cincinnati``: Cincinnati 311 requests per hour and (method, type), America/New_York.

Each set is written as a history file with the site's own UTC offsets, the way a centre's
export would carry them, and forecast from rolling origins (Mondays, a week apart, the last
``ORIGINS`` that leave 14 days of actuals) by

- ``wfm`` — ``wfm forecast --history H --start D --days 14`` (no scenario: every default);
- ``wfm+scenario`` — ``forecast_contacts`` with a minimal scenario (the site's zone, country
  and opening hours);
- ``snaive`` — the same local weekday and time one week earlier (the last observed week);
- ``median4`` — the median of the same weekday-interval over the last four weeks;
- ``AutoETS``, ``MSTL`` — statsforecast, on the last eight weeks of the set's rows laid end to
  end (daily season; MSTL daily and weekly), forecasting as many steps as there are actual
  rows in the horizon.

Scores are on every actual row of the data (the open intervals of the bank; every hour of the
public services): wMAPE = Σ|f − a| / Σa and bias = Σ(f − a) / Σa pooled over origins and
series, for the first day (h1), the first 7 days (h7) and the first 14 days (h14) after each
origin; cov = share of actuals in the 80 % interval over 14 days, on the rows inside the
site's opening hours (:func:`open_rows`; every row of the 24/7 services): a closed night
forecast [0, 0] that stayed at 0 is no test of an interval's width, and the Anonymous Bank's
nights, some 40 % of its rows, took its coverage from 0.865 to 0.916; s/series = wall time per
series and origin. The panel row is the mean over the data sets. ``poisson_floor`` is the
wMAPE that an exactly right expected count would score if the counts were Poisson around
wfm's forecast (:func:`floor_row`): the noise floor of any unbiased forecast.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(
    os.environ.get("WFM_DATA")
    or next(
        (p / "shared" / "data" for p in ROOT.parents if (p / "shared" / "data").is_dir()),
        ROOT.parent / "shared" / "data",
    )
)
ORIGINS = 6
HORIZONS = (1, 7, 14)
DAYS = 14
WEEK = {d: "00:00-24:00" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


# -- data sets ---------------------------------------------------------------------------
def _frame(local: pd.DatetimeIndex, channel, segment, contacts) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "interval_start": local.tz_convert("UTC").as_unit("ns"),
            "local": local,
            "channel": np.asarray(channel, dtype=object),
            "segment": np.asarray(segment, dtype=object),
            "contacts": np.asarray(contacts, dtype=float),
        }
    )


def bank_calls() -> tuple[pd.DataFrame, dict]:
    raw = pd.read_csv(DATA / "bank_calls" / "calls_5min_2003_h1.csv")
    start = pd.to_datetime(raw["timestamp"]).dt.floor("30min")
    calls = raw.groupby(start)["calls"].sum()
    local = pd.DatetimeIndex(calls.index).tz_localize("America/New_York")
    n = len(calls)
    hist = _frame(local, ["voice"] * n, ["open"] * n, calls.to_numpy())
    hours = {d: "07:00-21:30" for d in ("mon", "tue", "wed", "thu", "fri")}
    return hist, {"tz": "America/New_York", "country": "US", "hours": hours, "interval": 30}


def anonymous_bank() -> tuple[pd.DataFrame, dict]:
    raw = pd.read_csv(DATA / "anonymous_bank" / "intervals_30min_1999_08.csv")
    naive = pd.DatetimeIndex(pd.to_datetime(raw["interval_start"]))
    local = naive.tz_localize("Asia/Jerusalem", ambiguous="NaT", nonexistent="NaT")
    keep = ~np.asarray(local.isna())
    n = int(keep.sum())
    hist = _frame(local[keep], ["voice"] * n, raw["type"].str.lower()[keep], raw["offered"][keep])
    hours = {d: "07:00-24:00" for d in ("sun", "mon", "tue", "wed", "thu")}
    hours |= {"fri": "07:00-14:00", "sat": "20:00-24:00"}
    return hist, {"tz": "Asia/Jerusalem", "country": "IL", "hours": hours, "interval": 30}


def _public(name: str, tz: str) -> pd.DataFrame:
    raw = pd.read_csv(DATA / "public_services" / name, dtype={"channel": str})
    utc = pd.to_datetime(raw["interval_start"], format="ISO8601", utc=True)
    local = pd.DatetimeIndex(utc).tz_convert(tz)
    return _frame(local, raw["channel"], raw["segment"], raw["contacts"])


def seattle() -> tuple[pd.DataFrame, dict]:
    tz = "America/Los_Angeles"
    hist = _public("seattle_fire_911_2015.csv", tz)
    return hist, {"tz": tz, "country": "US", "hours": WEEK, "interval": 60}


def cincinnati() -> tuple[pd.DataFrame, dict]:
    tz = "America/New_York"
    hist = _public("cincinnati_311_2025.csv", tz)
    return hist, {"tz": tz, "country": "US", "hours": WEEK, "interval": 60}


SETS = {
    "bank_calls": bank_calls,
    "anonymous_bank": anonymous_bank,
    "seattle": seattle,
    "cincinnati": cincinnati,
}


def origins_of(hist: pd.DataFrame, name: str, n: int) -> list[dt.date]:
    days = sorted(set(hist["local"].dt.date))
    first, last = days[0], days[-1]
    if name == "anonymous_bank":  # one month: every other day from the third week on
        return [first + dt.timedelta(days=d) for d in range(18, 31, 2)][:n]
    o = last - dt.timedelta(days=DAYS - 1)
    o -= dt.timedelta(days=o.weekday())  # a Monday
    out = [o - dt.timedelta(days=7 * k) for k in range(n)]
    return sorted(x for x in out if (x - first).days >= 28)


# -- forecasters -------------------------------------------------------------------------
def _history_csv(train: pd.DataFrame, path: Path) -> None:
    out = train[["channel", "segment", "contacts"]].copy()
    stamp = train["local"].dt.strftime("%Y-%m-%dT%H:%M:%S%z")
    out.insert(0, "interval_start", stamp.str.replace(r"(\d\d)(\d\d)$", r"\1:\2", regex=True))
    out.to_csv(path, index=False)


def wfm_cli(train: pd.DataFrame, origin: dt.date, meta: dict, tmp: Path) -> pd.DataFrame:
    """``wfm forecast`` as a planner runs it, without a scenario."""
    from click.testing import CliRunner

    from wfm.cli import main as cli

    hist_path, out = tmp / "history.csv", tmp / "forecast.csv"
    _history_csv(train, hist_path)
    args = ["forecast", "--history", str(hist_path), "--start", origin.isoformat()]
    args += ["--days", str(DAYS), "--out", str(out), "--workers", "1"]
    res = CliRunner().invoke(cli, args, catch_exceptions=False)
    if res.exit_code:
        raise RuntimeError(res.output)
    fc = pd.read_csv(out, dtype={"channel": str})
    fc["interval_start"] = pd.to_datetime(fc["interval_start"], format="ISO8601", utc=True)
    return fc


def wfm_scenario(train: pd.DataFrame, origin: dt.date, meta: dict, tmp: Path) -> pd.DataFrame:
    """``forecast_contacts`` with a minimal scenario: the site's zone, country and hours."""
    from wfm.core.mapping import scenario_from_dict
    from wfm.core.run_options import RunOptions
    from wfm.forecast import forecast_contacts

    slug = {c: c if c[:1].isalpha() else f"ch_{c}" for c in train["channel"].unique()}
    train = train.assign(channel=train["channel"].map(slug))
    chans = sorted(train["channel"].unique())
    segs = train.groupby("segment")["channel"].unique()
    sc = scenario_from_dict(
        {
            "name": "panel",
            "interval_min": meta["interval"],
            "horizon_days": DAYS,
            "channels": {c: {"queue_model": "realtime"} for c in chans},
            "segments": {s: {"channels": sorted(c)} for s, c in segs.items()},
            "sites": {
                "site": {
                    "region": "r",
                    "tz": meta["tz"],
                    "country": meta["country"],
                    "hours": meta["hours"],
                    # a 24/7 service answers on public holidays too
                    "closed_on_holidays": meta["hours"] != WEEK,
                }
            },
        }
    )
    hist = train[["interval_start", "channel", "segment", "contacts"]].reset_index(drop=True)
    res = forecast_contacts(hist, sc, start=origin, days=DAYS, options=RunOptions(workers=1))
    back = {v: k for k, v in slug.items()}
    return res.table.assign(channel=res.table["channel"].map(back))


def _slot_key(local: pd.Series) -> pd.Series:
    return local.dt.hour * 60 + local.dt.minute


def same_weekday(train: pd.DataFrame, act: pd.DataFrame, weeks: int, how: str) -> np.ndarray:
    """Seasonal naive (weeks=1, last observed week) or the median of the last ``weeks``."""
    t = train.assign(wd=train["local"].dt.weekday, slot=_slot_key(train["local"]))
    t = t.assign(day=t["local"].dt.date)
    out = np.zeros(len(act))
    a = act.assign(wd=act["local"].dt.weekday, slot=_slot_key(act["local"]))
    for (seg, ch, wd), part in a.groupby(["segment", "channel", "wd"]):
        hist = t[(t["segment"] == seg) & (t["channel"] == ch) & (t["wd"] == wd)]
        days = sorted(hist["day"].unique())[-weeks:]
        sel = hist[hist["day"].isin(days)]
        table = sel.groupby("slot")["contacts"].agg(how if weeks > 1 else "mean")
        out[a.index.get_indexer(part.index)] = table.reindex(part["slot"]).fillna(0).to_numpy()
    return out


def statsforecast_peer(train: pd.DataFrame, act: pd.DataFrame, meta: dict, which: str):
    from statsforecast import StatsForecast
    from statsforecast.models import MSTL, AutoETS

    per_day = int(
        train.groupby(train["local"].dt.date).size().median()
        / max(1, train.groupby(["channel", "segment"]).ngroups)
    )
    open_days = train["local"].dt.weekday.nunique()
    out = np.zeros(len(act))
    for (ch, seg), part in act.groupby(["channel", "segment"]):
        y = train[(train["channel"] == ch) & (train["segment"] == seg)]
        y = y[y["local"] >= y["local"].max() - pd.Timedelta(days=56)]["contacts"].to_numpy()
        frame = pd.DataFrame({"unique_id": "s", "ds": np.arange(len(y)), "y": y})
        model = (
            AutoETS(season_length=per_day)
            if which == "AutoETS"
            else MSTL(
                season_length=[per_day, per_day * open_days],
                trend_forecaster=AutoETS(model="ZZN"),
            )
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fc = StatsForecast(models=[model], freq=1, n_jobs=1).forecast(df=frame, h=len(part))
        out[act.index.get_indexer(part.index)] = np.maximum(fc[which].to_numpy(), 0.0)
    return out


# -- scoring -----------------------------------------------------------------------------
def _attach(act: pd.DataFrame, fc: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    f = fc[["interval_start", "channel", "segment", "contacts", "contacts_lo", "contacts_hi"]]
    f = f.rename(columns={"contacts": "f", "contacts_lo": "lo", "contacts_hi": "hi"})
    f = f.groupby(["interval_start", "channel", "segment"], as_index=False).sum()
    m = act.merge(f, on=["interval_start", "channel", "segment"], how="left")
    return (m["f"].fillna(0).to_numpy(), m["lo"].fillna(0).to_numpy(), m["hi"].fillna(0).to_numpy())


def open_rows(local: pd.Series, hours: dict[str, str]) -> np.ndarray:
    """Whether each row's local time falls inside the site's opening ``hours``
    (``{"mon": "07:00-21:30", ...}``, end exclusive, "24:00" the end of the day)."""
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    minute = (local.dt.hour * 60 + local.dt.minute).to_numpy()
    weekday = local.dt.day_of_week.to_numpy()
    out = np.zeros(len(local), dtype=bool)
    for wd, name in enumerate(names):
        if name not in hours:
            continue
        a, b = (int(t[:2]) * 60 + int(t[3:]) for t in hours[name].split("-"))
        out |= (weekday == wd) & (minute >= a) & (minute < b)
    return out


def _scores(parts: list[tuple]) -> dict:
    a = np.concatenate([p[0] for p in parts])
    f = np.concatenate([p[1] for p in parts])
    lead = np.concatenate([p[2] for p in parts])
    row: dict = {}
    for h in HORIZONS:
        k = lead < h
        tot = a[k].sum()
        row[f"wmape_h{h}"] = float(np.abs(f[k] - a[k]).sum() / tot) if tot > 0 else np.nan
        row[f"bias_h{h}"] = float((f[k] - a[k]).sum() / tot) if tot > 0 else np.nan
    if parts[0][3] is not None:
        lo = np.concatenate([p[3] for p in parts])
        hi = np.concatenate([p[4] for p in parts])
        scored = np.concatenate([p[5] for p in parts]) if len(parts[0]) > 5 else a >= 0
        inside = (a >= lo) & (a <= hi)
        row["cov"] = float(inside[scored].mean()) if scored.any() else np.nan
    return row


def poisson_mad(mean: np.ndarray) -> np.ndarray:
    """E|Y − λ| of Y ~ Poisson(λ): 2 e^−λ λ^(⌊λ⌋+1) / ⌊λ⌋! [contacts]."""
    from scipy.special import gammaln

    lam = np.maximum(np.asarray(mean, dtype=float), 1e-12)
    k = np.floor(lam)
    return 2.0 * np.exp(-lam + (k + 1.0) * np.log(lam) - gammaln(k + 1.0))


def floor_row(parts: list[tuple]) -> dict:
    """The wMAPE an exactly right mean forecast scores on Poisson counts, λ = wfm's forecast.

    Σ E|Y − λ| / Σ λ over the scored rows: the noise no forecast of the expected count can
    remove (real counts are overdispersed, so the true floor is higher). A median forecast
    scores below it on sparse counts by forecasting 0 where λ < ln 2.
    """
    f = np.concatenate([p[1] for p in parts])
    lead = np.concatenate([p[2] for p in parts])
    row: dict = {}
    for h in HORIZONS:
        k = lead < h
        row[f"wmape_h{h}"] = float(poisson_mad(f[k]).sum() / max(f[k].sum(), 1e-12))
    return row


def run_set(name: str, n_origins: int, tmp: Path) -> list[dict]:
    hist, meta = SETS[name]()
    origins = origins_of(hist, name, n_origins)
    n_series = hist.groupby(["channel", "segment"]).ngroups
    methods = ["wfm", "wfm+scenario", "snaive", "median4", "AutoETS", "MSTL"]
    try:
        import statsforecast  # noqa: F401
    except ImportError:
        methods = methods[:4]
    parts: dict[str, list] = {m: [] for m in methods}
    secs = dict.fromkeys(methods, 0.0)
    for o in origins:
        day = hist["local"].dt.date
        train = hist[day < o]
        act = hist[(day >= o) & (day < o + dt.timedelta(days=DAYS))].reset_index(drop=True)
        lead = np.asarray([(d - o).days for d in act["local"].dt.date])
        a = act["contacts"].to_numpy()
        is_open = open_rows(act["local"], meta["hours"])
        for m in methods:
            t0 = time.perf_counter()
            lo = hi = None
            if m == "wfm":
                f, lo, hi = _attach(act, wfm_cli(train, o, meta, tmp))
            elif m == "wfm+scenario":
                f, lo, hi = _attach(act, wfm_scenario(train, o, meta, tmp))
            elif m == "snaive":
                f = same_weekday(train, act, 1, "mean")
            elif m == "median4":
                f = same_weekday(train, act, 4, "median")
            else:
                f = statsforecast_peer(train, act, meta, m)
            secs[m] += time.perf_counter() - t0
            parts[m].append((a, f, lead, lo, hi, is_open))
    rows = []
    for m in methods:
        row = {"set": name, "method": m, **_scores(parts[m])}
        row["s_per_series"] = secs[m] / (n_series * len(origins))
        row["origins"] = len(origins)
        rows.append(row)
    rows.append({"set": name, "method": "poisson_floor", **floor_row(parts["wfm"])})
    return rows


def panel_table(n_origins: int = ORIGINS, sets: list[str] | None = None) -> pd.DataFrame:
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as d:
        for name in sets or list(SETS):
            done = run_set(name, n_origins, Path(d))
            print(_markdown(pd.DataFrame(done)), flush=True)
            rows.extend(done)
    table = pd.DataFrame(rows)
    value_cols = [c for c in table.columns if c not in ("set", "method")]
    panel = table.groupby("method", sort=False)[value_cols].mean().reset_index()
    panel.insert(0, "set", "PANEL (mean)")
    return pd.concat([table, panel], ignore_index=True)


def _markdown(table: pd.DataFrame) -> str:
    cols = list(table.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for _, r in table.iterrows():
        cells = []
        for c in cols:
            v = r[c]
            if isinstance(v, float):
                cells.append("" if np.isnan(v) else (f"{v:.3f}" if c != "origins" else f"{v:g}"))
            else:
                cells.append(str(v))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    args = sys.argv[1:]
    if "forecast_panel" in args:  # called from bench.py with stage names
        args = []
    out = None
    if "--out" in args:
        out = Path(args[args.index("--out") + 1])
    n = 3 if "--quick" in args else ORIGINS
    sets = [a for a in args if a in SETS] or None
    t0 = time.perf_counter()
    table = panel_table(n, sets)
    text = _markdown(table)
    print(text)
    print(f"\n({time.perf_counter() - t0:.0f} s)")
    if out is not None:
        out.write_text(text + "\n")


if __name__ == "__main__":
    main()
