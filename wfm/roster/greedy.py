"""A quick day-by-day roster: CP-SAT's first hint, and the answer when CP-SAT finds none in
its time limit (a large pool on a busy machine).

Days are filled in order; each cover line takes, among the people free that day, those
furthest below their contract minimum first (with a rotation asked for, those who worked that
shift a rotation earlier before anyone), as long as the upper-bound rules stay met (rest
after yesterday's shift, consecutive days, days and minutes per week, total minutes, shift
caps, weekends). Minimum runs and minimum contract minutes are not sought, so the result is
checked before it is used as an answer.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from wfm.roster.problem import RosterProblem, ShiftType, Staff, shift_allowed


@dataclass
class _State:
    total_min: int = 0
    run: int = 0
    last_day: int = -2
    last_shift: str = ""
    week_days: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    week_min: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    per_type: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    weekends: set[int] = field(default_factory=set)


def _fits(pb, person: Staff, st: _State, d: int, s: ShiftType, ctx: dict) -> bool:
    c = person.contract
    if shift_allowed(pb, person, d, s):
        return False
    if st.last_day == d - 1 and (st.last_shift, s.id) in ctx["forbidden"]:
        return False
    if c.max_shifts.get(s.id) is not None and st.per_type[s.id] >= c.max_shifts[s.id]:
        return False
    if c.max_total_min is not None and st.total_min + s.paid_min > c.max_total_min:
        return False
    k = ctx["week"][d]
    if c.max_days_per_week is not None and st.week_days[k] >= c.max_days_per_week:
        return False
    if c.max_min_per_week is not None and st.week_min[k] + s.paid_min > c.max_min_per_week:
        return False
    run = st.run + 1 if st.last_day == d - 1 else 1
    if c.max_consecutive_days is not None and run > c.max_consecutive_days:
        return False
    we = ctx["weekend"].get(d)
    if we is not None and we not in st.weekends and c.max_weekends is not None:
        return len(st.weekends) < c.max_weekends
    return True


def _take(st: _State, d: int, s: ShiftType, ctx: dict) -> None:
    st.run = st.run + 1 if st.last_day == d - 1 else 1
    st.last_day, st.last_shift = d, s.id
    st.total_min += s.paid_min
    st.week_days[ctx["week"][d]] += 1
    st.week_min[ctx["week"][d]] += s.paid_min
    st.per_type[s.id] += 1
    if d in ctx["weekend"]:
        st.weekends.add(ctx["weekend"][d])


def greedy_roster(pb: RosterProblem) -> dict[tuple[str, int], str]:
    """A roster built day by day ((staff id, day) → shift id); pinned days kept."""
    ctx = {
        "forbidden": pb.forbidden_successions(),
        "week": {d: k for k, week in enumerate(pb.weeks()) for d in week},
        "weekend": {d: k for k, we in enumerate(pb.weekends()) for d in we},
    }
    by_id = {s.id: s for s in pb.shifts}
    lines = defaultdict(list)
    for c in pb.cover:
        if c.requirement > 0:
            lines[c.day].append(c)
    states = {p.id: _State() for p in pb.staff}
    out: dict[tuple[str, int], str] = {}
    n = pb.rotation_days if pb.weights.rotation else 0
    for d in range(pb.days):
        taken: dict[str, int] = defaultdict(int)
        for p in pb.staff:
            t = pb.published.get((p.id, d))
            if (p.id, d) in pb.pinned and t in by_id and not shift_allowed(pb, p, d, by_id[t]):
                out[p.id, d] = t
                taken[t] += 1
                _take(states[p.id], d, by_id[t], ctx)
        for c in sorted(lines[d], key=lambda c: (-c.weight_under, by_id[c.shift].start_min)):
            s = by_id[c.shift]
            order = sorted(
                pb.staff,
                key=lambda p: (
                    not (n and d >= n and out.get((p.id, d - n)) == c.shift),
                    states[p.id].total_min - (p.contract.min_total_min or 0),
                    p.id,
                ),
            )
            for p in order:
                if taken[c.shift] >= c.requirement:
                    break
                pinned_free = (p.id, d) in pb.pinned and pb.published.get((p.id, d)) is None
                if (p.id, d) in out or pinned_free or not _fits(pb, p, states[p.id], d, s, ctx):
                    continue
                out[p.id, d] = s.id
                taken[s.id] += 1
                _take(states[p.id], d, s, ctx)
    return out
