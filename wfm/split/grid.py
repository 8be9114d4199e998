"""The forecast in matrix form: one row per series (channel × segment × site), one column per
interval, with the sites' opening hours on the same grid."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from wfm.core.calendar import open_mask
from wfm.core.config import Scenario
from wfm.core.errors import InputError

SERIES_KEYS = ["channel", "segment", "site"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SeriesGrid:
    """Forecast in matrix form: one row per series, one column per interval."""

    series: pd.DataFrame
    times: pd.DatetimeIndex
    n_times: int
    contacts: np.ndarray
    aht_s: np.ndarray
    is_open: np.ndarray
    interval_min: int

    @classmethod
    def build(cls, forecast: pd.DataFrame, scenario: Scenario) -> SeriesGrid:
        fc = forecast[[c for c in forecast.columns if c != "site"]].copy()
        fc["site"] = forecast["site"] if "site" in forecast else scenario.home_site()
        for col, known in (
            ("channel", scenario.channels),
            ("segment", scenario.segments),
            ("site", scenario.sites),
        ):
            bad = ~fc[col].isin(list(known))
            if bad.any():
                row = int(np.argmax(bad.to_numpy()))
                raise InputError(
                    f"unknown {col} {fc[col].iloc[row]!r}",
                    source="forecast",
                    line=row + 2,
                    key=col,
                    expected=f"one of {', '.join(known)}",
                )
        times = pd.DatetimeIndex(fc["interval_start"].unique()).sort_values().as_unit("ns")
        step = pd.Timedelta(minutes=scenario.interval_min)
        if len(times) > 1 and not (np.diff(times.asi8) == step.value).all():
            raise InputError(
                "intervals are not consecutive on the scenario's grid",
                source="forecast",
                key="interval_start",
                expected=f"every {scenario.interval_min}-minute interval of the horizon",
            )
        series = fc[SERIES_KEYS].drop_duplicates().sort_values(SERIES_KEYS).reset_index(drop=True)
        if len(fc) != len(series) * len(times):
            raise InputError(
                f"{len(fc)} rows for {len(series)} series × {len(times)} intervals",
                source="forecast",
                expected="one row per series and interval (write 0 for no contacts)",
            )
        s_idx = pd.MultiIndex.from_frame(series).get_indexer(
            pd.MultiIndex.from_frame(fc[SERIES_KEYS])
        )
        t_idx = times.get_indexer(pd.DatetimeIndex(fc["interval_start"]).as_unit("ns"))
        shape = (len(series), len(times))
        contacts = np.zeros(shape)
        aht_s = np.zeros(shape)
        contacts[s_idx, t_idx] = fc["contacts"].to_numpy(dtype=float)
        aht_s[s_idx, t_idx] = fc["aht_s"].to_numpy(dtype=float)
        is_open = np.zeros(shape, dtype=bool)
        for site in series["site"].unique():
            rows = (series["site"] == site).to_numpy()
            is_open[rows] = open_mask(times, scenario.sites[site], scenario.interval_min)
        return cls(
            series=series,
            times=times,
            n_times=len(times),
            contacts=contacts,
            aht_s=aht_s,
            is_open=is_open,
            interval_min=scenario.interval_min,
        )
