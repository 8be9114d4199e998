"""The one way ``wfm`` reaches a Dask cluster: connect, check the workers, say where work ran.

Forecast series (:func:`wfm.forecast.engine.run_jobs`) and what-if points
(:func:`wfm.pipeline.whatif.sweep`) both go to the cluster a run's options name
(``--dask-scheduler`` or the nightly config key ``dask_scheduler``) through
:func:`dask_client`. It lives in the forecast layer because that is the lowest layer that
sends work to a cluster, and only the forecast and pipeline layers may import ``distributed``.

A worker unpickles the functions it is sent by importing them from its own ``wfm``, so every
worker must run the same ``wfm`` version as the run: :func:`dask_client` compares
``wfm.__version__`` on each worker with this process's and refuses a cluster that differs.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

import wfm
from wfm.core.errors import ConfigError
from wfm.core.run_options import RunOptions

if TYPE_CHECKING:
    from distributed import Client

log = logging.getLogger(__name__)

DASK_CONNECT_S = 10.0
"""How long a run tries to reach its Dask scheduler, and waits for a first worker [s]."""


@contextlib.contextmanager
def dask_client(options: RunOptions, *, instead: str) -> Iterator[Client]:
    """A client of the run's Dask scheduler whose workers all run this ``wfm`` version.

    Parameters
    ----------
    options : RunOptions
        ``dask_scheduler`` (not empty) and where it came from, for messages.
    instead : str
        What the run does without an address, for the message of an unreachable scheduler
        ("forecast in local processes").

    Yields
    ------
    distributed.Client
        Closed when the block ends.

    Raises
    ------
    ConfigError
        The scheduler cannot be reached, or has no worker, within ``DASK_CONNECT_S``; a
        worker cannot report its ``wfm`` version, or reports another than this process's.
        The message names the address and the flag or key it came from.
    """
    from distributed import Client

    address = options.dask_scheduler
    try:
        client = Client(address, set_as_default=False, timeout=DASK_CONNECT_S)
    except (OSError, TimeoutError) as err:
        raise ConfigError(
            f"cannot reach the Dask scheduler {address} within {DASK_CONNECT_S:g} s "
            f"({type(err).__name__}); check the address and that the scheduler is running, "
            f"or leave the address out to {instead}",
            key=options.dask_scheduler_from,
        ) from None
    with client:
        try:
            client.wait_for_workers(1, timeout=DASK_CONNECT_S)
        except TimeoutError:
            raise ConfigError(
                f"the Dask scheduler {address} has no worker after {DASK_CONNECT_S:g} s; "
                "start workers with: dask worker " + address,
                key=options.dask_scheduler_from,
            ) from None
        _check_versions(client, options)
        yield client


def cluster_workers(client: Client) -> int:
    """Workers connected to the client's scheduler now."""
    return len(client.nthreads())


def where(client: Client) -> str:
    """Where work sent to ``client`` runs, for logs and notes."""
    n = cluster_workers(client)
    return (
        f"the Dask cluster at {client.scheduler.address} with {n} worker{'s' * (n != 1)} "
        f"(wfm {wfm.__version__})"
    )


def _check_versions(client: Client, options: RunOptions) -> None:
    """Refuse workers whose ``wfm.__version__`` is not this process's (or who have none)."""
    mine = wfm.__version__
    try:
        # the module travels by reference: each worker reads the attribute of its own wfm
        theirs = client.run(getattr, wfm, "__version__")
    except Exception as err:  # noqa: BLE001 — a worker without wfm fails to unpickle it
        raise ConfigError(
            f"the workers of the Dask scheduler {options.dask_scheduler} cannot import wfm "
            f"({type(err).__name__}: {err}); install wfm-planner {mine} in the workers' "
            "environment",
            key=options.dask_scheduler_from,
        ) from None
    other = {w: v for w, v in sorted(theirs.items()) if v != mine}
    if other:
        worker, version = next(iter(other.items()))
        raise ConfigError(
            f"the Dask workers run wfm {version} (worker {worker}"
            f"{f' and {len(other) - 1} more' if len(other) > 1 else ''}) but this run is "
            f"wfm {mine}; install wfm-planner {mine} in the workers' environment and restart "
            "them",
            key=options.dask_scheduler_from,
        )
