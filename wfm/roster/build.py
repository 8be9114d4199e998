"""From wfm tables (schedule, agents, time off, preferences, published roster) to one
:class:`RosterProblem` per site and pool.

Each schedule row is ``agents`` copies of its shift on its day: a cover line of that shift
type and day. The roster starts on the schedule's first local date and spans ``weeks`` whole
weeks; when that is longer than the schedule, the schedule's whole weeks repeat (day ``d`` of
the roster takes the cover of schedule day ``d mod P``, ``P`` the schedule's span rounded up to
whole weeks, so a Monday–Saturday schedule leaves every Sunday closed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pandas as pd

from wfm.core.breaks import paid_minutes, parse_breaks
from wfm.core.calendar import weekday_name
from wfm.core.checks import check_hhmm
from wfm.core.config import Scenario
from wfm.core.errors import InputError
from wfm.roster.problem import (
    Contract,
    Cover,
    Request,
    RosterProblem,
    ShiftType,
    Staff,
    Weights,
)

UNDER_WEIGHT = 1000  # per agent-shift of the schedule left without a person
OVER_WEIGHT = 50  # per person on a shift the schedule did not ask for
PREFERENCE_SCALE = 10  # a preference of weight 1 costs 10 when not met
NIGHT_START_MIN, NIGHT_END_MIN = (
    6 * 60,
    22 * 60,
)  # a night shift starts before 06:00 or ends after 22:00
EVENING_END_MIN = 19 * 60  # an evening shift ends after 19:00 (and is not a night shift)


@dataclass(frozen=True, slots=True)
class PoolRoster:
    """One site-pool roster problem and what is needed to turn its answer back into tables."""

    site: str
    pool: str
    tz: str
    first_date: dt.date
    problem: RosterProblem
    rows: dict[str, dict]  # shift id → schedule fields (start text, length, breaks, paid)


ROTATION_WEIGHT = 20  # per agent-day that breaks the rotation the scenario asks for


def default_weights(change_penalty: int, rotation: bool = False) -> Weights:
    """Weights of the soft terms of a wfm roster (see docs/roster.md); ``rotation``: the
    scenario asks for a rotation."""
    return Weights(
        rotation=ROTATION_WEIGHT if rotation else 0,
        isolated_day_off=20,
        start_change=5,
        weekend_spread=30,
        night_spread=30,
        evening_spread=10,
        change=int(change_penalty),
        short_per_min=1,
    )


def clock_of(text: str) -> int:
    """``HH:MM`` of a validated table → minutes after midnight."""
    return check_hhmm("time", str(text))


def _text(value) -> str:
    """A nullable text cell as a string ("" for missing)."""
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def local_span_utc(day: dt.date, start_min: int, length_min: int, tz: str) -> tuple:
    """UTC start and end of a shift starting ``start_min`` after local midnight of ``day``."""
    local = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=start_min)
    start = pd.Timestamp(local.replace(tzinfo=ZoneInfo(tz))).tz_convert("UTC")
    return start, start + pd.Timedelta(minutes=length_min)


def _shift_types(rows: pd.DataFrame, scenario: Scenario) -> tuple[list[ShiftType], dict]:
    types, info = [], {}
    for name, g in rows.groupby("shift", sort=True):
        r = g.iloc[0]
        start, length = clock_of(r["shift_start_local"]), int(r["shift_length_min"])
        breaks = parse_breaks(r["breaks"], source="schedule.csv", line=int(g.index[0]) + 2)
        paid = paid_minutes(length, breaks, scenario.shifts.breaks)
        night = start < NIGHT_START_MIN or start + length > NIGHT_END_MIN
        evening = not night and start + length > EVENING_END_MIN
        types.append(ShiftType(str(name), start, length, paid, night=night, evening=evening))
        info[str(name)] = {
            "start": str(r["shift_start_local"]),
            "length_min": length,
            "breaks": _text(r["breaks"]),
            "paid_min": paid,
        }
    return types, info


def _cover(rows: pd.DataFrame, types: list[ShiftType], first: dt.date, days: int) -> list[Cover]:
    dates = sorted({dt.date.fromisoformat(d) for d in rows["local_date"]})
    span = (dates[-1] - first).days + 1
    period = 7 * -(-span // 7) if days > span else span  # whole weeks: a closed day stays closed
    need: dict[tuple[int, str], int] = {}
    for r in rows.itertuples(index=False):
        need[(dt.date.fromisoformat(r.local_date) - first).days, r.shift] = int(r.agents)
    out = []
    for d in range(days):
        for t in types:
            req = need.get((d % period, t.id), 0)
            out.append(Cover(d, t.id, req, UNDER_WEIGHT, OVER_WEIGHT))
    return out


def _contract(a, weeks: int) -> Contract:
    start, end = clock_of(a.earliest_start_local), clock_of(a.latest_end_local)
    return Contract(
        min_total_min=int(round(a.min_h_per_week * 60 * weeks)),
        max_min_per_week=int(round(a.max_h_per_week * 60)),
        max_days_per_week=int(a.max_days_per_week),
        max_consecutive_days=int(a.max_consecutive_days),
        earliest_start_min=start,
        latest_end_min=end if end > start else end + 24 * 60,  # across midnight
        nights_allowed=bool(a.nights_allowed),
    )


def _spans(types, first: dt.date, days: int, tz: str) -> dict[tuple[int, str], tuple]:
    """(day, shift id) → UTC start and end of that shift, for every day of the roster."""
    out = {}
    for d in range(days):
        day = first + dt.timedelta(days=d)
        for t in types:
            out[d, t.id] = local_span_utc(day, t.start_min, t.length_min, tz)
    return out


def _blocked(agent: str, time_off, spans: dict) -> frozenset:
    if not spans:
        return frozenset()
    mine = time_off[time_off["agent_id"] == agent]
    out: set[tuple[int, str]] = set()
    for r in mine.itertuples(index=False):
        out.update(k for k, (s, e) in spans.items() if s < r.end and r.start < e)
    return frozenset(out)


def _requests(agent: str, prefs, types, first, days) -> list[Request]:
    if prefs is None or not len(prefs):
        return []
    out = []
    for r in prefs[prefs["agent_id"] == agent].itertuples(index=False):
        # a positive weight costs at least 1 (0.04 would round to nothing)
        w = max(int(round(float(r.weight) * PREFERENCE_SCALE)), int(float(r.weight) > 0))
        v = str(r.value).strip()
        avoid: list[str] = []  # shift types asked against on every day
        if r.kind == "avoid_shift":
            avoid = [t.id for t in types if t.id == v]
        elif r.kind == "start_window":
            lo, hi = (clock_of(x) for x in v.split("-"))
            avoid = [t.id for t in types if not lo <= t.start_min <= hi]
        for d in range(days):
            day = first + dt.timedelta(days=d)
            if r.kind == "day_off" and v.lower() in (weekday_name(day), day.isoformat()):
                out.append(Request(agent, d, None, w, on=False))
            out += [Request(agent, d, t, w, on=False) for t in avoid]
    return out


def _published(
    agents: list[str], published, info: dict, first: dt.date, days: int
) -> dict[tuple[str, int], str | None]:
    """(agent, day) → shift id of the published roster; a published shift that matches no
    shift type of the schedule keeps the id ``"?"`` (it must change)."""
    if published is None or not len(published):
        return {}
    by_form = {(v["start"], v["length_min"], v["breaks"]): k for k, v in info.items()}
    mine = published[published["agent_id"].isin(agents)]
    out: dict[tuple[str, int], str | None] = {}
    if not len(mine):
        return out
    # days inside the published roster's dates without a row were published as days off
    dates = [dt.date.fromisoformat(x) for x in published["local_date"]]
    lo, hi = max(0, (min(dates) - first).days), min(days - 1, (max(dates) - first).days)
    for a in set(mine["agent_id"]):
        for d in range(lo, hi + 1):
            out[a, d] = None
    for r in mine.itertuples(index=False):
        d = (dt.date.fromisoformat(r.local_date) - first).days
        if 0 <= d < days:
            length = int((r.shift_end - r.shift_start).total_seconds() // 60)
            breaks = _text(r.breaks)
            out[r.agent_id, d] = by_form.get((str(r.shift_start_local), length, breaks), "?")
    return out


def _check_pinned_shifts(pins, published: dict, site: str, pool: str, first: dt.date) -> None:
    """A pinned day must keep a shift the schedule has (a pin cannot be kept otherwise)."""
    for who, d in sorted(pins):
        if published[who, d] == "?":
            day = (first + dt.timedelta(days=d)).isoformat()
            raise InputError(
                f"pinned agent {who!r} has a published shift on {day} that is not a shift "
                f"of the schedule of {site}/{pool} (start, length and breaks)",
                key="--pin",
                got=who,
                expected="pinned agents whose published shifts are the schedule's, or no pin",
            )


def pool_problems(
    schedule: pd.DataFrame,
    agents: pd.DataFrame,
    scenario: Scenario,
    *,
    weeks: int,
    weights: Weights,
    time_off=None,
    preferences=None,
    published=None,
    pinned: frozenset[str] = frozenset(),
    rotation_weeks: int = 0,
) -> list[PoolRoster]:
    """One roster problem per site and pool of the schedule (agents of that site and pool are
    its candidates); each person's days should repeat every ``rotation_weeks`` weeks
    (0 = no rotation)."""
    days = 7 * int(weeks)
    schedule = schedule.reset_index(drop=True)  # row i: line i + 2 of schedule.csv
    agents = agents.sort_values("agent_id", kind="stable")  # results do not hang on file order
    first = min(dt.date.fromisoformat(d) for d in schedule["local_date"])
    out = []
    for (site, pool), rows in schedule.groupby(["site", "pool"], sort=True):
        tz = scenario.sites[site].tz
        types, info = _shift_types(rows, scenario)
        members = agents[(agents["site"] == site) & (agents["pool"] == pool)]
        ids = [str(a) for a in members["agent_id"]]
        staff, requests = [], []
        off = time_off is not None and len(time_off) > 0
        spans = _spans(types, first, days, tz) if off else {}
        for a in members.itertuples(index=False):
            staff.append(
                Staff(
                    str(a.agent_id),
                    _contract(a, weeks),
                    blocked=_blocked(a.agent_id, time_off, spans),
                    group=f"{site}/{pool}",
                )
            )
            requests += _requests(str(a.agent_id), preferences, types, first, days)
        pub = _published(ids, published, info, first, days)
        pins = frozenset(k for k in pub if k[0] in pinned)
        _check_pinned_shifts(pins, pub, site, pool, first)
        problem = RosterProblem(
            days=days,
            shifts=tuple(types),
            staff=tuple(staff),
            cover=tuple(_cover(rows, types, first, days)),
            requests=tuple(requests),
            min_rest_h=float(scenario.shifts.min_rest_h),
            first_weekday=first.weekday(),
            weights=weights,
            published=pub,
            pinned=pins,
            rotation_days=7 * int(rotation_weeks),
        )
        out.append(PoolRoster(site, pool, tz, first, problem, info))
    return out
