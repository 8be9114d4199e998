"""Independent check of a roster: every hard rule and the objective, from the assignment alone.

Written apart from the CP-SAT model (plain loops over days), so a modelling error shows as a
disagreement between the solver's objective and :func:`check_roster`'s.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from wfm.roster.problem import Cover, RosterProblem, Staff, shift_allowed


@dataclass(frozen=True, slots=True)
class RosterCheck:
    """Result of :func:`check_roster`.

    Attributes
    ----------
    violations : tuple of str
        One line per broken hard rule ("person: rule (detail)"); empty when the roster is valid.
    objective : int
        Weighted penalty recomputed from the assignment.
    terms : dict of str to int
        The objective split by term (requests, cover under/over, patterns, fairness, changes).
    """

    violations: tuple[str, ...]
    objective: int
    terms: dict[str, int]


def _runs(flags: list[bool]) -> list[tuple[int, int, bool]]:
    """(start, length, value) of maximal runs."""
    out: list[tuple[int, int, bool]] = []
    for d, f in enumerate(flags):
        if out and out[-1][2] == f:
            s, n, v = out[-1]
            out[-1] = (s, n + 1, v)
        else:
            out.append((d, 1, f))
    return out


def person_violations(
    problem: RosterProblem,
    person: Staff,
    shifts_by_day: dict[int, str],
    forbidden: frozenset[tuple[str, str]] | None = None,
) -> list[str]:
    """Hard rules ``person``'s days (day → shift id) break, as rule names with details.

    ``forbidden`` is ``problem.forbidden_successions()`` when the caller has it already.
    """
    c, pb, out = person.contract, problem, []
    by_id = {s.id: s for s in pb.shifts}
    for d, t in sorted(shifts_by_day.items()):
        why = shift_allowed(pb, person, d, by_id[t])
        if why:
            out.append(f"{why} (day {d}, {t})")
    if forbidden is None:
        forbidden = pb.forbidden_successions()
    for d, t in shifts_by_day.items():
        nxt = shifts_by_day.get(d + 1)
        if nxt is not None and (t, nxt) in forbidden:
            out.append(f"rest/cannot-follow ({t} day {d} then {nxt})")
    for t, cap in c.max_shifts.items():
        n = sum(1 for v in shifts_by_day.values() if v == t)
        if n > cap:
            out.append(f"max shifts of {t} ({n} > {cap})")
    paid = sum(by_id[t].paid_min for t in shifts_by_day.values())
    if c.max_total_min is not None and paid > c.max_total_min:
        out.append(f"max contract minutes ({paid} > {c.max_total_min})")
    if c.min_total_min is not None and paid < c.min_total_min and not pb.weights.short_per_min:
        out.append(f"min contract minutes ({paid} < {c.min_total_min})")
    for week in pb.weeks():
        worked = [d for d in week if d in shifts_by_day]
        if c.max_days_per_week is not None and len(worked) > c.max_days_per_week:
            out.append(f"max days per week ({len(worked)} > {c.max_days_per_week}, day {week[0]})")
        wk_min = sum(by_id[shifts_by_day[d]].paid_min for d in worked)
        if c.max_min_per_week is not None and wk_min > c.max_min_per_week:
            out.append(f"max minutes per week ({wk_min} > {c.max_min_per_week}, day {week[0]})")
    flags = [d in shifts_by_day for d in range(pb.days)]
    for start, n, on in _runs(flags):
        inner = start > 0 and start + n < pb.days
        if on and c.max_consecutive_days is not None and n > c.max_consecutive_days:
            out.append(f"max consecutive days ({n} from day {start})")
        if on and inner and c.min_consecutive_days and n < c.min_consecutive_days:
            out.append(f"min consecutive days ({n} from day {start})")
        if not on and inner and c.min_consecutive_days_off and n < c.min_consecutive_days_off:
            out.append(f"min consecutive days off ({n} from day {start})")
    weekends = sum(1 for we in pb.weekends() if any(flags[d] for d in we))
    if c.max_weekends is not None and weekends > c.max_weekends:
        out.append(f"max weekends ({weekends} > {c.max_weekends})")
    for d in range(pb.days):
        kept = pb.published.get((person.id, d))
        if (person.id, d) in pb.pinned and kept != shifts_by_day.get(d):
            impossible = kept is not None and (
                kept not in by_id or bool(shift_allowed(pb, person, d, by_id[kept]))
            )
            if not impossible:
                out.append(f"pinned day changed (day {d})")
    return out


def check_roster(problem: RosterProblem, assignment: dict[tuple[str, int], str]) -> RosterCheck:
    """Recompute every hard rule and the weighted objective of ``assignment``.

    Parameters
    ----------
    problem : RosterProblem
    assignment : dict of (str, int) to str
        (staff id, day) → shift id for worked days.
    """
    pb, wt = problem, problem.weights
    per: dict[str, dict[int, str]] = {s.id: {} for s in pb.staff}
    violations: list[str] = []
    for (sid, d), t in assignment.items():
        if sid not in per or not 0 <= d < pb.days:
            violations.append(f"{sid}: unknown person or day {d}")
            continue
        per[sid][d] = t
    forbidden = pb.forbidden_successions()
    for person in pb.staff:
        violations += [
            f"{person.id}: {v}" for v in person_violations(pb, person, per[person.id], forbidden)
        ]
    terms = {"on_requests": 0, "off_requests": 0, "cover_under": 0, "cover_over": 0}
    for r in pb.requests:
        held = per.get(r.staff, {}).get(r.day)
        hit = held is not None and (r.shift is None or held == r.shift)
        if r.on and not hit:
            terms["on_requests"] += r.weight
        if not r.on and hit:
            terms["off_requests"] += r.weight
    for cv, under, over in cover_gaps(pb, assignment):
        terms["cover_under"] += cv.weight_under * under
        terms["cover_over"] += cv.weight_over * over
    terms.update(_pattern_penalties(pb, per))
    if wt.change:
        changed = sum(
            1
            for (sid, d), t in pb.published.items()
            if sid in per and 0 <= d < pb.days and per[sid].get(d) != t
        )
        terms["changes"] = wt.change * changed
    if wt.short_per_min:
        by_id = {s.id: s for s in pb.shifts}
        short = 0
        for person in pb.staff:
            paid = sum(by_id[t].paid_min for t in per[person.id].values())
            short += max(0, (person.contract.min_total_min or 0) - paid)
        terms["contract_short"] = wt.short_per_min * short
    return RosterCheck(tuple(violations), int(sum(terms.values())), terms)


def cover_gaps(
    pb: RosterProblem, assignment: dict[tuple[str, int], str]
) -> list[tuple[Cover, int, int]]:
    """Each cover line with the people it lacks and the people above it under ``assignment``."""
    count = Counter((d, t) for (_, d), t in assignment.items())
    return [
        (
            cv,
            max(0, cv.requirement - count[cv.day, cv.shift]),
            max(0, count[cv.day, cv.shift] - cv.requirement),
        )
        for cv in pb.cover
    ]


def _pattern_penalties(pb: RosterProblem, per: dict[str, dict[int, str]]) -> dict[str, int]:
    wt, out = pb.weights, {}
    by_id = {s.id: s for s in pb.shifts}
    if wt.isolated_day_off:
        n = 0
        for days in per.values():
            n += sum(
                1
                for d in range(1, pb.days - 1)
                if d - 1 in days and d + 1 in days and d not in days
            )
        out["isolated_days_off"] = wt.isolated_day_off * n
    if wt.start_change:
        n = 0
        for days in per.values():
            for week in pb.weeks():
                starts = {by_id[days[d]].start_min for d in week if d in days}
                n += max(0, len(starts) - 1)
        out["start_changes"] = wt.start_change * n
    if wt.rotation and pb.rotation_days > 0:
        out["rotation_breaks"] = wt.rotation * sum(pb.rotation_breaks(d) for d in per.values())
    groups: dict[str, list[str]] = {}
    for s in pb.staff:
        groups.setdefault(s.group, []).append(s.id)
    for name, weight, count, present in (
        ("weekend_spread", wt.weekend_spread, pb.weekends_worked, bool(pb.weekends())),
        ("night_spread", wt.night_spread, pb.nights_worked, any(s.night for s in pb.shifts)),
        (
            "evening_spread",
            wt.evening_spread,
            pb.evenings_worked,
            any(s.evening for s in pb.shifts),
        ),
    ):
        if not weight or not present:
            continue
        total = 0
        for members in groups.values():
            if len(members) > 1:
                counts = [count(per[m]) for m in members]
                total += max(counts) - min(counts)
        out[name] = weight * total
    return out
