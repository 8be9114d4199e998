"""Pre-flight checks of a plan: everything that can be checked before the first stage.

``wfm plan`` calls :func:`check_plan_inputs` after reading its inputs and before the
forecast; ``wfm validate`` calls the same function, so a scenario that validates does not
fail later on something the scenario alone decides. Loading the scenario has already checked
types, ranges, names and references (:mod:`wfm.core.config`); this adds what needs the
planned dates: public-holiday calendars of the horizon's years, opening hours against the
shift templates, and sites that never open.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace

import pandas as pd

from wfm.core.calendar import check_country, local_dates, local_midnight_utc
from wfm.core.config import Scenario
from wfm.core.errors import ConfigError
from wfm.pipeline.roster import check_people
from wfm.schedule.patterns import check_site_shifts
from wfm.schedule.templates import check_break_rules

_ANY_WEEK = dt.date(2001, 1, 1)  # a Monday: the week checked when the dates are not known


def check_plan_inputs(
    scenario: Scenario,
    history: pd.DataFrame | None = None,
    *,
    source: str | None = None,
    people: Mapping[str, pd.DataFrame] | None = None,
) -> None:
    """Raise :class:`ConfigError` for any scenario problem a plan would meet in its stages.

    Parameters
    ----------
    scenario : Scenario
        The loaded scenario.
    history : pandas.DataFrame, optional
        Validated HISTORY table; its last day fixes the horizon when ``start_date`` is empty.
        Without it (and without ``start_date``) the weekly opening hours are checked on a
        week without holidays.
    source : str, optional
        Scenario file name, added to every error.
    people : mapping of str to pandas.DataFrame, optional
        The people tables of the scenario's ``[roster]``
        (:func:`wfm.pipeline.roster.read_people`): every agent's site and pool must be the
        scenario's.

    Raises
    ------
    ConfigError
        Naming the file, the key path (``sites.lyon.country``, ``shifts.lengths_min``) and
        what was expected.
    InputError
        An agent of a site or pool the scenario does not have.
    """
    check_people(scenario, people or {})
    try:
        _check(scenario, history)
    except ConfigError as err:
        if err.source or not source:
            raise
        message = str(err)
        if err.key and message.startswith(f"{err.key}: "):
            message = message[len(err.key) + 2 :]
        raise ConfigError(message, key=err.key, source=source) from None


def plan_start(scenario: Scenario, history: pd.DataFrame | None) -> dt.date | None:
    """First planned day: ``start_date``, else the day after the history's last day (home
    site's local date), else None (not known yet)."""
    start = scenario.first_date()
    if start is not None or history is None:
        return start
    if history.empty:
        raise ConfigError(
            "the history is empty, so the plan has no first day; expected a start_date "
            "such as '2026-03-02'",
            key="start_date",
        )
    last = pd.DatetimeIndex([history["interval_start"].max()])
    return local_dates(last, scenario.sites[scenario.home_site()].tz)[0] + dt.timedelta(days=1)


def _check(scenario: Scenario, history: pd.DataFrame | None) -> None:
    start = plan_start(scenario, history)
    known = start is not None
    first: dt.date = start if start is not None else _ANY_WEEK
    n_days = scenario.horizon_days if known else 7
    horizon = [first + dt.timedelta(days=i) for i in range(n_days)]
    years = sorted({d.year for d in horizon}) if known else []
    check_break_rules(scenario.shifts, scenario.interval_min)
    scenario.check_minimum_headcount()
    tzs = {site.tz for site in scenario.sites.values()}
    a = min(local_midnight_utc(first, tz) for tz in tzs)
    b = max(local_midnight_utc(horizon[-1] + dt.timedelta(days=1), tz) for tz in tzs)
    for site in scenario.sites.values():
        check_country(site.name, site.country, years)
        if not known:  # no dates: the weekly hours, without holidays
            site = replace(site, closed_on_holidays=False)
        first_local = local_dates(pd.DatetimeIndex([a]), site.tz)[0]
        last_local = local_dates(pd.DatetimeIndex([b - pd.Timedelta(minutes=1)]), site.tz)[0]
        days = [
            first_local + dt.timedelta(days=i) for i in range((last_local - first_local).days + 1)
        ]
        planned = horizon if known else []
        check_site_shifts(site, scenario.shifts, scenario.interval_min, days, planned)
