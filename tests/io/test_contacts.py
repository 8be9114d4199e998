"""Contact records → interval history: the Anonymous Bank log, grids, AHT, bad logs."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from wfm.cli import main
from wfm.core.contract_checks import check_table
from wfm.core.errors import ConfigError, InputError
from wfm.core.schemas import HISTORY
from wfm.io.contact_history import contact_totals, history_from_contacts
from wfm.io.contacts import ContactColumns, read_contacts
from wfm.io.tables import read_table, write_table

DATA = Path(__file__).resolve().parents[1] / "data" / "io"
BANK_SLICE = DATA / "anonymous_bank_calls_1999_08_02.csv"
BANK_INTERVALS = DATA / "anonymous_bank_intervals_1999_08_02.csv"
BANK_TZ = "Asia/Jerusalem"
# the Anonymous Bank log's own names: service type as segment, one voice channel
BANK = ContactColumns(
    arrival_column="arrival_ts",
    channel="voice",
    segment_column="type",
    wait_column="q_time",
    handle_column="ser_time",
    outcome_column="outcome",
    answered_values=("AGENT",),
    abandoned_values=("HANG",),
    ignored_values=("PHANTOM",),
)
BANK_CLI = [
    "--tz", BANK_TZ, "--arrival-col", "arrival_ts", "--channel", "voice", "--segment-col",
    "type", "--wait-col", "q_time", "--handle-col", "ser_time", "--answered", "AGENT",
    "--abandoned", "HANG", "--ignore", "PHANTOM",
]  # fmt: skip


def _log(tmp_path: Path, text: str, name: str = "log.csv") -> Path:
    path = tmp_path / name
    path.write_text(text.strip() + "\n", encoding="utf-8")
    return path


# -- the Anonymous Bank slice ------------------------------------------------------------------


@pytest.fixture(scope="module")
def bank_contacts():
    return read_contacts(BANK_SLICE, BANK, source_tz=BANK_TZ)


def test_bank_slice_outcomes_per_type(bank_contacts):
    table = contact_totals(bank_contacts)
    assert table.iloc[-1, :2].tolist() == ["total", ""]
    totals = table.set_index("segment")
    # counted in the slice (tests/data/io/README.md): AGENT, HANG with q_time > 0,
    # HANG with q_time = 0, PHANTOM, per type
    assert totals.loc["in", ["answered", "abandoned", "not_offered", "ignored"]].tolist() == [
        9, 11, 0, 0]  # fmt: skip
    assert totals.loc["ne"].iloc[1:].tolist() == [28, 0, 0, 0]
    assert totals.loc["nw"].iloc[1:].tolist() == [28, 22, 3, 0]
    assert totals.loc["ps"].iloc[1:].tolist() == [176, 55, 11, 1]
    assert table.iloc[-1, 2:].tolist() == [241, 88, 14, 1]


def test_bank_slice_matches_the_published_30_minute_rollup(bank_contacts):
    history = history_from_contacts(bank_contacts, 30, day_tz=BANK_TZ)
    ref = pd.read_csv(BANK_INTERVALS)
    ref["interval_start"] = (
        pd.to_datetime(ref["interval_start"]).dt.tz_localize(BANK_TZ).dt.tz_convert("UTC")
    )
    ref["segment"] = ref["type"].str.lower()
    got = history.merge(ref, on=["interval_start", "segment"], how="inner")
    # 4 intervals × the 4 types present in the slice (PE and TT have no call there)
    assert len(got) == 16
    assert (got["contacts"] == got["offered"]).all()
    assert (got["abandoned_x"] == got["abandoned_y"]).all()
    answered = got["contacts"] - got["abandoned_x"]
    assert (answered == got["answered"]).all()
    handle = (got["aht_s"] * answered).fillna(0.0)
    np.testing.assert_allclose(handle, got["sum_handle_s"], rtol=1e-12)
    # 08:30 local in August is 05:30 UTC (IDT = UTC+3)
    first = got.loc[got["segment"] == "ps"].sort_values("interval_start").iloc[0]
    assert first["interval_start"] == pd.Timestamp("1999-08-02T05:30Z")
    assert first["aht_s"] == pytest.approx(7028 / 37)  # sum_handle_s / answered, 08:30 PS


def test_bank_history_is_complete_for_the_covered_day(bank_contacts):
    history = history_from_contacts(bank_contacts, 30, day_tz=BANK_TZ)
    check_table(history, HISTORY)
    assert list(history.columns) == [
        "interval_start", "channel", "segment", "contacts", "aht_s", "abandoned"]  # fmt: skip
    # one local day (Israel, UTC+3 in August) × 48 half-hours × 4 types
    assert len(history) == 48 * 4
    assert history["interval_start"].min() == pd.Timestamp("1999-08-01T21:00Z")
    assert history["interval_start"].max() == pd.Timestamp("1999-08-02T20:30Z")
    quiet = history["contacts"] == 0
    assert quiet.sum() == 48 * 4 - 16 and history.loc[quiet, "abandoned"].eq(0).all()
    assert history.loc[quiet, "aht_s"].isna().all()


def test_bank_history_round_trips_through_csv(bank_contacts, tmp_path):
    history = history_from_contacts(bank_contacts, 30, day_tz=BANK_TZ)
    write_table(history, tmp_path / "h.csv", HISTORY)
    back = read_table(tmp_path / "h.csv", HISTORY)
    pd.testing.assert_frame_equal(back, history, check_dtype=False, atol=1e-6)


def test_full_anonymous_bank_log_totals():
    """The whole August 1999 log, when its path is given in WFM_ANONYMOUS_BANK_CALLS."""
    path = os.environ.get("WFM_ANONYMOUS_BANK_CALLS", "")
    if not path or not Path(path).exists():
        pytest.skip("set WFM_ANONYMOUS_BANK_CALLS to calls_1999_08.csv to run")
    contacts = read_contacts(path, BANK, source_tz=BANK_TZ)
    history = history_from_contacts(contacts, 30, day_tz=BANK_TZ)
    # data README: 31,402 answered and 7,260 abandoned after queueing
    assert history["abandoned"].sum() == 7260
    assert (history["contacts"] - history["abandoned"]).sum() == 31402
    assert len(history) == 31 * 48 * 6


# -- grid, AHT, outcomes ---------------------------------------------------------------------


def test_arrivals_are_floored_in_utc_and_aht_is_contact_weighted(tmp_path):
    log = _log(
        tmp_path,
        """
