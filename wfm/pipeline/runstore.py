"""Run history in one embedded DuckDB file: runs, actuals, forecast snapshots, accuracy.

Tables (times stored as UTC without zone; read back as tz-aware UTC):

``runs``
    one row per run id: run date, scenario name, output folder, status, manifest (JSON).
``actuals``
    contact history keyed by (``interval_start``, ``channel``, ``segment``, ``site``); a
    re-load of the same rows replaces them, so loading a file twice changes nothing, and a
    corrected file overrides what it corrects. ``site`` is ``''`` for history without sites.
``forecast_snapshots``
    the forecast of each run date, keyed by (``snapshot_date``, ``interval_start``,
    ``channel``, ``segment``, ``site``); a second run on the same date replaces its snapshot.
``accuracy``
    refreshed by :func:`refresh_accuracy`: wMAPE and bias per channel, segment and days ahead.

Accuracy is computed here in SQL, by the definitions of ``docs/nightly.md``:
wMAPE = Σ|F − A| / ΣA and bias = Σ(F − A) / ΣA over the intervals of a group.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from wfm.core.errors import InputError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR PRIMARY KEY,
    run_date DATE NOT NULL,
    scenario VARCHAR NOT NULL,
    out_dir VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    manifest JSON
);
CREATE TABLE IF NOT EXISTS actuals (
    interval_start TIMESTAMP NOT NULL,
    channel VARCHAR NOT NULL,
    segment VARCHAR NOT NULL,
    site VARCHAR NOT NULL,
    contacts DOUBLE NOT NULL,
    aht_s DOUBLE,
    abandoned DOUBLE,
    PRIMARY KEY (interval_start, channel, segment, site)
);
CREATE TABLE IF NOT EXISTS forecast_snapshots (
    snapshot_date DATE NOT NULL,
    run_id VARCHAR NOT NULL,
    interval_start TIMESTAMP NOT NULL,
    channel VARCHAR NOT NULL,
    segment VARCHAR NOT NULL,
    site VARCHAR NOT NULL,
    contacts DOUBLE NOT NULL,
    contacts_lo DOUBLE,
    contacts_hi DOUBLE,
    aht_s DOUBLE,
    model VARCHAR,
    PRIMARY KEY (snapshot_date, interval_start, channel, segment, site)
);
"""

_ACCURACY_SQL = """
WITH f AS (
    SELECT snapshot_date, interval_start, channel, segment, SUM(contacts) AS forecast
    FROM forecast_snapshots GROUP BY ALL
), a AS (
    SELECT interval_start, channel, segment, SUM(contacts) AS actual
    FROM actuals GROUP BY ALL
), j AS (
    SELECT f.channel, f.segment,
           date_diff('day', f.snapshot_date, CAST(f.interval_start AS DATE)) AS days_ahead,
           f.forecast, a.actual
    FROM f JOIN a USING (interval_start, channel, segment)
    WHERE CAST(f.interval_start AS DATE) >= f.snapshot_date
)
SELECT channel, segment, CAST(days_ahead AS BIGINT) AS days_ahead,
       COUNT(*) AS intervals,
       SUM(actual) AS actual_contacts,
       SUM(forecast) AS forecast_contacts,
       CASE WHEN SUM(actual) > 0 THEN SUM(ABS(forecast - actual)) / SUM(actual) END AS wmape,
       CASE WHEN SUM(actual) > 0 THEN SUM(forecast - actual) / SUM(actual) END AS bias_rate
FROM j GROUP BY ALL ORDER BY channel, segment, days_ahead
"""


def connect(path: str | os.PathLike) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the run store at ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path))
    except duckdb.Error as err:
        raise InputError(f"cannot open the run store: {err}", source=str(path)) from None
    con.execute(_SCHEMA)
    return con


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All writes inside the block commit together, or none does."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def _naive_utc(ts: pd.Series) -> pd.Series:
    return pd.to_datetime(ts, utc=True).dt.tz_localize(None)


def _with_site(df: pd.DataFrame) -> pd.Series:
    return df["site"].astype(str) if "site" in df.columns else pd.Series("", index=df.index)


