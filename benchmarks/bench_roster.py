"""Roster benchmark: Curtois & Qu instances against their best-known values, and the demo
roster of every agent over four weeks.

Run alone with ``python benchmarks/bench_roster.py [curtois|demo] [--instances 1-12]
[--seeds 1-10] [--time-limit-s 60] [--plan PLAN_DIR] [--scale 3.5] [--no-sick]``;
``--seeds`` solves each instance once per seed (the search is not deterministic, so a
target met "on every run" is judged over several); ``--scale`` multiplies the
schedule's agents per shift (and so the sampled agents: 3.5 gives about 2,000). The
instances are read at run time from ``../shared/data/rostering`` beside the repository (or
``$WFM_ROSTERING_DIR``); they are not part of the project. Every objective printed is
recomputed by the independent checker (``wfm.roster.check_roster``), which also counts
hard-rule violations.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from curtois import read_curtois  # noqa: E402

from wfm.roster import check_roster, solve_roster  # noqa: E402

ROOT = HERE.parent
DATA = Path(os.environ.get("WFM_ROSTERING_DIR", ROOT.parent / "shared" / "data" / "rostering"))
DEMO = ROOT / "wfm" / "examples" / "demo" / "scenario.toml"


def _best_known() -> dict[str, int]:
    with open(DATA / "best_known.csv", encoding="utf-8") as fh:
        return {r["instance"]: int(r["best_known_solution"]) for r in csv.DictReader(fh)}


def curtois_table(
    instances: list[int], time_limit_s: float, workers: int = 2, seeds: Sequence[int] = (1,)
) -> list[dict]:
    """Solve each instance once per seed and compare with the best-known objective; with
    several seeds, a line per instance gives how many runs came within 2 % of it."""
    best = _best_known()
    print(
        "| instance | seed | days | staff | shift types | objective | best known | gap % | status "
        "| bound | pattern rounds | relaxation | LNS steps | violations | wall s | load |"
    )
    print("| --- " * 16 + "|", flush=True)
    rows = []
    for n in instances:
        for seed in seeds:
            row = _curtois_run(n, best[f"Instance{n}"], time_limit_s, workers, seed)
            if row is not None:
                rows.append(row)
    if len(seeds) > 1:
        print()
        for n in instances:
            gaps = sorted(r["gap"] for r in rows if r["instance"] == n)
            if gaps:
                within = sum(g <= 2.0 for g in gaps)
                print(
                    f"instance {n}: within 2 % of the best known in {within} of {len(gaps)} "
                    f"runs; gap % min {gaps[0]:.2f}, median {gaps[len(gaps) // 2]:.2f}, "
                    f"max {gaps[-1]:.2f}"
                )
    return rows


def _curtois_run(n: int, best: int, time_limit_s: float, workers: int, seed: int) -> dict | None:
    """One solve of instance ``n``: its table row printed and returned (None on an error)."""
    pb = read_curtois(DATA / f"Instance{n}.txt")
    t0 = time.perf_counter()
    try:
        sol = solve_roster(pb, time_limit_s=time_limit_s, workers=workers, seed=seed)
    except Exception as err:  # noqa: BLE001 — a row per instance whatever happens
        print(
            f"| {n} | {seed} | {pb.days} | {len(pb.staff)} | {len(pb.shifts)} | – | {best} "
            f"| – | {type(err).__name__} | – | – | – | – | – "
            f"| {time.perf_counter() - t0:.1f} | – |"
        )
        return None
    check = check_roster(pb, sol.assignment)
    assert abs(check.objective - sol.solve.objective) < 1e-6, (check.objective, sol.solve)
    gap = 100.0 * (check.objective - best) / best
    row = dict(
        instance=n,
        seed=seed,
        days=pb.days,
        staff=len(pb.staff),
        shifts=len(pb.shifts),
        objective=check.objective,
        best=best,
        gap=gap,
        status=sol.solve.status,
        lns_steps=sol.solve.detail.get("lns_steps", 0),
        bound=sol.solve.best_bound,
        violations=len(check.violations),
        wall=sol.solve.wall_s,
    )
    print(
        f"| {n} | {seed} | {pb.days} | {len(pb.staff)} | {len(pb.shifts)} | {check.objective} | "
        f"{best} | {gap:.2f} | {sol.solve.status} | {sol.solve.best_bound:.0f} | "
        f"{sol.solve.detail.get('pattern_rounds', 0)} | "
        f"{sol.solve.detail.get('relaxation_value') or 0:.1f} | {row['lns_steps']} | "
        f"{len(check.violations)} | {sol.solve.wall_s:.1f} | {os.getloadavg()[0]:.1f} |",
        flush=True,
    )
    return row


def _demo_inputs(plan_dir: Path, scale: float):
    """Scenario, schedule (agents × ``scale``), schedule-sized agents and their preferences."""
    from wfm.core.schemas import SCHEMAS
    from wfm.io.scenario import load_scenario
    from wfm.io.tables import read_table
    from wfm.sample import sample_agents, sample_preferences

    sc = load_scenario(DEMO)
    schedule = read_table(plan_dir / "schedule.csv", SCHEMAS["schedule"])
    if scale != 1:
        schedule["agents"] = (schedule["agents"] * scale).round().astype("int64")
    agents = sample_agents(sc, schedule=schedule)
    agents["nights_allowed"] = agents["nights_allowed"] == "true"
    prefs = sample_preferences(agents, seed=sc.seed)
    return sc, schedule, agents, prefs


def _pool_rosters(res, schedule, agents, sc, weeks, prefs, **kw) -> list:
    """(problem, assignment) of each site-pool, read back from the written roster."""
    from wfm.roster.build import default_weights, pool_problems
    from wfm.roster.stage import CHANGE_PENALTY

    problems = pool_problems(
        schedule,
        agents,
        sc,
        weeks=weeks,
        preferences=prefs,
        weights=default_weights(CHANGE_PENALTY),
        **kw,
    )
    out = []
    for pr in problems:
        mine = res.table[(res.table["site"] == pr.site) & (res.table["pool"] == pr.pool)]
        by_form = {(v["start"], v["length_min"], v["breaks"]): k for k, v in pr.rows.items()}
        asg = {}
        for r in mine.itertuples(index=False):
            d = (dt.date.fromisoformat(r.local_date) - pr.first_date).days
            length = int((r.shift_end - r.shift_start).total_seconds() // 60)
            breaks = r.breaks if isinstance(r.breaks, str) else ""
            asg[r.agent_id, d] = by_form[(r.shift_start_local, length, breaks)]
        out.append((pr.problem, asg))
    return out


def _violations(pools: list) -> int:
    """Hard-rule violations of the written roster, by the independent checker."""
    return sum(len(check_roster(pb, asg).violations) for pb, asg in pools)


def _rotation_breaks(pools: list) -> int:
    """Agent-days whose shift (or day off) differs from the same day a rotation earlier, by
    the problem's own rule."""
    total = 0
    for pb, asg in pools:
        per: dict[str, dict[int, str]] = {s.id: {} for s in pb.staff}
        for (a, d), t in asg.items():
            per[a][d] = t
        total += sum(pb.rotation_breaks(days) for days in per.values())
    return total


