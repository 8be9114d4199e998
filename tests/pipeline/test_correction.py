"""Plans corrected by simulation: an under-staffed plan is raised until it meets its target."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from wfm.core.errors import ConfigError
from wfm.core.mapping import scenario_from_dict
from wfm.core.results import StageResult
from wfm.pipeline.correction import (
    ROUND_COLUMNS,
    correct_by_simulation,
    raised_requirements,
    significantly_below,
)
from wfm.pipeline.stages import plan_tables

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ONE_SITE = {
    "name": "one_site",
    "interval_min": 60,
    "horizon_days": 1,
    "seed": 5,
    "channels": {"voice": {"queue_model": "realtime"}},
    "segments": {
        "open": {
            "channels": ["voice"],
            "targets": {
                "voice": {"sl_target_rate": 0.8, "sl_threshold_s": 20, "max_occupancy_rate": 1.0}
            },
        }
    },
    "sites": {
        "lyon": {
            "region": "fr",
            "tz": "UTC",
            "cost_per_h": 30.0,
            "hours": {d: "08:00-16:00" for d in DAYS},
            "pools": {"all": {"skills": ["voice_open"], "headcount": 200}},
        }
    },
    "shrinkage": {"default_rate": 0.2},
    "shifts": {
        "start_step_min": 60,
        "lengths_min": [240, 480],
        "earliest_start_local": "08:00",
        "latest_end_local": "16:00",
        "breaks": [],
    },
    "solver": {"time_limit_s": 10, "num_workers": 1},
    "simulation": {"replications": 30, "correction_rounds": 4},
}
CONTACTS = [180.0, 330.0, 450.0, 510.0, 480.0, 420.0, 360.0, 240.0]


def _scenario(target: float = 0.8):
    d = copy.deepcopy(ONE_SITE)
    d["segments"]["open"]["targets"]["voice"]["sl_target_rate"] = target
    return scenario_from_dict(d)


def _split() -> pd.DataFrame:
    times = pd.date_range("2026-03-02 08:00", periods=len(CONTACTS), freq="60min", tz="UTC")
    c = np.asarray(CONTACTS)
    return pd.DataFrame(
        {
            "interval_start": times,
            "channel": "voice",
            "segment": "open",
            "site": "lyon",
            "contacts": c,
            "ai_contained": 0.0,
            "escalated": 0.0,
            "human_contacts": c,
            "human_aht_s": 240.0,
        }
    )


@pytest.fixture(scope="module")
def under_staffed():
    """A plan whose requirements and schedule were made for 30 % within 20 s; the centre's
    target is 80 % (the simulation is left to the correction)."""
    low = plan_tables(
        None,
        _scenario(0.3),
        start_from="requirements",
        stop_after="schedule",
        given={"split": _split()},
    )
    return {"split": StageResult(table=_split()), **low}, _scenario(0.8)


def test_under_staffed_plan_is_raised_until_it_meets_its_target(under_staffed) -> None:
    results, sc = under_staffed
    out, rounds = correct_by_simulation(results, sc)
    assert list(rounds.columns) == list(ROUND_COLUMNS)
    assert rounds["round"].tolist() == list(range(len(rounds)))
    assert 2 <= len(rounds) <= 5  # round 0 and at most correction_rounds = 4
    assert rounds["rows_significantly_below"].iloc[0] >= 4
    assert rounds["rows_significantly_below"].iloc[-1] == 0
    assert rounds["contacts_significantly_below_rate"].iloc[-1] == 0.0
    assert rounds["raised_agents"].iloc[-1] > 0
    assert rounds["cost"].iloc[-1] > rounds["cost"].iloc[0]  # meeting the target costs agents
    summary = out["simulation"].tables["summary"].set_index("name")
    assert summary.loc["open.voice", "service_level_rate"] >= 0.8
    # the corrected requirement is above the one computed for 30 %
    raised = out["requirements"].table["agents_required"].to_numpy()
    first = results["requirements"].table["agents_required"].to_numpy()
    assert (raised >= first).all() and (raised > first).any()


def test_zero_rounds_returns_the_plan_with_its_figures(under_staffed) -> None:
    results, sc = under_staffed
    out, rounds = correct_by_simulation(results, sc, rounds=0)
    assert len(rounds) == 1 and rounds["raised_agents"].iloc[0] == 0
    assert out["schedule"] is results["schedule"]
    assert significantly_below(out["simulation"].table).sum() == rounds.iloc[0, 4]
    with pytest.raises(ConfigError, match="rounds"):
        correct_by_simulation(results, sc, rounds=-1)


def test_raised_gross_follows_the_rows_shrinkage() -> None:
    sc = _scenario()
    t = pd.Timestamp("2026-03-02 08:00", tz="UTC")
    base = pd.DataFrame(
        {
            "interval_start": [t, t + pd.Timedelta(hours=1)],
            "site": "lyon",
            "skill": "voice_open",
            "agents_required": [10, 0],
            "agents_required_gross": [12.5, 0.0],
        }
    )
    extra = pd.Series(
        [2], index=pd.MultiIndex.from_frame(base[["interval_start", "site", "skill"]].iloc[[1]])
    )
    req = raised_requirements(base, extra, sc)
    assert req["agents_required"].tolist() == [10, 2]
    assert req["agents_required_gross"].tolist() == pytest.approx([12.5, 2 / 0.8])


def test_plan_tables_runs_the_correction_and_keeps_its_rounds() -> None:
    # the pipeline itself corrects when the scenario asks for rounds (here 1): the rounds
    # become the simulation's side table `correction` and a note gives the figures
    d = copy.deepcopy(ONE_SITE)
    d["simulation"]["correction_rounds"] = 1
    sc = scenario_from_dict(d)
    d0 = copy.deepcopy(ONE_SITE)
    d0["simulation"]["correction_rounds"] = 0
    plain = plan_tables(
        None, scenario_from_dict(d0), start_from="requirements", given={"split": _split()}
    )
    assert "correction" not in plain["simulation"].tables
    out = plan_tables(None, sc, start_from="requirements", given={"split": _split()})
    rounds = out["simulation"].tables["correction"]
    assert rounds["round"].tolist() in ([0], [0, 1])
    assert any(n.startswith("corrected by simulation in") for n in out["simulation"].notes)


def test_each_round_writes_its_tables_once(under_staffed, monkeypatch) -> None:
    # the split is the same in every round: written once; a round's raised requirements are
    # written once (not again when the corrected plan is filed); the schedule's own table
    # is written once, for the last round's schedule
    import wfm.pipeline.correction as correction
    import wfm.pipeline.filed as filed_module

    results, sc = under_staffed
    given, _ = correct_by_simulation(results, sc, rounds=0)  # the plan and its simulation
    writes: list[frozenset] = []
    for module in (correction, filed_module):
        real = module.as_written
        monkeypatch.setattr(
            module, "as_written", lambda df, real=real: writes.append(frozenset(df)) or real(df)
        )
    out = correction.correct_if_asked(given, {}, sc)
    n_rounds = len(out["simulation"].tables["correction"]) - 1
    assert n_rounds >= 1
    assert writes.count(frozenset(results["split"].table)) == 1
    assert writes.count(frozenset(results["requirements"].table)) == n_rounds
    assert writes.count(frozenset(results["schedule"].table)) == 1
    # and the plan is filed: floats at the written precision, rows in key order
    req = out["requirements"].table
    assert req["agents_required_gross"].tolist() == [
        float(f"{v:.6f}") for v in req["agents_required_gross"]
    ]
    assert req["interval_start"].is_monotonic_increasing
