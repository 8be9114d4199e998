"""Worker processes that end with the run that started them, however it ends.

Every process pool of ``wfm`` (forecast series, what-if points, schedule polish) comes from
:func:`worker_pool`. Each worker, as it starts:

* asks Linux to send it ``SIGKILL`` when its parent dies (``prctl(PR_SET_PDEATHSIG)``), so a
  run killed outright (``SIGKILL``, ``SIGTERM``, the OOM killer) takes its workers with it;
* starts a daemon thread that checks once a second whether the run is still alive and
  ends the worker when it is not (the portable fallback where there is no ``prctl``);
* ignores ``SIGINT``: Ctrl-C reaches the whole process group, and the run itself stops
  its workers (:func:`worker_pool` terminates them when its block ends with an exception).

``PR_SET_PDEATHSIG`` fires when the *thread* that started the worker ends, so a pool must be
used (and closed) by the thread that made it, as a ``with`` block does.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.context import BaseContext

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_POLL_S = 1.0  # how often a worker checks that its run is alive [s]


def worker_pool(max_workers: int, *, mp_context: BaseContext | None = None) -> ProcessPoolExecutor:
    """A process pool whose workers die with the calling process.

    Parameters
    ----------
    max_workers : int
        Worker processes.
    mp_context : multiprocessing context, optional
        Start method; default the platform's.

    Returns
    -------
    concurrent.futures.ProcessPoolExecutor
        Use it in :func:`stopping` (or a ``with`` block) in the thread that made it.

    Raises
    ------
    ValueError
        This process is a daemon (a Dask worker, say), which may not start processes; the
        caller does the work in this process instead.
    """
    if mp.current_process().daemon:
        raise ValueError("a daemon process (such as a Dask worker) cannot start worker processes")
    return ProcessPoolExecutor(
        max_workers=max_workers,
        mp_context=mp_context or mp.get_context(),
        initializer=_die_with_run,
        initargs=(os.getpid(),),
    )


@contextlib.contextmanager
def stopping(pool: ProcessPoolExecutor) -> Iterator[ProcessPoolExecutor]:
    """Use ``pool`` for the block; shut it down after, at once when the block fails.

    On a normal end the pool waits for its workers to exit. On an exception (including
    ``KeyboardInterrupt`` and ``SystemExit``) pending work is cancelled and the workers are
    terminated rather than waited for, so an interrupted run stops promptly.
    """
    try:
        yield pool
    except BaseException:
        terminate(pool)
        raise
    pool.shutdown(wait=True)


def terminate(pool: ProcessPoolExecutor) -> None:
    """Cancel pending work and end the pool's worker processes without waiting for them."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        with contextlib.suppress(Exception):
            proc.terminate()
    for proc in processes:
        with contextlib.suppress(Exception):
            proc.join(timeout=5)


def _die_with_run(run_pid: int) -> None:
    """Initializer of every worker: end this process when the run ``run_pid`` ends."""
    with contextlib.suppress(ValueError, OSError):  # not the main thread, or no such signal
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    _set_parent_death_signal()
    direct = os.getppid() == run_pid
    if not _alive(run_pid, direct):  # the run died before the signal was armed
        os._exit(1)
    watcher = threading.Thread(
        target=_watch, args=(run_pid, direct), name="wfm-run-watch", daemon=True
    )
    watcher.start()


def _set_parent_death_signal() -> bool:
    """Ask Linux for ``SIGKILL`` when the parent dies; False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _alive(run_pid: int, direct: bool) -> bool:
    """Whether the run is alive: still this worker's parent, or (workers started by a fork
    server) a process that exists."""
    if direct:
        return os.getppid() == run_pid
    return process_exists(run_pid)


def process_exists(pid: int) -> bool:
    """Whether a process ``pid`` exists on this machine (one of another user counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists but belongs to someone else
        return True
    return True


def _watch(run_pid: int, direct: bool) -> None:
    while _alive(run_pid, direct):
        time.sleep(_POLL_S)
    os._exit(1)
