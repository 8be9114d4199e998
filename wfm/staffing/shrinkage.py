"""Net (on-queue) ↔ gross (paid) agents.

Shrinkage here is the share of paid time lost to absence, training, coaching, meetings and
other time off queue that the scheduler does not place itself. Breaks are placed by the
scheduler inside each shift (``ShiftRules.breaks``), so they are not part of this rate;
counting them here too would staff them twice.
"""

from __future__ import annotations

import numpy as np


def gross_agents(agents_required: object, shrinkage_rate: object) -> np.ndarray:
    """Paid agents needed so that ``agents_required`` are on queue after shrinkage.

    Parameters
    ----------
    agents_required : array_like
        Productive agents on queue (net) [agents].
    shrinkage_rate : array_like
        Share of paid time off queue, in [0, 1).

    Returns
    -------
    numpy.ndarray of float
        N / (1 − s), kept fractional so that the scheduler can add the needs of several
        queues before rounding (ceilings per queue would compound).

    Notes
    -----
    A paid agent is on queue a share (1 − s) of the time, so N on-queue agents need
    N / (1 − s) paid agents on average [1]_.

    References
    ----------
    .. [1] N. Gans, G. Koole, A. Mandelbaum, Manuf. Serv. Oper. Manag., 5(2), 2003, §4.

    Examples
    --------
    >>> float(gross_agents(14, 0.3))
    20.0
    """
    n = np.asarray(agents_required, dtype=np.float64)
    s = np.asarray(shrinkage_rate, dtype=np.float64)
    if np.any((s < 0.0) | (s >= 1.0)) or np.any(np.isnan(s)):
        raise ValueError("shrinkage_rate must be in [0, 1)")
    if np.any(n < 0.0):
        raise ValueError("agents_required must be ≥ 0")
    return n / (1.0 - s)


def net_agents(agents_gross: object, shrinkage_rate: object) -> np.ndarray:
    """On-queue agents available from paid agents: N_gross · (1 − s) [agents].

    Examples
    --------
    >>> float(net_agents(20.0, 0.3))
    14.0
    """
    g = np.asarray(agents_gross, dtype=np.float64)
    s = np.asarray(shrinkage_rate, dtype=np.float64)
    if np.any((s < 0.0) | (s >= 1.0)) or np.any(np.isnan(s)):
        raise ValueError("shrinkage_rate must be in [0, 1)")
    return g * (1.0 - s)
