"""Sites in any time zone share one UTC interval grid: the history's.

Four sites at different UTC offsets (Paris, New York, Kolkata at +05:30, Sydney) plan end to
end, across the autumn DST change of Paris in the horizon and the spring change of Sydney in
the history; a +05:30 site at 60-minute intervals is forecast on the hours of UTC, where its
actuals are, so forecast accuracy finds them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from wfm.cli import main
from wfm.core.schemas import HISTORY
from wfm.io.tables import read_table
from wfm.pipeline import runstore

SITES = {
    "paris": ("Europe/Paris", "FR", "eu"),
    "newyork": ("America/New_York", "US", "us"),
    "kolkata": ("Asia/Kolkata", "IN", "asia"),
    "sydney": ("Australia/Sydney", "AU", "oc"),
}
HOURS = (
    "{ "
    + ", ".join(f'{d} = "08:00-20:00"' for d in ("mon", "tue", "wed", "thu", "fri", "sat"))
    + " }"
)


def scenario_toml(
    sites: dict[str, tuple[str, str, str]], *, interval_min: int = 60, days: int = 3
) -> str:
    """A small one-channel scenario whose contacts arise at every site of ``sites``."""
    regions = sorted({r for _, _, r in sites.values()})
    share = round(1.0 / len(sites), 6)
    lines = [
        'name = "zones"',
        f"interval_min = {interval_min}",
        f"horizon_days = {days}",
        "seed = 11",
        '[channels.voice]\nqueue_model = "realtime"',
        '[segments.open]\nchannels = ["voice"]',
        *(f"[regions.{r}]\nonshore = true" for r in regions),
    ]
    for name, (tz, country, region) in sites.items():
        lines.append(
            f'[sites.{name}]\nregion = "{region}"\ntz = "{tz}"\ncountry = "{country}"\n'
            f"cost_per_h = 30.0\nhours = {HOURS}\n"
            f'pools.all = {{ skills = ["voice_open"], headcount = 60 }}'
        )
    lines += [
        "[shifts]\nstart_step_min = 30\nlengths_min = [360, 480]\nmax_days_per_week = 6",
        "[forecast]\nhistory_weeks = 3\nmin_history_weeks = 2\nbacktest_origins = 2",
        "[solver]\ntime_limit_s = 10\nnum_workers = 1",
        "[simulation]\nreplications = 1",
        "[sample]\norigin_share = { "
        + ", ".join(f"{n} = {share}" for n in sites)
        + " }\ndefault_daily_contacts = 600",
    ]
    return "\n\n".join(lines) + "\n"


def _run(*args: str) -> None:
    res = CliRunner().invoke(main, list(args))
    assert res.exit_code == 0, res.output


def _times(path: Path) -> pd.Series:
    return pd.to_datetime(pd.read_csv(path)["interval_start"], utc=True)


@pytest.fixture(scope="module")
def four_zone_plan(tmp_path_factory) -> tuple[Path, Path]:
    """History of three weeks from 2025-10-04 (Sydney springs forward on 5 October) and a
    plan of 25–27 October (Paris falls back on the 26th)."""
    tmp = tmp_path_factory.mktemp("zones")
    scen = tmp / "zones.toml"
    scen.write_text(scenario_toml(SITES))
    hist = tmp / "history.csv"
    _run("sample", str(scen), "--weeks", "3", "--start", "2025-10-04", "--out", str(hist))
    out = tmp / "plan"
    _run("plan", str(scen), "--history", str(hist), "--out", str(out))
    return hist, out


def test_four_zones_plan_on_the_history_grid(four_zone_plan):
    hist, out = four_zone_plan
    step = pd.Timedelta(minutes=60)
    history_times = _times(hist)
    assert (history_times.dt.minute == 0).all()  # the grid of the history: whole UTC hours
    grids = {}
    for name in ("forecast", "split", "requirements", "coverage", "simulation"):
        t = _times(out / f"{name}.csv")
        assert (t.dt.minute == 0).all() and (t.dt.second == 0).all(), name
        grids[name] = pd.DatetimeIndex(t.unique()).sort_values().as_unit("ns")
    fc = grids["forecast"]
    assert (np.diff(fc.asi8) == step.value).all()
    # from Sydney's first midnight (24 Oct 13:00 UTC) to New York's last (28 Oct 04:00 UTC)
    assert fc[0] == pd.Timestamp("2025-10-24T13:00Z")
    assert fc[-1] + step == pd.Timestamp("2025-10-28T04:00Z")
    for name in ("split", "requirements", "coverage"):
        assert grids[name].isin(fc).all(), name


def test_each_site_has_its_local_days_whole(four_zone_plan):
    _, out = four_zone_plan
    fc = pd.read_csv(out / "forecast.csv")
    fc["interval_start"] = pd.to_datetime(fc["interval_start"], utc=True)
    want = [dt.date(2025, 10, d) for d in (25, 26, 27)]
    for name, (tz, _, _) in SITES.items():
        rows = fc[fc["site"] == name]
        local = rows["interval_start"].dt.tz_convert(tz)
        per_day = local.dt.date.value_counts()
        hours = [int(per_day.get(d, 0)) for d in want]
        # Paris falls back on Sunday 26 October: a 25-hour day
        assert hours == ([24, 25, 24] if name == "paris" else [24, 24, 24]), name
        # an interval belongs to the local day of its start: Kolkata's start on hh:30
        minutes = set(local.dt.minute)
        assert minutes == ({30} if name == "kolkata" else {0}), name


def test_half_hour_site_opens_intervals_that_overlap_its_hours(four_zone_plan):
    _, out = four_zone_plan
    fc = pd.read_csv(out / "forecast.csv")
    fc["interval_start"] = pd.to_datetime(fc["interval_start"], utc=True)
    rows = fc[fc["site"] == "kolkata"]
    local = rows["interval_start"].dt.tz_convert("Asia/Kolkata")
    sat = rows[local.dt.date == dt.date(2025, 10, 25)]
    lt = sat["interval_start"].dt.tz_convert("Asia/Kolkata").dt.strftime("%H:%M")
    by_time = dict(zip(lt, sat["contacts"], strict=True))
    # "08:00-20:00" at +05:30 on a 60-minute UTC grid: 07:30 to 19:30 local are open
    assert by_time["07:30"] > 0 and by_time["19:30"] > 0
    assert by_time["06:30"] == 0 and by_time["20:30"] == 0
    req = pd.read_csv(out / "requirements.csv")
    for site in SITES:
        assert req.loc[req["site"] == site, "agents_required"].sum() > 0, site
    sched = pd.read_csv(out / "schedule.csv")
    assert set(sched["site"]) == set(SITES)


def test_sixty_minute_kolkata_forecast_meets_its_actuals(tmp_path):
    """`wfm forecast` writes a +05:30 site's intervals where its history is, and the run store
    matches every forecast interval of the actuals' week."""
    scen = tmp_path / "kolkata.toml"
    scen.write_text(scenario_toml({"kolkata": SITES["kolkata"]}, days=7))
    hist = tmp_path / "all.csv"
    _run("sample", str(scen), "--weeks", "4", "--start", "2025-02-03", "--out", str(hist))
    from wfm.io.scenario import load_scenario

    scenario = load_scenario(scen)
    full = read_table(hist, HISTORY, scenario=scenario)
    cut = pd.Timestamp("2025-02-23T18:30Z")  # midnight starting Monday 24 Feb in Kolkata
    past = full[full["interval_start"] < cut.floor("60min")]
    actuals = full[full["interval_start"] >= cut.ceil("60min")]
    past_path = tmp_path / "past.csv"
    past.assign(
        interval_start=past["interval_start"].dt.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    ).to_csv(past_path, index=False)
    out = tmp_path / "forecast.csv"
    _run("forecast", str(scen), "--history", str(past_path), "--out", str(out))
    fc = pd.read_csv(out)
    fc["interval_start"] = pd.to_datetime(fc["interval_start"], utc=True)
    assert set(fc["interval_start"]) == set(actuals["interval_start"])
    con = runstore.connect(tmp_path / "runs.duckdb")
    try:
        runstore.load_actuals(con, actuals)
        runstore.snapshot_forecast(con, fc, snapshot_date=dt.date(2025, 2, 23), run_id="r1")
        acc = runstore.forecast_accuracy(con)
    finally:
        con.close()
    assert int(acc["intervals"].sum()) == len(fc) == 7 * 24
    assert float(acc["actual_contacts"].sum()) == pytest.approx(actuals["contacts"].sum())
    busy = acc[acc["actual_contacts"] > 0]
    assert len(busy) >= 5 and (busy["wmape"] < 0.3).all()


