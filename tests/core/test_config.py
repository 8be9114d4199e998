"""Scenario configuration: valid files load, every error names its key path."""

from __future__ import annotations

import pytest

from wfm.core.config import ChannelConfig, ServiceTarget
from wfm.core.errors import ConfigError
from wfm.core.mapping import scenario_from_dict, set_key


def test_demo_scenario_loads(demo_scenario):
    assert demo_scenario.interval_min == 30
    assert set(demo_scenario.channels) == {"voice", "callback", "chat", "messaging", "email"}
    assert demo_scenario.channels["chat"].max_concurrency == 3
    assert demo_scenario.sites["tunis"].outsourced
    assert not demo_scenario.region("maghreb").onshore
    assert demo_scenario.skill_for("chat", "transactional") == "chat"
    assert demo_scenario.skill_channel("voice_premium") == "voice"
    # email shrinkage is set per channel; others use the default
    assert demo_scenario.shrinkage_rate("lyon", "email") == 0.25
    assert demo_scenario.shrinkage_rate("lyon", "voice") == 0.30


def test_implicit_skills_are_channel_segment(tiny_scenario):
    assert tiny_scenario.skill_for("voice", "premium") == "voice_premium"
    assert set(tiny_scenario.skill_names()) == {
        "voice_open",
        "chat_open",
        "email_open",
        "voice_premium",
    }
    assert tiny_scenario.home_site() == "lyon"


@pytest.mark.parametrize(
    ("key", "value", "path", "fragment"),
    [
        ("sites.lyon.tz", "Europe/Pari", "sites.lyon.tz", "IANA"),
        ("interval_min", 20, "interval_min", "one of 15, 30, 60"),
        (
            "segments.open.targets.voice.sl_target_rate",
            1.2,
            "segments.open.targets.voice.sl_target_rate",
            "(0, 1]",
        ),
        (
            "segments.open.targets.voice.sl_threshold_s",
            -5,
            "segments.open.targets.voice.sl_threshold_s",
            "(0, ∞)",
        ),
        ("channels.voice.queue_model", "phone", "channels.voice.queue_model", "'realtime'"),
        ("channels.email.deadline_h", None, "channels.email.deadline_h", "deadline_h"),
        ("channels.chat.max_concurrency", 1, "channels.chat.max_concurrency", "≥ 2"),
        ("segments.open.channels", ["voice", "fax"], "segments.open.channels", "'fax'"),
        ("sites.lyon.region", "mars", "sites.lyon.region", "unknown region"),
        ("sites.lyon.hours.mon", "8h-20h", "sites.lyon.hours.mon", "HH:MM"),
        ("sites.lyon.hours.funday", "08:00-20:00", "sites.lyon.hours", "weekday"),
        (
            "sites.lyon.pools.all.skills",
            ["voice_open", "telex"],
            "sites.lyon.pools.all.skills",
            "'telex'",
        ),
        (
            "sites.lyon.pools.all.headcount",
            "forty",
            "sites.lyon.pools.all.headcount",
            "whole number",
        ),
        ("sites.lyon.cost_per_h", -1.0, "sites.lyon.cost_per_h", "[0, ∞)"),
        ("overflow.pairs", [["fr", "moon"]], "overflow.pairs[0]", "'moon'"),
        ("overflow.max_overflow_rate", 1.5, "overflow.max_overflow_rate", "[0, 1]"),
        ("shrinkage.default_rate", 1.0, "shrinkage.default_rate", "[0, 1)"),
        ("shifts.lengths_min", [480, 0], "shifts.lengths_min[1]", "(0, ∞)"),
        ("shifts.earliest_start_local", "25:00", "shifts.earliest_start_local", "HH:MM"),
        (
            "segments.open.ai.voice.containment_rate",
            2.0,
            "segments.open.ai.voice.containment_rate",
            "[0, 1]",
        ),
        ("sites.lyon.colour", "blue", "sites.lyon.colour", "unknown key"),
        ("default_site", "paris", "default_site", "unknown site"),
    ],
)
def test_config_errors_name_key_path(tiny_dict, key, value, path, fragment):
    data = set_key(tiny_dict, key, value)
    if value is None:  # remove the key instead of setting None
        node = data
        parts = key.split(".")
        for p in parts[:-1]:
            node = node[p]
        del node[parts[-1]]
    with pytest.raises(ConfigError) as info:
        scenario_from_dict(data, source="scenario.toml")
    message = str(info.value)
    assert message.startswith(f"scenario.toml, {path}: ") or f", {path}" in message, message
    assert fragment in message, message


def test_must_reach_human_rejects_ai_containment(tiny_dict):
    data = set_key(
        tiny_dict, "segments.premium.ai.voice", {"ai_first_rate": 0.5, "containment_rate": 0.3}
    )
    with pytest.raises(ConfigError, match="must_reach_human"):
        scenario_from_dict(data)


def test_one_skill_per_channel_segment(tiny_dict):
    data = set_key(
        tiny_dict,
        "skills",
        {
            "a": {"channel": "voice", "segments": ["open"]},
            "b": {"channel": "voice", "segments": ["open", "premium"]},
        },
    )
    with pytest.raises(ConfigError, match="skills.b.segments: .*already in skill 'a'"):
        scenario_from_dict(data)


def test_dataclasses_are_frozen():
    target = ServiceTarget()
    with pytest.raises(AttributeError):
        target.sl_target_rate = 0.5  # type: ignore[misc]
    with pytest.raises(ConfigError, match="realtime_model 'erlang_a' needs patience_s"):
        ChannelConfig(name="voice", queue_model="realtime", realtime_model="erlang_a")


def test_set_key_copies(tiny_dict):
    new = set_key(tiny_dict, "segments.open.ai.chat.containment_rate", 0.4)
    assert new["segments"]["open"]["ai"]["chat"]["containment_rate"] == 0.4
    assert "ai" not in tiny_dict["segments"]["open"]
