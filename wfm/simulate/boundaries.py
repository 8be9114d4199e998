"""Interval boundaries of the event loop: backlog recorded, routing and staffing changed.

At each interval boundary the backlog of the interval that ends is recorded, the routing
policy's tiers of the next interval are swapped in, and every pool is staffed to its agents of
the next interval (idle agents log off at once, busy ones when they free up; new agents take
queued work as they log in).
"""

from __future__ import annotations

from collections.abc import Callable

from wfm.simulate.floor import Floor


def interval_boundary(
    st: Floor,
    account: Callable[[int, float], None],
    head: Callable[[int, bool], int],
    fill: Callable[[int, int], None],
    wake: Callable[[int], None],
) -> Callable[[int], None]:
    """``boundary(b)``: record the backlog of interval b − 1, then staff every pool to b."""
    a_pool, a_load, a_chan, a_def, idle, offline, online, leaving = (
        st.a_pool, st.a_load, st.a_chan, st.a_def, st.idle, st.offline, st.online, st.leaving
    )  # fmt: skip
    n_int, n_pool, n_q, staff, cap_rows, cap_now, capped = (
        st.n_int, st.n_pool, st.n_q, st.staff, st.cap_rows, st.cap_now, st.capped
    )  # fmt: skip
    queues, arr, backlog_n, backlog_age, clock = (
        st.queues, st.arr, st.backlog_n, st.backlog_age, st.clock
    )  # fmt: skip
    own_pools, pool_q, route_rows, pool_rows = st.own_pools, st.pool_q, st.route_rows, st.pool_rows

    def login(p: int, count: int) -> None:
        for _ in range(count):
            if offline[p]:
                a = offline[p].pop()
            else:
                a = len(a_pool)
                a_pool.append(p)
                a_load.append(0)
                a_chan.append(-1)
                a_def.append(False)
            online[p] += 1
            fill(a, p)

    def staff_to(p: int, target: int) -> None:
        account(p, clock[0])
        effective = online[p] - leaving[p]
        if target > effective:
            back = min(leaving[p], target - effective)
            leaving[p] -= back
            login(p, target - effective - back)
        elif target < effective:
            drop = effective - target
            while drop and idle[p]:
                offline[p].append(idle[p].pop())
                online[p] -= 1
                drop -= 1
            leaving[p] += drop

    def boundary(b: int) -> None:
        if b > 0:
            for q in range(n_q):
                hq = head(q, False)
                if hq >= 0:
                    backlog_n[b - 1][q] = len(queues[q])
                    backlog_age[b - 1][q] = clock[0] - arr[hq]
        if route_rows and b < n_int:  # this interval's routing (the policy's tiers)
            own_pools[:] = route_rows[b]
            pool_q[:] = pool_rows[b]
        row = staff[b] if b < n_int else [0] * n_pool
        if capped:
            cap_now[:] = cap_rows[b] if b < n_int else [0] * n_pool
        for p in range(n_pool):
            staff_to(p, int(row[p]))
        if capped:
            for p in range(n_pool):
                wake(p)

    return boundary
