"""Out-of-hours backlog moves: destinations, deadline spread, cyclic wrap, conservation."""

from __future__ import annotations

import numpy as np
from hypothesis import given, strategies as st

from wfm.split.backlog import backlog_moves, move_backlog


def test_closed_spell_goes_to_next_opening_within_deadline():
    # closed 0-1, open 2-5, closed 6-7; deadline 3 intervals
    mask = np.array([0, 0, 1, 1, 1, 1, 0, 0], dtype=bool)
    m = backlog_moves(mask, 3)
    out = np.zeros((1, 8))
    out[0, [0, 1, 6, 7]] = [3.0, 6.0, 9.0, 12.0]
    got = move_backlog(out, m)
    # everything (30) lands on intervals 2, 3, 4 in equal thirds; 6 and 7 wrap round
    np.testing.assert_allclose(got[0], [0, 0, 10, 10, 10, 0, 0, 0])
    assert set(m.dst[m.wrapped].tolist()) == {2, 3, 4}
    assert set(m.src[m.wrapped].tolist()) == {6, 7}


def test_deadline_longer_than_opening_uses_every_open_interval():
    m = backlog_moves(np.array([True, False, True]), 10)
    np.testing.assert_allclose(move_backlog(np.array([[0.0, 4.0, 0.0]]), m), [[2.0, 0.0, 2.0]])


def test_never_open_is_stranded_and_always_open_moves_nothing():
    assert backlog_moves(np.zeros(4, dtype=bool), 2).stranded
    m = backlog_moves(np.ones(4, dtype=bool), 2)
    assert not m.stranded and len(m.src) == 0


@given(st.lists(st.booleans(), min_size=1, max_size=60), st.integers(1, 8), st.integers(0, 2**16))
def test_moves_conserve_contacts(mask, deadline, seed):
    mask = np.array(mask)
    m = backlog_moves(mask, deadline)
    out = np.random.default_rng(seed).uniform(0, 10, (3, len(mask))) * ~mask
    got = move_backlog(out, m)
    if mask.any():
        np.testing.assert_allclose(got.sum(axis=1), out.sum(axis=1), rtol=1e-12)
        assert (got[:, ~mask] == 0).all()  # only open intervals receive backlog
