"""Synthetic contact history for demonstrations and tests (``wfm sample``)."""

from wfm.core.config import SampleConfig
from wfm.sample.agents import sample_agents, sample_preferences
from wfm.sample.history import sample_history

__all__ = ["SampleConfig", "sample_agents", "sample_history", "sample_preferences"]
