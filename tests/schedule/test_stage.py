"""schedule_shifts end to end on small cases: costs, invariants, overflow, errors."""

from __future__ import annotations

import copy
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from wfm.core.contract_checks import check_table
from wfm.core.errors import InfeasibleError
from wfm.core.schemas import COVERAGE, OVERFLOW, POOL_AGENTS, SCHEDULE
from wfm.schedule import schedule_shifts

from .conftest import make_requirements

DAY = dt.date(2026, 1, 13)  # a Tuesday


def _single_site(two_sites: dict) -> dict:
    d = copy.deepcopy(two_sites)
    d["sites"] = {"lyon": d["sites"]["lyon"]}
    d["regions"] = {"france": {"onshore": True}}
    d["overflow"] = {}
    d["shifts"]["breaks"] = []
    d["shifts"]["min_rest_h"] = 0
    return d


def _flat_requirement(
    site: str, skill: str, local_hours_need: dict[int, float], tz: str = "Europe/Paris"
) -> pd.DataFrame:
    grid = pd.date_range(pd.Timestamp(DAY, tz=tz), periods=24, freq="60min").tz_convert("UTC")
    hours = grid.tz_convert(tz).hour
    need = np.array([local_hours_need.get(h, 0.0) for h in hours])
    return pd.DataFrame(
        {
            "interval_start": grid,
            "site": site,
            "skill": skill,
            "contacts": need * 10,
            "aht_s": 300.0,
            "agents_required": need.astype(np.int64),
            "agents_required_gross": need,
            "service_level_rate": np.nan,
            "asa_s": np.nan,
            "occupancy_rate": np.nan,
        }
    )


def test_single_site_covering_at_least_cost(two_sites, build):
    # need 2 agents 08–16 and 1 agent 16–20 (local): the cheapest cover is two 8 h shifts
    # at 08:00 and one 4 h shift at 16:00 = 20 paid hours × 34 EUR = 680 EUR (by hand)
    sc = build(_single_site(two_sites))
    need = {h: 2.0 for h in range(8, 16)} | {h: 1.0 for h in range(16, 20)}
    res = schedule_shifts(_flat_requirement("lyon", "voice_open", need), sc)
    assert res.solve.status == "OPTIMAL"
    assert res.solve.objective == pytest.approx(680.0)
    sched = res.table
    got = sorted(
        zip(sched["shift_start_local"], sched["shift_length_min"], sched["agents"], strict=True)
    )
    assert got == [("08:00", 480, 2), ("16:00", 240, 1)]
    assert res.figures["shortfall_agent_h"] == pytest.approx(0.0)


def test_outputs_meet_their_schemas(two_sites, build):
    sc = build(two_sites)
    req = make_requirements(sc, "lyon", {"voice_open": 900, "voice_premium": 300}, DAY)
    res = schedule_shifts(req, sc)
    check_table(res.table, SCHEDULE)
    check_table(res.tables["coverage"], COVERAGE)
    check_table(res.tables["overflow"], OVERFLOW)
    check_table(res.tables["pool_agents"], POOL_AGENTS)
    cost = res.tables["cost"]
    total = cost.loc[cost["item"] == "total", "cost"].iloc[0]
    assert total == pytest.approx(res.solve.objective, rel=1e-6)
    s = res.solve
    assert s.best_bound <= s.objective + 1e-6
    assert 0.0 <= s.gap_rate <= 1.0
    assert s.detail["lp_bound"] == pytest.approx(s.best_bound)
    assert s.seed == 3 and s.num_workers == 1


def test_coverage_meets_requirement_where_no_shortfall(two_sites, build):
    sc = build(two_sites)
    req = make_requirements(sc, "lyon", {"voice_open": 900, "voice_premium": 300}, DAY)
    cov = schedule_shifts(req, sc).tables["coverage"]
    ok = cov["shortfall_agents"] <= 1e-9
    assert ok.any()
    assert (cov.loc[ok, "agents_scheduled"] >= cov.loc[ok, "agents_required"] - 1e-6).all()
    # and wherever coverage falls short, the shortfall is reported, never hidden
    short = cov["agents_gap"] < -1e-6
    assert (cov.loc[short, "shortfall_agents"] > 0).all()


