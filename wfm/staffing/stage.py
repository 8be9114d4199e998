"""Staffing stage: the human part of the forecast → agents required per interval and skill."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from wfm.core.config import Scenario, ServiceTarget
from wfm.core.errors import InputError
from wfm.core.results import StageResult
from wfm.core.schemas import REQUIREMENTS
from wfm.core.units import MIN_PER_H, interval_s
from wfm.staffing.erlang import MAX_TRAFFIC_ERLANGS
from wfm.staffing.multiskill import pooling_table
from wfm.staffing.shrinkage import gross_agents
from wfm.staffing.sizing import QUEUE_MODELS, SkillLoad, SkillStaffing

log = logging.getLogger(__name__)

SHRINKAGE_NOTE = (
    "agents_required_gross = agents_required / (1 − shrinkage_rate): shrinkage covers "
    "absence, training, coaching and other time off queue; breaks are placed by the "
    "scheduler and are not in it."
)


def _sl_note(scenario: Scenario) -> str:
    if scenario.abandoned_in_sl:
        return (
            "service_level_rate: contacts answered within the threshold over all arrivals; "
            "abandoned contacts count as failures (abandoned_in_sl = true)."
        )
    return (
        "service_level_rate: contacts answered within the threshold over answered contacts; "
        "abandoned contacts leave the denominator (abandoned_in_sl = false)."
    )


def skill_targets(scenario: Scenario) -> tuple[dict[str, ServiceTarget], dict[str, list[str]]]:
    """Target of every skill (:meth:`Scenario.skill_target`, the strictest of its segments).

    Returns
    -------
    (dict of str to ServiceTarget, dict of str to list of str)
        The target per skill and the segments behind it.
    """
    skills = [sk for sk in scenario.skill_names() if scenario.skill_segments(sk)]
    return (
        {sk: scenario.skill_target(sk) for sk in skills},
        {sk: list(scenario.skill_segments(sk)) for sk in skills},
    )


def _prepare(split: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Skill and site of every split row; work in seconds."""
    df = split[["interval_start", "channel", "segment", "human_contacts", "human_aht_s"]].copy()
    df["site"] = split["site"].to_numpy() if "site" in split.columns else scenario.home_site()
    for ch in df["channel"].unique():
        if ch not in scenario.channels:
            raise InputError(
                f"channel {ch!r} is not in the scenario",
                source="split",
                key="channel",
                expected=", ".join(scenario.channels),
                got=str(ch),
            )
    for site in df["site"].unique():
        if site not in scenario.sites:
            raise InputError(
                f"site {site!r} is not in the scenario",
                source="split",
                key="site",
                expected=", ".join(scenario.sites),
                got=str(site),
            )
    pairs = df[["channel", "segment"]].drop_duplicates()
    for ch, seg in pairs.itertuples(index=False):
        if seg not in scenario.segments or ch not in scenario.segments[seg].channels:
            raise InputError(
                f"segment {seg!r} does not use channel {ch!r} in the scenario",
                source="split",
                key="segment",
                got=f"{seg}/{ch}",
            )
    skill_of = {(c, s): scenario.skill_for(c, s) for c, s in pairs.itertuples(index=False)}
    df["skill"] = [skill_of[p] for p in zip(df["channel"], df["segment"], strict=True)]
    df["work_s"] = df["human_contacts"] * df["human_aht_s"]
    return df


