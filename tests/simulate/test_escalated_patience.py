"""Escalated contacts spend the policy's escalation delay of their patience, not an average."""

from __future__ import annotations

import numpy as np
import pytest

from wfm.simulate.model import build_model

from .conftest import single_queue_scenario, single_queue_tables


def test_escalated_contacts_lose_the_whole_escalation_delay() -> None:
    sc = single_queue_scenario(patience_s=120.0)
    split, pool_agents = single_queue_tables(40.0, 180.0, 6, n_int=3)
    # 10 of the 40 human contacts were escalated after 60 s with the AI: the split's column
    # is that delay averaged over the row's human contacts, 10 × 60 / 40 = 15 s
    split["escalated"] = [10.0, 0.0, 40.0]
    split["escalation_delay_s"] = [15.0, 0.0, 60.0]
    model = build_model(split, pool_agents, sc, overflow=None)
    np.testing.assert_allclose(model.row_escalated_rate, [0.25, 0.0, 1.0])
    # per escalated contact: 60 s (and none where nobody was escalated)
    assert model.row_delay_s.tolist() == pytest.approx([60.0, 0.0, 60.0])
