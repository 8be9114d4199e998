"""The roster in a plan: the people files a scenario names, their checks, and the stage.

A scenario with ``[roster] agents = "agents.csv"`` (optional ``time_off``, ``preferences``,
``weeks``, ``min_rest_h``; :class:`wfm.core.config.RosterConfig`) gets a roster of named
agents after its schedule: :func:`read_people` reads the files beside the scenario file,
:func:`check_people` checks them against the scenario (the pre-flight of ``wfm plan`` and
``wfm validate``), and :func:`roster_stage` runs :func:`wfm.roster.stage.roster_agents` on
the plan's schedule with the run's solver settings.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.core.checks import check_clock_column, check_date_column
from wfm.core.config import RosterConfig, Scenario
from wfm.core.errors import ConfigError, InputError, raise_at_first
from wfm.core.results import StageResult
from wfm.core.roster_settings import ROSTER_FILE_KEYS
from wfm.core.run_options import RunOptions
from wfm.io.people import read_agents, read_preferences, read_roster, read_time_off
from wfm.roster.build import clock_of, local_span_utc
from wfm.roster.stage import roster_agents

PEOPLE_TABLES = ROSTER_FILE_KEYS
"""Names of the people tables a plan's roster takes (``agents`` needed, the others not)."""

PEOPLE_READERS = {
    "agents": read_agents,
    "time_off": read_time_off,
    "preferences": read_preferences,
    "published": read_roster,
}
"""Reader of each people table (``published``: a published roster, for re-rostering)."""


def people_paths(scenario_path: str | os.PathLike, scenario: Scenario) -> dict[str, Path]:
    """The people files the scenario's ``[roster]`` names, by table, resolved against the
    scenario file's folder ({} without ``[roster]``)."""
    if scenario.roster is None:
        return {}
    folder = Path(scenario_path).parent
    return {name: folder / file for name, file in scenario.roster.files().items()}


def read_people(scenario_path: str | os.PathLike, scenario: Scenario) -> dict[str, pd.DataFrame]:
    """Read the people files of the scenario's ``[roster]`` ({} without one).

    Raises
    ------
    ConfigError
        A file named by ``roster.agents`` (``time_off``, ``preferences``) does not exist:
        the error names the scenario file, the key and the file looked for.
    InputError
        A file breaks its contract (file, line and column named).
    """
    out = {}
    for name, path in people_paths(scenario_path, scenario).items():
        if not path.is_file():
            raise ConfigError(
                f"the {name.replace('_', '-')} file {path.name!r} is not found (looked for "
                f"{path}); expected a file beside the scenario, e.g. written by "
                "'wfm sample SCENARIO --agents-out agents.csv'",
                key=f"roster.{name}",
                source=Path(scenario_path).name,
            )
        out[name] = PEOPLE_READERS[name](path)
    return out


def check_people(
    scenario: Scenario,
    people: Mapping[str, pd.DataFrame],
    *,
    sources: Mapping[str, str] | None = None,
    schedule: pd.DataFrame | None = None,
    pinned: Iterable[str] = (),
) -> None:
    """Check the people tables against the scenario and each other before a roster is solved
    (a typo would otherwise leave an agent, a day off or a preference out without a word).

    Parameters
    ----------
    scenario : Scenario
        Its sites and their pools.
    people : mapping of str to pandas.DataFrame
        ``agents`` (in file order) and, when given, ``time_off``, ``preferences`` and
        ``published`` (a published roster).
    sources : mapping of str to str, optional
        File name per table for the messages (default: the scenario's ``[roster]`` files).
    schedule : pandas.DataFrame, optional
        The schedule the roster covers: each ``avoid_shift`` must name one of its shifts at
        the agent's site and pool.
    pinned : iterable of str
        Agents pinned to the published roster: each must have published rows.

    Raises
    ------
    InputError
        Naming the file, line (header = line 1) and column, or ``--pin``.
    """
    agents = people.get("agents")
    if agents is None:
        return
    names = _source_names(scenario, sources)
    _check_agent_places(scenario, agents, names["agents"])
    known = agents["agent_id"]
    for table in ("time_off", "preferences", "published"):
        rows = people.get(table)
        if rows is not None:
            raise_at_first(
                ~rows["agent_id"].isin(known),
                "an agent the agents file does not have",
                source=names[table],
                key="agent_id",
                got=rows["agent_id"],
                expected=f"an agent_id of {names['agents']}",
            )
    if people.get("published") is not None:
        _check_published_places(people["published"], agents, names["published"])
        _check_published_times(people["published"], scenario, names["published"])
    if people.get("preferences") is not None and schedule is not None:
        _check_avoided_shifts(people["preferences"], agents, schedule, names["preferences"])
    _check_pins(pinned, agents, people.get("published"))


