"""The series a forecast is made of, each as a :class:`~wfm.forecast.engine.SeriesJob`.

A series is one (channel, segment) pair of the history, or (channel, segment, site) when
the history has a ``site`` column. A series of the scenario without history is forecast
from its configured seed volume (``forecast.seed_contacts_per_day``). Each series sees its
site as its channel's arrivals do (a channel whose contacts arrive while the site is closed
is forecast all day), and series of sites at different UTC offsets share one plan grid.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace

import numpy as np
import pandas as pd

from wfm.core.calendar import plan_grid
from wfm.core.config import WEEKDAYS, ForecastConfig, Scenario, SiteConfig
from wfm.core.errors import InputError
from wfm.forecast.engine import SeriesJob
from wfm.forecast.events import events_for
from wfm.forecast.intraday import day_panel
from wfm.forecast.screening import outage_days


def history_series(
    history: pd.DataFrame, keys: list[str]
) -> Iterator[tuple[tuple[str, ...], pd.DataFrame]]:
    """Key (as strings) and history rows of each series, in key order."""
    for key, part in history.groupby(keys, sort=True):
        yield tuple(str(k) for k in key), part


def series_job(
    key: tuple[str, ...],
    part: pd.DataFrame,
    site: SiteConfig,
    interval_min: int,
    start: dt.date,
    days: int,
    horizon: int,
    cfg: ForecastConfig,
    events: pd.DataFrame | None,
) -> SeriesJob:
    """The job of one series from its history rows (``horizon``: backtest horizon [days])."""
    aht = part["aht_s"].to_numpy(dtype=float, na_value=np.nan) if "aht_s" in part else None
    return SeriesJob(
        key=key,
        intervals=part["interval_start"].dt.as_unit("ns").astype("int64").to_numpy(),
        contacts=part["contacts"].to_numpy(dtype=float),
        aht_s=aht,
        site=site,
        interval_min=interval_min,
        start=start,
        days=days,
        horizon_days=horizon,
        config=cfg,
        events=events_for(events, key[0], key[1], key[2] if len(key) > 2 else None),
    )


def seed_jobs(
    scenario: Scenario,
    seen: set[tuple[str, str]],
    *,
    has_site: bool,
    start: dt.date,
    days: int,
    horizon: int,
    events: pd.DataFrame | None,
) -> list[SeriesJob]:
    """Jobs of the scenario's (channel, segment) pairs absent from ``seen``, from seed volumes.

    Raises
    ------
    InputError
        A (channel, segment) of the scenario has no history and no seed volume.
    """
    cfg = scenario.forecast
    home = scenario.home_site()
    jobs: list[SeriesJob] = []
    for seg in scenario.segments.values():
        for ch in seg.channels:
            if (ch, seg.name) in seen:
                continue
            site_name, seed = _seed(cfg, ch, seg.name, home)
            if seed is None:
                raise InputError(
                    f"no history for channel {ch!r} of segment {seg.name!r}",
                    source="history",
                    key="channel",
                    expected=f"history rows for it, or forecast.seed_contacts_per_day."
                    f'"{ch}/{seg.name}" in the scenario',
                )
            key = (ch, seg.name, site_name) if has_site else (ch, seg.name)
            jobs.append(
                SeriesJob(
                    key=key,
                    intervals=np.zeros(0, dtype=np.int64),
                    contacts=np.zeros(0),
                    aht_s=None,
                    site=arrival_site(scenario, ch, site_name),
                    interval_min=scenario.interval_min,
                    start=start,
                    days=days,
                    horizon_days=horizon,
                    config=cfg,
                    events=events_for(events, ch, seg.name, site_name if has_site else None),
                    seed_contacts_per_day=seed,
                )
            )
    return jobs


def arrival_site(scenario: Scenario, channel: str, site: str) -> SiteConfig:
    """The site as the channel's arrivals see it: open all day when contacts arrive while it
    is closed (they are answered after opening: the split stage's backlog), its own opening
    hours otherwise (closed intervals forecast as 0)."""
    own = scenario.sites[site]
    if not scenario.channels[channel].arrivals_when_closed():
        return own
    return replace(own, hours=dict.fromkeys(WEEKDAYS, "00:00-24:00"), closed_on_holidays=False)


def on_plan_grid(
    jobs: list[SeriesJob], interval_min: int, start: dt.date, days: int
) -> list[SeriesJob]:
    """Every series on one UTC grid covering the horizon's local days at each of their sites.

    Series of sites at different UTC offsets would otherwise each cover their own local
    days, and the split could not line them up interval by interval.
    """
    zones = sorted({j.site.tz for j in jobs})
    if len(zones) <= 1:
        return jobs
    grid = plan_grid(start, days, interval_min, zones)
    end = grid[-1] + pd.Timedelta(minutes=interval_min)
    window = (int(grid[0].value), int(end.value))
    return [replace(j, window_ns=window) for j in jobs]


def _seed(cfg: ForecastConfig, channel: str, segment: str, home: str) -> tuple[str, float | None]:
    for k, v in cfg.seed_contacts_per_day.items():
        parts = k.split("/")
        if parts[0] == channel and parts[1] == segment:
            return (parts[2] if len(parts) == 3 else home), v
    return home, None


def with_site_outages(jobs: list[SeriesJob]) -> list[SeriesJob]:
    """``jobs`` with the outages of their site (:func:`wfm.forecast.screening.outage_days`
    over the series of the same site and zone) to set aside in each."""
    sites: dict[tuple[str, str], list[int]] = {}
    for i, job in enumerate(jobs):
        name = job.key[2] if len(job.key) > 2 else job.site.name
        sites.setdefault((name, job.site.tz), []).append(i)
    out = list(jobs)
    for (_, tz), members in sites.items():
        panels = [
            day_panel(
                pd.DatetimeIndex(pd.to_datetime(jobs[i].intervals, utc=True)),
                jobs[i].contacts,
                tz,
                jobs[i].interval_min,
            )
            for i in members
            if len(jobs[i].contacts)
        ]
        found = outage_days(panels)
        if found:
            for i in members:
                out[i] = replace(jobs[i], outages=found)
    return out
