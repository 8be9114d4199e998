"""Daily arrival cycles of the synthetic history: relative weight of each time of day.

A profile maps the local time of day (hours after midnight, the middle of an interval) to a
non-negative weight; ``wfm.sample.history`` normalises the weights over each local day, so
only their shape matters. Profiles are chosen per channel by name through ``PROFILES``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Profile = Callable[[np.ndarray], np.ndarray]


def _bump(hour: np.ndarray, centre_h: float, width_h: float) -> np.ndarray:
    return np.exp(-0.5 * ((hour - centre_h) / width_h) ** 2)


def office_profile(hour: np.ndarray) -> np.ndarray:
    """Weight of contacts that arrive while a site is open (voice, callback, chat).

    Parameters
    ----------
    hour : numpy.ndarray
        Local time of day [h], in [0, 24).

    Returns
    -------
    numpy.ndarray
        w(h) = 0.25 + b(h; 10.5, 1.3) + 0.8 · b(h; 14.5, 1.4) + 0.3 · b(h; 18, 1.5), with
        b(h; c, s) = exp(−(h − c)² / 2s²): a late-morning peak, a slightly lower
        mid-afternoon peak and an early-evening shoulder.

    Notes
    -----
    The two-peaked weekday shape is the one reported for telephone call centres in [1]_
    (arrivals climb from the opening, peak around 10–11 h, dip at lunch and peak again in
    the afternoon). The parameters are illustrative, not fitted.

    References
    ----------
    .. [1] L. Brown, N. Gans, A. Mandelbaum, A. Sakov, H. Shen, S. Zeltyn, L. Zhao,
       "Statistical analysis of a telephone call center: a queueing-science perspective,"
       J. Amer. Statist. Assoc., 100(469), pp. 36–50, 2005.

    Examples
    --------
    >>> w = office_profile(np.array([7.0, 10.5, 13.0, 14.5]))
    >>> bool(w[1] > w[3] > w[2] > w[0])
    True
    """
    hour = np.asarray(hour, dtype=float)
    return 0.25 + _bump(hour, 10.5, 1.3) + 0.8 * _bump(hour, 14.5, 1.4) + 0.3 * _bump(hour, 18, 1.5)


def around_the_clock_profile(hour: np.ndarray) -> np.ndarray:
    """Weight of contacts that arrive day and night (email, messaging).

    Parameters
    ----------
    hour : numpy.ndarray
        Local time of day [h], in [0, 24).

    Returns
    -------
    numpy.ndarray
        w(h) = 0.08 + b(h; 11, 2.5) + 0.7 · b(h; 15, 2.5) + 0.9 · b(h; 20.5, 2) (b as in
        :func:`office_profile`): a floor of night-time contacts, a working-day plateau and
        an evening peak when customers write from home.

    Notes
    -----
    Written channels are sent at any hour but still follow the customers' day; the evening
    peak of messaging is the main difference from the office profile. Illustrative
    parameters.

    References
    ----------
    .. [1] G. Koole, *Call Center Optimization*, MG books, Amsterdam, 2013, ch. 2 (arrival
       patterns of multichannel contact centres).

    Examples
    --------
    >>> w = around_the_clock_profile(np.array([4.0, 11.0, 20.5]))
    >>> bool(w[0] < 0.15 and w[1] > 0.9 and w[2] > 0.9)
    True
    """
    hour = np.asarray(hour, dtype=float)
    return 0.08 + _bump(hour, 11, 2.5) + 0.7 * _bump(hour, 15, 2.5) + 0.9 * _bump(hour, 20.5, 2)


PROFILES: dict[str, Profile] = {
    "office": office_profile,
    "around_the_clock": around_the_clock_profile,
}
"""Daily cycles by the names allowed in ``sample.pattern``."""
