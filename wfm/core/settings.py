"""Settings of the solver, simulation and synthetic-history stages, and the longest plan.

The forecast's settings live in :mod:`wfm.core.forecast_settings`, the nightly job's in
:mod:`wfm.core.nightly_settings` and the roster's in :mod:`wfm.core.roster_settings`;
:mod:`wfm.core.config` re-exports them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from wfm.core.checks import (
    MAX_COST,
    MAX_FACTOR,
    check_choice,
    check_known,
    check_positive,
    check_rate,
)
from wfm.core.errors import ConfigError
from wfm.core.sites import WEEKDAYS

MAX_HORIZON_DAYS = 366
"""Longest plan: a year of days; longer horizons are a typo, not a plan [days]."""


MAX_REPLICATIONS = 1000
"""Most simulation replications of a plan (the demo's week takes about a second each: a
hundred million ran for ever)."""
MAX_CORRECTION_ROUNDS = 20
"""Most rounds of correction by simulation (each one simulates and schedules again)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SolverConfig:
    """Optimiser settings; the same seed and workers give the same schedule.

    Attributes
    ----------
    time_limit_s : float
        Wall-time limit of the shift solve [s].
    gap_target_rate : float
        Stop once the schedule is within this share of the best bound.
    num_workers : int
        Solver threads.
    shortfall_cost_per_h, overstaff_cost_per_h : float
        Penalty per uncovered / surplus on-queue agent-hour [currency per h].
    solver : {"cbc", "scip", "highs"}
        Mixed-integer solver of OR-Tools' linear-solver wrapper.
    method : {"lp_guided", "mip"}
        ``lp_guided``: solve the LP relaxation, keep the whole part of every shift count
        and let the MIP solver place the rest; ``mip``: hand the whole model to the solver.
    polish : bool
        ``lp_guided`` only: after the local search, re-optimise the schedule by restricted
        MIPs by site and day (SCIP, in worker processes). Off by default: it found nothing
        on the demo plan, whose dive already meets the target gap (docs/schedule.md).
    """

    time_limit_s: float = 60.0
    gap_target_rate: float = 0.01
    num_workers: int = 2
    shortfall_cost_per_h: float = 200.0
    overstaff_cost_per_h: float = 0.5
    solver: Literal["cbc", "scip", "highs"] = "cbc"
    method: Literal["lp_guided", "mip"] = "lp_guided"
    polish: bool = False

    def __post_init__(self) -> None:
        check_choice("solver", self.solver, ("cbc", "scip", "highs"))
        check_choice("method", self.method, ("lp_guided", "mip"))
        check_positive("time_limit_s", self.time_limit_s)
        check_rate("gap_target_rate", self.gap_target_rate)
        check_positive("num_workers", self.num_workers)
        check_positive(
            "shortfall_cost_per_h", self.shortfall_cost_per_h, allow_zero=True, most=MAX_COST
        )
        check_positive(
            "overstaff_cost_per_h", self.overstaff_cost_per_h, allow_zero=True, most=MAX_COST
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class SimulationConfig:
    """Simulation check settings.

    Attributes
    ----------
    replications : int
        Independent seeded runs of the plan; confidence intervals come from their spread.
    service_time : {"exponential", "lognormal"}
        Distribution of handle times around the split's ``human_aht_s``.
    service_cv : float
        Coefficient of variation of log-normal handle times (exponential: always 1).
    shrinkage_draw : {"binomial", "expected", "none"}
        How shrinkage removes scheduled agents: an independent binomial draw per interval,
        pool and replication; the rounded expected count; or not at all (``pool_agents``
        already net of absence and training).
    overflow_wait_s : float, optional
        Wait after which a contact may also be answered by another region's site, as the
        overflow policy allows [s]; None: only the scheduler's overflow shares move contacts.
    level_rate : float
        Two-sided confidence level of the replication half-widths.
    correction_rounds : int
        Rounds of correction by simulation after the schedule: requirements of intervals
        significantly below target are raised and the schedule solved again, at most this
        many times (0: off); see ``wfm.pipeline.correction``.
    """

    replications: int = 10
    service_time: Literal["exponential", "lognormal"] = "exponential"
    service_cv: float = 1.0
    shrinkage_draw: Literal["binomial", "expected", "none"] = "binomial"
    overflow_wait_s: float | None = None
    level_rate: float = 0.95
    correction_rounds: int = 0

    def __post_init__(self) -> None:
        check_positive("replications", self.replications, most=MAX_REPLICATIONS)
        check_positive(
            "correction_rounds", self.correction_rounds, allow_zero=True, most=MAX_CORRECTION_ROUNDS
        )
        check_choice("service_time", self.service_time, ("exponential", "lognormal"))
        check_positive("service_cv", self.service_cv, most=MAX_FACTOR)
        check_choice("shrinkage_draw", self.shrinkage_draw, ("binomial", "expected", "none"))
        if self.overflow_wait_s is not None:
            check_positive("overflow_wait_s", self.overflow_wait_s, allow_zero=True)
        check_rate("level_rate", self.level_rate, low_open=True, high_open=True)


SamplePattern = Literal["office", "around_the_clock"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SampleConfig:
    """Synthetic history settings (``wfm sample``): volumes, origins, handle times, noise.

    Attributes
    ----------
    daily_contacts : dict of str to dict of str to float
        Mean contacts per day (a week's total / 7) per channel, then per segment
        (``[sample.daily_contacts.voice]`` ``open = 5200``) [contacts per day]. Empty → every
        (channel, segment) pair the segments allow gets ``default_daily_contacts``.
    default_daily_contacts : float
        Mean contacts per day of each pair when ``daily_contacts`` is empty [contacts per day].
    origin_share : dict of str to float
        Share of contacts arising at each site (sums to 1); the history then has a ``site``
        column. Empty → no ``site`` column (every contact belongs to the home site).
    aht_s : dict of str to float
        Mean handle time per channel [s]; channels not listed use 300 s (realtime),
        600 s (concurrent) or 480 s (deferred).
    abandon_rate : dict of str to float
        Mean share of contacts abandoned per channel; channels not listed use 0.05
        (realtime), 0.03 (concurrent) or 0 (deferred).
    pattern : dict of str to {"office", "around_the_clock"}
        Daily cycle per channel: ``office`` arrives only while the origin site is open
        (peaks late morning and mid-afternoon); ``around_the_clock`` arrives day and night
        (low at night, peaks late morning and evening). Not listed → ``office`` for
        realtime and concurrent channels, ``around_the_clock`` for deferred ones.
    weekday_factors : dict of str to float
        Relative volume of each weekday ``mon``..``sun``, normalised over the days a
        channel arrives; a table in the scenario replaces the default whole, and weekdays
        it leaves out get 1.
    holiday_factor : float
        Volume on a public holiday of the origin site's country relative to a normal
        day, for around-the-clock channels and sites open on holidays.
    noise_cv : float
        Coefficient of variation of the day-to-day volume noise of each channel (on top
        of Poisson arrivals).
    """

    daily_contacts: dict[str, dict[str, float]] = field(default_factory=dict)
    default_daily_contacts: float = 500.0
    origin_share: dict[str, float] = field(default_factory=dict)
    aht_s: dict[str, float] = field(default_factory=dict)
    abandon_rate: dict[str, float] = field(default_factory=dict)
    pattern: dict[str, SamplePattern] = field(default_factory=dict)
    weekday_factors: dict[str, float] = field(
        default_factory=lambda: {
            "mon": 1.25,
            "tue": 1.10,
            "wed": 1.05,
            "thu": 1.00,
            "fri": 0.95,
            "sat": 0.55,
            "sun": 0.30,
        }
    )
    holiday_factor: float = 0.5
    noise_cv: float = 0.08

    def __post_init__(self) -> None:
        for ch, by_segment in self.daily_contacts.items():
            for seg, value in by_segment.items():
                check_positive(f"daily_contacts.{ch}.{seg}", value, allow_zero=True)
        check_positive("default_daily_contacts", self.default_daily_contacts, allow_zero=True)
        for site, share in self.origin_share.items():
            check_rate(f"origin_share.{site}", share)
        if self.origin_share and abs(sum(self.origin_share.values()) - 1.0) > 1e-9:
            raise ConfigError(
                f"shares must sum to 1; got {sum(self.origin_share.values()):g}",
                key="origin_share",
            )
        for ch, v in self.aht_s.items():
            check_positive(f"aht_s.{ch}", v)
        for ch, v in self.abandon_rate.items():
            check_rate(f"abandon_rate.{ch}", v, high_open=True)
        for ch, pattern in self.pattern.items():
            check_choice(f"pattern.{ch}", pattern, ("office", "around_the_clock"))
        check_known("weekday_factors", self.weekday_factors, WEEKDAYS, "weekday")
        for day, v in self.weekday_factors.items():
            check_positive(f"weekday_factors.{day}", v, allow_zero=True)
        if not any(self.weekday_factor(day) > 0 for day in WEEKDAYS):
            raise ConfigError("at least one weekday needs a factor > 0", key="weekday_factors")
        check_positive("holiday_factor", self.holiday_factor, allow_zero=True)
        check_positive("noise_cv", self.noise_cv, allow_zero=True)

    def weekday_factor(self, weekday: str) -> float:
        """Relative volume of ``weekday`` (``mon``..``sun``); 1 when not listed."""
        return self.weekday_factors.get(weekday, 1.0)
