"""``wfm simulate`` refuses plan tables it cannot take, naming the file, line and column.

A small plan folder of two sites (a, b), written by hand so the lines are known; each case
breaks one line of one file. Nothing is written when a table is refused.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from wfm.cli import main
from wfm.core.errors import InputError
from wfm.core.mapping import scenario_from_dict
from wfm.simulate import simulate_plan

SCENARIO = """
name = "two"
interval_min = 30
seed = 3
[channels.voice]
queue_model = "realtime"
[channels.chat]
queue_model = "concurrent"
max_concurrency = 2
[segments.open]
channels = ["voice", "chat"]
[sites.a]
region = "r"
tz = "UTC"
pools.p = { skills = ["voice_open"], headcount = 20 }
pools.c = { skills = ["chat_open"], headcount = 20 }
[sites.b]
region = "r"
tz = "UTC"
pools.q = { skills = ["voice_open", "chat_open"], headcount = 20 }
[sites.c]
region = "r"
tz = "UTC"
pools.r = { skills = ["voice_open"], headcount = 5 }
[shrinkage]
default_rate = 0.0
[simulation]
replications = 1
"""

T = ["2026-03-02T08:00:00+00:00", "2026-03-02T08:30:00+00:00", "2026-03-02T09:00:00+00:00"]
SPLIT_HEADER = (
    "interval_start,channel,segment,site,contacts,ai_contained,escalated,human_contacts,human_aht_s"
)


def _split() -> list[str]:
    rows = [SPLIT_HEADER]
    for t in T:
        for site, n in (("a", 40.0), ("b", 10.0)):
            rows.append(f"{t},chat,open,{site},5,0,0,5,300")
            rows.append(f"{t},voice,open,{site},{n},0,0,{n},180")
    return rows  # line 3: 08:00 voice a, 40 contacts


def _pool_agents() -> list[str]:
    rows = ["interval_start,site,pool,agents"]
    for t in T:
        rows += [f"{t},a,p,8", f"{t},a,c,2", f"{t},b,q,6"]
    return rows


OVERFLOW = [
    "interval_start,skill,from_site,to_site,contacts",
    f"{T[0]},voice_open,a,b,6.5",
    f"{T[1]},voice_open,a,b,4.25",
]
ALLOCATION = [
    "interval_start,site,pool,skill,agents",
    f"{T[0]},a,p,voice_open,8",
    f"{T[0]},a,c,chat_open,2",
    f"{T[0]},b,q,voice_open,4",
    f"{T[0]},b,q,chat_open,2",
]


def _lay_out(tmp_path: Path, **changed: list[str]) -> Path:
    plan = tmp_path / "plan"
    plan.mkdir()
    files = {
        "split": _split(),
        "pool_agents": _pool_agents(),
        "overflow": OVERFLOW,
        "allocation": ALLOCATION,
    }
    files.update(changed)
    for name, lines in files.items():
        (plan / f"{name}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "scenario.toml").write_text(SCENARIO, encoding="utf-8")
    return plan


def _simulate(tmp_path: Path):
    args = [str(tmp_path / "scenario.toml"), "--plan", str(tmp_path / "plan")]
    return CliRunner().invoke(main, ["simulate", *args, "--out", str(tmp_path / "sim.csv")])


def _refused(tmp_path: Path, where: str, *words: str) -> str:
    res = _simulate(tmp_path)
    assert res.exit_code == 2, res.output
    assert res.output.startswith(f"wfm: input error: {where}: "), res.output
    for word in words:
        assert word in res.output, res.output
    assert "Traceback" not in res.output
    assert not (tmp_path / "sim.csv").exists()
    return res.output


def _with(lines: list[str], line: int, row: str) -> list[str]:
    out = list(lines)
    out[line - 1] = row
    return out


def test_the_plan_as_laid_out_simulates(tmp_path):
    _lay_out(tmp_path)
    res = _simulate(tmp_path)
    assert res.exit_code == 0, res.output
    table = pd.read_csv(tmp_path / "sim.csv")
    assert len(table) == 12  # 3 intervals × 2 sites × 2 skills
    moved = table.groupby("site")["overflow_out_contacts"].sum()
    assert moved["b"] == 0.0


def test_an_overflow_above_what_the_origin_holds_is_refused_with_both_numbers(tmp_path):
    _lay_out(tmp_path, overflow=_with(OVERFLOW, 3, f"{T[1]},voice_open,a,b,1000000"))
    out = _refused(tmp_path, "overflow.csv, line 3, column contacts", "1000000", "40")
    assert "the split holds 40 human contacts of voice_open at a" in out
    assert "expected at most 40 contacts" in out


def test_overflow_rows_of_one_origin_adding_up_above_it_are_refused(tmp_path):
    """6.5 (line 2) and 34 (line 4) of site a's 40 voice contacts at 08:00: 40.5 in all."""
    _lay_out(tmp_path, overflow=[*OVERFLOW, f"{T[0]},voice_open,a,c,34"])
    _refused(
        tmp_path,
        "overflow.csv, line 4, column contacts",
        "adds up to 40.5 contacts with the rows above",
        "the split holds 40 human contacts of voice_open at a",
    )


