"""Validation helpers for configuration dataclasses, and the checks of a table against
the scenario it is planned with.

Configuration messages name the field, the allowed interval in ``[a, b)`` notation and the
value, so that the scenario loader only has to prefix the key path. Table checks raise
:class:`InputError` naming the file, the CSV line (row index + 2) and what was expected.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from wfm.core.errors import ConfigError, InputError, raise_at_first

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

if TYPE_CHECKING:
    from wfm.core.config import Scenario


def check_rate(name: str, value: float, *, low_open: bool = False, high_open: bool = False) -> None:
    """Raise unless ``value`` is a fraction in [0, 1] (ends open as asked)."""
    lo = "(" if low_open else "["
    hi = ")" if high_open else "]"
    ok = (value > 0 if low_open else value >= 0) and (value < 1 if high_open else value <= 1)
    if not ok or math.isnan(value):
        raise ConfigError(f"must be a fraction in {lo}0, 1{hi}; got {value}", key=name)


def check_positive(
    name: str, value: float, *, allow_zero: bool = False, most: float | None = None
) -> None:
    """Raise unless ``value`` > 0 (or ≥ 0 with ``allow_zero``), finite, and at most
    ``most`` when given (a bound past which a plan is absurd or a solve cannot end)."""
    bad = (value < 0) if allow_zero else (value <= 0)
    if bad or math.isnan(value) or math.isinf(value):
        interval = "[0, ∞)" if allow_zero else "(0, ∞)"
        raise ConfigError(f"must be in {interval}; got {value}", key=name)
    if most is not None and value > most:
        raise ConfigError(f"must be at most {most:,g}; got {value:,g}", key=name)


MAX_COST = 1e6
"""Largest cost per hour, contact or escalation a scenario may give [currency]: far above
any wage or penalty, and below what makes a solver's arithmetic fail (1e308 per hour ended
the schedule's LP ABNORMAL)."""
MAX_FACTOR = 10.0
"""Largest handle-time factor (escalation, concurrency, service-time spread)."""
MAX_SHRINKAGE_RATE = 0.9
"""Largest shrinkage: above it less than a tenth of paid time is on queue, and the paid
agents (on-queue / (1 − rate)) leave every bound a plan's tables hold (0.999999 gave
77 million paid agents in an interval)."""


def check_shrinkage(name: str, value: float) -> None:
    """Raise unless ``value`` is a shrinkage rate in [0, ``MAX_SHRINKAGE_RATE``]."""
    check_rate(name, value, high_open=True)
    if value > MAX_SHRINKAGE_RATE:
        raise ConfigError(
            f"must be at most {MAX_SHRINKAGE_RATE:g} (then under a tenth of paid time is on "
            f"queue); got {value}",
            key=name,
        )


def check_between(name: str, value: int, low: int, high: int, *, high_open: bool = False) -> None:
    """Raise unless the whole number ``value`` lies in [low, high] (or [low, high))."""
    bad = value < low or (value >= high if high_open else value > high)
    if bad:
        interval = f"[{low}, {high})" if high_open else f"[{low}, {high}]"
        raise ConfigError(f"must be in {interval}; got {value}", key=name)


def check_choice(name: str, value: object, choices: Iterable[object]) -> None:
    """Raise unless ``value`` is one of ``choices``."""
    options = list(choices)
    if value not in options:
        raise ConfigError(f"must be one of {', '.join(map(str, options))}; got {value!r}", key=name)


def check_known(name: str, values: Iterable[str], known: Iterable[str], what: str) -> None:
    """Raise unless every name in ``values`` is among ``known`` (e.g. channels of a segment)."""
    known_set = set(known)
    for v in values:
        if v not in known_set:
            raise ConfigError(
                f"unknown {what} {v!r}; known {what}s: {', '.join(sorted(known_set)) or 'none'}",
                key=name,
            )


def check_slug(name: str, value: str) -> None:
    """Identifiers are lower-case slugs: letters, digits and underscores, starting with a letter."""
    if (
        not value
        or not value[0].isalpha()
        or not all(c.isalnum() or c == "_" for c in value)
        or value != value.lower()
    ):
        raise ConfigError(
            "must be a lower-case slug (letters, digits, '_', starting with a letter); "
            f"got {value!r}",
            key=name,
        )


def check_hhmm(name: str, value: str) -> int:
    """Parse ``HH:MM`` (00:00–24:00) into minutes after midnight; raise with the key if bad."""
    try:
        hh, mm = value.split(":")
        minutes = int(hh) * 60 + int(mm)
        if len(mm) != 2 or not 0 <= int(mm) < 60 or not 0 <= minutes <= 1440:
            raise ValueError
    except (ValueError, AttributeError):
        raise ConfigError(
            f"must be a time HH:MM between 00:00 and 24:00; got {value!r}", key=name
        ) from None
    return minutes


def hhmm_minutes(text: object) -> int | None:
    """``HH:MM`` (00:00–24:00) → minutes after midnight by :func:`check_hhmm`; None when
    ``text`` is not such a time."""
    try:
        return check_hhmm("time", str(text))
    except ConfigError:
        return None


def is_hhmm(text: object) -> bool:
    """True when ``text`` is a clock time ``HH:MM`` from 00:00 to 24:00."""
    return hhmm_minutes(text) is not None


