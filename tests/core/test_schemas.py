"""Table contracts: pinned column lists and the checks every table passes."""

from __future__ import annotations

import pandas as pd
import pytest

from wfm.core.contract_checks import check_table
from wfm.core.errors import InputError
from wfm.core.schemas import SCHEMAS, order_table

PINNED = {
    "history": ["interval_start", "channel", "segment", "site", "contacts", "aht_s", "abandoned"],
    "forecast": [
        "interval_start",
        "channel",
        "segment",
        "site",
        "contacts",
        "contacts_lo",
        "contacts_hi",
        "aht_s",
        "model",
    ],
    "split": [
        "interval_start",
        "channel",
        "segment",
        "site",
        "contacts",
        "ai_contained",
        "escalated",
        "human_contacts",
        "human_aht_s",
        "ai_min_rate",
        "ai_max_rate",
    ],
    "requirements": [
        "interval_start",
        "site",
        "skill",
        "contacts",
        "aht_s",
        "agents_required",
        "agents_required_gross",
        "service_level_rate",
        "asa_s",
        "occupancy_rate",
        "ai_movable_contacts",
        "ai_sessions_used",
    ],
    "schedule": [
        "site",
        "pool",
        "local_date",
        "shift",
        "shift_start_local",
        "shift_length_min",
        "breaks",
        "agents",
    ],
    "coverage": [
        "interval_start",
        "site",
        "skill",
        "agents_scheduled",
        "agents_required",
        "agents_gap",
        "overflow_in_contacts",
        "overflow_out_contacts",
        "shortfall_agents",
        "ai_moved_contacts",
    ],
    "overflow": ["interval_start", "skill", "from_site", "to_site", "contacts"],
    "pool_agents": ["interval_start", "site", "pool", "agents"],
}


@pytest.mark.parametrize("name", sorted(PINNED))
def test_schema_columns_are_pinned(name):
    assert list(SCHEMAS[name].names) == PINNED[name]


def _history(**over) -> pd.DataFrame:
    df = pd.DataFrame(
        {
            "interval_start": pd.to_datetime(["2025-03-03T08:00Z", "2025-03-03T08:30Z"], utc=True),
            "channel": ["voice", "voice"],
            "segment": ["open", "open"],
            "contacts": [10.0, 12.0],
        }
    )
    for k, v in over.items():
        df[k] = v
    return df


def test_check_table_accepts_valid():
    check_table(_history(), SCHEMAS["history"])


def test_check_table_names_row_and_rule():
    with pytest.raises(InputError, match=r"h.csv, line 3, column contacts: value below"):
        check_table(_history(contacts=[1.0, -2.0]), SCHEMAS["history"], source="h.csv")
    dup = _history()
    dup.loc[1, "interval_start"] = dup.loc[0, "interval_start"]
    with pytest.raises(InputError, match=r"line 3: duplicate key .*first seen on line 2"):
        check_table(dup, SCHEMAS["history"], source="h.csv")
    naive = _history()
    naive["interval_start"] = naive["interval_start"].dt.tz_localize(None)
    with pytest.raises(InputError, match="UTC timestamps"):
        check_table(naive, SCHEMAS["history"])


def test_order_table_sorts_keys_first():
    df = _history().iloc[::-1][["contacts", "segment", "channel", "interval_start"]]
    df["note"] = "x"
    out = order_table(df, SCHEMAS["history"])
    assert list(out.columns) == ["interval_start", "channel", "segment", "contacts", "note"]
    assert out["interval_start"].is_monotonic_increasing
    assert list(out.index) == [0, 1]
