"""The human/AI split: which contacts AI agents resolve and which people answer, and when.

For every series (channel × segment × site) and interval, contacts are offered to an AI agent
first (``ai_first_rate``), within the AI capacity of the channel; the AI resolves a share
(``containment_rate``) and escalates the rest to a person, whose handle time grows by
``escalation_aht_factor``. Contacts that need a person while the site is closed wait for the
opening (backlog), and contacts not resolved at first contact come back as repeat contacts
on later days.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wfm.core.calendar import open_mask
from wfm.core.config import Scenario
from wfm.core.errors import ConfigError, InputError
from wfm.core.results import StageResult
from wfm.core.schemas import SPLIT, order_table
from wfm.core.units import MIN_PER_H, interval_s, intervals_per_day
from wfm.split.backlog import BacklogMoves, backlog_moves, move_backlog
from wfm.split.capacity import accepted_rate, session_hold_s
from wfm.split.policy import SeriesPolicy, series_policy
from wfm.split.repeats import repeat_arrivals

log = logging.getLogger(__name__)

_KEYS = ["channel", "segment", "site"]
_MAX_PASSES = 5000
_TOLERANCE = 1e-12

# extra columns of the split table, after the SPLIT contract columns
EXTRA_COLUMNS = (
    "forecast_contacts",
    "repeat_contacts",
    "ai_handled",
    "ai_blocked_contacts",
    "backlog_out_contacts",
    "backlog_in_contacts",
    "escalation_delay_s",
    "aht_s",
    "ai_cost",
)
CAPACITY_COLUMNS = (
    "interval_start",
    "channel",
    "max_sessions",
    "sessions_offered",
    "sessions_used",
    "sessions_spare",
    "ai_handled",
    "ai_blocked_contacts",
)


def split_contacts(forecast: pd.DataFrame, scenario: Scenario) -> StageResult:
    """Split forecast contacts between AI agents and people, per interval.

    Parameters
    ----------
    forecast : pandas.DataFrame
        FORECAST table: ``interval_start`` (UTC), ``channel``, ``segment``, optional
        ``site``, ``contacts``, ``aht_s``; complete on the scenario's interval grid.
    scenario : Scenario
        Segments' AI policies, ``ai_capacity``, sites' opening hours and ``split`` settings.

    Returns
    -------
    StageResult
        ``table``: the SPLIT table with a ``site`` column (the home site where the forecast
        has none) and the extra columns

        - ``forecast_contacts``: the forecast; ``repeat_contacts``: repeat contacts arriving;
        - ``ai_handled``: contacts an AI agent took (``ai_contained + escalated``);
        - ``ai_blocked_contacts``: offered to AI but refused because its capacity was full;
        - ``backlog_out_contacts``: contacts that arrived while the site was closed and need
          a person, answered later; ``backlog_in_contacts``: such contacts answered here;
        - ``escalation_delay_s``: mean time the row's human contacts spent with the AI [s];
        - ``aht_s``: forecast AHT; ``ai_cost``: AI cost of the row's contacts [currency];

        and the optimiser bounds ``ai_min_rate`` ≤ ``ai_contained / contacts`` ≤
        ``ai_max_rate``. ``tables``: ``ai_capacity`` (per channel with configured capacity ×
        interval), ``repeats`` (by channel, segment and cause), ``split_summary`` (per
        channel × segment). ``figures``: totals and ``ai_share_rate`` per ``channel.segment``.

    Notes
    -----
    Per row, with X = forecast + repeat contacts, a = offered share, f = accepted share of
    the AI capacity, c = containment:

    - offered share a = ``ai_first_rate`` (``ai_first_closed_rate`` while the site is
      closed) while AI answers, capped so that a · c ≤ ``max_ai_share_rate``;
    - AI-handled H = X·a·f, contained C = H·c, escalated E = H − C, blocked X·a·(1 − f);
    - arriving for people P = X − C, with work (E·k + X − H)·AHT (k the escalation factor);
    - while the site is closed P moves to the opening (``backlog_out_contacts``), so
      ``contacts`` = X − out + in and ``human_contacts`` = P − out + in; hence
      ``ai_contained + human_contacts == contacts`` in every row;
    - unresolved contacts C·(1 − r_AI) + human_contacts·(1 − r_human) come back d days later
      with shares ``repeat_delay_profile_rate``; the split is solved again with them until
      the repeat contacts settle (a fixed point; it exists when some contacts resolve).

    Bounds for the shift optimiser: ``ai_max_rate`` is the share the AI could resolve in the
    row if every eligible contact were offered to it, within ``max_ai_share_rate`` and the
    session capacity left free by the other rows at their planned values (so one row at its
    bound is feasible; several rows of one channel and interval share the spare sessions
    given in ``ai_capacity``). ``ai_min_rate`` comes from ``min_ai_share_rate``. Both are
    shares of the row's ``contacts`` (0 when it has none).

    See :mod:`wfm.split.capacity`, :mod:`wfm.split.backlog` and :mod:`wfm.split.repeats` for
    the models and their references.
    """
    grid = _Grid.build(forecast, scenario)
    if grid.n_times == 0:
        return StageResult(table=_empty_table(forecast), notes=("empty forecast",))
    pol = series_policy(grid.series, scenario)
    run = _solve(grid, pol, scenario)
    table = order_table(_long_table(grid, run), SPLIT)
    tables = {
        "ai_capacity": _capacity_table(grid, run, scenario),
        "repeats": _repeats_table(grid, run),
        "split_summary": _summary_table(table),
    }
    return StageResult(
        table=table,
        tables=tables,
        notes=_notes(grid, run, scenario),
        figures=_figures(table, run, scenario),
    )


# -- the grid: forecast as (series × interval) matrices -------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class _Grid:
    """Forecast in matrix form: one row per series, one column per interval."""

    series: pd.DataFrame
    times: pd.DatetimeIndex
    n_times: int
    contacts: np.ndarray
    aht_s: np.ndarray
    is_open: np.ndarray
    interval_min: int

    @classmethod
    def build(cls, forecast: pd.DataFrame, scenario: Scenario) -> _Grid:
        fc = forecast[[c for c in forecast.columns if c != "site"]].copy()
        fc["site"] = forecast["site"] if "site" in forecast else scenario.home_site()
        for col, known in (
            ("channel", scenario.channels),
            ("segment", scenario.segments),
            ("site", scenario.sites),
        ):
            bad = ~fc[col].isin(list(known))
            if bad.any():
                row = int(np.argmax(bad.to_numpy()))
                raise InputError(
                    f"unknown {col} {fc[col].iloc[row]!r}",
                    source="forecast",
                    line=row + 2,
                    key=col,
                    expected=f"one of {', '.join(known)}",
                )
        times = pd.DatetimeIndex(fc["interval_start"].unique()).sort_values().as_unit("ns")
        step = pd.Timedelta(minutes=scenario.interval_min)
        if len(times) > 1 and not (np.diff(times.asi8) == step.value).all():
            raise InputError(
                "intervals are not consecutive on the scenario's grid",
                source="forecast",
                key="interval_start",
                expected=f"every {scenario.interval_min}-minute interval of the horizon",
            )
        series = fc[_KEYS].drop_duplicates().sort_values(_KEYS).reset_index(drop=True)
        if len(fc) != len(series) * len(times):
            raise InputError(
                f"{len(fc)} rows for {len(series)} series × {len(times)} intervals",
                source="forecast",
                expected="one row per series and interval (write 0 for no contacts)",
            )
        s_idx = pd.MultiIndex.from_frame(series).get_indexer(pd.MultiIndex.from_frame(fc[_KEYS]))
        t_idx = times.get_indexer(pd.DatetimeIndex(fc["interval_start"]).as_unit("ns"))
        shape = (len(series), len(times))
        contacts = np.zeros(shape)
        aht_s = np.zeros(shape)
        contacts[s_idx, t_idx] = fc["contacts"].to_numpy(dtype=float)
        aht_s[s_idx, t_idx] = fc["aht_s"].to_numpy(dtype=float)
        is_open = np.zeros(shape, dtype=bool)
        for site in series["site"].unique():
            rows = (series["site"] == site).to_numpy()
            is_open[rows] = open_mask(times, scenario.sites[site], scenario.interval_min)
        return cls(
            series=series,
            times=times,
            n_times=len(times),
            contacts=contacts,
            aht_s=aht_s,
            is_open=is_open,
            interval_min=scenario.interval_min,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class _Run:
    """Every matrix (series × interval) of the solved split, and what the notes need."""

    passes: int
    arrivals: np.ndarray
    repeats: np.ndarray
    repeats_ai: np.ndarray
    repeats_human: np.ndarray
    handled: np.ndarray
    blocked: np.ndarray
    contained: np.ndarray
    escalated: np.ndarray
    human: np.ndarray
    work_s: np.ndarray
    contacts: np.ndarray
    backlog_out: np.ndarray
    backlog_in: np.ndarray
    moves: dict[str, BacklogMoves]
    site_rows: dict[str, np.ndarray]
    stranded: np.ndarray
    escalation_delay_s: np.ndarray
    ai_cost: np.ndarray
    ai_min_rate: np.ndarray
    ai_max_rate: np.ndarray
    cap_channels: list[str]
    cap_load: dict[str, np.ndarray]
    used_s: np.ndarray
    tau_s: int
    offered_channels: list[str]


def _solve(grid: _Grid, pol: SeriesPolicy, scenario: Scenario) -> _Run:
    """Offer to AI, settle repeat contacts to a fixed point, and move closed-hours backlog."""
    offer = _ai_offer(grid, pol, scenario)
    routes = _backlog_routes(grid, scenario)
    profile = scenario.split.repeat_delay_profile_rate
    ipd = intervals_per_day(grid.interval_min)
    _check_repeats_settle(pol, profile)
    f = _settle(grid, pol, scenario, offer, routes)
    channels, hold_s, tau_s = offer.channels, offer.hold_s, offer.tau_s
    used_s = f["handled"] * hold_s
    min_count, max_count = _bound_counts(
        channels, offer.cap_channels, scenario, tau_s, pol, f["arrivals"], f["contained"],
        used_s, hold_s, offer.ai_open,
    )  # fmt: skip
    human, escalated, closed = f["human"], f["escalated"], routes.closed
    contacts = f["contained"] + human  # = arrivals − backlog_out + backlog_in, no cancellation
    return _Run(
        passes=f["passes"],
        arrivals=f["arrivals"],
        repeats=f["repeats"],
        repeats_ai=repeat_arrivals(f["unresolved_ai"], profile, ipd),
        repeats_human=repeat_arrivals(f["unresolved_human"], profile, ipd),
        handled=f["handled"],
        blocked=f["offered"] * (1.0 - f["accept"]),
        contained=f["contained"],
        escalated=escalated,
        human=human,
        work_s=f["work_s"],
        contacts=contacts,
        backlog_out=f["backlog_out"],
        backlog_in=f["backlog_in"],
        moves=routes.moves,
        site_rows=routes.site_rows,
        stranded=routes.stranded,
        escalation_delay_s=np.where(
            human > 0,
            np.where(closed, 0.0, escalated)
            * pol.escalation_delay_s[:, None]
            / np.where(human > 0, human, 1.0),
            0.0,
        ),
        ai_cost=f["handled"] * pol.cost_per_ai_contact[:, None]
        + escalated * pol.cost_per_escalation[:, None],
        ai_min_rate=_share(min_count, contacts),
        ai_max_rate=_share(max_count, contacts),
        cap_channels=offer.cap_channels,
        cap_load=f["cap_load"],
        used_s=used_s,
        tau_s=tau_s,
        offered_channels=sorted(
            {ch for ch, a in zip(channels, offer.rate.max(axis=1), strict=True) if a > 0}
        ),
    )


@dataclass(frozen=True)
class _Offer:
    """What is offered to AI agents per series and interval, and the sessions it holds."""

    channels: np.ndarray  # channel of each series
    cap_channels: list[str]  # channels with an AI capacity
    tau_s: int  # interval length [s]
    hold_s: np.ndarray  # (series, 1) AI session time per handled contact [s]
    ai_open: np.ndarray  # AI answers in the interval (site hours or always)
    rate: np.ndarray  # share of arrivals offered to AI


def _ai_offer(grid: _Grid, pol: SeriesPolicy, scenario: Scenario) -> _Offer:
    """AI offer rate: ``ai_first_rate`` (closed: ``ai_first_closed_rate``), capped so that
    containment stays within ``max_ai_share_rate``, zero while the AI is closed."""
    channels = grid.series["channel"].to_numpy()
    ai_aht_s = np.array(
        [
            scenario.ai_capacity[ch].ai_aht_s if ch in scenario.ai_capacity else 0.0
            for ch in channels
        ]
    )
    hold_s = session_hold_s(pol.containment_rate, ai_aht_s, pol.escalation_delay_s)[:, None]
    ai_open = np.ones_like(grid.is_open)
    for i, ch in enumerate(channels):
        if ch in scenario.ai_capacity and scenario.ai_capacity[ch].hours == "site":
            ai_open[i] = grid.is_open[i]
    c = pol.containment_rate[:, None]
    first = np.where(grid.is_open, pol.ai_first_rate[:, None], pol.ai_first_closed_rate[:, None])
    rate = (
        np.where(
            c > 0,
            np.minimum(first, pol.max_ai_share_rate[:, None] / np.maximum(c, 1e-300)),
            first,
        )
        * ai_open
    )
    return _Offer(
        channels=channels,
        cap_channels=[ch for ch in dict.fromkeys(channels) if ch in scenario.ai_capacity],
        tau_s=interval_s(grid.interval_min),
        hold_s=hold_s,
        ai_open=ai_open,
        rate=rate,
    )


@dataclass(frozen=True)
class _Routes:
    """Where contacts needing a person outside opening hours go, per site."""

    moves: dict[str, BacklogMoves]
    site_rows: dict[str, np.ndarray]  # series of each site
    stranded: np.ndarray  # series whose backlog has no opening to go to
    closed: np.ndarray  # (series, intervals) closed, and the backlog moves

    def moved(self, values: np.ndarray) -> np.ndarray:
        """``values`` of closed intervals moved to the openings that answer them."""
        out = np.zeros_like(values)
        for site, m in self.moves.items():
            out[self.site_rows[site]] = move_backlog(values[self.site_rows[site]], m)
        return out


def _backlog_routes(grid: _Grid, scenario: Scenario) -> _Routes:
    """Backlog moves of each site within ``split.backlog_deadline_h``."""
    deadline_intervals = math.ceil(
        scenario.split.backlog_deadline_h * MIN_PER_H / grid.interval_min - 1e-9
    )
    moves: dict[str, BacklogMoves] = {
        site: backlog_moves(
            grid.is_open[(grid.series["site"] == site).to_numpy()][0], deadline_intervals
        )
        for site in grid.series["site"].unique()
    }
    site_rows = {site: (grid.series["site"] == site).to_numpy() for site in moves}
    stranded = np.zeros(len(grid.series), dtype=bool)
    for site, m in moves.items():
        stranded[site_rows[site]] = m.stranded
    closed = ~grid.is_open & ~stranded[:, None]
    return _Routes(moves=moves, site_rows=site_rows, stranded=stranded, closed=closed)


def _settle(
    grid: _Grid, pol: SeriesPolicy, scenario: Scenario, offer: _Offer, routes: _Routes
) -> dict:
    """Repeat contacts to a fixed point: each pass offers arrivals (forecast + repeats) to AI
    within capacity, routes the rest to people (closed hours through the backlog) and draws
    the repeats of the unresolved ones; it stops when the repeats no longer change."""
    channels, tau_s, hold_s, closed = offer.channels, offer.tau_s, offer.hold_s, routes.closed
    profile = scenario.split.repeat_delay_profile_rate
    ipd = intervals_per_day(grid.interval_min)
    c = pol.containment_rate[:, None]
    r_ai = pol.ai_resolution_rate[:, None]
    r_h = pol.human_resolution_rate[:, None]
    repeats = np.zeros_like(grid.contacts)
    for passes in range(1, _MAX_PASSES + 1):  # noqa: B007 (used after the loop)
        arrivals = grid.contacts + repeats
        offered = arrivals * offer.rate
        load_s = offered * hold_s
        accept = np.ones_like(arrivals)
        cap_load = {}
        for ch in offer.cap_channels:
            rows = channels == ch
            total = load_s[rows].sum(axis=0)
            cap_load[ch] = total
            accept[rows] = accepted_rate(total, scenario.ai_capacity[ch].max_sessions * tau_s)
        handled = offered * accept
        contained = handled * c
        escalated = handled * (1.0 - c)
        direct = arrivals - handled
        human_new = escalated + direct
        work_new = (escalated * pol.escalation_aht_factor[:, None] + direct) * grid.aht_s
        backlog_out = np.where(closed, human_new, 0.0)
        backlog_in = routes.moved(backlog_out)
        work_in = routes.moved(np.where(closed, work_new, 0.0))
        human = np.where(closed, 0.0, human_new) + backlog_in
        work_s = np.where(closed, 0.0, work_new) + work_in
        unresolved_ai = contained * (1.0 - r_ai)
        unresolved_human = human * (1.0 - r_h)
        new_repeats = repeat_arrivals(unresolved_ai + unresolved_human, profile, ipd)
        change = float(np.abs(new_repeats - repeats).max())
        if change <= _TOLERANCE * max(1.0, float(arrivals.max())):
            break
        repeats = new_repeats
    else:
        raise ConfigError(
            f"repeat contacts do not settle after {_MAX_PASSES} passes; raise "
            "ai_resolution_rate or human_resolution_rate, or lower repeat_delay_profile_rate",
            key="split.repeat_delay_profile_rate",
        )
    return {
        "passes": passes, "arrivals": arrivals, "repeats": repeats, "offered": offered,
        "accept": accept, "cap_load": cap_load, "handled": handled, "contained": contained,
        "escalated": escalated, "human": human, "work_s": work_s, "backlog_out": backlog_out,
        "backlog_in": backlog_in, "unresolved_ai": unresolved_ai,
        "unresolved_human": unresolved_human,
    }  # fmt: skip


def _bound_counts(
    channels: np.ndarray,
    cap_channels: list[str],
    scenario: Scenario,
    tau_s: int,
    pol: SeriesPolicy,
    arrivals: np.ndarray,
    contained: np.ndarray,
    used_s: np.ndarray,
    hold_s: np.ndarray,
    ai_open: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Least and most AI-contained contacts per row, the others staying as planned.

    The most: every eligible contact offered, within ``max_ai_share_rate`` and the sessions
    left free by the other rows of the channel (the row's own planned use plus the spare).
    """
    c = pol.containment_rate[:, None]
    room = np.full_like(arrivals, np.inf)
    for ch in cap_channels:
        rows = channels == ch
        spare_s = np.maximum(
            scenario.ai_capacity[ch].max_sessions * tau_s - used_s[rows].sum(axis=0), 0.0
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            room[rows] = np.where(hold_s[rows] > 0, (spare_s + used_s[rows]) / hold_s[rows], np.inf)
    eligible = arrivals * (pol.ai_allowed[:, None] & ai_open)
    max_count = np.minimum(
        np.minimum(eligible, room) * c, pol.max_ai_share_rate[:, None] * arrivals
    )
    max_count = np.maximum(max_count, contained)
    min_count = np.minimum(pol.min_ai_share_rate[:, None] * arrivals, contained)
    return min_count, max_count


def _check_repeats_settle(pol: SeriesPolicy, profile: tuple[float, ...]) -> None:
    """Raise unless each contact brings back fewer than one repeat contact on average."""
    unresolved = np.maximum(
        np.where(pol.containment_rate > 0, 1.0 - pol.ai_resolution_rate, 0.0),
        1.0 - pol.human_resolution_rate,
    )
    if len(unresolved) and sum(profile) * float(unresolved.max()) >= 1.0 - 1e-12:
        raise ConfigError(
            "repeat contacts never settle: with these resolution rates every contact comes "
            "back; raise ai_resolution_rate or human_resolution_rate above 0, or let "
            "repeat_delay_profile_rate sum to less than 1",
            key="split.repeat_delay_profile_rate",
        )


def _share(count: np.ndarray, contacts: np.ndarray) -> np.ndarray:
    safe = np.where(contacts > 0, contacts, 1.0)
    return np.where(contacts > 0, np.clip(count / safe, 0.0, 1.0), 0.0)


# -- outputs --------------------------------------------------------------------------------
def _long_table(grid: _Grid, run: _Run) -> pd.DataFrame:
    n_s, n_t = grid.contacts.shape
    human = run.human
    safe = np.where(human > 0, human, 1.0)
    human_aht_s = np.where(human > 0, run.work_s / safe, grid.aht_s)
    cols = {
        "interval_start": np.tile(grid.times, n_s),
        **{k: np.repeat(grid.series[k].to_numpy(), n_t) for k in _KEYS},
        "contacts": run.contacts,
        "ai_contained": run.contained,
        "escalated": run.escalated,
        "human_contacts": human,
        "human_aht_s": human_aht_s,
        "ai_min_rate": run.ai_min_rate,
        "ai_max_rate": run.ai_max_rate,
        "forecast_contacts": grid.contacts,
        "repeat_contacts": run.repeats,
        "ai_handled": run.handled,
        "ai_blocked_contacts": run.blocked,
        "backlog_out_contacts": run.backlog_out,
        "backlog_in_contacts": run.backlog_in,
        "escalation_delay_s": run.escalation_delay_s,
        "aht_s": grid.aht_s,
        "ai_cost": run.ai_cost,
    }
    out = {}
    for k, v in cols.items():
        arr = np.asarray(v)
        out[k] = arr.ravel() if arr.ndim == 2 else arr
    df = pd.DataFrame(out)
    df["interval_start"] = pd.DatetimeIndex(df["interval_start"]).tz_convert("UTC")
    return df


def _empty_table(forecast: pd.DataFrame) -> pd.DataFrame:
    cols = list(SPLIT.names) + list(EXTRA_COLUMNS)
    df = pd.DataFrame({c: pd.Series(dtype=float) for c in cols})
    df["interval_start"] = pd.Series(dtype="datetime64[ns, UTC]")
    for k in _KEYS:
        df[k] = pd.Series(dtype=str)
    return df[cols]


def _capacity_table(grid: _Grid, run: _Run, scenario: Scenario) -> pd.DataFrame:
    frames = []
    channels = grid.series["channel"].to_numpy()
    for ch in run.cap_channels:
        rows = channels == ch
        max_sessions = scenario.ai_capacity[ch].max_sessions
        used = run.used_s[rows].sum(axis=0) / run.tau_s
        frames.append(
            pd.DataFrame(
                {
                    "interval_start": grid.times,
                    "channel": ch,
                    "max_sessions": max_sessions,
                    "sessions_offered": run.cap_load[ch] / run.tau_s,
                    "sessions_used": used,
                    "sessions_spare": np.maximum(max_sessions - used, 0.0),
                    "ai_handled": run.handled[rows].sum(axis=0),
                    "ai_blocked_contacts": run.blocked[rows].sum(axis=0),
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=list(CAPACITY_COLUMNS))
    return pd.concat(frames, ignore_index=True)


def _repeats_table(grid: _Grid, run: _Run) -> pd.DataFrame:
    base = grid.series[["channel", "segment"]]
    parts = []
    for cause, mat in (("ai_unresolved", run.repeats_ai), ("human_unresolved", run.repeats_human)):
        df = base.assign(cause=cause, repeat_contacts=mat.sum(axis=1))
        parts.append(df)
    out = pd.concat(parts, ignore_index=True)
    out = out.groupby(["channel", "segment", "cause"], as_index=False, sort=True)[
        "repeat_contacts"
    ].sum()
    return out


def _summary_table(table: pd.DataFrame) -> pd.DataFrame:
    g = table.groupby(["channel", "segment"], as_index=False, sort=True)[
        [
            "forecast_contacts",
            "repeat_contacts",
            "contacts",
            "ai_handled",
            "ai_contained",
            "escalated",
            "human_contacts",
            "ai_blocked_contacts",
            "ai_cost",
        ]
    ].sum()
    total = g["contacts"].to_numpy()
    safe = np.where(total > 0, total, 1.0)
    g["ai_share_rate"] = np.where(total > 0, g["ai_contained"] / safe, 0.0)
    g["human_share_rate"] = np.where(total > 0, g["human_contacts"] / safe, 0.0)
    return g


def _figures(table: pd.DataFrame, run: _Run, scenario: Scenario) -> dict:
    summary = _summary_table(table)
    contacts = float(table["contacts"].sum())
    wrapped = _wrapped(run)
    binding = 0
    for ch in run.cap_channels:
        cap_s = scenario.ai_capacity[ch].max_sessions * run.tau_s
        binding += int((run.cap_load[ch] > cap_s * (1 + 1e-12)).sum())
    return {
        "currency": scenario.currency,
        "forecast_contacts": float(table["forecast_contacts"].sum()),
        "repeat_contacts": float(table["repeat_contacts"].sum()),
        "contacts": contacts,
        "ai_handled": float(table["ai_handled"].sum()),
        "ai_contained": float(table["ai_contained"].sum()),
        "escalated": float(table["escalated"].sum()),
        "human_contacts": float(table["human_contacts"].sum()),
        "ai_share_rate_total": float(table["ai_contained"].sum()) / contacts if contacts else 0.0,
        "ai_blocked_contacts": float(table["ai_blocked_contacts"].sum()),
        "ai_capacity_binding_intervals": binding,
        "backlog_contacts": float(table["backlog_out_contacts"].sum()),
        "backlog_wrapped_contacts": wrapped,
        "ai_cost": float(table["ai_cost"].sum()),
        "repeat_passes": int(run.passes),
        "ai_share_rate": {
            f"{ch}.{seg}": round(float(v), 6)
            for ch, seg, v in zip(
                summary["channel"], summary["segment"], summary["ai_share_rate"], strict=True
            )
        },
    }


def _notes(grid: _Grid, run: _Run, scenario: Scenario) -> tuple[str, ...]:
    notes = []
    for ch in run.offered_channels:
        if ch not in scenario.ai_capacity:
            notes.append(
                f"AI capacity of channel {ch!r} is not configured (ai_capacity.{ch}); its AI "
                "sessions are treated as unlimited and available around the clock"
            )
    for ch in run.cap_channels:
        rows = (grid.series["channel"] == ch).to_numpy()
        blocked = run.blocked[rows].sum(axis=0)
        n = int((blocked > 1e-9).sum())
        if n:
            notes.append(
                f"AI capacity of {ch} ({scenario.ai_capacity[ch].max_sessions} sessions) binds "
                f"in {n} intervals: {blocked.sum():.1f} contacts offered to AI went to people"
            )
    backlog = float(run.backlog_out.sum())
    if backlog > 0:
        wrapped = _wrapped(run)
        notes.append(
            f"{backlog:.1f} contacts needing a person outside opening hours are answered after "
            f"the next opening, within {scenario.split.backlog_deadline_h:g} h of opening time"
            + (
                f"; {wrapped:.1f} of them arrived after the last opening of the horizon and are "
                "answered at its first opening (cyclic horizon)"
                if wrapped > 1e-9
                else ""
            )
        )
    for site, m in run.moves.items():
        if m.stranded:
            notes.append(
                f"site {site} never opens in the horizon: its out-of-hours contacts stay in "
                "their intervals"
            )
    rep = float(run.repeats.sum())
    if rep > 0:
        notes.append(
            f"{rep:.1f} repeat contacts added ({run.repeats_ai.sum():.1f} after AI containment "
            f"that did not resolve, {run.repeats_human.sum():.1f} after people), cyclic horizon"
        )
    return tuple(notes)


def _wrapped(run: _Run) -> float:
    wrapped = 0.0
    for site, m in run.moves.items():
        if len(m.src):
            out = run.backlog_out[run.site_rows[site]][:, m.src]
            wrapped += float((out * m.share_rate * m.wrapped).sum())
    return wrapped
