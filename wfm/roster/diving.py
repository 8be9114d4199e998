"""From the pattern relaxation of :mod:`wfm.roster.columns` to a roster: diving.

The relaxation is turned into a roster the way relaxation-guided heuristics of integer
programming do. First the weekends: each person's fractional weekend days are branched on,
the most certain first, as worked or off (the labelling allows that person only patterns
that agree; the relaxation is priced again after each step), while the relaxation stays
within ``DIVE_RISE`` of its start. Weekends are where the cover is short on the Curtois & Qu
instances (at most 2 of 4 worked, so a weekend day lacks people in every roster), and a
relaxation that spreads a weekend day over several people's patterns hides that no whole
pattern can take it; a branch on a day, not on a whole pattern, lets each person's patterns
be priced again under the decision.
Then whole patterns: every person whose most used pattern weighs at least ``DIVE_WEIGHT``
is fixed to it, the rest priced again, while the relaxation stays within ``DIVE_RISE``.
Last, every (person, day) that the relaxation works or rests for certain is fixed so
(RENS, Berthold 2014, Math. Prog. Comp. 6), and the exact model of the people left free is
searched around the others, hinted with the pattern each uses most, until a deadline of its
own: held to what the branching and the fixing left (1-2 s on instance 8), it was cut short
in every run that missed.

On Curtois & Qu instance 8 (60 s, 2 workers) branching on weekends for 70 % of the
dive's time took the runs within 2 % of the best known from 20 of 30 to 17 of 22 (median
gap 0.19 %); for 50 % of it, 13 of 18. With the exact search given 15 % of the time limit
of its own, 33 of 35 (median gap 0.23 %; docs/roster.md). A branching step takes at least
four days: the last steps took one day each, each priced again, and at half a machine's
speed the clock stopped the branching with 7-11 days still fractional, which is how those
runs missed; with the four-day step, 47 of 48 runs within 2 %, 16 of 16 at half speed.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import numpy as np

from wfm.roster.columns import EPS, Master, Pattern, Relaxation, Roster, own_cost, roster_of
from wfm.roster.labels import cheapest_patterns
from wfm.roster.lns import part_step
from wfm.roster.problem import RosterProblem

DIVE_WEIGHT = 0.7  # a diving step fixes every person whose most used pattern weighs this
DIVE_PARTS = 4  # a diving step fixes at least this share (1 / parts) of the people left
DIVE_ROUNDS = 10  # most pricing rounds after a diving step
DIVE_RISE = 0.01  # diving stops before the relaxation rises above this share of its start
WEEKEND_SHARE = 0.7  # share of the dive's time for branching on weekend days first
WEEKEND_ROUNDS = 3  # most pricing rounds after a weekend branching step
WEEKEND_STEP = 4  # fewest weekend days a branching step takes (while as many are left)
Cell = tuple[float, int, int, bool]  # (certainty, person, day, worked): a weekend day to branch


def most_used(use: list[tuple[float, Pattern]]) -> tuple[float, Pattern]:
    """A person's most used pattern in the relaxation, with its weight."""
    return max(use, key=lambda u: u[0])


def dive(
    master: Master,
    relaxation: Relaxation,
    deadline: float,
    workers: int = 2,
    seed: int = 1,
    search_deadline: float | None = None,
) -> Roster | None:
    """A roster from the relaxation (see the module): weekend days branched on for
    ``WEEKEND_SHARE`` of the time to ``deadline`` (``perf_counter``), whole patterns fixed
    until it, then the people left free rostered exactly around the fixed ones with the
    days the relaxation settles fixed (:func:`wfm.roster.lns.part_step`) until
    ``search_deadline`` (``deadline`` if None)."""
    pb, people = master.pb, master.people
    top = relaxation.value * (1 + DIVE_RISE) + EPS
    with ThreadPoolExecutor(max(1, int(workers))) as pool:
        now = time.perf_counter()
        weekends_end = now + WEEKEND_SHARE * max(0.0, deadline - now)
        use = _branch_weekends(master, relaxation.use, top, weekends_end, pool)
        use, fixed = _fix_patterns(master, use, top, deadline, pool)
    ids = [s.id for s in pb.staff]
    roster = roster_of(ids, [most_used(u)[1] for u in use])
    free = [p for p in range(len(people)) if p not in fixed]
    left = (deadline if search_deadline is None else search_deadline) - time.perf_counter()
    if free and left > 0:
        roster = _settled_search(pb, roster, free, use, left, workers, seed) or roster
    return roster


