"""Columns the report reads from each plan table, and their check.

A present table that lacks a column the report needs raises :class:`InputError` naming the
file. The plan folder reader gives the columns their types (a column of empty cells, the
service levels of a horizon in which no contact arrives, is read as numbers, all NaN).
"""

from __future__ import annotations

import pandas as pd

from wfm.core.errors import InputError

# columns each section reads, by table
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "forecast": (
        "interval_start",
        "channel",
        "segment",
        "contacts",
        "contacts_lo",
        "contacts_hi",
        "model",
    ),
    "history": ("interval_start", "channel", "segment", "contacts"),
    "split": ("channel", "segment", "contacts", "ai_contained", "human_contacts"),
    "coverage": (
        "interval_start",
        "site",
        "skill",
        "agents_scheduled",
        "agents_required",
        "agents_gap",
    ),
    "overflow": ("interval_start", "skill", "from_site", "to_site", "contacts"),
    "simulation": (
        "interval_start",
        "site",
        "skill",
        "contacts",
        "service_level_rate",
        "sl_target_rate",
    ),
    "schedule": ("site", "pool", "local_date", "agents", "shift_length_min"),
}


def check_report_table(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """The table, when it has the columns the report reads; else InputError."""
    missing = [c for c in REQUIRED_COLUMNS.get(name, ()) if c not in df.columns]
    if missing:
        raise InputError(
            f"missing column {missing[0]!r}",
            source=f"{name}.csv",
            line=1,
            expected="columns " + ", ".join(REQUIRED_COLUMNS[name]),
        )
    return df
