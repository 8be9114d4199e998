"""The generic roster problem: named staff, shift types, days, rules and weights.

Pure data (frozen dataclasses); no solver and no files. ``day`` is a 0-based index into the
horizon; ``first_weekday`` (0 = Monday) places weekends and calendar weeks. Every rule a
planner cannot live without is hard (a constraint); everything else is soft with a weight, and
cover is always soft so unmet demand is shown instead of making the roster infeasible.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MIN_PER_DAY = 24 * 60


@dataclass(frozen=True, slots=True)
class ShiftType:
    """One kind of shift.

    Attributes
    ----------
    id : str
        Shift identifier (unique within a problem).
    start_min : int
        Start, minutes after local midnight of its day [min].
    length_min : int
        Length from start to end, breaks included [min].
    paid_min : int
        Paid minutes (counted against contracts) [min].
    night : bool
        A night shift (counted for night fairness; refused to staff without nights).
    evening : bool
        An evening shift (counted for evening fairness).
    pool : str
        Skill or pool a person must hold to work it ("" = anyone).
    """

    id: str
    start_min: int
    length_min: int
    paid_min: int
    night: bool = False
    pool: str = ""
    evening: bool = False

    @property
    def end_min(self) -> int:
        """End, minutes after local midnight of its start day (may exceed 1440) [min]."""
        return self.start_min + self.length_min


@dataclass(frozen=True, slots=True)
class Contract:
    """Hard limits of one person's working pattern (``None`` = no limit).

    Attributes
    ----------
    min_total_min, max_total_min : int, optional
        Paid minutes over the horizon [min]. The minimum is hard unless
        ``Weights.short_per_min`` is set (then each minute short costs that weight).
    max_shifts : dict of str to int
        Most shifts of a type over the horizon (0 forbids the type).
    max_consecutive_days, min_consecutive_days : int, optional
        Longest / shortest run of working days (the shortest is not enforced for runs touching
        the horizon's first or last day).
    min_consecutive_days_off : int, optional
        Shortest run of days off (same horizon-edge exemption).
    max_weekends : int, optional
        Weekends (Saturday or Sunday worked) over the horizon.
    max_days_per_week : int, optional
        Working days per calendar week (weeks as cut by ``first_weekday``).
    max_min_per_week : int, optional
        Paid minutes per calendar week [min].
    earliest_start_min, latest_end_min : int, optional
        No shift starts before / ends after, minutes after local midnight [min].
    nights_allowed : bool
        May work night shifts.
    """

    min_total_min: int | None = None
    max_total_min: int | None = None
    max_shifts: dict[str, int] = field(default_factory=dict)
    max_consecutive_days: int | None = None
    min_consecutive_days: int | None = None
    min_consecutive_days_off: int | None = None
    max_weekends: int | None = None
    max_days_per_week: int | None = None
    max_min_per_week: int | None = None
    earliest_start_min: int | None = None
    latest_end_min: int | None = None
    nights_allowed: bool = True


@dataclass(frozen=True, slots=True)
class Staff:
    """A named person.

    Attributes
    ----------
    id : str
        Person identifier.
    contract : Contract
        Hard limits.
    pools : frozenset of str
        Pools/skills held (shift types with a pool outside this set are refused).
    days_off : frozenset of int
        Days this person cannot work at all (hard).
    blocked : frozenset of (int, str)
        (day, shift id) pairs this person cannot work (part-day time off; hard).
    group : str
        Fairness group (weekends and nights are shared fairly within it).
    """

    id: str
    contract: Contract
    pools: frozenset[str] = frozenset()
    days_off: frozenset[int] = frozenset()
    blocked: frozenset[tuple[int, str]] = frozenset()
    group: str = ""


@dataclass(frozen=True, slots=True)
class Request:
    """A soft wish: work (``on``) or not work (``off``) a shift (``shift=None``: any shift).

    ``weight`` is paid when the wish is not met.
    """

    staff: str
    day: int
    shift: str | None
    weight: int
    on: bool

    def penalty(self, held: str | None) -> int:
        """The weight paid when the person holds ``held`` on the request's day (a shift id;
        None: a day off): a wish to work is met by the shift asked (any shift when
        ``shift`` is None), a wish not to work by anything else."""
        hit = held is not None and (self.shift is None or held == self.shift)
        return self.weight if hit != self.on else 0


@dataclass(frozen=True, slots=True)
class Cover:
    """Demand for one shift type on one day: ``requirement`` people; each missing person
    costs ``weight_under``, each extra one ``weight_over``."""

    day: int
    shift: str
    requirement: int
    weight_under: int
    weight_over: int


@dataclass(frozen=True, slots=True)
class Weights:
    """Weights of the soft terms that are not requests or cover (0 switches a term off).

    Attributes
    ----------
    isolated_day_off : int
        Per single day off between two working days (days off come in pairs).
    start_change : int
        Per extra distinct start time a person has within a calendar week.
    weekend_spread, night_spread, evening_spread : int
        Per unit of (most − fewest) weekends / night shifts / evening shifts within a
        fairness group.
    change : int
        Per day whose assignment differs from the published roster.
    rotation : int
        Per day whose assignment (the shift, or off) differs from the same day
        ``RosterProblem.rotation_days`` earlier (the roster repeats as a rotation).
    short_per_min : int
        Per paid minute short of ``Contract.min_total_min``; 0 makes the minimum hard.
    """

    isolated_day_off: int = 0
    start_change: int = 0
    weekend_spread: int = 0
    night_spread: int = 0
    evening_spread: int = 0
    change: int = 0
    rotation: int = 0
    short_per_min: int = 0


@dataclass(frozen=True, slots=True)
class RosterProblem:
    """Everything the roster solver needs.

    Attributes
    ----------
    days : int
        Horizon length [days].
    shifts : tuple of ShiftType
    staff : tuple of Staff
    cover : tuple of Cover
        Demand lines; a (day, shift type) without a line has no demand and no cost.
    requests : tuple of Request
    cannot_follow : frozenset of (str, str)
        Explicit (a, b): b may not be worked the day after a.
    min_rest_h : float
        Minimum rest between the end of one shift and the start of the next day's [h];
        0 switches the rule off.
    first_weekday : int
        Weekday of day 0 (0 = Monday).
    weights : Weights
    published : dict of (str, int) to str or None
        Published roster (staff, day) → shift id (None = off) for re-rostering.
    pinned : frozenset of (str, int)
        (staff, day) kept exactly as published (hard).
    rotation_days : int
        Period of the rotation each person's days should repeat with [days] (a whole number
        of weeks; 0 = no rotation). Each day that breaks it costs ``Weights.rotation``.
    """

    days: int
    shifts: tuple[ShiftType, ...]
    staff: tuple[Staff, ...]
    cover: tuple[Cover, ...] = ()
    requests: tuple[Request, ...] = ()
    cannot_follow: frozenset[tuple[str, str]] = frozenset()
    min_rest_h: float = 11.0
    first_weekday: int = 0
    weights: Weights = field(default_factory=Weights)
    published: dict[tuple[str, int], str | None] = field(default_factory=dict)
    pinned: frozenset[tuple[str, int]] = frozenset()
    rotation_days: int = 0

    def change_penalty(self, staff: str, day: int, held: str | None) -> int:
        """The weight paid when ``staff`` holds ``held`` on ``day`` (a shift id; None: a
        day off) against the published roster: ``weights.change`` where a published day
        differs, 0 on the published option and on days not published."""
        key = (staff, day)
        if key not in self.published or self.published[key] == held:
            return 0
        return self.weights.change

    def shift(self, shift_id: str) -> ShiftType:
        """The shift type called ``shift_id``."""
        for s in self.shifts:
            if s.id == shift_id:
                return s
        raise KeyError(shift_id)

    def forbidden_successions(self) -> frozenset[tuple[str, str]]:
        """(a, b) pairs where b may not be worked the day after a: explicit cannot-follow
        plus every pair whose rest (b's start next day − a's end) is below ``min_rest_h``."""
        pairs = set(self.cannot_follow)
        rest_min = self.min_rest_h * 60
        if rest_min > 0:
            for a in self.shifts:
                for b in self.shifts:
                    if MIN_PER_DAY + b.start_min - a.end_min < rest_min:
                        pairs.add((a.id, b.id))
        return frozenset(pairs)

    def rotation_breaks(self, days: dict[int, str]) -> int:
        """Days of one person (``days``: day → shift id of the worked days) whose shift, or
        day off, differs from the same day ``rotation_days`` earlier (0 without rotation)."""
        n = self.rotation_days
        if n <= 0:
            return 0
        return sum(1 for d in range(n, self.days) if days.get(d) != days.get(d - n))

    def weekday(self, day: int) -> int:
        """Weekday of ``day`` (0 = Monday)."""
        return (self.first_weekday + day) % 7

    def weeks(self) -> list[list[int]]:
        """Days grouped by calendar week (Monday to Sunday), clipped to the horizon."""
        out: list[list[int]] = []
        for d in range(self.days):
            if d == 0 or self.weekday(d) == 0:
                out.append([])
            out[-1].append(d)
        return out

    def weekends_worked(self, days: dict[int, str] | set[int]) -> int:
        """Weekends with at least one of ``days`` (a person's worked days) in them."""
        return sum(1 for we in self.weekends() if any(d in days for d in we))

    def nights_worked(self, days: dict[int, str]) -> int:
        """Night shifts among ``days`` (day → shift id of a person's worked days)."""
        return self._kind_worked("night", days)

    def evenings_worked(self, days: dict[int, str]) -> int:
        """Evening shifts among ``days`` (day → shift id of a person's worked days)."""
        return self._kind_worked("evening", days)

    def _kind_worked(self, kind: str, days: dict[int, str]) -> int:
        """Shifts among ``days`` whose type is flagged ``kind`` ("night", "evening")."""
        ids = {s.id for s in self.shifts if getattr(s, kind)}
        return sum(1 for t in days.values() if t in ids)

    def weekends(self) -> list[list[int]]:
        """Saturday/Sunday day pairs (or single days at the edges) inside the horizon."""
        out: list[list[int]] = []
        for week in self.weeks():
            days = [d for d in week if self.weekday(d) >= 5]
            if days:
                out.append(days)
        return out


def shift_allowed(problem: RosterProblem, person: Staff, day: int, shift: ShiftType) -> str:
    """Why ``person`` may not work ``shift`` on ``day`` for a static reason ("" = allowed).

    Static reasons are those that do not depend on the rest of the roster: time off, pool,
    nights, earliest start / latest end and a zero shift-type limit.
    """
    c = person.contract
    if day in person.days_off or (day, shift.id) in person.blocked:
        return "time off"
    if shift.pool and shift.pool not in person.pools:
        return "pool/skill"
    if shift.night and not c.nights_allowed:
        return "nights not allowed"
    if c.earliest_start_min is not None and shift.start_min < c.earliest_start_min:
        return "earliest start"
    if c.latest_end_min is not None and shift.end_min > c.latest_end_min:
        return "latest end"
    if c.max_shifts.get(shift.id, 1) == 0:
        return "shift type not in contract"
    return ""
