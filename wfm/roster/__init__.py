"""Rosters of named agents: who works which shift on which day (CP-SAT)."""

from wfm.roster.check import RosterCheck, check_roster
from wfm.roster.problem import (
    Contract,
    Cover,
    Request,
    RosterProblem,
    ShiftType,
    Staff,
    Weights,
)
from wfm.roster.solve import RosterSolution, solve_roster

__all__ = [
    "Contract",
    "Cover",
    "Request",
    "RosterCheck",
    "RosterProblem",
    "RosterSolution",
    "ShiftType",
    "Staff",
    "Weights",
    "check_roster",
    "solve_roster",
]
