"""Synthetic contact history for any scenario: weekly and daily cycles, holidays and noise.

The history follows the HISTORY contract and the scenario's interval grid, so every stage
can be exercised (and demonstrated) without a real export.
"""

from __future__ import annotations

import datetime as dt
import logging

import numpy as np
import pandas as pd

from wfm.core.calendar import local_midnight_utc, open_mask, public_holidays
from wfm.core.config import WEEKDAYS, Scenario
from wfm.core.errors import ConfigError
from wfm.core.schemas import HISTORY, order_table
from wfm.sample.profiles import PROFILES

log = logging.getLogger(__name__)

DEFAULT_AHT_S = {"realtime": 300.0, "concurrent": 600.0, "deferred": 480.0}
"""Mean handle time of channels that ``sample.aht_s`` leaves out, by queue model [s]."""

DEFAULT_ABANDON_RATE = {"realtime": 0.05, "concurrent": 0.03, "deferred": 0.0}
"""Mean abandoned share of channels that ``sample.abandon_rate`` leaves out, by queue model."""

MAX_ABANDON_RATE = 0.95
"""Cap of the abandonment probability of one interval (the busiest ones)."""


def sample_history(
    scenario: Scenario, *, start: dt.date, weeks: int, rng: np.random.Generator
) -> pd.DataFrame:
    """Seeded synthetic contact history of ``scenario`` (the HISTORY contract).

    Parameters
    ----------
    scenario : Scenario
        Channels, segments, sites (time zones, opening hours, holiday countries) and the
        ``sample`` settings (volumes, origins, handle times, abandonment, noise).
    start : datetime.date
        First local day of the history.
    weeks : int
        Length of the history [weeks].
    rng : numpy.random.Generator
        Source of every random draw (``numpy.random.default_rng(scenario.seed)``).

    Returns
    -------
    pandas.DataFrame
        ``interval_start`` (UTC), ``channel``, ``segment``, ``site`` (only when
        ``sample.origin_share`` is set), ``contacts``, ``aht_s`` (NaN where nobody was
        answered), ``abandoned``: one row per interval of every local day of the origin site,
        for every (channel, segment[, site]) series, zeros included.

    Notes
    -----
    The expected contacts of channel c, segment g, origin site s in interval i of local day
    d are

        λ = D_cg · o_s · W_cs(d) · H_cs(d) · p_cs(i) · ε_c(d),

    with D the mean daily contacts, o the origin share, W the weekday factor normalised so
    that a regular week of the channel totals 7 · D, H the holiday factor (0 for office
    channels of sites closed on holidays), p the daily profile normalised over the open
    intervals of the day, and ε a day-level gamma noise of mean 1 and coefficient of
    variation ``noise_cv``. Contacts are Poisson(λ), as arrivals of many independent
    customers are [1]_; the noise gives the over-dispersion between days seen in real
    centres [1]_. Abandoned contacts are Binomial(contacts, q) with
    q = r_c · λ / λ̄ (capped at 0.95), λ̄ = Σλ² / Σλ, so busy intervals lose more customers
    and the contact-weighted mean of q is the channel's ``abandon_rate`` r_c. The interval
    AHT is the mean of the answered contacts' exponential handle times, i.e.
    Gamma(n, AHT_c / n) for n answered contacts.

    References
    ----------
    .. [1] L. Brown, N. Gans, A. Mandelbaum, A. Sakov, H. Shen, S. Zeltyn, L. Zhao,
       "Statistical analysis of a telephone call center: a queueing-science perspective,"
       J. Amer. Statist. Assoc., 100(469), pp. 36–50, 2005.
    """
    if weeks < 1:
        raise ConfigError(f"must be a whole number of weeks ≥ 1; got {weeks}", key="weeks")
    cfg = scenario.sample
    days = 7 * weeks
    pairs = _pairs(scenario)
    origins = list(cfg.origin_share.items()) or [(scenario.home_site(), 1.0)]
    channels = list(dict.fromkeys(ch for ch, _, _ in pairs))
    dates = [start + dt.timedelta(days=k) for k in range(days)]
    noise = _day_noise(channels, dates, cfg.noise_cv, rng)
    frames = []
    for site_name, share in origins:
        if share == 0:
            continue
        grid = _utc_grid(start, days, scenario.interval_min, scenario.sites[site_name].tz)
        for ch in channels:
            weight = _channel_weight(scenario, ch, site_name, grid, noise[ch])
            for pair_ch, seg, daily in pairs:
                if pair_ch != ch:
                    continue
                expected = daily * share * weight
                frames.append(_draw_series(scenario, ch, seg, site_name, grid, expected, rng))
    out = pd.concat(frames, ignore_index=True)
    if not cfg.origin_share:
        out = out.drop(columns="site")
    return order_table(out, HISTORY)


def _pairs(scenario: Scenario) -> list[tuple[str, str, float]]:
    """(channel, segment, mean daily contacts) of every series, in scenario order."""
    cfg = scenario.sample
    pairs = []
    for ch in scenario.channels:
        for seg in scenario.segments.values():
            if ch not in seg.channels:
                continue
            if cfg.daily_contacts:
                if seg.name in cfg.daily_contacts.get(ch, {}):
                    pairs.append((ch, seg.name, cfg.daily_contacts[ch][seg.name]))
            else:
                pairs.append((ch, seg.name, cfg.default_daily_contacts))
    return pairs


