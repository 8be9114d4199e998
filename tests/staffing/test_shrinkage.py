"""Net ↔ gross agents."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

from wfm.staffing import shrinkage


@pytest.mark.parametrize(
    ("net", "rate", "scheduled"),
    [
        (17, 0.3, 25),  # published_erlang_values.csv B4: ceil(17 / 0.7), pyworkforce tests
        (14, 0.3, 20),  # C5: ceil(14 / 0.7)
        (15, 0.3, 22),  # C9: ceil(15 / 0.7)
    ],
)
def test_published_scheduled_positions(net: int, rate: float, scheduled: int) -> None:
    gross = float(shrinkage.gross_agents(net, rate))
    assert math.ceil(gross - 1e-9) == scheduled


@given(
    net=st.floats(min_value=0.0, max_value=1e5),
    rate=st.floats(min_value=0.0, max_value=0.95),
)
def test_gross_at_least_net_and_round_trip(net: float, rate: float) -> None:
    gross = shrinkage.gross_agents(net, rate)
    assert gross >= net
    assert float(shrinkage.net_agents(gross, rate)) == pytest.approx(net, rel=1e-12, abs=1e-12)


def test_rejects_full_shrinkage() -> None:
    with pytest.raises(ValueError):
        shrinkage.gross_agents(np.array([3.0]), 1.0)
