"""What-if points on a Dask cluster of worker processes: the same table as local processes,
a failing point named, workers of another wfm version refused.

One local cluster (two worker processes of one thread each, as ``dask worker --nworkers 2
--nthreads 1`` starts them) serves every test of the module.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import socket
import sys
from dataclasses import replace
from pathlib import Path

import distributed
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import wfm
from wfm.cli import main
from wfm.core.calendar import interval_grid
from wfm.core.errors import ConfigError, InfeasibleError
from wfm.core.mapping import scenario_from_dict, set_key
from wfm.core.run_options import RunOptions
from wfm.forecast.engine import run_jobs
from wfm.io.tables import write_table
from wfm.pipeline.whatif import _default_run, sweep
from wfm.sample import sample_history

pytestmark = pytest.mark.slow

CHAT_KEY = "segments.open.ai.chat.containment_rate"


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    ) as local:
        yield local


@pytest.fixture
def small(tiny_dict):
    """The tiny centre with AI first on chat, and three weeks of its sampled history."""
    data = set_key(tiny_dict, "segments.open.ai.chat.ai_first_rate", 1.0)
    data = set_key(data, "forecast.history_weeks", 3)
    data = set_key(data, "forecast.models", ["seasonal_naive", "week_average"])  # quick
    sc = scenario_from_dict(data)
    history = sample_history(
        sc, start=dt.date(2025, 2, 3), weeks=3, rng=np.random.default_rng(sc.seed)
    )
    return data, history


def test_points_on_a_cluster_of_processes_give_the_local_table(cluster, small):
    data, history = small
    axes = [f"{CHAT_KEY}=0.2:0.6:0.2"]  # an AI key: the forecast is planned once, on the cluster
    local = sweep(data, history, axes, max_workers=1)  # (local processes give the same table)
    options = RunOptions(dask_scheduler=cluster.scheduler_address)
    with distributed.Client(cluster.scheduler_address, set_as_default=False) as client:
        with distributed.get_task_stream(client=client) as tasks:
            remote = sweep(data, history, axes, max_workers=2, options=options)
    pd.testing.assert_frame_equal(local, remote, check_exact=True)
    ran = [str(t["key"]).split("-", 1)[0] for t in tasks.data]
    assert sorted(ran) == ["_plan_point"] * 3 + ["forecast_series"] * 4  # 4 tiny series
    assert remote[CHAT_KEY].tolist() == [0.2, 0.4, 0.6]
    assert (np.diff(remote["human_fte_gross"].to_numpy()) < 0).all()  # the points differ


def test_points_that_forecast_do_it_on_their_worker(cluster, small):
    data, history = small
    axes = ["forecast.level_rate=0.8,0.9"]  # a forecast key: each point forecasts
    options = RunOptions(dask_scheduler=cluster.scheduler_address, workers=2)
    run = _default_run(data, history, ["forecast.level_rate"], "requirements", options, 1)
    assert run.keywords["options"] == RunOptions(workers=1)  # no pool, no cluster in a point
    local = sweep(data, history, axes, max_workers=1)
    remote = sweep(data, history, axes, max_workers=1, options=options)
    pd.testing.assert_frame_equal(local, remote, check_exact=True)


def test_a_failing_point_is_named_with_its_reason(cluster, tiny_dict):
    def fails_above_half(history, scenario):  # nested: sent to the workers by value
        if scenario.segments["open"].ai_policy("chat").containment_rate > 0.5:
            raise InfeasibleError("no shift covers lyon Monday 08:00")
        raise ValueError("a bug")

    options = RunOptions(dask_scheduler=cluster.scheduler_address)
    with pytest.raises(
        InfeasibleError, match=rf"^what-if point {CHAT_KEY}=0\.6: no shift covers lyon"
    ):
        sweep(tiny_dict, pd.DataFrame(), [f"{CHAT_KEY}=0.6"], run=fails_above_half, options=options)
    with pytest.raises(RuntimeError, match=rf"what-if point {CHAT_KEY}=0\.2 failed: ValueError"):
        sweep(
            tiny_dict,
            pd.DataFrame(),
            [f"{CHAT_KEY}=0.2,0.6"],
            run=fails_above_half,
            options=options,
        )


def test_a_point_error_names_the_point_in_local_processes_too(tiny_dict):
    def fails(history, scenario):
        raise InfeasibleError("no shift covers lyon Monday 08:00")

    with pytest.raises(InfeasibleError, match=rf"^what-if point {CHAT_KEY}=0\.3: no shift"):
        sweep(tiny_dict, pd.DataFrame(), [f"{CHAT_KEY}=0.3"], run=fails, max_workers=1)


SCENARIO = """
name = "cluster"
interval_min = 30
horizon_days = 2
[channels.voice]
queue_model = "realtime"
[segments.open]
channels = ["voice"]
[sites.lyon]
region = "fr"
tz = "Europe/Paris"
country = "FR"
hours.mon = "08:00-20:00"
hours.tue = "08:00-20:00"
hours.wed = "08:00-20:00"
hours.thu = "08:00-20:00"
hours.fri = "08:00-20:00"
pools.all = { skills = ["voice_open"], headcount = 40 }
[forecast]
models = ["seasonal_naive", "week_average"]
"""


def _files(tmp_path: Path) -> tuple[str, str]:
    """A one-queue centre and four weeks of its history: 10 voice contacts per open interval."""
    grid = interval_grid(dt.date(2025, 1, 6), 28, 30, "Europe/Paris")
    hour = np.asarray(grid.tz_convert("Europe/Paris").hour)
    contacts = np.where((hour >= 8) & (hour < 20), 10.0, 0.0)
    history = tmp_path / "history.csv"
    table = {"interval_start": grid, "channel": "voice", "segment": "open", "contacts": contacts}
    write_table(pd.DataFrame(table), history)
    scenario = tmp_path / "scenario.toml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    return str(scenario), str(history)


def test_plan_says_where_its_forecast_ran(cluster, tmp_path):
    scenario, history = _files(tmp_path)
    out = tmp_path / "plan"
    address = cluster.scheduler_address
    args = ["plan", scenario, "--history", history, "--out", str(out), "--stop-after", "split"]
    result = CliRunner().invoke(main, [*args, "--dask-scheduler", address])
    assert result.exit_code == 0, result.output
    ran = (
        f"1 series forecast on the Dask cluster at {address} with 2 workers (wfm {wfm.__version__})"
    )
    assert f"note (forecast): {ran}" in result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["stages"]["forecast"]["notes"][0] == ran
    assert manifest["run_options"]["dask_scheduler"] == address


def test_workers_of_another_wfm_version_are_refused_with_exit_2(cluster, tmp_path):
    scenario, history = _files(tmp_path)
    address = cluster.scheduler_address
    args = ["whatif", scenario, "--history", history, "--set", "forecast.level_rate=0.8,0.9"]
    with distributed.Client(address, set_as_default=False) as client:
        client.run(exec, "import wfm; wfm.__version__ = '0.0.1'", {})
        try:
            result = CliRunner().invoke(main, [*args, "--dask-scheduler", address])
            with pytest.raises(ConfigError, match="the Dask workers run wfm 0.0.1"):
                run_jobs([], RunOptions(dask_scheduler=address))  # forecasts are refused too
        finally:
            client.run(exec, f"import wfm; wfm.__version__ = {wfm.__version__!r}", {})
    assert result.exit_code == 2, result.output
    assert re.search(
        r"--dask-scheduler: the Dask workers run wfm 0\.0\.1 \(worker tcp://\S+ and 1 more\) "
        rf"but this run is wfm {re.escape(wfm.__version__)}",
        result.output,
    ), result.output


def test_workers_that_cannot_import_wfm_are_refused(cluster):
    hide = "import sys; sys.hidden_wfm = sys.modules['wfm']; sys.modules['wfm'] = None"
    with distributed.Client(cluster.scheduler_address, set_as_default=False) as client:
        client.run(exec, hide, {})
        try:
            with pytest.raises(ConfigError, match=r"cannot import wfm \(.*; install wfm-planner"):
                run_jobs([], RunOptions(dask_scheduler=cluster.scheduler_address))
        finally:
            client.run(exec, "import sys; sys.modules['wfm'] = sys.hidden_wfm", {})


def test_wfm_whatif_on_the_cluster_says_where_the_points_ran(cluster, tmp_path):
    scenario, history = _files(tmp_path)
    address = cluster.scheduler_address
    args = ["whatif", scenario, "--history", history, "--set", "forecast.level_rate=0.8,0.9"]
    result = CliRunner().invoke(main, [*args, "--dask-scheduler", address])
    assert result.exit_code == 0, result.output
    ran = (
        f"2 points planned on the Dask cluster at {address} with 2 workers (wfm {wfm.__version__})"
    )
    assert ran in result.output


def test_an_unreachable_scheduler_is_exit_2_for_whatif(tmp_path):
    scenario, history = _files(tmp_path)
    with socket.socket() as s:  # a port nothing listens on (bound, then released)
        s.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{s.getsockname()[1]}"
    args = ["whatif", scenario, "--history", history, "--set", "forecast.level_rate=0.8,0.9"]
    result = CliRunner().invoke(main, [*args, "--dask-scheduler", address])
    assert result.exit_code == 2, result.output
    assert (
        f"--dask-scheduler: cannot reach the Dask scheduler {address} within 10 s" in result.output
    )
    assert "or leave the address out to plan the points in local processes" in result.output


def _plan_forecasting_on_the_run_options(scenario, hist, *, options=None, **kwargs):
    """The nightly stand-in plan, after forecasting the history with the run's options."""
    from nightly_standin import standin_plan

    from wfm.forecast.stage import forecast_contacts

    seen = set(zip(hist["channel"], hist["segment"], strict=True))
    seeds = {
        f"{ch}/{seg.name}": 10.0
        for seg in scenario.segments.values()
        for ch in seg.channels
        if (ch, seg.name) not in seen
    }  # the series without actuals yet start from a seed volume
    seeded = replace(scenario, forecast=replace(scenario.forecast, seed_contacts_per_day=seeds))
    forecast_contacts(hist, seeded, options=options)
    return standin_plan(scenario, hist, **kwargs)


