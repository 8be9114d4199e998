"""A run's worker processes end with it, however the run ends (SIGKILL, SIGTERM, Ctrl-C).

``wfm forecast`` with two workers is started on the demo scenario's sampled history (24
series: the forecast runs in a process pool for many seconds); once its workers exist the
command is killed, and none of its workers may stay behind.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from wfm.core.schemas import HISTORY
from wfm.io.scenario import load_scenario
from wfm.io.tables import write_table
from wfm.sample import sample_history

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads the process table from /proc"
)

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "wfm" / "examples" / "demo" / "scenario.toml"
_WAIT_S = 60.0  # bound of every wait below (a failure, never a measured time) [s]


def _children(pid: int) -> set[int]:
    """Processes whose parent is ``pid`` (from /proc)."""
    out = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("PPid:") and int(line.split()[1]) == pid:
                out.add(int(entry.name))
    return out


def _running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie waiting to be reaped is not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


@pytest.fixture(scope="module")
def history_file(tmp_path_factory) -> Path:
    sc = load_scenario(DEMO)
    hist = sample_history(sc, start=dt.date(2025, 1, 6), weeks=6, rng=np.random.default_rng(1))
    path = tmp_path_factory.mktemp("kill") / "history.csv"
    write_table(hist, path, HISTORY)
    return path


def _start_forecast(history: Path, out: Path) -> tuple[subprocess.Popen, set[int]]:
    """Start ``wfm forecast --workers 2``; return it and its worker pids once they exist."""
    cmd = [sys.executable, "-m", "wfm", "forecast", str(DEMO), "--history", str(history)]
    cmd += ["--workers", "2", "--out", str(out)]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + _WAIT_S
    workers: set[int] = set()
    while len(workers) < 2:
        if proc.poll() is not None:
            raise AssertionError(f"forecast ended before it was killed: {proc.stderr.read()!r}")
        assert time.monotonic() < deadline, "the forecast never started its workers"
        workers = {p for p in _children(proc.pid) if _running(p)}
        time.sleep(0.05)
    return proc, workers


@pytest.mark.parametrize(
    "sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name
)
def test_workers_end_with_a_killed_run(sig, history_file, tmp_path):
    proc, workers = _start_forecast(history_file, tmp_path / "forecast.csv")
    try:
        proc.send_signal(sig)
        proc.wait(timeout=_WAIT_S)
        deadline = time.monotonic() + _WAIT_S
        while any(_running(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = sorted(p for p in workers if _running(p))
        assert not left, f"workers {left} outlived the run killed by {sig.name}"
        # a stopped run leaves no output; a run the signal did not stop (seen once in a full
        # parallel test run, cause not found) must then end whole: exit 0, both files written
        outputs = [(tmp_path / n).exists() for n in ("forecast.csv", "forecast_backtest.csv")]
        assert outputs == [proc.returncode == 0] * 2, f"exit {proc.returncode}: {outputs}"
    finally:
        for p in workers:  # leave nothing behind, whatever happened
            if _running(p):
                os.kill(p, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
        proc.stderr.close()
