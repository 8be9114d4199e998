"""One queue over many intervals: model registry, targets, empty intervals."""

from __future__ import annotations

import numpy as np
import pytest

from wfm.core.channels import strictest_target
from wfm.core.config import ServiceTarget
from wfm.staffing import erlang_a
from wfm.staffing.queues import queue_requirement


def test_strictest_target_takes_each_strictest_part() -> None:
    t = strictest_target(
        [
            ServiceTarget(sl_target_rate=0.9, sl_threshold_s=30, max_occupancy_rate=0.9),
            ServiceTarget(
                sl_target_rate=0.8, sl_threshold_s=20, asa_target_s=15, max_abandon_rate=0.05
            ),
            ServiceTarget(max_abandon_rate=0.03, max_occupancy_rate=0.8),
        ]
    )
    assert (t.sl_target_rate, t.sl_threshold_s) == (0.9, 20)
    assert (t.asa_target_s, t.max_abandon_rate, t.max_occupancy_rate) == (15, 0.03, 0.8)


def test_reference_case_and_empty_intervals() -> None:
    # erlang_c_cases.csv C1: 100 contacts / 30 min, AHT 180 s, 80/20 → 14 agents
    req = queue_requirement(
        [100.0, 0.0], [180.0, 0.0], interval_min=30, target=ServiceTarget(max_occupancy_rate=1.0)
    )
    assert req.agents_required.tolist() == [14, 0]
    assert req.service_level_rate[0] == pytest.approx(0.8883500191794669, rel=1e-9)
    assert np.isnan(req.service_level_rate[1]) and np.isnan(req.asa_s[1])


def test_erlang_a_through_registry() -> None:
    # erlang_a_cases.csv A1: least N for 80 % within 20 s is 12 with patience 120 s
    req = queue_requirement(
        [100.0],
        [180.0],
        interval_min=30,
        target=ServiceTarget(max_occupancy_rate=1.0),
        realtime_model="erlang_a",
        patience_s=120.0,
    )
    assert req.agents_required.tolist() == [12]
    assert req.abandon_rate[0] == pytest.approx(
        float(erlang_a.abandon_probability(12, 10.0, 180.0, 120.0)), rel=1e-12
    )


def test_unknown_model_and_full_target() -> None:
    with pytest.raises(ValueError, match="unknown realtime_model"):
        queue_requirement(
            [1.0], [60.0], interval_min=30, target=ServiceTarget(), realtime_model="erlang_x"
        )
    req = queue_requirement(
        [100.0],
        [180.0],
        interval_min=30,
        target=ServiceTarget(sl_target_rate=1.0, max_occupancy_rate=1.0),
    )
    assert req.service_level_rate[0] >= 0.9999
