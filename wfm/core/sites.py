"""Sites, regions, pools and skills: where agents work, what they can answer, and where
contacts may overflow."""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from wfm.core.checks import (
    MAX_COST,
    check_hhmm,
    check_known,
    check_positive,
    check_rate,
    check_shrinkage,
    check_slug,
)
from wfm.core.errors import ConfigError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


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
        for day in self.hours:
            self.open_span_min(day)  # validates
        self._check_no_overlap()
        check_positive("cost_per_h", self.cost_per_h, allow_zero=True, most=MAX_COST)
        if self.shrinkage_rate is not None:
            check_shrinkage("shrinkage_rate", self.shrinkage_rate)

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
            raise ConfigError(
                f"opening and closing times are equal in {span!r}; expected 'HH:MM-HH:MM' "
                "with two different times ('00:00-24:00' for the whole day) or 'closed'",
                key=key,
            )
        return start, end

    def _check_no_overlap(self) -> None:
        """A span that runs past midnight must end before the next day's span opens."""
        for i, day in enumerate(WEEKDAYS):
            span = self.open_span_min(day)
            if span is None or span[1] > span[0]:
                continue
            nxt = WEEKDAYS[(i + 1) % 7]
            nspan = self.open_span_min(nxt)
            if nspan is not None and nspan[0] < span[1]:
                raise ConfigError(
                    f"{self.hours[day]!r} runs past midnight into {nxt} until "
                    f"{_hhmm(span[1])}, but {nxt} opens at {_hhmm(nspan[0])}; expected "
                    f"opening hours that do not overlap (close by {_hhmm(nspan[0])} or open "
                    f"{nxt} at {_hhmm(span[1])} or later)",
                    key=f"hours.{day}",
                )


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