arrival_start,channel,segment,wait_s,handle_s,outcome
2025-03-03T10:10:00+05:30,Voice,Open,5,100,answered
2025-03-03T10:25:00+05:30,voice,open,7,300,answered
2025-03-03T10:29:59+05:30,voice,open,40,,abandoned
2025-03-03T11:40:00+05:30,voice,open,12,,abandoned
""",
    )
    contacts = read_contacts(log)
    history = history_from_contacts(contacts, 60, day_tz="Asia/Kolkata")
    busy = history[history["contacts"] > 0].set_index("interval_start")
    # 10:10 and 10:29:59 IST are 04:40 and 04:59:59 UTC → the 04:00 UTC hour; 11:40 IST
    # is 06:10 UTC → 06:00 UTC
    assert busy.index.tolist() == [pd.Timestamp("2025-03-03T04:00Z"),
                                   pd.Timestamp("2025-03-03T06:00Z")]  # fmt: skip
    assert busy.loc["2025-03-03T04:00Z", ["contacts", "abandoned"]].tolist() == [3, 1]
    assert busy.loc["2025-03-03T04:00Z", "aht_s"] == pytest.approx(200.0)  # (100 + 300) / 2
    assert np.isnan(busy.loc["2025-03-03T06:00Z", "aht_s"])  # nobody answered
    # the local day of Kolkata, 2025-03-02T18:30Z to 03-03T18:30Z, floored/ceiled to hours
    assert history["interval_start"].min() == pd.Timestamp("2025-03-02T18:00Z")
    assert history["interval_start"].max() == pd.Timestamp("2025-03-03T18:00Z")
    assert len(history) == 25


def test_days_follow_the_log_time_zone_across_dst(tmp_path):
    log = _log(
        tmp_path,
        """