def _site(tz: str, hours: dict[str, str]):
    from wfm.core.config import SiteConfig

    return SiteConfig(name="s", region="r", tz=tz, hours=hours, closed_on_holidays=False)


def test_opening_hours_off_the_grid_round_outward():
    from wfm.core.calendar import interval_grid, open_mask

    # Paris on a 30-minute grid, "08:15-17:45": the 08:00 and 17:30 intervals are open
    paris = _site("Europe/Paris", {"mon": "08:15-17:45"})
    grid = interval_grid(dt.date(2025, 2, 3), 1, 30, "Europe/Paris")
    local = grid.tz_convert("Europe/Paris").strftime("%H:%M")
    opened = list(local[open_mask(grid, paris, 30)])
    assert opened[0] == "08:00" and opened[-1] == "17:30" and len(opened) == 20
    # Kathmandu (+05:45) on a 60-minute UTC grid: intervals start at hh:45 local
    ktm = _site("Asia/Kathmandu", {"mon": "08:00-18:00"})
    grid = interval_grid(dt.date(2025, 2, 3), 1, 60, "Asia/Kathmandu")
    assert grid[0] == pd.Timestamp("2025-02-02T19:00Z")  # 00:45 local, the first on the grid
    local = grid.tz_convert("Asia/Kathmandu").strftime("%H:%M")
    opened = list(local[open_mask(grid, ktm, 60)])
    assert opened == [f"{h:02d}:45" for h in range(7, 18)]


