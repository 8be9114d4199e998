"""``wfm simulate`` on a small plan folder written with the io layer."""

from __future__ import annotations

import pandas as pd
from click.testing import CliRunner

from wfm.cli import main
from wfm.core.schemas import POOL_AGENTS, SPLIT
from wfm.io.tables import write_table

SCENARIO = """
name = "one"
interval_min = 30
seed = 3
[channels.voice]
queue_model = "realtime"
[segments.open]
channels = ["voice"]
[sites.a]
region = "r"
tz = "UTC"
pools.p = { skills = ["voice_open"], headcount = 20 }
[shrinkage]
default_rate = 0.0
[simulation]
replications = 2
"""


def _plan(tmp_path):
    t = pd.date_range("2026-03-02 08:00", periods=4, freq="30min", tz="UTC")
    split = pd.DataFrame(
        {
            "interval_start": t,
            "channel": "voice",
            "segment": "open",
            "site": "a",
            "contacts": 50.0,
            "ai_contained": 0.0,
            "escalated": 0.0,
            "human_contacts": 50.0,
            "human_aht_s": 180.0,
        }
    )
    agents = pd.DataFrame({"interval_start": t, "site": "a", "pool": "p", "agents": 8.0})
    plan = tmp_path / "plan"
    plan.mkdir()
    write_table(split, plan / "split.csv", SPLIT)
    write_table(agents, plan / "pool_agents.csv", POOL_AGENTS)
    (tmp_path / "scenario.toml").write_text(SCENARIO)
    return plan


def test_simulate_writes_table_and_summary(tmp_path):
    plan = _plan(tmp_path)
    out = tmp_path / "sim.csv"
    args = ["simulate", str(tmp_path / "scenario.toml"), "--plan", str(plan)]
    result = CliRunner().invoke(
        main, [*args, "--replications", "3", "--seed", "1", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert len(table) == 4 and "service_level_half_width_rate" in table
    summary = pd.read_csv(tmp_path / "sim_summary.csv")
    assert summary.loc[0, "scope"] == "overall"
    assert "3 replications" in result.output
    assert "service-level denominator" in result.output


def test_simulate_without_pool_agents_exits_2(tmp_path):
    plan = _plan(tmp_path)
    (plan / "pool_agents.csv").unlink()
    args = ["simulate", str(tmp_path / "scenario.toml"), "--plan", str(plan)]
    result = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "sim.csv")])
    assert result.exit_code == 2
    assert "pool_agents.csv is missing" in result.output
    assert not (tmp_path / "sim.csv").exists()


def test_simulate_reads_coverage_and_caps_deferred_work(tmp_path):
    from wfm.core.schemas import COVERAGE

    plan = _plan(tmp_path)
    t = pd.date_range("2026-03-02 08:00", periods=4, freq="30min", tz="UTC")
    coverage = pd.DataFrame(
        {
            "interval_start": t,
            "site": "a",
            "skill": "voice_open",
            "agents_scheduled": 8.0,
            "agents_required": 8.0,
            "agents_gap": 0.0,
            "overflow_in_contacts": 0.0,
            "overflow_out_contacts": 0.0,
        }
    )
    args = ["simulate", str(tmp_path / "scenario.toml"), "--plan", str(plan)]
    out = ["--out", str(tmp_path / "sim.csv")]
    before = CliRunner().invoke(main, [*args, *out])
    assert before.exit_code == 0, before.output
    assert "deferred work not capped" in before.output
    write_table(coverage, plan / "coverage.csv", COVERAGE)
    after = CliRunner().invoke(main, [*args, *out])
    assert after.exit_code == 0, after.output
    assert "deferred work capped by the schedule's coverage" in after.output
