"""Settings of the forecast, solver, simulation, synthetic-history and nightly stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from wfm.core.checks import (
    check_between,
    check_choice,
    check_known,
    check_positive,
    check_rate,
)
from wfm.core.errors import ConfigError
from wfm.core.sites import WEEKDAYS

ForecastModel = Literal[
    "seasonal_naive",
    "week_average",
    "week_median",
    "top_down_ets",
    "top_down_factors",
    "direct_mstl",
    "ensemble",
]
FORECAST_MODELS: tuple[str, ...] = (
    "seasonal_naive",
    "week_average",
    "week_median",
    "top_down_ets",
    "top_down_factors",
    "direct_mstl",
    "ensemble",
)

MAX_HORIZON_DAYS = 366
"""Longest plan: a year of days; longer horizons are a typo, not a plan [days]."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ForecastConfig:
    """Forecast stage settings.

    Attributes
    ----------
    models : tuple of str
        Candidate models tried by the backtest (registry names of ``wfm.forecast``).
    level_rate : float
        Prediction-interval level (0.8 → 10 %–90 % quantiles).
    history_weeks : int
        Weeks of history used (most recent).
    backtest_origins : int
        Rolling origins of the backtest that selects the model per series.
    backtest_step_days : int
        Days between two backtest origins [days].
    backtest_horizon_days : int, optional
        Days forecast from each origin [days]; default the scenario's ``horizon_days``.
    average_weeks : int
        Weeks averaged by ``week_average`` and ``week_median``.
    profile_weeks : int
        Recent weeks of each weekday that shape the intraday profile of ``top_down_ets``.
    ensemble_size : int
        Best candidates (by backtest wMAPE) averaged with equal weights by ``ensemble``.
    min_history_weeks : float
        Shorter histories skip the backtest and use ``fallback_model`` (noted) [weeks].
    fallback_model : str
        Model of short histories; a baseline (not ``ensemble``).
    fallback_error_rate : float
        Relative error (coefficient of variation beyond Poisson noise) that sizes prediction
        intervals when no backtest could measure it.
    default_aht_s : float
        Handle time of series whose history has none (noted when used) [s].
    aht_prior_contacts : float
        Credibility weight of the intraday AHT profile: a weekday-interval with this many
        contacts gets half its own mean and half the profile [contacts].
    seed_contacts_per_day : dict of str to float
        Daily contacts of new series without history, keyed ``"channel/segment"`` or
        ``"channel/segment/site"``; spread evenly over open intervals [contacts].
    events_file : str
        CSV of special days (``date``, ``scope``, ``multiplier`` or ``contacts``), next to the
        scenario file; empty for none.

    Where the series are forecast (local processes, a Dask scheduler) is not a scenario
    setting but an option of the run (:class:`wfm.core.run_options.RunOptions`); the
    former keys ``workers`` and ``dask_scheduler`` are errors that say so.
    """

    MOVED_KEYS: ClassVar[dict[str, str]] = {
        "workers": "is no longer a scenario key: the number of local processes is an option "
        "of the run; give --workers N to wfm plan, forecast, backtest or whatif, or "
        "workers = N in the nightly config",
        "dask_scheduler": "is no longer a scenario key (a scenario file must not choose where "
        "a run sends its work); give --dask-scheduler ADDRESS to wfm plan, forecast, "
        'backtest or whatif, or dask_scheduler = "ADDRESS" in the nightly config',
    }

    models: tuple[ForecastModel, ...] = FORECAST_MODELS  # type: ignore[assignment]
    level_rate: float = 0.80
    history_weeks: int = 8
    backtest_origins: int = 3
    backtest_step_days: int = 7
    backtest_horizon_days: int | None = None
    average_weeks: int = 4
    profile_weeks: int = 6
    ensemble_size: int = 3
    min_history_weeks: float = 2.0
    fallback_model: ForecastModel = "week_average"
    fallback_error_rate: float = 0.15
    default_aht_s: float = 300.0
    aht_prior_contacts: float = 20.0
    seed_contacts_per_day: dict[str, float] = field(default_factory=dict)
    events_file: str = ""

    def __post_init__(self) -> None:
        check_rate("level_rate", self.level_rate, low_open=True, high_open=True)
        check_positive("history_weeks", self.history_weeks)
        if not self.models:
            raise ConfigError("needs at least one model", key="models")
        for i, m in enumerate(self.models):
            check_choice(f"models[{i}]", m, FORECAST_MODELS)
        check_positive("backtest_origins", self.backtest_origins)
        check_positive("backtest_step_days", self.backtest_step_days)
        if self.backtest_horizon_days is not None:
            check_positive("backtest_horizon_days", self.backtest_horizon_days)
        check_positive("average_weeks", self.average_weeks)
        check_positive("profile_weeks", self.profile_weeks)
        check_positive("ensemble_size", self.ensemble_size)
        check_positive("min_history_weeks", self.min_history_weeks, allow_zero=True)
        check_choice("fallback_model", self.fallback_model, FORECAST_MODELS[:-1])
        check_positive("fallback_error_rate", self.fallback_error_rate, allow_zero=True)
        check_positive("default_aht_s", self.default_aht_s)
        check_positive("aht_prior_contacts", self.aht_prior_contacts, allow_zero=True)
        for k, v in self.seed_contacts_per_day.items():
            if not 2 <= len(k.split("/")) <= 3:
                raise ConfigError(
                    f"key must be 'channel/segment' or 'channel/segment/site'; got {k!r}",
                    key="seed_contacts_per_day",
                )
            check_positive(f"seed_contacts_per_day.{k}", v, allow_zero=True)


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
        check_positive("shortfall_cost_per_h", self.shortfall_cost_per_h, allow_zero=True)
        check_positive("overstaff_cost_per_h", self.overstaff_cost_per_h, allow_zero=True)


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
        check_positive("replications", self.replications)
        check_positive("correction_rounds", self.correction_rounds, allow_zero=True)
        check_choice("service_time", self.service_time, ("exponential", "lognormal"))
        check_positive("service_cv", self.service_cv)
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


