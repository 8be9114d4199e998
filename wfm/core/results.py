"""Typed results shared by stages, the pipeline and the report."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import pandas as pd


@dataclass(frozen=True, slots=True, kw_only=True)
class SolveResult:
    """Outcome of an optimisation, always reported next to the schedule it produced.

    Attributes
    ----------
    status : str
        Solver status name (``OPTIMAL``, ``FEASIBLE``, ...).
    objective : float
        Objective value of the returned solution [currency].
    best_bound : float
        Best proven lower bound on the objective [currency].
    gap_rate : float
        (objective − best_bound) / max(|objective|, 1e-9), in [0, 1].
    wall_s : float
        Wall-clock solve time [s].
    num_workers : int
        Solver threads.
    seed : int
        Random seed given to the solver.
    solver : str
        Solver name (``CP-SAT``, ``CBC``, ...).
    detail : dict
        Further figures (LP bound, shortfall, counts), JSON-serialisable.
    """

    status: str
    objective: float
    best_bound: float
    gap_rate: float
    wall_s: float
    num_workers: int
    seed: int
    solver: str = ""
    detail: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Plain dict for ``manifest.json``."""
        return asdict(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class StageResult:
    """What every stage function returns.

    Attributes
    ----------
    table : pandas.DataFrame
        The stage's contract table (forecast, split, requirements, schedule).
    tables : dict of str to pandas.DataFrame
        Side tables written next to it as ``<name>.csv`` (backtest scores, coverage,
        overflow, costs, ...).
    notes : tuple of str
        Facts the planner must see next to the numbers (fallbacks used, approximations).
    figures : dict
        Scalar results for ``manifest.json`` and the report (JSON-serialisable).
    solve : SolveResult, optional
        Solver outcome, for stages that optimise.
    wall_s : float
        Wall time of the stage, set by the pipeline [s].
    """

    table: pd.DataFrame
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    figures: dict = field(default_factory=dict)
    solve: SolveResult | None = None
    wall_s: float = 0.0