def _fix_patterns(master: Master, use, top: float, end: float, pool):
    """Fix people to their most used patterns, price the rest again, and repeat while the
    relaxation stays at most ``top``; a step that passes it is undone and halved, and
    diving stops after a single person's. The pattern weights and the people fixed."""
    people = master.people
    fixed: set[int] = set()
    most = len(people)  # most people a step may fix: halved after each step undone
    while len(fixed) < len(people) and time.perf_counter() < end:
        heaviest = sorted(
            ((*most_used(use[p]), p) for p in range(len(people)) if p not in fixed),
            reverse=True,
        )
        many = max(sum(h[0] >= DIVE_WEIGHT for h in heaviest), -(-len(heaviest) // DIVE_PARTS))
        step = heaviest[: min(many, most)]
        saved = {p: people[p].patterns for _, _, p in step}
        for _, pattern, p in step:
            people[p].patterns = {pattern: people[p].patterns[pattern]}
            fixed.add(p)
        free = [p for p in range(len(people)) if p not in fixed]
        value, new_use = master.generate(free, end, pool, DIVE_ROUNDS)
        if value > top:  # this step cost too much: undo it; stop after a single one
            for p, patterns in saved.items():
                people[p].patterns = patterns
                fixed.discard(p)
            if len(step) == 1:
                break
            most = len(step) // 2
            continue
        use = new_use
    return use, fixed


def _branch_weekends(master: Master, use, top: float, end: float, pool):
    """Branch on the weekend days the relaxation works in part (:func:`_weekend_cells`),
    the most certain first and a quarter of them a step (at least ``WEEKEND_STEP``), each
    the way the relaxation leans;
    price everyone again and keep the step while the relaxation stays at most ``top``, else
    undo it and halve it; a single day that passes ``top`` both ways ends the branching.
    The pattern weights after the last step kept."""
    everyone = list(range(len(master.people)))
    done: set[tuple[int, int]] = set()
    most = None  # most days a step may branch on after a step undone
    while time.perf_counter() < end:
        cells = _weekend_cells(master, use, done)
        if not cells:
            break
        step = cells[: most or max(WEEKEND_STEP, len(cells) // DIVE_PARTS)]
        value, new_use = _try_branch(master, step, top, end, pool, everyone)
        if value > top and len(step) == 1:  # the other way, or stop
            _, p, d, worked = step[0]
            other = [(1.0, p, d, not worked)]
            value, new_use = _try_branch(master, other, top, end, pool, everyone)
            if value > top:
                break
        elif value > top:
            most = max(1, len(step) // 2)
            continue
        done |= {(p, d) for _, p, d, _ in step}
        use, most = new_use, None
    return use


def _try_branch(master: Master, step: list[Cell], top: float, end: float, pool, everyone):
    """Branch on ``step``'s days and price the relaxation again: its value and pattern
    weights, or ``inf`` (the branch undone) when a day cannot be so or the value passes
    ``top``."""
    people = master.people
    saved = {p: (people[p].data, people[p].patterns) for _, p, _, _ in step}
    value, use = math.inf, None
    if all(_branch_day(master, p, d, worked) for _, p, d, worked in step):
        value, use = master.generate(everyone, end, pool, WEEKEND_ROUNDS)
    if value > top:
        for p, (data, patterns) in saved.items():
            people[p].data, people[p].patterns = data, patterns
        return math.inf, None
    return value, use


def _weekend_cells(master: Master, use, done: set[tuple[int, int]]) -> list[Cell]:
    """Each (person, weekend day) the relaxation works in part, not yet branched on, with
    how certain it is (the larger of the shares worked and off) and which way it leans, most
    certain first. People priced with CP-SAT are left out (their models take no branch)."""
    days = sorted(d for weekend in master.pb.weekends() for d in weekend)
    cells = []
    for p, person in enumerate(master.people):
        if person.data is None:
            continue
        shares: dict[int, float] = defaultdict(float)  # day → share of the relaxation working it
        for w, pattern in use[p]:
            for day, _ in pattern:
                shares[day] += w
        for d in days:
            share = shares[d]
            if (p, d) not in done and EPS < share < 1 - EPS:
                cells.append((max(share, 1 - share), p, d, share >= 0.5))
    return sorted(cells, reverse=True)


def _branch_day(master: Master, p: int, d: int, worked: bool) -> bool:
    """Allow person ``p`` only patterns that work (any shift) or rest on day ``d``: their
    labelling's options that day, and their known patterns, cut so; their cheapest pattern
    under the cut when none is left. False when no pattern meets it."""
    person = master.people[p]
    if person.data is None:
        return False
    allowed = person.data.allowed.copy()
    if worked:
        allowed[d, 0] = False
    else:
        allowed[d, 1:] = False
    if not allowed[d].any():
        return False
    person.data = replace(person.data, allowed=allowed)
    person.patterns = {
        pattern: cost
        for pattern, cost in person.patterns.items()
        if any(day == d for day, _ in pattern) == worked
    }
    if not person.patterns:
        zero = np.zeros_like(allowed, dtype=np.int64)
        cheapest = cheapest_patterns(person.data, zero, 1, 1)
        if not cheapest:
            return False
        person.patterns[cheapest[0][0]] = own_cost(person.alone, cheapest[0][0])
    return True


def _settled_search(
    pb: RosterProblem, roster: Roster, free: list[int], use, limit_s, workers, seed
):
    """Re-roster the ``free`` people exactly around the others (held at ``roster``), with
    each (person, day) the relaxation settles (``use``) fixed so (RENS, Berthold 2014): a
    day off where none of its patterns works (time off of the search's problem), a shift it
    works there for certain (pinned)."""
    staff, pins = list(pb.staff), {}
    for p in free:
        worked: dict[tuple[int, str], float] = defaultdict(float)
        for weight, pattern in use[p]:
            for key in pattern:
                worked[key] += weight
        off = {
            d for d in range(pb.days) if sum(worked.get((d, s.id), 0.0) for s in pb.shifts) < EPS
        }
        staff[p] = replace(staff[p], days_off=staff[p].days_off | off)
        pins.update({(staff[p].id, d): t for (d, t), share in worked.items() if share > 1 - EPS})
    settled = replace(
        pb,
        staff=tuple(staff),
        published={**pb.published, **pins},
        pinned=pb.pinned | frozenset(pins),
    )
    found, _ = part_step(settled, roster, free, range(pb.days), limit_s, seed, workers)
    return found
