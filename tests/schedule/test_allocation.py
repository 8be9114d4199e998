"""The schedule's allocation table: each pool's on-queue agents split over its skills."""

from __future__ import annotations

import copy
import datetime as dt

import numpy as np
import pytest

from wfm.core.contract_checks import check_table
from wfm.core.routing import ALLOCATION
from wfm.schedule import schedule_shifts

from .conftest import make_requirements

DAY = dt.date(2026, 1, 13)  # a Tuesday


def test_allocation_adds_up_to_pool_agents_and_coverage(two_sites, build):
    d = copy.deepcopy(two_sites)
    # a shared skill: both Lyon pools may answer callbacks
    d["channels"]["callback"] = {"queue_model": "realtime"}
    d["segments"]["open"]["channels"] = ["voice", "callback"]
    d["skills"]["callback"] = {"channel": "callback", "segments": ["open"]}
    pools = d["sites"]["lyon"]["pools"]
    pools["premium"]["skills"] = ["voice_premium", "callback"]
    pools["generalist"]["skills"] = ["voice_open", "callback"]
    pools["generalist"]["proficiency"] = {"callback": 0.8}
    sc = build(d)
    req = make_requirements(
        sc, "lyon", {"voice_premium": 150, "voice_open": 400, "callback": 200}, DAY
    )
    res = schedule_shifts(req, sc)
    alloc = res.tables["allocation"]
    check_table(alloc, ALLOCATION, source="allocation")
    assert list(alloc.columns) == list(ALLOCATION.names)
    assert (alloc["agents"] > 0).all()
    # a pool's allocations add up to its on-queue agents in every interval
    per_pool = alloc.groupby(["interval_start", "site", "pool"])["agents"].sum()
    pa = res.tables["pool_agents"].set_index(["interval_start", "site", "pool"])["agents"]
    pa = pa[pa > 1e-6]
    assert per_pool.reindex(pa.index).to_numpy() == pytest.approx(pa.to_numpy(), abs=1e-6)
    # weighted by proficiency, they are the coverage's scheduled agents per skill
    prof = np.where((alloc["pool"] == "generalist") & (alloc["skill"] == "callback"), 0.8, 1.0)
    per_skill = (
        alloc.assign(w=alloc["agents"] * prof)
        .groupby(["interval_start", "site", "skill"])["w"]
        .sum()
    )
    cov = res.tables["coverage"].set_index(["interval_start", "site", "skill"])
    assert per_skill.to_numpy() == pytest.approx(
        cov.loc[per_skill.index, "agents_scheduled"].to_numpy(), abs=1e-6
    )
    assert set(alloc["skill"]) >= {"voice_premium", "voice_open", "callback"}
