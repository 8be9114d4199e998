"""Shifts per site and pool, overflow between regions, at least cost (OR-Tools)."""

from wfm.schedule.stage import schedule_shifts

__all__ = ["schedule_shifts"]