def staffing_requirements(split: pd.DataFrame, scenario: Scenario) -> StageResult:
    """Agents required per interval, site and skill to meet the service targets.

    Parameters
    ----------
    split : pandas.DataFrame
        SPLIT table: ``interval_start`` (UTC), ``channel``, ``segment``, optional ``site``
        (the scenario's home site when absent), ``human_contacts``, ``human_aht_s``.
    scenario : Scenario
        Channels (queue model, concurrency, deadline, patience), segment targets, sites
        (opening hours), shrinkage, interval length and ``abandoned_in_sl``.

    Returns
    -------
    StageResult
        ``table``: REQUIREMENTS, one row per (interval_start, site, skill), complete on the
        grid of the split's intervals × its sites × the scenario's skills (0 agents where
        there is no work), with ``contacts`` (human contacts of the skill), ``aht_s``
        (contact-weighted; 0 where there are no contacts), ``agents_required`` (on queue),
        ``agents_required_gross`` (paid, fractional), ``service_level_rate``, ``asa_s``,
        ``occupancy_rate`` at ``agents_required`` (NaN where they do not apply).
        ``tables["pooling"]``: pooled vs separate requirement per (interval, site, pool).

    Notes
    -----
    - A skill answers one channel for one or more segments. Its contacts are summed over
      those segments and staffed to the **strictest** of their targets (highest service-level
      rate, shortest threshold, shortest ASA, lowest abandonment and occupancy caps), which
      meets every segment's target.
    - Realtime channels: least N on Erlang C or Erlang A (``realtime_model``); concurrent
      channels: the same on slots of ``max_concurrency`` conversations per agent with the
      stretched handle time (:mod:`wfm.staffing.concurrency`); deferred channels: the least
      agent-hours that answer every contact within ``deadline_h`` of opening hours at the
      site (:mod:`wfm.staffing.deferred`); their ``service_level_rate`` is the planned share
      answered in time (1) and ``asa_s`` does not apply (NaN).
    - ``agents_required_gross = agents_required / (1 − shrinkage_rate(site, channel))``,
      kept fractional. Shrinkage is time off queue other than breaks, which the scheduler
      places.
    - Erlang C has no abandonment, so ``max_abandon_rate`` targets bind only under Erlang A.
    - ``asa_s`` is the mean wait over all contacts; under Erlang A that includes the time
      abandoned contacts waited (mean time in queue over all arrivals).
    """
    interval_min = scenario.interval_min
    targets, segs_of = skill_targets(scenario)
    notes: list[str] = [_sl_note(scenario), SHRINKAGE_NOTE]
    if split.empty:
        table = pd.DataFrame({c: pd.Series(dtype=object) for c in REQUIREMENTS.names})
        return StageResult(table=table, notes=tuple(notes), figures={"intervals": 0})
    df = _prepare(split, scenario)
    start, end = df["interval_start"].min(), df["interval_start"].max()
    intervals = pd.date_range(start, end, freq=f"{interval_min}min")
    sites = sorted(df["site"].unique())
    skills = list(scenario.skill_names())
    grouped = df.groupby(["site", "skill", "interval_start"])[["human_contacts", "work_s"]].sum()
    _check_loads(grouped, interval_min, str(split.attrs.get("source", "split")))
    frames = []
    for site in sites:
        for skill in skills:
            load = _skill_load(grouped, intervals, site, skill, scenario, targets)
            sized = QUEUE_MODELS[load.channel.queue_model](load)
            notes.extend(sized.notes)
            frames.append(_requirement_frame(load, sized))
    table = pd.concat(frames, ignore_index=True)
    table = table.sort_values(["interval_start", "site", "skill"], ignore_index=True)
    table = table[[c for c in REQUIREMENTS.names if c in table.columns]]
    table = _with_ai_room(table, split, df, scenario)
    notes.extend(_target_notes(scenario, targets, segs_of, skills))
    pooling = pooling_table(table, scenario, targets)
    figures = _figures(table, pooling, len(intervals), scenario)
    log.info("staffing: %d rows, %.0f net agent-hours", len(table), figures["agent_hours_net"])
    return StageResult(
        table=table, tables={"pooling": pooling}, notes=tuple(notes), figures=figures
    )


def _check_loads(grouped: pd.DataFrame, interval_min: int, source: str) -> None:
    """Raise :class:`InputError` where a skill's offered load in an interval (work /
    interval) is above ``MAX_TRAFFIC_ERLANGS``: no queue model staffs it (beyond 100,000
    agents), and the least-agents searches refuse it."""
    load = grouped["work_s"] / (interval_min * 60.0)
    over = load[load > MAX_TRAFFIC_ERLANGS]
    if over.empty:
        return
    (site, skill, when), erlangs = next(iter(over.items()))
    raise InputError(
        f"offered load of {erlangs:,.0f} Erlangs for skill {skill!r} at site {site!r} in the "
        f"interval {when.isoformat()}",
        source=source,
        key="human_contacts",
        expected=f"at most {MAX_TRAFFIC_ERLANGS:,.0f} Erlangs (human_contacts × human_aht_s / "
        "interval, summed over the skill's segments)",
    )


