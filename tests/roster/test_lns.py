"""The large-neighbourhood search: its neighbourhoods, its sub-models and what it returns."""

from __future__ import annotations

import importlib.util
import random
import time
from pathlib import Path

from wfm.roster import check_roster
from wfm.roster.lns import KINDS, _free, improve, sub_model
from wfm.roster.model import build_model

DATA = Path(__file__).resolve().parents[1] / "data" / "roster"
BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "curtois.py"


def _tiny():
    spec = importlib.util.spec_from_file_location("curtois", BENCH)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.read_curtois(DATA / "tiny_instance.txt")


def _bigger():
    """The tiny instance's problem with 8 people (copies of A and B) over 28 days."""
    from dataclasses import replace

    pb = _tiny()
    staff = tuple(replace(s, id=f"{s.id}{i}") for i in range(4) for s in pb.staff)
    return replace(pb, days=28, staff=staff, requests=())


def test_each_kind_of_neighbourhood_frees_what_it_says():
    pb = _bigger()
    n, days, rng = len(pb.staff), pb.days, random.Random(3)
    assert KINDS == 3
    people = _free(pb, rng, 0, 0.25)  # a quarter of the people, every day
    assert len({p for p, _ in people}) == 2 and len(people) == 2 * days
    window = _free(pb, rng, 1, 0.25)  # everyone, 7 consecutive days
    span = sorted({d for _, d in window})
    assert len({p for p, _ in window}) == n and span == list(range(span[0], span[0] + 7))
    block = _free(pb, rng, 2, 0.25)  # half the people over 14 consecutive days
    span = sorted({d for _, d in block})
    assert len({p for p, _ in block}) == n // 2 and span == list(range(span[0], span[0] + 14))
    assert len(block) == (n // 2) * 14


def test_sub_model_fixes_everything_outside_the_neighbourhood_by_domain():
    pb = _tiny()
    rm = build_model(pb)
    roster = {("A", 0): "D", ("B", 1): "D"}
    free = {(1, d) for d in range(pb.days)}  # B free, A fixed
    sub = sub_model(rm, roster, free, ["A", "B"])
    constraints = len(rm.model.proto.constraints)
    assert len(sub.proto.constraints) == constraints  # nothing added
    for (p, d, t), v in rm.x.items():
        domain = list(sub.proto.variables[v.index].domain)
        if p == 0:
            assert domain == [int(roster.get(("A", d)) == t)] * 2
        else:
            assert domain == [0, 1]
    assert list(rm.model.proto.variables[rm.x[0, 0, "D"].index].domain) == [0, 1]  # a copy


def test_improve_reaches_the_tiny_optimum_from_a_poor_roster():
    pb = _tiny()
    rm = build_model(pb)
    poor = {("A", d): "D" for d in (0, 1, 2, 5, 6)} | {("B", d): "D" for d in (2, 3, 4)}
    assert check_roster(pb, poor).objective == 53
    best, steps, proven = improve(pb, rm, poor, time.perf_counter() + 30, workers=1, seed=1)
    check = check_roster(pb, best)
    assert check.violations == ()
    assert check.objective == 40 and steps >= 1 and proven