def test_an_overflow_just_at_what_the_origin_holds_is_taken(tmp_path):
    _lay_out(tmp_path, overflow=_with(OVERFLOW, 2, f"{T[0]},voice_open,a,b,40.000000"))
    res = _simulate(tmp_path)
    assert res.exit_code == 0, res.output


def test_an_overflow_to_its_own_site_is_refused(tmp_path):
    _lay_out(tmp_path, overflow=_with(OVERFLOW, 2, f"{T[0]},voice_open,a,a,6.5"))
    _refused(tmp_path, "overflow.csv, line 2, column to_site", "got 'a'", "other than from_site")


@pytest.mark.parametrize(
    ("row", "where", "words"),
    [
        (f"{T[0]},fax,a,b,1", "column skill", ["unknown skill 'fax'", "voice_open, chat_open"]),
        (f"{T[0]},voice_open,x,b,1", "column from_site", ["unknown site 'x'", "one of a, b, c"]),
        (f"{T[0]},voice_open,a,x,1", "column to_site", ["unknown site 'x'", "one of a, b, c"]),
    ],
)
def test_an_overflow_row_of_an_unknown_skill_or_site_is_refused(tmp_path, row, where, words):
    _lay_out(tmp_path, overflow=_with(OVERFLOW, 3, row))
    _refused(tmp_path, f"overflow.csv, line 3, {where}", *words)


def test_an_allocation_of_an_unknown_skill_is_refused(tmp_path):
    _lay_out(tmp_path, allocation=_with(ALLOCATION, 4, f"{T[0]},b,q,fax,4"))
    _refused(tmp_path, "allocation.csv, line 4, column skill", "unknown skill 'fax'")


def test_an_allocation_of_a_skill_the_pool_does_not_hold_is_refused(tmp_path):
    _lay_out(tmp_path, allocation=_with(ALLOCATION, 3, f"{T[0]},a,c,voice_open,2"))
    _refused(
        tmp_path,
        "allocation.csv, line 3, column skill",
        "pool 'c' of site 'a' does not hold skill 'voice_open'",
        "one of chat_open (sites.a.pools.c.skills)",
    )


def test_an_allocation_of_an_unknown_pool_is_refused(tmp_path):
    _lay_out(tmp_path, allocation=_with(ALLOCATION, 5, f"{T[0]},b,ghost,chat_open,2"))
    _refused(tmp_path, "allocation.csv, line 5, column pool", "unknown pool 'ghost' of site 'b'")


def test_an_unknown_pool_of_pool_agents_names_the_file_and_line(tmp_path):
    _lay_out(tmp_path, pool_agents=_with(_pool_agents(), 6, f"{T[1]},b,ghost,6"))
    _refused(
        tmp_path,
        "pool_agents.csv, line 6, column pool",
        "unknown pool 'ghost' of site 'b'",
        "one of q (sites.b.pools)",
    )


def test_an_off_grid_split_time_names_the_file_and_line(tmp_path):
    """Line 10 (09:00 chat at a) moved to 09:10."""
    split = _split()
    split[9] = split[9].replace("T09:00:00", "T09:10:00")
    _lay_out(tmp_path, split=split)
    _refused(
        tmp_path,
        "split.csv, line 10, column interval_start",
        "not on the 30-minute grid",
        "got 2026-03-02T09:10:00+00:00",
    )


def test_an_off_grid_overflow_time_names_the_file_and_line(tmp_path):
    _lay_out(tmp_path, overflow=_with(OVERFLOW, 3, "2026-03-02T08:45:00+00:00,voice_open,a,b,1"))
    _refused(tmp_path, "overflow.csv, line 3, column interval_start", "30-minute grid")


def test_tables_built_in_memory_name_the_table():
    sc = scenario_from_dict(_scenario_dict())
    t = pd.to_datetime(T[:1])
    split = pd.DataFrame(
        {
            "interval_start": t,
            "channel": "voice",
            "segment": "open",
            "site": "a",
            "human_contacts": 10.0,
            "human_aht_s": 180.0,
        }
    )
    agents = pd.DataFrame({"interval_start": t, "site": "a", "pool": "p", "agents": 3.0})
    overflow = pd.DataFrame(
        {
            "interval_start": t,
            "skill": "voice_open",
            "from_site": "a",
            "to_site": "b",
            "contacts": 12.0,
        }
    )
    with pytest.raises(InputError) as err:
        simulate_plan(split, agents, sc, overflow=overflow)
    assert (err.value.source, err.value.line, err.value.key) == ("overflow", 2, "contacts")
    assert "an overflow of 12 contacts, but the split holds 10" in str(err.value)


def _scenario_dict() -> dict:
    import tomllib

    return tomllib.loads(SCENARIO)
