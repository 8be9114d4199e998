"""A read table's series and interval grid checked against the scenario.

Series keys (channel, segment, site) must be ones the scenario knows, with each channel one
its segment uses; a history's timestamps must lie on the plan's interval grid, with no hole
inside a local day of a series (in the zone of the row's site). Errors name the line.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from wfm.core.config import Scenario
from wfm.core.errors import InputError


def check_series_keys(df: pd.DataFrame, scenario: Scenario, *, source: str) -> None:
    """Raise on unknown channels, segments or sites, or a channel the segment may not use."""
    checks: list[tuple[str, Mapping[str, object]]] = [
        ("channel", scenario.channels),
        ("segment", scenario.segments),
    ]
    if "site" in df.columns:
        checks.append(("site", scenario.sites))
    for col, known in checks:
        bad = ~df[col].isin(list(known)).to_numpy()
        if bad.any():
            row = int(np.argmax(bad))
            raise InputError(
                f"unknown {col} {df[col].iloc[row]!r}",
                source=source,
                line=row + 2,
                key=col,
                expected="one of " + ", ".join(sorted(known)),
            )
    allowed = {(ch, seg.name) for seg in scenario.segments.values() for ch in seg.channels}
    pairs = list(zip(df["channel"], df["segment"], strict=True))
    bad = np.array([p not in allowed for p in pairs], dtype=bool)
    if bad.any():
        row = int(np.argmax(bad))
        ch, seg = pairs[row]
        raise InputError(
            f"segment {seg!r} does not use channel {ch!r}",
            source=source,
            line=row + 2,
            key="channel",
            expected=f"one of {', '.join(scenario.segments[seg].channels)} "
            f"(segments.{seg}.channels)",
        )


def history_day_tz(df: pd.DataFrame, scenario: Scenario) -> np.ndarray:
    """Time zone whose local days each history row belongs to: its site's, or the home
    site's for rows without a site (the site the forecast gives them)."""
    home = scenario.sites[scenario.home_site()].tz
    if "site" not in df.columns:
        return np.full(len(df), home, dtype=object)
    tzs = {name: site.tz for name, site in scenario.sites.items()}
    return df["site"].map(tzs).fillna(home).to_numpy(dtype=object)


def check_history_grid(
    df: pd.DataFrame, interval_min: int, *, source: str, day_tz: str | np.ndarray = "UTC"
) -> None:
    """Raise when a timestamp is off the interval grid or a local day of a series has a hole.

    Whole days may be missing (an outage, a closed day: the forecast treats them as gaps and
    keeps the weekly phase from the real timestamps); an interval missing between the first
    and last rows of a local day of a series is an export error. ``day_tz`` is the IANA
    zone of those days, one for all rows or one per row (``history_day_tz``): a hole at
    UTC midnight lies inside a Paris day.
    """
    ts = df["interval_start"]
    step_ns = interval_min * 60 * 1_000_000_000
    off = (ts.astype("int64").to_numpy() % step_ns) != 0
    if off.any():
        row = int(np.argmax(off))
        raise InputError(
            f"{ts.iloc[row].isoformat()} is off the {interval_min}-minute grid",
            source=source,
            line=row + 2,
            key="interval_start",
            expected=f"interval starts on multiples of {interval_min} minutes in UTC, the "
            "plan's grid for every site (a +05:30 site at 60 minutes starts its intervals "
            "at hh:30 local)",
        )
    keys = [k for k in ("channel", "segment", "site") if k in df.columns]
    tzs = np.full(len(df), day_tz, dtype=object) if isinstance(day_tz, str) else day_tz
    day = np.empty(len(df), dtype="datetime64[ns]")
    for tz in pd.unique(tzs):
        at = tzs == tz
        day[at] = ts[at].dt.tz_convert(tz).dt.tz_localize(None).dt.floor("D").to_numpy()
    work = pd.DataFrame({"t": ts.astype("int64").to_numpy() // step_ns, "day": day})
    for k in keys:
        work[k] = df[k].to_numpy()
    g = work.groupby(keys + ["day"], sort=False)["t"]
    span = g.max() - g.min() + 1
    holes = span[span != g.count()]
    if not len(holes):
        return
    key = holes.index[0]
    part = work.set_index(keys + ["day"]).loc[[key], "t"]
    have = set(np.asarray(part).tolist())
    first_missing = next(t for t in range(min(have), max(have) + 1) if t not in have)
    when = pd.Timestamp(first_missing * step_ns, tz="UTC")
    series = ", ".join(f"{k}={v}" for k, v in zip(keys, key[:-1], strict=True))
    in_series = (work[keys] == pd.Series(dict(zip(keys, key[:-1], strict=True)))).all(axis=1)
    before = int(np.argmax((in_series & (work["t"] == first_missing - 1)).to_numpy()))
    tz = tzs[before]
    local = when.tz_convert(tz)
    raise InputError(
        f"missing interval {when.isoformat()} ({local:%H:%M} in {tz}) for {series}: the "
        f"local day {local.date()} has rows before and after it (this row is the last "
        "before the hole)",
        source=source,
        line=before + 2,
        key="interval_start",
        expected="one row per interval inside each local day of data (write 0 for no contacts)",
    )
