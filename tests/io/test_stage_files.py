"""Outputs of one stage run alone: tables are written with their contract, as in a plan."""

from __future__ import annotations

import pandas as pd

from wfm.core.results import StageResult
from wfm.io.stage_files import write_stage_file, write_stage_folder

T0 = pd.Timestamp("2025-03-03T08:00:00Z")
T1 = pd.Timestamp("2025-03-03T08:30:00Z")

# the allocation as a solver might list it: by pool, not by the table's key
ALLOCATION = pd.DataFrame(
    {
        "interval_start": [T1, T0, T1, T0],
        "site": ["lyon"] * 4,
        "pool": ["b", "b", "a", "a"],
        "skill": ["voice_open", "voice_open", "chat_open", "chat_open"],
        "agents": [4.0, 3.0, 2.0, 1.0],
    }
)
SCHEDULE = pd.DataFrame({"site": ["lyon"], "pool": ["a"], "agents": [1.0]})


def _rows(path) -> list[tuple[str, str, float]]:
    df = pd.read_csv(path)
    return list(zip(df["interval_start"], df["pool"], df["agents"], strict=True))


KEY_ORDER = [
    ("2025-03-03T08:00:00+00:00", "a", 1.0),
    ("2025-03-03T08:00:00+00:00", "b", 3.0),
    ("2025-03-03T08:30:00+00:00", "a", 2.0),
    ("2025-03-03T08:30:00+00:00", "b", 4.0),
]


def test_allocation_in_a_stage_folder_is_written_in_key_order(tmp_path):
    result = StageResult(table=SCHEDULE, tables={"allocation": ALLOCATION})
    write_stage_folder(result, tmp_path / "out", "schedule")
    assert _rows(tmp_path / "out" / "allocation.csv") == KEY_ORDER


def test_allocation_beside_a_stage_file_is_written_in_key_order(tmp_path):
    out = tmp_path / "schedule.csv"
    write_stage_file(SCHEDULE, out, "schedule", {"allocation": ALLOCATION})
    assert _rows(tmp_path / "schedule_allocation.csv") == KEY_ORDER
