"""Genesys Cloud WFM schedule import of the roster: the agents' shifts as the API's JSON body.

Genesys Cloud imports a schedule per business unit and week through its Platform API:
``POST /api/v2/workforcemanagement/businessunits/{businessUnitId}/weeks/{weekId}/schedules/
import/uploadurl`` returns a signed URL for the gzip-encoded body, then ``POST
.../weeks/{weekId}/schedules/import`` with the upload key starts the import. The body is an
``ImportScheduleUploadSchema`` (``description``, ``weekCount``, ``published``,
``agentSchedules``); each agent schedule a ``BuImportAgentScheduleUploadSchema`` (``userId``,
optional ``workPlanId`` as ``{"value": …}``, ``shifts``); each shift a
``BuAgentScheduleShift`` (``startDate`` in UTC, ``lengthMinutes``, ``activities``); each
activity a ``BuAgentScheduleActivity`` (``startDate``, ``lengthMinutes``, ``description``,
``activityCodeId``, ``paid``). Sources: the models of those names and the
``WorkforceManagementApi`` operations in the Genesys Cloud Platform API client documentation,
<https://github.com/MyPureCloud/platform-client-sdk-python/tree/master/docs>.

Each shift is written as consecutive activities that cover it: work between the breaks
(activity code ``work``), each break (``break``; an unpaid break takes the code ``meal`` when
one is given). Genesys user ids come from the agent map, activity code ids from the planner.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pandas as pd

from wfm.core.config import Scenario
from wfm.core.errors import ConfigError, InputError
from wfm.report.genesys import week_start_date
from wfm.report.roster_export import AgentShift, agent_shifts, utc_text
from wfm.report.schedule_export import minutes_between

ACTIVITY_KINDS = ("work", "break", "meal")
"""Activity kinds whose Genesys activity code id the planner gives (``meal`` optional)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AgentMap:
    """Genesys Cloud ids of the roster's agents.

    Attributes
    ----------
    user_ids : dict of str to str
        Agent id → Genesys user id.
    work_plan_ids : dict of str to str
        Agent id → work plan id (optional; absent agents get no ``workPlanId``).
    """

    user_ids: dict[str, str]
    work_plan_ids: dict[str, str]


@dataclass(frozen=True, slots=True, kw_only=True)
class GenesysSchedule:
    """The JSON body of a Genesys Cloud schedule import and where it goes.

    Attributes
    ----------
    text : str
        The JSON document.
    week_date : str
        First day ``YYYY-MM-DD`` (the ``weekId`` of the upload URL), on the week start.
    week_count : int
        Weeks covered.
    agents, shifts : int
        Agent schedules and shifts written.
    """

    text: str
    week_date: str
    week_count: int
    agents: int
    shifts: int


def agent_map_from_table(table: pd.DataFrame, source: str) -> AgentMap:
    """The ids of an ``agent_id,user_id[,work_plan_id]`` table (all cells text).

    Raises
    ------
    InputError
        A column is missing, an agent appears twice or has an empty user id (line named).
    """
    for col in ("agent_id", "user_id"):
        if col not in table.columns:
            raise InputError(
                f"missing column {col!r}",
                source=source,
                line=1,
                expected="columns agent_id,user_id and optionally work_plan_id",
            )
    plans = table["work_plan_id"] if "work_plan_id" in table.columns else [""] * len(table)
    users: dict[str, str] = {}
    work_plans: dict[str, str] = {}
    rows = zip(table["agent_id"], table["user_id"], plans, strict=True)
    for i, (agent, user, plan) in enumerate(rows):
        agent, user, plan = str(agent).strip(), str(user).strip(), str(plan).strip()
        if not agent or not user or agent in users:
            raise InputError(
                f"agent {agent!r} twice" if agent in users else "an agent without a user id",
                source=source,
                line=i + 2,
                key="user_id" if agent and agent not in users else "agent_id",
                expected="one row per agent, each with its Genesys user id",
            )
        users[agent] = user
        if plan and plan != "nan":
            work_plans[agent] = plan
    return AgentMap(user_ids=users, work_plan_ids=work_plans)


