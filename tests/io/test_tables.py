"""CSV reading: every bad input names the file, the line and what was expected; round trips."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wfm.core.errors import InputError
from wfm.core.mapping import scenario_from_dict, set_key
from wfm.core.schemas import SCHEMAS
from wfm.io.tables import read_history, read_table, write_table

HEADER = "interval_start,channel,segment,contacts,aht_s"
GOOD = [
    "2025-03-03T08:00:00+01:00,voice,open,12,180",
    "2025-03-03T08:30:00+01:00,voice,open,15,175.5",
    "2025-03-03T08:00:00+01:00,chat,open,4,",
]


def _write(tmp_path, lines, name="history.csv"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_good_history_reads_to_utc(tmp_path, tiny_scenario):
    df = read_history(_write(tmp_path, [HEADER, *GOOD]), tiny_scenario)
    assert str(df["interval_start"].dt.tz) == "UTC"
    assert df["interval_start"].iloc[0] == pd.Timestamp("2025-03-03T07:00Z")
    assert list(df.columns[:4]) == ["interval_start", "channel", "segment", "contacts"]
    assert np.isnan(df.loc[df["channel"] == "chat", "aht_s"]).all()


BAD = [
    # (lines after the header or a full text, expected line, message fragment)
    (
        "missing column",
        ["interval_start,channel,segment,aht_s", "2025-03-03T08:00:00+01:00,voice,open,180"],
        1,
        "missing column 'contacts'",
    ),
    (
        "negative volume",
        [HEADER, GOOD[0], "2025-03-03T08:30:00+01:00,voice,open,-3,180"],
        3,
        "below its minimum",
    ),
    (
        "not a number",
        [HEADER, "2025-03-03T08:00:00+01:00,voice,open,twelve,180"],
        2,
        "not a number",
    ),
    (
        "decimal comma",
        [HEADER, '2025-03-03T08:00:00+01:00,voice,open,"12,5",180'],
        2,
        "not a number",
    ),
    (
        "unknown channel",
        [HEADER, "2025-03-03T08:00:00+01:00,fax,open,1,180"],
        2,
        "unknown channel 'fax'",
    ),
    (
        "unknown segment",
        [HEADER, "2025-03-03T08:00:00+01:00,voice,vip,1,180"],
        2,
        "unknown segment 'vip'",
    ),
    (
        "channel not allowed",
        [HEADER, "2025-03-03T08:00:00+01:00,chat,premium,1,180"],
        2,
        "does not use channel 'chat'",
    ),
    ("duplicate key", [HEADER, GOOD[0], GOOD[0].replace(",12,", ",13,")], 3, "duplicate key"),
    (
        "naive timestamp",
        [HEADER, "2025-03-03T08:00:00,voice,open,1,180"],
        2,
        "without a UTC offset",
    ),
    (
        "bad timestamp",
        [HEADER, "2025-02-30T08:00:00+01:00,voice,open,1,180"],
        2,
        "not a valid timestamp",
    ),
    (
        "off grid",
        [HEADER, "2025-03-03T08:10:00+01:00,voice,open,1,180"],
        2,
        "off the 30-minute grid",
    ),
    ("extra field", [HEADER, GOOD[0] + ",oops"], 2, "fields where the header has"),
    ("missing value", [HEADER, "2025-03-03T08:00:00+01:00,voice,,1,180"], 2, "missing value"),
    ("empty timestamp", [HEADER, ",voice,open,1,180"], 2, "missing timestamp"),
    # reported as a time without its UTC offset
    ("no time at all", [HEADER, "yesterday,voice,open,1,180"], 2, "not a timestamp"),
    (
        "negative aht",
        [HEADER, "2025-03-03T08:00:00+01:00,voice,open,1,-180"],
        2,
        "below its minimum",
    ),
    ("blank line", [HEADER, GOOD[0], "", GOOD[1]], 3, "missing"),
    (
        "duplicate header",
        ["interval_start,channel,segment,contacts,contacts", GOOD[0]],
        1,
        "appears twice",
    ),
    (  # an optional column written wrong was read as an extra column: its handle times lost
        "misspelt optional column",
        [
            "interval_start,channel,segment,contacts,aht",
            "2025-03-03T08:00:00+01:00,voice,open,1,180",
        ],
        1,
        "column aht: unknown column (did you mean 'aht_s'?)",
    ),
    (
        "misspelt column in another case",
        ["interval_start,channel,segment,contacts,AHT_S", GOOD[0]],
        1,
        "did you mean 'aht_s'?",
    ),
]


@pytest.mark.parametrize(
    ("lines", "line", "fragment"), [b[1:] for b in BAD], ids=[b[0] for b in BAD]
)
def test_bad_history_names_file_and_line(tmp_path, tiny_scenario, lines, line, fragment):
    path = _write(tmp_path, lines)
    with pytest.raises(InputError) as info:
        read_history(path, tiny_scenario)
    msg = str(info.value)
    assert msg.startswith("history.csv, line " + str(line)), msg
    assert fragment in msg, msg


def test_hole_inside_a_day_is_an_error(tmp_path, tiny_scenario):
    lines = [HEADER, GOOD[0], "2025-03-03T09:00:00+01:00,voice,open,3,180"]
    with pytest.raises(
        InputError,
        match=r"history.csv, line 2, column interval_start: missing interval "
        r"2025-03-03T07:30:00\+00:00 \(08:30 in Europe/Paris\) for channel=voice",
    ):
        read_history(_write(tmp_path, lines), tiny_scenario)


def _paris_day_rows(day: str, skip_utc: str | None = None, site: str = "") -> list[str]:
    """Every 30-minute row of the Paris day ``day`` (in UTC), but the one at ``skip_utc``."""
    start = pd.Timestamp(day, tz="Europe/Paris").tz_convert("UTC")
    rows = []
    for t in pd.date_range(start, periods=48, freq="30min"):
        if skip_utc is None or t != pd.Timestamp(skip_utc):
            rows.append(f"{t.isoformat()},voice,open{site},3,180")
    return rows


@pytest.mark.parametrize("with_site", [False, True])
def test_hole_at_utc_midnight_inside_a_local_day_is_an_error(tmp_path, tiny_scenario, with_site):
    # the Paris day 2025-03-04 runs 2025-03-03T23:00Z to 2025-03-04T22:30Z: a missing
    # 00:00Z row splits no UTC day, but it is a hole in the site's day
    site = ",lyon" if with_site else ""
    header = HEADER.replace("segment,", "segment,site,") if with_site else HEADER
    rows = _paris_day_rows("2025-03-04", skip_utc="2025-03-04T00:00Z", site=site)
    with pytest.raises(InputError) as info:
        read_history(_write(tmp_path, [header, *rows]), tiny_scenario)
    msg = str(info.value)
    assert "line 3, column interval_start" in msg  # 23:30Z, the last row before the hole
    assert "missing interval 2025-03-04T00:00:00+00:00 (01:00 in Europe/Paris)" in msg
    assert "local day 2025-03-04" in msg and "channel=voice, segment=open" in msg
    complete = _paris_day_rows("2025-03-04", site=site)
    assert len(read_history(_write(tmp_path, [header, *complete]), tiny_scenario)) == 48


def test_missing_whole_day_is_allowed(tmp_path, tiny_scenario):
    lines = [HEADER, GOOD[0], "2025-03-05T08:00:00+01:00,voice,open,3,180"]
    assert len(read_history(_write(tmp_path, lines), tiny_scenario)) == 2


def test_non_utf8_and_empty_and_absent(tmp_path, tiny_scenario):
    path = tmp_path / "history.csv"
    path.write_bytes((HEADER + "\n2025-03-03T08:00:00+01:00,voice,op\xe9n,1,1\n").encode("latin-1"))
    with pytest.raises(InputError, match="history.csv: not UTF-8"):
        read_history(path, tiny_scenario)
    path.write_text("")
    with pytest.raises(InputError, match="history.csv: the file is empty"):
        read_history(path, tiny_scenario)
    with pytest.raises(InputError, match="file not found"):
        read_history(tmp_path / "nope.csv", tiny_scenario)


@pytest.mark.parametrize(
    ("tz", "stamp", "fragment"),
    [
        # 2025-03-30 02:00–03:00 does not exist in Paris; 2025-10-26 02:00–03:00 occurs twice
        ("Europe/Paris", "2025-03-30T02:30:00", "does not exist in Europe/Paris (DST gap)"),
        ("Europe/Paris", "2025-10-26T02:30:00", "occurs twice in Europe/Paris"),
        # 2025-03-09 02:00–03:00 does not exist in New York; 2025-11-02 01:00–02:00 twice
        ("America/New_York", "2025-03-09T02:00:00", "does not exist in America/New_York"),
        ("America/New_York", "2025-11-02T01:30:00", "occurs twice in America/New_York"),
    ],
)
def test_naive_times_in_source_tz_report_dst_lines(tmp_path, tiny_dict, tz, stamp, fragment):
    scenario = scenario_from_dict(set_key(tiny_dict, "source_tz", tz))
    lines = [HEADER, "2025-01-06T08:00:00,voice,open,1,180", f"{stamp},voice,open,1,180"]
    with pytest.raises(InputError) as info:
        read_history(_write(tmp_path, lines), scenario)
    assert "history.csv, line 3, column interval_start" in str(info.value)
    assert fragment in str(info.value)


def test_naive_times_localised_across_dst(tmp_path, tiny_dict):
    scenario = scenario_from_dict(set_key(tiny_dict, "source_tz", "Europe/Paris"))
    lines = [HEADER, "2025-03-29T08:00:00,voice,open,1,180", "2025-03-31T08:00:00,voice,open,2,1"]
    df = read_history(_write(tmp_path, lines), scenario)
    # 08:00 Paris is 07:00 UTC in winter (CET) and 06:00 UTC in summer (CEST)
    assert [t.hour for t in df["interval_start"]] == [7, 6]


def _sample_tables() -> dict[str, pd.DataFrame]:
    t = pd.to_datetime(["2025-03-03T07:00Z", "2025-03-03T07:30Z"], utc=True)
    series = {
        "interval_start": t,
        "channel": ["voice"] * 2,
        "segment": ["open"] * 2,
        "site": ["lyon"] * 2,
    }
    return {
        "history": pd.DataFrame(
            {**series, "contacts": [12.0, 15.0], "aht_s": [180.0, np.nan], "abandoned": [1.0, 0.0]}
        ),
        "forecast": pd.DataFrame(
            {
                **series,
                "contacts": [12.5, 15.25],
                "contacts_lo": [9.0, 11],
                "contacts_hi": [16.0, 19.5],
                "aht_s": [181.0, 179.0],
                "model": ["seasonal_naive"] * 2,
            }
        ),
        "split": pd.DataFrame(
            {
                **series,
                "contacts": [12.5, 15.25],
                "ai_contained": [2.5, 3.0],
                "escalated": [1.0, 1.5],
                "human_contacts": [10.0, 12.25],
                "human_aht_s": [200.0, 201.5],
                "ai_min_rate": [0.0, 0.0],
                "ai_max_rate": [0.3, 0.3],
            }
        ),
        "requirements": pd.DataFrame(
            {
                "interval_start": t,
                "site": ["lyon"] * 2,
                "skill": ["voice_open"] * 2,
                "contacts": [10.0, 12.25],
                "aht_s": [200.0, 201.5],
                "agents_required": [3, 4],
                "agents_required_gross": [4.285714, 5.714286],
                "service_level_rate": [0.85, 0.9],
                "asa_s": [8.1, 5.5],
                "occupancy_rate": [0.37, 0.34],
            }
        ),
        "schedule": pd.DataFrame(
            {
                "site": ["lyon"],
                "pool": ["all"],
                "local_date": ["2025-03-03"],
                "shift": ["s0800_480"],
                "shift_start_local": ["08:00"],
                "shift_length_min": [480],
                "breaks": ["12:00+30"],
                "agents": [5],
            }
        ),
        "coverage": pd.DataFrame(
            {
                "interval_start": t,
                "site": ["lyon"] * 2,
                "skill": ["voice_open"] * 2,
                "agents_scheduled": [5.0, 5.0],
                "agents_required": [4.285714, 5.714286],
                "agents_gap": [0.714286, -0.714286],
                "overflow_in_contacts": [0.0, 0.0],
                "overflow_out_contacts": [0.0, 1.5],
            }
        ),
        "overflow": pd.DataFrame(
            {
                "interval_start": t[:1],
                "skill": ["voice_open"],
                "from_site": ["lyon"],
                "to_site": ["tunis"],
                "contacts": [1.5],
            }
        ),
        "pool_agents": pd.DataFrame(
            {"interval_start": t, "site": ["lyon"] * 2, "pool": ["all"] * 2, "agents": [5.0, 4.0]}
        ),
    }


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_table_round_trips_through_csv(tmp_path, name):
    df = _sample_tables()[name]
    path = write_table(df, tmp_path / f"{name}.csv", SCHEMAS[name])
    back = read_table(path, SCHEMAS[name])
    pd.testing.assert_frame_equal(
        back, df.reset_index(drop=True), check_dtype=False, check_exact=False, rtol=1e-6
    )
    # deterministic bytes: writing what was read gives the same file
    again = write_table(back, tmp_path / f"{name}2.csv", SCHEMAS[name])
    assert again.read_bytes() == path.read_bytes()


def test_write_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "history.csv"
    path.write_text("previous\n")

    def boom(self, *a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", boom)
    with pytest.raises(RuntimeError):
        write_table(_sample_tables()["history"], path)
    assert path.read_text() == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["history.csv"]


def _requirements_csv(tmp_path, starts) -> object:
    lines = ["interval_start,site,skill,agents_required,agents_required_gross,"
             "service_level_rate,asa_s,occupancy_rate"]  # fmt: skip
    lines += [f"{t.isoformat()},{site},voice_open,1,1.2,,," for site, t in starts]
    return _write(tmp_path, lines, "requirements.csv")


def test_requirements_horizon_allows_the_local_days_of_every_site(tmp_path, tiny_dict):
    # horizon_days = 2 for Lyon (UTC+1) and New York (UTC−5): the rows span 2 days + 6 h
    tiny_dict["sites"]["nyc"] = dict(tiny_dict["sites"]["lyon"], tz="America/New_York")
    scenario = scenario_from_dict(tiny_dict)
    starts = [
        (site, t)
        for site, tz in (("lyon", "Europe/Paris"), ("nyc", "America/New_York"))
        for t in pd.date_range(pd.Timestamp("2025-03-03", tz=tz), periods=96, freq="30min")
    ]
    df = read_table(_requirements_csv(tmp_path, starts), SCHEMAS["requirements"], scenario=scenario)
    assert len(df) == 192
    late = pd.Timestamp("2025-03-05T07:00Z")  # 2 h after New York's last interval
    with pytest.raises(InputError) as info:
        read_table(
            _requirements_csv(tmp_path, [*starts, ("nyc", late)]),
            SCHEMAS["requirements"],
            scenario=scenario,
        )
    msg = str(info.value)
    assert msg.startswith("requirements.csv, line 194, column interval_start: "), msg
    assert "beyond the scenario's horizon of 2 days" in msg and "horizon_days = 2" in msg


def test_a_column_wfm_does_not_read_is_allowed_when_it_is_no_misspelling(tmp_path, tiny_scenario):
    lines = ["interval_start,channel,segment,contacts,aht_s,queue_name", GOOD[0] + ",main"]
    df = read_history(_write(tmp_path, lines), tiny_scenario)
    assert df["contacts"].tolist() == [12.0]


def test_a_column_inside_a_contract_name_is_another_quantity_not_a_misspelling():
    # the Erlang calculator's own output column occupancy_rate was refused as a misspelt
    # max_occupancy_rate when read back as cases
    from wfm.core.contract_checks import check_column_names
    from wfm.staffing.erlang_cases import CASE_SCHEMAS

    check_column_names(["contacts", "occupancy_rate"], CASE_SCHEMAS["c"], source="cases.csv")
    with pytest.raises(InputError, match="did you mean 'max_occupancy_rate'"):
        check_column_names(["max_ocupancy_rate"], CASE_SCHEMAS["c"], source="cases.csv")
