"""Series run alike in this process, in local processes and on a Dask cluster."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest

from forecast.helpers import history, scenario
from wfm.core.run_options import RunOptions
from wfm.forecast.engine import forecast_series, run_jobs
from wfm.forecast.series import series_job


def _jobs(tiny_dict, n=4):
    sc = scenario(tiny_dict, models=["seasonal_naive", "week_average", "top_down_ets"])
    series = [("voice", f"s{i}") for i in range(n)]
    hist = history(days=28, series=series, noise_seed=11)
    return [
        series_job(
            ("voice", seg), part, sc.sites["lyon"], 30, dt.date(2025, 2, 3), 7, 7, sc.forecast, None
        )
        for (_, seg), part in hist.groupby(["channel", "segment"])
    ]


def _same(a, b):
    assert [o.key for o in a] == [o.key for o in b]
    for x, y in zip(a, b, strict=True):
        assert x.model == y.model
        np.testing.assert_array_equal(x.intervals, y.intervals)
        np.testing.assert_array_equal(x.contacts, y.contacts)
        np.testing.assert_array_equal(x.contacts_hi, y.contacts_hi)


def test_local_processes_match_in_process(tiny_dict):
    jobs = _jobs(tiny_dict)
    _same(run_jobs(jobs, RunOptions(workers=1)), run_jobs(jobs, RunOptions(workers=2)))


def test_dask_cluster_matches_local(tiny_dict):
    distributed = pytest.importorskip("distributed")
    jobs = _jobs(tiny_dict, n=3)
    local = [forecast_series(j) for j in jobs]
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        remote = run_jobs(jobs, RunOptions(dask_scheduler=cluster.scheduler_address))
    _same(local, remote)


def test_jobs_are_not_mutated(tiny_dict):
    job = _jobs(tiny_dict, n=1)[0]
    before = dataclasses.replace(job, contacts=job.contacts.copy())
    forecast_series(job)
    np.testing.assert_array_equal(job.contacts, before.contacts)
