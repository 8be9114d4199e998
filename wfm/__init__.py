"""wfm: workforce-management planner for multichannel contact centres."""

__version__ = "0.1.0"