def is_iso_date(text: object) -> bool:
    """True when ``text`` is a real calendar date written ``YYYY-MM-DD`` (spaces around
    allowed): ``2026-02-30`` and ``30/11/2026`` are not."""
    value = str(text).strip()
    if not _ISO_DATE.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def check_date_column(values: pd.Series, *, source: str, key: str) -> None:
    """Raise at the first value of a table column that is not a date ``YYYY-MM-DD``
    (:func:`is_iso_date`), naming the file, line and column."""
    raise_at_first(
        ~values.astype(str).map(is_iso_date),
        "not a date",
        source=source,
        key=key,
        got=values,
        expected="a date YYYY-MM-DD",
    )


def check_clock_column(values: pd.Series, *, source: str, key: str) -> None:
    """Raise at the first value of a table column that is not a clock time ``HH:MM``
    (:func:`is_hhmm`), naming the file, line and column."""
    raise_at_first(
        ~values.astype(str).map(is_hhmm),
        "not a clock time",
        source=source,
        key=key,
        got=values,
        expected="HH:MM between 00:00 and 24:00",
    )


def check_requirements(df: pd.DataFrame, scenario: Scenario, *, source: str) -> None:
    """Raise unless a REQUIREMENTS table fits the scenario it is scheduled with.

    Every row names a site and a skill of the scenario, lies on the interval grid of the
    table (``interval_min`` steps from its first row) and within the scenario's horizon:
    first to last row at most ``horizon_days`` days apart, plus the spread of the sites'
    UTC offsets (each site's local days) and an hour for a DST change.

    Parameters
    ----------
    df : pandas.DataFrame
        Requirements in file order (the line of row ``i`` is ``i + 2``).
    scenario : Scenario
        Sites, skills, ``interval_min`` and ``horizon_days``.
    source : str
        File name for the messages.
    """
    known = {"site": sorted(scenario.sites), "skill": sorted(scenario.skill_names())}
    for col, names in known.items():
        bad = ~df[col].isin(names).to_numpy()
        if bad.any():
            row = int(np.argmax(bad))
            raise InputError(
                f"unknown {col} {df[col].iloc[row]!r}",
                source=source,
                line=row + 2,
                key=col,
                expected=f"one of the scenario's {col}s: " + ", ".join(names),
            )
    if not len(df):
        return
    ts = df["interval_start"]
    first = ts.min()
    step = pd.Timedelta(minutes=scenario.interval_min)
    off = ((ts - first) % step != pd.Timedelta(0)).to_numpy()
    if off.any():
        row = int(np.argmax(off))
        raise InputError(
            f"{ts.iloc[row].isoformat()} is off the {scenario.interval_min}-minute grid",
            source=source,
            line=row + 2,
            key="interval_start",
            expected=f"interval starts every {scenario.interval_min} minutes from the first "
            f"row's {first.isoformat()} (interval_min of the scenario)",
        )
    offsets = [first.tz_convert(site.tz).utcoffset() for site in scenario.sites.values()]
    spread = max(offsets) - min(offsets) + pd.Timedelta(hours=1)
    allowed = pd.Timedelta(days=scenario.horizon_days) + spread
    if ts.max() + step - first > allowed:
        median = ts.median()
        far = ts.max() if ts.max() - median >= median - first else first
        row = int(np.argmax((ts == far).to_numpy()))
        days = (ts.max() + step - first) / pd.Timedelta(days=1)
        raise InputError(
            f"{far.isoformat()} spreads the rows over {days:.1f} days, beyond the "
            f"scenario's horizon of {scenario.horizon_days} days",
            source=source,
            line=row + 2,
            key="interval_start",
            expected=f"rows within horizon_days = {scenario.horizon_days} days of each other "
            "(check this row's date, or raise horizon_days in the scenario)",
        )
    _check_complete(df, step, {n: site.tz for n, site in scenario.sites.items()}, source)


def _check_complete(
    df: pd.DataFrame, step: pd.Timedelta, zones: dict[str, str], source: str
) -> None:
    """Raise where a (site, skill) of a REQUIREMENTS table lacks a row inside one of its
    site-local days, between the day's first and last rows: the scheduler would read the
    missing interval as needing no agent (a deleted row of 17 agents was planned at 0). A
    table of another tool that lists only the open hours, some days or some skills is
    complete."""
    ts = pd.DatetimeIndex(df["interval_start"])
    day = np.empty(len(df), dtype=object)
    for site, rows in df.groupby("site", sort=False).indices.items():
        day[rows] = ts[rows].tz_convert(zones[site]).date
    step_ns = step.value
    work = pd.DataFrame(
        {
            "site": df["site"].to_numpy(),
            "skill": df["skill"].to_numpy(),
            "day": day,
            "t": ts.asi8 // step_ns,
        }  # fmt: skip
    )
    g = work.groupby(["site", "skill", "day"], sort=True)["t"]
    span = g.max() - g.min() + 1
    holes = span[span != g.nunique()]
    if holes.empty:
        return
    site, skill, local_day = holes.index[0]
    at = (work["site"] == site) & (work["skill"] == skill) & (work["day"] == local_day)
    have = ts[at.to_numpy()].unique()
    grid = pd.date_range(have.min(), have.max(), freq=step)
    missing = grid.difference(have)
    raise InputError(
        f"no row for site {site!r}, skill {skill!r} at {missing[0].isoformat()}",
        source=source,
        key="interval_start",
        expected=f"a row in every interval of the site's day {local_day} from "
        f"{have.min().isoformat()} to {have.max().isoformat()} (agents_required 0 "
        "where none is needed)",
    )