def test_overflow_respects_caps_and_policy(two_sites, build):
    two_sites["sites"]["lyon"]["pools"]["generalist"]["headcount"] = 6
    sc = build(two_sites)
    req = make_requirements(sc, "lyon", {"voice_open": 1400, "voice_premium": 300}, DAY)
    res = schedule_shifts(req, sc)
    flows = res.tables["overflow"]
    assert len(flows) > 0  # scarce Lyon generalists: cheap Tunis takes some contacts
    assert set(flows["skill"]) == {"voice_open"}  # premium never leaves France
    assert set(flows["to_site"]) == {"tunis"}
    merged = flows.merge(
        req[["interval_start", "site", "skill", "contacts"]],
        left_on=["interval_start", "from_site", "skill"],
        right_on=["interval_start", "site", "skill"],
    )
    assert (merged["contacts_x"] <= 0.25 * merged["contacts_y"] + 1e-6).all()
    cov = res.tables["coverage"]
    tunis_in = cov.loc[cov["site"] == "tunis", "overflow_in_contacts"].sum()
    assert tunis_in == pytest.approx(flows["contacts"].sum())


def test_stay_in_region_never_leaves(two_sites, build):
    two_sites["segments"]["open"]["stay_in_region"] = True
    two_sites["sites"]["lyon"]["pools"]["generalist"]["headcount"] = 6
    sc = build(two_sites)
    req = make_requirements(sc, "lyon", {"voice_open": 1400}, DAY)
    res = schedule_shifts(req, sc)
    assert res.tables["overflow"].empty
    assert res.figures["shortfall_agent_h"] > 0
    assert any("shortfall" in n for n in res.notes)


def test_breaks_inside_their_windows(two_sites, build):
    sc = build(two_sites)
    req = make_requirements(sc, "lyon", {"voice_open": 1200, "voice_premium": 300}, DAY)
    sched = schedule_shifts(req, sc).table
    rule = sc.shifts.breaks[0]
    eight = sched[sched["shift_length_min"] == 480]
    assert len(eight) > 0
    for start, brk in zip(eight["shift_start_local"], eight["breaks"], strict=True):
        b_start, b_len = brk.split("+")
        off = _minutes(b_start) - _minutes(start)
        assert rule.earliest_after_min <= off <= rule.latest_after_min
        assert int(b_len) == rule.length_min
    assert (sched.loc[sched["shift_length_min"] == 240, "breaks"] == "").all()


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def test_headcount_caps_each_pool_and_day(two_sites, build):
    two_sites["sites"]["lyon"]["pools"]["premium"]["headcount"] = 3
    sc = build(two_sites)
    req = make_requirements(sc, "lyon", {"voice_premium": 800}, DAY)
    res = schedule_shifts(req, sc)
    per = res.table.groupby(["site", "pool", "local_date"])["agents"].sum()
    assert per.loc[("lyon", "premium")].max() <= 3
    assert res.figures["shortfall_agent_h"] > 0


def test_pool_agents_match_schedule(two_sites, build):
    sc = build(two_sites)
    req = make_requirements(sc, "lyon", {"voice_open": 900}, DAY)
    res = schedule_shifts(req, sc)
    pa = res.tables["pool_agents"]
    paid_on_queue_h = pa["agents"].sum() * sc.interval_min / 60
    sched = res.table
    # on-queue hours = paid hours − unpaid breaks (all breaks here are unpaid, 60 min)
    expected = (
        (sched["shift_length_min"] - sched["breaks"].ne("").astype(int) * 60) * sched["agents"]
    ).sum() / 60
    assert paid_on_queue_h == pytest.approx(expected)


def test_same_seed_and_workers_same_schedule(two_sites, build):
    sc = build(two_sites)
    req = make_requirements(sc, "lyon", {"voice_open": 1100, "voice_premium": 250}, DAY)
    a, b = schedule_shifts(req, sc), schedule_shifts(req, sc)
    pd.testing.assert_frame_equal(a.table, b.table)
    pd.testing.assert_frame_equal(a.tables["overflow"], b.tables["overflow"])


def test_input_not_mutated(two_sites, build):
    sc = build(two_sites)
    req = make_requirements(sc, "lyon", {"voice_open": 600}, DAY)
    before = req.copy()
    schedule_shifts(req, sc)
    pd.testing.assert_frame_equal(req, before)


def test_minimum_on_queue_above_headcount_is_infeasible(two_sites, build):
    two_sites["shifts"]["min_agents_on_queue"] = 40
    two_sites["sites"]["tunis"]["pools"]["voice"]["headcount"] = 10
    sc = build(two_sites)
    req = make_requirements(sc, "lyon", {"voice_open": 600}, DAY)
    with pytest.raises(InfeasibleError, match=r"min_agents_on_queue.*'tunis'.*10 agents"):
        schedule_shifts(req, sc)


def test_minimum_on_queue_without_covering_template_is_infeasible(two_sites, build):
    two_sites["shifts"]["min_agents_on_queue"] = 1
    two_sites["shifts"]["earliest_start_local"] = "09:00"
    two_sites["shifts"]["latest_end_local"] = "19:00"
    sc = build(two_sites)
    req = make_requirements(sc, "lyon", {"voice_open": 600}, DAY)
    with pytest.raises(InfeasibleError, match=r"min_agents_on_queue.*no shift template covers"):
        schedule_shifts(req, sc)


