"""Agents of the event loop: their time on line, answering contacts and taking queued work.

An agent answers an arriving contact when idle (or, on a concurrent channel, with a free slot),
takes queued work when it frees a slot, and, under a deferred cap, waits for the cap before
starting deferred contacts. Each pool's online and busy agent-seconds are added up per
interval as its agents log in, take work and free up.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable

from wfm.simulate.floor import DEPART, Floor
from wfm.simulate.network import ANSWERED


def accountant(st: Floor) -> Callable[[int, float], None]:
    """``account(p, t)``: add pool p's online and busy agent-seconds up to time t [s]."""
    last_t, online, busy, online_s, busy_s = (
        st.last_t, st.online, st.busy, st.online_s, st.busy_s
    )  # fmt: skip
    ivl, n_int = st.ivl, st.n_int

    def account(p: int, t: float) -> None:
        """Add pool p's online and busy agent-seconds from its last change up to t."""
        t0 = last_t[p]
        if t <= t0:
            return
        last_t[p] = t
        on, bz = online[p], busy[p]
        if on == 0 and bz == 0:
            return
        b = int(t0 // ivl)
        while t0 < t:
            if b >= n_int:  # after the horizon: kept apart, dropped from the results
                online_s[n_int][p] += on * (t - t0)
                busy_s[n_int][p] += bz * (t - t0)
                return
            edge = (b + 1) * ivl
            seg_end = t if t < edge else edge
            online_s[b][p] += on * (seg_end - t0)
            busy_s[b][p] += bz * (seg_end - t0)
            t0 = seg_end
            b += 1

    return account


def answering(st: Floor, account: Callable[[int, float], None]) -> tuple[Callable, Callable]:
    """``start(a, p, c, i, pr)``: agent a answers contact i; ``try_answer(i, q, pools)``."""
    a_load, a_chan, a_def, work, fac, arr, qof, qdef, qchan = (
        st.a_load, st.a_chan, st.a_def, st.work, st.fac, st.arr, st.qof, st.qdef, st.qchan
    )  # fmt: skip
    status, wait, handle, served_by, agent_of = (
        st.status, st.wait, st.handle, st.served_by, st.agent_of
    )  # fmt: skip
    capped, def_busy, cap_now, heap, seq, clock = (
        st.capped, st.def_busy, st.cap_now, st.heap, st.seq, st.clock
    )  # fmt: skip
    kmax, part, idle, busy, fill_first = st.kmax, st.part, st.idle, st.busy, st.fill_first
    heappush = heapq.heappush

    def start(a: int, p: int, c: int, i: int, pr: float) -> None:
        """Agent a of pool p starts contact i of channel c at proficiency pr."""
        now = clock[0]
        k = a_load[a] + 1
        a_load[a] = k
        a_chan[a] = c
        h = work[i] * (1.0 + fac[c] * (k - 1)) / pr
        status[i] = ANSWERED
        wait[i] = now - arr[i]
        handle[i] = h
        served_by[i] = p
        agent_of[i] = a
        if capped and k == 1 and qdef[qof[i]]:
            def_busy[p] += 1
            a_def[a] = True
        heappush(heap, (now + h, next(seq), DEPART, i))
        if k < kmax[c]:
            part[p][c][k].add(a)  # type: ignore[index]

    def partly(p: int, c: int, i: int, pr: float) -> bool:
        """The least loaded agent of pool p with a free slot on channel c answers contact i."""
        buckets = part[p][c]
        if buckets is not None:
            for k in range(1, kmax[c]):
                if buckets[k]:
                    a = min(buckets[k])
                    buckets[k].discard(a)
                    start(a, p, c, i, pr)
                    return True
        return False

    def try_answer(i: int, q: int, pools: list[tuple[int, float]]) -> bool:
        """An idle or partly loaded agent of the first pool that has one answers contact i
        (partly loaded first when ``fill_first``)."""
        c = qchan[q]
        for p, pr in pools:
            if fill_first and partly(p, c, i, pr):
                return True
            if idle[p] and not (capped and qdef[q] and def_busy[p] >= cap_now[p]):
                a = idle[p].pop()
                account(p, clock[0])
                busy[p] += 1
                start(a, p, c, i, pr)
                return True
            if not fill_first and partly(p, c, i, pr):
                return True
        return False

    return start, try_answer


def agent_work(
    st: Floor, account: Callable[[int, float], None], pick: Callable, start: Callable
) -> tuple[Callable[[int, int], None], Callable[[int], None]]:
    """``fill(a, p)``: agent a takes queued work; ``wake(p)``: idle agents take capped work."""
    a_load, a_chan, kmax, part = st.a_load, st.a_chan, st.kmax, st.part
    busy, idle, online, offline, leaving, queues, qchan = (
        st.busy, st.idle, st.online, st.offline, st.leaving, st.queues, st.qchan
    )  # fmt: skip
    def_busy, cap_now, clock = st.def_busy, st.cap_now, st.clock

    def fill(a: int, p: int, picked: tuple[int, int, float] | None = None) -> None:
        """Give agent a (idle or partly loaded) queued work until it is full or none fits;
        ``picked`` is what ``pick`` just returned for an idle agent a of pool p."""
        while True:
            k = a_load[a]
            if k == 0 and leaving[p] > 0:  # staffing fell: the first agent free logs off
                leaving[p] -= 1
                online[p] -= 1
                offline[p].append(a)
                return
            c = a_chan[a] if k > 0 else -1
            if k > 0 and k >= kmax[c]:
                return
            i, q, pr = pick(p, c) if picked is None else picked
            picked = None
            if i < 0:
                if k == 0:
                    idle[p].append(a)
                return
            queues[q].popleft()
            if k > 0:
                part[p][c][k].discard(a)  # type: ignore[index]
            else:
                busy[p] += 1
            start(a, p, qchan[q], i, pr)

    def wake(p: int) -> None:
        """Idle agents of pool p take queued work the deferred cap held back, up to the cap."""
        for _ in range(len(idle[p])):
            if not idle[p] or def_busy[p] >= cap_now[p]:
                return
            picked = pick(p, -1)
            if picked[0] < 0:
                return
            a = idle[p].pop()
            account(p, clock[0])
            fill(a, p, picked)

    return fill, wake