def test_nightly_forecasts_on_the_configured_cluster_and_logs_it(cluster, tmp_path):
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from test_nightly import DAY1, _config

    from wfm.io.nightly import load_nightly_config
    from wfm.pipeline.nightly import run_nightly

    address = cluster.scheduler_address
    cfg = load_nightly_config(_config(tmp_path, dask_scheduler=f'"{address}"'))
    assert cfg.run_options().dask_scheduler == address
    run_nightly(cfg, run_date=DAY1, plan=_plan_forecasting_on_the_run_options)
    log_text = Path(cfg.log_path).read_text(encoding="utf-8")
    assert f"series forecast on the Dask cluster at {address} with 2 workers" in log_text
    assert "nightly 2025-03-04: done" in log_text


def test_a_scheduler_without_workers_is_refused(monkeypatch):
    from wfm.forecast import cluster as cluster_module

    monkeypatch.setattr(cluster_module, "DASK_CONNECT_S", 1.0)
    with distributed.LocalCluster(n_workers=0, processes=False, dashboard_address=":0") as empty:
        with pytest.raises(ConfigError, match=r"has no worker after 1 s; start workers with"):
            run_jobs([], RunOptions(dask_scheduler=empty.scheduler_address))


def test_a_daemon_process_such_as_a_dask_worker_starts_no_pool(monkeypatch):
    import multiprocessing as mp
    import time

    from wfm.core.workers import worker_pool
    from wfm.schedule.polish import _worker_pool

    monkeypatch.setattr(mp.current_process(), "daemon", True)
    with pytest.raises(ValueError, match="daemon process"):
        worker_pool(2)
    # the schedule's polish then solves its sub-problems in this process
    assert _worker_pool(2, time.perf_counter() + 1000.0) is None
