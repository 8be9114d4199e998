"""Queues of the event loop: live heads, lazy abandonment, the best contact and overflow.

A queued contact whose patience ran out is removed, and recorded as abandoned at its patience
deadline, the next time its queue is looked at (exact for FIFO queues, no abandonment events).
A freed agent picks the queued contact of its pool's lowest tier, then the lowest queue rank,
then the longest-waiting one; a contact that has waited ``overflow_wait_s`` may be answered by
another site's pools.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from wfm.simulate.floor import Floor
from wfm.simulate.network import ABANDONED, UNSERVED


def queue_heads(st: Floor) -> tuple[Callable[[int, bool], int], Callable]:
    """``head(q, over)``: live head of queue q; ``pick(p, chan)``: best queued contact."""
    queues, arr, pat, status, wait, ow, clock = (
        st.queues, st.arr, st.pat, st.status, st.wait, st.ow, st.clock
    )  # fmt: skip
    qchan, qrank, qdef, pool_q = st.qchan, st.qrank, st.qdef, st.pool_q
    capped, def_busy, cap_now = st.capped, st.def_busy, st.cap_now

    def head(q: int, over: bool) -> int:
        """Live head contact of queue q (abandoned heads removed), or −1."""
        dq = queues[q]
        now = clock[0]
        while dq:
            i = dq[0]
            if arr[i] + pat[i] <= now:
                dq.popleft()
                status[i] = ABANDONED
                wait[i] = max(pat[i], 0.0)
                continue
            if over and now - arr[i] < ow:  # type: ignore[operator]
                return -1
            return i
        return -1

    def pick(p: int, chan: int) -> tuple[int, int, float]:
        """Best queued contact for pool p (any channel if chan < 0): (contact, queue, prof)."""
        best = -1
        best_q = -1
        best_pr = 1.0
        best_key = (math.inf, math.inf, math.inf)
        held = capped and chan < 0 and def_busy[p] >= cap_now[p]
        for q, pr, over, tier in pool_q[p]:
            if chan >= 0 and qchan[q] != chan:
                continue
            if held and qdef[q]:
                continue
            i = head(q, over)
            if i < 0:
                continue
            key = (tier, qrank[q], arr[i])
            if key < best_key:
                best_key, best, best_q, best_pr = key, i, q, pr
        return best, best_q, best_pr

    return head, pick


def overflowing(
    st: Floor, head: Callable[[int, bool], int], try_answer: Callable
) -> Callable[[int], None]:
    """``overflow(x)``: contact x has waited ``overflow_wait_s``; another site may answer it."""
    status, agent_of, qof, queues, over_pools = (
        st.status, st.agent_of, st.qof, st.queues, st.over_pools
    )  # fmt: skip

    def overflow(x: int) -> None:
        if status[x] != UNSERVED or agent_of[x] >= 0:
            return
        q = qof[x]
        if head(q, True) != x:
            return  # not at the head: an earlier contact overflows first
        if try_answer(x, q, over_pools[q]):
            queues[q].popleft()

    return overflow
