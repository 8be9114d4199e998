"""Synthetic history: the contract, volumes, cycles, holidays, abandonment and seeding."""

from __future__ import annotations

import copy
import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

from wfm.core.calendar import open_mask
from wfm.core.contract_checks import check_table
from wfm.core.errors import ConfigError
from wfm.core.mapping import scenario_from_dict
from wfm.core.schemas import HISTORY
from wfm.sample import sample_history

MONDAY = dt.date(2025, 3, 3)  # no French public holiday in March 2025 (holidays package)


@pytest.fixture
def make(tiny_dict):
    """Build the tiny scenario with a given [sample] table."""

    def build(**sample):
        data = copy.deepcopy(tiny_dict)
        data["sample"] = sample
        return scenario_from_dict(data)

    return build


def _draw(scenario, weeks=2, start=MONDAY, seed=3):
    return sample_history(scenario, start=start, weeks=weeks, rng=np.random.default_rng(seed))


def test_output_meets_the_history_contract_on_the_grid(tiny_scenario):
    h = _draw(tiny_scenario)
    check_table(h, HISTORY)
    assert list(h.columns) == [
        "interval_start",
        "channel",
        "segment",
        "contacts",
        "aht_s",
        "abandoned",
    ]
    # every allowed (channel, segment) pair: open × {voice, chat, email} + premium × voice
    assert h.groupby(["channel", "segment"]).ngroups == 4
    # 14 local days of 48 half-hours in Europe/Paris (no DST change in 3–16 March 2025)
    assert (h.groupby(["channel", "segment"]).size() == 14 * 48).all()
    assert h["interval_start"].min() == pd.Timestamp("2025-03-02T23:00Z")
    assert str(h["interval_start"].dtype) == "datetime64[ns, UTC]"
    assert (h["interval_start"].astype("int64") % (30 * 60 * 10**9) == 0).all()


def test_dst_week_has_one_interval_pair_fewer(tiny_scenario):
    # Europe/Paris springs forward on Sunday 2025-03-30: that local day has 23 h = 46 slots
    h = _draw(tiny_scenario, weeks=1, start=dt.date(2025, 3, 24))
    assert (h.groupby(["channel", "segment"]).size() == 7 * 48 - 2).all()


def test_fall_back_day_has_one_interval_pair_more(tiny_scenario):
    # Europe/Paris falls back on Sunday 2025-10-26: that local day has 25 h = 50 slots
    h = _draw(tiny_scenario, weeks=1, start=dt.date(2025, 10, 20))
    assert (h.groupby(["channel", "segment"]).size() == 7 * 48 + 2).all()
    local = h["interval_start"].dt.tz_convert("Europe/Paris")
    assert local.dt.date.min() == dt.date(2025, 10, 20)
    assert local.dt.date.max() == dt.date(2025, 10, 26)


def test_sites_open_on_holidays_get_the_holiday_factor(tiny_dict):
    data = copy.deepcopy(tiny_dict)
    data["sites"]["lyon"]["closed_on_holidays"] = False
    data["sample"] = {
        "daily_contacts": {"voice": {"open": 4000.0}},
        "noise_cv": 0.0,
        "holiday_factor": 0.5,
    }
    h = _draw(scenario_from_dict(data), weeks=1, start=dt.date(2025, 4, 28))
    local = h["interval_start"].dt.tz_convert("Europe/Paris").dt.date
    may1 = h.loc[local == dt.date(2025, 5, 1), "contacts"].sum()
    apr30 = h.loc[local == dt.date(2025, 4, 30), "contacts"].sum()
    # Thursday (1.00) × 0.5 against Wednesday (1.05); Poisson counts of ~2,000 and ~4,000
    assert may1 / apr30 == pytest.approx(0.5 / 1.05, rel=0.08)


def test_same_seed_same_history_other_seed_other_history(tiny_scenario):
    a, b, c = _draw(tiny_scenario), _draw(tiny_scenario), _draw(tiny_scenario, seed=4)
    pd.testing.assert_frame_equal(a, b)
    assert not a["contacts"].equals(c["contacts"])


