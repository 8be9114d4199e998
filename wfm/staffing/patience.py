"""Patience estimation from history: mean time to abandon for Erlang A (``patience_s``).

A contact that waits either abandons (its patience is observed) or is answered first (its
patience is only known to exceed its wait: a censored observation). Under exponential
patience the maximum-likelihood estimate of the mean patience is the total time waited by
all queued contacts divided by the number of abandonments.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def patience_from_totals(total_wait_s: object, abandoned: object) -> np.ndarray:
    """Mean patience from the total time waited and the number of abandonments [s].

    Parameters
    ----------
    total_wait_s : array_like
        Time waited in queue by every contact that queued, answered or abandoned [s].
    abandoned : array_like
        Contacts that abandoned after queueing [contacts].

    Returns
    -------
    numpy.ndarray
        Σ waits / abandonments [s]; +inf where nobody abandoned (no finite patience is
        supported by the data).

    Notes
    -----
    With exponential patience of rate θ, an abandoned contact contributes θe^{−θw} to the
    likelihood and an answered one e^{−θw}; the log-likelihood d·ln θ − θ·Σw is maximal at
    θ̂ = d / Σw, so patience = 1/θ̂ = Σw / d [1]_. Its standard error is about
    patience / √d.

    References
    ----------
    .. [1] L. Brown, N. Gans, A. Mandelbaum, A. Sakov, H. Shen, S. Zeltyn, L. Zhao,
       "Statistical analysis of a telephone call center: a queueing-science perspective,"
       J. Amer. Statist. Assoc., 100(469), pp. 36–50, 2005.

    Examples
    --------
    >>> float(patience_from_totals(36_000.0, 120))
    300.0
    """
    w = np.asarray(total_wait_s, dtype=np.float64)
    d = np.asarray(abandoned, dtype=np.float64)
    if np.any(w < 0) or np.any(d < 0):
        raise ValueError("total_wait_s and abandoned must be ≥ 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(d > 0, w / np.where(d > 0, d, 1.0), np.inf)


def estimate_patience(waits: pd.DataFrame, *, by: str | list[str] | None = None) -> pd.DataFrame:
    """Mean patience per group from a table of queued contacts.

    Parameters
    ----------
    waits : pandas.DataFrame
        One row per contact with ``queue_wait_s`` (time spent in queue, ≥ 0) and
        ``abandoned`` (bool: hung up before answer); contacts that never queued may be
        included with 0 wait (they add nothing).
    by : str or list of str, optional
        Grouping columns (e.g. ``"segment"``); one overall row when None.

    Returns
    -------
    pandas.DataFrame
        Group columns, then ``queued`` (contacts with a wait > 0), ``abandoned``,
        ``total_wait_s``, ``patience_s`` and ``patience_se_s`` (≈ patience / √abandoned;
        +inf patience where nobody abandoned).

    Notes
    -----
    patience = Σ queue_wait_s / Σ abandoned, the censored exponential maximum-likelihood
    estimate (:func:`patience_from_totals`).

    References
    ----------
    .. [1] L. Brown et al., J. Amer. Statist. Assoc., 100(469), 2005.

    Examples
    --------
    >>> t = pd.DataFrame({"queue_wait_s": [30.0, 90.0, 0.0, 60.0],
    ...                   "abandoned": [True, False, False, True]})
    >>> float(estimate_patience(t).patience_s[0])
    90.0
    """
    for col in ("queue_wait_s", "abandoned"):
        if col not in waits.columns:
            raise KeyError(f"waits needs a {col!r} column")
    keys = [by] if isinstance(by, str) else list(by or [])
    df = pd.DataFrame(
        {
            "queue_wait_s": waits["queue_wait_s"].astype(np.float64),
            "abandoned": waits["abandoned"].astype(bool).astype(np.int64),
            "queued": (waits["queue_wait_s"] > 0).astype(np.int64),
        }
    )
    for k in keys:
        df[k] = waits[k].to_numpy()
    if keys:
        agg = df.groupby(keys, sort=True)[["queued", "abandoned", "queue_wait_s"]].sum()
        agg = agg.reset_index()
    else:
        agg = df[["queued", "abandoned", "queue_wait_s"]].sum().to_frame().T
    agg = agg.rename(columns={"queue_wait_s": "total_wait_s"})
    agg["patience_s"] = patience_from_totals(agg["total_wait_s"], agg["abandoned"])
    with np.errstate(divide="ignore", invalid="ignore"):
        agg["patience_se_s"] = agg["patience_s"] / np.sqrt(agg["abandoned"].astype(float))
    agg[["queued", "abandoned"]] = agg[["queued", "abandoned"]].astype(np.int64)
    return agg.reset_index(drop=True)