def demo_roster(
    plan_dir: Path,
    weeks: int = 4,
    time_limit_s: float = 60.0,
    scale: float = 1.0,
    sick: bool = True,
    rotation_weeks: int = 0,
) -> None:
    """Roster every agent of the demo (agents sized from the schedule by ``wfm sample``'s
    rule, seeded preferences) over ``weeks`` weeks on the schedule of a demo plan folder
    (agents per shift × ``scale``), with a rotation of ``rotation_weeks`` if not 0; then one
    agent's sick week re-rostered."""
    from wfm.roster.stage import roster_agents

    sc, schedule, agents, prefs = _demo_inputs(plan_dir, scale)
    t0 = time.perf_counter()
    res = roster_agents(
        schedule,
        agents,
        sc,
        preferences=prefs,
        weeks=weeks,
        rotation_weeks=rotation_weeks,
        time_limit_s=time_limit_s,
        workers=2,
    )
    wall = time.perf_counter() - t0
    pools = _pool_rosters(res, schedule, agents, sc, weeks, prefs, rotation_weeks=rotation_weeks)
    violations = _violations(pools)
    tot = res.figures["total"]
    print(
        f"demo roster (schedule × {scale:g}): {tot['agents']} agents, {weeks} weeks, "
        f"{len(res.table)} agent shifts, wall {wall:.1f} s ({time_limit_s:g} s per site-pool), "
        f"{res.solve.status}; load average {os.getloadavg()[0]:.1f}"
    )
    print(f"hard-rule violations (checker): {violations}")
    print(
        f"schedule's agent-shifts {tot['shifts_required']}, rostered {tot['shifts_assigned']} "
        f"({100 * tot['coverage_rate']:.2f} %), unassigned {tot['shifts_unassigned']}, "
        f"extra {tot['shifts_over']}"
    )
    print(
        f"preferences met {tot['preferences_met']} of {tot['preferences']} "
        f"({100 * tot['preferences_met_rate']:.1f} %)"
    )
    if rotation_weeks:
        days = len(res.table.groupby(["agent_id", "local_date"]))
        print(
            f"rotation of {rotation_weeks} weeks: {_rotation_breaks(pools)} "
            f"agent-days break it (worked or off, or another shift, than {rotation_weeks} "
            f"weeks earlier), of {len(set(res.table['agent_id']))} agents × "
            f"{7 * (weeks - rotation_weeks)} days that follow a rotation ({days} worked days)"
        )
    _pool_table(res)
    if sick:
        _sick_week(res, schedule, agents, sc, weeks, prefs, time_limit_s)