def test_weekly_total_matches_the_configured_daily_contacts(make):
    sc = make(daily_contacts={"voice": {"open": 2000.0}, "email": {"open": 1000.0}}, noise_cv=0.0)
    h = _draw(sc, weeks=4)
    # without day noise the 4-week total is Poisson with mean 4 · 7 · daily; 4 sd tolerance
    for ch, daily in (("voice", 2000.0), ("email", 1000.0)):
        mean = 4 * 7 * daily
        assert h.loc[h["channel"] == ch, "contacts"].sum() == pytest.approx(
            mean, abs=4 * np.sqrt(mean)
        )
    assert set(h["channel"]) == {"voice", "email"}  # unlisted pairs are left out


def test_office_channels_arrive_only_while_the_site_is_open(tiny_scenario):
    h = _draw(tiny_scenario)
    site = tiny_scenario.sites["lyon"]
    voice = h[h["channel"] == "voice"]
    closed = ~open_mask(voice["interval_start"], site, 30)
    assert voice.loc[closed, "contacts"].sum() == 0
    assert voice.loc[~closed, "contacts"].sum() > 0
    email = h[h["channel"] == "email"]  # deferred → around the clock
    assert email.loc[~open_mask(email["interval_start"], site, 30), "contacts"].sum() > 0


def test_weekday_factors_shape_the_week(make):
    sc = make(
        daily_contacts={"email": {"open": 3000.0}},
        noise_cv=0.0,
        weekday_factors={"mon": 2.0, "sun": 0.5},
    )
    h = _draw(sc, weeks=2)
    day = h["interval_start"].dt.tz_convert("Europe/Paris").dt.day_of_week
    per_day = h.groupby(day)["contacts"].sum() / 2
    # factors mon 2, tue..sat 1 (not listed), sun 0.5 → sum 7.5; mean day = 3000
    assert per_day[0] == pytest.approx(3000 * 7 * 2 / 7.5, rel=0.05)
    assert per_day[6] == pytest.approx(3000 * 7 * 0.5 / 7.5, rel=0.08)


def test_public_holiday_closes_office_channels_and_damps_the_others(make):
    sc = make(
        daily_contacts={"voice": {"open": 2000.0}, "email": {"open": 2000.0}},
        noise_cv=0.0,
        holiday_factor=0.4,
    )
    # Thursday 2025-05-01 is Labour Day in France (holidays package, FR)
    h = _draw(sc, weeks=1, start=dt.date(2025, 4, 28))
    local = h["interval_start"].dt.tz_convert("Europe/Paris").dt.date
    may1 = local == dt.date(2025, 5, 1)
    apr30 = local == dt.date(2025, 4, 30)
    voice, email = h["channel"] == "voice", h["channel"] == "email"
    assert h.loc[may1 & voice, "contacts"].sum() == 0
    ratio = h.loc[may1 & email, "contacts"].sum() / h.loc[apr30 & email, "contacts"].sum()
    # Thursday 1.00 × 0.4 against Wednesday 1.05 (default weekday factors) ≈ 0.38
    assert ratio == pytest.approx(0.4 / 1.05, rel=0.12)


def test_origin_shares_split_contacts_between_sites(tiny_dict):
    data = copy.deepcopy(tiny_dict)
    data["sites"]["lille"] = copy.deepcopy(data["sites"]["lyon"])
    data["sample"] = {
        "origin_share": {"lyon": 0.7, "lille": 0.3},
        "daily_contacts": {"email": {"open": 4000.0}},
    }
    h = _draw(scenario_from_dict(data))
    assert "site" in h.columns
    share = h.groupby("site")["contacts"].sum() / h["contacts"].sum()
    assert share["lyon"] == pytest.approx(0.7, abs=0.02)


