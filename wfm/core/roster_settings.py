"""The ``[roster]`` section of a scenario: the people files a plan rosters, and how.

A scenario that names an agents file gets a roster of named agents in ``wfm plan``, after
the schedule (and after its correction by simulation, when asked): the files are read
beside the scenario file (:func:`wfm.pipeline.roster.read_people`).

Examples
--------
>>> RosterConfig(agents="agents.csv").weeks
4
>>> RosterConfig(agents="agents.csv", weeks=7)
Traceback (most recent call last):
...
wfm.core.errors.ConfigError: weeks: must be in [1, 6]; got 7
"""

from __future__ import annotations

from dataclasses import dataclass

from wfm.core.checks import check_between, check_positive
from wfm.core.errors import ConfigError

MAX_ROSTER_WEEKS = 6
"""Longest roster a plan makes [weeks]."""

ROSTER_FILE_KEYS = ("agents", "time_off", "preferences")
"""Keys of ``[roster]`` that name a file (relative to the scenario file)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RosterConfig:
    """Which people files to roster and over how many weeks.

    Attributes
    ----------
    agents : str
        Agents CSV (the agents contract, docs/roster.md), relative to the scenario file.
    time_off : str
        Time-off CSV (hard); empty → none.
    preferences : str
        Preferences CSV (soft); empty → none.
    weeks : int
        Roster length, 1 to 6 [weeks]; the schedule's days repeat when it is shorter.
    min_rest_h : float, optional
        Rest between two shifts of one agent [h]; default ``shifts.min_rest_h``.
    time_limit_s : float, optional
        CP-SAT time limit per site and pool for the roster [s]; default
        ``solver.time_limit_s``. A run's ``--time-limit-s`` wins over both.
    rotation_weeks : int
        Each agent's days (shifts and days off) should repeat every ``rotation_weeks`` weeks,
        a rotation (soft); 0 = none, else below ``weeks``.
    """

    agents: str
    time_off: str = ""
    preferences: str = ""
    weeks: int = 4
    min_rest_h: float | None = None
    time_limit_s: float | None = None
    rotation_weeks: int = 0

    def __post_init__(self) -> None:
        if not self.agents.strip():
            raise ConfigError(
                "must name the agents file, e.g. 'agents.csv' (written by "
                "'wfm sample SCENARIO --agents-out agents.csv')",
                key="agents",
            )
        check_between("weeks", self.weeks, 1, MAX_ROSTER_WEEKS)
        if self.min_rest_h is not None:
            check_positive("min_rest_h", self.min_rest_h, allow_zero=True)
            if self.min_rest_h >= 24:
                raise ConfigError(f"must be below 24 h; got {self.min_rest_h}", key="min_rest_h")
        if self.time_limit_s is not None:
            check_positive("time_limit_s", self.time_limit_s)
        if self.rotation_weeks and not 1 <= self.rotation_weeks < self.weeks:
            raise ConfigError(
                f"must be 0 (no rotation) or from 1 to weeks - 1 = {self.weeks - 1} (a rotation "
                f"repeats within the roster); got {self.rotation_weeks}",
                key="rotation_weeks",
            )

    def files(self) -> dict[str, str]:
        """The files named, by key (``agents`` always; ``time_off``, ``preferences`` when
        set)."""
        return {k: getattr(self, k) for k in ROSTER_FILE_KEYS if getattr(self, k)}
