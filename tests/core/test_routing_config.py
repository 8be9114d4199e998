"""The ``[routing]`` table: defaults, overrides and errors that name their key path."""

from __future__ import annotations

import pytest

from wfm.core.errors import ConfigError
from wfm.core.mapping import scenario_from_dict, set_key
from wfm.core.routing import SPILL_OVER_TIER, pool_tiers, specialist_order


def test_routing_defaults_follow_the_allocation_and_fill(tiny_scenario, demo_scenario):
    for sc in (tiny_scenario, demo_scenario):
        assert sc.routing.concurrent_placement == "fill"
        assert sc.routing.deferred_work == "allocated"
        assert sc.routing.pool_priority == {}


def test_routing_table_is_read(tiny_dict):
    data = set_key(tiny_dict, "routing.concurrent_placement", "spread")
    data = set_key(data, "routing.pool_priority.lyon.chat_open", ["all"])
    sc = scenario_from_dict(data)
    assert sc.routing.concurrent_placement == "spread"
    assert sc.routing.pool_priority == {"lyon": {"chat_open": ("all",)}}


@pytest.mark.parametrize(
    ("key", "value", "path", "fragment"),
    [
        ("routing.concurrent_placement", "pack", "routing.concurrent_placement", "'fill'"),
        ("routing.deferred_work", "all", "routing.deferred_work", "'allocated'"),
        ("routing.spill_over", True, "routing.spill_over", "unknown key"),
        ("routing.pool_priority.paris", {"voice_open": ["all"]}, "pool_priority.paris", "site"),
        ("routing.pool_priority.lyon", {"telex": ["all"]}, "pool_priority.lyon.telex", "skill"),
        ("routing.pool_priority.lyon", {"voice_open": ["x"]}, "lyon.voice_open", "'x'"),
        ("routing.pool_priority.lyon", {"voice_open": []}, "lyon.voice_open", "at least one"),
        ("routing.pool_priority.lyon", {"voice_open": ["all", "all"]}, "voice_open", "twice"),
    ],
)
def test_routing_errors_name_key_path(tiny_dict, key, value, path, fragment):
    with pytest.raises(ConfigError) as info:
        scenario_from_dict(set_key(tiny_dict, key, value), source="scenario.toml")
    message = str(info.value)
    assert path in message and fragment in message, message


def test_pool_tiers_allocated_first_specialists_first(demo_scenario):
    pools = demo_scenario.sites["lyon"].pools
    assert specialist_order(pools) == ["premium", "generalist"]
    routing = demo_scenario.routing
    # callbacks allocated to the generalists: the premium pool takes them only as spill-over
    assert pool_tiers(routing, "lyon", "callback", pools, {"generalist"}) == {
        "premium": SPILL_OVER_TIER,
        "generalist": 0,
    }
    # no allocation known: every holder at tier 0, specialists first
    assert list(pool_tiers(routing, "lyon", "callback", pools, None).items()) == [
        ("premium", 0),
        ("generalist", 0),
    ]
    assert pool_tiers(routing, "lyon", "voice_open", pools, set()) == {
        "generalist": SPILL_OVER_TIER
    }
