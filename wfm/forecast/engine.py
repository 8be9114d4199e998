"""Forecast one series end to end, and many series in parallel (local processes or Dask).

A :class:`SeriesJob` carries everything one series needs (plain arrays and frozen configs,
so it pickles cheaply); :func:`forecast_series` turns it into a :class:`SeriesOutcome`.
Series are independent, so :func:`run_jobs` maps them over local processes by default, or
over a Dask cluster when the run's options give a scheduler address; both run the same
function and give the same numbers.

The model a series is forecast with is chosen and fitted in :mod:`wfm.forecast.chosen_model`;
its special days are applied by :func:`wfm.forecast.events.apply_events`.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from wfm.core.calendar import interval_grid, open_mask, public_holidays
from wfm.core.config import ForecastConfig, SiteConfig
from wfm.core.run_options import RunOptions
from wfm.core.workers import stopping, worker_pool
from wfm.forecast.catchup import CatchUp, add_catch_up
from wfm.forecast.chosen_model import fit_chosen_model
from wfm.forecast.cluster import cluster_workers, dask_client, where
from wfm.forecast.events import Event, apply_events
from wfm.forecast.intervals import prediction_bounds
from wfm.forecast.intraday import (
    DayPanel,
    aht_profile,
    day_panel,
    local_slots,
    weekday_of,
)
from wfm.forecast.scores import ModelScore
from wfm.forecast.screening import SetAside, describe, screen_days

log = logging.getLogger(__name__)

SEED_MODEL = "seed"
"""Model name written for series forecast from a configured seed volume."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SeriesJob:
    """One series to forecast.

    Attributes
    ----------
    key : tuple of str
        (channel, segment) or (channel, segment, site).
    intervals : numpy.ndarray
        UTC interval starts of the history rows, int64 nanoseconds since the epoch.
    contacts : numpy.ndarray
        Contacts per history row [contacts].
    aht_s : numpy.ndarray, optional
        Handle time per history row (``NaN`` where unknown) [s].
    site : SiteConfig
        Site whose time zone, hours and holidays apply.
    interval_min : int
        Interval length [min].
    start : datetime.date
        First forecast day (site-local).
    days : int
        Forecast days [days].
    horizon_days : int
        Days forecast from each backtest origin [days].
    config : ForecastConfig
        Models and settings.
    events : tuple of Event
        Special days of this series.
    seed_contacts_per_day : float, optional
        Daily volume of a new series without history [contacts].
    window_ns : (int, int), optional
        The plan's UTC grid as [first, end) interval starts in nanoseconds since the epoch,
        when sites at other UTC offsets widen it beyond this series' own local days; by
        default the local days ``[start, start + days)`` of the site.
    outages : frozenset of int
        Local date ordinals on which the series' whole site fell far below its level
        (:func:`wfm.forecast.screening.outage_days`), set aside as ``outage``.
    """

    key: tuple[str, ...]
    intervals: np.ndarray
    contacts: np.ndarray
    aht_s: np.ndarray | None
    site: SiteConfig
    interval_min: int
    start: dt.date
    days: int
    horizon_days: int
    config: ForecastConfig
    events: tuple[Event, ...] = ()
    seed_contacts_per_day: float | None = None
    window_ns: tuple[int, int] | None = None
    outages: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True, kw_only=True)
class SeriesOutcome:
    """Forecast of one series on its interval grid, with its backtest."""

    key: tuple[str, ...]
    intervals: np.ndarray
    contacts: np.ndarray
    contacts_lo: np.ndarray
    contacts_hi: np.ndarray
    aht_s: np.ndarray
    model: str
    scores: tuple[ModelScore, ...]
    notes: tuple[str, ...]
    set_aside: tuple[SetAside, ...] = ()
    catch_up: tuple[CatchUp, tuple[int, ...]] | None = None
    """The catch-up learnt after public holidays and the forecast days it applies to."""


