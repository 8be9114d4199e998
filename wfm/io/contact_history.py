"""Classified contacts → the interval history (the HISTORY contract).

``history_from_contacts`` rolls the contacts :func:`wfm.io.contacts.read_contacts` classified
up into offered contacts, abandons and AHT per interval of every local day the log covers,
leaving out a first or last day the log was cut inside (``partial_end_days``) and refusing a
log whose days lie too far apart (a mistyped date); ``contact_totals`` counts the contacts of
each outcome per series.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from wfm.core.calendar import local_midnight_utc
from wfm.core.checks import check_choice, check_positive
from wfm.core.errors import InputError
from wfm.core.schemas import HISTORY, order_table
from wfm.core.units import ALLOWED_INTERVAL_MIN
from wfm.io.contacts import OUTCOMES, check_tz

MAX_GAP_DAYS = 31
"""Longest run of days without any contact between two days with contacts [days]: a
longer one is a mistyped date (or two logs pasted together), which would fill the history
with zero days."""


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
        Output of :func:`~wfm.io.contacts.read_contacts` (``arrival_start``, ``channel``,
        ``segment``, optional ``site``, ``outcome``, ``handle_s``, ``line``).
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
    check_tz(day_tz, "day_tz")
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
    grid = _local_days_grid(min(local_days), max(local_days), day_tz, freq)
    cut = partial_end_days(arrivals, day_tz)
    if cut:
        grid = grid[~pd.Index(grid.tz_convert(day_tz).date).isin(cut)]
        day_of = pd.Series(local_days, index=contacts.index)
        offered = offered[~day_of.loc[offered.index].isin(cut).to_numpy()]
    out = _roll_up(offered, keys, grid, freq, with_aht)
    out.attrs["partial_days_dropped"] = [d.isoformat() for d in cut]
    return out


def _local_days_grid(first: dt.date, last: dt.date, day_tz: str, freq: str) -> pd.DatetimeIndex:
    """Interval starts (UTC, every ``freq``) covering the local days ``first`` to ``last``
    of ``day_tz``, both included."""
    return pd.date_range(
        local_midnight_utc(first, day_tz).floor(freq),
        local_midnight_utc(last + dt.timedelta(days=1), day_tz).ceil(freq),
        freq=freq,
        inclusive="left",
        name="interval_start",
    ).as_unit("ns")


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
