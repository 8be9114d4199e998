"""Customer segments and AI policy: who may use which channel, who must reach a person,
what AI agents take, AI capacity, and the split stage's backlog and repeat settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from wfm.core.channels import ServiceTarget
from wfm.core.checks import (
    MAX_COST,
    MAX_FACTOR,
    check_known,
    check_positive,
    check_rate,
    check_slug,
)
from wfm.core.errors import ConfigError


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
        check_positive("escalation_aht_factor", self.escalation_aht_factor, most=MAX_FACTOR)
        check_positive("escalation_delay_s", self.escalation_delay_s, allow_zero=True)
        check_rate("max_ai_share_rate", self.max_ai_share_rate)
        check_positive(
            "cost_per_ai_contact", self.cost_per_ai_contact, allow_zero=True, most=MAX_COST
        )
        check_positive(
            "cost_per_escalation", self.cost_per_escalation, allow_zero=True, most=MAX_COST
        )
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