def test_min_agents_held_every_open_interval(two_sites, build):
    two_sites["shifts"]["min_agents_on_queue"] = 2
    sc = build(two_sites)
    req = make_requirements(sc, "lyon", {"voice_open": 300}, DAY)
    pa = schedule_shifts(req, sc).tables["pool_agents"]
    from wfm.core.calendar import open_mask

    for site, cfg in sc.sites.items():
        per = pa[pa["site"] == site].groupby("interval_start")["agents"].sum()
        mask = open_mask(per.index, cfg, sc.interval_min)
        assert (per[mask] >= 2 - 1e-9).all()


def test_night_shift_across_fall_back_in_schedule(two_sites, build):
    d = _single_site(two_sites)
    d["sites"]["lyon"]["hours"] = {
        k: "00:00-24:00" for k in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    }
    d["shifts"].update(
        earliest_start_local="22:00", latest_end_local="06:00", lengths_min=[480], start_step_min=60
    )
    sc = build(d)
    # one agent needed 22:00 on 2026-10-24 for 8 elapsed hours (through the clock change)
    grid = pd.date_range("2026-10-24T20:00Z", periods=8, freq="60min")
    req = pd.DataFrame(
        {
            "interval_start": grid,
            "site": "lyon",
            "skill": "voice_open",
            "contacts": 10.0,
            "aht_s": 300.0,
            "agents_required": 1,
            "agents_required_gross": 1.0,
            "service_level_rate": np.nan,
            "asa_s": np.nan,
            "occupancy_rate": np.nan,
        }
    )
    res = schedule_shifts(req, sc)
    assert res.figures["shortfall_agent_h"] == pytest.approx(0.0)
    row = res.table.iloc[0]
    assert (row["local_date"], row["shift_start_local"], row["agents"]) == (
        "2026-10-24",
        "22:00",
        1,
    )
    assert res.solve.objective == pytest.approx(8 * 34.0)


def _ai_case(two_sites, build, cost_per_ai_contact: float):
    two_sites["segments"]["open"]["ai"] = {
        "voice": {
            "ai_first_rate": 0.5,
            "containment_rate": 0.3,
            "cost_per_ai_contact": cost_per_ai_contact,
        }
    }
    two_sites["segments"]["premium"]["must_reach_human"] = True
    two_sites["ai_capacity"] = {"voice": {"max_sessions": 2, "ai_aht_s": 300}}
    two_sites["overflow"] = {}
    sc = build(two_sites)
    req = make_requirements(sc, "lyon", {"voice_open": 900, "voice_premium": 300}, DAY)
    req["ai_movable_contacts"] = 0.3 * req["contacts"]
    return req, schedule_shifts(req, sc)


def test_cheap_ai_takes_contacts_within_bounds_and_capacity(two_sites, build):
    req, res = _ai_case(two_sites, build, cost_per_ai_contact=0.05)
    cov = res.tables["coverage"].merge(
        req[["interval_start", "site", "skill", "ai_movable_contacts"]],
        on=["interval_start", "site", "skill"],
    )
    assert cov["ai_moved_contacts"].sum() > 0
    assert (cov["ai_moved_contacts"] <= cov["ai_movable_contacts"] + 1e-6).all()
    # must_reach_human: premium contacts never go to AI
    assert cov.loc[cov["skill"] == "voice_premium", "ai_moved_contacts"].sum() == 0
    # capacity: 2 sessions × 3600 s / 300 s = 24 contacts per hour at most
    per_hour = cov.groupby("interval_start")["ai_moved_contacts"].sum()
    assert (per_hour <= 24 + 1e-6).all()
    cost = res.tables["cost"]
    ai_cost = cost.loc[cost["item"] == "ai", "cost"].sum()
    assert ai_cost == pytest.approx(0.05 * cov["ai_moved_contacts"].sum())


def test_dear_ai_takes_nothing(two_sites, build):
    _, res = _ai_case(two_sites, build, cost_per_ai_contact=500.0)
    assert res.tables["coverage"]["ai_moved_contacts"].sum() == pytest.approx(0.0)


@pytest.mark.parametrize("solver", ["cbc", "scip"])
def test_mip_method_reaches_the_same_optimum(two_sites, build, solver):
    d = _single_site(two_sites)
    d["solver"].update(method="mip", solver=solver)
    sc = build(d)
    need = {h: 2.0 for h in range(8, 16)} | {h: 1.0 for h in range(16, 20)}
    res = schedule_shifts(_flat_requirement("lyon", "voice_open", need), sc)
    assert res.solve.objective == pytest.approx(680.0)  # hand optimum, as above
    assert res.solve.solver == solver.upper()
    assert res.solve.status == "OPTIMAL"
