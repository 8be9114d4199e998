"""Special days: every row checked against its contract and the series it must reach."""

from __future__ import annotations

import pandas as pd
import pytest

from wfm.core.errors import InputError
from wfm.forecast import forecast_contacts
from wfm.forecast.events import EVENTS, check_events
from wfm.io.tables import read_table

from .helpers import history, scenario

ALL_TINY = [("voice", "open"), ("voice", "premium"), ("chat", "open"), ("email", "open")]


def _events(tmp_path, *rows: str):
    path = tmp_path / "events.csv"
    path.write_text("date,scope,multiplier,contacts\n" + "\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        # 1e308 wrote inf contacts into the forecast; 1e6, 2.3e8 contacts an interval
        ("2025-02-04,all,1e308,", "column multiplier: value above its maximum"),
        ("2025-02-04,all,1000000,", "column multiplier: value above its maximum"),
        ("2025-02-04,all,,1e9", "column contacts: value above its maximum"),
    ],
)
def test_an_event_beyond_any_real_day_is_refused(tmp_path, row, fragment):
    with pytest.raises(InputError, match=fragment) as info:
        read_table(_events(tmp_path, row), EVENTS)
    assert str(info.value).startswith("events.csv, line 2")


def test_a_scope_of_four_parts_is_refused_naming_the_file(tmp_path):
    events = read_table(_events(tmp_path, "2025-02-04,voice/open/lyon/extra,2.0,"), EVENTS)
    with pytest.raises(InputError, match="not a scope") as info:
        check_events(events)
    assert str(info.value).startswith("events.csv, line 2, column scope")


def test_a_bad_date_names_the_file_it_came_from(tmp_path):
    events = read_table(_events(tmp_path, "2025-02-30,all,2.0,"), EVENTS)
    with pytest.raises(InputError) as info:
        check_events(events)
    assert str(info.value).startswith("events.csv, line 2, column date: not a date")


@pytest.mark.parametrize("scope", ["voise", "voice/premium/paris", "voice/gold"])
def test_an_event_that_reaches_no_series_is_refused(tmp_path, tiny_dict, scope):
    # a misspelt scope was dropped without a word, and the campaign day forecast as usual
    events = read_table(
        _events(tmp_path, "2025-02-04,all,2.0,", f"2025-02-05,{scope},2.0,"), EVENTS
    )
    hist = history(days=28, series=ALL_TINY)
    with pytest.raises(InputError, match="matches no series of the forecast") as info:
        forecast_contacts(hist, scenario(tiny_dict), events=events, days=7)
    assert str(info.value).startswith("events.csv, line 3, column scope")


def test_scopes_that_reach_a_series_pass(tiny_dict):
    events = pd.DataFrame(
        {
            "date": ["2025-02-04", "2025-02-05"],
            "scope": ["*/premium", "chat"],
            "multiplier": [2.0, 3.0],
        }
    )
    res = forecast_contacts(
        history(days=28, series=ALL_TINY), scenario(tiny_dict), events=events, days=7
    )
    assert len(res.table) > 0


def test_an_event_error_names_its_own_line_though_the_file_is_not_in_date_order(
    tmp_path, tiny_dict
):
    path = _events(tmp_path, "2025-02-06,all,2.0,", "2025-02-05,voise,2.0,", "2025-02-04,all,2.0,")
    events = read_table(path, EVENTS, ordered=False)
    with pytest.raises(InputError) as info:
        forecast_contacts(
            history(days=28, series=ALL_TINY), scenario(tiny_dict), events=events, days=7
        )
    assert str(info.value).startswith("events.csv, line 3, column scope")
