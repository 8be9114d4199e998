"""Concurrent channels (chat, messaging): one agent serves up to ``max_concurrency`` contacts.

Model
-----
An agent is ``k = max_concurrency`` parallel slots. A conversation handled alongside others
takes longer, because the agent's attention is shared: the handle time of a conversation at
full concurrency is ``aht_s · (1 + concurrency_aht_factor · (k − 1))``. The queue of
conversations is then an M/M/(N·k) queue (Erlang C) or M/M/(N·k)+M queue (Erlang A) of
slots with that handle time, and N = ⌈slots / k⌉ agents. ``aht_s`` is the handle time of a
conversation handled alone.

Staffing on slots at full concurrency is conservative: at low load agents run fewer
conversations and each goes faster. The simulation stage checks the model.

References
----------
.. [1] T. Tezcan, J. Zhang, "Routing and staffing in customer service chat systems with
   impatient customers," Oper. Res., 62(4), pp. 854–873, 2014.
.. [2] G. Koole, *Call Center Optimization*, MG books, 2013, chapter on multichannel
   contact centres.
"""

from __future__ import annotations

import numpy as np


def slot_aht_s(
    aht_s: object, max_concurrency: object, concurrency_aht_factor: object
) -> np.ndarray:
    """Handle time of one conversation when an agent runs ``max_concurrency`` at once [s].

    Parameters
    ----------
    aht_s : array_like
        Handle time of a conversation handled alone [s].
    max_concurrency : array_like
        Conversations per agent, k ≥ 1 [contacts].
    concurrency_aht_factor : array_like
        Relative growth of handle time per extra simultaneous conversation, f ≥ 0.

    Returns
    -------
    numpy.ndarray
        AHT · (1 + f · (k − 1)) [s].

    Notes
    -----
    An agent's throughput at full concurrency is k / (AHT·(1 + f(k − 1))) conversations per
    second; it grows with k exactly when f < 1 (the stretch is less than proportional) [1]_.

    References
    ----------
    .. [1] T. Tezcan, J. Zhang, Oper. Res., 62(4), 2014.

    Examples
    --------
    >>> float(slot_aht_s(300.0, 3, 0.15))
    390.0
    """
    aht = np.asarray(aht_s, dtype=np.float64)
    k = np.asarray(max_concurrency, dtype=np.float64)
    f = np.asarray(concurrency_aht_factor, dtype=np.float64)
    if np.any(k < 1.0) or np.any(f < 0.0):
        raise ValueError("max_concurrency must be ≥ 1 and concurrency_aht_factor ≥ 0")
    return aht * (1.0 + f * (k - 1.0))


def agents_from_slots(slots: object, max_concurrency: object) -> np.ndarray:
    """Agents that provide ``slots`` conversation slots: ⌈slots / k⌉ [agents].

    Examples
    --------
    >>> agents_from_slots([0, 5, 6], 3).tolist()
    [0, 2, 2]
    """
    s = np.asarray(slots, dtype=np.int64)
    k = np.asarray(max_concurrency, dtype=np.int64)
    return -(-s // k)


def slots_of_agents(agents: object, max_concurrency: object) -> np.ndarray:
    """Conversation slots of ``agents`` agents: N · k [slots].

    Examples
    --------
    >>> slots_of_agents([2], 3).tolist()
    [6]
    """
    return np.asarray(agents, dtype=np.int64) * np.asarray(max_concurrency, dtype=np.int64)
