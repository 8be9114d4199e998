"""Options of one run that are not part of the centre's scenario.

Where the work runs (how many local processes, which Dask scheduler) and how long the shift
solver may take on this machine belong to the person or the job that starts a run, not to
the scenario file: a scenario is shared and versioned with the plan, and a Dask scheduler
exchanges pickled objects, so a scenario file must not be able to send work to one. They
come from the command line (``--workers``, ``--dask-scheduler``, ``--time-limit-s``) or the
nightly config, and travel down the pipeline as one :class:`RunOptions`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from wfm.core.checks import check_positive
from wfm.core.errors import ConfigError
from wfm.core.settings import SolverConfig

_ADDRESS = re.compile(
    r"^(?:(?:tcp|tls|ucx|ws|wss)://)?(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.\-]+):\d{1,5}$"
    r"|^inproc://\S+$"
)
ADDRESS_FORM = "an address such as tcp://scheduler:8786 (tcp, tls, ucx, ws or wss; a port)"


@dataclass(frozen=True, slots=True, kw_only=True)
class RunOptions:
    """How one run is executed; none of it changes the plan's numbers except the solver's
    time limit and threads, which may stop the solver at a different schedule.

    Attributes
    ----------
    workers : int, optional
        Local processes forecasting series in parallel; default every core.
    dask_scheduler : str
        Address of a Dask scheduler (``tcp://host:8786``) that forecasts the series instead
        of local processes; empty for local.
    dask_scheduler_from : str
        Where the address came from, for messages (``--dask-scheduler`` or the nightly
        config key).
    solver_num_workers : int, optional
        Solver threads (and polish processes) of this run; default the scenario's
        ``solver.num_workers``.
    time_limit_s : float, optional
        Wall-time limit of this run's shift solve; default the scenario's
        ``solver.time_limit_s`` [s].
    """

    workers: int | None = None
    dask_scheduler: str = ""
    dask_scheduler_from: str = "--dask-scheduler"
    solver_num_workers: int | None = None
    time_limit_s: float | None = None

    def __post_init__(self) -> None:
        if self.workers is not None:
            check_positive("workers", self.workers)
        if self.solver_num_workers is not None:
            check_positive("solver_num_workers", self.solver_num_workers)
        if self.time_limit_s is not None:
            check_positive("time_limit_s", self.time_limit_s)
        if self.dask_scheduler and not _ADDRESS.match(self.dask_scheduler):
            raise ConfigError(
                f"{self.dask_scheduler!r} is not a Dask scheduler address; expected {ADDRESS_FORM}",
                key=self.dask_scheduler_from,
            )

    def solver(self, config: SolverConfig) -> SolverConfig:
        """The scenario's solver settings with this run's overrides."""
        changes: dict[str, Any] = {}
        if self.solver_num_workers is not None:
            changes["num_workers"] = self.solver_num_workers
        if self.time_limit_s is not None:
            changes["time_limit_s"] = float(self.time_limit_s)
        return replace(config, **changes) if changes else config

    def apply(self, scenario: Any) -> Any:
        """A :class:`~wfm.core.config.Scenario` with this run's solver overrides."""
        solver = self.solver(scenario.solver)
        return scenario if solver is scenario.solver else replace(scenario, solver=solver)

    def to_dict(self) -> dict[str, Any]:
        """The options as written to a plan's manifest."""
        return {
            "workers": self.workers,
            "dask_scheduler": self.dask_scheduler,
            "solver_num_workers": self.solver_num_workers,
            "time_limit_s": self.time_limit_s,
        }
