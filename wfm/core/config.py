"""Scenario configuration: frozen dataclasses, validated on construction.

A scenario describes one contact centre: its channels and their queue models, customer
segments with targets and AI policy, sites grouped into regions, skills and pools, shrinkage,
shift rules and the settings of each stage. ``wfm.core.mapping.scenario_from_dict`` builds it
from the plain mapping of a TOML file and adds the key path (``sites.lyon.tz``) to every error.

The parts live in modules named after their domain — :mod:`wfm.core.channels`,
:mod:`wfm.core.policy` (segments, AI), :mod:`wfm.core.sites` (sites, regions, pools, skills,
overflow), :mod:`wfm.core.workforce` (shrinkage, shifts), :mod:`wfm.core.settings` (solver,
simulation and synthetic-history settings), :mod:`wfm.core.forecast_settings`,
:mod:`wfm.core.nightly_settings`, :mod:`wfm.core.roster_settings` — and are re-exported
here, the one place the rest of the code imports them from.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from wfm.core.channels import (  # re-exported: the one place config types are imported from
    ChannelConfig as ChannelConfig,
    QueueModel as QueueModel,
    RealtimeModel as RealtimeModel,
    ServiceTarget as ServiceTarget,
    strictest_target,
)
from wfm.core.checks import (
    check_between,
    check_choice,
    check_known,
)
from wfm.core.errors import ConfigError
from wfm.core.forecast_settings import (  # re-exported: config types are imported from here
    FORECAST_MODELS as FORECAST_MODELS,
    ForecastConfig as ForecastConfig,
    ForecastModel as ForecastModel,
)
from wfm.core.nightly_settings import (  # re-exported: the one place config types are imported from
    NightlyConfig as NightlyConfig,
)
from wfm.core.policy import (  # re-exported: the one place config types are imported from
    AiCapacityConfig as AiCapacityConfig,
    AiPolicy as AiPolicy,
    SegmentPolicy as SegmentPolicy,
    SplitConfig as SplitConfig,
)
from wfm.core.roster_settings import (  # re-exported: the one place config types are imported from
    RosterConfig as RosterConfig,
)
from wfm.core.routing import (  # re-exported: the one place config types are imported from
    RoutingConfig as RoutingConfig,
    check_routing,
)
from wfm.core.settings import (  # re-exported: the one place config types are imported from
    MAX_HORIZON_DAYS,
    SampleConfig as SampleConfig,
    SamplePattern as SamplePattern,
    SimulationConfig as SimulationConfig,
    SolverConfig as SolverConfig,
)
from wfm.core.sites import (  # re-exported: the one place config types are imported from
    WEEKDAYS as WEEKDAYS,
    OverflowPolicy as OverflowPolicy,
    PoolConfig as PoolConfig,
    RegionConfig as RegionConfig,
    SiteConfig as SiteConfig,
    SkillConfig as SkillConfig,
)
from wfm.core.units import ALLOWED_INTERVAL_MIN
from wfm.core.workforce import (  # re-exported: the one place config types are imported from
    BreakRule as BreakRule,
    ShiftRules as ShiftRules,
    ShrinkageConfig as ShrinkageConfig,
)

SEED_LIMIT = 2**31
"""Seeds lie in [0, 2**31): every random generator and solver of the pipeline takes them."""


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
        Days planned after the end of history, 1 to 366 [days].
    start_date : str
        First planned date (``YYYY-MM-DD``); empty → the day after the last history day.
    currency : str
        ISO 4217 code used by every cost (three capital letters).
    seed : int
        Seed of every random draw and solver, in [0, 2**31).
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
    routing : RoutingConfig
        Which pools answer which skills in which order, how concurrent contacts are placed
        and who takes deferred work (:mod:`wfm.core.routing`); the schedule and the
        simulation check follow it.
    roster : RosterConfig, optional
        The people files of a roster of named agents (``[roster]``); None → no roster.
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
    routing: RoutingConfig = field(default_factory=RoutingConfig)
    roster: RosterConfig | None = None

    def __post_init__(self) -> None:
        check_choice("interval_min", self.interval_min, ALLOWED_INTERVAL_MIN)
        check_between("horizon_days", self.horizon_days, 1, MAX_HORIZON_DAYS)
        check_between("seed", self.seed, 0, SEED_LIMIT, high_open=True)
        if self.start_date:
            self.first_date()  # validates
        if not re.fullmatch(r"[A-Z]{3}", self.currency):
            raise ConfigError(
                f"must be an ISO 4217 code of three capital letters such as 'EUR'; "
                f"got {self.currency!r}",
                key="currency",
            )
        if self.source_tz:
            try:
                ZoneInfo(self.source_tz)
            except (ZoneInfoNotFoundError, ValueError):
                raise ConfigError(
                    f"unknown time zone {self.source_tz!r}; expected an IANA name such as "
                    "'Europe/Paris'",
                    key="source_tz",
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
            for seg_name in sk.segments:
                if sk.channel not in self.segments[seg_name].channels:
                    raise ConfigError(
                        f"segment {seg_name!r} does not use channel {sk.channel!r}; expected "
                        f"segments whose channels include it (segments.{seg_name}.channels)",
                        key=f"skills.{sk.name}.segments",
                    )
        seen: dict[tuple[str, str], str] = {}
        for sk in self.skills.values():
            for seg_name in sk.segments:
                pair = (sk.channel, seg_name)
                if pair in seen:
                    raise ConfigError(
                        f"channel {sk.channel!r} of segment {seg_name!r} is already in skill "
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
        check_routing(self.routing, self.sites, skills)
        if self.default_site:
            check_known("default_site", [self.default_site], self.sites, "site")
        self._check_sample()
        self._check_seed_volumes()
        self._check_repeats_settle()

    def first_date(self) -> dt.date | None:
        """``start_date`` as a date (None when empty: the day after the history)."""
        if not self.start_date:
            return None
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", self.start_date):
                raise ValueError("not in the form YYYY-MM-DD")
            return dt.date.fromisoformat(self.start_date)
        except ValueError as err:
            raise ConfigError(
                f"must be a real date YYYY-MM-DD; got {self.start_date!r} ({err})",
                key="start_date",
            ) from None

    def check_minimum_headcount(self) -> None:
        """Raise unless every site that opens employs ``shifts.min_agents_on_queue`` agents.

        Not part of loading: the schedule stage alone reports it as an infeasible plan; a
        plan's pre-flight check reports it as a configuration error before any stage runs.
        """
        minimum = self.shifts.min_agents_on_queue
        for site in self.sites.values():
            heads = sum(p.headcount for p in site.pools.values())
            opens = any(site.open_span_min(day) is not None for day in WEEKDAYS)
            if opens and heads < minimum:
                raise ConfigError(
                    f"site {site.name!r} employs {heads} agents (headcount of "
                    f"sites.{site.name}.pools) but {minimum} must be on queue while it is open; "
                    f"expected a total headcount of at least {minimum} or a lower minimum",
                    key="shifts.min_agents_on_queue",
                )

    def _check_seed_volumes(self) -> None:
        key = "forecast.seed_contacts_per_day"
        for k in self.forecast.seed_contacts_per_day:
            parts = k.split("/")
            check_known(f"{key}.{k}", parts[:1], self.channels, "channel")
            check_known(f"{key}.{k}", parts[1:2], self.segments, "segment")
            if parts[0] not in self.segments[parts[1]].channels:
                raise ConfigError(
                    f"segment {parts[1]!r} does not use channel {parts[0]!r}; expected "
                    f"'channel/segment' with a channel of segments.{parts[1]}.channels",
                    key=f"{key}.{k}",
                )
            check_known(f"{key}.{k}", parts[2:], self.sites, "site")

    def _check_repeats_settle(self) -> None:
        """Each contact must bring back fewer than one repeat on average (the split's fixed
        point); the worst (segment, channel) decides."""
        profile_sum = sum(self.split.repeat_delay_profile_rate)
        for seg in self.segments.values():
            for ch in seg.channels:
                pol = seg.ai_policy(ch)
                contains = (
                    pol.containment_rate > 0
                    and not seg.must_reach_human
                    and ch not in seg.no_ai_channels
                )
                unresolved = max(
                    1.0 - pol.ai_resolution_rate if contains else 0.0,
                    1.0 - pol.human_resolution_rate,
                )
                if profile_sum * unresolved >= 1.0 - 1e-12:
                    raise ConfigError(
                        f"repeat contacts never settle: with the resolution rates of "
                        f"segments.{seg.name}.ai.{ch} every {ch} contact comes back; expected "
                        "ai_resolution_rate or human_resolution_rate above 0, or shares that "
                        "sum to less than 1",
                        key="split.repeat_delay_profile_rate",
                    )

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

    def skill_segments(self, skill: str) -> tuple[str, ...]:
        """Segments whose contacts ``skill`` answers (declared, or by the implicit name)."""
        if skill in self.skills:
            return self.skills[skill].segments
        return tuple(
            seg.name
            for seg in self.segments.values()
            for ch in seg.channels
            if self.skill_for(ch, seg.name) == skill
        )

    def skill_target(self, skill: str) -> ServiceTarget:
        """Target of ``skill``: the strictest of its segments' targets on its channel
        (:func:`~wfm.core.channels.strictest_target`). Staffing, scheduling and the
        correction by simulation size a skill to it."""
        channel = self.skill_channel(skill)
        return strictest_target(
            self.segments[seg].target(channel) for seg in self.skill_segments(skill)
        )

    def may_answer_at(self, segment: str, from_site: str, to_site: str) -> bool:
        """Whether contacts of ``segment`` arriving at ``from_site`` may be answered at
        ``to_site``: the same site always; another site only across an allowed region pair
        (``overflow.pairs``) and where the segment's policy allows it (``stay_in_region``,
        ``onshore_only``, ``in_house_only``). The schedule's overflow and the simulation's
        routing both ask this."""
        if from_site == to_site:
            return True
        src, dst = self.sites[from_site], self.sites[to_site]
        if (src.region, dst.region) not in {tuple(p) for p in self.overflow.pairs}:
            return False
        pol = self.segments[segment]
        if pol.stay_in_region:
            return False
        if pol.onshore_only and not self.region(dst.region).onshore:
            return False
        return not (pol.in_house_only and dst.outsourced)

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
