"""Trace replay: feed a real call log through the event loop and compare with what happened.

The log is read by the caller (``io`` or a benchmark) into a DataFrame with the columns of
the Technion "Anonymous Bank" call log: ``outcome`` (AGENT, HANG, PHANTOM), ``q_time`` and
``ser_time`` [s], ``server``, ``type``, and the ISO timestamps ``q_start_ts``,
``ser_start_ts``, ``vru_exit_ts`` (site-local, naive).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from wfm.core.errors import InputError
from wfm.core.results import StageResult
from wfm.core.units import interval_s
from wfm.simulate.engine import run_events
from wfm.simulate.kpis import ratio, replication_mean
from wfm.simulate.network import ABANDONED, ANSWERED, Network, PoolSpec, QueueSpec

TRACE_COLUMNS = ("outcome", "q_time", "ser_time", "server", "type", "q_start_ts", "ser_start_ts")
"""Columns ``replay_calls`` reads."""

NO_SERVER = "NO_SERVER"


def replay_calls(
    calls: pd.DataFrame,
    *,
    interval_min: int = 30,
    replications: int = 10,
    seed: int = 1,
    sl_threshold_s: float = 20.0,
    tz: str = "Asia/Jerusalem",
    level_rate: float = 0.95,
    agents_from: Literal["servers", "presence"] = "servers",
    presence_gap_s: float = 600.0,
) -> StageResult:
    """Replay a call log with its own arrivals, handle times, patience and agents.

    Parameters
    ----------
    calls : pandas.DataFrame
        One row per call (columns :data:`TRACE_COLUMNS`; strings are parsed here).
    interval_min : int
        Interval of the agent counts and of the comparison [min].
    replications : int
        Seeded runs (the censored patience of answered calls and the handle time of
        abandoned calls are drawn; everything else is the log's own).
    seed : int
        Seed of the draws (from the scenario or the command line).
    sl_threshold_s : float
        Answer-within threshold of the service level [s].
    tz : str
        IANA zone of the log's naive timestamps.
    level_rate : float
        Confidence level of the half-widths.
    agents_from : {"servers", "presence"}
        Agents of an interval: the distinct servers who started a call in it, or the
        agent-time present in it / interval length (rounded), a server being present from
        the start to the end of its calls, bridged over idle gaps up to ``presence_gap_s``.
    presence_gap_s : float
        Longest idle time between two calls of a server still counted as present [s].

    Returns
    -------
    StageResult
        ``table`` per ``interval_start`` (UTC): calls, agents, recorded and simulated
        answered, abandoned, ASA, abandon rate and service level (with half-widths);
        ``figures``: the same overall, and the mean absolute error per interval.

    Notes
    -----
    Calls kept: answered (AGENT) and abandoned from the queue (HANG with ``q_time`` > 0);
    hang-ups inside the voice menu and PHANTOM calls never reached an agent queue. A call
    joins the queue at ``q_start_ts`` (or ``ser_start_ts`` when it did not wait). Handle
    time is ``ser_time``; an abandoned call, if the replay answers it, takes a handle time
    resampled from answered calls of its ``type``. Patience of an abandoned call is its
    recorded wait; an answered call only shows that its patience exceeded its wait, so its
    patience is wait + Exp(θ̂), with θ̂ = total wait / abandonments, the maximum-likelihood
    mean of exponential patience under right censoring [1]_. Agents of an interval: the
    distinct ``server`` names that started a call in it, all serving one FIFO queue (call
    priority and agent groups are not replayed). Service level: answered within
    ``sl_threshold_s`` / calls (abandoned calls count as failures).

    References
    ----------
    .. [1] L. Brown, N. Gans, A. Mandelbaum, A. Sakov, H. Shen, S. Zeltyn, L. Zhao,
       "Statistical analysis of a telephone call center: a queueing-science perspective,"
       J. Am. Stat. Assoc., 100(469), 36–50, 2005.
    """
    missing = [c for c in TRACE_COLUMNS if c not in calls.columns]
    if missing:
        raise InputError(f"missing column {missing[0]!r}", source="calls", line=1)
    ivl = float(interval_s(interval_min))
    log = _read_log(calls, interval_min, tz)
    agents = _log_agents(log, agents_from, presence_gap_s, ivl)
    sims = _replications(log, agents, ivl, replications, seed, sl_threshold_s)
    table, rec, stack = _compare(log, agents, sims, ivl, sl_threshold_s, level_rate)
    figures = _figures(log, table, rec, stack, replications)
    notes = _notes(log, agents_from, presence_gap_s)
    return StageResult(table=table, notes=notes, figures=figures)


def _notes(log: _Log, agents_from: str, presence_gap_s: float) -> tuple[str, ...]:
    """What the replay took from the log and what it drew."""
    who = (
        "distinct servers per interval"
        if agents_from == "servers"
        else f"server presence per interval (idle gaps ≤ {presence_gap_s:g} s bridged)"
    )
    return (
        f"trace replay of {log.n} calls: real arrival and handle times, recorded patience of "
        f"abandoned calls, wait + Exp({log.mean_patience_s:.0f} s) for answered ones; agents = "
        f"{who} on one FIFO queue",
        "per-interval errors are over intervals with at least 10 calls",
    )


@dataclass(frozen=True)
class _Log:
    """Calls kept from the log, in arrival order, on the interval grid of the replay."""

    df: pd.DataFrame  # the kept rows of the log
    q_time: np.ndarray  # recorded wait [s]
    served: np.ndarray  # answered by an agent (else abandoned from the queue)
    ser_time: np.ndarray  # recorded handle time [s]
    arrival: np.ndarray  # time of joining the queue from t0 [s]
    slot: np.ndarray  # interval of the arrival
    t0: pd.Timestamp  # start of the first interval (UTC)
    n_int: int  # intervals from the first to the last arrival
    tz: str  # IANA zone of the log's naive timestamps

    @property
    def n(self) -> int:
        """Calls kept."""
        return len(self.arrival)

    @property
    def mean_patience_s(self) -> float:
        """θ̂ = total wait / abandonments (inf when none abandoned) [s]."""
        n_abandoned = int((~self.served).sum())
        return self.q_time.sum() / n_abandoned if n_abandoned else np.inf


def _read_log(calls: pd.DataFrame, interval_min: int, tz: str) -> _Log:
    """Keep the calls that reached the agent queue, order them by arrival (UTC)."""
    ivl = float(interval_s(interval_min))
    q_time = pd.to_numeric(calls["q_time"]).to_numpy(dtype=float)
    outcome = calls["outcome"].astype(str).to_numpy()
    keep = (outcome == "AGENT") | ((outcome == "HANG") & (q_time > 0))
    df = calls.loc[keep].reset_index(drop=True)
    q_time = q_time[keep]
    served = df["outcome"].astype(str).to_numpy() == "AGENT"
    ser_time = pd.to_numeric(df["ser_time"]).to_numpy(dtype=float)
    joined = df["q_start_ts"].where(q_time > 0, df["ser_start_ts"])
    local = pd.to_datetime(joined)
    utc = local.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT").dt.tz_convert("UTC")
    ok = utc.notna().to_numpy()
    df, q_time, served, ser_time, utc = df[ok], q_time[ok], served[ok], ser_time[ok], utc[ok]
    order = np.argsort(utc.to_numpy(), kind="stable")
    df, q_time, served, ser_time = df.iloc[order], q_time[order], served[order], ser_time[order]
    utc = utc.iloc[order].reset_index(drop=True)
    df = df.reset_index(drop=True)
    t0 = utc.iloc[0].floor(f"{interval_min}min")
    arrival = (utc - t0).dt.total_seconds().to_numpy()
    n_int = int(arrival[-1] // ivl) + 1
    slot = (arrival // ivl).astype(int)
    return _Log(df, q_time, served, ser_time, arrival, slot, t0, n_int, tz)


def _log_agents(log: _Log, agents_from: str, presence_gap_s: float, ivl: float) -> np.ndarray:
    """Agents per interval (and one more interval after the last), from the servers' calls."""
    df, served, n_int = log.df, log.served, log.n_int
    start_local = pd.to_datetime(df["ser_start_ts"].where(served))
    start_utc = start_local.dt.tz_localize(
        log.tz, ambiguous="NaT", nonexistent="NaT"
    ).dt.tz_convert("UTC")
    start_s = (start_utc - log.t0).dt.total_seconds().to_numpy()
    named = served & (df["server"].astype(str).to_numpy() != NO_SERVER) & ~np.isnan(start_s)
    servers = df["server"].astype(str).to_numpy()[named]
    agents = np.zeros((n_int + 1, 1), dtype=np.int64)
    if agents_from == "servers":
        pairs = pd.DataFrame({"b": (start_s[named] // ivl).astype(int), "server": servers})
        pairs = pairs[(pairs["b"] >= 0) & (pairs["b"] < n_int)]
        counts = pairs.drop_duplicates().groupby("b").size()
        agents[counts.index.to_numpy(), 0] = counts.to_numpy()
    elif agents_from == "presence":
        present_s = _presence_s(
            servers, start_s[named], log.ser_time[named], presence_gap_s, ivl, n_int
        )
        agents[:n_int, 0] = np.rint(present_s / ivl).astype(np.int64)
    else:
        raise ValueError(f"agents_from must be 'servers' or 'presence'; got {agents_from!r}")
    agents[n_int, 0] = agents[n_int - 1, 0]  # the last callers are answered
    return agents


def _replications(
    log: _Log,
    agents: np.ndarray,
    ivl: float,
    replications: int,
    seed: int,
    sl_threshold_s: float,
) -> list[dict[str, np.ndarray]]:
    """Seeded replays: answered, abandoned, met and total wait per interval, per run."""
    served, ser_time, q_time, slot, n_int = (
        log.served, log.ser_time, log.q_time, log.slot, log.n_int
    )  # fmt: skip
    types = log.df["type"].astype(str).to_numpy()
    pool_by_type = {t: ser_time[served & (types == t)] for t in np.unique(types)}
    all_served = ser_time[served]
    mean_patience_s = log.mean_patience_s
    net = Network(
        queues=(QueueSpec(channel=0, rank=0),),
        pools=(PoolSpec(queues=(0,), proficiency=(1.0,)),),
        max_concurrency=(1,),
        concurrency_aht_factor=(0.0,),
        interval_s=ivl,
    )
    sims = []
    for ss in np.random.SeedSequence(seed).spawn(replications):
        rng = np.random.default_rng(ss)
        work = ser_time.copy()
        for t in np.unique(types[~served]):
            m = (~served) & (types == t)
            src = pool_by_type[t] if len(pool_by_type.get(t, ())) else all_served
            work[m] = rng.choice(src, size=int(m.sum()))
        patience = q_time.copy()
        patience[served] = q_time[served] + rng.exponential(mean_patience_s, int(served.sum()))
        out = run_events(net, log.arrival, np.zeros(log.n, dtype=int), work, patience, agents)
        ans = out.status == ANSWERED
        ab = out.status == ABANDONED
        sims.append(
            {
                "answered": np.bincount(slot, ans, n_int),
                "abandoned": np.bincount(slot, ab, n_int),
                "met": np.bincount(slot, ans & (out.wait_s <= sl_threshold_s), n_int),
                "wait": np.bincount(slot, np.where(ans, out.wait_s, 0.0), n_int),
            }
        )
    return sims


def _compare(
    log: _Log,
    agents: np.ndarray,
    sims: list[dict[str, np.ndarray]],
    ivl: float,
    sl_threshold_s: float,
    level_rate: float,
) -> tuple[pd.DataFrame, dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Per-interval table of recorded against simulated figures (intervals with calls)."""
    slot, served, q_time, n_int = log.slot, log.served, log.q_time, log.n_int
    calls_n = np.bincount(slot, minlength=n_int).astype(float)
    rec = {
        "answered": np.bincount(slot, served, n_int),
        "abandoned": np.bincount(slot, ~served, n_int),
        "met": np.bincount(slot, served & (q_time <= sl_threshold_s), n_int),
        "wait": np.bincount(slot, np.where(served, q_time, 0.0), n_int),
    }
    stack = {k: np.stack([s[k] for s in sims]) for k in sims[0]}
    sim_asa, sim_asa_hw = replication_mean(ratio(stack["wait"], stack["answered"]), level_rate)
    sim_ab, sim_ab_hw = replication_mean(ratio(stack["abandoned"], calls_n), level_rate)
    sim_sl, sim_sl_hw = replication_mean(ratio(stack["met"], calls_n), level_rate)
    table = pd.DataFrame(
        {
            "interval_start": (log.t0 + np.arange(n_int) * pd.Timedelta(seconds=ivl)),
            "calls": calls_n,
            "agents": agents[:n_int, 0],
            "recorded_answered": rec["answered"],
            "recorded_abandoned": rec["abandoned"],
            "recorded_asa_s": ratio(rec["wait"], rec["answered"]),
            "recorded_abandon_rate": ratio(rec["abandoned"], calls_n),
            "recorded_service_level_rate": ratio(rec["met"], calls_n),
            "simulated_answered": stack["answered"].mean(axis=0),
            "simulated_abandoned": stack["abandoned"].mean(axis=0),
            "simulated_asa_s": sim_asa,
            "simulated_asa_half_width_s": sim_asa_hw,
            "simulated_abandon_rate": sim_ab,
            "simulated_abandon_half_width_rate": sim_ab_hw,
            "simulated_service_level_rate": sim_sl,
            "simulated_service_level_half_width_rate": sim_sl_hw,
        }
    )
    table["interval_start"] = table["interval_start"].astype("datetime64[ns, UTC]")
    table = table[table["calls"] > 0].reset_index(drop=True)
    return table, rec, stack


def _figures(
    log: _Log,
    table: pd.DataFrame,
    rec: dict[str, np.ndarray],
    stack: dict[str, np.ndarray],
    replications: int,
) -> dict:
    """Overall recorded and simulated figures, and the mean absolute error per interval."""
    n = log.n
    tot = {k: v.sum(axis=1) for k, v in stack.items()}
    busy = table["calls"] >= 10
    return {
        "calls": int(n),
        "replications": replications,
        "mean_patience_s": float(log.mean_patience_s),
        "recorded_asa_s": float(rec["wait"].sum() / rec["answered"].sum()),
        "simulated_asa_s": float(np.mean(tot["wait"] / tot["answered"])),
        "recorded_abandon_rate": float(rec["abandoned"].sum() / n),
        "simulated_abandon_rate": float(np.mean(tot["abandoned"] / n)),
        "recorded_service_level_rate": float(rec["met"].sum() / n),
        "simulated_service_level_rate": float(np.mean(tot["met"] / n)),
        "interval_asa_mae_s": float(
            np.nanmean(np.abs(table["simulated_asa_s"] - table["recorded_asa_s"])[busy])
        ),
        "interval_abandon_mae_rate": float(
            np.nanmean(
                np.abs(table["simulated_abandon_rate"] - table["recorded_abandon_rate"])[busy]
            )
        ),
    }


def _presence_s(
    servers: np.ndarray,
    start_s: np.ndarray,
    handle_s: np.ndarray,
    gap_s: float,
    ivl: float,
    n_int: int,
) -> np.ndarray:
    """Agent-seconds present per interval: each server's calls, merged over gaps ≤ gap_s."""
    order = np.lexsort((start_s, servers))
    srv, start, end = servers[order], start_s[order], start_s[order] + handle_s[order]
    present = np.zeros(n_int)
    i = 0
    while i < len(srv):
        span_start, span_end = start[i], end[i]
        j = i + 1
        while j < len(srv) and srv[j] == srv[i] and start[j] - span_end <= gap_s:
            span_end = max(span_end, end[j])
            j += 1
        b = int(span_start // ivl)
        while b < n_int and b * ivl < span_end:
            lo, hi = max(span_start, b * ivl), min(span_end, (b + 1) * ivl)
            present[b] += max(hi - lo, 0.0)
            b += 1
        i = j
    return present
