"""Trace replay on one day of the Anonymous Bank log (tests/data/simulate/README.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wfm.core.errors import InputError
from wfm.simulate.trace import replay_calls

from .conftest import DATA

CALLS = pd.read_csv(DATA / "anonymous_bank_1999-08-02.csv", dtype=str)


@pytest.fixture(scope="module")
def replay():
    return replay_calls(CALLS, replications=4, seed=2)


def test_recorded_figures_match_the_log(replay):
    # recomputed independently from the raw columns
    q = CALLS["q_time"].astype(float)
    answered = CALLS["outcome"] == "AGENT"
    abandoned = (CALLS["outcome"] == "HANG") & (q > 0)
    f = replay.figures
    assert f["calls"] == int(answered.sum() + abandoned.sum())
    assert f["recorded_abandon_rate"] == pytest.approx(abandoned.sum() / f["calls"])
    assert f["recorded_asa_s"] == pytest.approx(q[answered].mean())
    assert f["recorded_service_level_rate"] == pytest.approx(
        (answered & (q <= 20)).sum() / f["calls"]
    )
    # censored exponential patience: total wait / abandonments
    assert f["mean_patience_s"] == pytest.approx(q[answered | abandoned].sum() / abandoned.sum())


def test_agents_are_distinct_servers_per_interval(replay):
    t = replay.table
    # 10:00–10:30 Israel time (UTC+3 in August) = 07:00 UTC
    row = t[t["interval_start"] == pd.Timestamp("1999-08-02 07:00", tz="UTC")].iloc[0]
    start = pd.to_datetime(CALLS["ser_start_ts"])
    mask = (
        (CALLS["outcome"] == "AGENT")
        & (CALLS["server"] != "NO_SERVER")
        & (start >= "1999-08-02 10:00")
        & (start < "1999-08-02 10:30")
    )
    assert row["agents"] == CALLS.loc[mask, "server"].nunique() > 0


def test_every_call_is_answered_or_abandoned(replay):
    t = replay.table
    assert np.allclose(t["simulated_answered"] + t["simulated_abandoned"], t["calls"])
    assert np.allclose(t["recorded_answered"] + t["recorded_abandoned"], t["calls"])
    assert t["calls"].sum() == replay.figures["calls"]


def test_replay_is_seeded(replay):
    again = replay_calls(CALLS, replications=4, seed=2)
    pd.testing.assert_frame_equal(replay.table, again.table)
    other = replay_calls(CALLS, replications=4, seed=3)
    assert not np.allclose(
        other.table["simulated_asa_s"].fillna(0), replay.table["simulated_asa_s"].fillna(0)
    )


def test_replay_reproduces_the_day_roughly(replay):
    # the replay keeps the log's arrivals, work and patience: its abandonment and service
    # level stay within the day's range (a replay that loses calls or agents would not)
    f = replay.figures
    assert 0.0 < f["simulated_abandon_rate"] < f["recorded_abandon_rate"] + 0.05
    assert f["simulated_service_level_rate"] > 0.3
    assert "trace replay" in replay.notes[0]


def test_missing_column_is_an_input_error():
    with pytest.raises(InputError, match="q_time"):
        replay_calls(CALLS.drop(columns="q_time"))


def test_presence_agents_with_no_gap_are_busy_agent_equivalents():
    res = replay_calls(CALLS, replications=2, seed=2, agents_from="presence", presence_gap_s=0)
    t = res.table
    row = t[t["interval_start"] == pd.Timestamp("1999-08-02 07:00", tz="UTC")].iloc[0]
    # busy agent-seconds of named servers inside 10:00–10:30 local, computed here
    served = (CALLS["outcome"] == "AGENT") & (CALLS["server"] != "NO_SERVER")
    start = pd.to_datetime(CALLS.loc[served, "ser_start_ts"])
    end = start + pd.to_timedelta(CALLS.loc[served, "ser_time"].astype(float), unit="s")
    lo, hi = pd.Timestamp("1999-08-02 10:00"), pd.Timestamp("1999-08-02 10:30")
    overlap = (end.clip(upper=hi) - start.clip(lower=lo)).dt.total_seconds().clip(lower=0)
    assert row["agents"] == round(overlap.sum() / 1800)
    # bridging idle gaps only adds presence
    wide = replay_calls(CALLS, replications=2, seed=2, agents_from="presence", presence_gap_s=900)
    assert (wide.table["agents"].to_numpy() >= t["agents"].to_numpy()).all()
    assert "server presence" in res.notes[0]
