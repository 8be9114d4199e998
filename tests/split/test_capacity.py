"""AI session capacity: hold time and accepted share (hand-computed values)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, strategies as st

from wfm.split.capacity import accepted_rate, session_hold_s


def test_session_hold_mixes_contained_and_escalated_time():
    # 25 % contained for 150 s, 75 % escalated after 60 s: 37.5 + 45 = 82.5 s
    assert float(session_hold_s(0.25, 150.0, 60.0)) == pytest.approx(82.5)
    np.testing.assert_allclose(session_hold_s(np.array([0.0, 1.0]), 100.0, 30.0), [30.0, 100.0])


def test_accepted_rate_values():
    # 60 sessions × 1800 s = 108 000 s; 144 000 s offered → 0.75 accepted
    np.testing.assert_allclose(
        accepted_rate(np.array([144_000.0, 108_000.0, 0.0]), 108_000.0), [0.75, 1.0, 1.0]
    )
    # no sessions at all: nothing offered is accepted
    assert accepted_rate(np.array([5.0]), 0.0).tolist() == [0.0]


@given(
    st.lists(st.floats(0, 1e7, allow_subnormal=False), min_size=1, max_size=20),
    st.one_of(st.just(0.0), st.floats(1e-3, 1e6)),
)
def test_accepted_load_never_exceeds_capacity(loads, capacity):
    load = np.array(loads)
    f = accepted_rate(load, capacity)
    assert ((f >= 0) & (f <= 1)).all()
    used = f * load
    assert (used <= np.maximum(capacity, 0) * (1 + 1e-12) + 1e-9).all()
    # binding exactly at the limit when over it
    over = load > capacity
    np.testing.assert_allclose(used[over], capacity, rtol=1e-12)