def load_actuals(con: duckdb.DuckDBPyConnection, history: pd.DataFrame) -> int:
    """Insert or replace actuals (a HISTORY table); return the number of rows given."""
    frame = pd.DataFrame(
        {
            "interval_start": _naive_utc(history["interval_start"]),
            "channel": history["channel"].astype(str),
            "segment": history["segment"].astype(str),
            "site": _with_site(history),
            "contacts": history["contacts"].astype(float),
            "aht_s": (
                history["aht_s"].astype(float)
                if "aht_s" in history.columns
                else pd.Series(float("nan"), index=history.index)
            ),
            "abandoned": (
                history["abandoned"].astype(float)
                if "abandoned" in history.columns
                else pd.Series(float("nan"), index=history.index)
            ),
        }
    )
    con.register("_new_actuals", frame)
    try:
        con.execute("INSERT OR REPLACE INTO actuals SELECT * FROM _new_actuals")
    finally:
        con.unregister("_new_actuals")
    return len(frame)


def read_actuals(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every stored actual as a HISTORY table (``site`` only when the rows have one)."""
    df = con.execute("SELECT * FROM actuals ORDER BY interval_start, channel, segment, site").df()
    df["interval_start"] = (
        pd.to_datetime(df["interval_start"]).dt.tz_localize("UTC").astype("datetime64[ns, UTC]")
    )
    if (df["site"] == "").all():
        df = df.drop(columns="site")
    if df["abandoned"].isna().all():
        df = df.drop(columns="abandoned")
    return df.reset_index(drop=True)


def snapshot_forecast(
    con: duckdb.DuckDBPyConnection, forecast: pd.DataFrame, *, snapshot_date: dt.date, run_id: str
) -> int:
    """Store the forecast made on ``snapshot_date`` (replacing that date's snapshot)."""
    n = len(forecast)
    frame = pd.DataFrame(
        {
            "snapshot_date": [snapshot_date] * n,
            "run_id": [run_id] * n,
            "interval_start": _naive_utc(forecast["interval_start"]),
            "channel": forecast["channel"].astype(str),
            "segment": forecast["segment"].astype(str),
            "site": _with_site(forecast),
            "contacts": forecast["contacts"].astype(float),
            "contacts_lo": forecast["contacts_lo"].astype(float),
            "contacts_hi": forecast["contacts_hi"].astype(float),
            "aht_s": forecast["aht_s"].astype(float),
            "model": forecast["model"].astype(str),
        }
    )
    frame["snapshot_date"] = pd.to_datetime(frame["snapshot_date"]).dt.date
    con.execute("DELETE FROM forecast_snapshots WHERE snapshot_date = ?", [snapshot_date])
    con.register("_new_snapshot", frame)
    try:
        con.execute("INSERT INTO forecast_snapshots SELECT * FROM _new_snapshot")
    finally:
        con.unregister("_new_snapshot")
    return n


def record_run(
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: str,
    run_date: dt.date,
    scenario: str,
    out_dir: str,
    status: str,
    manifest: dict,
) -> None:
    """Insert or replace one run's row."""
    con.execute(
        "INSERT OR REPLACE INTO runs VALUES (?, ?, ?, ?, ?, ?)",
        [
            run_id,
            run_date,
            scenario,
            out_dir,
            status,
            json.dumps(manifest, sort_keys=True, default=str),
        ],
    )


def forecast_accuracy(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Accuracy of past snapshots against actuals, per channel, segment and days ahead.

    Returns
    -------
    pandas.DataFrame
        ``channel``, ``segment``, ``days_ahead`` (UTC calendar days from the snapshot date to
        the interval's date; 0 = the same day), ``intervals`` (matched), ``actual_contacts``,
        ``forecast_contacts``, ``wmape`` = Σ|F − A| / ΣA and ``bias_rate`` = Σ(F − A) / ΣA
        (missing when ΣA = 0). Sites are summed before comparing.

    Notes
    -----
    Only intervals that have both a snapshot and an actual count; a snapshot's intervals
    before its own date (history echoed in the forecast) are ignored.
    """
    return con.execute(_ACCURACY_SQL).df()


def refresh_accuracy(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Recompute the stored ``accuracy`` table and return it."""
    con.execute(f"CREATE OR REPLACE TABLE accuracy AS {_ACCURACY_SQL}")
    return forecast_accuracy(con)


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Row counts of the store's tables (for logs and checks)."""
    names = ("runs", "actuals", "forecast_snapshots")
    out = {}
    for n in names:
        row = con.execute(f"SELECT COUNT(*) FROM {n}").fetchone()
        out[n] = int(row[0]) if row else 0
    return out
