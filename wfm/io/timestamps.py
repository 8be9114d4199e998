"""Timestamps of a table read at the edge: ISO 8601 text → UTC, line-aware.

A time with an offset is exact; a naive time is read in the zone the caller gives (the
scenario's ``source_tz``), and a wall-clock time that falls in a DST gap or occurs twice is
refused, as is a time outside the span a plan may cover. Every error names the file, the
line (header = line 1), the column and the expected form.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from wfm.core.errors import InputError, raise_at_first
from wfm.core.schemas import TIME_END_UTC, TIME_MIN_UTC, TIME_SPAN

_OFFSET = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")
_ISO = "an ISO 8601 time with offset, e.g. 2025-03-03T08:30:00+01:00"


def parse_times(values: pd.Series, source: str, column: str, tz: str | None) -> pd.Series:
    """Parse ISO 8601 strings into UTC timestamps, line-aware.

    Strings with an offset (``+01:00``, ``Z``) are exact. Naive strings are read in ``tz``
    when given; a wall-clock time that does not exist (spring-forward gap) or exists twice
    (fall-back) is an error naming the line, since guessing would misplace an hour of volume.
    """
    s = values.astype(str).str.strip()
    raise_at_first(s == "", "missing timestamp", source=source, key=column, expected=_ISO)
    has_offset = s.str.contains(_OFFSET).to_numpy()
    raise_at_first(  # 'yesterday' is no time at all, not a time without its offset
        ~s.str.match(r"\d{4}-\d{2}-\d{2}"),
        "not a timestamp",
        source=source,
        key=column,
        got=s,
        expected=_ISO,
    )
    if tz is None:
        raise_at_first(
            ~has_offset,
            "timestamp without a UTC offset",
            source=source,
            key=column,
            got=s,
            expected=_ISO + " (or set source_tz in the scenario)",
        )
    result = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns, UTC]")
    if has_offset.any():
        part = s[has_offset]
        parsed = pd.to_datetime(part, format="ISO8601", utc=True, errors="coerce")
        _raise_first_nat(parsed, part, source, column)
        _raise_out_of_span(parsed, part, source, column, TIME_MIN_UTC, TIME_END_UTC)
        result[has_offset] = parsed
    if (~has_offset).any():
        part = s[~has_offset]
        naive = pd.to_datetime(part, format="ISO8601", errors="coerce")
        _raise_first_nat(naive, part, source, column)
        span = (TIME_MIN_UTC.tz_localize(None), TIME_END_UTC.tz_localize(None))
        _raise_out_of_span(naive, part, source, column, *span)
        idx = pd.DatetimeIndex(naive)
        local = idx.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
        bad = np.asarray(local.isna())
        if bad.any():
            i = int(np.argmax(bad))
            row = int(part.index[i])
            try:
                idx[i : i + 1].tz_localize(tz, ambiguous="raise", nonexistent="raise")
                why = "occurs twice"
            except Exception as err:  # noqa: BLE001 — ValueError (pandas 3), pytz errors (pandas 2)
                text = f"{type(err).__name__} {err}".lower()
                why = "does not exist" if "nonexistent" in text else "occurs twice"
            kind = "DST gap" if why == "does not exist" else "DST change, ambiguous"
            raise InputError(
                f"{s.iloc[row]!r} {why} in {tz} ({kind})",
                source=source,
                line=row + 2,
                key=column,
                expected=_ISO,
            )
        result[~has_offset] = local.tz_convert("UTC")
    return result


def _raise_first_nat(parsed: pd.Series, raw: pd.Series, source: str, column: str) -> None:
    bad = pd.isna(parsed).to_numpy() if hasattr(parsed, "to_numpy") else np.asarray(pd.isna(parsed))
    if bad.any():
        i = int(np.argmax(bad))
        row = int(raw.index[i])
        raise InputError(
            "not a valid timestamp",
            source=source,
            line=row + 2,
            key=column,
            got=raw.iloc[i],
            expected=_ISO,
        )


def _raise_out_of_span(
    parsed: pd.Series, raw: pd.Series, source: str, column: str, lo, end
) -> None:
    """Refuse times outside the span a plan may cover (a mistyped year), naming the line."""
    bad = ((parsed < lo) | (parsed >= end)).to_numpy()
    if bad.any():
        i = int(np.argmax(bad))
        raise InputError(
            "timestamp outside the span a plan may cover (a mistyped year?)",
            source=source,
            line=int(raw.index[i]) + 2,
            key=column,
            got=raw.iloc[i],
            expected=TIME_SPAN,
        )
