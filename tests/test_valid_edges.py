"""Valid inputs at the edges: each must plan with exit 0.

Every case builds a small scenario (one or two sites, one channel, 60-minute intervals unless
the case is about intervals), draws a seeded history with ``wfm sample``, rewrites the history
file the way a real export might (BOM, CRLF, offsets, order, gaps) and runs ``wfm plan``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from wfm.cli import main

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
OFFICE = dict.fromkeys(WEEKDAYS[:5], "08:00-18:00")


@dataclass(frozen=True)
class Case:
    """One valid input: scenario settings, history dates and a rewrite of the history text."""

    sites: dict[str, str] = field(default_factory=lambda: {"lyon": "Europe/Paris"})
    hours: dict[str, str] = field(default_factory=lambda: dict(OFFICE))
    interval_min: int = 60
    history_start: str = "2025-02-03"
    weeks: int = 3
    start_date: str = ""
    days: int = 2
    rewrite: Callable[[str], str] | None = None
    extra: str = ""
    shift_window: tuple[str, str] = ("00:00", "24:00")
    says: str = ""


def _lines(fn: Callable[[list[str]], list[str]]) -> Callable[[str], str]:
    """A rewrite of the data rows (the header stays first)."""

    def rewrite(text: str) -> str:
        head, *rows = text.splitlines()
        return "\n".join([head, *fn(rows)]) + "\n"

    return rewrite


def _shuffle(rows: list[str]) -> list[str]:
    rows = list(rows)
    random.Random(5).shuffle(rows)
    return rows


def _offsets(tzs: list[str]) -> Callable[[list[str]], list[str]]:
    """Write each row's time in one of ``tzs`` in turn (the same instant, other offsets)."""

    def fn(rows: list[str]) -> list[str]:
        out = []
        for i, row in enumerate(rows):
            t, rest = row.split(",", 1)
            local = pd.Timestamp(t).tz_convert(tzs[i % len(tzs)])
            out.append(f"{local.isoformat()},{rest}")
        return out

    return fn


def _z_and_plus_zero(rows: list[str]) -> list[str]:
    return [r.replace("+00:00", "Z", 1) if i % 2 else r for i, r in enumerate(rows)]


def _drop_days(*days: str) -> Callable[[list[str]], list[str]]:
    """Leave out every row whose UTC date is one of ``days`` (an outage: a gap, not zeros)."""
    return lambda rows: [r for r in rows if not r.startswith(days)]


def _zero_day(day: str) -> Callable[[list[str]], list[str]]:
    """Zero contacts (and no handle time) on every row of the UTC date ``day``."""

    def fn(rows: list[str]) -> list[str]:
        out = []
        for r in rows:
            if r.startswith(day):
                f = r.split(",")
                f[4], f[5], f[6] = "0", "", "0"
                r = ",".join(f)
            out.append(r)
        return out

    return fn


def _naive_local(tz: str) -> Callable[[list[str]], list[str]]:
    """Naive wall-clock times in ``tz`` (read with the scenario's ``source_tz``)."""

    def fn(rows: list[str]) -> list[str]:
        out = []
        for r in rows:
            t, rest = r.split(",", 1)
            local = pd.Timestamp(t).tz_convert(tz).tz_localize(None)
            out.append(f"{local.isoformat()},{rest}")
        return out

    return fn


def _without_columns(*names: str) -> Callable[[str], str]:
    def rewrite(text: str) -> str:
        rows = [r.split(",") for r in text.splitlines()]
        keep = [i for i, h in enumerate(rows[0]) if h not in names]
        return "\n".join(",".join(r[i] for i in keep) for r in rows) + "\n"

    return rewrite