def forecast_series(job: SeriesJob) -> SeriesOutcome:
    """Clean the history, choose a model by backtest, forecast, bound and adjust one series.

    Linear algebra runs on one thread: series are the unit of parallelism, and the small
    fits of one series only lose time to BLAS threads.

    Returns
    -------
    SeriesOutcome
        Closed intervals (site hours, public holidays when the site closes) are exactly 0.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return _forecast_series(job)


def _forecast_series(job: SeriesJob) -> SeriesOutcome:
    cfg = job.config
    label = "/".join(job.key)
    notes: list[str] = []
    grid = _series_grid(job)
    is_open = open_mask(grid, job.site, job.interval_min)
    g_ord, g_slot = local_slots(grid, job.site.tz, job.interval_min)
    targets = np.unique(g_ord)
    row_of = np.searchsorted(targets, g_ord)
    scores: tuple[ModelScore, ...] = ()
    set_aside: tuple[SetAside, ...] = ()
    catch_up: tuple[CatchUp, tuple[int, ...]] | None = None
    error_sq: float | np.ndarray = cfg.fallback_error_rate**2
    if job.intervals.size == 0:
        if job.seed_contacts_per_day is None:
            raise ValueError(f"series {label} has no history and no seed volume")
        per_day = np.zeros(len(targets))
        np.add.at(per_day, row_of, is_open.astype(float))
        mean = np.where(is_open, job.seed_contacts_per_day / np.maximum(per_day[row_of], 1), 0.0)
        model = SEED_MODEL
        notes.append(
            f"{label}: no history; {job.seed_contacts_per_day:g} contacts a day from "
            "forecast.seed_contacts_per_day, spread evenly over open intervals"
        )
        aht = np.full(len(grid), cfg.default_aht_s)
        panel = None
    else:
        # the history's local days and the holidays over it and the forecast, read once
        h_ord, _ = local_slots(_history_index(job), job.site.tz, job.interval_min)
        holidays = _holiday_ordinals(job.site.country, int(h_ord.min()), int(targets.max()))
        job, catch_up = _with_catch_up(job, h_ord, holidays, targets, np.unique(g_ord[is_open]))
        if catch_up is not None:
            notes.append(f"{label}: {catch_up[0].describe(catch_up[1])}")
        panel, work, set_aside = _panels(job, h_ord, holidays, int(targets.min()))
        if set_aside:
            notes.append(f"{label}: {describe(set_aside)}")
        model, fmat, error_sq, scores, more = fit_chosen_model(
            panel,
            targets,
            cfg,
            site=job.site,
            interval_min=job.interval_min,
            horizon_days=job.horizon_days,
        )
        notes.extend(f"{label}: {n}" for n in more)
        mean = np.where(is_open, fmat[row_of, g_slot], 0.0)
        aht, aht_note = _aht(job, panel, work, g_ord, g_slot)
        if aht_note:
            notes.append(f"{label}: {aht_note}")
    lo, hi = prediction_bounds(
        mean, np.broadcast_to(error_sq, (len(targets),))[row_of], cfg.level_rate
    )
    mean, lo, hi = apply_events(job.events, g_ord, is_open, mean, lo, hi)
    lo = np.where(is_open, np.minimum(lo, mean), 0.0)
    hi = np.where(is_open, np.maximum(hi, mean), 0.0)
    return SeriesOutcome(
        key=job.key,
        intervals=grid.as_unit("ns").asi8,
        contacts=mean,
        contacts_lo=lo,
        contacts_hi=hi,
        aht_s=np.maximum(aht, 0.0),
        model=model,
        scores=scores,
        notes=tuple(notes),
        set_aside=set_aside,
        catch_up=catch_up,
    )


def _series_grid(job: SeriesJob) -> pd.DatetimeIndex:
    """UTC interval starts the series is forecast on (the plan's grid)."""
    if job.window_ns is None:
        return interval_grid(job.start, job.days, job.interval_min, job.site.tz)
    a, b = (pd.Timestamp(v, tz="UTC") for v in job.window_ns)
    step = f"{job.interval_min}min"
    return pd.date_range(a, b, freq=step, inclusive="left", name="interval_start").as_unit("ns")


def _history_index(job: SeriesJob) -> pd.DatetimeIndex:
    """The UTC interval starts of the job's history rows."""
    return pd.DatetimeIndex(pd.to_datetime(job.intervals, utc=True))


def _panels(
    job: SeriesJob, ords: np.ndarray, holidays: frozenset[int], first_target: int
) -> tuple[DayPanel, tuple[DayPanel, DayPanel] | None, tuple[SetAside, ...]]:
    """History panel (days that are not normal set aside, :mod:`wfm.forecast.screening`),
    contacts and work panels of AHT, and the days set aside.

    ``ords`` are the local date ordinals of the job's history rows and ``holidays`` the
    public holidays over them. Only local days before ``first_target`` (the first forecast
    day) are kept: where the plan's grid starts inside a day of the history (a site behind
    the others' offsets), that partial day is forecast, not read as a day of few contacts.
    """
    cfg = job.config
    idx = _history_index(job)
    before = ords < first_target
    if before.any():
        idx, ords = idx[before], ords[before]
        job = replace(
            job,
            contacts=job.contacts[before],
            aht_s=None if job.aht_s is None else job.aht_s[before],
        )
    # the fitting window, plus the span of the backtest so that every origin trains on a
    # full window too
    span = (
        7 * cfg.history_weeks
        + cfg.backtest_step_days * (cfg.backtest_origins - 1)
        + job.horizon_days
    )
    first_kept = int(ords.max()) - span + 1
    keep = ords >= first_kept
    idx, contacts = idx[keep], job.contacts[keep]
    excluded = set(holidays)
    for o, m, v in job.events:
        if v is not None or m == 0:
            excluded.add(o)
    raw = day_panel(idx, contacts, job.site.tz, job.interval_min)
    # an event's day is brought to a usual day before screening, which would set it aside
    for o, m, v in job.events:
        if v is None and m and raw.day0 <= o < raw.day0 + raw.n_days:
            raw.values[o - raw.day0] /= m
    panel, set_aside = screen_days(raw, frozenset(excluded), job.outages)
    work = None
    if job.aht_s is not None:
        aht = job.aht_s[keep]
        known = ~np.isnan(aht)
        if known.any():
            c = np.where(known, contacts, 0.0)
            work = (
                day_panel(idx, c, job.site.tz, job.interval_min),
                day_panel(idx, c * np.nan_to_num(aht), job.site.tz, job.interval_min),
            )
    return panel, work, set_aside


def _holiday_ordinals(country: str, first: int, last: int) -> frozenset[int]:
    """Local date ordinals of ``country``'s public holidays in the years of [first, last]."""
    years = range(dt.date.fromordinal(first).year, dt.date.fromordinal(last).year + 1)
    return frozenset(d.toordinal() for d in public_holidays(country, list(years)))


def _with_catch_up(
    job: SeriesJob,
    ords: np.ndarray,
    holidays: frozenset[int],
    targets: np.ndarray,
    open_targets: np.ndarray,
) -> tuple[SeriesJob, tuple[CatchUp, tuple[int, ...]] | None]:
    """The job with the catch-up after public holidays that its history shows added to its
    events, and the catch-up with the forecast days it applies to
    (:func:`wfm.forecast.catchup.add_catch_up`); the job itself where the site has no
    country or no catch-up is learnt.

    ``ords`` are the local date ordinals of the history rows, ``targets`` those of the
    forecast days and ``open_targets`` the forecast days with an open interval.
    """
    if not job.site.country:
        return job, None
    events, found = add_catch_up(
        ords, job.contacts, holidays, targets, open_targets, job.events, job.outages
    )
    return replace(job, events=events), found


def _aht(
    job: SeriesJob,
    panel: DayPanel,
    work: tuple[DayPanel, DayPanel] | None,
    g_ord: np.ndarray,
    g_slot: np.ndarray,
) -> tuple[np.ndarray, str]:
    cfg = job.config
    if work is None:
        return np.full(
            len(g_ord), cfg.default_aht_s
        ), f"no handle time in the history; aht_s = default_aht_s {cfg.default_aht_s:g} s"
    prof = aht_profile(
        work[0], work[1], cfg.profile_weeks, cfg.aht_prior_contacts, cfg.default_aht_s
    )
    return prof[weekday_of(g_ord), g_slot], ""


# -- running many series ----------------------------------------------------------------------
def run_jobs(jobs: Sequence[SeriesJob], options: RunOptions | None = None) -> list[SeriesOutcome]:
    """Forecast every job, in order, in this process, local processes or on a Dask cluster.

    Parameters
    ----------
    jobs : sequence of SeriesJob
        Independent series.
    options : RunOptions, optional
        ``workers``: local processes, default every core (fewer than two jobs per worker
        run here); ``dask_scheduler``: when given, jobs run on that cluster in batches of a
        few per worker, so memory stays bounded.

    Returns
    -------
    list of SeriesOutcome
        In the order of ``jobs``.

    Raises
    ------
    ConfigError
        The Dask scheduler cannot be reached, or its workers run another ``wfm`` version
        (:func:`wfm.forecast.cluster.dask_client`); the message names the address and where
        it came from.
    """
    options = options or RunOptions()
    if options.dask_scheduler:
        return _run_dask(jobs, options)
    n = options.workers or os.cpu_count() or 1
    if n <= 1 or len(jobs) < 2 * n:
        log.info("forecasting %d series in this process", len(jobs))
        return [forecast_series(j) for j in jobs]
    log.info("forecasting %d series in %d local processes", len(jobs), n)
    chunk = max(1, len(jobs) // (4 * n))
    with stopping(worker_pool(n)) as pool:
        return list(pool.map(forecast_series, jobs, chunksize=chunk))


def _run_dask(jobs: Sequence[SeriesJob], options: RunOptions) -> list[SeriesOutcome]:
    """Jobs on the run's Dask cluster in batches of four per worker; the first outcome
    carries a note that says where the series ran (it reaches the plan's manifest)."""
    out: list[SeriesOutcome] = []
    with dask_client(options, instead="forecast in local processes") as client:
        ran_on = f"{len(jobs)} series forecast on {where(client)}"
        log.info("%s", ran_on)
        batch = 4 * max(1, cluster_workers(client))
        for i in range(0, len(jobs), batch):
            futures = client.map(forecast_series, list(jobs[i : i + batch]), pure=False)
            out.extend(client.gather(futures))
    if out:
        out[0] = replace(out[0], notes=(ran_on, *out[0].notes))
    return out
