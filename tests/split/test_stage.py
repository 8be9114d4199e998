"""split_contacts: conservation, policy, AI capacity, backlog, repeats, bounds, costs.

Expected values are computed by hand from the formulas in the stage's Notes; the tiny
scenario's site (Lyon, Europe/Paris, UTC+1 in March) opens 08:00–20:00 on weekdays.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from wfm.core.contract_checks import check_table
from wfm.core.errors import ConfigError, InputError
from wfm.core.schemas import SPLIT
from wfm.split import split_contacts


def _local_hhmm(df: pd.DataFrame) -> pd.Series:
    return df["interval_start"].dt.tz_convert("Europe/Paris").dt.strftime("%a %H:%M")


def _at(df: pd.DataFrame, channel: str, segment: str, hhmm: str) -> pd.Series:
    rows = df[(df.channel == channel) & (df.segment == segment) & (_local_hhmm(df) == hhmm)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_table_meets_contract_and_conserves(ai_dict, build, make_forecast):
    fc = make_forecast([("voice", "open"), ("chat", "open"), ("voice", "premium")], days=2)
    res = split_contacts(fc, build(ai_dict))
    check_table(res.table, SPLIT)
    t = res.table
    np.testing.assert_allclose(t.ai_contained + t.human_contacts, t.contacts, atol=1e-9)
    assert t.contacts.sum() == pytest.approx(fc.contacts.sum(), rel=1e-12)
    assert list(t.columns[: len(SPLIT.names)]) == list(SPLIT.names)
    assert len(t) == len(fc)


def test_escalated_handle_time_and_costs(ai_dict, build, make_forecast):
    # voice/open at 12:00 (open, no backlog): X = 10, a = 0.5, c = 0.4 → handled 5,
    # contained 2, escalated 3, direct 5; work = (3·1.2 + 5)·300 = 2580 s over 8 contacts
    fc = make_forecast([("voice", "open")])
    t = split_contacts(fc, build(ai_dict)).table
    row = _at(t, "voice", "open", "Mon 12:00")
    assert row.ai_handled == pytest.approx(5.0)
    assert row.ai_contained == pytest.approx(2.0)
    assert row.escalated == pytest.approx(3.0)
    assert row.human_contacts == pytest.approx(8.0)
    assert row.human_aht_s == pytest.approx(2580.0 / 8.0)  # 322.5 s
    assert row.escalation_delay_s == pytest.approx(3 * 60.0 / 8)  # 22.5 s
    assert row.ai_cost == pytest.approx(5 * 0.4 + 3 * 0.1)  # 2.3


def test_must_reach_human_gets_no_ai_contained(ai_dict, build, make_forecast):
    fc = make_forecast([("voice", "premium")], days=2)
    t = split_contacts(fc, build(ai_dict)).table
    assert (t.ai_contained == 0).all()
    assert (t.ai_max_rate == 0).all()
    # AI triage still happens (ai_first_rate 1): every contact handled, all escalated
    np.testing.assert_allclose(t.ai_handled, t.forecast_contacts)
    np.testing.assert_allclose(t.escalated, t.forecast_contacts)


def test_no_ai_channel_is_never_offered(ai_dict, build, make_forecast):
    ai_dict["segments"]["open"]["ai"]["chat"]["ai_first_rate"] = 0.0
    sc = build(ai_dict, {"segments.open.no_ai_channels": ["chat"]})
    t = split_contacts(make_forecast([("chat", "open")]), sc).table
    assert (t.ai_handled == 0).all() and (t.ai_max_rate == 0).all()


def test_capacity_binds_exactly_at_its_limit(ai_dict, build, make_forecast):
    # 2 sessions × 1800 s = 3600 session-s per interval; hold = 0.4·120 + 0.6·60 = 84 s;
    # 100 contacts offered need 8400 s → f = 3/7, handled 300/7 ≈ 42.857
    sc = build(ai_dict, {"ai_capacity.voice.max_sessions": 2})
    res = split_contacts(make_forecast([("voice", "open")], contacts=200.0), sc)
    t, cap = res.table, res.tables["ai_capacity"]
    np.testing.assert_allclose(t.ai_handled, 300.0 / 7.0, rtol=1e-12)
    np.testing.assert_allclose(t.ai_handled * 84.0, 3600.0, rtol=1e-12)
    np.testing.assert_allclose(t.ai_blocked_contacts, 100.0 - 300.0 / 7.0, rtol=1e-12)
    np.testing.assert_allclose(cap.sessions_used, 2.0, rtol=1e-12)
    np.testing.assert_allclose(cap.sessions_offered, 100 * 84.0 / 1800.0, rtol=1e-12)
    assert res.figures["ai_capacity_binding_intervals"] == 48
    assert any("binds in 48 intervals" in n for n in res.notes)
    # the optimiser bound cannot exceed what the full capacity allows
    row = _at(t, "voice", "open", "Mon 12:00")
    assert row.ai_max_rate == pytest.approx(row.ai_contained / row.contacts, rel=1e-12)


def test_capacity_below_limit_takes_everything(ai_dict, build, make_forecast):
    sc = build(ai_dict, {"ai_capacity.voice.max_sessions": 3})
    # 10 contacts: 5 offered × 84 s = 420 s ≤ 5400 s
    res = split_contacts(make_forecast([("voice", "open")]), sc)
    assert (res.table.ai_blocked_contacts == 0).all()
    np.testing.assert_allclose(res.tables["ai_capacity"].sessions_used, 420.0 / 1800.0)


def test_capacity_is_shared_between_segments(ai_dict, build, make_forecast):
    sc = build(ai_dict, {"ai_capacity.voice.max_sessions": 2})
    fc = make_forecast([("voice", "open"), ("voice", "premium")], contacts=100.0)
    res = split_contacts(fc, sc)
    used = res.tables["ai_capacity"].sessions_used
    np.testing.assert_allclose(used, 2.0, rtol=1e-12)
    t = res.table
    # the same accepted share for both: open offers 50 × 84 s, premium 100 × 30 s
    f = 3600.0 / (50 * 84.0 + 100 * 30.0)
    np.testing.assert_allclose(t[t.segment == "open"].ai_handled, 50 * f, rtol=1e-12)
    np.testing.assert_allclose(t[t.segment == "premium"].ai_handled, 100 * f, rtol=1e-12)


def test_backlog_reappears_at_opening_within_deadline(ai_dict, build, make_forecast):
    # one day, 10 voice/open contacts per interval: 8 need a person in each of the
    # 24 closed intervals → 192 answered over the first 4 opening intervals (2 h)
    t = split_contacts(make_forecast([("voice", "open")]), build(ai_dict)).table
    hhmm = _local_hhmm(t)
    closed = (t.interval_start.dt.tz_convert("Europe/Paris").dt.hour < 8) | (
        t.interval_start.dt.tz_convert("Europe/Paris").dt.hour >= 20
    )
    assert (t.loc[closed, "human_contacts"] == 0).all()
    np.testing.assert_allclose(t.loc[closed, "backlog_out_contacts"], 8.0)
    receiving = set(hhmm[t.backlog_in_contacts > 0])
    assert receiving == {"Mon 08:00", "Mon 08:30", "Mon 09:00", "Mon 09:30"}
    np.testing.assert_allclose(t.loc[t.backlog_in_contacts > 0, "backlog_in_contacts"], 48.0)
    assert t.backlog_in_contacts.sum() == pytest.approx(t.backlog_out_contacts.sum())
    # backlog keeps the handle time of what it holds (escalated at 1.2 × AHT)
    row = _at(t, "voice", "open", "Mon 08:00")
    assert row.human_aht_s == pytest.approx(2580.0 / 8.0)


def test_night_backlog_goes_to_next_morning(ai_dict, build, make_forecast):
    fc = make_forecast([("voice", "open")], days=2, contacts=0.0)
    at_21h = _local_hhmm(fc) == "Mon 21:00"
    fc.loc[at_21h, "contacts"] = 40.0
    sc = build(ai_dict, {"split.backlog_deadline_h": 1.0})
    t = split_contacts(fc, sc).table
    got = t[t.backlog_in_contacts > 0]
    # 40 → 20 offered, 8 contained, 32 need a person, over 2 intervals (1 h)
    assert list(_local_hhmm(got)) == ["Tue 08:00", "Tue 08:30"]
    np.testing.assert_allclose(got.backlog_in_contacts, 16.0)
    assert got.escalation_delay_s.max() == 0  # time with the AI does not count after a night
    assert res_sum(t) == pytest.approx(40.0)


def res_sum(t: pd.DataFrame) -> float:
    return float(t.contacts.sum())


def test_ai_limited_to_site_hours(ai_dict, build, make_forecast):
    sc = build(ai_dict, {"ai_capacity.voice.hours": "site"})
    t = split_contacts(make_forecast([("voice", "open")]), sc).table
    hour = t.interval_start.dt.tz_convert("Europe/Paris").dt.hour
    closed = (hour < 8) | (hour >= 20)
    assert (t.loc[closed, "ai_handled"] == 0).all()
    assert (t.loc[~closed, "ai_handled"] > 0).all()
    assert (t.loc[closed, "ai_max_rate"] == 0).all()


def test_max_ai_share_caps_containment(ai_dict, build, make_forecast):
    sc = build(ai_dict, {"segments.open.ai.chat.max_ai_share_rate": 0.2})
    t = split_contacts(make_forecast([("chat", "open")]), sc).table
    np.testing.assert_allclose(t.ai_contained / t.forecast_contacts, 0.2)
    np.testing.assert_allclose(t.ai_handled / t.forecast_contacts, 0.4)


def test_repeats_reach_steady_state(ai_dict, build, make_forecast):
    # chat: all to AI, c = 0.5, AI resolves 80 % of what it contains, every unresolved
    # contact returns the next day: R = 0.5 · 0.2 · (F + R) → R = F / 9 in every interval
    sc = build(
        ai_dict,
        {
            "segments.open.ai.chat.ai_resolution_rate": 0.8,
            "split.repeat_delay_profile_rate": [1.0],
        },
    )
    res = split_contacts(make_forecast([("chat", "open")], days=2), sc)
    np.testing.assert_allclose(res.table.repeat_contacts, 10.0 / 9.0, rtol=1e-8)
    assert res.figures["repeat_contacts"] == pytest.approx(96 * 10 / 9, rel=1e-8)


def test_repeats_by_cause(ai_dict, build, make_forecast):
    # human contacts are half the arrivals: R = 0.15 (F + R) in total → R = F · 0.15 / 0.85
    sc = build(
        ai_dict,
        {
            "segments.open.ai.chat.ai_resolution_rate": 0.8,
            "segments.open.ai.chat.human_resolution_rate": 0.9,
            "split.repeat_delay_profile_rate": [0.6, 0.4],
        },
    )
    res = split_contacts(make_forecast([("chat", "open")], days=3), sc)
    f_total = 144 * 10.0
    r_total = f_total * 0.15 / 0.85
    assert res.table.repeat_contacts.sum() == pytest.approx(r_total, rel=1e-8)
    by_cause = res.tables["repeats"].set_index("cause")["repeat_contacts"]
    assert by_cause["ai_unresolved"] == pytest.approx(0.1 * (f_total + r_total), rel=1e-8)
    assert by_cause["human_unresolved"] == pytest.approx(0.05 * (f_total + r_total), rel=1e-8)
    t = res.table
    np.testing.assert_allclose(t.ai_contained + t.human_contacts, t.contacts, atol=1e-9)


def test_repeats_that_never_settle_are_a_config_error(ai_dict, build, make_forecast):
    bad = {
        "segments.open.ai.chat.human_resolution_rate": 0.0,
        "split.repeat_delay_profile_rate": [1.0],
    }
    with pytest.raises(ConfigError, match="never settle"):  # refused when the scenario loads
        split_contacts(make_forecast([("chat", "open")]), build(ai_dict, bad))


def test_optimiser_bounds(ai_dict, build, make_forecast):
    sc = build(ai_dict, {"segments.open.ai.voice.min_ai_share_rate": 0.1})
    t = split_contacts(make_forecast([("voice", "open"), ("chat", "open")]), sc).table
    row = _at(t, "voice", "open", "Mon 12:00")
    # all 10 offered, 40 % contained → 0.4; planned 0.2; floor 0.1
    assert row.ai_max_rate == pytest.approx(0.4)
    assert row.ai_contained / row.contacts == pytest.approx(0.2)
    assert row.ai_min_rate == pytest.approx(0.1)
    share = t.ai_contained / t.contacts
    assert (t.ai_min_rate <= share + 1e-12).all() and (share <= t.ai_max_rate + 1e-12).all()


@settings(
    derandomize=True,
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    first=st.floats(0, 1),
    contain=st.floats(0, 1),
    cap=st.integers(0, 5),
    max_share=st.floats(0, 1),
    r_ai=st.floats(0.3, 1),
    r_h=st.floats(0.3, 1),
    scale=st.floats(0, 500),
    seed=st.integers(0, 2**16),
)
def test_conservation_and_bounds_hold_for_any_policy(
    ai_dict, build, make_forecast, first, contain, cap, max_share, r_ai, r_h, scale, seed
):
    sc = build(
        ai_dict,
        {
            "segments.open.ai.voice.ai_first_rate": first,
            "segments.open.ai.voice.containment_rate": contain,
            "segments.open.ai.voice.max_ai_share_rate": max_share,
            "segments.open.ai.voice.ai_resolution_rate": r_ai,
            "segments.open.ai.voice.human_resolution_rate": r_h,
            "ai_capacity.voice.max_sessions": cap,
        },
    )
    fc = make_forecast([("voice", "open"), ("voice", "premium"), ("chat", "open")], days=2)
    fc["contacts"] = np.random.default_rng(seed).uniform(0, scale, len(fc))
    t = split_contacts(fc, sc).table
    check_table(t, SPLIT)
    np.testing.assert_allclose(t.ai_contained + t.human_contacts, t.contacts, atol=1e-7)
    np.testing.assert_allclose(
        t.contacts.sum(), t.forecast_contacts.sum() + t.repeat_contacts.sum(), rtol=1e-9, atol=1e-9
    )
    np.testing.assert_allclose(t.ai_handled, t.ai_contained + t.escalated, atol=1e-7)
    share = np.where(t.contacts > 0, t.ai_contained / t.contacts.where(t.contacts > 0, 1), 0)
    assert (t.ai_min_rate <= share + 1e-9).all() and (share <= t.ai_max_rate + 1e-9).all()
    v = t[(t.channel == "voice") & (t.segment == "open")]
    assert (v.ai_contained <= max_share * (v.forecast_contacts + v.repeat_contacts) + 1e-7).all()


def test_input_is_not_mutated_and_site_defaults_to_home(ai_dict, build, make_forecast):
    fc = make_forecast([("voice", "open")], site=None)
    before = fc.copy()
    t = split_contacts(fc, build(ai_dict)).table
    pd.testing.assert_frame_equal(fc, before)
    assert set(t.site) == {"lyon"}


def test_incomplete_grid_is_an_input_error(ai_dict, build, make_forecast):
    fc = make_forecast([("voice", "open"), ("chat", "open")]).drop(index=[3])
    with pytest.raises(InputError, match="one row per series and interval"):
        split_contacts(fc, build(ai_dict))


def test_unknown_channel_is_an_input_error(ai_dict, build, make_forecast):
    fc = make_forecast([("voice", "open")])
    fc.loc[5, "channel"] = "fax"
    with pytest.raises(InputError, match="forecast, line 7, column channel: unknown channel"):
        split_contacts(fc, build(ai_dict))


def test_figures_and_summary(ai_dict, build, make_forecast):
    res = split_contacts(make_forecast([("voice", "open"), ("chat", "open")]), build(ai_dict))
    assert res.figures["ai_share_rate"] == {"chat.open": 0.5, "voice.open": 0.2}
    s = res.tables["split_summary"].set_index(["channel", "segment"])
    assert s.loc[("voice", "open"), "human_share_rate"] == pytest.approx(0.8)
    assert res.figures["ai_cost"] == pytest.approx(48 * 2.3)
    assert any("ai_capacity.chat" in n for n in res.notes)


def test_ai_takes_every_contact_while_people_are_closed(ai_dict, build, make_forecast):
    # voice/open offers 50 % to AI while open, 100 % while closed: at 22:00 all 10 contacts
    # go to the bot, 4 are contained and 6 wait for the morning
    sc = build(ai_dict, {"segments.open.ai.voice.ai_first_closed_rate": 1.0})
    t = split_contacts(make_forecast([("voice", "open")]), sc).table
    night = _at(t, "voice", "open", "Mon 22:00")
    assert night.ai_handled == pytest.approx(10.0)
    assert night.ai_contained == pytest.approx(4.0)
    assert night.backlog_out_contacts == pytest.approx(6.0)
    assert _at(t, "voice", "open", "Mon 12:00").ai_handled == pytest.approx(5.0)


def test_empty_forecast_gives_empty_split(ai_dict, build, make_forecast):
    fc = make_forecast([("voice", "open")]).head(0)
    res = split_contacts(fc, build(ai_dict))
    check_table(res.table, SPLIT)
    assert len(res.table) == 0 and res.notes == ("empty forecast",)