arrival_start,channel,segment,wait_s,handle_s,outcome
2025-10-25T09:00:00+02:00,voice,open,5,100,answered
2025-10-26T02:30:00+01:00,voice,open,5,100,answered
""",
    )
    history = history_from_contacts(read_contacts(log), 30, day_tz="Europe/Paris")
    # local days 25 October (24 h) and 26 October (25 h, fall-back) → 48 + 50 half-hours
    assert len(history) == 98
    assert history["interval_start"].min() == pd.Timestamp("2025-10-24T22:00Z")
    assert history["interval_start"].max() == pd.Timestamp("2025-10-26T22:30Z")
    # 02:30+01:00 is 01:30 UTC, the second 02:30 of the night
    assert history.loc[history["contacts"] > 0, "interval_start"].tolist()[-1] == pd.Timestamp(
        "2025-10-26T01:30Z"
    )


def test_short_abandons_and_durations_in_clock_form(tmp_path):
    log = _log(
        tmp_path,
        """
arrival_start,channel,segment,wait_s,handle_s,outcome
2025-03-03T09:00:00Z,chat,open,0:00:03,,ABANDONED
2025-03-03T09:01:00Z,chat,open,0:00:09,,abandoned
2025-03-03T09:02:00Z,chat,open,0:01:00,0:05:30,Answered
""",
    )
    contacts = read_contacts(log, ContactColumns(abandon_after_s=5.0))
    assert contacts["outcome"].tolist() == ["not_offered", "abandoned", "answered"]
    assert contacts["wait_s"].tolist() == [3.0, 9.0, 60.0]
    assert contacts.loc[2, "handle_s"] == 330.0
    assert contacts["line"].tolist() == [2, 3, 4]


def test_logs_without_outcome_or_handle_columns(tmp_path):
    log = _log(
        tmp_path,
        """
when,queue
2025-03-03T09:00:00Z,Back Office
2025-03-03T09:40:00Z,back-office
""",
    )
    cols = ContactColumns(arrival_column="when", channel_column="queue", segment="open",
                          wait_column="", handle_column="", outcome_column="")  # fmt: skip
    contacts = read_contacts(log, cols)
    assert contacts["channel"].tolist() == ["back_office", "back_office"]
    history = history_from_contacts(contacts, 30)
    assert "aht_s" not in history.columns
    assert history["contacts"].sum() == 2 and len(history) == 48


def test_site_column_gives_a_site_key(tmp_path):
    log = _log(
        tmp_path,
        """
