"""Scenario configuration: frozen dataclasses, validated on construction.

A scenario describes one contact centre: its channels and their queue models, customer
segments with targets and AI policy, sites grouped into regions, skills and pools, shrinkage,
shift rules and the settings of each stage. ``wfm.core.mapping.scenario_from_dict`` builds it
from the plain mapping of a TOML file and adds the key path (``sites.lyon.tz``) to every error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from wfm.core.checks import (
    check_choice,
    check_hhmm,
    check_known,
    check_positive,
    check_rate,
    check_slug,
)
from wfm.core.errors import ConfigError
from wfm.core.units import ALLOWED_INTERVAL_MIN

QueueModel = Literal["realtime", "concurrent", "deferred"]
RealtimeModel = Literal["erlang_c", "erlang_a"]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True, kw_only=True)
class ChannelConfig:
    """A medium of contact and the queue model that staffs it.

    Attributes
    ----------
    name : str
        Slug (``voice``, ``chat``, ``email``).
    queue_model : {"realtime", "concurrent", "deferred"}
        One contact per agent (Erlang), k conversations per agent, or work within a deadline.
    realtime_model : {"erlang_c", "erlang_a"}
        Queue formula for realtime and concurrent channels; Erlang A needs ``patience_s``.
    max_concurrency : int
        Conversations one agent handles at once (concurrent channels) [contacts].
    concurrency_aht_factor : float
        Relative growth of handle time per extra simultaneous conversation (0.1 → +10 % each).
    deadline_h : float, optional
        Answer-within time of deferred channels, counted in opening hours [h].
    patience_s : float, optional
        Mean time to abandon (Erlang A) [s].
    """

    name: str
    queue_model: QueueModel
    realtime_model: RealtimeModel = "erlang_c"
    max_concurrency: int = 1
    concurrency_aht_factor: float = 0.0
    deadline_h: float | None = None
    patience_s: float | None = None

    def __post_init__(self) -> None:
        check_slug("name", self.name)
        check_choice("queue_model", self.queue_model, ("realtime", "concurrent", "deferred"))
        check_choice("realtime_model", self.realtime_model, ("erlang_c", "erlang_a"))
        check_positive("max_concurrency", self.max_concurrency)
        check_positive("concurrency_aht_factor", self.concurrency_aht_factor, allow_zero=True)
        if self.queue_model == "concurrent" and self.max_concurrency < 2:
            raise ConfigError(
                "a concurrent channel needs max_concurrency ≥ 2", key="max_concurrency"
            )
        if self.queue_model != "concurrent" and self.max_concurrency != 1:
            raise ConfigError(
                f"only concurrent channels take max_concurrency; this one is {self.queue_model}",
                key="max_concurrency",
            )
        if self.queue_model == "deferred":
            if self.deadline_h is None:
                raise ConfigError("a deferred channel needs deadline_h (e.g. 24)", key="deadline_h")
            check_positive("deadline_h", self.deadline_h)
        elif self.deadline_h is not None:
            raise ConfigError("only deferred channels take deadline_h", key="deadline_h")
        if self.patience_s is not None:
            check_positive("patience_s", self.patience_s)
        if self.realtime_model == "erlang_a" and self.patience_s is None:
            raise ConfigError("realtime_model 'erlang_a' needs patience_s", key="patience_s")


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceTarget:
    """Service goal of one channel in one segment, e.g. 80 % answered within 20 s.

    For deferred channels only ``sl_target_rate`` matters (share answered within the
    channel's ``deadline_h``).
    """

    sl_target_rate: float = 0.80
    sl_threshold_s: float = 20.0
    asa_target_s: float | None = None
    max_abandon_rate: float | None = None
    max_occupancy_rate: float = 0.85

    def __post_init__(self) -> None:
        check_rate("sl_target_rate", self.sl_target_rate, low_open=True)
        check_positive("sl_threshold_s", self.sl_threshold_s)
        if self.asa_target_s is not None:
            check_positive("asa_target_s", self.asa_target_s)
        if self.max_abandon_rate is not None:
            check_rate("max_abandon_rate", self.max_abandon_rate)
        check_rate("max_occupancy_rate", self.max_occupancy_rate, low_open=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class AiPolicy:
    """How AI agents take one channel of one segment.

    Attributes
    ----------
    ai_first_rate : float
        Share of contacts offered to an AI agent first.
    containment_rate : float
        Share of AI-handled contacts the AI resolves without a person.
    escalation_aht_factor : float
        Human handle time of an escalated contact relative to the channel's AHT (≥ 1 typical).
    escalation_delay_s : float
        Time already spent with the AI before escalation [s].
    max_ai_share_rate : float
        Cap on the share of the segment's contacts the AI may resolve.
    cost_per_ai_contact, cost_per_escalation : float
        Variable AI cost per AI-handled contact, extra cost per escalation [currency].
    min_ai_share_rate : float
        Floor of the share of the segment's contacts the AI resolves that the shift optimiser
        may move to (lower bound of the split's ``ai_min_rate``); 0 lets it send every
        contact to a person.
    ai_resolution_rate : float
        First-contact resolution of AI-contained contacts: the rest come back as repeat
        contacts (``split.repeat_delay_profile_rate``).
    human_resolution_rate : float
        First-contact resolution of contacts answered by a person on this channel.
    ai_first_closed_rate : float, optional
        Share offered to an AI agent first while the site is closed (e.g. 1.0: out of hours
        the bot takes every contact); default ``ai_first_rate``.
    """

    ai_first_rate: float = 0.0
    containment_rate: float = 0.0
    escalation_aht_factor: float = 1.0
    escalation_delay_s: float = 0.0
    max_ai_share_rate: float = 1.0
    cost_per_ai_contact: float = 0.0
    cost_per_escalation: float = 0.0
    min_ai_share_rate: float = 0.0
    ai_resolution_rate: float = 1.0
    human_resolution_rate: float = 1.0
    ai_first_closed_rate: float | None = None

    def __post_init__(self) -> None:
        check_rate("ai_first_rate", self.ai_first_rate)
        check_rate("containment_rate", self.containment_rate)
        check_positive("escalation_aht_factor", self.escalation_aht_factor)
        check_positive("escalation_delay_s", self.escalation_delay_s, allow_zero=True)
        check_rate("max_ai_share_rate", self.max_ai_share_rate)
        check_positive("cost_per_ai_contact", self.cost_per_ai_contact, allow_zero=True)
        check_positive("cost_per_escalation", self.cost_per_escalation, allow_zero=True)
        check_rate("min_ai_share_rate", self.min_ai_share_rate)
        if self.min_ai_share_rate > self.max_ai_share_rate:
            raise ConfigError(
                f"must be ≤ max_ai_share_rate ({self.max_ai_share_rate}); got "
                f"{self.min_ai_share_rate}",
                key="min_ai_share_rate",
            )
        check_rate("ai_resolution_rate", self.ai_resolution_rate)
        check_rate("human_resolution_rate", self.human_resolution_rate)
        if self.ai_first_closed_rate is not None:
            check_rate("ai_first_closed_rate", self.ai_first_closed_rate)


@dataclass(frozen=True, slots=True, kw_only=True)
class SegmentPolicy:
    """A customer service tier: which channels it uses, its targets, AI policy and routing rules.

    Attributes
    ----------
    channels : tuple of str
        Channels this segment may use.
    targets : dict of str to ServiceTarget
        Service target per channel; channels without one use ``ServiceTarget()`` defaults.
    ai : dict of str to AiPolicy
        AI policy per channel; channels without one get no AI.
    must_reach_human : bool
        Every contact is answered by a person (AI may not contain any).
    stay_in_region : bool
        Contacts never overflow out of their region.
    onshore_only : bool
        Contacts are only answered in onshore regions.
    in_house_only : bool
        Contacts are only answered by in-house (not outsourced) sites.
    no_ai_channels : tuple of str
        Channels on which AI agents may not take this segment's contacts at all (not even
        to triage them before a person).
    """

    name: str
    channels: tuple[str, ...]
    targets: dict[str, ServiceTarget] = field(default_factory=dict)
    ai: dict[str, AiPolicy] = field(default_factory=dict)
    must_reach_human: bool = False
    stay_in_region: bool = False
    onshore_only: bool = False
    in_house_only: bool = False
    no_ai_channels: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_slug("name", self.name)
        if not self.channels:
            raise ConfigError("a segment needs at least one channel", key="channels")
        check_known("targets", self.targets, self.channels, "channel of this segment")
        check_known("ai", self.ai, self.channels, "channel of this segment")
        check_known("no_ai_channels", self.no_ai_channels, self.channels, "channel of this segment")
        for ch in self.no_ai_channels:
            if ch in self.ai and (
                self.ai[ch].ai_first_rate > 0 or (self.ai[ch].ai_first_closed_rate or 0) > 0
            ):
                raise ConfigError(
                    f"channel {ch!r} is in no_ai_channels; set ai_first_rate = 0 or remove it "
                    "from no_ai_channels",
                    key=f"ai.{ch}.ai_first_rate",
                )
        if self.must_reach_human:
            for ch, pol in self.ai.items():
                if pol.containment_rate > 0 and pol.ai_first_rate > 0:
                    raise ConfigError(
                        "must_reach_human segments cannot have AI containment; set "
                        "containment_rate = 0 or must_reach_human = false",
                        key=f"ai.{ch}.containment_rate",
                    )

    def target(self, channel: str) -> ServiceTarget:
        """Service target of ``channel`` (defaults when none is configured)."""
        return self.targets.get(channel, ServiceTarget())

    def ai_policy(self, channel: str) -> AiPolicy:
        """AI policy of ``channel`` (no AI when none is configured)."""
        return self.ai.get(channel, AiPolicy())


@dataclass(frozen=True, slots=True, kw_only=True)
class RegionConfig:
    """A group of sites that share overflow policy (e.g. one country)."""

    name: str
    onshore: bool = True

    def __post_init__(self) -> None:
        check_slug("name", self.name)


@dataclass(frozen=True, slots=True, kw_only=True)
class OverflowPolicy:
    """Which regions may answer which regions' contacts, and how much.

    Attributes
    ----------
    pairs : tuple of (str, str)
        Allowed (from_region, to_region) moves of contacts.
    max_overflow_rate : float
        Cap on the share of a region's contacts (per interval and skill) answered elsewhere.
    cost_per_contact : float
        Cost of one overflowed contact (routing, telecom) [currency].
    """

    pairs: tuple[tuple[str, str], ...] = ()
    max_overflow_rate: float = 0.2
    cost_per_contact: float = 0.0

    def __post_init__(self) -> None:
        check_rate("max_overflow_rate", self.max_overflow_rate)
        check_positive("cost_per_contact", self.cost_per_contact, allow_zero=True)
        for i, pair in enumerate(self.pairs):
            if len(pair) != 2 or pair[0] == pair[1]:
                raise ConfigError(
                    f"must be [from_region, to_region] with two different regions; got {pair!r}",
                    key=f"pairs[{i}]",
                )


@dataclass(frozen=True, slots=True, kw_only=True)
class SkillConfig:
    """A competence: one channel for some segments (and a language).

    Requirements are keyed by skill; each (channel, segment) maps to exactly one skill.
    """

    name: str
    channel: str
    segments: tuple[str, ...]
    language: str = ""

    def __post_init__(self) -> None:
        check_slug("name", self.name)
        if not self.segments:
            raise ConfigError("a skill needs at least one segment", key="segments")


@dataclass(frozen=True, slots=True, kw_only=True)
class PoolConfig:
    """Agents of one site who share a set of skills.

    Attributes
    ----------
    skills : tuple of str
        Skills every agent of the pool holds.
    headcount : int
        Agents employed in the pool [agents].
    proficiency : dict of str to float
        Optional productivity per skill in (0, 1] (1 = full speed).
    """

    name: str
    skills: tuple[str, ...]
    headcount: int
    proficiency: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_slug("name", self.name)
        if not self.skills:
            raise ConfigError("a pool needs at least one skill", key="skills")
        check_positive("headcount", self.headcount, allow_zero=True)
        check_known("proficiency", self.proficiency, self.skills, "skill of this pool")
        for k, v in self.proficiency.items():
            check_rate(f"proficiency.{k}", v, low_open=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteConfig:
    """A place where agents work: in-house or outsourced, with its own time zone and hours.

    Attributes
    ----------
    region : str
        Region the site belongs to.
    tz : str
        IANA time zone (``Europe/Paris``).
    country : str
        ISO 3166 country code for public holidays (``FR``); empty for none.
    hours : dict of str to str
        Opening hours per weekday ``mon``..``sun`` as ``"HH:MM-HH:MM"`` or ``"closed"``; days
        not listed are closed. ``"00:00-24:00"`` is open all day.
    closed_on_holidays : bool
        Whether the site closes on the country's public holidays.
    cost_per_h : float
        Loaded cost of one paid agent-hour [currency per h].
    outsourced : bool
        A BPO site (``in_house_only`` segments never go there).
    pools : dict of str to PoolConfig
        Agent pools with their skills and headcount.
    shrinkage_rate : float, optional
        Site shrinkage; overrides the scenario's per-channel and default values.
    """

    name: str
    region: str
    tz: str
    country: str = ""
    hours: dict[str, str] = field(default_factory=dict)
    closed_on_holidays: bool = True
    cost_per_h: float = 0.0
    outsourced: bool = False
    pools: dict[str, PoolConfig] = field(default_factory=dict)
    shrinkage_rate: float | None = None

    def __post_init__(self) -> None:
        check_slug("name", self.name)
        try:
            ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(
                f"unknown time zone {self.tz!r}; expected an IANA name such as 'Europe/Paris'",
                key="tz",
            ) from None
        check_known("hours", self.hours, WEEKDAYS, "weekday")
        for day, span in self.hours.items():
            self.open_span_min(day)  # validates
            del span
        check_positive("cost_per_h", self.cost_per_h, allow_zero=True)
        if self.shrinkage_rate is not None:
            check_rate("shrinkage_rate", self.shrinkage_rate, high_open=True)

    def open_span_min(self, weekday: str) -> tuple[int, int] | None:
        """Opening span of ``weekday`` as (open, close) minutes after local midnight, or None.

        A close before the open means the site closes after midnight (``"20:00-02:00"``).
        """
        span = self.hours.get(weekday, "closed").strip().lower()
        if span == "closed":
            return None
        key = f"hours.{weekday}"
        if span.count("-") != 1:
            raise ConfigError(f"must be 'HH:MM-HH:MM' or 'closed'; got {span!r}", key=key)
        a, b = span.split("-")
        start, end = check_hhmm(key, a.strip()), check_hhmm(key, b.strip())
        if start == end:
            raise ConfigError(f"opening and closing times are equal in {span!r}", key=key)
        return start, end


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
        check_rate("default_rate", self.default_rate, high_open=True)
        for k, v in self.by_channel.items():
            check_rate(f"by_channel.{k}", v, high_open=True)


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
    workers : int, optional
        Local processes forecasting series in parallel; default every core.
    dask_scheduler : str
        Address of a Dask scheduler (``tcp://host:8786``) to run series on a cluster instead
        of local processes; empty for local.
    """

    models: tuple[ForecastModel, ...] = FORECAST_MODELS  # type: ignore[assignment]
    level_rate: float = 0.80
    history_weeks: int = 8
    backtest_origins: int = 3
    backtest_step_days: int = 7
    backtest_horizon_days: int | None = None
    average_weeks: int = 4
    profile_weeks: int = 6
    ensemble_size: int = 3
    min_history_weeks: float = 3.0
    fallback_model: ForecastModel = "week_average"
    fallback_error_rate: float = 0.15
    default_aht_s: float = 300.0
    aht_prior_contacts: float = 20.0
    seed_contacts_per_day: dict[str, float] = field(default_factory=dict)
    events_file: str = ""
    workers: int | None = None
    dask_scheduler: str = ""

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
        if self.workers is not None:
            check_positive("workers", self.workers)


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
    """

    time_limit_s: float = 60.0
    gap_target_rate: float = 0.01
    num_workers: int = 2
    shortfall_cost_per_h: float = 200.0
    overstaff_cost_per_h: float = 0.5
    solver: Literal["cbc", "scip", "highs"] = "cbc"
    method: Literal["lp_guided", "mip"] = "lp_guided"

    def __post_init__(self) -> None:
        check_choice("solver", self.solver, ("cbc", "scip", "highs"))
        check_choice("method", self.method, ("lp_guided", "mip"))
        check_positive("time_limit_s", self.time_limit_s)
        check_rate("gap_target_rate", self.gap_target_rate)
        check_positive("num_workers", self.num_workers)
        check_positive("shortfall_cost_per_h", self.shortfall_cost_per_h, allow_zero=True)
        check_positive("overstaff_cost_per_h", self.overstaff_cost_per_h, allow_zero=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class AiCapacityConfig:
    """Capacity of the AI agents of one channel.

    Attributes
    ----------
    max_sessions : int
        Concurrent AI sessions (voicebot ports, chat sessions, licences) [sessions].
    ai_aht_s : float
        Mean time an AI session lasts [s].
    hours : str
        ``"24/7"`` or ``"site"`` (AI answers only while the home site is open).
    """

    name: str
    max_sessions: int
    ai_aht_s: float = 180.0
    hours: Literal["24/7", "site"] = "24/7"

    def __post_init__(self) -> None:
        check_positive("max_sessions", self.max_sessions, allow_zero=True)
        check_positive("ai_aht_s", self.ai_aht_s)


@dataclass(frozen=True, slots=True, kw_only=True)
class SplitConfig:
    """Settings of the human/AI split shared by every channel.

    Attributes
    ----------
    backlog_deadline_h : float
        Contacts that need a person while their site is closed wait for the opening and are
        answered within this much opening time after it, spread evenly [h].
    repeat_delay_profile_rate : tuple of float
        Share of unresolved contacts (see ``AiPolicy.ai_resolution_rate`` and
        ``human_resolution_rate``) that come back 1, 2, 3, ... days later on the same channel
        and segment; sums to at most 1 (the rest never come back).
    """

    backlog_deadline_h: float = 2.0
    repeat_delay_profile_rate: tuple[float, ...] = (0.5, 0.3, 0.2)

    def __post_init__(self) -> None:
        check_positive("backlog_deadline_h", self.backlog_deadline_h)
        for i, v in enumerate(self.repeat_delay_profile_rate):
            check_rate(f"repeat_delay_profile_rate[{i}]", v)
        total = sum(self.repeat_delay_profile_rate)
        if total > 1 + 1e-9:
            raise ConfigError(
                f"shares must sum to at most 1; got {total:g}", key="repeat_delay_profile_rate"
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
    """

    replications: int = 10
    service_time: Literal["exponential", "lognormal"] = "exponential"
    service_cv: float = 1.0
    shrinkage_draw: Literal["binomial", "expected", "none"] = "binomial"
    overflow_wait_s: float | None = None
    level_rate: float = 0.95

    def __post_init__(self) -> None:
        check_positive("replications", self.replications)
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
class Scenario:
    """One contact centre to plan.

    Attributes
    ----------
    name : str
        Scenario name.
    interval_min : int
        Interval length: 15, 30 or 60 [min].
    horizon_days : int
        Days planned after the end of history [days].
    start_date : str
        First planned date (``YYYY-MM-DD``); empty → the day after the last history day.
    currency : str
        ISO 4217 code used by every cost.
    seed : int
        Seed of every random draw and solver.
    source_tz : str
        IANA zone of naive timestamps in input files; empty → naive timestamps are an error.
    abandoned_in_sl : bool
        Whether abandoned contacts count in the service-level denominator (as failures).
    default_site : str
        Site given to history rows without a ``site`` column; empty → the first site.
    sample : SampleConfig
        Settings of the synthetic history (``wfm sample``).
    split : SplitConfig
        Out-of-hours backlog and repeat-contact settings of the human/AI split.
    """

    name: str = "scenario"
    interval_min: int = 30
    horizon_days: int = 7
    start_date: str = ""
    currency: str = "EUR"
    seed: int = 1
    source_tz: str = ""
    abandoned_in_sl: bool = True
    default_site: str = ""
    channels: dict[str, ChannelConfig] = field(default_factory=dict)
    segments: dict[str, SegmentPolicy] = field(default_factory=dict)
    regions: dict[str, RegionConfig] = field(default_factory=dict)
    sites: dict[str, SiteConfig] = field(default_factory=dict)
    skills: dict[str, SkillConfig] = field(default_factory=dict)
    overflow: OverflowPolicy = field(default_factory=OverflowPolicy)
    shrinkage: ShrinkageConfig = field(default_factory=ShrinkageConfig)
    shifts: ShiftRules = field(default_factory=ShiftRules)
    forecast: ForecastConfig = field(default_factory=ForecastConfig)
    solver: SolverConfig = field(default_factory=SolverConfig)
    ai_capacity: dict[str, AiCapacityConfig] = field(default_factory=dict)
    simulation: SimulationConfig = field(default_factory=SimulationConfig)
    sample: SampleConfig = field(default_factory=SampleConfig)
    split: SplitConfig = field(default_factory=SplitConfig)

    def __post_init__(self) -> None:
        check_choice("interval_min", self.interval_min, ALLOWED_INTERVAL_MIN)
        check_positive("horizon_days", self.horizon_days)
        if self.source_tz:
            try:
                ZoneInfo(self.source_tz)
            except (ZoneInfoNotFoundError, ValueError):
                raise ConfigError(
                    f"unknown time zone {self.source_tz!r}", key="source_tz"
                ) from None
        if not self.channels:
            raise ConfigError("a scenario needs at least one channel", key="channels")
        if not self.segments:
            raise ConfigError("a scenario needs at least one segment", key="segments")
        if not self.sites:
            raise ConfigError("a scenario needs at least one site", key="sites")
        for seg in self.segments.values():
            check_known(f"segments.{seg.name}.channels", seg.channels, self.channels, "channel")
        regions = self.region_names()
        if self.regions:  # once regions are declared, sites must name one of them
            for site in self.sites.values():
                check_known(f"sites.{site.name}.region", [site.region], self.regions, "region")
        for i, (a, b) in enumerate(self.overflow.pairs):
            check_known(f"overflow.pairs[{i}]", [a, b], regions, "region")
        check_known("ai_capacity", self.ai_capacity, self.channels, "channel")
        for ch in self.shrinkage.by_channel:
            check_known("shrinkage.by_channel", [ch], self.channels, "channel")
        for sk in self.skills.values():
            check_known(f"skills.{sk.name}.channel", [sk.channel], self.channels, "channel")
            check_known(f"skills.{sk.name}.segments", sk.segments, self.segments, "segment")
        seen: dict[tuple[str, str], str] = {}
        for sk in self.skills.values():
            for seg in sk.segments:
                pair = (sk.channel, seg)
                if pair in seen:
                    raise ConfigError(
                        f"channel {sk.channel!r} of segment {seg!r} is already in skill "
                        f"{seen[pair]!r}; each (channel, segment) belongs to one skill",
                        key=f"skills.{sk.name}.segments",
                    )
                seen[pair] = sk.name
        skills = self.skill_names()
        for site in self.sites.values():
            for pool in site.pools.values():
                check_known(
                    f"sites.{site.name}.pools.{pool.name}.skills", pool.skills, skills, "skill"
                )
        if self.default_site:
            check_known("default_site", [self.default_site], self.sites, "site")
        self._check_sample()

    def _check_sample(self) -> None:
        sample = self.sample
        for ch, by_segment in sample.daily_contacts.items():
            check_known("sample.daily_contacts", [ch], self.channels, "channel")
            for seg in by_segment:
                key = f"sample.daily_contacts.{ch}"
                check_known(key, [seg], self.segments, "segment")
                if ch not in self.segments[seg].channels:
                    raise ConfigError(
                        f"segment {seg!r} does not use channel {ch!r} (segments.{seg}.channels)",
                        key=f"{key}.{seg}",
                    )
        check_known("sample.origin_share", sample.origin_share, self.sites, "site")
        for name in ("aht_s", "abandon_rate", "pattern"):
            check_known(f"sample.{name}", getattr(sample, name), self.channels, "channel")

    # -- derived views -------------------------------------------------------------------
    def region_names(self) -> tuple[str, ...]:
        """Regions declared or named by sites, in declaration order."""
        names = list(self.regions)
        for site in self.sites.values():
            if site.region not in names:
                names.append(site.region)
        return tuple(names)

    def region(self, name: str) -> RegionConfig:
        """Region config (an undeclared region is onshore with no overflow)."""
        return self.regions.get(name, RegionConfig(name=name))

    def skill_for(self, channel: str, segment: str) -> str:
        """Skill that answers ``channel`` contacts of ``segment``.

        When no skill lists the pair, the skill is named ``{channel}_{segment}``.
        """
        for sk in self.skills.values():
            if sk.channel == channel and segment in sk.segments:
                return sk.name
        return f"{channel}_{segment}"

    def skill_names(self) -> tuple[str, ...]:
        """Every skill: declared ones, then implicit ``{channel}_{segment}`` ones."""
        names = list(self.skills)
        for seg in self.segments.values():
            for ch in seg.channels:
                s = self.skill_for(ch, seg.name)
                if s not in names:
                    names.append(s)
        return tuple(names)

    def skill_channel(self, skill: str) -> str:
        """Channel of a skill."""
        if skill in self.skills:
            return self.skills[skill].channel
        for seg in self.segments.values():
            for ch in seg.channels:
                if self.skill_for(ch, seg.name) == skill:
                    return ch
        raise ConfigError(f"unknown skill {skill!r}", key="skills")

    def shrinkage_rate(self, site: str, channel: str) -> float:
        """Shrinkage of ``channel`` work at ``site`` (site override > channel > default)."""
        own = self.sites[site].shrinkage_rate if site in self.sites else None
        if own is not None:
            return own
        return self.shrinkage.by_channel.get(channel, self.shrinkage.default_rate)

    def home_site(self) -> str:
        """Site given to history rows that carry none."""
        return self.default_site or next(iter(self.sites))


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

    def __post_init__(self) -> None:
        for name in ("scenario_path", "actuals_path", "out_root", "store_path"):
            if not getattr(self, name).strip():
                raise ConfigError("must be a path; got an empty string", key=name)
        if self.horizon_days is not None:
            check_positive("horizon_days", self.horizon_days)
        if self.export_tz:
            try:
                ZoneInfo(self.export_tz)
            except (ZoneInfoNotFoundError, ValueError):
                raise ConfigError(
                    f"unknown time zone {self.export_tz!r}", key="export_tz"
                ) from None
        if len(set(self.exports)) != len(self.exports):
            raise ConfigError("lists a layout twice", key="exports")
