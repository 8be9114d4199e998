"""AI capacity: concurrent AI sessions per channel and the share of offered contacts they take."""

from __future__ import annotations

import numpy as np


def session_hold_s(
    containment_rate: np.ndarray | float,
    ai_aht_s: np.ndarray | float,
    escalation_delay_s: np.ndarray | float,
) -> np.ndarray:
    """Mean time one AI-handled contact holds an AI session.

    Parameters
    ----------
    containment_rate : array_like
        Share of AI-handled contacts the AI resolves.
    ai_aht_s : array_like
        Session length of a contained contact [s].
    escalation_delay_s : array_like
        Session length of an escalated contact (time with the AI before a person) [s].

    Returns
    -------
    numpy.ndarray
        h = c · AHT_AI + (1 − c) · d [s].

    Examples
    --------
    >>> float(session_hold_s(0.25, 150.0, 60.0))
    82.5
    """
    c = np.asarray(containment_rate, dtype=float)
    return c * np.asarray(ai_aht_s, dtype=float) + (1.0 - c) * np.asarray(
        escalation_delay_s, dtype=float
    )


def accepted_rate(load_s: np.ndarray, capacity_s: np.ndarray | float) -> np.ndarray:
    """Share of the contacts offered to AI that its sessions can take in an interval.

    Parameters
    ----------
    load_s : array_like
        Session time the offered contacts would need, Σ offered · h [s].
    capacity_s : array_like
        Session time available, max_sessions × interval length [s].

    Returns
    -------
    numpy.ndarray
        min(1, capacity / load), 1 where nothing is offered.

    Notes
    -----
    By Little's law [1]_ the mean number of busy sessions in an interval of length τ is
    λ·h = load / τ, so the contacts fit while load ≤ max_sessions · τ. Above it, every
    contact offered to AI in the interval is accepted with the same probability (the rest are
    blocked and go to a person), so the accepted load equals the capacity exactly. This is a
    mean-load bound: it ignores the blocking an Erlang B loss system shows below its limit,
    which is small when sessions are counted in tens or hundreds.

    References
    ----------
    .. [1] J. D. C. Little, "A proof for the queuing formula L = λW," Operations Research,
       9(3), 383–387, 1961.

    Examples
    --------
    >>> accepted_rate(np.array([0.0, 50.0, 200.0]), 100.0).tolist()
    [1.0, 1.0, 0.5]
    """
    load = np.asarray(load_s, dtype=float)
    cap = np.broadcast_to(np.asarray(capacity_s, dtype=float), load.shape)
    out = np.ones_like(load)
    over = load > cap
    out[over] = cap[over] / load[over]
    return out
