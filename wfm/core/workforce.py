"""Shrinkage and shift rules: how paid time turns into agents on queue."""

from __future__ import annotations

from dataclasses import dataclass, field

from wfm.core.checks import (
    check_hhmm,
    check_positive,
    check_shrinkage,
)
from wfm.core.errors import ConfigError


@dataclass(frozen=True, slots=True, kw_only=True)
class ShrinkageConfig:
    """Share of paid time not available for contacts other than breaks (absence, training,
    coaching, meetings); the scheduler places breaks itself (``ShiftRules.breaks``).

    The rate of a (site, channel) is the site's own ``shrinkage_rate`` if set, else the
    channel's value here, else ``default_rate``. Staffing turns on-queue agents into paid
    agents as ``agents_required / (1 − rate)``.
    """

    default_rate: float = 0.30
    by_channel: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_shrinkage("default_rate", self.default_rate)
        for k, v in self.by_channel.items():
            check_shrinkage(f"by_channel.{k}", v)


@dataclass(frozen=True, slots=True, kw_only=True)
class BreakRule:
    """One break in a shift; the solver places it inside its window.

    Attributes
    ----------
    length_min : int
        Break length [min].
    earliest_after_min, latest_after_min : int
        Window for the break start, counted from the shift start [min].
    min_shift_length_min : int
        The break applies to shifts at least this long [min].
    paid : bool
        Paid breaks cost but do not count as on-queue time.
    """

    length_min: int
    earliest_after_min: int
    latest_after_min: int
    min_shift_length_min: int = 0
    paid: bool = False

    def __post_init__(self) -> None:
        check_positive("length_min", self.length_min)
        check_positive("earliest_after_min", self.earliest_after_min, allow_zero=True)
        if self.latest_after_min < self.earliest_after_min:
            raise ConfigError(
                f"must be ≥ earliest_after_min ({self.earliest_after_min}); got "
                f"{self.latest_after_min}",
                key="latest_after_min",
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class ShiftRules:
    """Shift templates and weekly rules shared by all sites.

    Attributes
    ----------
    start_step_min : int
        Shifts start on multiples of this many minutes (site-local) [min].
    lengths_min : tuple of int
        Allowed paid shift lengths [min].
    breaks : tuple of BreakRule
        Breaks placed inside each shift they apply to.
    earliest_start_local, latest_end_local : str
        Bounds of shift times in site-local ``HH:MM``; ``latest_end_local`` before
        ``earliest_start_local`` allows shifts that end after midnight.
    max_days_per_week : int
        Working days per agent per week.
    min_rest_h : float
        Rest between two shifts of one agent [h].
    max_h_per_week : float
        Paid hours per agent per week [h].
    break_step_min : int, optional
        Step between candidate break starts inside their window [min]; default the
        scenario's ``interval_min``.
    min_agents_on_queue : int
        Hard floor of on-queue agents per site during every open interval [agents]; a
        headcount or template set that cannot meet it is an infeasible plan.
    """

    start_step_min: int = 30
    lengths_min: tuple[int, ...] = (240, 360, 480)
    breaks: tuple[BreakRule, ...] = ()
    earliest_start_local: str = "00:00"
    latest_end_local: str = "24:00"
    max_days_per_week: int = 5
    min_rest_h: float = 11.0
    max_h_per_week: float = 40.0
    break_step_min: int | None = None
    min_agents_on_queue: int = 0

    def __post_init__(self) -> None:
        check_positive("start_step_min", self.start_step_min)
        if self.break_step_min is not None:
            check_positive("break_step_min", self.break_step_min)
        check_positive("min_agents_on_queue", self.min_agents_on_queue, allow_zero=True)
        if not self.lengths_min:
            raise ConfigError("needs at least one shift length", key="lengths_min")
        for i, v in enumerate(self.lengths_min):
            check_positive(f"lengths_min[{i}]", v)
        check_hhmm("earliest_start_local", self.earliest_start_local)
        check_hhmm("latest_end_local", self.latest_end_local)
        check_positive("max_days_per_week", self.max_days_per_week)
        if self.max_days_per_week > 7:
            raise ConfigError(
                f"must be in (0, 7]; got {self.max_days_per_week}", key="max_days_per_week"
            )
        check_positive("min_rest_h", self.min_rest_h, allow_zero=True)
        check_positive("max_h_per_week", self.max_h_per_week)
