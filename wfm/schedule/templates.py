"""Shift templates in site-local time: start, length and break placements from the shift rules.

A template is a start time, a length and a placement of each of its breaks. Templates are
generated from :class:`wfm.core.config.ShiftRules`: starts on multiples of
``start_step_min`` between ``earliest_start_local`` and ``latest_end_local`` (a latest end
before the earliest start allows shifts that end after midnight), every allowed length, and
every start of each break inside its window on a ``break_step_min`` grid (the solver picks
one placement by choosing a template).

A template worked on a site-local day is a pattern (``wfm.schedule.patterns``).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from wfm.core.checks import check_hhmm
from wfm.core.config import BreakRule, ShiftRules
from wfm.core.errors import ConfigError
from wfm.core.units import MIN_PER_DAY, MIN_PER_H


@dataclass(frozen=True, slots=True, kw_only=True)
class ShiftTemplate:
    """One way to work a day: start, length and where each break falls.

    Attributes
    ----------
    start_min : int
        Start after local midnight [min].
    length_min : int
        Elapsed length from start to end, breaks included [min].
    breaks : tuple of (int, int, bool)
        ``(offset_min, length_min, paid)`` of each break, offset from the shift start [min].
    """

    start_min: int
    length_min: int
    breaks: tuple[tuple[int, int, bool], ...] = ()

    @property
    def end_min(self) -> int:
        """End after local midnight of the start day (past 1440 for night shifts) [min]."""
        return self.start_min + self.length_min

    @property
    def paid_min(self) -> int:
        """Paid minutes: the length less unpaid breaks [min]."""
        return self.length_min - sum(b[1] for b in self.breaks if not b[2])

    @property
    def name(self) -> str:
        """Identifier such as ``s0800_l480_b1030``: start, length, break starts (local)."""
        parts = [f"s{hhmm(self.start_min, sep='')}", f"l{self.length_min}"]
        parts += [f"b{hhmm(self.start_min + off, sep='')}" for off, _, _ in self.breaks]
        return "_".join(parts)

    def breaks_text(self) -> str:
        """Breaks as ``"10:30+30"`` local start and length, ``;``-separated ("" for none)."""
        return ";".join(f"{hhmm(self.start_min + off)}+{length}" for off, length, _ in self.breaks)

    def on_queue_spans(self) -> list[tuple[int, int]]:
        """On-queue spans ``[a, b)`` as offsets from the shift start [min]."""
        spans, cursor = [], 0
        for off, length, _ in sorted(self.breaks):
            if off > cursor:
                spans.append((cursor, off))
            cursor = max(cursor, off + length)
        if cursor < self.length_min:
            spans.append((cursor, self.length_min))
        return spans


def hhmm(minutes: int, sep: str = ":") -> str:
    """Minutes after local midnight as a clock time ``HH:MM`` (``sep`` between), modulo a day."""
    minutes %= MIN_PER_DAY
    return f"{minutes // MIN_PER_H:02d}{sep}{minutes % MIN_PER_H:02d}"


def _break_options(rule: BreakRule, length_min: int, step_min: int) -> list[tuple[int, int, bool]]:
    latest = min(rule.latest_after_min, length_min - rule.length_min)
    return [
        (off, rule.length_min, rule.paid)
        for off in range(rule.earliest_after_min, latest + 1, step_min)
    ]


def shift_templates(rules: ShiftRules, interval_min: int) -> list[ShiftTemplate]:
    """Every template the rules allow, ignoring opening hours.

    Parameters
    ----------
    rules : ShiftRules
        Starts, lengths, breaks and the local time window of shifts.
    interval_min : int
        Interval of the scenario; default step of break starts [min].

    Returns
    -------
    list of ShiftTemplate
        Sorted by start, length, break placement. A length whose breaks cannot all be placed
        without overlapping inside the shift gives no template.
    """
    first = check_hhmm("earliest_start_local", rules.earliest_start_local)
    last_end = check_hhmm("latest_end_local", rules.latest_end_local)
    if last_end <= first:
        last_end += MIN_PER_DAY
    step = rules.break_step_min or interval_min
    out: list[ShiftTemplate] = []
    for length in sorted(rules.lengths_min):
        placements = _placements(rules, length, step)
        for start in range(first, last_end - length + 1, rules.start_step_min):
            if start >= MIN_PER_DAY:
                break
            out.extend(
                ShiftTemplate(start_min=start, length_min=length, breaks=p) for p in placements
            )
    return sorted(out, key=lambda t: (t.start_min, t.length_min, t.breaks))


def _placements(
    rules: ShiftRules, length: int, step_min: int
) -> list[tuple[tuple[int, int, bool], ...]]:
    """Every non-overlapping placement of the breaks a ``length``-min shift takes."""
    applicable = [r for r in rules.breaks if length >= r.min_shift_length_min]
    options = [_break_options(r, length, step_min) for r in applicable]
    placements = []
    for combo in itertools.product(*options):
        ordered = sorted(combo)
        if all(a[0] + a[1] <= b[0] for a, b in itertools.pairwise(ordered)):
            placements.append(tuple(ordered))
    return placements


def check_break_rules(rules: ShiftRules, interval_min: int) -> None:
    """Raise :class:`ConfigError` unless every shift length can hold the breaks it takes.

    A length whose breaks cannot be placed inside the shift without overlapping would give
    no template and be dropped silently.
    """
    step = rules.break_step_min or interval_min
    for j, length in enumerate(rules.lengths_min):
        applicable = [
            (i, r) for i, r in enumerate(rules.breaks) if length >= r.min_shift_length_min
        ]
        for i, r in applicable:
            if not _break_options(r, length, step):
                raise ConfigError(
                    f"a {r.length_min}-min break starting {r.earliest_after_min}-"
                    f"{r.latest_after_min} min after the start does not fit in the {length}-min "
                    f"shift of shifts.lengths_min[{j}]; expected the break to end inside the "
                    f"shift (earliest_after_min + length_min ≤ {length}) or "
                    f"min_shift_length_min above {length} so that it does not apply",
                    key=f"shifts.breaks[{i}]",
                )
        if not _placements(rules, length, step):
            raise ConfigError(
                f"the breaks of a {length}-min shift (shifts.lengths_min[{j}]) cannot be "
                "placed without overlapping; expected break windows far enough apart",
                key="shifts.breaks",
            )
