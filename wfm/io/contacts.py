"""Contact records (one row per contact, as an ACD or CRM exports them) → interval history.

A contact log names, for each contact, when it arrived, its channel (or queue) and segment,
how long it waited, how long it was handled and how it ended. ``read_contacts`` translates
the log's own column names and outcome codes into the project's vocabulary and classifies
every row; :mod:`wfm.io.contact_history` rolls the classified contacts up into the HISTORY
table on the interval grid.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from wfm.core.checks import check_choice, check_positive
from wfm.core.errors import ConfigError, InputError, raise_at_first
from wfm.core.schemas import MAX_AHT_S, MAX_WAIT_S
from wfm.io.tables import read_csv_strings
from wfm.io.timestamps import parse_times

OUTCOMES = ("answered", "abandoned", "not_offered", "ignored")
"""Classes of a contact row: answered by a person; abandoned after queueing; abandoned
before (or too soon after) joining the queue, so never offered to an agent; ignored by the
log's own codes (e.g. test or phantom calls)."""

_DURATION = "seconds (e.g. 95 or 95.5) or H:MM:SS"
_OFFSET = r"(?:Z|[+-]\d{2}:?\d{2})$"


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactColumns:
    """Where a contact log keeps each fact, and what its outcome codes mean.

    Attributes
    ----------
    arrival_column : str
        Arrival time: ISO 8601 with an offset, or naive local time read in ``source_tz``.
    channel_column, segment_column, site_column : str
        Columns of the channel (or queue), segment and site; their values become lower-case
        slugs (``"PS"`` → ``ps``, ``"Back Office"`` → ``back_office``). Ignored when the
        matching constant below is set; an empty ``site_column`` means no site.
    channel, segment, site : str
        One value for every row instead of a column (``channel = "voice"``).
    wait_column : str
        Time in queue [s]; empty → not exported (every abandoned contact counts).
    handle_column : str
        Handle time of answered contacts (talk + hold + wrap-up as exported) [s]; empty →
        no ``aht_s`` in the history.
    outcome_column : str
        How the contact ended; empty → every contact was answered.
    answered_values, abandoned_values, ignored_values : tuple of str
        Outcome codes of each class, compared without regard to case; any other code is
        an error naming its line.
    abandon_after_s : float
        An abandoned contact counts only when it waited longer than this [s]; shorter ones
        (hung up in the voice menu, short abandons) are ``not_offered``.
    """

    arrival_column: str = "arrival_start"
    channel_column: str = "channel"
    segment_column: str = "segment"
    site_column: str = ""
    channel: str = ""
    segment: str = ""
    site: str = ""
    wait_column: str = "wait_s"
    handle_column: str = "handle_s"
    outcome_column: str = "outcome"
    answered_values: tuple[str, ...] = ("answered",)
    abandoned_values: tuple[str, ...] = ("abandoned",)
    ignored_values: tuple[str, ...] = ()
    abandon_after_s: float = 0.0

    def __post_init__(self) -> None:
        if not self.arrival_column:
            raise ConfigError("a contact log needs an arrival time column", key="arrival_column")
        for what in ("channel", "segment"):
            if not getattr(self, what) and not getattr(self, f"{what}_column"):
                raise ConfigError(
                    f"give a {what} column or one {what} for every row", key=f"{what}_column"
                )
        check_positive("abandon_after_s", self.abandon_after_s, allow_zero=True)
        codes: dict[str, str] = {}
        for cls in ("answered", "abandoned", "ignored"):
            for code in getattr(self, f"{cls}_values"):
                folded = code.strip().casefold()
                if folded in codes and codes[folded] != cls:
                    raise ConfigError(
                        f"outcome code {code!r} is both {codes[folded]} and {cls}",
                        key=f"{cls}_values",
                    )
                codes[folded] = cls
        if self.outcome_column and not self.answered_values:
            raise ConfigError("name at least one answered outcome code", key="answered_values")


RepeatedHour = Literal["error", "in_order"]


