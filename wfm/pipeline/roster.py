"""The roster in a plan: the people files a scenario names, their checks, and the stage.

A scenario with ``[roster] agents = "agents.csv"`` (optional ``time_off``, ``preferences``,
``weeks``, ``min_rest_h``; :class:`wfm.core.config.RosterConfig`) gets a roster of named
agents after its schedule: :func:`read_people` reads the files beside the scenario file,
:func:`check_people` checks them against the scenario (the pre-flight of ``wfm plan`` and
``wfm validate``), and :func:`roster_stage` runs :func:`wfm.roster.stage.roster_agents` on
the plan's schedule with the run's solver settings.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import pandas as pd

from wfm.core.config import RosterConfig, Scenario
from wfm.core.errors import ConfigError, InputError
from wfm.core.results import StageResult
from wfm.core.roster_settings import ROSTER_FILE_KEYS
from wfm.core.run_options import RunOptions
from wfm.io.people import read_agents, read_preferences, read_time_off
from wfm.roster.stage import roster_agents

PEOPLE_TABLES = ROSTER_FILE_KEYS
"""Names of the people tables a plan's roster takes (``agents`` needed, the others not)."""

_READERS = {"agents": read_agents, "time_off": read_time_off, "preferences": read_preferences}


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
        out[name] = _READERS[name](path)
    return out


def check_people(scenario: Scenario, people: Mapping[str, pd.DataFrame]) -> None:
    """Raise :class:`InputError` when an agent's site or pool is not in the scenario (a typo
    would leave the agent out of every roster without a word)."""
    agents = people.get("agents")
    if agents is None or scenario.roster is None:
        return
    source = Path(scenario.roster.agents).name
    for row in agents[["agent_id", "site", "pool"]].itertuples(index=False):
        site = scenario.sites.get(row.site)
        if site is None:
            raise InputError(
                f"agent {row.agent_id!r} works at an unknown site",
                source=source,
                key="site",
                got=row.site,
                expected="one of the scenario's sites: " + ", ".join(scenario.sites),
            )
        if row.pool not in site.pools:
            raise InputError(
                f"agent {row.agent_id!r} is in a pool site {row.site!r} does not have",
                source=source,
                key="pool",
                got=row.pool,
                expected=f"one of the pools of sites.{row.site}: " + ", ".join(site.pools),
            )


def _time_limit_s(cfg: RosterConfig, scenario: Scenario, options: RunOptions | None) -> float:
    if options is not None and options.time_limit_s is not None:
        return float(options.time_limit_s)
    if cfg.time_limit_s is not None:
        return float(cfg.time_limit_s)
    return float(scenario.solver.time_limit_s)


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
    res = roster_agents(
        tables["schedule"],
        tables["agents"],
        scenario,
        time_off=tables.get("time_off"),
        preferences=tables.get("preferences"),
        weeks=cfg.weeks,
        rotation_weeks=cfg.rotation_weeks,
        time_limit_s=_time_limit_s(cfg, scenario, options),
    )
    figures = dict(res.figures)
    if res.solve is not None:  # the manifest keeps the roster solver's outcome with its figures
        figures["solve"] = res.solve.to_dict()
    side = dict(res.tables)
    if tables.get("time_off") is not None:  # the time off kept to, for the report's week
        side["time_off"] = tables["time_off"]
    return replace(res, figures=figures, tables=side)
