"""Patience estimation: a pinned value on real data, a simulation with known patience."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wfm.staffing.patience import estimate_patience, patience_from_totals

SLICE = Path(__file__).resolve().parents[1] / "data" / "staffing" / "anonymous_bank_slice.csv"


def _waits() -> pd.DataFrame:
    calls = pd.read_csv(SLICE)
    calls = calls[calls.outcome != "PHANTOM"]
    return pd.DataFrame(
        {
            "type": calls.type,
            "queue_wait_s": calls.q_time.astype(float),
            "abandoned": (calls.outcome == "HANG") & (calls.q_time > 0),
        }
    )


def test_anonymous_bank_slice_per_service_line() -> None:
    est = estimate_patience(_waits(), by="type").set_index("type")
    # the same sums by a plain pass over the CSV rows (tests/data/staffing/README.md)
    totals: dict[str, list[float]] = {}
    with SLICE.open(newline="") as fh:
        for row in csv.DictReader(fh):
            if row["outcome"] == "PHANTOM":
                continue
            wait = float(row["q_time"])
            t = totals.setdefault(row["type"], [0.0, 0.0])
            t[0] += wait
            t[1] += 1.0 if row["outcome"] == "HANG" and wait > 0 else 0.0
    for line, (wait, ab) in totals.items():
        assert est.loc[line, "patience_s"] == pytest.approx(wait / ab, rel=1e-12)
    # pinned: regular service line PS, 2–3 August 1999: 883 abandonments, 352,751 s waited
    assert est.loc["PS", "abandoned"] == 883
    assert est.loc["PS", "total_wait_s"] == 352_751.0
    assert est.loc["PS", "patience_s"] == pytest.approx(399.4915062287656, rel=1e-12)
    assert est.loc["PS", "patience_se_s"] == pytest.approx(399.4915 / np.sqrt(883), rel=1e-6)


def test_recovers_known_patience_from_censored_waits() -> None:
    # exponential patience 180 s; offered waits exponential with mean 60 s censor it
    rng = np.random.default_rng(11)
    n = 200_000
    pat = rng.exponential(180.0, n)
    offered = rng.exponential(60.0, n)
    waits = pd.DataFrame({"queue_wait_s": np.minimum(pat, offered), "abandoned": pat < offered})
    est = float(estimate_patience(waits).patience_s[0])
    assert est == pytest.approx(180.0, rel=0.02)  # ≈ 4 standard errors at n = 200,000


def test_no_abandonment_means_unbounded_patience() -> None:
    assert np.isinf(patience_from_totals(100.0, 0))
    with pytest.raises(ValueError):
        patience_from_totals(-1.0, 3)
