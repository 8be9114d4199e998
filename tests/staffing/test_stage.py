"""staffing_requirements: contract, completeness, targets, deferred work, pooling."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from wfm.core.calendar import deadline_index, open_mask
from wfm.core.contract_checks import check_table
from wfm.core.errors import InputError
from wfm.core.mapping import scenario_from_dict
from wfm.core.schemas import REQUIREMENTS
from wfm.staffing import staffing_requirements

INTERVALS = pd.date_range("2026-03-02 06:00", periods=8, freq="30min", tz="UTC")


def _split(rows: list[tuple[str, str, list[float], float]], site: str | None = None):
    frames = []
    for channel, segment, contacts, aht in rows:
        c = np.asarray(contacts, dtype=float)
        f = pd.DataFrame(
            {
                "interval_start": INTERVALS[: len(c)],
                "channel": channel,
                "segment": segment,
                "contacts": c,
                "ai_contained": 0.0,
                "escalated": 0.0,
                "human_contacts": c,
                "human_aht_s": aht,
            }
        )
        if site:
            f["site"] = site
        frames.append(f)
    return pd.concat(frames, ignore_index=True)


def test_contract_and_reference_voice_case(tiny_scenario) -> None:
    split = _split([("voice", "open", [100.0] * 8, 180.0)])
    before = split.copy()
    res = staffing_requirements(split, tiny_scenario)
    table = res.table
    check_table(table, REQUIREMENTS, source="requirements")
    pd.testing.assert_frame_equal(split, before)  # input untouched
    ai_room = ("ai_movable_contacts", "ai_sessions_used")  # only with the split's AI bounds
    assert list(table.columns) == [c for c in REQUIREMENTS.names if c not in ai_room]
    skills = tiny_scenario.skill_names()
    assert len(table) == len(INTERVALS) * len(skills)  # complete on the grid
    voice = table[table.skill == "voice_open"]
    # erlang_c_cases.csv C1 inputs with default target 80/20 and occupancy ≤ 85 % → 14
    assert voice.agents_required.tolist() == [14] * 8
    # default shrinkage 30 %: 14 / 0.7 = 20 paid agents
    assert voice.agents_required_gross.to_numpy() == pytest.approx(20.0)
    assert voice.service_level_rate.iloc[0] == pytest.approx(0.8883500191794669, rel=1e-9)
    others = table[table.skill != "voice_open"]
    assert (others.agents_required == 0).all() and (others.contacts == 0).all()
    assert table.agents_required.dtype == np.int64
    assert any("abandoned contacts count as failures" in n for n in res.notes)
    assert any("breaks are placed by the scheduler" in n for n in res.notes)


def test_gross_at_least_net_everywhere(demo_scenario) -> None:
    rng = np.random.default_rng(5)
    rows = [
        (ch, seg.name, list(rng.poisson(30, 8).astype(float)), 240.0)
        for seg in demo_scenario.segments.values()
        for ch in seg.channels
    ]
    res = staffing_requirements(_split(rows, site="lyon"), demo_scenario)
    t = res.table
    assert (t.agents_required_gross >= t.agents_required).all()
    check_table(t, REQUIREMENTS)
    pool = res.tables["pooling"]
    assert set(pool.columns) >= {"agents_required_separate", "agents_required_pooled"}
    assert set(pool.pool) == {"premium", "generalist"}
    sep = t[t.skill.isin(["voice_open", "callback", "chat", "messaging", "email"])]
    gen = pool[pool.pool == "generalist"].set_index("interval_start")
    assert (
        gen.agents_required_separate == sep.groupby("interval_start").agents_required.sum()
    ).all()


def test_strictest_target_of_shared_skill(tiny_dict) -> None:
    d = copy.deepcopy(tiny_dict)
    d["segments"]["premium"]["targets"] = {"voice": {"sl_target_rate": 0.9, "sl_threshold_s": 10}}
    d["skills"] = {"voice": {"channel": "voice", "segments": ["open", "premium"]}}
    d["sites"]["lyon"]["pools"]["all"]["skills"] = ["voice", "chat_open", "email_open"]
    sc = scenario_from_dict(d)
    split = _split([("voice", "open", [60.0] * 8, 180.0), ("voice", "premium", [40.0] * 8, 180.0)])
    res = staffing_requirements(split, sc)
    voice = res.table[res.table.skill == "voice"]
    assert voice.contacts.tolist() == [100.0] * 8
    # staffed to 90 % within 10 s on the pooled 10 Erlang
    assert (voice.service_level_rate >= 0.9).all()
    assert any("strictest" in n for n in res.notes)


def test_deferred_work_meets_deadlines_inside_opening_hours(tiny_dict) -> None:
    sc = scenario_from_dict(tiny_dict)
    intervals = pd.date_range("2026-03-02 00:00", periods=96, freq="30min", tz="UTC")
    contacts = np.where(np.arange(96) % 3 == 0, 20.0, 0.0)
    split = pd.DataFrame(
        {
            "interval_start": intervals,
            "channel": "email",
            "segment": "open",
            "contacts": contacts,
            "ai_contained": 0.0,
            "escalated": 0.0,
            "human_contacts": contacts,
            "human_aht_s": 300.0,
        }
    )
    res = staffing_requirements(split, sc)
    email = res.table[res.table.skill == "email_open"].reset_index(drop=True)
    flags = open_mask(intervals, sc.sites["lyon"], 30)
    assert (email.agents_required[~flags] == 0).all()  # nobody works while closed
    # cumulative capacity covers the cumulative work due at every interval
    due = deadline_index(flags, 30, 24.0)
    work = contacts * 300.0
    cap = np.cumsum(email.agents_required.to_numpy() * 1800.0 * 0.85)
    due_work = np.array([work[(due >= 0) & (due <= t)].sum() for t in range(96)])
    assert (cap + 1e-6 >= due_work).all()
    assert email.asa_s.isna().all()


def test_unknown_site_is_an_input_error(tiny_scenario) -> None:
    split = _split([("voice", "open", [1.0], 180.0)], site="paris")
    with pytest.raises(InputError, match="site 'paris'"):
        staffing_requirements(split, tiny_scenario)


def test_erlang_a_channel_can_staff_below_load(tiny_dict) -> None:
    # Erlang A with 120 s patience, 80/20 and no occupancy cap: 10,000 contacts / 30 min at
    # 180 s = 1,000 Erlang need fewer than 1,000 agents (a peer never goes below the load)
    d = copy.deepcopy(tiny_dict)
    d["channels"]["voice"] = {
        "queue_model": "realtime",
        "realtime_model": "erlang_a",
        "patience_s": 120,
    }
    d["segments"]["open"]["targets"] = {"voice": {"max_occupancy_rate": 1.0}}
    split = _split([("voice", "open", [10_000.0], 180.0)], site="lyon")
    res = staffing_requirements(split, scenario_from_dict(d))
    row = res.table[(res.table.skill == "voice_open")].iloc[0]
    assert row.agents_required < 1_000
    assert row.service_level_rate >= 0.8


def test_empty_split(tiny_scenario) -> None:
    split = _split([("voice", "open", [], 180.0)])
    res = staffing_requirements(split, tiny_scenario)
    assert res.table.empty and list(res.table.columns) == list(REQUIREMENTS.names)


def test_answered_only_convention_is_stated_and_used(tiny_dict) -> None:
    d = copy.deepcopy(tiny_dict)
    d["abandoned_in_sl"] = False
    d["channels"]["voice"] = {
        "queue_model": "realtime",
        "realtime_model": "erlang_a",
        "patience_s": 60,
    }
    sc = scenario_from_dict(d)
    res = staffing_requirements(_split([("voice", "open", [300.0], 180.0)]), sc)
    assert any("abandoned_in_sl = false" in n for n in res.notes)
    assert any("mean time in queue over all arrivals" in n for n in res.notes)
    assert res.figures["abandoned_in_sl"] is False


def test_concurrent_channel_staffed_on_slots(tiny_scenario) -> None:
    # tiny chat: 2 conversations per agent, no slowdown; 120 chats / 30 min at 300 s = 20
    # Erlang of slots → least slots for 80/20 and occupancy ≤ 85 %, halved and rounded up
    from wfm.staffing import erlang_c_search

    res = staffing_requirements(_split([("chat", "open", [120.0], 300.0)]), tiny_scenario)
    chat = res.table[res.table.skill == "chat_open"].iloc[0]
    slots = int(erlang_c_search.agents_for_target(20.0, 300.0, 20.0, 0.8, max_occupancy_rate=0.85))
    assert chat.agents_required == -(-slots // 2)
    assert chat.occupancy_rate == pytest.approx(20.0 / (2 * chat.agents_required))


def test_ai_room_for_the_scheduler(tiny_dict) -> None:
    """Requirements carry the split's optimiser bounds as contacts the schedule may hand to AI."""
    tiny_dict["ai_capacity"] = {"voice": {"max_sessions": 10, "ai_aht_s": 180.0}}
    tiny_dict["segments"]["open"]["ai"] = {"voice": {"escalation_delay_s": 60.0}}
    sc = scenario_from_dict(tiny_dict)
    split = _split([("voice", "open", [100.0, 50.0], 240.0), ("voice", "premium", [40.0], 300.0)])
    split["ai_contained"] = [20.0, 10.0, 0.0]
    split["escalated"] = [10.0, 5.0, 0.0]
    split["human_contacts"] = split["contacts"] - split["ai_contained"]
    # the split's column: the delay averaged over the row's human contacts
    split["escalation_delay_s"] = [10.0 * 60.0 / 80.0, 5.0 * 60.0 / 40.0, 0.0]
    split["ai_max_rate"] = [0.5, 0.1, 0.0]
    table = staffing_requirements(split, sc).table
    first = table[table["interval_start"] == INTERVALS[0]].set_index("skill")
    # open voice: 0.5 × 100 − 20 = 30 more contacts may go to AI; premium none
    assert first.loc["voice_open", "ai_movable_contacts"] == pytest.approx(30.0)
    assert first.loc["voice_premium", "ai_movable_contacts"] == 0.0
    second = table[table["interval_start"] == INTERVALS[1]].set_index("skill")
    # 0.1 × 50 − 10 < 0: nothing more may move
    assert second.loc["voice_open", "ai_movable_contacts"] == 0.0
    # sessions busy on voice: (20 × 180 + 10 × 60) / 1800 s = 2.333..., on every voice row
    assert first.loc["voice_open", "ai_sessions_used"] == pytest.approx(4200.0 / 1800.0)
    assert first.loc["voice_premium", "ai_sessions_used"] == pytest.approx(4200.0 / 1800.0)


