"""Forecasting: candidate models, rolling-origin backtest selection, intraday profiles."""

from wfm.core.config import ForecastConfig
from wfm.forecast.stage import forecast_contacts, forecast_history

__all__ = ["ForecastConfig", "forecast_contacts", "forecast_history"]