@dataclass(frozen=True, slots=True, kw_only=True)
class NightlyConfig:
    """Settings of the nightly job (its own TOML file, not part of a scenario).

    Relative paths are resolved against the folder of the config file by the loader.

    Attributes
    ----------
    scenario_path : str
        Scenario TOML file to plan.
    actuals_path : str
        New actuals: one history CSV, or a folder whose ``*.csv`` files are all read.
    out_root : str
        Folder that receives one dated plan folder per night (``out_root/YYYY-MM-DD``).
    store_path : str
        DuckDB run store (runs, actuals, forecast snapshots, accuracy).
    lock_path : str
        Lock file that keeps two nightly runs from overlapping; empty →
        ``out_root/.nightly.lock``.
    log_path : str
        Log file the run appends to; empty → ``out_root/nightly.log``.
    horizon_days : int, optional
        Days to plan; overrides the scenario's ``horizon_days`` when set [days].
    exports : tuple of str
        Export layouts written to ``exports/`` in each dated folder.
    export_tz : str
        IANA zone of local-time exports (Calabrio); empty → the scenario's home site.
    report : bool
        Whether to write ``report.html`` in each dated folder.
    workers : int, optional
        Local processes forecasting series, and the solver's threads (over the scenario's
        ``solver.num_workers``); default every core and the scenario's threads.
    dask_scheduler : str
        Address of a Dask scheduler (``tcp://host:8786``) that forecasts the series; empty
        for local processes. Only a scheduler you trust: Dask exchanges pickled objects.
    time_limit_s : float, optional
        Wall-time limit of the shift solve; default the scenario's ``solver.time_limit_s``
        [s].
    """

    scenario_path: str
    actuals_path: str
    out_root: str
    store_path: str
    lock_path: str = ""
    log_path: str = ""
    horizon_days: int | None = None
    exports: tuple[str, ...] = ("genesys-historical", "amazon-connect-forecast", "calabrio")
    export_tz: str = ""
    report: bool = True
    workers: int | None = None
    dask_scheduler: str = ""
    time_limit_s: float | None = None

    def __post_init__(self) -> None:
        for name in ("scenario_path", "actuals_path", "out_root", "store_path"):
            if not getattr(self, name).strip():
                raise ConfigError("must be a path; got an empty string", key=name)
        if self.horizon_days is not None:
            check_between("horizon_days", self.horizon_days, 1, MAX_HORIZON_DAYS)
        if self.export_tz:
            try:
                ZoneInfo(self.export_tz)
            except (ZoneInfoNotFoundError, ValueError):
                raise ConfigError(
                    f"unknown time zone {self.export_tz!r}; expected an IANA name such as "
                    "'Europe/Paris', or empty for the scenario's home site",
                    key="export_tz",
                ) from None
        if len(set(self.exports)) != len(self.exports):
            raise ConfigError("lists a layout twice", key="exports")
        self.run_options(dask_scheduler_from="dask_scheduler")  # checks the run's options

    def run_options(self, *, dask_scheduler_from: str = "nightly config key dask_scheduler"):
        """The :class:`~wfm.core.run_options.RunOptions` of every nightly run."""
        from wfm.core.run_options import RunOptions

        return RunOptions(
            workers=self.workers,
            dask_scheduler=self.dask_scheduler.strip(),
            dask_scheduler_from=dask_scheduler_from,
            solver_num_workers=self.workers,
            time_limit_s=self.time_limit_s,
        )
