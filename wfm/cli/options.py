"""Command-line flags of a run's options (where it runs, how long the solver may take)."""

from __future__ import annotations

import math

import click


class FiniteRange(click.FloatRange):
    """A :class:`click.FloatRange` that also refuses ``nan`` and ``inf`` (a range check alone
    lets ``nan`` through, and ``inf`` would run a solver or a search for ever)."""

    name = "finite float range"

    def convert(self, value, param, ctx):
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


WORKERS = click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Local processes forecasting series (default: every core); in wfm plan also the "
    "solver's threads for this run (over the scenario's solver.num_workers).",
)
DASK_SCHEDULER = click.option(
    "--dask-scheduler",
    metavar="ADDRESS",
    help="Forecast the series on this Dask scheduler (tcp://host:8786) instead of local "
    "processes; give only a scheduler you trust (it exchanges pickled objects).",
)
TIME_LIMIT_S = click.option(
    "--time-limit-s",
    type=FiniteRange(min=0, min_open=True),
    help="Wall-time limit of the shift solve of this run [s] (default: the scenario's "
    "solver.time_limit_s).",
)


def run_options(
    *,
    workers: int | None = None,
    dask_scheduler: str | None = None,
    time_limit_s: float | None = None,
    solver_workers: bool = False,
):
    """RunOptions from the flags; ``solver_workers``: ``--workers`` also sets solver threads."""
    from wfm.core.run_options import RunOptions

    return RunOptions(
        workers=workers,
        dask_scheduler=(dask_scheduler or "").strip(),
        dask_scheduler_from="--dask-scheduler",
        solver_num_workers=workers if solver_workers else None,
        time_limit_s=time_limit_s,
    )