def _pool_table(res) -> None:
    print(
        "| pool | agents | coverage % | weekends min–max (mean) | nights min–max | evenings "
        "min–max (mean) | paid h min–max (mean) | status | wall s |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, f in res.figures.items():
        if name == "total":
            continue
        print(
            f"| {name} | {f['agents']} | {100 * f['coverage_rate']:.2f} | "
            f"{f.get('weekends_min', 0):.0f}–{f.get('weekends_max', 0):.0f} "
            f"({f.get('weekends_mean', 0):.2f}) | {f.get('nights_min', 0):.0f}–"
            f"{f.get('nights_max', 0):.0f} | {f.get('evenings_min', 0):.0f}–"
            f"{f.get('evenings_max', 0):.0f} ({f.get('evenings_mean', 0):.2f}) | "
            f"{f.get('paid_h_min', 0):.0f}–"
            f"{f.get('paid_h_max', 0):.0f} ({f.get('paid_h_mean', 0):.1f}) | {f['status']} | "
            f"{f['wall_s']:.1f} |"
        )
    for note in res.notes:
        print(f"note: {note}")


def _sick_week(res, schedule, agents, sc, weeks, prefs, time_limit_s) -> None:
    """Re-roster after the agent with the most shifts falls sick for the second week."""
    import pandas as pd

    from wfm.roster.stage import roster_agents

    published = res.table
    sick = published["agent_id"].value_counts().index[0]
    first = dt.date.fromisoformat(published["local_date"].min())
    start = pd.Timestamp(first + dt.timedelta(days=7), tz="UTC")
    off = pd.DataFrame(
        {"agent_id": [sick], "start": [start], "end": [start + pd.Timedelta(days=7)]}
    )
    lost = int(
        (
            (published["agent_id"] == sick)
            & (published["shift_start"] >= start)
            & (published["shift_start"] < start + pd.Timedelta(days=7))
        ).sum()
    )
    t0 = time.perf_counter()
    again = roster_agents(
        schedule,
        agents,
        sc,
        preferences=prefs,
        weeks=weeks,
        time_off=off,
        published=published,
        time_limit_s=time_limit_s,
        workers=2,
    )
    wall = time.perf_counter() - t0
    tot = again.figures["total"]
    print(
        f"re-roster after {sick}'s sick week ({lost} shifts lost): wall {wall:.1f} s, "
        f"changed days {tot['changed_days']} (at least {2 * lost} if each lost shift moves to "
        f"one person), coverage {100 * tot['coverage_rate']:.2f} %, "
        f"load average {os.getloadavg()[0]:.1f}"
    )


def _range(text: str) -> list[int]:
    lo, _, hi = text.partition("-")
    return list(range(int(lo), int(hi or lo) + 1))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", nargs="*", default=["curtois"])
    ap.add_argument("--instances", default="1-12")
    ap.add_argument("--time-limit-s", type=float, default=60.0)
    ap.add_argument(
        "--seeds", default="1", help="curtois: the solver's random seeds (N or A-B), a run each"
    )
    ap.add_argument("--plan", default=None, help="demo plan folder holding schedule.csv")
    ap.add_argument("--scale", type=float, default=1.0, help="demo: agents per shift × this")
    ap.add_argument("--no-sick", action="store_true", help="demo: skip the sick-week re-roster")
    ap.add_argument("--rotation-weeks", type=int, default=0, help="demo: a rotation of N weeks")
    args = ap.parse_args(argv if argv is not None else [])
    if "curtois" in args.what:
        curtois_table(_range(args.instances), args.time_limit_s, seeds=_range(args.seeds))
    if "demo" in args.what:
        if not args.plan:
            print("demo roster: give --plan PLAN_DIR (a demo plan folder)")
        else:
            demo_roster(
                Path(args.plan),
                time_limit_s=args.time_limit_s,
                scale=args.scale,
                sick=not args.no_sick,
                rotation_weeks=args.rotation_weeks,
            )


if __name__ == "__main__":
    main(sys.argv[1:])
