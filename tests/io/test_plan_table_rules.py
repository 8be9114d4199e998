"""Rules across the columns and rows of a plan's tables, as read back from files.

Each case is a table a plan could not have written and a stage read without a word before:
a forecast below its own lower bound, handle time 0 on human contacts, a paid headcount
below the on-queue one, a requirements row deleted inside its span.
"""

from __future__ import annotations

import pandas as pd
import pytest

from wfm.core.errors import InputError
from wfm.core.schemas import SCHEMAS
from wfm.io.tables import read_table
from wfm.staffing import staffing_requirements

T0 = "2025-03-03T08:00:00+00:00"


def _csv(tmp_path, name, header, rows):
    path = tmp_path / f"{name}.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


@pytest.mark.parametrize(
    ("name", "header", "row", "fragment"),
    [
        (
            "forecast",
            "interval_start,channel,segment,contacts,contacts_lo,contacts_hi,aht_s,model",
            f"{T0},voice,open,10,12,15,180,x",
            "column contacts_lo: contacts_lo greater than contacts (12 > 10)",
        ),
        (
            "forecast",
            "interval_start,channel,segment,contacts,contacts_lo,contacts_hi,aht_s,model",
            f"{T0},voice,open,10,8,15,0,x",
            "column aht_s: aht_s of 0.0 on a row with 10 contacts",
        ),
        (  # staffed at 0 agents, and requirements.csv broke its own contract
            "split",
            "interval_start,channel,segment,contacts,ai_contained,escalated,human_contacts,"
            "human_aht_s",
            f"{T0},voice,open,80,0,0,69,0",
            "column human_aht_s: human_aht_s of 0.0 on a row with 69 human_contacts",
        ),
        (
            "split",
            "interval_start,channel,segment,contacts,ai_contained,escalated,human_contacts,"
            "human_aht_s,ai_min_rate,ai_max_rate",
            f"{T0},voice,open,80,0,0,69,200,0.6,0.4",
            "ai_min_rate greater than ai_max_rate",
        ),
        (  # 17 agents on queue and 1 paid: 0.95 agents scheduled
            "requirements",
            "interval_start,site,skill,agents_required,agents_required_gross,"
            "service_level_rate,asa_s,occupancy_rate",
            f"{T0},lyon,voice_open,17,1,,,",
            "agents_required greater than agents_required_gross (17 > 1)",
        ),
    ],
)
def test_a_row_no_plan_writes_is_refused_with_its_line(tmp_path, name, header, row, fragment):
    with pytest.raises(InputError, match=fragment.replace("(", r"\(").replace(")", r"\)")) as info:
        read_table(_csv(tmp_path, name, header, [row]), SCHEMAS[name])
    assert str(info.value).startswith(f"{name}.csv, line 2")


def test_a_requirements_row_deleted_inside_its_span_is_refused(tmp_path, tiny_scenario):
    header = (
        "interval_start,site,skill,agents_required,agents_required_gross,"
        "service_level_rate,asa_s,occupancy_rate"
    )
    times = pd.date_range(T0, periods=6, freq="30min")
    rows = [f"{t.isoformat()},lyon,voice_open,17,20,,," for i, t in enumerate(times) if i != 3]
    path = _csv(tmp_path, "requirements", header, rows)
    with pytest.raises(InputError) as info:
        read_table(path, SCHEMAS["requirements"], scenario=tiny_scenario)
    msg = str(info.value)
    assert msg.startswith("requirements.csv, interval_start: no row for site 'lyon'")
    assert times[3].isoformat() in msg
    # the whole span is fine
    rows = [f"{t.isoformat()},lyon,voice_open,17,20,,," for t in times]
    assert (
        len(
            read_table(
                _csv(tmp_path, "requirements", header, rows),
                SCHEMAS["requirements"],
                scenario=tiny_scenario,
            )
        )
        == 6
    )


def test_a_load_no_queue_model_staffs_is_refused_naming_the_skill(tmp_path, tiny_scenario):
    # 1,000,000 contacts of 180 s in 30 minutes is 100,000 Erlangs of the contract's largest
    # count: the search's ValueError surfaced as an internal error (exit 1)
    header = (
        "interval_start,channel,segment,contacts,ai_contained,escalated,human_contacts,human_aht_s"
    )
    split = read_table(
        _csv(tmp_path, "split", header, [f"{T0},voice,open,1000000,0,0,1000000,360"]),
        SCHEMAS["split"],
    )
    with pytest.raises(InputError) as info:
        staffing_requirements(split, tiny_scenario)
    msg = str(info.value)
    assert msg.startswith("split.csv, human_contacts: offered load of 200,000 Erlangs"), msg
    assert "at most 100,000 Erlangs" in msg


def test_a_requirements_table_of_open_hours_only_is_complete(tmp_path, tiny_scenario):
    # another tool lists only the open hours of each day: no row is missing inside a day
    header = (
        "interval_start,site,skill,agents_required,agents_required_gross,"
        "service_level_rate,asa_s,occupancy_rate"
    )
    days = [
        pd.Timestamp("2025-03-03T07:00", tz="Europe/Paris"),
        pd.Timestamp("2025-03-04T07:00", tz="Europe/Paris"),
    ]
    rows = [
        f"{t.tz_convert('UTC').isoformat()},lyon,voice_open,3,4,,,"
        for d in days
        for t in pd.date_range(d, periods=28, freq="30min")  # 07:00-21:00 local
    ]
    path = _csv(tmp_path, "requirements", header, rows)
    assert len(read_table(path, SCHEMAS["requirements"], scenario=tiny_scenario)) == 56
