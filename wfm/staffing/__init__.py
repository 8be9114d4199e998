"""Staffing stage: queue models (Erlang B/C/A, concurrency, deferred work), shrinkage, pools."""

from wfm.staffing.stage import staffing_requirements

__all__ = ["staffing_requirements"]