def _check_ids(shifts: list[AgentShift], ids: AgentMap, codes: Mapping[str, str]) -> None:
    missing = sorted({s.agent_id for s in shifts} - {a for a, u in ids.user_ids.items() if u})
    if missing:
        shown = ", ".join(repr(a) for a in missing[:5]) + (" …" if len(missing) > 5 else "")
        raise ConfigError(
            f"no Genesys Cloud user id for {len(missing)} agent(s) of the roster: {shown}; "
            "give --agent-map FILE with columns agent_id,user_id",
            key="user_id",
        )
    users: dict[str, str] = {}
    for agent in sorted({s.agent_id for s in shifts}):
        other = users.setdefault(ids.user_ids[agent], agent)
        if other != agent:
            raise ConfigError(
                f"agents {other!r} and {agent!r} have the same Genesys Cloud user id "
                f"{ids.user_ids[agent]!r}",
                key="user_id",
            )
    for kind in ("work", "break"):
        if not codes.get(kind):
            raise ConfigError(
                f"no Genesys Cloud activity code id for {kind!r}; give --activity-code {kind}=ID",
                key=f"activity_code.{kind}",
            )


def _activity(a: dt.datetime, b: dt.datetime, what: str, code: str, paid: bool) -> dict:
    return {
        "startDate": utc_text(a),
        "lengthMinutes": minutes_between(a, b),
        "description": what,
        "activityCodeId": code,
        "paid": paid,
    }


def shift_activities(s: AgentShift, codes: Mapping[str, str]) -> list[dict]:
    """Consecutive activities covering the shift: work, each break, work, …"""
    out, at = [], s.start
    for b in s.breaks:
        if b.start > at:
            out.append(_activity(at, b.start, "work", codes["work"], True))
        code = codes["break"] if b.paid or not codes.get("meal") else codes["meal"]
        out.append(_activity(b.start, b.end, "break" if b.paid else "unpaid break", code, b.paid))
        at = max(at, b.end)
    if s.end > at:
        out.append(_activity(at, s.end, "work", codes["work"], True))
    return out


def genesys_agent_schedules(
    roster: pd.DataFrame,
    scenario: Scenario,
    *,
    ids: AgentMap,
    activity_codes: Mapping[str, str],
    tz: str,
    week_start: str = "mon",
) -> GenesysSchedule:
    """The roster as a Genesys Cloud ``ImportScheduleUploadSchema`` JSON body.

    Parameters
    ----------
    roster : pandas.DataFrame
        ROSTER table.
    scenario : Scenario
        Sites' zones, paid break rules, the name in ``description``.
    ids : AgentMap
        Genesys user id (and optional work plan id) of each agent.
    activity_codes : mapping of str to str
        Activity code id of ``work`` and ``break`` (required) and ``meal`` (optional).
    tz : str
        The business unit's zone: the week starts at its local midnight.
    week_start : str
        The business unit's start day of week (``mon`` … ``sun``).

    Raises
    ------
    ConfigError
        An agent without a user id (naming the agents), an activity kind without a code.
    """
    shifts = agent_shifts(roster, scenario)
    if not shifts:
        raise InputError("the roster has no shift", source="roster.csv", expected="agent shifts")
    _check_ids(shifts, ids, activity_codes)
    zone = ZoneInfo(tz)
    first = min(s.start for s in shifts).astimezone(zone).date()
    last = max(s.end for s in shifts).astimezone(zone).date()
    week_date = week_start_date(first, week_start)
    weeks = (last - week_date).days // 7 + 1
    by_agent: dict[str, list[AgentShift]] = {}
    for s in shifts:
        by_agent.setdefault(s.agent_id, []).append(s)
    agents = []
    for agent in sorted(by_agent, key=lambda a: ids.user_ids[a]):
        entry: dict = {"userId": ids.user_ids[agent]}
        if agent in ids.work_plan_ids:
            entry["workPlanId"] = {"value": ids.work_plan_ids[agent]}
        entry["shifts"] = [
            {
                "startDate": utc_text(s.start),
                "lengthMinutes": s.length_min,
                "activities": shift_activities(s, activity_codes),
            }
            for s in by_agent[agent]
        ]
        agents.append(entry)
    body = {
        "description": f"wfm roster of {scenario.name}",
        "weekCount": weeks,
        "published": False,
        "agentSchedules": agents,
    }
    return GenesysSchedule(
        text=json.dumps(body, indent=2, ensure_ascii=False) + "\n",
        week_date=week_date.isoformat(),
        week_count=weeks,
        agents=len(agents),
        shifts=len(shifts),
    )
