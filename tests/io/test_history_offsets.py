"""A history read with its UTC offsets: one read, the rows in the order of the history table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from wfm.io.history_offsets import read_history_offsets
from wfm.io.tables import read_history

BANK = Path(__file__).resolve().parents[1] / "data" / "forecast" / "bank_calls_30min_2003_05.csv"


def test_the_table_is_the_history_table():
    hist, offsets = read_history_offsets(BANK)
    pd.testing.assert_frame_equal(hist, read_history(BANK))
    assert offsets.shape == (len(hist),)


def test_offsets_follow_the_rows_when_naive_and_offset_times_mix(tmp_path):
    # 12:00 naive in New York is 17:00 UTC, after 08:00-05:00 (13:00 UTC): the naive row
    # comes second in the history table although its clock reads later than 12:00 UTC
    path = tmp_path / "history.csv"
    path.write_text(
        "interval_start,channel,segment,contacts\n"
        "2025-03-03T12:00:00,voice,open,5\n"
        "2025-03-03T08:00:00-05:00,voice,open,7\n"
        "2025-03-03T09:00:00Z,chat,open,3\n"
    )
    hist, offsets = read_history_offsets(path, source_tz="America/New_York")
    assert hist["contacts"].tolist() == [3.0, 7.0, 5.0]
    assert hist["interval_start"].dt.hour.tolist() == [9, 13, 17]
    np.testing.assert_array_equal(offsets, [0.0, -300.0, np.nan])
