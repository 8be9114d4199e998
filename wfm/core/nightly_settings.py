"""Settings of the nightly job: its own TOML file (not part of a scenario) naming the
scenario to plan, the new actuals, where the dated plan folders and the run store live, and
how each night's run is executed."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from wfm.core.checks import check_between
from wfm.core.errors import ConfigError
from wfm.core.settings import MAX_HORIZON_DAYS


@dataclass(frozen=True, slots=True, kw_only=True)
class NightlyConfig:
    """Settings of the nightly job (its own TOML file, not part of a scenario).

    Relative paths are resolved against the folder of the config file by the loader.

    Attributes
    ----------
    scenario_path : str
        Scenario TOML file to plan.
    actuals_path : str
        New actuals: one history CSV, or a folder whose ``*.csv`` files are all read.
    out_root : str
        Folder that receives one dated plan folder per night (``out_root/YYYY-MM-DD``).
    store_path : str
        DuckDB run store (runs, actuals, forecast snapshots, accuracy).
    lock_path : str
        Lock file that keeps two nightly runs from overlapping; empty →
        ``out_root/.nightly.lock``.
    log_path : str
        Log file the run appends to; empty → ``out_root/nightly.log``.
    horizon_days : int, optional
        Days to plan; overrides the scenario's ``horizon_days`` when set [days].
    exports : tuple of str
        Export layouts written to ``exports/`` in each dated folder.
    export_tz : str
        IANA zone of local-time exports (Calabrio); empty → the scenario's home site.
    report : bool
        Whether to write ``report.html`` in each dated folder.
    workers : int, optional
        Local processes forecasting series, and the solver's threads (over the scenario's
        ``solver.num_workers``); default every core and the scenario's threads.
    dask_scheduler : str
        Address of a Dask scheduler (``tcp://host:8786``) that forecasts the series; empty
        for local processes. Only a scheduler you trust: Dask exchanges pickled objects.
    time_limit_s : float, optional
        Wall-time limit of the shift solve; default the scenario's ``solver.time_limit_s``
        [s].
    """

    scenario_path: str
    actuals_path: str
    out_root: str
    store_path: str
    lock_path: str = ""
    log_path: str = ""
    horizon_days: int | None = None
    exports: tuple[str, ...] = ("genesys-historical", "amazon-connect-forecast", "calabrio")
    export_tz: str = ""
    report: bool = True
    workers: int | None = None
    dask_scheduler: str = ""
    time_limit_s: float | None = None

    def __post_init__(self) -> None:
        for name in ("scenario_path", "actuals_path", "out_root", "store_path"):
            if not getattr(self, name).strip():
                raise ConfigError("must be a path; got an empty string", key=name)
        if self.horizon_days is not None:
            check_between("horizon_days", self.horizon_days, 1, MAX_HORIZON_DAYS)
        if self.export_tz:
            try:
                ZoneInfo(self.export_tz)
            except (ZoneInfoNotFoundError, ValueError):
                raise ConfigError(
                    f"unknown time zone {self.export_tz!r}; expected an IANA name such as "
                    "'Europe/Paris', or empty for the scenario's home site",
                    key="export_tz",
                ) from None
        if len(set(self.exports)) != len(self.exports):
            raise ConfigError("lists a layout twice", key="exports")
        self.run_options(dask_scheduler_from="dask_scheduler")  # checks the run's options

    def run_options(self, *, dask_scheduler_from: str = "nightly config key dask_scheduler"):
        """The :class:`~wfm.core.run_options.RunOptions` of every nightly run."""
        from wfm.core.run_options import RunOptions

        return RunOptions(
            workers=self.workers,
            dask_scheduler=self.dask_scheduler.strip(),
            dask_scheduler_from=dask_scheduler_from,
            solver_num_workers=self.workers,
            time_limit_s=self.time_limit_s,
        )
