"""Settings of the forecast stage: the candidate models, the backtest that picks one per
series, the fallback of short histories and the seeds of series without history."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Literal

from wfm.core.checks import check_choice, check_positive, check_rate
from wfm.core.errors import ConfigError

ForecastModel = Literal[
    "seasonal_naive",
    "week_average",
    "week_median",
    "top_down_ets",
    "top_down_factors",
    "direct_mstl",
    "ensemble",
]
FORECAST_MODELS: tuple[str, ...] = (
    "seasonal_naive",
    "week_average",
    "week_median",
    "top_down_ets",
    "top_down_factors",
    "direct_mstl",
    "ensemble",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ForecastConfig:
    """Forecast stage settings.

    Attributes
    ----------
    models : tuple of str
        Candidate models tried by the backtest (registry names of ``wfm.forecast``).
    level_rate : float
        Prediction-interval level (0.8 → 10 %–90 % quantiles).
    history_weeks : int
        Weeks of history used (most recent).
    backtest_origins : int
        Rolling origins of the backtest that selects the model per series.
    backtest_step_days : int
        Days between two backtest origins [days].
    backtest_horizon_days : int, optional
        Days forecast from each origin [days]; default the scenario's ``horizon_days``.
    average_weeks : int
        Weeks averaged by ``week_average`` and ``week_median``.
    profile_weeks : int
        Recent weeks of each weekday that shape the intraday profile of ``top_down_ets``.
    ensemble_size : int
        Best candidates (by backtest wMAPE) averaged with equal weights by ``ensemble``.
    min_history_weeks : float
        Shorter histories skip the backtest and use ``fallback_model`` (noted) [weeks].
    fallback_model : str
        Model of short histories; a baseline (not ``ensemble``).
    fallback_error_rate : float
        Relative error (coefficient of variation beyond Poisson noise) that sizes prediction
        intervals when no backtest could measure it.
    default_aht_s : float
        Handle time of series whose history has none (noted when used) [s].
    aht_prior_contacts : float
        Credibility weight of the intraday AHT profile: a weekday-interval with this many
        contacts gets half its own mean and half the profile [contacts].
    seed_contacts_per_day : dict of str to float
        Daily contacts of new series without history, keyed ``"channel/segment"`` or
        ``"channel/segment/site"``; spread evenly over open intervals [contacts].
    events_file : str
        CSV of special days (``date``, ``scope``, ``multiplier`` or ``contacts``), next to the
        scenario file; empty for none.

    Where the series are forecast (local processes, a Dask scheduler) is not a scenario
    setting but an option of the run (:class:`wfm.core.run_options.RunOptions`); the
    former keys ``workers`` and ``dask_scheduler`` are errors that say so.
    """

    MOVED_KEYS: ClassVar[dict[str, str]] = {
        "workers": "is no longer a scenario key: the number of local processes is an option "
        "of the run; give --workers N to wfm plan, forecast, backtest or whatif, or "
        "workers = N in the nightly config",
        "dask_scheduler": "is no longer a scenario key (a scenario file must not choose where "
        "a run sends its work); give --dask-scheduler ADDRESS to wfm plan, forecast, "
        'backtest or whatif, or dask_scheduler = "ADDRESS" in the nightly config',
    }

    models: tuple[ForecastModel, ...] = FORECAST_MODELS  # type: ignore[assignment]
    level_rate: float = 0.80
    history_weeks: int = 8
    backtest_origins: int = 3
    backtest_step_days: int = 7
    backtest_horizon_days: int | None = None
    average_weeks: int = 4
    profile_weeks: int = 6
    ensemble_size: int = 3
    min_history_weeks: float = 2.0
    fallback_model: ForecastModel = "week_average"
    fallback_error_rate: float = 0.15
    default_aht_s: float = 300.0
    aht_prior_contacts: float = 20.0
    seed_contacts_per_day: dict[str, float] = field(default_factory=dict)
    events_file: str = ""

    def __post_init__(self) -> None:
        check_rate("level_rate", self.level_rate, low_open=True, high_open=True)
        check_positive("history_weeks", self.history_weeks)
        if not self.models:
            raise ConfigError("needs at least one model", key="models")
        for i, m in enumerate(self.models):
            check_choice(f"models[{i}]", m, FORECAST_MODELS)
        check_positive("backtest_origins", self.backtest_origins)
        check_positive("backtest_step_days", self.backtest_step_days)
        if self.backtest_horizon_days is not None:
            check_positive("backtest_horizon_days", self.backtest_horizon_days)
        check_positive("average_weeks", self.average_weeks)
        check_positive("profile_weeks", self.profile_weeks)
        check_positive("ensemble_size", self.ensemble_size)
        check_positive("min_history_weeks", self.min_history_weeks, allow_zero=True)
        check_choice("fallback_model", self.fallback_model, FORECAST_MODELS[:-1])
        check_positive("fallback_error_rate", self.fallback_error_rate, allow_zero=True)
        check_positive("default_aht_s", self.default_aht_s)
        check_positive("aht_prior_contacts", self.aht_prior_contacts, allow_zero=True)
        for k, v in self.seed_contacts_per_day.items():
            if not 2 <= len(k.split("/")) <= 3:
                raise ConfigError(
                    f"key must be 'channel/segment' or 'channel/segment/site'; got {k!r}",
                    key="seed_contacts_per_day",
                )
            check_positive(f"seed_contacts_per_day.{k}", v, allow_zero=True)
