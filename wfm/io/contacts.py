"""Contact records (one row per contact, as an ACD or CRM exports them) → interval history.

A contact log names, for each contact, when it arrived, its channel (or queue) and segment,
how long it waited, how long it was handled and how it ended. ``read_contacts`` translates
the log's own column names and outcome codes into the project's vocabulary and classifies
every row; ``history_from_contacts`` rolls the classified contacts up into the HISTORY
table on the interval grid.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from wfm.core.calendar import local_midnight_utc
from wfm.core.checks import check_choice, check_positive
from wfm.core.errors import ConfigError, InputError, raise_at_first
from wfm.core.schemas import HISTORY, MAX_AHT_S, MAX_WAIT_S, order_table
from wfm.core.units import ALLOWED_INTERVAL_MIN
from wfm.io.tables import parse_times, read_csv_strings

OUTCOMES = ("answered", "abandoned", "not_offered", "ignored")
"""Classes of a contact row: answered by a person; abandoned after queueing; abandoned
before (or too soon after) joining the queue, so never offered to an agent; ignored by the
log's own codes (e.g. test or phantom calls)."""

_DURATION = "seconds (e.g. 95 or 95.5) or H:MM:SS"
MAX_GAP_DAYS = 31
"""Longest run of days without any contact between two days with contacts [days]: a
longer one is a mistyped date (or two logs pasted together), which would fill the history
with zero days."""
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
        _check_tz(source_tz, "source_tz")
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


def history_from_contacts(
    contacts: pd.DataFrame,
    interval_min: int,
    *,
    day_tz: str = "UTC",
    max_gap_days: int = MAX_GAP_DAYS,
    source: str = "contact log",
    arrival_column: str = "arrival_start",
) -> pd.DataFrame:
    """Roll classified contacts up into the interval history (the HISTORY contract).

    Parameters
    ----------
    contacts : pandas.DataFrame
        Output of :func:`read_contacts` (``arrival_start``, ``channel``, ``segment``,
        optional ``site``, ``outcome``, ``handle_s``, ``line``).
    interval_min : int
        Interval length: 15, 30 or 60 [min].
    day_tz : str
        IANA zone whose local days the history covers (the log's own zone).
    max_gap_days : int
        Longest run of local days without any contact between two days with contacts
        [days] (default ``MAX_GAP_DAYS``); a longer one is refused, naming the line.
    source, arrival_column : str
        Log file name and its arrival column, for the messages.

    Returns
    -------
    pandas.DataFrame
        ``interval_start`` (UTC), ``channel``, ``segment``, ``site`` (when present),
        ``contacts``, ``aht_s`` (when handle times were exported), ``abandoned``: every
        interval of every local day from the first to the last contact of the log, for
        every series with an offered contact, explicit zeros included.

    Raises
    ------
    InputError
        No contact was offered (answered or abandoned after queueing), or the contacts'
        days lie more than ``max_gap_days`` apart (a mistyped year would fill decades of
        zeros): the message names the line of the contact on the smaller side of the gap.

    Notes
    -----
    A contact belongs to the interval its arrival falls in, its arrival floored to
    ``interval_min`` in UTC. ``contacts`` counts the contacts offered to agents (answered +
    abandoned after queueing); ``not_offered`` and ``ignored`` rows are left out.
    ``aht_s`` = Σ handle_s / answered over the answered contacts of the interval (the
    contact-weighted mean), NaN where none was answered or every answered contact has a
    handle time of 0 s (the HISTORY contract wants aht_s > 0 where contacts were answered).
    The log's first and last days are left out when they are partial
    (:func:`partial_end_days`): a log cut mid-day would otherwise write the rest of its day
    as zeros, a quiet day no centre had.
    """
    check_choice("interval_min", interval_min, ALLOWED_INTERVAL_MIN)
    check_positive("max_gap_days", max_gap_days)
    _check_tz(day_tz, "day_tz")
    keys = [k for k in ("channel", "segment", "site") if k in contacts.columns]
    with_aht = "handle_s" in contacts.columns
    offered = contacts[contacts["outcome"].isin(["answered", "abandoned"])]
    freq = f"{interval_min}min"
    if len(offered) == 0:
        raise InputError(
            "no contact was offered to an agent (every row is ignored or not offered)",
            source=source,
            key="outcome",
            expected="answered or abandoned contacts (check the outcome codes given)",
        )
    _check_spread(contacts, day_tz, max_gap_days, source, arrival_column)
    arrivals = pd.DatetimeIndex(contacts["arrival_start"])
    local_days = arrivals.tz_convert(day_tz).date
    first, last = min(local_days), max(local_days)
    grid = pd.date_range(
        local_midnight_utc(first, day_tz).floor(freq),
        local_midnight_utc(last + dt.timedelta(days=1), day_tz).ceil(freq),
        freq=freq,
        inclusive="left",
        name="interval_start",
    ).as_unit("ns")
    cut = partial_end_days(arrivals, day_tz)
    if cut:
        grid = grid[~pd.Index(grid.tz_convert(day_tz).date).isin(cut)]
        day_of = pd.Series(local_days, index=contacts.index)
        offered = offered[~day_of.loc[offered.index].isin(cut).to_numpy()]
    out = _roll_up(offered, keys, grid, freq, with_aht)
    out.attrs["partial_days_dropped"] = [d.isoformat() for d in cut]
    return out