def _skill_load(
    grouped: pd.DataFrame,
    intervals: pd.DatetimeIndex,
    site: str,
    skill: str,
    scenario: Scenario,
    targets: dict[str, ServiceTarget],
) -> SkillLoad:
    """Contacts and work of (site, skill) on the grid, zero where the split has none."""
    try:
        part = grouped.loc[(site, skill)].reindex(intervals, fill_value=0.0)
        contacts = part["human_contacts"].to_numpy(dtype=np.float64)
        work = part["work_s"].to_numpy(dtype=np.float64)
    except KeyError:
        contacts = np.zeros(len(intervals))
        work = np.zeros(len(intervals))
    return SkillLoad(
        intervals=intervals,
        site=site,
        skill=skill,
        channel=scenario.channels[scenario.skill_channel(skill)],
        target=targets.get(skill, ServiceTarget()),
        contacts=contacts,
        work_s=work,
        aht_s=np.divide(work, contacts, out=np.zeros_like(work), where=contacts > 0),
        scenario=scenario,
    )


def _requirement_frame(load: SkillLoad, sized: SkillStaffing) -> pd.DataFrame:
    """REQUIREMENTS rows of one (site, skill), with the gross agents after shrinkage."""
    gross = gross_agents(
        sized.agents_required, load.scenario.shrinkage_rate(load.site, load.channel.name)
    )
    return pd.DataFrame(
        {
            "interval_start": load.intervals,
            "site": load.site,
            "skill": load.skill,
            "contacts": load.contacts,
            "aht_s": load.aht_s,
            "agents_required": sized.agents_required.astype(np.int64),
            "agents_required_gross": gross,
            "service_level_rate": sized.service_level_rate,
            "asa_s": sized.asa_s,
            "occupancy_rate": sized.occupancy_rate,
        }
    )


def _target_notes(
    scenario: Scenario,
    targets: dict[str, ServiceTarget],
    segs_of: dict[str, list[str]],
    skills: list[str],
) -> list[str]:
    """Notes on shared skills' targets, 100 % targets, and abandonment under each model."""
    notes = []
    for skill, segs in segs_of.items():
        distinct = {_target_of(scenario, skill, s) for s in segs}
        if len(segs) > 1 and len(distinct) > 1:
            notes.append(
                f"skill {skill}: segments {', '.join(segs)} have different targets; staffed to "
                f"the strictest ({_describe(targets[skill], scenario, skill)})."
            )
    for skill in skills:
        ch = scenario.channels[scenario.skill_channel(skill)]
        t = targets.get(skill, ServiceTarget())
        if ch.queue_model != "deferred" and t.sl_target_rate >= 1.0:
            notes.append(f"skill {skill}: a 100 % service level is planned as 99.99 %.")
        if (
            t.max_abandon_rate is not None
            and ch.queue_model != "deferred"
            and ch.realtime_model == "erlang_c"
        ):
            notes.append(
                f"skill {skill}: max_abandon_rate is not used under Erlang C (no abandonment "
                f"in the model); set realtime_model = 'erlang_a' and patience_s to use it."
            )
    erlang_a_skills = [
        sk
        for sk in skills
        if scenario.channels[scenario.skill_channel(sk)].queue_model != "deferred"
        and scenario.channels[scenario.skill_channel(sk)].realtime_model == "erlang_a"
    ]
    if erlang_a_skills:
        notes.append(
            f"asa_s of Erlang A skills ({', '.join(erlang_a_skills)}) is the mean time in queue "
            f"over all arrivals, abandoned contacts included (= abandonment × patience_s)."
        )
    return notes


def _figures(
    table: pd.DataFrame, pooling: pd.DataFrame, n_intervals: int, scenario: Scenario
) -> dict:
    """Agent-hours net and gross, peak agents and the pooling gain of the requirement."""
    hours = scenario.interval_min / MIN_PER_H
    return {
        "intervals": n_intervals,
        "agent_hours_net": float(table["agents_required"].sum() * hours),
        "agent_hours_gross": float(table["agents_required_gross"].sum() * hours),
        "peak_agents_required": int(table.groupby("interval_start")["agents_required"].sum().max()),
        "pooling_gain_agent_hours": float(pooling["pooling_gain"].sum() * hours)
        if len(pooling)
        else 0.0,
        "abandoned_in_sl": bool(scenario.abandoned_in_sl),
    }