def _source_names(scenario: Scenario, sources: Mapping[str, str] | None) -> dict[str, str]:
    files = scenario.roster.files() if scenario.roster is not None else {}
    out = {name: Path(file).name for name, file in files.items()}
    out.update(sources or {})
    for table in ("agents", "time_off", "preferences", "published"):
        out.setdefault(table, f"the {table.replace('_', '-')} file")
    return out


def _check_agent_places(scenario: Scenario, rows: pd.DataFrame, source: str) -> None:
    """Each row's ``site`` is the scenario's and its ``pool`` one of that site's (the first
    bad row in file order is named)."""
    raise_at_first(
        ~rows["site"].isin(list(scenario.sites)),
        "an unknown site",
        source=source,
        key="site",
        got=rows["site"],
        expected="one of the scenario's sites: " + ", ".join(scenario.sites),
    )
    pools = {site: list(cfg.pools) for site, cfg in scenario.sites.items()}
    bad = np.array(
        [p not in pools[s] for s, p in zip(rows["site"], rows["pool"], strict=True)], dtype=bool
    )
    site = rows["site"].iloc[int(bad.argmax())] if bad.any() else ""
    raise_at_first(
        bad,
        f"a pool site {site!r} does not have",
        source=source,
        key="pool",
        got=rows["pool"],
        expected=f"one of the pools of sites.{site}: " + ", ".join(pools.get(site, ())),
    )


def _check_published_places(published: pd.DataFrame, agents: pd.DataFrame, source: str) -> None:
    home = agents.set_index("agent_id")
    for col in ("site", "pool"):
        theirs = published["agent_id"].map(home[col])
        raise_at_first(
            published[col] != theirs,
            f"not the agent's {col} in the agents file",
            source=source,
            key=col,
            got=published[col],
            expected=f"the {col} the agents file gives the row's agent_id",
        )


def unknown_avoided_shifts(
    preferences: pd.DataFrame, agents: pd.DataFrame, schedule: pd.DataFrame
) -> np.ndarray:
    """Rows of ``preferences`` that avoid a shift the schedule does not have at the agent's
    site and pool (a typo, or a shift this schedule does not use); agents must be known."""
    offered = set(
        zip(schedule["site"], schedule["pool"], schedule["shift"].astype(str), strict=True)
    )
    home = agents.set_index("agent_id").loc[preferences["agent_id"]]
    value = preferences["value"].astype(str).str.strip()
    places = zip(home["site"], home["pool"], value, strict=True)
    avoid = (preferences["kind"] == "avoid_shift").to_numpy()
    return avoid & np.array([place not in offered for place in places], dtype=bool)


def _check_published_times(published: pd.DataFrame, scenario: Scenario, source: str) -> None:
    """``shift_start`` is ``local_date`` at ``shift_start_local`` in the site's zone, as
    :func:`wfm.roster.build.local_span_utc` writes it (a start in a spring-forward gap moves
    on by the gap; ``24:00`` is the next midnight)."""
    check_clock_column(published["shift_start_local"], source=source, key="shift_start_local")
    starts = [
        local_span_utc(dt.date.fromisoformat(d.strip()), clock_of(t), 0, scenario.sites[s].tz)[0]
        for d, t, s in zip(
            published["local_date"], published["shift_start_local"], published["site"], strict=True
        )
    ]
    raise_at_first(
        published["shift_start"].to_numpy() != pd.DatetimeIndex(starts, tz="UTC").to_numpy(),
        "shift_start is not local_date at shift_start_local in the site's time zone",
        source=source,
        key="shift_start",
        got=published["shift_start"],
        expected="the UTC time of local_date and shift_start_local at the row's site",
    )


def _check_avoided_shifts(
    preferences: pd.DataFrame, agents: pd.DataFrame, schedule: pd.DataFrame, source: str
) -> None:
    raise_at_first(
        unknown_avoided_shifts(preferences, agents, schedule),
        "not a shift the schedule has at the agent's site and pool",
        source=source,
        key="value",
        got=preferences["value"],
        expected="a shift name of schedule.csv for that site and pool",
    )


def _check_pins(pinned: Iterable[str], agents: pd.DataFrame, published: pd.DataFrame | None):
    known = set(agents["agent_id"])
    listed = set() if published is None else set(published["agent_id"])
    for who in pinned:
        if who not in known:
            raise InputError(
                "not an agent of the agents file", key="--pin", got=who, expected="an agent_id"
            )
        if who not in listed:
            raise InputError(
                "the agent has no shift in the published roster, so nothing can be kept",
                key="--pin",
                got=who,
                expected="an agent with rows in the published roster",
            )


