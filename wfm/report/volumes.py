"""Queue volumes: plan tables → contacts, handled contacts and handle time per queue.

The WFM suites import volumes per queue and interval, where our tables count contacts per
channel and segment. A queue is one of the scenario's skills; a split exports its human
part (what agents answer). Also the interval arithmetic and channel filtering the suites'
layouts share.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np
import pandas as pd

from wfm.core.config import Scenario
from wfm.core.errors import ConfigError, InputError

VolumeSource = Literal["split", "forecast", "history"]

# our value columns per source table: (contacts, aht_s)
_VOLUME_COLUMNS: dict[str, tuple[str, str]] = {
    "split": ("human_contacts", "human_aht_s"),
    "forecast": ("contacts", "aht_s"),
    "history": ("contacts", "aht_s"),
}


def require_columns(df: pd.DataFrame, columns: tuple[str, ...], source: str) -> None:
    """Refuse (InputError naming ``source``) a table without every one of ``columns``."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(
            f"missing column {missing[0]!r}",
            source=source,
            line=1,
            expected="columns " + ", ".join(columns),
        )


def queue_volumes(
    table: pd.DataFrame, scenario: Scenario, source: VolumeSource = "split"
) -> pd.DataFrame:
    """Contacts per interval and queue, where a queue is one of the scenario's skills.

    Parameters
    ----------
    table : pandas.DataFrame
        A split (human part), forecast or history table keyed by ``interval_start``,
        ``channel``, ``segment`` (and optionally ``site``).
    scenario : Scenario
        Maps (channel, segment) to a skill and a skill to its language.
    source : {"split", "forecast", "history"}
        Which table ``table`` is; a split exports its human contacts and human AHT.

    Returns
    -------
    pandas.DataFrame
        ``interval_start``, ``queue``, ``channel``, ``language``, ``contacts``, ``handled``
        (contacts less abandoned, when the table has ``abandoned``), ``handle_time_s``
        (handled × AHT) [s]; summed over segments of a skill and over sites.

    Raises
    ------
    InputError
        A needed column is missing, or a row with handled contacts has no AHT.
    """
    if source not in _VOLUME_COLUMNS:
        raise ConfigError(
            f"must be one of {', '.join(_VOLUME_COLUMNS)}; got {source!r}", key="source"
        )
    contacts_col, aht_col = _VOLUME_COLUMNS[source]
    require_columns(table, ("interval_start", "channel", "segment", contacts_col, aht_col), source)
    contacts = table[contacts_col].to_numpy(dtype=float)
    abandoned = (
        table["abandoned"].to_numpy(dtype=float)
        if "abandoned" in table.columns
        else np.zeros(len(table))
    )
    handled = np.clip(contacts - abandoned, 0.0, None)
    aht = table[aht_col].to_numpy(dtype=float)
    unknown = np.isnan(aht) & (handled > 0)
    if unknown.any():
        row = int(np.argmax(unknown))
        raise InputError(
            "handled contacts without an AHT",
            source=source,
            line=row + 2,
            key=aht_col,
            expected="an AHT in seconds wherever contacts > 0",
        )
    pairs = {
        (c, s): scenario.skill_for(c, s)
        for c, s in set(zip(table["channel"], table["segment"], strict=True))
    }
    work = pd.DataFrame(
        {
            "interval_start": table["interval_start"].to_numpy(),
            "queue": [
                pairs[(c, s)] for c, s in zip(table["channel"], table["segment"], strict=True)
            ],
            "channel": table["channel"].to_numpy(),
            "contacts": contacts,
            "handled": handled,
            "handle_time_s": np.where(handled > 0, handled * np.nan_to_num(aht), 0.0),
        }
    )
    work["interval_start"] = pd.to_datetime(work["interval_start"], utc=True)
    out = work.groupby(["interval_start", "queue", "channel"], as_index=False, sort=True)[
        ["contacts", "handled", "handle_time_s"]
    ].sum()
    out.insert(
        3,
        "language",
        [scenario.skills[q].language if q in scenario.skills else "" for q in out["queue"]],
    )
    return out


def split_intervals(vol: pd.DataFrame, interval_min: int, step_min: int) -> pd.DataFrame:
    """Spread each interval evenly over sub-intervals of ``step_min`` minutes."""
    if interval_min == step_min:
        return vol
    if interval_min % step_min:
        raise ConfigError(
            f"cannot split {interval_min}-minute intervals into {step_min}-minute ones",
            key="interval_min",
        )
    k = interval_min // step_min
    parts = []
    for i in range(k):
        part = vol.copy()
        part["interval_start"] = part["interval_start"] + pd.Timedelta(minutes=i * step_min)
        for col in ("contacts", "handled", "handle_time_s"):
            part[col] = part[col] / k
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def keep_mapped(
    vol: pd.DataFrame, mapping: Mapping[str, str], product: str
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """The rows of channels ``mapping`` knows, and notes naming the channels left out."""
    known = vol["channel"].isin(list(mapping))
    dropped = sorted(set(vol.loc[~known, "channel"]))
    notes = tuple(
        f"channel {ch!r} left out: {product} has no matching channel type "
        f"({vol.loc[vol['channel'] == ch, 'contacts'].sum():.1f} contacts)"
        for ch in dropped
    )
    return vol[known].reset_index(drop=True), notes


def largest_remainder(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Whole numbers that keep each group's rounded total (largest-remainder rounding).

    Within each group every value is rounded down, then the units that the rounded group
    total still needs go, one each, to the values with the largest fractional parts (ties:
    the earlier row). The integers of a group therefore sum to the group total rounded half
    up, and no value moves by a whole unit or more.

    Parameters
    ----------
    values : numpy.ndarray
        Non-negative amounts (contacts, seconds).
    groups : numpy.ndarray
        Group label of each value (e.g. queue and local day); any hashable values.

    Returns
    -------
    numpy.ndarray of int64
        Same order as ``values``.

    Examples
    --------
    >>> largest_remainder(np.array([0.4, 0.4, 0.4]), np.array([1, 1, 1])).tolist()
    [1, 0, 0]
    """
    x = np.clip(np.asarray(values, dtype=float), 0.0, None)
    out = np.floor(x).astype(np.int64)
    frac = x - out
    codes = pd.factorize(pd.Series(list(groups), dtype=object))[0] if len(x) else np.array([])
    for g in np.unique(codes):
        idx = np.flatnonzero(codes == g)
        need = int(np.floor(x[idx].sum() + 0.5 + 1e-9)) - int(out[idx].sum())
        if need > 0:
            order = idx[np.argsort(-frac[idx], kind="stable")]
            out[order[:need]] += 1
    return out


def local_days(times: pd.Series, tz: str) -> pd.Series:
    """Local calendar day (``YYYY-MM-DD``) of each UTC time in zone ``tz``."""
    return pd.to_datetime(times, utc=True).dt.tz_convert(tz).dt.strftime("%Y-%m-%d")
