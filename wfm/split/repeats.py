"""Repeat contacts: contacts not resolved at first contact come back on later days."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def repeat_arrivals(
    unresolved: np.ndarray, repeat_delay_profile_rate: Sequence[float], intervals_per_day: int
) -> np.ndarray:
    """Repeat contacts arriving in each interval from the unresolved contacts of earlier days.

    Parameters
    ----------
    unresolved : numpy.ndarray, shape (series, intervals)
        Contacts not resolved at first contact, by interval of their first contact.
    repeat_delay_profile_rate : sequence of float
        Share p_d of unresolved contacts that come back d = 1, 2, … days later.
    intervals_per_day : int
        Intervals in 24 hours [intervals].

    Returns
    -------
    numpy.ndarray, same shape
        R[:, t] = Σ_d p_d · U[:, t − d·n], n = ``intervals_per_day``, with positions taken
        modulo the horizon length.

    Notes
    -----
    A repeat comes back on the same channel and segment at the same time of day (UTC) d days
    later. The horizon is treated as cyclic: repeats of its last days arrive on its first
    days, standing for the repeats that the days before the horizon send, so a one-week
    horizon gives the steady-state weekly volume. Unresolved contacts that return are the
    "return calls" of call-centre models [1]_.

    References
    ----------
    .. [1] N. Gans, G. Koole, A. Mandelbaum, "Telephone call centers: tutorial, review, and
       research prospects," Manuf. Serv. Oper. Manag., 5(2), 79–141, 2003.

    Examples
    --------
    >>> repeat_arrivals(np.array([[10.0, 0.0, 0.0, 0.0]]), [0.5, 0.25], 1).tolist()
    [[0.0, 5.0, 2.5, 0.0]]
    """
    u = np.asarray(unresolved, dtype=float)
    out = np.zeros_like(u)
    if u.shape[-1] == 0:
        return out
    for d, share in enumerate(repeat_delay_profile_rate, start=1):
        if share > 0:
            out += share * np.roll(u, d * intervals_per_day, axis=-1)
    return out
