"""simulate_plan: Erlang C / Erlang A agreement, conservation, seeds, routing and policy."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from wfm.core.contract_checks import check_table
from wfm.core.mapping import scenario_from_dict
from wfm.core.schemas import SPLIT
from wfm.simulate import simulate_plan
from wfm.simulate.stage import SIMULATION_COLUMNS

from .conftest import DATA, single_queue_scenario, single_queue_tables

ERLANG_C = pd.read_csv(DATA / "erlang_c_cases.csv")
ERLANG_A = pd.read_csv(DATA / "erlang_a_cases.csv")
TARGET_CONTACTS = 6000  # simulated contacts per replication in the Erlang checks


def _overall(res) -> pd.Series:
    s = res.tables["summary"]
    return s[s["scope"] == "overall"].iloc[0]


def _within(sim: float, half_width: float, ref: float) -> bool:
    return abs(sim - ref) <= half_width


# Erlang C cases: erlang_c_cases.csv (tests/data/simulate/README.md), at N = agents_required.
# Heavy-traffic case C6 (occupancy 0.95) needs far longer runs; it is in the benchmark.
@pytest.mark.parametrize("case", ["C1", "C2", "C3", "C4", "C5"])
def test_single_queue_agrees_with_erlang_c(case):
    row = ERLANG_C.set_index("case_id").loc[case]
    n_int = max(40, int(TARGET_CONTACTS / row["contacts"]))
    sc = single_queue_scenario(
        sl_threshold_s=float(row["sl_threshold_s"]), interval_min=int(row["interval_min"])
    )
    split, agents = single_queue_tables(
        float(row["contacts"]),
        float(row["aht_s"]),
        int(row["agents_required"]),
        n_int,
        int(row["interval_min"]),
    )
    res = simulate_plan(split, agents, sc)
    o = _overall(res)
    assert _within(
        o["service_level_rate"], o["service_level_half_width_rate"], row["service_level_rate"]
    )
    # Erlang C ASA is the mean wait over all arrivals (no abandonment: wait_s)
    assert _within(o["wait_s"], o["wait_half_width_s"], row["asa_s"])
    assert o["abandoned"] == 0.0
    # occupancy: busy agent-time / logged-in agent-time over the loaded intervals
    occ = res.table["occupancy_rate"].iloc[2:n_int].mean()
    assert occ == pytest.approx(row["occupancy_rate"], abs=0.02)


# Erlang A cases: erlang_a_cases.csv; service level and ASA over all arrivals, abandoners
# count as failures (abandoned_in_sl = true), ASA = mean time in queue of all arrivals.
@pytest.mark.parametrize("case", ["A1", "A6", "A3", "A5"])
def test_single_queue_agrees_with_erlang_a(case):
    row = ERLANG_A.set_index("case_id").loc[case]
    n_int = max(40, int(TARGET_CONTACTS / row["contacts"]))
    sc = single_queue_scenario(
        patience_s=float(row["patience_s"]),
        sl_threshold_s=float(row["sl_threshold_s"]),
        interval_min=int(row["interval_min"]),
    )
    split, agents = single_queue_tables(
        float(row["contacts"]), float(row["aht_s"]), int(row["agents"]), n_int
    )
    o = _overall(simulate_plan(split, agents, sc))
    assert _within(
        o["service_level_rate"], o["service_level_half_width_rate"], row["service_level_rate"]
    )
    assert _within(o["abandon_rate"], o["abandon_half_width_rate"], row["abandon_probability"])
    assert _within(o["wait_s"], o["wait_half_width_s"], row["asa_s"])


def test_erlang_a_littles_law_on_the_queue():
    # Little's law on the waiting room of an M/M/N+M queue: abandonments per second =
    # E[queue length] / patience, and E[queue length] = arrivals per second × E[wait], so
    # P(abandon) = E[wait] / patience_s (Gans, Koole, Mandelbaum 2003, sec. 4.2.3).
    sc = single_queue_scenario(patience_s=120.0, replications=6)
    split, agents = single_queue_tables(100.0, 180.0, 11, 80)
    o = _overall(simulate_plan(split, agents, sc))
    assert o["abandon_rate"] == pytest.approx(o["wait_s"] / 120.0, rel=0.05)


def test_conservation_of_contacts():
    sc = single_queue_scenario(patience_s=90.0, replications=3)
    split, agents = single_queue_tables(60.0, 240.0, 6, 12)
    res = simulate_plan(split, agents, sc)
    t = res.table
    assert np.allclose(t["answered"] + t["abandoned"] + t["unserved"], t["contacts"])
    o = _overall(res)
    assert o["contacts"] == pytest.approx(t["contacts"].sum())
    assert o["missed_target_contacts"] <= o["contacts"]


def test_unstaffed_contacts_are_unserved_and_miss_target():
    sc = single_queue_scenario(replications=2)
    split, agents = single_queue_tables(20.0, 180.0, 0, 3)
    res = simulate_plan(split, agents, sc)
    o = _overall(res)
    assert o["answered"] == 0 and o["unserved"] == o["contacts"] > 0
    assert o["service_level_rate"] == 0.0
    assert not res.table["meets_target"].any()
    assert any("3 interval×site×skill rows fall short" in n and "worst" in n for n in res.notes)


def test_same_seed_same_result_other_seed_differs():
    split, agents = single_queue_tables(100.0, 180.0, 14, 6)
    a = simulate_plan(split, agents, single_queue_scenario(seed=5, replications=3))
    b = simulate_plan(split, agents, single_queue_scenario(seed=5, replications=3))
    c = simulate_plan(split, agents, single_queue_scenario(seed=6, replications=3))
    pd.testing.assert_frame_equal(a.table, b.table)
    pd.testing.assert_frame_equal(a.tables["summary"], b.tables["summary"])
    assert not a.table["contacts"].equals(c.table["contacts"])


def test_replication_r_does_not_depend_on_the_number_of_replications():
    split, agents = single_queue_tables(100.0, 180.0, 14, 4)
    one = simulate_plan(split, agents, single_queue_scenario(seed=5, replications=1))
    three = simulate_plan(split, agents, single_queue_scenario(seed=5, replications=3))
    r1, r3 = one.tables["replications"], three.tables["replications"]
    assert len(r1) == 1 and len(r3) == 3
    pd.testing.assert_series_equal(r1.iloc[0], r3.iloc[0])
    assert r3["contacts"].nunique() > 1


def test_inputs_are_not_mutated_and_table_is_keyed():
    split, agents = single_queue_tables(50.0, 180.0, 8, 4)
    before_s, before_a = split.copy(), agents.copy()
    res = simulate_plan(split, agents, single_queue_scenario(replications=2))
    pd.testing.assert_frame_equal(split, before_s)
    pd.testing.assert_frame_equal(agents, before_a)
    check_table(split, SPLIT)
    assert tuple(res.table.columns) == SIMULATION_COLUMNS
    assert not res.table.duplicated(["interval_start", "site", "skill"]).any()
    assert str(res.table["interval_start"].dtype) == "datetime64[ns, UTC]"


def test_notes_state_the_service_level_convention():
    split, agents = single_queue_tables(50.0, 180.0, 8, 2)
    with_ab = simulate_plan(split, agents, single_queue_scenario(replications=2))
    without = simulate_plan(
        split, agents, single_queue_scenario(replications=2, abandoned_in_sl=False)
    )
    assert any("count in the service-level denominator" in n for n in with_ab.notes)
    assert any("left out of the service-level denominator" in n for n in without.notes)
    assert any("Poisson" in n and "exponential" in n for n in with_ab.notes)


def test_abandoned_out_of_denominator_raises_service_level():
    split, agents = single_queue_tables(100.0, 180.0, 9, 20)
    a = _overall(simulate_plan(split, agents, single_queue_scenario(patience_s=60.0)))
    b = _overall(
        simulate_plan(split, agents, single_queue_scenario(patience_s=60.0, abandoned_in_sl=False))
    )
    assert a["abandoned"] == b["abandoned"] > 0  # same draws
    assert b["service_level_rate"] > a["service_level_rate"]


def test_more_agents_better_service():
    split, a8 = single_queue_tables(100.0, 180.0, 11, 20)
    a14 = a8.assign(agents=14)
    sc = single_queue_scenario(replications=4)
    low, high = _overall(simulate_plan(split, a8, sc)), _overall(simulate_plan(split, a14, sc))
    assert high["service_level_rate"] > low["service_level_rate"]
    assert high["wait_s"] < low["wait_s"]


# -- multi-site scenario: routing, overflow, concurrency, deferred work, shrinkage ---------
MULTI = {
    "name": "multi",
    "interval_min": 30,
    "seed": 4,
    "channels": {
        "voice": {"queue_model": "realtime", "realtime_model": "erlang_a", "patience_s": 200},
        "chat": {"queue_model": "concurrent", "max_concurrency": 3, "concurrency_aht_factor": 0.2},
        "email": {"queue_model": "deferred", "deadline_h": 2},
    },
    "segments": {
        "premium": {"channels": ["voice"], "onshore_only": True, "in_house_only": True},
        "open": {
            "channels": ["voice", "chat", "email"],
            "targets": {"voice": {"sl_target_rate": 0.8, "sl_threshold_s": 20}},
        },
    },
    "regions": {"fr": {"onshore": True}, "mg": {"onshore": False}},
    "overflow": {"pairs": [["fr", "mg"]], "max_overflow_rate": 0.5},
    "skills": {
        "voice": {"channel": "voice", "segments": ["premium", "open"]},
        "chat": {"channel": "chat", "segments": ["open"]},
        "email": {"channel": "email", "segments": ["open"]},
    },
    "sites": {
        "lyon": {
            "region": "fr",
            "tz": "Europe/Paris",
            "pools": {"all": {"skills": ["voice", "chat", "email"], "headcount": 50}},
        },
        "tunis": {
            "region": "mg",
            "tz": "Africa/Tunis",
            "outsourced": True,
            "pools": {"all": {"skills": ["voice", "chat", "email"], "headcount": 50}},
        },
    },
    "shrinkage": {"default_rate": 0.0},
    "simulation": {"replications": 3, "shrinkage_draw": "none"},
}


def _multi(**sim) -> object:
    d = copy.deepcopy(MULTI)
    d["simulation"].update(sim)
    return scenario_from_dict(d)


def _multi_tables(n_int: int = 6, lyon_agents: float = 10, tunis_agents: float = 10):
    t = pd.date_range("2026-03-02 08:00", periods=n_int, freq="30min", tz="UTC")
    rows = []
    for ts in t:
        for ch, seg, c, aht in (
            ("voice", "premium", 20.0, 200.0),
            ("voice", "open", 60.0, 180.0),
            ("chat", "open", 40.0, 300.0),
            ("email", "open", 30.0, 240.0),
        ):
            rows.append(
                dict(
                    interval_start=ts,
                    channel=ch,
                    segment=seg,
                    site="lyon",
                    contacts=c,
                    ai_contained=0.0,
                    escalated=0.0,
                    human_contacts=c,
                    human_aht_s=aht,
                )
            )
    split = pd.DataFrame(rows)
    tt = pd.date_range("2026-03-02 08:00", periods=n_int + 6, freq="30min", tz="UTC")
    agents = pd.concat(
        [
            pd.DataFrame(
                {"interval_start": tt, "site": "lyon", "pool": "all", "agents": lyon_agents}
            ),
            pd.DataFrame(
                {"interval_start": tt, "site": "tunis", "pool": "all", "agents": tunis_agents}
            ),
        ],
        ignore_index=True,
    )
    return split, agents


def test_overflow_share_moves_only_allowed_segments():
    split, agents = _multi_tables()
    ov = pd.DataFrame(
        {
            "interval_start": split["interval_start"].unique(),
            "skill": "voice",
            "from_site": "lyon",
            "to_site": "tunis",
            "contacts": 30.0,  # half of the 60 open voice contacts (premium may not leave)
        }
    )
    res = simulate_plan(split, agents, _multi(), overflow=ov)
    s = res.tables["summary"].set_index(["scope", "name"])
    assert s.loc[("segment", "premium"), "overflow_out_contacts"] == 0.0
    moved = s.loc[("segment", "open"), "overflow_out_contacts"]
    open_voice = res.table[res.table["skill"] == "voice"]["contacts"].sum() * 60 / 80
    assert moved == pytest.approx(open_voice / 2, rel=0.15)
    # Tunis agents were busy with the moved contacts
    pools = res.tables["pool_occupancy"]
    assert pools[pools["site"] == "tunis"]["occupancy_rate"].mean() > 0.05


def test_overflow_after_wait_never_takes_premium_offshore():
    split, agents = _multi_tables(lyon_agents=4, tunis_agents=20)
    res = simulate_plan(split, agents, _multi(overflow_wait_s=10.0))
    s = res.tables["summary"].set_index(["scope", "name"])
    assert s.loc[("segment", "premium"), "overflow_out_contacts"] == 0.0
    assert s.loc[("segment", "open"), "overflow_out_contacts"] > 0.0
    no_wait = simulate_plan(split, agents, _multi())
    s0 = no_wait.tables["summary"].set_index(["scope", "name"])
    assert s0.loc[("segment", "open"), "overflow_out_contacts"] == 0.0
    assert (
        s.loc[("segment", "open"), "service_level_rate"]
        > s0.loc[("segment", "open"), "service_level_rate"]
    )


def test_deferred_backlog_and_deadline():
    split, agents = _multi_tables(lyon_agents=3, tunis_agents=0)
    res = simulate_plan(split, agents, _multi())
    email = res.table[res.table["skill"] == "email"]
    # understaffed: voice and chat come first, email piles up and ages
    assert email["backlog_contacts"].iloc[-1] > email["backlog_contacts"].iloc[0]
    assert email["backlog_age_s"].max() > 0
    assert (
        res.tables["summary"].set_index(["scope", "name"]).loc[("channel", "email"), "unserved"]
        >= 0
    )


def test_shrinkage_expected_removes_agents():
    split, agents = _multi_tables(lyon_agents=10, tunis_agents=10)
    d = copy.deepcopy(MULTI)
    d["shrinkage"] = {"default_rate": 0.3}
    d["simulation"]["shrinkage_draw"] = "expected"
    res = simulate_plan(split, agents, scenario_from_dict(d))
    pools = res.tables["pool_occupancy"]
    assert (pools["agents_available"] == 7).all()  # round(10 × 0.7)
    d["simulation"]["shrinkage_draw"] = "binomial"
    pools = simulate_plan(split, agents, scenario_from_dict(d)).tables["pool_occupancy"]
    assert pools["agents_available"].mean() == pytest.approx(7, abs=0.8)
    assert (pools["agents_available"] <= pools["agents_scheduled"]).all()


def test_every_row_of_the_split_is_reported_per_site_and_skill():
    split, agents = _multi_tables(n_int=3)
    res = simulate_plan(split, agents, _multi())
    got = set(zip(res.table["interval_start"], res.table["site"], res.table["skill"], strict=True))
    want = {(t, "lyon", k) for t in split["interval_start"] for k in ("voice", "chat", "email")}
    assert got == want
    voice = res.table[res.table["skill"] == "voice"]
    # contact-weighted target of premium (0.80 default) and open (0.80)
    assert np.allclose(voice["sl_target_rate"], 0.8)


def test_summary_by_segment_and_channel_adds_up():
    split, agents = _multi_tables(lyon_agents=6, tunis_agents=0)
    s = simulate_plan(split, agents, _multi()).tables["summary"]
    seg = s[s["scope"] == "segment"].set_index("name")
    pairs = s[s["scope"] == "segment_channel"]
    assert set(pairs["name"]) == {"premium.voice", "open.voice", "open.chat", "open.email"}
    for col in ("contacts", "missed_target_contacts", "abandoned"):
        by_pair = pairs.assign(seg=pairs["name"].str.split(".").str[0]).groupby("seg")[col].sum()
        assert np.allclose(by_pair.sort_index(), seg[col].sort_index())
    overall = s[s["scope"] == "overall"].iloc[0]
    assert overall["contacts"] == pytest.approx(seg["contacts"].sum())


@pytest.mark.parametrize(
    ("key", "value", "match"),
    [
        ("shrinkage_draw", "poisson", "shrinkage_draw"),
        ("overflow_wait_s", -1.0, "overflow_wait_s"),
        ("level_rate", 1.0, "level_rate"),
        ("service_time", "gamma", "service_time"),
    ],
)
def test_simulation_config_is_validated_with_key_path(key, value, match):
    from wfm.core.errors import ConfigError

    d = copy.deepcopy(MULTI)
    d["simulation"][key] = value
    with pytest.raises(ConfigError, match=match) as err:
        scenario_from_dict(d)
    assert "simulation" in str(err.value)
