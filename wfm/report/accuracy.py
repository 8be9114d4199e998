"""Forecast against actuals, once actuals exist.

Two sources, both optional: an ``actuals`` table (per interval, channel and segment, as a
history; sites are summed) matched interval by interval with ``forecast.csv``, and the
``accuracy`` table the nightly job writes (``accuracy.csv``: per channel, segment and days
ahead over past snapshots). wMAPE = Σ|F − A| / ΣA and bias = Σ(F − A) / ΣA over the
intervals that have both a forecast and an actual.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from wfm.report.charts import COLOURS, chart_grid, naive_local, style_axes, svg_chart, time_axis
from wfm.report.columns import check_report_table
from wfm.report.markup import Section, not_run, table_view

_KEYS = ["channel", "segment"]


def forecast_accuracy(forecast: pd.DataFrame, actuals: pd.DataFrame) -> pd.DataFrame:
    """wMAPE and bias per channel × segment (and ``all``) over the matched intervals.

    Returns
    -------
    pandas.DataFrame
        ``channel``, ``segment``, ``intervals``, ``actual_contacts``, ``forecast_contacts``,
        ``wmape`` = Σ|F − A| / ΣA and ``bias_rate`` = Σ(F − A) / ΣA (NaN when ΣA = 0); the
        last row sums every series (``all``).
    """
    keys = ["interval_start", *_KEYS]
    f = forecast.groupby(keys, sort=True)["contacts"].sum().rename("forecast")
    a = actuals.groupby(keys, sort=True)["contacts"].sum().rename("actual")
    both = pd.concat([f, a], axis=1, join="inner").reset_index()
    both["abs_err"] = (both["forecast"] - both["actual"]).abs()
    both["err"] = both["forecast"] - both["actual"]
    per = both.groupby(_KEYS, sort=True).agg(
        intervals=("actual", "size"),
        actual_contacts=("actual", "sum"),
        forecast_contacts=("forecast", "sum"),
        abs_err=("abs_err", "sum"),
        err=("err", "sum"),
    )
    total = pd.DataFrame([per.sum()], index=pd.MultiIndex.from_tuples([("all", "all")]))
    out = pd.concat([per, total]) if len(per) else per
    out.index.names = _KEYS
    act = out["actual_contacts"].to_numpy(dtype=float)
    ok = act > 0
    safe = np.where(ok, act, 1.0)
    out["wmape"] = np.where(ok, out["abs_err"].to_numpy(dtype=float) / safe, np.nan)
    out["bias_rate"] = np.where(ok, out["err"].to_numpy(dtype=float) / safe, np.nan)
    out["intervals"] = out["intervals"].astype(int)
    return out.drop(columns=["abs_err", "err"]).reset_index()


def accuracy_section(tables: Mapping[str, pd.DataFrame], zone: str) -> Section:
    """Forecast against actual per series, with wMAPE and bias; the nightly's accuracy."""
    anchor, title = "accuracy", "Forecast against actual"
    source = (
        "actuals (per interval, channel and segment) against forecast.csv; wMAPE = "
        "Σ|forecast − actual| / Σ actual, bias = Σ(forecast − actual) / Σ actual over the "
        "intervals that have both; accuracy.csv of the nightly job per days ahead"
    )
    fc, actuals, nightly = (tables.get(k) for k in ("forecast", "actuals", "accuracy"))
    if actuals is None and nightly is None:
        return not_run(anchor, title, source, "actuals yet (actuals.csv or accuracy.csv)")
    data: dict[str, Any] = {"chart": None, "table": None, "nightly": None, "matched": 0}
    if actuals is not None and fc is not None:
        fc = check_report_table(fc, "forecast")
        actuals = check_report_table(actuals, "history")
        acc = forecast_accuracy(fc, actuals)
        data["matched"] = int(acc["intervals"].iloc[-1]) if len(acc) else 0
        data["table"] = table_view(acc)
        if len(acc):
            data["chart"] = _chart(fc, actuals, acc, zone)
    if nightly is not None:
        data["nightly"] = table_view(nightly)
    return Section(anchor, title, source, "accuracy.html.j2", data)


def _chart(fc: pd.DataFrame, actuals: pd.DataFrame, acc: pd.DataFrame, zone: str):
    series = acc[acc["channel"] != "all"]
    fig, axes = chart_grid(len(series))
    for ax, row in zip(axes, series.itertuples(index=False), strict=True):
        sel = {"channel": row.channel, "segment": row.segment}
        a = actuals[(actuals["channel"] == sel["channel"]) & (actuals["segment"] == sel["segment"])]
        f = fc[(fc["channel"] == sel["channel"]) & (fc["segment"] == sel["segment"])]
        a = a.groupby("interval_start", sort=True)["contacts"].sum()
        f = f.groupby("interval_start", sort=True)["contacts"].sum()
        f = f[f.index.isin(a.index)]
        ax.plot(
            naive_local(pd.Series(a.index), zone),
            a.to_numpy(),
            color=COLOURS[5],
            lw=1,
            label="actual",
        )
        ax.plot(
            naive_local(pd.Series(f.index), zone),
            f.to_numpy(),
            color=COLOURS[0],
            lw=1.1,
            label="forecast",
        )
        wmape = "–" if np.isnan(row.wmape) else f"{row.wmape:.1%}"
        bias = "–" if np.isnan(row.bias_rate) else f"{row.bias_rate:+.1%}"
        style_axes(ax, f"{row.channel} · {row.segment}: wMAPE {wmape}, bias {bias}")
        time_axis(ax, zone)
    axes[0].legend(fontsize=7, loc="upper left")
    fig.supylabel("contacts per interval", fontsize=8, x=0.005)
    return svg_chart(fig, "accuracy", tight=False)
