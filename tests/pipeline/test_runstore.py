"""Run store: idempotent re-loads, snapshot replacement, accuracy against hand computation."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from wfm.core.contract_checks import check_table
from wfm.core.schemas import HISTORY
from wfm.pipeline import runstore


def _times(*iso: str) -> pd.Series:
    return pd.Series(pd.to_datetime(list(iso), utc=True))


@pytest.fixture
def con(tmp_path):
    c = runstore.connect(tmp_path / "store" / "runs.duckdb")
    yield c
    c.close()


def _actuals() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "interval_start": _times(
                "2025-03-03T08:00Z",
                "2025-03-03T08:00Z",
                "2025-03-03T08:30Z",
                "2025-03-03T08:30Z",
                "2025-03-04T08:00Z",
            ),
            "channel": ["voice"] * 5,
            "segment": ["open"] * 5,
            "site": ["lyon", "tunis", "lyon", "tunis", "lyon"],
            "contacts": [8.0, 4.0, 10.0, 6.0, 20.0],
            "aht_s": [200.0, 210.0, 190.0, np.nan, 180.0],
        }
    )


def _forecast(values, times, model="seasonal_naive") -> pd.DataFrame:
    v = np.asarray(values, dtype=float)
    return pd.DataFrame(
        {
            "interval_start": _times(*times),
            "channel": "voice",
            "segment": "open",
            "contacts": v,
            "contacts_lo": 0.8 * v,
            "contacts_hi": 1.2 * v,
            "aht_s": 200.0,
            "model": model,
        }
    )


def test_reloading_the_same_actuals_changes_nothing(con):
    runstore.load_actuals(con, _actuals())
    first = runstore.read_actuals(con)
    runstore.load_actuals(con, _actuals())
    again = runstore.read_actuals(con)
    pd.testing.assert_frame_equal(first, again)
    assert runstore.table_counts(con)["actuals"] == 5
    check_table(again, HISTORY, source="store")


def test_a_corrected_actual_replaces_the_old_one(con):
    runstore.load_actuals(con, _actuals())
    fix = _actuals().iloc[[0]].assign(contacts=9.0)
    runstore.load_actuals(con, fix)
    got = runstore.read_actuals(con)
    assert got["contacts"].iloc[0] == 9.0
    assert len(got) == 5


def test_rollback_leaves_the_store_as_it_was(con):
    runstore.load_actuals(con, _actuals())
    with pytest.raises(RuntimeError), runstore.transaction(con):
        runstore.load_actuals(con, _actuals().assign(contacts=0.0))
        runstore.record_run(
            con,
            run_id="r",
            run_date=dt.date(2025, 3, 3),
            scenario="s",
            out_dir="x",
            status="ok",
            manifest={},
        )
        raise RuntimeError("plan failed")
    assert runstore.read_actuals(con)["contacts"].sum() == 48.0
    assert runstore.table_counts(con)["runs"] == 0


def test_accuracy_equals_hand_computed_values(con):
    runstore.load_actuals(con, _actuals())
    # snapshot of 2025-03-02: day +1 forecasts 10 and 20 against actuals 8 + 4 = 12 and
    # 10 + 6 = 16 (sites summed); day +2 forecasts 25 against 20.
    runstore.snapshot_forecast(
        con,
        _forecast([10, 20, 25], ["2025-03-03T08:00Z", "2025-03-03T08:30Z", "2025-03-04T08:00Z"]),
        snapshot_date=dt.date(2025, 3, 2),
        run_id="nightly-2025-03-02",
    )
    # snapshot of 2025-03-03 (same day as its first interval): 14 against 12 → day 0;
    # its interval of 2025-03-05 has no actual yet and is not scored
    runstore.snapshot_forecast(
        con,
        _forecast([14, 30], ["2025-03-03T08:00Z", "2025-03-05T08:00Z"]),
        snapshot_date=dt.date(2025, 3, 3),
        run_id="nightly-2025-03-03",
    )
    acc = runstore.refresh_accuracy(con).set_index("days_ahead")
    assert list(acc.index) == [0, 1, 2]
    # day 0: |14 − 12| / 12 = 0.1666…, bias (14 − 12) / 12
    assert acc.loc[0, "wmape"] == pytest.approx(2 / 12, rel=1e-12)
    assert acc.loc[0, "bias_rate"] == pytest.approx(2 / 12, rel=1e-12)
    # day 1: (|10 − 12| + |20 − 16|) / (12 + 16) = 6 / 28; bias (30 − 28) / 28 = 2 / 28
    assert acc.loc[1, "wmape"] == pytest.approx(6 / 28, rel=1e-12)
    assert acc.loc[1, "bias_rate"] == pytest.approx(2 / 28, rel=1e-12)
    assert acc.loc[1, "intervals"] == 2
    # day 2: |25 − 20| / 20 = 0.25, bias +0.25
    assert acc.loc[2, "wmape"] == pytest.approx(0.25, rel=1e-12)
    stored = con.execute("SELECT COUNT(*) FROM accuracy").fetchone()[0]
    assert stored == 3


def test_a_second_snapshot_of_the_same_day_replaces_the_first(con):
    t = ["2025-03-03T08:00Z"]
    runstore.snapshot_forecast(
        con, _forecast([10], t), snapshot_date=dt.date(2025, 3, 2), run_id="a"
    )
    runstore.snapshot_forecast(
        con, _forecast([11], t), snapshot_date=dt.date(2025, 3, 2), run_id="a"
    )
    rows = con.execute("SELECT contacts FROM forecast_snapshots").fetchall()
    assert rows == [(11.0,)]


def test_zero_actuals_give_a_missing_wmape_not_a_number(con):
    runstore.load_actuals(con, _actuals().iloc[[4]].assign(contacts=0.0))
    runstore.snapshot_forecast(
        con, _forecast([3], ["2025-03-04T08:00Z"]), snapshot_date=dt.date(2025, 3, 3), run_id="a"
    )
    acc = runstore.forecast_accuracy(con)
    assert len(acc) == 1 and pd.isna(acc["wmape"].iloc[0])


def test_sql_accuracy_agrees_with_the_forecast_metrics(con):
    metrics = pytest.importorskip(
        "wfm.forecast.metrics", reason="wfm.forecast.metrics is not on this branch yet"
    )
    rng = np.random.default_rng(5)
    t = pd.date_range("2025-03-03T08:00Z", periods=30, freq="30min")  # one UTC day
    actual = rng.poisson(20, len(t)).astype(float)
    forecast = actual * rng.uniform(0.7, 1.3, len(t))
    runstore.load_actuals(
        con,
        pd.DataFrame(
            {"interval_start": t, "channel": "voice", "segment": "open", "contacts": actual}
        ),
    )
    runstore.snapshot_forecast(
        con,
        _forecast(forecast, [x.isoformat() for x in t]),
        snapshot_date=dt.date(2025, 3, 3),
        run_id="a",
    )
    acc = runstore.forecast_accuracy(con)
    assert acc["wmape"].iloc[0] == pytest.approx(metrics.wmape(actual, forecast), rel=1e-12)
    assert acc["bias_rate"].iloc[0] == pytest.approx(metrics.bias_rate(actual, forecast), rel=1e-12)
