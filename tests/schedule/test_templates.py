"""Shift templates: starts, lengths, break windows, night shifts and DST nights."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from wfm.core.config import BreakRule, PoolConfig, ShiftRules, SiteConfig
from wfm.core.errors import ConfigError, InfeasibleError
from wfm.schedule.patterns import check_site_shifts, local_start_utc, site_patterns
from wfm.schedule.templates import ShiftTemplate, check_break_rules, shift_templates

ALL_WEEK = {d: "00:00-24:00" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def _rules(**kw) -> ShiftRules:
    base = dict(
        start_step_min=60,
        lengths_min=(240, 480),
        earliest_start_local="08:00",
        latest_end_local="20:00",
        breaks=(
            BreakRule(
                length_min=30,
                earliest_after_min=120,
                latest_after_min=240,
                min_shift_length_min=360,
            ),
        ),
    )
    base.update(kw)
    return ShiftRules(**base)


def test_templates_count_starts_and_break_placements():
    t = shift_templates(_rules(), interval_min=30)
    four = [x for x in t if x.length_min == 240]
    eight = [x for x in t if x.length_min == 480]
    # 4 h: starts 08:00..16:00 hourly = 9, no break (shorter than 360 min)
    assert len(four) == 9 and all(not x.breaks for x in four)
    # 8 h: starts 08:00..12:00 = 5, break starts 120, 150, ..., 240 = 5 each
    assert len(eight) == 25
    assert {x.breaks[0][0] for x in eight} == {120, 150, 180, 210, 240}
    assert all(x.end_min <= 20 * 60 for x in t)


def test_breaks_inside_their_window_and_off_queue():
    t = ShiftTemplate(start_min=480, length_min=480, breaks=((150, 30, False),))
    assert t.on_queue_spans() == [(0, 150), (180, 480)]
    assert t.paid_min == 450
    assert t.name == "s0800_l480_b1030"
    assert t.breaks_text() == "10:30+30"
    paid = ShiftTemplate(start_min=480, length_min=480, breaks=((150, 30, True),))
    assert paid.paid_min == 480


def test_two_breaks_never_overlap():
    rules = _rules(
        breaks=(
            BreakRule(length_min=30, earliest_after_min=60, latest_after_min=180),
            BreakRule(length_min=60, earliest_after_min=150, latest_after_min=300),
        ),
        lengths_min=(480,),
    )
    for t in shift_templates(rules, interval_min=30):
        (a, la, _), (b, _, _) = t.breaks
        assert a + la <= b


def test_night_shift_crosses_midnight():
    rules = _rules(
        earliest_start_local="20:00", latest_end_local="06:00", lengths_min=(480,), breaks=()
    )
    t = shift_templates(rules, interval_min=60)
    assert [x.start_min for x in t] == [20 * 60, 21 * 60, 22 * 60]
    assert t[-1].end_min == 22 * 60 + 480  # 06:00 next day


def _night_site() -> SiteConfig:
    return SiteConfig(name="paris", region="fr", tz="Europe/Paris", hours=ALL_WEEK)


@pytest.mark.parametrize(
    ("day", "utc_start", "local_end"),
    [
        # 2026-10-25 03:00 CEST → 02:00 CET: a 22:00 start lasts 8 elapsed hours, ends 05:00
        (dt.date(2026, 10, 24), "2026-10-24T20:00:00Z", "05:00"),
        # 2026-03-29 02:00 CET → 03:00 CEST: a 22:00 start ends 07:00 local
        (dt.date(2026, 3, 28), "2026-03-28T21:00:00Z", "07:00"),
        # an ordinary night
        (dt.date(2026, 1, 10), "2026-01-10T21:00:00Z", "06:00"),
    ],
)
def test_dst_night_shift_covers_eight_elapsed_hours(day, utc_start, local_end):
    t = ShiftTemplate(start_min=22 * 60, length_min=480)
    grid_start = pd.Timestamp(day, tz="Europe/Paris").tz_convert("UTC")
    pats = site_patterns(_night_site(), [t], [day], grid_start, n_intervals=72, interval_min=30)
    assert len(pats) == 1
    p = pats[0]
    assert p.start_utc == pd.Timestamp(utc_start)
    assert len(p.intervals) == 16 and np.allclose(p.on_queue_rate, 1.0)
    end = (p.start_utc + pd.Timedelta(minutes=480)).tz_convert("Europe/Paris")
    assert end.strftime("%H:%M") == local_end


def test_start_in_spring_forward_gap_is_skipped():
    assert local_start_utc(dt.date(2026, 3, 29), 150, "Europe/Paris") is None
    t = ShiftTemplate(start_min=150, length_min=240)
    grid_start = pd.Timestamp("2026-03-28T23:00:00Z")
    pats = site_patterns(_night_site(), [t], [dt.date(2026, 3, 29)], grid_start, 48, 30)
    assert pats == []


def test_partial_interval_coverage():
    # a 08:15 start on a 30-minute grid covers a quarter... half of the first interval
    t = ShiftTemplate(start_min=8 * 60 + 15, length_min=240)
    site = SiteConfig(name="a", region="r", tz="UTC", hours=ALL_WEEK)
    pats = site_patterns(
        site, [t], [dt.date(2026, 1, 12)], pd.Timestamp("2026-01-12T00:00:00Z"), 48, 30
    )
    p = pats[0]
    assert p.intervals[0] == 16 and p.on_queue_rate[0] == pytest.approx(0.5)
    assert p.on_queue_rate.sum() == pytest.approx(8.0)  # 240 min / 30 min


def test_no_template_fits_opening_hours_names_site_and_day():
    site = SiteConfig(name="lille", region="fr", tz="Europe/Paris", hours={"mon": "09:00-12:00"})
    t = shift_templates(_rules(), interval_min=30)
    with pytest.raises(InfeasibleError, match=r"lille.*2026-01-12.*09:00-12:00"):
        site_patterns(site, t, [dt.date(2026, 1, 12)], pd.Timestamp("2026-01-11T23:00Z"), 48, 30)


def test_holiday_closes_the_day():
    site = SiteConfig(name="lyon", region="fr", tz="Europe/Paris", country="FR", hours=ALL_WEEK)
    t = shift_templates(_rules(), interval_min=30)
    # 2026-05-01 is Labour Day in France
    pats = site_patterns(site, t, [dt.date(2026, 5, 1)], pd.Timestamp("2026-04-30T22:00Z"), 48, 30)
    assert pats == []


def test_break_step_sets_candidate_break_starts():
    t = shift_templates(_rules(break_step_min=60, lengths_min=(480,)), interval_min=30)
    assert {x.breaks[0][0] for x in t} == {120, 180, 240}


def test_no_template_at_all_is_not_reported_as_a_zero_minute_template():
    # 900-min shifts never fit 08:00-20:00: no template at all, not "shortest template 0 min"
    site = SiteConfig(name="lille", region="fr", tz="Europe/Paris", hours={"mon": "09:00-17:00"})
    t = shift_templates(_rules(lengths_min=(900,)), interval_min=30)
    assert t == []
    with pytest.raises(InfeasibleError) as err:
        site_patterns(site, t, [dt.date(2026, 1, 12)], pd.Timestamp("2026-01-11T23:00Z"), 48, 30)
    assert "0 min" not in str(err.value)
    assert "no length of shifts.lengths_min gives a template" in str(err.value)


def test_site_check_says_what_length_would_fit():
    site = SiteConfig(
        name="lille",
        region="fr",
        tz="Europe/Paris",
        hours={"mon": "09:00-12:00"},
        pools={"all": PoolConfig(name="all", skills=("voice_open",), headcount=3)},
    )
    days = [dt.date(2026, 1, 12)]
    with pytest.raises(
        ConfigError, match=r"shifts.lengths_min: .*'lille' on mon 2026-01-12"
    ) as err:
        check_site_shifts(site, _rules(), 30, days, days)
    assert "starting at 09:00 and ending by 12:00 would fit" in str(err.value)
    assert "at most 180 min" in str(err.value)


def test_site_closed_on_every_weekday_is_named():
    site = SiteConfig(name="lille", region="fr", tz="Europe/Paris", hours={})
    days = [dt.date(2026, 1, 12) + dt.timedelta(days=i) for i in range(5)]  # mon-fri
    with pytest.raises(ConfigError, match=r"sites.lille.hours: site 'lille' never opens"):
        check_site_shifts(site, _rules(), 30, days, days)


def test_horizon_of_closed_days_is_valid():
    # open on Saturdays only, planned Monday to Friday: a valid plan that says the site is
    # closed (a Sunday or Easter Monday plan is the same case)
    site = SiteConfig(name="lille", region="fr", tz="Europe/Paris", hours={"sat": "09:00-12:00"})
    days = [dt.date(2026, 1, 12) + dt.timedelta(days=i) for i in range(5)]  # mon-fri
    check_site_shifts(site, _rules(), 30, days, days)


def test_break_that_cannot_fit_its_shift_is_named():
    long_break = BreakRule(length_min=300, earliest_after_min=0, latest_after_min=60)
    with pytest.raises(ConfigError, match=r"shifts.breaks\[0\]: a 300-min break .* 240-min"):
        check_break_rules(_rules(breaks=(long_break,)), 30)
    check_break_rules(_rules(), 30)  # the default rules fit