def check_schedule_places(schedule: pd.DataFrame, scenario: Scenario, source: str) -> None:
    """The schedule a roster covers has rows, each of a site and pool of the scenario, a
    ``local_date`` ``YYYY-MM-DD`` and a ``shift_start_local`` ``HH:MM``, and each shift name
    of a site and pool one start and length (a schedule written by hand or for another
    scenario)."""
    if not len(schedule):
        raise InputError(
            "no data rows (the file has a header only)",
            source=source,
            line=2,
            expected="the schedule's shifts: rows of site, pool, local_date, shift, agents",
        )
    _check_agent_places(scenario, schedule, source)
    check_date_column(schedule["local_date"], source=source, key="local_date")
    check_clock_column(schedule["shift_start_local"], source=source, key="shift_start_local")
    form = ["site", "pool", "shift", "shift_start_local", "shift_length_min"]
    first = schedule.drop_duplicates(["site", "pool", "shift"])[form]
    same = schedule[form].merge(first, how="left", on=form[:3], suffixes=("", "_first"))
    raise_at_first(
        (same["shift_start_local"] != same["shift_start_local_first"])
        | (same["shift_length_min"] != same["shift_length_min_first"]),
        "the shift starts or lasts otherwise than on its first row",
        source=source,
        key="shift",
        got=schedule["shift"],
        expected="one start and length per shift name at a site and pool",
    )


def _time_limit_s(cfg: RosterConfig, scenario: Scenario, options: RunOptions | None) -> float:
    if options is not None and options.time_limit_s is not None:
        return float(options.time_limit_s)
    if cfg.time_limit_s is not None:
        return float(cfg.time_limit_s)
    return float(scenario.solver.time_limit_s)


def _preferences_for(tables: Mapping[str, pd.DataFrame], cfg: RosterConfig):
    """The preferences without the ``avoid_shift`` rows of shifts the plan's schedule does not
    have at the agent's site and pool (the schedule's shifts change from plan to plan), and a
    note that names them."""
    prefs = tables.get("preferences")
    if prefs is None or not len(prefs):
        return prefs, ()
    gone = unknown_avoided_shifts(prefs, tables["agents"], tables["schedule"])
    if not gone.any():
        return prefs, ()
    first = int(gone.argmax())
    note = (
        f"{Path(cfg.preferences or '').name}: {int(gone.sum())} avoid_shift preference(s) "
        f"name a shift this schedule does not have at the agent's site and pool (first on "
        f"line {first + 2}: {prefs['value'].iloc[first]!r}); left out of the roster and its "
        "preference figures"
    )
    return prefs[~gone].reset_index(drop=True), (note,)


def roster_stage(
    tables: Mapping[str, pd.DataFrame], scenario: Scenario, options: RunOptions | None = None
) -> StageResult:
    """Named agents on the schedule's shifts over ``roster.weeks`` weeks.

    The solver settings are the scenario's with the run's options applied (workers, seed);
    the time limit per site and pool is the run's ``--time-limit-s``, else
    ``roster.time_limit_s``, else ``solver.time_limit_s``; ``roster.min_rest_h`` overrides
    ``shifts.min_rest_h``.
    """
    cfg = scenario.roster
    if cfg is None:
        raise ConfigError("the scenario has no [roster] section", key="roster")
    if "agents" not in tables:
        raise ConfigError(
            f"the scenario names the agents file {cfg.agents!r}; read it and give it as "
            "people= (run_plan reads it beside the scenario)",
            key="roster.agents",
        )
    if cfg.min_rest_h is not None:
        scenario = replace(scenario, shifts=replace(scenario.shifts, min_rest_h=cfg.min_rest_h))
    preferences, notes = _preferences_for(tables, cfg)
    res = roster_agents(
        tables["schedule"],
        tables["agents"],
        scenario,
        time_off=tables.get("time_off"),
        preferences=preferences,
        weeks=cfg.weeks,
        rotation_weeks=cfg.rotation_weeks,
        time_limit_s=_time_limit_s(cfg, scenario, options),
    )
    res = replace(res, notes=(*notes, *res.notes))
    figures = dict(res.figures)
    if res.solve is not None:  # the manifest keeps the roster solver's outcome with its figures
        figures["solve"] = res.solve.to_dict()
    side = dict(res.tables)
    if tables.get("time_off") is not None:  # the time off kept to, for the report's week
        side["time_off"] = tables["time_off"]
    return replace(res, figures=figures, tables=side)