def test_abandonment_and_aht_follow_the_configuration(make):
    sc = make(
        daily_contacts={"voice": {"open": 6000.0}},
        aht_s={"voice": 240.0},
        abandon_rate={"voice": 0.08},
    )
    h = _draw(sc, weeks=4)
    assert (h["abandoned"] <= h["contacts"]).all()
    assert h["abandoned"].sum() / h["contacts"].sum() == pytest.approx(0.08, rel=0.05)
    answered = h["contacts"] - h["abandoned"]
    assert h.loc[answered == 0, "aht_s"].isna().all()
    assert h.loc[answered > 0, "aht_s"].notna().all()
    weighted = (h["aht_s"].fillna(0) * answered).sum() / answered.sum()
    assert weighted == pytest.approx(240.0, rel=0.01)
    # busier intervals lose a larger share (abandonment grows with the load)
    busy = h["contacts"] > h.loc[h["contacts"] > 0, "contacts"].median()
    quiet = (h["contacts"] > 0) & ~busy
    rate = lambda m: h.loc[m, "abandoned"].sum() / h.loc[m, "contacts"].sum()  # noqa: E731
    assert rate(busy) > rate(quiet)


def test_deferred_channels_abandon_nothing_by_default(tiny_scenario):
    h = _draw(tiny_scenario)
    assert h.loc[h["channel"] == "email", "abandoned"].sum() == 0


# the fixture is only deep-copied, never changed, so sharing it between examples is safe
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 2**32 - 1), weeks=st.integers(1, 2), cv=st.floats(0, 0.5))
@example(seed=0, weeks=1, cv=7.560130925345654e-159)  # 1/cv² overflows to inf
def test_counts_are_whole_and_non_negative(tiny_dict, seed, weeks, cv):
    data = copy.deepcopy(tiny_dict)
    data["sample"] = {
        "daily_contacts": {"chat": {"open": 300.0}, "voice": {"premium": 50.0}},
        "noise_cv": cv,
    }
    sc = scenario_from_dict(data)
    h = _draw(sc, weeks=weeks, seed=seed)
    for col in ("contacts", "abandoned"):
        assert (h[col] >= 0).all() and (h[col] == np.round(h[col])).all()
    assert (h["abandoned"] <= h["contacts"]).all()
    assert len(h) == 2 * weeks * 7 * 48


def test_demo_week_is_about_100k_contacts_mostly_voice(demo_scenario):
    h = sample_history(
        demo_scenario,
        start=dt.date(2025, 3, 3),
        weeks=1,
        rng=np.random.default_rng(demo_scenario.seed),
    )
    by_channel = h.groupby("channel")["contacts"].sum()
    assert h["contacts"].sum() == pytest.approx(100_000, rel=0.05)
    assert by_channel.idxmax() == "voice"
    share = h.groupby("site")["contacts"].sum() / h["contacts"].sum()
    assert set(share.index) == {"lyon", "lille"}
    assert share["lyon"] == pytest.approx(0.55, abs=0.01)


@pytest.mark.parametrize(
    ("sample", "key"),
    [
        ({"daily_contacts": {"fax": {"open": 10.0}}}, "sample.daily_contacts"),
        ({"daily_contacts": {"chat": {"premium": 10.0}}}, "sample.daily_contacts.chat.premium"),
        ({"daily_contacts": {"chat": {"open": -1.0}}}, "sample.daily_contacts.chat.open"),
        ({"origin_share": {"lyon": 0.5}}, "sample.origin_share"),
        ({"origin_share": {"paris": 1.0}}, "sample.origin_share"),
        ({"abandon_rate": {"voice": 1.0}}, "sample.abandon_rate.voice"),
        ({"pattern": {"voice": "nightly"}}, "sample.pattern.voice"),
        (
            {
                "weekday_factors": {
                    "sun": 0.0,
                    "mon": 0,
                    "tue": 0,
                    "wed": 0,
                    "thu": 0,
                    "fri": 0,
                    "sat": 0,
                }
            },
            "sample.weekday_factors",
        ),
        ({"aht_s": {"voice": 0.0}}, "sample.aht_s.voice"),
    ],
)
def test_bad_sample_config_names_the_key(make, sample, key):
    with pytest.raises(ConfigError) as err:
        make(**sample)
    assert str(err.value).startswith(key + ":"), str(err.value)


def test_zero_weeks_is_refused(tiny_scenario):
    with pytest.raises(ConfigError, match="weeks"):
        _draw(tiny_scenario, weeks=0)