def read_contacts(
    path: str | os.PathLike,
    columns: ContactColumns | None = None,
    *,
    source_tz: str | None = None,
    repeated_hour: RepeatedHour = "error",
) -> pd.DataFrame:
    """Read a contact log into one classified row per contact.

    Parameters
    ----------
    path : path-like
        CSV file (UTF-8, comma, header row), one row per contact.
    columns : ContactColumns, optional
        Column mapping and outcome codes (defaults: the project's own names).
    source_tz : str, optional
        IANA zone of naive arrival times (``Asia/Jerusalem``); without it naive times are
        an error.
    repeated_hour : {"error", "in_order"}
        Naive times in the hour that occurs twice when DST ends: an error naming the line,
        or resolved by file order (the first pass, then the second), which holds for a log
        sorted by arrival.

    Returns
    -------
    pandas.DataFrame
        One row per log row, in file order: ``arrival_start`` (UTC), ``channel``,
        ``segment``, ``site`` (when mapped), ``outcome`` (one of ``OUTCOMES``), ``wait_s``
        (NaN for ignored rows) and ``handle_s`` (NaN unless answered), each only when the
        log exports it, and ``line`` (the CSV line the contact came from).

    Raises
    ------
    InputError
        Naming the file, the line and the column, with the expected form: missing
        columns, bad times (DST gaps and repeated hours of naive times included), unknown
        outcome codes, durations that are not numbers ≥ 0, an answered contact without a
        handle time, an abandoned one without a wait, values that make no slug.
    """
    columns = columns or ContactColumns()
    if source_tz:
        check_tz(source_tz, "source_tz")
    path = Path(path)
    name = path.name
    if not path.exists():
        raise InputError("file not found", source=str(path), expected="a contact log CSV file")
    raw = read_csv_strings(path)
    raw.columns = [str(c).strip() for c in raw.columns]
    if raw.empty:
        raise InputError(
            "no contacts (the file has a header only)",
            source=name,
            line=2,
            expected="one row per contact under the header",
        )
    _check_header(raw, columns, name)
    check_choice("repeated_hour", repeated_hour, ("error", "in_order"))
    arrivals = (
        _times_in_order(raw[columns.arrival_column], name, columns.arrival_column, source_tz)
        if repeated_hour == "in_order" and source_tz
        else parse_times(raw[columns.arrival_column], name, columns.arrival_column, source_tz)
    )
    out = pd.DataFrame({"arrival_start": arrivals})
    for what in ("channel", "segment", "site"):
        const, col = getattr(columns, what), getattr(columns, f"{what}_column")
        if const:
            out[what] = _slug_values(pd.Series(const, index=raw.index), name, what, fixed=True)
        elif col:
            out[what] = _slug_values(raw[col], name, col)
    _add_outcomes(out, raw, columns, name)
    out["line"] = np.arange(len(raw), dtype=np.int64) + 2
    return out


def _check_header(raw: pd.DataFrame, columns: ContactColumns, name: str) -> None:
    """Refuse a log whose header lacks a column the mapping reads."""
    needed = [
        c
        for c in (
            columns.arrival_column,
            "" if columns.channel else columns.channel_column,
            "" if columns.segment else columns.segment_column,
            "" if columns.site else columns.site_column,
            columns.wait_column,
            columns.handle_column,
            columns.outcome_column,
        )
        if c
    ]
    for col in needed:
        if col not in raw.columns:
            raise InputError(
                f"missing column {col!r}",
                source=name,
                line=1,
                expected="a header with " + ", ".join(dict.fromkeys(needed)),
                got=", ".join(raw.columns),
            )


def _add_outcomes(out: pd.DataFrame, raw: pd.DataFrame, columns: ContactColumns, name: str) -> None:
    """Add ``outcome`` and, when the log exports them, ``wait_s`` and ``handle_s`` to
    ``out``; an abandoned contact that waited no longer than ``abandon_after_s`` was not
    offered."""
    outcome = _classify(raw, columns, name)
    wait = (
        _durations(raw[columns.wait_column], name, columns.wait_column, MAX_WAIT_S)
        if columns.wait_column
        else pd.Series(np.nan, index=raw.index)
    )
    handle = (
        _durations(raw[columns.handle_column], name, columns.handle_column, MAX_AHT_S)
        if columns.handle_column
        else pd.Series(np.nan, index=raw.index)
    )
    abandoned = outcome == "abandoned"
    if columns.wait_column:
        _require(wait.isna() & abandoned, name, columns.wait_column, "an abandoned contact")
        outcome = outcome.where(~(abandoned & (wait <= columns.abandon_after_s)), "not_offered")
    answered = outcome == "answered"
    if columns.handle_column:
        _require(handle.isna() & answered, name, columns.handle_column, "an answered contact")
    out["outcome"] = outcome
    if columns.wait_column:
        out["wait_s"] = wait.where(outcome != "ignored")
    if columns.handle_column:
        out["handle_s"] = handle.where(answered)


# -- helpers -------------------------------------------------------------------------------