arrival_start,channel,segment,site,wait_s,handle_s,outcome
2025-03-03T09:00:00Z,voice,open,Lyon,1,60,answered
2025-03-03T09:00:00Z,voice,open,Lille,1,60,answered
""",
    )
    history = history_from_contacts(read_contacts(log, ContactColumns(site_column="site")), 15)
    assert set(history["site"]) == {"lyon", "lille"} and len(history) == 2 * 96
    check_table(history, HISTORY)


# -- bad logs name file, line and column -------------------------------------------------------

GOOD = "2025-03-03T09:00:00Z,voice,open,5,60,answered"
HEADER = "arrival_start,channel,segment,wait_s,handle_s,outcome"


@pytest.mark.parametrize(
    ("row", "line", "column", "fragment", "tz"),
    [
        ("2025-03-03T09:05:00Z,voice,open,5,60,transferred", 3, "outcome", "unknown outcome", None),
        ("2025-03-03T09:05:00Z,voice,open,5,abc,answered", 3, "handle_s", "not a duration", None),
        ("2025-03-03T09:05:00Z,voice,open,-5,60,answered", 3, "wait_s", "not a duration", None),
        # 90 minutes in the minutes' place was read as 2:30:00
        ("2025-03-03T09:05:00Z,voice,open,1:90:00,60,answered", 3, "wait_s", "not a duration",
         None),
        ("2025-03-03T09:05:00Z,voice,open,5,,answered", 3, "handle_s", "answered contact", None),
        ("2025-03-03T09:05:00Z,voice,open,,,abandoned", 3, "wait_s", "abandoned contact", None),
        ("2025-03-03 9h05,voice,open,5,60,answered", 3, "arrival_start", "timestamp", None),
        ("2025-03-03T09:05:00,voice,open,5,60,answered", 3, "arrival_start", "offset", None),
        ("2025-03-30T02:30:00,voice,open,5,60,answered", 3, "arrival_start", "DST gap",
         "Europe/Paris"),
        ("2025-10-26T02:30:00,voice,open,5,60,answered", 3, "arrival_start", "ambiguous",
         "Europe/Paris"),
        ("2025-03-03T09:05:00Z,voice,1st,5,60,answered", 3, "segment", "identifier", None),
        ("2025-03-03T09:05:00Z,voice,open,5,60", 3, None, "fields", None),
    ],
)  # fmt: skip
def test_bad_rows_name_file_line_and_column(tmp_path, row, line, column, fragment, tz):
    log = _log(tmp_path, f"{HEADER}\n{GOOD}\n{row}", name="acd_export.csv")
    with pytest.raises(InputError) as err:
        read_contacts(log, source_tz=tz)
    msg = str(err.value)
    assert msg.startswith(f"acd_export.csv, line {line}"), msg
    if column:
        assert f"column {column}" in msg
    assert fragment in msg


def test_missing_column_and_missing_file(tmp_path):
    log = _log(tmp_path, "arrival_start,channel,segment,outcome\n" + "2025-03-03T09:00Z,a,b,c")
    with pytest.raises(InputError, match="line 1.*missing column 'wait_s'"):
        read_contacts(log)
    with pytest.raises(InputError, match="file not found"):
        read_contacts(tmp_path / "nope.csv")


def test_bad_mappings_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="abandoned_values.*both answered and abandoned"):
        ContactColumns(abandoned_values=("HANG",), answered_values=("hang",))
    with pytest.raises(ConfigError, match="segment_column"):
        ContactColumns(segment_column="")
    with pytest.raises(ConfigError, match="source_tz"):
        read_contacts(_log(tmp_path, f"{HEADER}\n{GOOD}"), source_tz="Mars/Olympus")


# -- invariants --------------------------------------------------------------------------------

_row = st.tuples(
    st.integers(0, 2 * 86_400 - 1),  # seconds after 2025-03-03T00:00Z
    st.sampled_from(["open", "premium"]),
    st.integers(0, 600),  # wait
    st.integers(0, 3600),  # handle
    st.sampled_from(["answered", "abandoned", "test"]),
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(_row, min_size=1, max_size=60), interval_min=st.sampled_from([15, 30, 60]))
def test_history_conserves_contacts_and_handle_time(tmp_path, rows, interval_min):
    start = pd.Timestamp("2025-03-03T00:00Z")
    lines = [HEADER] + [
        f"{(start + pd.Timedelta(seconds=t)).isoformat()},voice,{seg},{w},{h},{o}"
        for t, seg, w, h, o in rows
    ]
    log = _log(tmp_path, "\n".join(lines))
    contacts = read_contacts(log, ContactColumns(ignored_values=("test",)))
    answered = [r for r in rows if r[4] == "answered"]
    abandoned = [r for r in rows if r[4] == "abandoned" and r[2] > 0]
    if not answered and not abandoned:
        with pytest.raises(InputError, match="no contact was offered"):
            history_from_contacts(contacts, interval_min)
        return
    history = history_from_contacts(contacts, interval_min)
    check_table(history, HISTORY)
    assert history["contacts"].sum() == len(answered) + len(abandoned)
    assert history["abandoned"].sum() == len(abandoned)
    served = history["contacts"] - history["abandoned"]
    total_handle = (history["aht_s"].fillna(0.0) * served).sum()
    assert total_handle == pytest.approx(sum(r[3] for r in answered), abs=1e-6)
    per_day = 1440 // interval_min
    assert len(history) % per_day == 0  # whole UTC days, every series complete


# -- command line --------------------------------------------------------------------------------


def test_cli_from_contacts_on_the_bank_slice(tmp_path):
    out = tmp_path / "history.csv"
    res = CliRunner().invoke(
        main, ["history", "from-contacts", str(BANK_SLICE), "--out", str(out), *BANK_CLI]
    )
    assert res.exit_code == 0, res.output
    assert "total" in res.output and "241" in res.output and "88" in res.output
    history = read_table(out, HISTORY)
    assert history["contacts"].sum() == 241 + 88
    assert history["abandoned"].sum() == 88


def test_cli_refuses_to_write_the_history_over_its_own_log(tmp_path):
    log = tmp_path / "log.csv"
    log.write_bytes(BANK_SLICE.read_bytes())
    res = CliRunner().invoke(
        main, ["history", "from-contacts", str(log), "--out", str(log), *BANK_CLI]
    )
    # the contact log was replaced by the history it made
    assert res.exit_code == 2, res.output
    assert "would replace an input of the same run" in res.output
    assert log.read_bytes() == BANK_SLICE.read_bytes()


def test_cli_checks_the_log_against_a_scenario(tmp_path):
    scenario = Path(__file__).resolve().parents[2] / "wfm" / "examples" / "demo" / "scenario.toml"
    out = tmp_path / "history.csv"
    res = CliRunner().invoke(
        main,
        ["history", "from-contacts", str(BANK_SLICE), "--out", str(out), "--scenario",
         str(scenario), *BANK_CLI],
    )  # fmt: skip
    assert res.exit_code == 2
    assert "line 2" in res.output and "unknown segment 'in'" in res.output
    assert not out.exists()


def test_cli_bad_log_exits_2_and_writes_nothing(tmp_path):
    log = _log(tmp_path, f"{HEADER}\n{GOOD}\n2025-03-03T09:05:00Z,voice,open,5,60,lost")
    out = tmp_path / "history.csv"
    res = CliRunner().invoke(main, ["history", "from-contacts", str(log), "--out", str(out)])
    assert res.exit_code == 2
    assert "log.csv, line 3, column outcome: unknown outcome code" in res.output
    assert not out.exists()


def test_cli_with_a_scenario_uses_its_grid_and_home_site_days(tmp_path, demo_scenario):
    scenario = Path(__file__).resolve().parents[2] / "wfm" / "examples" / "demo" / "scenario.toml"
    log = _log(
        tmp_path,
        f"""
{HEADER}
2025-03-03T08:10:00+01:00,Voice,Open,5,120,answered
2025-03-03T08:20:00+01:00,voice,open,35,,abandoned
""",
    )
    out = tmp_path / "history.csv"
    res = CliRunner().invoke(
        main, ["history", "from-contacts", str(log), "--out", str(out), "--scenario", str(scenario)]
    )
    assert res.exit_code == 0, res.output
    history = read_table(out, HISTORY, scenario=demo_scenario)
    # demo: 30-minute intervals, home site lyon (Europe/Paris, UTC+1 in March)
    assert len(history) == 48
    assert history["interval_start"].min() == pd.Timestamp("2025-03-02T23:00Z")
    busy = history[history["contacts"] > 0]
    assert busy["interval_start"].tolist() == [pd.Timestamp("2025-03-03T07:00Z")]
    assert busy[["contacts", "abandoned", "aht_s"]].iloc[0].tolist() == [2.0, 1.0, 120.0]


REPEATED = """
arrival_start,channel,segment,wait_s,handle_s,outcome
2025-10-26T01:50:00,voice,open,1,10,answered
2025-10-26T02:10:00,voice,open,1,10,answered
2025-10-26T02:40:00,voice,open,1,10,answered
2025-10-26T02:05:00,voice,open,1,10,answered
2025-10-26T02:50:00+01:00,voice,open,1,10,answered
2025-10-26T03:10:00,voice,open,1,10,answered
"""


def test_repeated_hour_resolved_by_file_order(tmp_path):
    log = _log(tmp_path, REPEATED)
    got = read_contacts(log, source_tz="Europe/Paris", repeated_hour="in_order")
    # Paris falls back at 03:00 CEST = 01:00 UTC: 02:10 and 02:40 are the first pass
    # (UTC+2), 02:05 the second (UTC+1); offsets and unambiguous times as usual
    assert got["arrival_start"].dt.strftime("%H:%M").tolist() == [
        "23:50", "00:10", "00:40", "01:05", "01:50", "02:10"]  # fmt: skip
    with pytest.raises(InputError, match="line 3, column arrival_start: .* occurs twice"):
        read_contacts(log, source_tz="Europe/Paris")


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        ("2025-10-26T02:30:00", "which pass of the repeated hour"),
        ("2025-03-30T02:30:00", "does not exist in Europe/Paris"),
        ("2025-03-30 2h30", "not a valid timestamp"),
    ],
)
def test_repeated_hour_in_order_still_names_bad_lines(tmp_path, row, fragment):
    log = _log(tmp_path, f"{HEADER}\n2025-10-25T12:00:00,voice,open,1,10,answered\n"
                         f"{row},voice,open,1,10,answered")  # fmt: skip
    with pytest.raises(InputError) as err:
        read_contacts(log, source_tz="Europe/Paris", repeated_hour="in_order")
    assert "log.csv, line 3, column arrival_start" in str(err.value)
    assert fragment in str(err.value)