def _utc_grid(start: dt.date, days: int, interval_min: int, tz: str) -> pd.DatetimeIndex:
    """UTC interval starts covering local days [start, start + days) of ``tz``, on the grid."""
    freq = f"{interval_min}min"
    a = local_midnight_utc(start, tz).floor(freq)
    b = local_midnight_utc(start + dt.timedelta(days=days), tz).ceil(freq)
    grid = pd.date_range(a, b, freq=freq, inclusive="left", name="interval_start")
    return grid.as_unit("ns")


def _day_noise(
    channels: list[str], dates: list[dt.date], cv: float, rng: np.random.Generator
) -> dict[str, dict[dt.date, float]]:
    """Gamma noise of mean 1 and coefficient of variation ``cv`` per channel and day."""
    out = {}
    for ch in channels:
        if cv > 1e-6:  # below that the noise is nil (and 1/cv² would overflow)
            shape = 1.0 / cv**2
            draws = rng.gamma(shape, 1.0 / shape, size=len(dates))
        else:
            draws = np.ones(len(dates))
        out[ch] = dict(zip(dates, draws.tolist(), strict=True))
    return out


def _pattern(scenario: Scenario, channel: str) -> str:
    cfg = scenario.sample
    if channel in cfg.pattern:
        return cfg.pattern[channel]
    deferred = scenario.channels[channel].queue_model == "deferred"
    return "around_the_clock" if deferred else "office"


def _channel_weight(
    scenario: Scenario,
    channel: str,
    site_name: str,
    grid: pd.DatetimeIndex,
    noise: dict[dt.date, float],
) -> np.ndarray:
    """Expected share of one mean day's contacts in each interval (before D_cg · o_s)."""
    cfg = scenario.sample
    site = scenario.sites[site_name]
    pattern = _pattern(scenario, channel)
    local = grid.tz_convert(site.tz)
    mid_h = np.asarray(local.hour + local.minute / 60.0) + scenario.interval_min / 120.0
    dates = np.asarray(local.date)
    weekday = np.asarray(local.day_of_week)
    in_range = np.array([d in noise for d in dates], dtype=bool)
    holidays = public_holidays(site.country, sorted({d.year for d in dates}))
    is_holiday = np.array([d in holidays for d in dates], dtype=bool)
    if pattern == "office":  # opening hours (and holiday closures) of the origin site
        open_now = open_mask(grid, site, scenario.interval_min)
        open_days = [site.open_span_min(day) is not None for day in WEEKDAYS]
    else:
        open_now = np.ones(len(grid), dtype=bool)
        open_days = [True] * 7
    day_factor_hol = np.where(is_holiday, cfg.holiday_factor, 1.0)
    factors = np.array(
        [
            cfg.weekday_factor(day) if is_open else 0.0
            for day, is_open in zip(WEEKDAYS, open_days, strict=True)
        ]
    )
    if factors.sum() == 0:
        raise ConfigError(
            f"channel {channel!r} arrives in opening hours but site {site_name!r} never opens "
            "on a weekday with a factor > 0",
            key=f"sites.{site_name}.hours",
        )
    factors = factors * 7.0 / factors.sum()
    shape = PROFILES[pattern](mid_h) * open_now * in_range
    day_sum = pd.Series(shape).groupby(dates).transform("sum").to_numpy()
    profile = np.divide(shape, day_sum, out=np.zeros_like(shape), where=day_sum > 0)
    day_noise = np.array([noise.get(d, 0.0) for d in dates])
    return profile * factors[weekday] * day_factor_hol * day_noise


def _draw_series(
    scenario: Scenario,
    channel: str,
    segment: str,
    site: str,
    grid: pd.DatetimeIndex,
    expected: np.ndarray,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Draw contacts, abandoned and AHT of one series from its expected contacts."""
    cfg = scenario.sample
    model = scenario.channels[channel].queue_model
    aht_s = cfg.aht_s.get(channel, DEFAULT_AHT_S[model])
    abandon_rate = cfg.abandon_rate.get(channel, DEFAULT_ABANDON_RATE[model])
    contacts = rng.poisson(expected)
    total = expected.sum()
    if abandon_rate > 0 and total > 0:
        mean_load = float((expected**2).sum() / total)
        q = np.minimum(abandon_rate * expected / mean_load, MAX_ABANDON_RATE)
        abandoned = rng.binomial(contacts, q)
    else:
        abandoned = np.zeros_like(contacts)
    answered = contacts - abandoned
    served = answered > 0
    aht = np.full(len(grid), np.nan)
    aht[served] = rng.gamma(answered[served], aht_s / answered[served])
    return pd.DataFrame(
        {
            "interval_start": grid,
            "channel": channel,
            "segment": segment,
            "site": site,
            "contacts": contacts.astype(float),
            "aht_s": aht,
            "abandoned": abandoned.astype(float),
        }
    )
