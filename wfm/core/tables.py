"""The tables of a plan, named once: which stage writes each, which stage reads which.

Every stage writes its contract table under its own name (``forecast.csv`` …
``simulation.csv``) and side tables next to it (backtest scores, coverage, overflow, …).
The pipeline resumes a run from the tables a stage reads, the plan folder knows which files
are wfm's from the tables the stages write, and the report reads the same names; all of them
take the names from here.

Examples
--------
>>> stage_of("coverage")
'schedule'
>>> STAGE_TABLES["simulation"].reads
('split', 'pool_agents', 'overflow', 'coverage', 'allocation')
>>> schema_of("backtest") is None
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from wfm.core.errors import ConfigError
from wfm.core.people import PEOPLE_SCHEMAS
from wfm.core.routing import ALLOCATION
from wfm.core.schemas import SCHEMAS, TableSchema

StageName = Literal["forecast", "split", "requirements", "schedule", "simulation", "roster"]
STAGES: tuple[str, ...] = get_args(StageName)
"""Stage names in pipeline order; each writes ``<name>.csv``. The roster runs only for a
scenario that names an agents file (``[roster]``), after the schedule's correction by
simulation."""


@dataclass(frozen=True, slots=True, kw_only=True)
class StageTables:
    """The tables of one stage.

    Attributes
    ----------
    stage : str
        Stage name; also the name of its contract table.
    side : tuple of str
        Side tables it writes next to its contract table.
    reads : tuple of str
        Tables it reads (what a run resumed at this stage loads from the previous plan).
    optional : tuple of str
        Tables among ``reads`` it uses when present (a plan without overflow).
    """

    stage: str
    side: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()

    @property
    def written(self) -> tuple[str, ...]:
        """Contract table first, then the side tables."""
        return (self.stage, *self.side)


STAGE_TABLES: dict[str, StageTables] = {
    t.stage: t
    for t in (
        StageTables(stage="forecast", side=("backtest",), reads=("history",)),
        StageTables(
            stage="split", side=("ai_capacity", "repeats", "split_summary"), reads=("forecast",)
        ),
        StageTables(stage="requirements", side=("pooling",), reads=("split",)),
        StageTables(
            stage="schedule",
            side=("coverage", "overflow", "pool_agents", "allocation", "cost"),
            reads=("requirements",),
        ),
        StageTables(
            stage="simulation",
            side=("summary", "pool_occupancy", "replications", "correction"),
            reads=("split", "pool_agents", "overflow", "coverage", "allocation"),
            optional=("overflow", "coverage", "allocation"),
        ),
        StageTables(
            stage="roster", side=("unassigned", "agent_summary", "time_off"), reads=("schedule",)
        ),
    )
}
"""Stage name → its tables, in pipeline order."""

EXTRA_TABLES: tuple[str, ...] = ("whatif",)
"""Tables no stage writes that a planner may put beside a plan for the report (a what-if
sweep); read with the plan when present, never written by it."""

ROSTER_TABLES: tuple[str, ...] = STAGE_TABLES["roster"].written
"""Tables of the roster stage: a plan whose scenario has no ``[roster]`` has none of them
(``time_off``, the time off the roster kept to, only when the scenario names a file)."""

PLAN_TABLE_NAMES: tuple[str, ...] = tuple(n for t in STAGE_TABLES.values() for n in t.written)
"""Every table a plan's stages write, in pipeline order."""


def stage_of(table: str) -> str:
    """The stage that writes ``table``; :class:`ConfigError` for a name no stage writes."""
    for t in STAGE_TABLES.values():
        if table in t.written:
            return t.stage
    raise ConfigError(
        f"no stage writes a table {table!r}; expected one of {', '.join(PLAN_TABLE_NAMES)}"
    )


def schema_of(table: str) -> TableSchema | None:
    """The contract of ``table`` (history, forecast, split, …, allocation, roster,
    unassigned, agent_summary), None for a side table without one (backtest, pooling, cost,
    …)."""
    if table == "allocation":
        return ALLOCATION
    if table in ROSTER_TABLES:
        return PEOPLE_SCHEMAS[table]
    return SCHEMAS.get(table)


def check_stage(name: str, *, key: str | None = None) -> str:
    """Return ``name`` if it is a stage, else raise :class:`ConfigError` listing them."""
    if name not in STAGE_TABLES:
        raise ConfigError(f"unknown stage {name!r}; expected one of {', '.join(STAGES)}", key=key)
    return name
