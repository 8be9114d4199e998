"""Checks of the plan tables the simulation reads, before its model is built.

Each table is checked as given: row i is line i + 2 of its file (``wfm simulate`` reads the
plan folder's tables in file order), and the file is the table's ``attrs["source"]`` (its
name alone when built in memory). A check names the file, the line and the column of the
first row it refuses, the value found there and what was expected:

- ``split``: a known site;
- ``pool_agents``: a known site and a pool of that site;
- ``overflow``: a known skill, known and distinct ``from_site`` and ``to_site``, and no more
  contacts moved out of a site in an interval, for a skill, than the human contacts the
  split holds there (the rows of one origin, interval and skill added up in file order);
- ``allocation``: a known site, a pool of that site, a known skill the pool holds;
- ``coverage``: a known site and skill;
- every ``interval_start`` on the interval grid that starts at the first interval of the
  split and pool_agents.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from wfm.core.config import Scenario
from wfm.core.errors import InputError, raise_at_first

OVERFLOW_TOLERANCE = 1e-3
"""Contacts an overflow may exceed what its origin holds by: the rounding of the CSV files
(six decimals per value) and of the sums, never a contact."""


def source_of(table: pd.DataFrame, name: str) -> str:
    """The file a table was read from (``attrs["source"]``), else the table's name."""
    return str(table.attrs.get("source") or name)


def check_simulation_inputs(
    split: pd.DataFrame,
    pool_agents: pd.DataFrame,
    scenario: Scenario,
    *,
    overflow: pd.DataFrame | None = None,
    coverage: pd.DataFrame | None = None,
    allocation: pd.DataFrame | None = None,
) -> None:
    """Refuse a plan table the simulation cannot take (see the module docstring).

    Raises
    ------
    InputError
        Naming the file, line and column of the first bad row, and what was expected.
    """
    _columns(split, "split", ("interval_start", "channel", "segment", "human_contacts"))
    _columns(pool_agents, "pool_agents", ("interval_start", "site", "pool", "agents"))
    if "site" in split.columns:
        _known(split, "split", "site", scenario.sites, "sites")
    _pools(pool_agents, "pool_agents", scenario)
    _grid(split, pool_agents, scenario, overflow, coverage, allocation)
    if overflow is not None:
        _overflow(overflow, split, scenario)
    if allocation is not None:
        _allocation(allocation, scenario)
    if coverage is not None:
        _columns(coverage, "coverage", ("interval_start", "site", "skill"))
        _known(coverage, "coverage", "site", scenario.sites, "sites")
        _known(coverage, "coverage", "skill", scenario.skill_names(), "skills")


def _columns(table: pd.DataFrame, name: str, columns: Iterable[str]) -> None:
    for col in columns:
        if col not in table.columns:
            raise InputError(
                f"missing column {col!r}",
                source=source_of(table, name),
                line=1,
                expected="a header with " + ", ".join(columns),
            )


def _known(table: pd.DataFrame, name: str, col: str, known: Iterable[str], what: str) -> None:
    """Every value of ``col`` one of ``known`` (the scenario's ``what``)."""
    names = list(known)
    values = table[col].astype(str)
    bad = ~values.isin(names).to_numpy()
    if bad.any():
        row = int(np.argmax(bad))
        noun = col.removeprefix("from_").removeprefix("to_")
        raise InputError(
            f"unknown {noun} {values.iloc[row]!r}",
            source=source_of(table, name),
            line=row + 2,
            key=col,
            expected=f"one of {', '.join(names)} (the scenario's {what})",
        )


def _pools(table: pd.DataFrame, name: str, scenario: Scenario) -> None:
    """Known sites, and pools of their site."""
    _columns(table, name, ("site", "pool"))
    _known(table, name, "site", scenario.sites, "sites")
    sites, pools = table["site"].astype(str).to_numpy(), table["pool"].astype(str).to_numpy()
    bad = np.array([p not in scenario.sites[s].pools for s, p in zip(sites, pools, strict=True)])
    if bad.any():
        row = int(np.argmax(bad))
        site = sites[row]
        raise InputError(
            f"unknown pool {pools[row]!r} of site {site!r}",
            source=source_of(table, name),
            line=row + 2,
            key="pool",
            expected=f"one of {', '.join(scenario.sites[site].pools)} (sites.{site}.pools)",
        )


