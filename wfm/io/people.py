"""Read the people files: agents, time off, preferences and a published roster.

Each reader checks the contract of :mod:`wfm.core.people` and the rules the schema cannot
express (clock times, booleans, min ≤ max, known preference kinds, end after start), and
raises :class:`InputError` naming the file, the line (header = line 1) and the column.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd

from wfm.core.checks import check_clock_column, check_date_column, hhmm_minutes, is_iso_date
from wfm.core.config import WEEKDAYS
from wfm.core.contract_checks import check_table
from wfm.core.errors import InputError, raise_at_first
from wfm.core.people import AGENTS, PREFERENCE_KINDS, PREFERENCES, ROSTER, TIME_OFF
from wfm.core.schemas import TableSchema
from wfm.io.tables import convert_columns, read_csv_strings

_WINDOW = re.compile(r"^(\d{2}:\d{2})-(\d{2}:\d{2})$")
_TRUE = {"true", "yes", "1", "y"}
_FALSE = {"false", "no", "0", "n"}


def _read(path: Path, schema: TableSchema) -> pd.DataFrame:
    """Typed and checked table in file order (row i is on line i + 2)."""
    if not path.exists():
        raise InputError(
            "file not found", source=str(path), expected=f"a CSV file of {schema.name}"
        )
    df = convert_columns(read_csv_strings(path), schema, path.name, None)
    check_table(df, schema, source=path.name)
    return df.reset_index(drop=True)


def read_agents(path: str | os.PathLike) -> pd.DataFrame:
    """Read an agents file (the ``agents`` contract), in file order; ``nights_allowed``
    becomes a bool."""
    path = Path(path)
    df = _read(path, AGENTS)
    for col in ("earliest_start_local", "latest_end_local"):
        check_clock_column(df[col], source=path.name, key=col)
    raise_at_first(
        df["earliest_start_local"].str.strip() == "24:00",
        "24:00 is the end of a day: no shift starts then",
        source=path.name,
        key="earliest_start_local",
        got=df["earliest_start_local"],
        expected="a start from 00:00 to 23:59 (00:00 for the start of the day)",
    )
    # a latest end at or before the earliest start is a window across midnight (22:00-06:00)
    raise_at_first(
        df["min_h_per_week"] > df["max_h_per_week"],
        "above max_h_per_week",
        source=path.name,
        key="min_h_per_week",
        got=df["min_h_per_week"],
        expected="min_h_per_week ≤ max_h_per_week",
    )
    flag = df["nights_allowed"].str.lower()
    raise_at_first(
        ~flag.isin(_TRUE | _FALSE),
        "not a yes/no value",
        source=path.name,
        key="nights_allowed",
        got=df["nights_allowed"],
        expected="true or false",
    )
    df["nights_allowed"] = flag.isin(_TRUE)
    return df


def read_time_off(path: str | os.PathLike) -> pd.DataFrame:
    """Read a time-off file (the ``time_off`` contract): ``start``/``end`` as UTC."""
    path = Path(path)
    df = _read(path, TIME_OFF)
    raise_at_first(
        df["end"] <= df["start"],
        "does not end after it starts",
        source=path.name,
        key="end",
        got=df["end"],
        expected="an end after the start",
    )
    return df.reset_index(drop=True)


def read_preferences(path: str | os.PathLike) -> pd.DataFrame:
    """Read a preferences file (the ``preferences`` contract); checks each kind's value."""
    path = Path(path)
    df = _read(path, PREFERENCES)
    df["kind"] = df["kind"].str.lower()
    raise_at_first(
        ~df["kind"].isin(PREFERENCE_KINDS),
        "unknown preference kind",
        source=path.name,
        key="kind",
        got=df["kind"],
        expected="one of " + ", ".join(PREFERENCE_KINDS),
    )
    win = df["kind"] == "start_window"
    ok = df["value"].map(_window_ok)
    raise_at_first(
        win & ~ok,
        "not a start window",
        source=path.name,
        key="value",
        got=df["value"],
        expected="HH:MM-HH:MM, e.g. 08:00-10:00",
    )
    day = df["kind"] == "day_off"
    ok = df["value"].str.lower().isin(WEEKDAYS) | df["value"].map(is_iso_date)
    raise_at_first(
        day & ~ok,
        "not a day",
        source=path.name,
        key="value",
        got=df["value"],
        expected="mon…sun or a date YYYY-MM-DD",
    )
    # the key check is exact: "mon" and "MON" (kind "DAY_OFF") would count one wish twice
    same = pd.Series(
        [
            (a, k, v.strip().lower() if k == "day_off" else v.strip())
            for a, k, v in zip(df["agent_id"], df["kind"], df["value"], strict=True)
        ]
    )
    once = ~same.duplicated()
    first = same.map(dict(zip(same[once], same.index[once] + 2, strict=True)))  # its line
    raise_at_first(
        same.duplicated(),
        "the same preference as an earlier line",
        source=path.name,
        key="value",
        got=df["value"] + " (as line " + first.astype(str) + ")",
        expected="each preference of an agent once (kinds and days in any case)",
    )
    return df


def _window_ok(text: str) -> bool:
    m = _WINDOW.match(text.strip())
    if not m:
        return False
    first, last = hhmm_minutes(m.group(1)), hhmm_minutes(m.group(2))
    return first is not None and last is not None and first <= last


def read_roster(path: str | os.PathLike) -> pd.DataFrame:
    """Read a published roster (the ``roster`` contract): ``local_date`` a date
    ``YYYY-MM-DD``, each shift ending after it starts."""
    path = Path(path)
    df = _read(path, ROSTER)
    check_date_column(df["local_date"], source=path.name, key="local_date")
    raise_at_first(
        df["shift_end"] <= df["shift_start"],
        "does not end after the shift starts",
        source=path.name,
        key="shift_end",
        got=df["shift_end"],
        expected="a shift_end after shift_start",
    )
    return df


ROSTER_RECORD = "roster.json"
_ROSTER_KEYS = ("solve", "notes", "figures", "files")


def roster_files(folder: str | os.PathLike) -> set[str]:
    """Files ``wfm roster`` wrote in a previous output folder (the ``files`` of its
    ``roster.json``)."""
    from wfm.io.records import recorded_files

    return recorded_files(Path(folder), ROSTER_RECORD, _ROSTER_KEYS, "a folder 'wfm roster' wrote")
