"""Forecast stage: contact history → forecast per interval and series, chosen by backtest.

A series is one (channel, segment) pair, or (channel, segment, site) when the history has a
``site`` column (:mod:`wfm.forecast.series`). Each series is cleaned (public holidays of its
site's country and special days left out), its candidate models are scored by a
rolling-origin backtest, the best is fitted on the recent history and its forecast bounded
by a prediction interval measured in the backtest. Closed intervals are 0.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from wfm.core.config import WEEKDAYS, ForecastConfig, Scenario, SiteConfig
from wfm.core.errors import ConfigError
from wfm.core.results import StageResult
from wfm.core.run_options import RunOptions
from wfm.core.schemas import FORECAST, HISTORY, order_table
from wfm.forecast.engine import SeriesJob, SeriesOutcome, run_jobs
from wfm.forecast.events import check_event_scopes, check_events
from wfm.forecast.history_checks import (
    check_grid_phase,
    check_window,
    history_days,
    infer_interval_min,
)
from wfm.forecast.localdays import offset_disagreements, zone_from_offsets
from wfm.forecast.series import (
    arrival_site,
    history_series,
    on_plan_grid,
    seed_jobs,
    series_job,
    with_site_outages,
)

BACKTEST_COLUMNS = (
    "model",
    "origins",
    "wmape_rate",
    "mase",
    "bias_rate",
    "coverage_rate",
    "fit_s",
    "chosen",
)
"""Value columns of the backtest table (after the series keys)."""


def forecast_contacts(
    history: pd.DataFrame,
    scenario: Scenario,
    *,
    start: dt.date | None = None,
    days: int | None = None,
    events: pd.DataFrame | None = None,
    options: RunOptions | None = None,
    offsets_min: np.ndarray | None = None,
    start_from: str = "start",
) -> StageResult:
    """Forecast contacts per interval for every series of the scenario.

    Parameters
    ----------
    history : pandas.DataFrame
        Validated HISTORY table (UTC ``interval_start``, ``channel``, ``segment``, optional
        ``site``, ``contacts``, optional ``aht_s``).
    scenario : Scenario
        Sites (time zone, hours, holidays), interval length, horizon and forecast settings.
    start : datetime.date, optional
        First forecast day; default ``scenario.start_date``, else the day after the last
        history day (home site's local date).
    days : int, optional
        Forecast days; default ``scenario.horizon_days`` [days].
    events : pandas.DataFrame, optional
        Special days (see :mod:`wfm.forecast.events`).
    options : RunOptions, optional
        Where the series are forecast (local processes, a Dask scheduler).
    offsets_min : numpy.ndarray, optional
        UTC offset written with each history row [min]; the sites' zones win, and rows
        that disagree with them are reported in the notes.
    start_from : str
        How errors name ``start`` (``--start`` from the command line); a start taken from
        the scenario is named ``start_date``.

    Returns
    -------
    StageResult
        ``table``: FORECAST rows for every interval of the horizon and series; ``tables``:
        ``backtest`` (scores per series × model, ``chosen`` flag); ``figures``: chosen model
        per series and the volume-weighted backtest wMAPE; ``notes``: fallbacks used.

    Raises
    ------
    InputError
        A (channel, segment) of the scenario has no history and no seed volume.
    ConfigError
        A forecast window outside the span a plan holds, or starting on or before the
        history's first day (:func:`~wfm.forecast.history_checks.check_window`).
    """
    cfg = scenario.forecast
    has_site = "site" in history.columns
    home = scenario.home_site()
    if start is None and scenario.start_date:
        start, start_from = dt.date.fromisoformat(scenario.start_date), "start_date"
    days = days or scenario.horizon_days
    zones = _series_zones(history, scenario)
    start, window_notes = _window(history, zones, start, days, start_from)
    if events is not None:
        check_events(events)
    horizon = cfg.backtest_horizon_days or min(max(days, 7), 14)
    jobs: list[SeriesJob] = []
    keys = ["channel", "segment", "site"] if has_site else ["channel", "segment"]
    for key, part in history_series(history, keys):
        site = arrival_site(scenario, key[0], key[2] if has_site else home)
        jobs.append(
            series_job(key, part, site, scenario.interval_min, start, days, horizon, cfg, events)
        )
    seen = {(k[0], k[1]) for k in (j.key for j in jobs)}
    jobs += seed_jobs(
        scenario, seen, has_site=has_site, start=start, days=days, horizon=horizon, events=events
    )
    jobs = with_site_outages(on_plan_grid(jobs, scenario.interval_min, start, days))
    check_event_scopes(events, [j.key for j in jobs])
    outcomes = run_jobs(jobs, options)
    notes = _zone_notes(history, scenario, offsets_min) + window_notes
    return _assemble(outcomes, keys, cfg, notes)


def _zone_notes(
    history: pd.DataFrame, scenario: Scenario, offsets_min: np.ndarray | None
) -> list[str]:
    """Rows whose written UTC offset disagrees with their site's zone, per zone."""
    if offsets_min is None or len(offsets_min) != len(history):
        return []
    zones = _series_zones(history, scenario).to_numpy()
    t = history["interval_start"].dt.as_unit("ns").astype("int64").to_numpy()
    notes = []
    for tz in sorted(set(zones)):
        rows = zones == tz
        note = offset_disagreements(t[rows], np.asarray(offsets_min, dtype=float)[rows], tz)
        if note:
            notes.append(note)
    return notes


def _series_zones(history: pd.DataFrame, scenario: Scenario) -> pd.Series:
    """IANA zone of each history row's site (the home site's without a ``site`` column)."""
    home_tz = scenario.sites[scenario.home_site()].tz
    if "site" not in history.columns:
        return pd.Series(home_tz, index=history.index)
    zones = {name: site.tz for name, site in scenario.sites.items()}
    return history["site"].astype(str).map(zones).fillna(home_tz)


def forecast_history(
    history: pd.DataFrame,
    *,
    start: dt.date | None = None,
    days: int = 7,
    interval_min: int | None = None,
    tz: str | None = None,
    config: ForecastConfig | None = None,
    events: pd.DataFrame | None = None,
    options: RunOptions | None = None,
    offsets_min: np.ndarray | None = None,
    country: str = "",
    source: str = "history",
    start_from: str = "start",
) -> StageResult:
    """Forecast every series of a history without a scenario (defaults, open all day).

    Parameters
    ----------
    history : pandas.DataFrame
        Validated HISTORY table.
    start : datetime.date, optional
        First forecast day; default the day after the last history day in ``tz``.
    days : int
        Forecast days [days].
    interval_min : int, optional
        Interval length; default inferred from the history's times
        (:func:`~wfm.forecast.history_checks.infer_interval_min`) [min].
    tz : str, optional
        IANA zone whose local days carry the weekly pattern (the centre's zone); default
        the zone that fits the history's own UTC offsets (``offsets_min``), else UTC.
    config : ForecastConfig, optional
        Forecast settings; default ``ForecastConfig()``.
    events : pandas.DataFrame, optional
        Special days.
    options : RunOptions, optional
        Where the series are forecast (local processes, a Dask scheduler).
    offsets_min : numpy.ndarray, optional
        UTC offset written with each history row [min] (``NaN`` where none): without
        ``tz``, a row's local day is the wall-clock date of its own offset.
    country : str
        ISO 3166 code whose public holidays are set aside from fitting; empty for none.
    source, start_from : str
        How errors name the history (its file name) and ``start`` (``--start``).

    Returns
    -------
    StageResult
        As :func:`forecast_contacts`; every interval counts as open (no public holidays).

    Raises
    ------
    InputError, ConfigError
        No interval length to infer, a row off the history's grid
        (:func:`~wfm.forecast.history_checks.check_grid_phase`); a window as in
        :func:`forecast_contacts`.
    """
    cfg = config or ForecastConfig()
    tz, zone_notes = _history_zone(history, tz, offsets_min)
    step = interval_min or infer_interval_min(history, source=source)
    check_grid_phase(history, step, source=source)
    history = order_table(history, HISTORY)
    site = SiteConfig(
        name="all",
        region="all",
        tz=tz,
        country=country,
        closed_on_holidays=False,
        hours=dict.fromkeys(WEEKDAYS, "00:00-24:00"),
    )
    zones = pd.Series(tz, index=history.index)
    start, window_notes = _window(history, zones, start, days, start_from)
    if events is not None:
        check_events(events)
    horizon = cfg.backtest_horizon_days or min(max(days, 7), 14)
    keys = [k for k in ("channel", "segment", "site") if k in history.columns]
    jobs = [
        series_job(key, part, site, step, start, days, horizon, cfg, events)
        for key, part in history_series(history, keys)
    ]
    check_event_scopes(events, [j.key for j in jobs])
    outcomes = run_jobs(with_site_outages(jobs), options)
    return _assemble(outcomes, keys, cfg, zone_notes + window_notes)


def _history_zone(
    history: pd.DataFrame, tz: str | None, offsets_min: np.ndarray | None
) -> tuple[str, list[str]]:
    """Zone of a history's local days without a scenario, and the note naming it if found."""
    if tz is not None:
        return tz, []
    if offsets_min is None or len(offsets_min) != len(history):
        return "UTC", []
    t = history["interval_start"].dt.as_unit("ns").astype("int64").to_numpy()
    found = zone_from_offsets(t, np.asarray(offsets_min, dtype=float))
    return found.tz, [found.note]


def _window(
    history: pd.DataFrame, zones: pd.Series, start: dt.date | None, days: int, key: str
) -> tuple[dt.date, list[str]]:
    """The first forecast day and the notes of the window, checked (``check_window``).

    The default start is the day after the last history day, each row read on its site's
    local calendar: a history whose sites lie at different UTC offsets ends at each site's
    own local midnight, and the forecast starts on the first day none of them has data for.
    """
    span = history_days(history, zones) if not history.empty else None
    if start is None:
        if span is None:
            raise ConfigError("the history is empty; give a start date", key="start_date")
        start = span[1] + dt.timedelta(days=1)
    return start, check_window(start, days, span, key=key)


def _assemble(
    outcomes: list[SeriesOutcome], keys: list[str], cfg: ForecastConfig, notes: list[str]
) -> StageResult:
    frames = []
    score_rows = []
    aside: dict[str, dict[str, str]] = {}
    catch_up: dict[str, dict] = {}
    notes = list(notes)
    chosen: dict[str, str] = {}
    num = den = 0.0
    for out in outcomes:
        n = len(out.intervals)
        frame = {"interval_start": pd.to_datetime(out.intervals, utc=True).as_unit("ns")}
        for k, v in zip(keys, out.key, strict=True):
            frame[k] = np.full(n, v, dtype=object)
        frame.update(
            contacts=out.contacts,
            contacts_lo=out.contacts_lo,
            contacts_hi=out.contacts_hi,
            aht_s=out.aht_s,
            model=np.full(n, out.model, dtype=object),
        )
        frames.append(pd.DataFrame(frame))
        label = "/".join(out.key)
        chosen[label] = out.model
        if out.set_aside:
            aside[label] = {d.date.isoformat(): d.reason for d in out.set_aside}
        if out.catch_up is not None:
            catch_up[label] = out.catch_up[0].figure(out.catch_up[1])
        base = out.model.split("(")[0]
        for sc in out.scores:
            score_rows.append(
                {
                    **dict(zip(keys, out.key, strict=True)),
                    "model": sc.model,
                    "origins": sc.origins,
                    "wmape_rate": sc.wmape,
                    "mase": sc.mase,
                    "bias_rate": sc.bias_rate,
                    "coverage_rate": sc.coverage_rate,
                    "fit_s": sc.fit_s,
                    "chosen": sc.model == base,
                }
            )
            if sc.model == base and math.isfinite(sc.wmape):
                vol = float(out.contacts.sum())
                num += sc.wmape * vol
                den += vol
        notes.extend(out.notes)
    table = order_table(pd.concat(frames, ignore_index=True), FORECAST)
    for k in keys:
        table[k] = table[k].astype(str)
    backtest = pd.DataFrame(score_rows, columns=[*keys, *BACKTEST_COLUMNS])
    figures = {
        "series": len(outcomes),
        "chosen_model": chosen,
        "backtest_wmape_rate": (num / den) if den > 0 else None,
        "level_rate": cfg.level_rate,
        "days_set_aside": aside,
        "catch_up": catch_up,
    }
    return StageResult(
        table=table,
        tables={"backtest": backtest},
        notes=tuple(notes),
        figures=figures,
    )
