"""A contact log cut inside a day does not write the rest of that day as zeros."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wfm.io.contact_history import history_from_contacts
from wfm.io.contacts import ContactColumns, read_contacts

LOG = Path(__file__).resolve().parents[1] / "data" / "forecast"
LOG = LOG / "anonymous_bank_ne_calls_1999_08_01_09.csv"
TZ = "Asia/Jerusalem"
COLUMNS = ContactColumns(
    arrival_column="arrival_ts",
    channel="voice",
    segment_column="type",
    wait_column="q_time",
    handle_column="ser_time",
    outcome_column="outcome",
    answered_values=("AGENT",),
    abandoned_values=("HANG",),
    ignored_values=("PHANTOM",),
)


def _days(history: pd.DataFrame) -> pd.Series:
    local = history["interval_start"].dt.tz_convert(TZ).dt.date.astype(str)
    return history.groupby(local.to_numpy())["contacts"].sum()


def test_a_log_cut_at_noon_leaves_its_last_day_out(tmp_path):
    raw = pd.read_csv(LOG, dtype=str)
    cut = raw[raw["arrival_ts"] < "1999-08-09T12:00:00"]
    path = tmp_path / "log.csv"
    cut.to_csv(path, index=False)
    history = history_from_contacts(read_contacts(path, COLUMNS, source_tz=TZ), 30, day_tz=TZ)
    days = _days(history)
    assert "1999-08-09" not in days.index  # not a Monday of 40 calls and 12 hours of zeros
    assert history.attrs["partial_days_dropped"] == ["1999-08-09"]
    assert list(days.index) == [f"1999-08-0{d}" for d in range(1, 9)]


def test_a_whole_log_keeps_every_day():
    history = history_from_contacts(read_contacts(LOG, COLUMNS, source_tz=TZ), 30, day_tz=TZ)
    days = _days(history)
    assert len(days) == 9 and history.attrs["partial_days_dropped"] == []
    assert days["1999-08-09"] > 0.5 * days["1999-08-02"]