def _roll_up(
    offered: pd.DataFrame, keys: list[str], grid: pd.DatetimeIndex, freq: str, with_aht: bool
) -> pd.DataFrame:
    """The offered contacts summed per interval of ``grid`` and series (explicit zeros),
    with ``aht_s`` when ``with_aht``, as a HISTORY table."""
    work = pd.DataFrame(
        {
            "interval_start": offered["arrival_start"].dt.floor(freq).dt.as_unit("ns"),
            **{k: offered[k] for k in keys},
            "contacts": 1.0,
            "abandoned": (offered["outcome"] == "abandoned").astype(float),
            "answered": (offered["outcome"] == "answered").astype(float),
            "handle_s": offered["handle_s"].fillna(0.0) if with_aht else 0.0,
        }
    )
    sums = work.groupby(["interval_start", *keys], sort=False)[
        ["contacts", "abandoned", "answered", "handle_s"]
    ].sum()
    series = work[keys].drop_duplicates()
    full = pd.MultiIndex.from_frame(
        pd.merge(pd.DataFrame({"interval_start": grid}), series, how="cross")
    )
    sums = sums.reindex(full, fill_value=0.0)
    out = sums.reset_index()
    if with_aht:
        # no handle time recorded for the interval's answered contacts: unknown, not 0 s
        timed = (out["answered"] > 0) & (out["handle_s"] > 0)
        out["aht_s"] = (out["handle_s"] / out["answered"]).where(timed)
    return order_table(out.drop(columns=["answered", "handle_s"]), HISTORY)


def partial_end_days(arrivals: pd.DatetimeIndex, day_tz: str) -> list[dt.date]:
    """The log's first and last local days when the log was cut inside them.

    The last day is partial when the other days of its weekday in the log received, on
    average, at least 5 contacts after the time of day of its last arrival (a Poisson
    chance below 1 % of seeing none in a whole day); the first day likewise before its first
    arrival. Without another day of that weekday the day is kept.
    """
    local = arrivals.tz_convert(day_tz)
    minute = np.asarray(local.hour * 60 + local.minute)
    day = np.asarray(local.date)
    days = sorted(set(day))
    out = []
    for end, last in ((days[-1], True), (days[0], False)):
        same = [d for d in days if d != end and d.weekday() == end.weekday()]
        if len(days) < 3 or not same:
            continue
        own = minute[day == end]
        ref = np.isin(day, same)
        beyond = minute[ref] > own.max() if last else minute[ref] < own.min()
        if beyond.sum() / len(same) >= 5.0:
            out.append(end)
    return sorted(set(out))


def _check_spread(
    contacts: pd.DataFrame, day_tz: str, max_gap_days: int, source: str, column: str
) -> None:
    """Refuse contacts whose local days lie more than ``max_gap_days`` apart."""
    days = pd.DatetimeIndex(contacts["arrival_start"]).tz_convert(day_tz).tz_localize(None)
    day = np.asarray(days.floor("D"), dtype="datetime64[D]").astype(np.int64)
    unique = np.unique(day)
    gaps = np.diff(unique)
    if not len(gaps) or gaps.max() - 1 <= max_gap_days:
        return
    at = int(np.argmax(gaps))
    before = day <= unique[at]
    early = before.sum() <= (~before).sum()
    outlier = before if early else ~before
    nearest = np.datetime64(int(unique[at + 1] if early else unique[at]), "D")
    row = int(np.argmax(outlier))
    line = int(contacts["line"].iloc[row]) if "line" in contacts.columns else row + 2
    empty = int(gaps[at]) - 1
    if early:
        where = f"before {empty} days without any contact; the other contacts start on {nearest}"
    else:
        where = f"after {empty} days without any contact; the other contacts end on {nearest}"
    raise InputError(
        f"{int(outlier.sum())} contact(s) {where} (the history would fill the gap with zeros)",
        source=source,
        line=line,
        key=column,
        got=contacts["arrival_start"].iloc[row].isoformat(),
        expected=f"at most {max_gap_days} days without contacts between two days with "
        "contacts (check the date of this arrival, split the log, or raise --max-gap-days)",
    )


def contact_totals(contacts: pd.DataFrame) -> pd.DataFrame:
    """Contacts of each outcome per series, and a last row of totals.

    Returns
    -------
    pandas.DataFrame
        The series keys (``channel``, ``segment``, ``site`` when present; ``total`` and
        empty strings on the last row), then one count column per class of ``OUTCOMES``.
    """
    keys = [k for k in ("channel", "segment", "site") if k in contacts.columns]
    counts = contacts.groupby(keys + ["outcome"]).size().unstack("outcome", fill_value=0)
    counts = counts.reindex(columns=list(OUTCOMES), fill_value=0).astype("int64").reset_index()
    counts.columns.name = None
    total = {k: "" for k in keys} | {k: int(counts[k].sum()) for k in OUTCOMES}
    total[keys[0]] = "total"
    return pd.concat([counts, pd.DataFrame([total])], ignore_index=True)


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


def _check_tz(tz: str, key: str) -> None:
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
    clock = seconds.isna() & ~empty & s.str.fullmatch(r"\d+:\d{2}:\d{2}(\.\d+)?")
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