def _times_in_order(values: pd.Series, source: str, column: str, tz: str) -> pd.Series:
    """Like ``parse_times``, resolving the repeated hour of a DST end by file order."""
    s = values.astype(str).str.strip()
    naive = ~s.str.contains(_OFFSET).to_numpy()
    # read naive times as UTC first: every malformed value is reported with its line
    as_utc = parse_times(s.where(~naive, s + "Z"), source, column, None)
    wall = pd.DatetimeIndex(as_utc[naive].dt.tz_localize(None))
    try:
        local = wall.tz_localize(tz, ambiguous="infer", nonexistent="NaT")
    except Exception as err:  # noqa: BLE001 — ValueError (pandas 3), pytz errors (pandas 2)
        both = wall.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward")
        row = int(s.index[naive][int(np.argmax(np.asarray(both.isna())))])
        raise InputError(
            f"cannot tell which pass of the repeated hour {s.iloc[row]!r} belongs to ({err})",
            source=source,
            line=row + 2,
            key=column,
            expected="rows in arrival order through the DST change, or times with offsets",
        ) from None
    gap = np.asarray(local.isna())
    if gap.any():
        row = int(s.index[naive][int(np.argmax(gap))])
        raise InputError(
            f"{s.iloc[row]!r} does not exist in {tz} (DST gap)",
            source=source,
            line=row + 2,
            key=column,
            expected="an existing local time, or a time with offset",
        )
    out = as_utc.copy()
    out[naive] = local.tz_convert("UTC")
    return out


def check_tz(tz: str, key: str) -> None:
    """Refuse a time zone that is not an IANA name, naming the option ``key``."""
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"unknown time zone {tz!r}; expected an IANA name such as 'Asia/Jerusalem'", key=key
        ) from None


def _classify(raw: pd.DataFrame, columns: ContactColumns, source: str) -> pd.Series:
    """Outcome class of every row from the log's outcome codes."""
    if not columns.outcome_column:
        return pd.Series("answered", index=raw.index, dtype=object)
    codes: dict[str, str] = {}
    for cls in ("answered", "abandoned", "ignored"):
        for code in getattr(columns, f"{cls}_values"):
            codes[code.strip().casefold()] = cls
    values = raw[columns.outcome_column].astype(str).str.strip()
    classes = values.str.casefold().map(codes)
    raise_at_first(
        classes.isna(),
        "unknown outcome code",
        source=source,
        key=columns.outcome_column,
        got=values,
        expected="one of "
        + ", ".join(columns.answered_values + columns.abandoned_values + columns.ignored_values)
        + " (answered, abandoned or ignored codes)",
    )
    return classes.astype(object)


def _durations(values: pd.Series, source: str, column: str, max_s: float) -> pd.Series:
    """Seconds from numbers or ``H:MM:SS``; empty → NaN; anything else, or more than
    ``max_s``, an error."""
    s = values.astype(str).str.strip()
    empty = s == ""
    seconds = pd.to_numeric(s.where(~empty, None), errors="coerce").astype(float)
    # minutes and seconds below 60: pandas reads 1:90:00 as 2:30:00
    clock = seconds.isna() & ~empty & s.str.fullmatch(r"\d+:[0-5]\d:[0-5]\d(\.\d+)?")
    if clock.any():
        seconds[clock] = pd.to_timedelta(s[clock], errors="coerce").dt.total_seconds()
    raise_at_first(
        (seconds.isna() & ~empty) | (seconds < 0) | np.isinf(seconds),
        "not a duration",
        source=source,
        key=column,
        got=s,
        expected=f"a duration ≥ 0 in {_DURATION}",
    )
    raise_at_first(
        seconds > max_s,
        "duration above its maximum",
        source=source,
        key=column,
        got=s,
        expected=f"a duration of at most {max_s:g} s ({max_s / 3600:g} h)",
    )
    return seconds


def _require(missing: pd.Series, source: str, column: str, what: str) -> None:
    raise_at_first(
        missing,
        f"missing value for {what}",
        source=source,
        key=column,
        expected=f"a duration in {_DURATION}",
    )


def _slug_values(values: pd.Series, source: str, column: str, *, fixed: bool = False) -> pd.Series:
    """Lower-case slugs of identifier values (``"Back Office"`` → ``back_office``)."""
    s = values.astype(str).str.strip()
    ascii_ = s.str.normalize("NFKD").str.encode("ascii", "ignore").str.decode("ascii")
    slugs = ascii_.str.casefold().str.replace(r"[^0-9a-z]+", "_", regex=True).str.strip("_")
    bad = ~slugs.str.fullmatch(r"[a-z][a-z0-9_]*")
    if bad.any():
        row = int(np.argmax(bad.to_numpy()))
        if fixed:
            raise ConfigError(
                f"{s.iloc[row]!r} makes no slug (letters, digits, '_', starting with a letter)",
                key=column,
            )
        raise InputError(
            "value makes no identifier",
            source=source,
            line=row + 2,
            key=column,
            got=s.iloc[row],
            expected="a name starting with a letter (it becomes a lower-case slug)",
        )
    return slugs.astype(object)
