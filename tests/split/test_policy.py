"""Per-series AI policy and the config fields the split adds (validation messages)."""

from __future__ import annotations

import pandas as pd
import pytest

from wfm.core.errors import ConfigError
from wfm.split.policy import series_policy


def test_must_reach_human_keeps_triage_but_no_containment(ai_dict, build):
    sc = build(ai_dict)
    pol = series_policy(
        pd.DataFrame({"channel": ["voice", "voice"], "segment": ["open", "premium"]}), sc
    )
    assert pol.ai_first_rate.tolist() == [0.5, 1.0]
    assert pol.containment_rate.tolist() == [0.4, 0.0]
    assert pol.max_ai_share_rate.tolist() == [1.0, 0.0]
    assert pol.escalation_delay_s.tolist() == [60.0, 30.0]


def test_channel_without_policy_gets_no_ai(ai_dict, build):
    pol = series_policy(pd.DataFrame({"channel": ["email"], "segment": ["open"]}), build(ai_dict))
    assert pol.ai_first_rate.tolist() == [0.0] and pol.ai_allowed.tolist() == [True]
    assert pol.ai_resolution_rate.tolist() == [1.0]


def test_no_ai_channel(ai_dict, build):
    sc = build(ai_dict, {"segments.open.no_ai_channels": ["email"]})
    pol = series_policy(pd.DataFrame({"channel": ["email"], "segment": ["open"]}), sc)
    assert pol.ai_allowed.tolist() == [False]


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (
            "segments.open.no_ai_channels",
            ["chat"],
            "segments.open.ai.chat.ai_first_rate: channel 'chat' is in no_ai_channels",
        ),
        (
            "segments.open.no_ai_channels",
            ["fax"],
            "segments.open.no_ai_channels: unknown channel of this segment 'fax'",
        ),
        (
            "segments.open.ai.chat.min_ai_share_rate",
            0.9,
            "segments.open.ai.chat.min_ai_share_rate: must be ≤ max_ai_share_rate",
        ),
        (
            "segments.open.ai.chat.ai_resolution_rate",
            1.5,
            "segments.open.ai.chat.ai_resolution_rate: must be a fraction in [0, 1]",
        ),
        (
            "split.repeat_delay_profile_rate",
            [0.7, 0.6],
            "split.repeat_delay_profile_rate: shares must sum to at most 1",
        ),
        ("split.backlog_deadline_h", 0, "split.backlog_deadline_h: must be in (0, ∞)"),
    ],
)
def test_config_errors_name_the_key(ai_dict, build, key, value, message):
    if key.endswith("min_ai_share_rate"):
        ai_dict["segments"]["open"]["ai"]["chat"]["max_ai_share_rate"] = 0.5
    with pytest.raises(ConfigError) as err:
        build(ai_dict, {key: value})
    assert message in str(err.value)