def test_interval_across_local_midnight_opens_with_the_next_day():
    from wfm.core.calendar import open_mask

    # Kolkata closed on Sunday, open from 00:00 on Monday: the 23:30-00:30 interval is open
    site = _site("Asia/Kolkata", {"mon": "00:00-06:00"})
    t = pd.DatetimeIndex(pd.to_datetime(["2025-02-02T17:00Z", "2025-02-02T18:00Z"], utc=True))
    assert open_mask(t, site, 60).tolist() == [False, True]  # 22:30 and 23:30 local, Sunday


def test_shift_covers_the_open_part_of_an_edge_interval_in_full():
    from wfm.schedule.patterns import site_patterns
    from wfm.schedule.templates import ShiftTemplate

    # Kathmandu "08:00-18:00" on a 60-minute UTC grid: the 07:45 and 17:45 intervals are
    # open for 15 minutes; a 08:00-18:00 shift is on queue for all of that open time
    ktm = _site("Asia/Kathmandu", {"mon": "08:00-18:00"})
    t = ShiftTemplate(start_min=8 * 60, length_min=600)
    grid_start = pd.Timestamp("2025-02-02T19:00Z")
    (p,) = site_patterns(ktm, [t], [dt.date(2025, 2, 3)], grid_start, 24, 60)
    assert p.intervals.tolist() == list(range(7, 18))
    assert p.on_queue_rate.tolist() == [1.0] * 11


def test_history_on_local_hours_of_a_half_hour_site_is_refused(tmp_path):
    """Rows on a +05:30 site's local hours are off the UTC grid: the message says which grid."""
    scen = tmp_path / "kolkata.toml"
    scen.write_text(scenario_toml({"kolkata": SITES["kolkata"]}))
    hist = tmp_path / "history.csv"
    hist.write_text(
        "interval_start,channel,segment,site,contacts\n"
        "2025-02-03T09:00:00+05:30,voice,open,kolkata,4\n"
        "2025-02-03T10:00:00+05:30,voice,open,kolkata,5\n"
    )
    res = CliRunner().invoke(main, ["validate", str(scen), "--history", str(hist)])
    assert res.exit_code == 2
    assert "line 2" in res.output and "off the 60-minute grid" in res.output
    assert "multiples of 60 minutes in UTC" in res.output


def test_weekly_rules_count_the_horizon_days_not_the_wider_grid():
    from wfm.core.calendar import plan_grid, whole_local_days

    # seven days at Sydney and New York: a grid of 7 days and 15 hours is still one week
    zones = ["Australia/Sydney", "America/New_York"]
    grid = plan_grid(dt.date(2025, 2, 3), 7, 60, zones)
    assert len(grid) == 7 * 24 + 16
    assert whole_local_days(grid, 60, zones) == 7
    # one zone across the Paris spring change: 7 days of 167 hours
    grid = plan_grid(dt.date(2025, 3, 24), 7, 30, ["Europe/Paris"])
    assert len(grid) == 2 * (7 * 24 - 1)
    assert whole_local_days(grid, 30, ["Europe/Paris", "Africa/Tunis"]) == 7