def _target_of(scenario: Scenario, skill: str, segment: str) -> ServiceTarget:
    """Target of ``segment`` on the channel of ``skill``."""
    return scenario.segments[segment].target(scenario.skill_channel(skill))


def _describe(t: ServiceTarget, scenario: Scenario, skill: str) -> str:
    ch = scenario.channels[scenario.skill_channel(skill)]
    if ch.queue_model == "deferred":
        return (
            f"every contact within {ch.deadline_h:g} h of opening hours, occupancy ≤ "
            f"{t.max_occupancy_rate:.0%}"
        )
    parts = [f"{t.sl_target_rate:.0%} within {t.sl_threshold_s:g} s"]
    if t.asa_target_s is not None:
        parts.append(f"ASA ≤ {t.asa_target_s:g} s")
    if t.max_abandon_rate is not None:
        parts.append(f"abandonment ≤ {t.max_abandon_rate:.1%}")
    parts.append(f"occupancy ≤ {t.max_occupancy_rate:.0%}")
    return ", ".join(parts)


def _with_ai_room(
    table: pd.DataFrame, split: pd.DataFrame, prepared: pd.DataFrame, scenario: Scenario
) -> pd.DataFrame:
    """Add what the scheduler may still hand to AI agents (the split's optimiser bounds).

    ``ai_movable_contacts`` = Σ over the skill's split rows of
    max(0, min(ai_max_rate · contacts − ai_contained, human_contacts)); ``ai_sessions_used`` =
    AI sessions busy on the skill's channel in the interval, Σ (ai_contained · ai_aht_s +
    escalated · escalation_delay_s) / interval_s over the channel's rows, with the segment
    policy's ``escalation_delay_s`` (the session time of one escalation), the same count as
    the split's ``ai_capacity.sessions_used`` (the same value on every row of the channel).
    ``prepared`` is ``_prepare``'s frame: each split row's site and
    skill, in the split's row order. Without the split's bound columns the table is unchanged.
    """
    need = {"ai_max_rate", "ai_contained", "contacts", "escalated"}
    if not need <= set(split.columns) or table.empty:
        return table
    movable = np.clip(
        split["ai_max_rate"].to_numpy(float) * split["contacts"].to_numpy(float)
        - split["ai_contained"].to_numpy(float),
        0.0,
        split["human_contacts"].to_numpy(float),
    )
    ivl_s = float(interval_s(scenario.interval_min))
    ai_aht = (
        split["channel"]
        .map({ch: c.ai_aht_s for ch, c in scenario.ai_capacity.items()})
        .to_numpy(float)
    )
    # time an escalated contact held its AI session: the policy's escalation_delay_s (the
    # split's ``escalation_delay_s`` column is that time averaged over the row's human
    # contacts, so multiplying it by the escalations again would count too few sessions)
    delay = np.array(
        [
            scenario.segments[g].ai_policy(c).escalation_delay_s if g in scenario.segments else 0.0
            for c, g in zip(split["channel"], split["segment"], strict=True)
        ],
        dtype=float,
    )
    sessions = np.nan_to_num(
        (
            split["ai_contained"].to_numpy(float) * ai_aht
            + split["escalated"].to_numpy(float) * delay
        )
        / ivl_s
    )
    rows = pd.DataFrame(
        {
            "interval_start": split["interval_start"].to_numpy(),
            "site": prepared["site"].to_numpy(),
            "skill": prepared["skill"].to_numpy(),
            "channel": split["channel"].to_numpy(),
            "ai_movable_contacts": movable,
            "sessions": sessions,
        }
    )
    per_skill = rows.groupby(["interval_start", "site", "skill"], as_index=False)[
        "ai_movable_contacts"
    ].sum()
    per_channel = rows.groupby(["interval_start", "channel"], as_index=False)["sessions"].sum()
    out = table.merge(per_skill, on=["interval_start", "site", "skill"], how="left")
    out["channel"] = [scenario.skill_channel(k) for k in out["skill"]]
    out = out.merge(per_channel, on=["interval_start", "channel"], how="left")
    out["ai_movable_contacts"] = out["ai_movable_contacts"].fillna(0.0)
    out["ai_sessions_used"] = out["sessions"].fillna(0.0)
    return out.drop(columns=["channel", "sessions"])
