"""Scores of the forecast panel benchmark (benchmarks/bench_forecast_panel.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_forecast_panel.py"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_forecast_panel", BENCH)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_open_rows_follow_the_site_hours():
    local = pd.Series(
        pd.to_datetime(
            ["2025-01-06 06:30", "2025-01-06 07:00", "2025-01-06 23:30", "2025-01-10 14:00"]
        )
    )
    hours = {"mon": "07:00-24:00", "fri": "07:00-14:00"}
    assert _bench().open_rows(local, hours).tolist() == [False, True, True, False]


def test_coverage_counts_the_open_rows_only():
    # five open rows, four inside their interval, and five night rows forecast [0, 0] that
    # stayed at 0: coverage is 4 of 5, not 9 of 10; wMAPE and bias are those of every row
    a = np.array([10.0, 12.0, 8.0, 11.0, 20.0, 0, 0, 0, 0, 0])
    f = np.array([10.0, 10.0, 10.0, 10.0, 10.0, 0, 0, 0, 0, 0])
    lo = np.where(f > 0, 7.0, 0.0)
    hi = np.where(f > 0, 13.0, 0.0)
    lead = np.zeros(a.size)
    is_open = f > 0
    row = _bench()._scores([(a, f, lead, lo, hi, is_open)])
    assert row["cov"] == pytest.approx(4 / 5)
    assert row["wmape_h1"] == pytest.approx(15 / 61)
    assert row["bias_h1"] == pytest.approx(-11 / 61)
    assert _bench()._scores([(a, f, lead, lo, hi)])["cov"] == pytest.approx(9 / 10)