def _grid(
    split: pd.DataFrame,
    pool_agents: pd.DataFrame,
    scenario: Scenario,
    *others: pd.DataFrame | None,
) -> None:
    """Every ``interval_start`` on the grid of the first interval of split and pool_agents."""
    times = pd.concat([split["interval_start"], pool_agents["interval_start"]])
    if times.empty:
        return
    t0 = times.min()
    step = pd.Timedelta(minutes=scenario.interval_min)
    names = ("split", "pool_agents", "overflow", "coverage", "allocation")
    for table, name in zip((split, pool_agents, *others), names, strict=True):
        if table is None or "interval_start" not in table.columns or table.empty:
            continue
        ts = table["interval_start"]
        off = ((ts - t0) / step).to_numpy(dtype=float)
        raise_at_first(
            off != np.floor(off),
            f"interval_start not on the {scenario.interval_min}-minute grid",
            source=source_of(table, name),
            key="interval_start",
            got=ts,
            expected=f"a whole number of {scenario.interval_min}-minute intervals after the first "
            f"interval of split and pool_agents ({t0.isoformat()})",
        )


def _overflow(overflow: pd.DataFrame, split: pd.DataFrame, scenario: Scenario) -> None:
    """Known skill and sites, two different sites, and no more contacts than the origin has."""
    name = "overflow"
    source = source_of(overflow, name)
    _columns(overflow, name, ("interval_start", "skill", "from_site", "to_site", "contacts"))
    _known(overflow, name, "skill", scenario.skill_names(), "skills")
    _known(overflow, name, "from_site", scenario.sites, "sites")
    _known(overflow, name, "to_site", scenario.sites, "sites")
    src, dst = overflow["from_site"].astype(str), overflow["to_site"].astype(str)
    raise_at_first(
        (src == dst).to_numpy(),
        "to_site is the from_site: an overflow moves contacts to another site",
        source=source,
        key="to_site",
        got=dst,
        expected="a site other than from_site",
    )
    if overflow.empty:
        return
    held = _human_contacts(split, scenario)
    key = pd.MultiIndex.from_arrays(
        [overflow["interval_start"], src, overflow["skill"].astype(str)]
    )
    has = held.reindex(key).fillna(0.0).to_numpy(dtype=float)
    moved = overflow["contacts"].to_numpy(dtype=float)
    total_arr = pd.Series(moved).groupby(key.to_flat_index()).cumsum().to_numpy(dtype=float)
    bad = total_arr > has + OVERFLOW_TOLERANCE
    if not bad.any():
        return
    row = int(np.argmax(bad))
    skill, site = str(overflow["skill"].iloc[row]), str(src.iloc[row])
    holds = f"the split holds {_num(has[row])} human contacts of {skill} at {site} then"
    if moved[row] > has[row] + OVERFLOW_TOLERANCE:
        what = f"an overflow of {_num(moved[row])} contacts, but {holds}"
    else:
        what = (
            f"the overflow of {skill} out of {site} in this interval adds up to "
            f"{_num(total_arr[row])} contacts with the rows above, but {holds}"
        )
    raise InputError(
        what,
        source=source,
        line=row + 2,
        key="contacts",
        expected=f"at most {_num(has[row])} contacts moved out of {site} for {skill} "
        "in the interval",
    )


def _num(x: float) -> str:
    """A count of contacts as read: ``1000000``, ``51.821``."""
    return f"{x:.3f}".rstrip("0").rstrip(".")


def _human_contacts(split: pd.DataFrame, scenario: Scenario) -> pd.Series:
    """Human contacts of the split per (interval_start, site, skill)."""
    site = split["site"] if "site" in split.columns else scenario.home_site()
    skill = [
        scenario.skill_for(c, g) for c, g in zip(split["channel"], split["segment"], strict=True)
    ]
    frame = pd.DataFrame(
        {
            "interval_start": split["interval_start"].to_numpy(),
            "site": pd.Series(site, index=split.index).astype(str).to_numpy(),
            "skill": skill,
            "human_contacts": split["human_contacts"].to_numpy(dtype=float),
        }
    )
    return frame.groupby(["interval_start", "site", "skill"])["human_contacts"].sum()


def _allocation(allocation: pd.DataFrame, scenario: Scenario) -> None:
    """Known sites, pools of their site, known skills the pool holds."""
    name = "allocation"
    _columns(allocation, name, ("interval_start", "site", "pool", "skill", "agents"))
    _pools(allocation, name, scenario)
    _known(allocation, name, "skill", scenario.skill_names(), "skills")
    rows = zip(allocation["site"], allocation["pool"], allocation["skill"], strict=True)
    bad = np.array([str(k) not in scenario.sites[s].pools[p].skills for s, p, k in rows])
    if bad.any():
        row = int(np.argmax(bad))
        site, pool = str(allocation["site"].iloc[row]), str(allocation["pool"].iloc[row])
        skills = scenario.sites[site].pools[pool].skills
        raise InputError(
            f"pool {pool!r} of site {site!r} does not hold skill {allocation['skill'].iloc[row]!r}",
            source=source_of(allocation, name),
            line=row + 2,
            key="skill",
            expected=f"one of {', '.join(skills)} (sites.{site}.pools.{pool}.skills)",
        )
