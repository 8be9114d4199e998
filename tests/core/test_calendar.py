"""Interval grids and opening hours across both DST changes, holidays, after-midnight spans."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from wfm.core.calendar import interval_grid, local_dates, open_mask, public_holidays
from wfm.core.config import SiteConfig

# (zone, spring-forward date, fall-back date) for 2025: EU last Sundays of March/October,
# US second Sunday of March / first Sunday of November.
DST_DAYS = [
    ("Europe/Paris", dt.date(2025, 3, 30), dt.date(2025, 10, 26)),
    ("America/New_York", dt.date(2025, 3, 9), dt.date(2025, 11, 2)),
]


@pytest.mark.parametrize(("tz", "spring", "autumn"), DST_DAYS)
@pytest.mark.parametrize("interval_min", [15, 30, 60])
def test_local_day_has_23_24_25_hours(tz, spring, autumn, interval_min):
    per_h = 60 // interval_min
    assert len(interval_grid(spring, 1, interval_min, tz)) == 23 * per_h
    assert len(interval_grid(autumn, 1, interval_min, tz)) == 25 * per_h
    assert len(interval_grid(spring + dt.timedelta(days=1), 1, interval_min, tz)) == 24 * per_h


@pytest.mark.parametrize(("tz", "spring", "autumn"), DST_DAYS)
def test_grid_is_utc_contiguous_and_local_dates(tz, spring, autumn):
    grid = interval_grid(spring - dt.timedelta(days=1), 3, 30, tz)
    assert str(grid.tz) == "UTC"
    steps = pd.Series(grid).diff().dropna().unique()
    assert list(steps) == [pd.Timedelta(minutes=30)]
    dates = local_dates(grid, tz)
    assert dates[0] == spring - dt.timedelta(days=1)
    assert dates[-1] == spring + dt.timedelta(days=1)
    # the first interval starts at local midnight
    assert grid[0].tz_convert(tz).hour == 0


def _site(tz: str, **kw) -> SiteConfig:
    hours = kw.pop(
        "hours", {d: "08:00-20:00" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    )
    return SiteConfig(name="s", region="r", tz=tz, hours=hours, **kw)


@pytest.mark.parametrize(("tz", "spring", "autumn"), DST_DAYS)
def test_open_hours_are_local_on_dst_days(tz, spring, autumn):
    site = _site(tz)
    for day in (spring, autumn):
        grid = interval_grid(day, 1, 30, tz)
        mask = open_mask(grid, site, 30)
        assert mask.sum() == 24  # 12 local hours, whatever the day's length
        first_open = grid[mask][0].tz_convert(tz)
        assert (first_open.hour, first_open.minute) == (8, 0)


def test_public_holiday_closes_site():
    # 14 July 2025 (Fête nationale) is a Monday; source: French labour code, art. L3133-1
    site = _site("Europe/Paris", country="FR")
    grid = interval_grid(dt.date(2025, 7, 14), 2, 30, "Europe/Paris")
    mask = open_mask(grid, site, 30)
    assert mask[:48].sum() == 0 and mask[48:].sum() == 24
    assert dt.date(2025, 7, 14) in public_holidays("FR", [2025])
    open_anyway = _site("Europe/Paris", country="FR", closed_on_holidays=False)
    assert open_mask(grid, open_anyway, 30)[:48].sum() == 24


def test_span_after_midnight_belongs_to_previous_day():
    site = _site("UTC", hours={"fri": "20:00-02:00"})
    grid = interval_grid(dt.date(2025, 6, 6), 2, 60, "UTC")  # Fri and Sat
    mask = open_mask(grid, site, 60)
    open_hours = [t.hour for t in grid[mask]]
    assert open_hours == [20, 21, 22, 23, 0, 1]
    assert grid[mask][-1].day == 7  # Saturday 01:00
