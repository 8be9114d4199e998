"""Result tables of the simulation check: KPIs per interval, scope, pool and replication.

From the tallies of all replications: the interval table per (interval_start, site, skill)
with means and confidence half-widths against each row's service-level target, the summary
overall and per segment and channel, pool occupancy, the overall figures of each replication,
and the notes that state how the simulated service level is counted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wfm.core.config import Scenario
from wfm.simulate.kpis import ratio, replication_mean
from wfm.simulate.model import PlanModel

_UTC = "datetime64[ns, UTC]"


def _kpis(tallies: list[dict], abandoned_in_sl: bool, level: float) -> dict[str, np.ndarray]:
    """Means and half-widths over replications of one tally level."""
    stack = {k: np.stack([t[k] for t in tallies]) for k in tallies[0]}
    den = stack["contacts"] - (0.0 if abandoned_in_sl else stack["abandoned"])
    sl, sl_hw = replication_mean(ratio(stack["met"], den), level)
    asa, asa_hw = replication_mean(ratio(stack["wait_answered_s"], stack["answered"]), level)
    ab, ab_hw = replication_mean(ratio(stack["abandoned"], stack["contacts"]), level)
    done = stack["answered"] + stack["abandoned"]
    wait, wait_hw = replication_mean(ratio(stack["wait_all_s"], done), level)
    out = {k: v.mean(axis=0) for k, v in stack.items()}
    out.update(
        service_level_rate=sl,
        service_level_half_width_rate=sl_hw,
        asa_s=asa,
        asa_half_width_s=asa_hw,
        abandon_rate=ab,
        abandon_half_width_rate=ab_hw,
        wait_s=wait,
        wait_half_width_s=wait_hw,
        missed_target_contacts=(stack["contacts"] - stack["met"]).mean(axis=0),
    )
    return out


def _targets(model: PlanModel, scenario: Scenario, key: np.ndarray, size: int) -> np.ndarray:
    """Contact-weighted service-level target of the split rows grouped by ``key``."""
    tgt = np.array(
        [
            scenario.segments[model.segments[g]].target(model.channels[c]).sl_target_rate
            for g, c in zip(model.row_segment, model.row_channel, strict=True)
        ]
    )
    w = model.row_contacts
    num = np.bincount(key, weights=w * tgt, minlength=size)
    den = np.bincount(key, weights=w, minlength=size)
    plain = np.bincount(key, weights=tgt, minlength=size) / np.maximum(
        np.bincount(key, minlength=size), 1
    )
    return np.where(den > 0, num / np.where(den > 0, den, 1.0), plain)


def interval_table(model: PlanModel, per_rep: list[dict], scenario: Scenario) -> pd.DataFrame:
    """SIMULATION table: per (interval_start, site, skill) of the split, the means over
    replications with their half-widths, occupancy, backlog and the target met or not."""
    level = scenario.simulation.level_rate
    k = _kpis([r["group"] for r in per_rep], scenario.abandoned_in_sl, level)
    n_ss = len(model.site_skills)
    occ = replication_mean(np.stack([ratio(r["busy_s"], r["online_s"]) for r in per_rep]), level)[0]
    backlog = np.mean([r["backlog"] for r in per_rep], axis=0)
    age = np.mean([r["backlog_age_s"] for r in per_rep], axis=0)
    target = _targets(model, scenario, model.row_group, model.n_int * n_ss)
    present = np.unique(model.row_group)
    b, ss = np.divmod(present, n_ss)
    sl = k["service_level_rate"][present]
    step = pd.Timedelta(seconds=model.interval_s)
    table = pd.DataFrame(
        {
            "interval_start": model.t0 + b * step,
            "site": [model.site_skills[j][0] for j in ss],
            "skill": [model.site_skills[j][1] for j in ss],
            "contacts": k["contacts"][present],
            "answered": k["answered"][present],
            "abandoned": k["abandoned"][present],
            "unserved": k["unserved"][present],
            "overflow_out_contacts": k["overflow_out"][present],
            "service_level_rate": sl,
            "service_level_half_width_rate": k["service_level_half_width_rate"][present],
            "asa_s": k["asa_s"][present],
            "asa_half_width_s": k["asa_half_width_s"][present],
            "abandon_rate": k["abandon_rate"][present],
            "abandon_half_width_rate": k["abandon_half_width_rate"][present],
            "occupancy_rate": occ[present],
            "backlog_contacts": backlog[present],
            "backlog_age_s": age[present],
            "sl_target_rate": target[present],
            "meets_target": np.isnan(sl) | (sl >= target[present]),
        }
    )
    table["interval_start"] = pd.to_datetime(table["interval_start"], utc=True).astype(_UTC)
    return table.sort_values(["interval_start", "site", "skill"], kind="mergesort").reset_index(
        drop=True
    )


def summary_table(model: PlanModel, per_rep: list[dict], scenario: Scenario) -> pd.DataFrame:
    """Service overall, per segment, per channel and per segment.channel (scope, name)."""
    level = scenario.simulation.level_rate
    parts = []
    for scope, names, key in (
        ("overall", ["all"], np.zeros(len(model.row_segment), dtype=int)),
        ("segment", model.segments, model.row_segment),
        (
            "segment_channel",
            [f"{g}.{c}" for g in model.segments for c in model.channels],
            model.row_segment * len(model.channels) + model.row_channel,
        ),
        ("channel", model.channels, model.row_channel),
    ):
        k = _kpis([r[scope] for r in per_rep], scenario.abandoned_in_sl, level)
        target = _targets(model, scenario, key, len(names))
        parts.append(
            pd.DataFrame(
                {
                    "scope": scope,
                    "name": names,
                    "contacts": k["contacts"],
                    "answered": k["answered"],
                    "abandoned": k["abandoned"],
                    "unserved": k["unserved"],
                    "overflow_out_contacts": k["overflow_out"],
                    "missed_target_contacts": k["missed_target_contacts"],
                    "service_level_rate": k["service_level_rate"],
                    "service_level_half_width_rate": k["service_level_half_width_rate"],
                    "asa_s": k["asa_s"],
                    "asa_half_width_s": k["asa_half_width_s"],
                    "wait_s": k["wait_s"],
                    "wait_half_width_s": k["wait_half_width_s"],
                    "abandon_rate": k["abandon_rate"],
                    "abandon_half_width_rate": k["abandon_half_width_rate"],
                    "sl_target_rate": target,
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    return out[(out["scope"] == "overall") | (out["contacts"] > 0)].reset_index(drop=True)


def replication_table(per_rep: list[dict], scenario: Scenario) -> pd.DataFrame:
    """Overall figures of each replication (their spread gives the half-widths)."""
    rows = []
    for r, res in enumerate(per_rep):
        t = {k: float(v[0]) for k, v in res["overall"].items()}
        den = t["contacts"] - (0.0 if scenario.abandoned_in_sl else t["abandoned"])
        done = t["answered"] + t["abandoned"]
        rows.append(
            {
                "replication": r,
                "contacts": t["contacts"],
                "answered": t["answered"],
                "abandoned": t["abandoned"],
                "unserved": t["unserved"],
                "service_level_rate": t["met"] / den if den > 0 else np.nan,
                "asa_s": t["wait_answered_s"] / t["answered"] if t["answered"] else np.nan,
                "wait_s": t["wait_all_s"] / done if done else np.nan,
                "abandon_rate": t["abandoned"] / t["contacts"] if t["contacts"] else np.nan,
            }
        )
    return pd.DataFrame(rows)


def pool_table(model: PlanModel, per_rep: list[dict]) -> pd.DataFrame:
    """Per (interval_start, site, pool): agents scheduled, available after shrinkage, occupancy."""
    busy = np.stack([r["pool_busy_s"] for r in per_rep])
    online = np.stack([r["pool_online_s"] for r in per_rep])
    occ = replication_mean(ratio(busy, online))[0]
    n_int, n_pool = model.staff.shape
    b, p = np.divmod(np.arange(n_int * n_pool), n_pool)
    step = pd.Timedelta(seconds=model.interval_s)
    out = pd.DataFrame(
        {
            "interval_start": pd.to_datetime(model.t0 + b * step, utc=True).astype(_UTC),
            "site": [model.pool_keys[j][0] for j in p],
            "pool": [model.pool_keys[j][1] for j in p],
            "agents_scheduled": np.mean([r["scheduled"] for r in per_rep], axis=0).ravel(),
            "agents_available": np.mean([r["available"] for r in per_rep], axis=0).ravel(),
            "occupancy_rate": occ.ravel(),
        }
    )
    return out.sort_values(["interval_start", "site", "pool"], kind="mergesort").reset_index(
        drop=True
    )


def simulation_notes(scenario: Scenario, model: PlanModel, table: pd.DataFrame) -> list[str]:
    """What the planner must know to read the simulated figures (model, draws, shortfalls)."""
    cfg = scenario.simulation
    sl_rule = (
        "abandoned contacts count in the service-level denominator (as failures)"
        if scenario.abandoned_in_sl
        else "abandoned contacts are left out of the service-level denominator"
    )
    service = (
        "exponential handle times"
        if cfg.service_time == "exponential"
        else f"log-normal handle times (cv {cfg.service_cv:g})"
    )
    notes = [
        f"simulated service level: {sl_rule}; each contact is judged against its own "
        "segment's threshold (deferred work: by the end of the interval in which deadline_h "
        "opening hours of its site have passed, as staffing plans it; work due after the "
        "simulated week and still waiting is not late yet)",
        f"{cfg.replications} replications, seed {scenario.seed}; Poisson arrivals uniform "
        f"within each interval, {service}, exponential patience where the channel has "
        "patience_s (escalated contacts have already spent escalation_delay_s of it); "
        f"half-widths are {100 * cfg.level_rate:g} % t intervals over replications",
        f"shrinkage removes scheduled agents by a {cfg.shrinkage_draw} draw per interval and pool",
    ]
    if model.deferred_cap is not None:
        notes.append(
            "deferred work capped by the schedule's coverage: in each interval at most K agents "
            "of a pool work on deferred contacts at once, K = the pool's share (by on-queue "
            "agents) of coverage.agents_scheduled of the site's deferred skills × "
            "(1 − shrinkage_rate), rounded to the nearest agent and at least 1 where positive; "
            "deferred contacts above the cap wait"
        )
    else:
        notes.append(
            "deferred work not capped (no coverage given): any idle agent holding the skill "
            "takes deferred contacts when no realtime or concurrent contact waits"
        )
    short = table[~table["meets_target"]]
    if len(short):
        gap = short["sl_target_rate"] - short["service_level_rate"]
        w = short.loc[gap.idxmax()]
        notes.append(
            f"{len(short)} interval×site×skill rows fall short of their service-level target; "
            f"worst {w['interval_start'].isoformat()} {w['site']} {w['skill']}: "
            f"{w['service_level_rate']:.2f} ± {w['service_level_half_width_rate']:.2f} "
            f"against {w['sl_target_rate']:.2f} ({w['contacts']:.1f} contacts)"
        )
    no_pool = sorted(
        {k for s, k, _ in model.queue_keys}
        - {k for s, site in scenario.sites.items() for p in site.pools.values() for k in p.skills}
    )
    if no_pool:
        notes.append(f"no pool holds skill(s) {', '.join(no_pool)}: their contacts go unanswered")
    return notes