def test_ai_sessions_counted_once_as_in_the_split(tiny_dict) -> None:
    """ai_sessions_used equals the split's own AI session count, interval by interval."""
    from wfm.split.stage import split_contacts

    tiny_dict["ai_capacity"] = {"voice": {"max_sessions": 50, "ai_aht_s": 150.0}}
    tiny_dict["segments"]["open"]["ai"] = {
        "voice": {"ai_first_rate": 0.6, "containment_rate": 0.25, "escalation_delay_s": 60.0}
    }
    sc = scenario_from_dict(tiny_dict)
    times = pd.date_range("2026-03-02 07:00", periods=4, freq="30min", tz="UTC")
    forecast = pd.DataFrame(
        {
            "interval_start": np.tile(times, 2),
            "channel": "voice",
            "segment": np.repeat(["open", "premium"], 4),
            "contacts": [120.0, 200.0, 80.0, 0.0, 30.0, 40.0, 20.0, 10.0],
            "aht_s": 240.0,
        }
    )
    split = split_contacts(forecast, sc)
    own = split.tables["ai_capacity"].set_index("interval_start")["sessions_used"]
    # by hand, first interval: 120 × 0.6 = 72 handled, 18 contained, 54 escalated;
    # (18 × 150 + 54 × 60) / 1800 s = 3.3 sessions
    assert own.loc[times[0]] == pytest.approx(3.3)
    table = staffing_requirements(split.table, sc).table
    used = table[table["skill"] == "voice_open"].set_index("interval_start")["ai_sessions_used"]
    for t in times:
        assert used.loc[t] == pytest.approx(own.loc[t], rel=1e-12, abs=1e-12)
