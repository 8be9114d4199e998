"""Scenario checks added so that a scenario that loads does not fail later in a stage."""

from __future__ import annotations

import datetime as dt

import pytest

from wfm.core.calendar import check_country
from wfm.core.config import MAX_HORIZON_DAYS, SEED_LIMIT
from wfm.core.errors import ConfigError
from wfm.core.mapping import scenario_from_dict, set_key


def _load(data: dict, **keys):
    for k, v in keys.items():
        data = set_key(data, k.replace("__", "."), v)
    return scenario_from_dict(data, source="s.toml")


@pytest.mark.parametrize("value", ["2026-02-30", "2026-13-01", "20260302", "tomorrow"])
def test_start_date_must_be_a_real_date(tiny_dict, value):
    with pytest.raises(ConfigError, match=r"s.toml, start_date: must be a real date YYYY-MM-DD"):
        _load(tiny_dict, start_date=value)


def test_start_date_parses(tiny_dict):
    assert _load(tiny_dict, start_date="2028-02-29").first_date() == dt.date(2028, 2, 29)
    assert _load(tiny_dict).first_date() is None


@pytest.mark.parametrize(
    ("key", "good", "bad", "interval"),
    [
        ("seed", [0, SEED_LIMIT - 1], [-1, SEED_LIMIT], "[0, 2147483648)"),
        ("horizon_days", [1, MAX_HORIZON_DAYS], [0, MAX_HORIZON_DAYS + 1], "[1, 366]"),
    ],
)
def test_ranges_of_seed_and_horizon(tiny_dict, key, good, bad, interval):
    for v in good:
        assert getattr(_load(tiny_dict, **{key: v}), key) == v
    for v in bad:
        with pytest.raises(ConfigError) as err:
            _load(tiny_dict, **{key: v})
        assert str(err.value) == f"s.toml, {key}: must be in {interval}; got {v}"


def test_currency_is_an_iso_code(tiny_dict):
    assert _load(tiny_dict, currency="TND").currency == "TND"
    with pytest.raises(ConfigError, match="currency: must be an ISO 4217 code"):
        _load(tiny_dict, currency="eur")


def test_hours_running_into_the_next_days_span_are_refused(tiny_dict):
    with pytest.raises(
        ConfigError, match=r"sites.lyon.hours.mon: '20:00-10:00' runs past midnight"
    ):
        _load(tiny_dict, sites__lyon__hours__mon="20:00-10:00")
    # ending when the next day opens is fine, and so is a night span before a closed day
    _load(tiny_dict, sites__lyon__hours__mon="20:00-08:00")
    _load(tiny_dict, sites__lyon__hours__fri="20:00-02:00")


def test_skill_segments_must_use_its_channel(tiny_dict):
    tiny_dict["skills"] = {"chat_vip": {"channel": "chat", "segments": ["premium"]}}
    with pytest.raises(ConfigError, match=r"skills.chat_vip.segments: segment 'premium' does not"):
        _load(tiny_dict)


@pytest.mark.parametrize(
    ("key", "what"),
    [("voice/open/paris", "site"), ("fax/open", "channel"), ("voice/vip", "segment")],
)
def test_seed_volumes_name_known_series(tiny_dict, key, what):
    with pytest.raises(ConfigError, match=rf"forecast.seed_contacts_per_day.{key}: unknown {what}"):
        _load(tiny_dict, forecast__seed_contacts_per_day={key: 10.0})


def test_seed_volume_of_a_channel_the_segment_does_not_use(tiny_dict):
    with pytest.raises(ConfigError, match="segment 'premium' does not use channel 'chat'"):
        _load(tiny_dict, forecast__seed_contacts_per_day={"chat/premium": 10.0})


def test_repeat_contacts_that_never_settle_are_refused_at_load(tiny_dict):
    tiny_dict["segments"]["open"]["ai"] = {"voice": {"human_resolution_rate": 0.0}}
    tiny_dict["split"] = {"repeat_delay_profile_rate": [1.0]}
    with pytest.raises(
        ConfigError, match=r"split.repeat_delay_profile_rate: repeat contacts never"
    ):
        _load(tiny_dict)
    tiny_dict["split"] = {"repeat_delay_profile_rate": [0.9]}  # 10 % never come back: settles
    _load(tiny_dict)


def test_minimum_headcount_of_open_sites(tiny_dict):
    sc = _load(tiny_dict, shifts__min_agents_on_queue=41)  # loading does not check it
    with pytest.raises(ConfigError, match=r"shifts.min_agents_on_queue: site 'lyon' employs 40"):
        sc.check_minimum_headcount()
    _load(tiny_dict, shifts__min_agents_on_queue=40).check_minimum_headcount()


def test_country_calendar_is_checked_for_the_years():
    check_country("lyon", "FR", [2026, 2027])
    check_country("lyon", "", [2026])
    with pytest.raises(ConfigError, match=r"sites.lyon.country: no public-holiday calendar for"):
        check_country("lyon", "XX", [2026])
    with pytest.raises(ConfigError, match=r"sites.tunis.country: .* no holiday in 1900"):
        check_country("tunis", "TN", [1900, 2026])
