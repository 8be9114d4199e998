"""Breaks of a worked shift: reading the ``breaks`` cell, placing breaks in time across
midnight and clock changes, and the paid-break rule."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from wfm.core.breaks import Break, break_times, is_paid, paid_minutes, parse_breaks
from wfm.core.config import BreakRule
from wfm.core.errors import InputError

PARIS = ZoneInfo("Europe/Paris")
RULES = (
    BreakRule(length_min=15, earliest_after_min=60, latest_after_min=180, paid=True),
    BreakRule(length_min=30, earliest_after_min=180, latest_after_min=300),
)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("12:00+30;15:00+15", ((720, 30), (900, 15))),
        (" 9:05 + 10 ; 23:59+1 ", ((545, 10), (1439, 1))),
        ("00:30+30", ((30, 30),)),
        ("", ()),
        ("none", ()),
        ("None", ()),
        (None, ()),
        (float("nan"), ()),
    ],
)
def test_a_breaks_cell_reads_as_local_starts_and_lengths(text, expected):
    assert parse_breaks(text, source="schedule.csv", line=2) == expected


@pytest.mark.parametrize(
    "text", ["12:00", "12:00+", "12h00+30", "24:00+15", "12:60+15", "123:00+15", "12:00+30;"]
)
def test_a_break_that_is_not_hh_mm_plus_length_names_source_line_and_column(text):
    with pytest.raises(InputError) as err:
        parse_breaks(text, source="roster.csv", line=7)
    assert (err.value.source, err.value.line, err.value.key) == ("roster.csv", 7, "breaks")
    assert "HH:MM+LENGTH_MIN" in str(err.value)


def test_breaks_past_midnight_fall_on_the_next_day():
    start = dt.datetime(2025, 3, 3, 22, 0, tzinfo=PARIS)
    (b,) = break_times(start, [Break(30, 30)])  # 00:30 local, 150 min into the shift
    assert b == (
        dt.datetime(2025, 3, 4, 0, 30, tzinfo=PARIS),
        dt.datetime(2025, 3, 4, 1, 0, tzinfo=PARIS),
    )


def test_breaks_keep_their_elapsed_place_across_a_clock_change():
    # 30 March 2025: Paris goes from 02:00 to 03:00. A 22:00 shift's 04:00 break is 6 local
    # hours after its start, so 6 elapsed hours: 05:00 on the new clock (03:00 UTC).
    start = dt.datetime(2025, 3, 29, 22, 0, tzinfo=PARIS)
    ((b0, b1),) = break_times(start, [Break(240, 15)])
    assert b0.astimezone(dt.UTC) == dt.datetime(2025, 3, 30, 3, 0, tzinfo=dt.UTC)
    assert (b0.hour, b0.minute, b1.hour, b1.minute) == (5, 0, 5, 15)


def test_paid_breaks_are_those_of_a_paid_rule_length():
    assert is_paid(15, RULES) and not is_paid(30, RULES) and not is_paid(20, RULES)
    breaks = parse_breaks("10:00+15;12:00+30;16:00+20", source="schedule.csv", line=2)
    assert paid_minutes(480, breaks, RULES) == 480 - 30 - 20
    assert paid_minutes(480, (), RULES) == 480
    assert paid_minutes(480, breaks, ()) == 480 - 65
