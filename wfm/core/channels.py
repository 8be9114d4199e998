"""Channels and their service targets: the queue model that staffs each medium."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from wfm.core.checks import (
    MAX_FACTOR,
    check_choice,
    check_positive,
    check_rate,
    check_slug,
)
from wfm.core.errors import ConfigError

QueueModel = Literal["realtime", "concurrent", "deferred"]
RealtimeModel = Literal["erlang_c", "erlang_a"]


MAX_CONCURRENCY = 100
"""Most conversations one agent may hold at once on a concurrent channel (a million made
a load of 659,209 Erlangs that no search could staff)."""


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
    arrives_when_closed : bool, optional
        Whether contacts keep arriving while the site is closed (email, messaging) — then
        they are forecast around the clock and answered after opening — or cannot arrive
        (voice, chat widget closed). Default: true for deferred channels, false otherwise.
    """

    name: str
    queue_model: QueueModel
    realtime_model: RealtimeModel = "erlang_c"
    max_concurrency: int = 1
    concurrency_aht_factor: float = 0.0
    deadline_h: float | None = None
    patience_s: float | None = None
    arrives_when_closed: bool | None = None

    def __post_init__(self) -> None:
        check_slug("name", self.name)
        check_choice("queue_model", self.queue_model, ("realtime", "concurrent", "deferred"))
        check_choice("realtime_model", self.realtime_model, ("erlang_c", "erlang_a"))
        check_positive("max_concurrency", self.max_concurrency, most=MAX_CONCURRENCY)
        check_positive(
            "concurrency_aht_factor", self.concurrency_aht_factor, allow_zero=True, most=MAX_FACTOR
        )
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

    def arrivals_when_closed(self) -> bool:
        """Whether contacts of this channel arrive while the site is closed."""
        if self.arrives_when_closed is not None:
            return self.arrives_when_closed
        return self.queue_model == "deferred"


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


def strictest_target(targets: Iterable[ServiceTarget]) -> ServiceTarget:
    """One target at least as strict as each of ``targets``.

    The highest service-level rate with the shortest threshold, the shortest ASA target, the
    lowest abandonment and occupancy caps. Used when segments with different targets share
    a skill: staffing the skill to the strictest target meets every segment's target.

    Examples
    --------
    >>> t = strictest_target([ServiceTarget(sl_target_rate=0.9, sl_threshold_s=30),
    ...                       ServiceTarget(sl_target_rate=0.8, sl_threshold_s=20)])
    >>> t.sl_target_rate, t.sl_threshold_s
    (0.9, 20)
    """
    items = list(targets)
    if not items:
        return ServiceTarget()
    asa = [t.asa_target_s for t in items if t.asa_target_s is not None]
    ab = [t.max_abandon_rate for t in items if t.max_abandon_rate is not None]
    return ServiceTarget(
        sl_target_rate=max(t.sl_target_rate for t in items),
        sl_threshold_s=min(t.sl_threshold_s for t in items),
        asa_target_s=min(asa) if asa else None,
        max_abandon_rate=min(ab) if ab else None,
        max_occupancy_rate=min(t.max_occupancy_rate for t in items),
    )
