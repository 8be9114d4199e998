"""Pooled vs separate requirement of agent pools."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd

from wfm.core.config import ServiceTarget
from wfm.core.mapping import scenario_from_dict
from wfm.staffing import erlang_c_search
from wfm.staffing.multiskill import POOLING_COLUMNS, pooling_table


def _scenario(tiny_dict: dict):
    d = copy.deepcopy(tiny_dict)
    d["channels"]["callback"] = {"queue_model": "realtime"}
    d["segments"]["open"]["channels"] = ["voice", "chat", "email", "callback"]
    d["sites"]["lyon"]["pools"] = {
        "phones": {"skills": ["voice_open", "callback_open"], "headcount": 20},
        "digital": {"skills": ["chat_open", "email_open"], "headcount": 10},
    }
    return scenario_from_dict(d)


def test_pooling_two_realtime_skills_with_one_target(tiny_dict) -> None:
    sc = _scenario(tiny_dict)
    t0 = pd.Timestamp("2026-03-02 08:00", tz="UTC")
    target = ServiceTarget(max_occupancy_rate=1.0)
    skills = {
        "voice_open": (100.0, 180.0),
        "callback_open": (50.0, 180.0),
        "chat_open": (0.0, 0.0),
        "email_open": (0.0, 0.0),
    }
    rows = []
    for skill, (contacts, aht) in skills.items():
        load = contacts * aht / 1800.0
        n = int(erlang_c_search.agents_for_target(load, aht, 20.0, 0.8)) if contacts else 0
        rows.append(
            {
                "interval_start": t0,
                "site": "lyon",
                "skill": skill,
                "contacts": contacts,
                "aht_s": aht,
                "agents_required": n,
            }
        )
    table = pd.DataFrame(rows)
    targets = dict.fromkeys(skills, target)
    out = pooling_table(table, sc, targets)
    assert tuple(out.columns) == POOLING_COLUMNS
    phones = out[out.pool == "phones"].iloc[0]
    # separately: 10 Erlang → 14 agents (erlang_c_cases.csv C1), 5 Erlang → 8 agents;
    # pooled: 15 Erlang at the same target, fewer agents (square-root staffing)
    separate = 14 + int(erlang_c_search.agents_for_target(5.0, 180.0, 20.0, 0.8))
    pooled = int(erlang_c_search.agents_for_target(15.0, 180.0, 20.0, 0.8))
    assert phones.agents_required_separate == separate
    assert phones.agents_required_pooled == pooled
    assert phones.pooling_gain == separate - pooled > 0
    digital = out[out.pool == "digital"].iloc[0]
    assert digital.agents_required_separate == digital.agents_required_pooled == 0


def test_pooling_gain_never_negative_under_one_target(tiny_dict) -> None:
    sc = _scenario(tiny_dict)
    rng = np.random.default_rng(2)
    t = pd.date_range("2026-03-02 08:00", periods=20, freq="30min", tz="UTC")
    rows = []
    for skill in ("voice_open", "callback_open"):
        contacts = rng.uniform(0, 300, t.size)
        n = erlang_c_search.agents_for_target(contacts * 200 / 1800, 200.0, 20.0, 0.8)
        rows.append(
            pd.DataFrame(
                {
                    "interval_start": t,
                    "site": "lyon",
                    "skill": skill,
                    "contacts": contacts,
                    "aht_s": 200.0,
                    "agents_required": n,
                }
            )
        )
    table = pd.concat(rows, ignore_index=True)
    targets = dict.fromkeys(
        ["voice_open", "callback_open", "chat_open", "email_open"],
        ServiceTarget(max_occupancy_rate=1.0),
    )
    out = pooling_table(table, sc, targets)
    phones = out[out.pool == "phones"]
    assert len(phones) == t.size
    assert (phones.pooling_gain >= 0).all()
