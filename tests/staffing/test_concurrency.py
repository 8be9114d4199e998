"""Concurrent channels: slots per agent and stretched handle time."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from wfm.core.config import ServiceTarget
from wfm.staffing import concurrency, erlang, erlang_c_search
from wfm.staffing.queues import queue_requirement


def test_slot_handle_time() -> None:
    # 300 s alone, 3 at once, +15 % per extra conversation → 300 · 1.3 = 390 s
    assert float(concurrency.slot_aht_s(300.0, 3, 0.15)) == pytest.approx(390.0)
    assert float(concurrency.slot_aht_s(300.0, 1, 0.5)) == 300.0


def test_agents_round_slots_up() -> None:
    assert concurrency.agents_from_slots([0, 1, 3, 4, 7], 3).tolist() == [0, 1, 1, 2, 3]
    assert concurrency.slots_of_agents([2, 5], 2).tolist() == [4, 10]


def test_requirement_is_erlang_c_on_slots() -> None:
    # 200 chats / 30 min, 300 s alone, 2 at once with +10 %: slot AHT 330 s, load 36.67
    target = ServiceTarget(sl_target_rate=0.8, sl_threshold_s=60.0, max_occupancy_rate=0.9)
    req = queue_requirement(
        [200.0],
        [300.0],
        interval_min=30,
        target=target,
        max_concurrency=2,
        concurrency_aht_factor=0.1,
    )
    load = 200 * 330.0 / 1800.0
    slots = int(erlang_c_search.agents_for_target(load, 330.0, 60.0, 0.8, max_occupancy_rate=0.9))
    assert int(req.agents_required[0]) == -(-slots // 2)
    n = 2 * int(req.agents_required[0])
    assert float(req.service_level_rate[0]) == pytest.approx(
        float(erlang.service_level(n, load, 330.0, 60.0)), rel=1e-12
    )


@settings(max_examples=30, deadline=None)
@given(contacts=st.floats(min_value=1.0, max_value=2_000.0), k=st.integers(2, 5))
def test_concurrency_without_slowdown_needs_fewer_agents(contacts: float, k: int) -> None:
    target = ServiceTarget()
    one = queue_requirement([contacts], [240.0], interval_min=30, target=target)
    many = queue_requirement(
        [contacts],
        [240.0],
        interval_min=30,
        target=target,
        max_concurrency=k,
        concurrency_aht_factor=0.0,
    )
    assert many.agents_required[0] <= one.agents_required[0]
    assert np.all(many.service_level_rate >= 0.8)