CASES: dict[str, Case] = {
    "utf8_bom": Case(rewrite=lambda t: "\ufeff" + t),
    "crlf_line_ends": Case(rewrite=lambda t: t.replace("\n", "\r\n")),
    "shuffled_rows": Case(rewrite=_lines(_shuffle)),
    "mixed_offsets_same_instants": Case(
        rewrite=_lines(_offsets(["Europe/Paris", "America/New_York", "Asia/Kolkata", "UTC"]))
    ),
    "offsets_z_and_plus_zero": Case(rewrite=_lines(_z_and_plus_zero)),
    "naive_times_with_source_tz": Case(
        rewrite=_lines(_naive_local("Etc/GMT-1")), extra='source_tz = "Etc/GMT-1"'
    ),
    "no_handle_time_or_abandoned_columns": Case(rewrite=_without_columns("aht_s", "abandoned")),
    # Paris springs forward on 30 March 2025 and falls back on 26 October 2025
    "dst_spring_forward_north": Case(history_start="2025-03-10", start_date="2025-03-29", days=3),
    "dst_fall_back_north": Case(
        sites={"newyork": "America/New_York"},
        history_start="2025-10-13",
        start_date="2025-11-01",
        days=3,
    ),
    # Sydney falls back on 6 April 2025 and springs forward on 5 October 2025
    "dst_fall_back_south": Case(
        sites={"sydney": "Australia/Sydney"},
        history_start="2025-03-17",
        start_date="2025-04-05",
        days=3,
    ),
    "dst_spring_forward_south": Case(
        sites={"sydney": "Australia/Sydney"},
        history_start="2025-09-15",
        start_date="2025-10-04",
        days=3,
    ),
    "half_hour_zone_60_min": Case(sites={"kolkata": "Asia/Kolkata"}),
    "quarter_hour_zone_60_min": Case(sites={"kathmandu": "Asia/Kathmandu"}),
    "quarter_hour_zone_15_min": Case(sites={"kathmandu": "Asia/Kathmandu"}, interval_min=15),
    "fifteen_minute_intervals": Case(interval_min=15, weeks=3),
    "two_sites_at_different_offsets": Case(
        sites={"lyon": "Europe/Paris", "montreal": "America/Toronto"}
    ),
    "horizon_of_closed_days_only": Case(
        start_date="2025-02-22", days=2, says="site lyon never opens in the horizon"
    ),
    "zero_contacts_on_a_whole_day": Case(rewrite=_lines(_zero_day("2025-02-12"))),
    "whole_missing_days": Case(rewrite=_lines(_drop_days("2025-02-11", "2025-02-12"))),
    "open_across_midnight": Case(
        hours=dict.fromkeys(WEEKDAYS[:5], "20:00-02:00"), shift_window=("20:00", "02:00")
    ),
    "opening_hours_off_the_grid": Case(hours=dict.fromkeys(WEEKDAYS[:5], "08:15-17:45")),
}


def _scenario(case: Case) -> str:
    hours = "{ " + ", ".join(f'{d} = "{h}"' for d, h in case.hours.items()) + " }"
    share = round(1.0 / len(case.sites), 6)
    lines = [
        'name = "edge"',
        f"interval_min = {case.interval_min}",
        f"horizon_days = {case.days}",
        "seed = 3",
        f'start_date = "{case.start_date}"' if case.start_date else "",
        case.extra,
        '[channels.voice]\nqueue_model = "realtime"',
        '[segments.open]\nchannels = ["voice"]',
        "[regions.all]\nonshore = true",
    ]
    for name, tz in case.sites.items():
        lines.append(
            f'[sites.{name}]\nregion = "all"\ntz = "{tz}"\ncost_per_h = 30.0\n'
            f'hours = {hours}\npools.all = {{ skills = ["voice_open"], headcount = 40 }}'
        )
    lines += [
        "[shifts]\nstart_step_min = 60\nlengths_min = [240, 360]\n"
        f'earliest_start_local = "{case.shift_window[0]}"\n'
        f'latest_end_local = "{case.shift_window[1]}"',
        "[forecast]\nhistory_weeks = 3\nmin_history_weeks = 2\nbacktest_origins = 2",
        "[solver]\ntime_limit_s = 5\nnum_workers = 1",
        "[simulation]\nreplications = 1",
        "[sample]\norigin_share = { "
        + ", ".join(f"{n} = {share}" for n in case.sites)
        + " }\ndefault_daily_contacts = 300",
    ]
    return "\n\n".join(x for x in lines if x) + "\n"


def _invoke(*args: str) -> str:
    res = CliRunner().invoke(main, list(args))
    assert res.exit_code == 0, res.output
    return res.output


@pytest.mark.parametrize("name", sorted(CASES))
def test_valid_edge_input_plans(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    scen = tmp_path / "scenario.toml"
    scen.write_text(_scenario(case), encoding="utf-8")
    hist = tmp_path / "history.csv"
    _invoke(
        "sample",
        str(scen),
        "--weeks",
        str(case.weeks),
        "--start",
        case.history_start,
        "--out",
        str(hist),
    )
    if case.rewrite is not None:
        text = hist.read_text(encoding="utf-8")
        hist.write_bytes(case.rewrite(text).encode("utf-8"))
    out = tmp_path / "plan"
    _invoke("validate", str(scen), "--history", str(hist))
    said = _invoke("plan", str(scen), "--history", str(hist), "--out", str(out))
    assert case.says in said
    fc = pd.read_csv(out / "forecast.csv")
    times = pd.to_datetime(fc["interval_start"], utc=True)
    step = pd.Timedelta(minutes=case.interval_min)
    assert ((times - pd.Timestamp("2000-01-01", tz="UTC")) % step == pd.Timedelta(0)).all()
    first_day = (
        dt.date.fromisoformat(case.start_date)
        if case.start_date
        else dt.date.fromisoformat(case.history_start) + dt.timedelta(weeks=case.weeks)
    )
    for site, tz in case.sites.items():
        local = times[fc["site"] == site].dt.tz_convert(tz).dt.date
        days = {first_day + dt.timedelta(days=k) for k in range(case.days)}
        assert days <= set(local), site
