"""The report a planner reads at a glance: targets and misses, heads and FTE per site, the
shift Gantt, local-time axes, forecast against actual, formatted numbers, notes as a list.

Every expected value is worked out by hand in the comments from the small tables built here
or from the synthetic plan in tests/data/report/plan (see its README).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from wfm.core.breaks import parse_breaks
from wfm.core.errors import InputError
from wfm.io.plan_folder import read_plan_folder
from wfm.io.scenario import load_scenario
from wfm.report import numbers
from wfm.report.accuracy import forecast_accuracy
from wfm.report.html import render_report
from wfm.report.kpis import service_against_targets
from wfm.report.shifts import (
    busiest_day,
    day_bars,
    fte_per_pool,
    heads_on_queue,
    per_site_day,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "report"
_SVG = re.compile(r"<svg.*?</svg>", re.S)


@pytest.fixture(scope="module")
def plan():
    return read_plan_folder(DATA / "plan")


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(DATA / "scenario.toml")


@pytest.fixture(scope="module")
def page(plan, scenario) -> str:
    tables, manifest = plan
    return render_report(tables, manifest, scenario=scenario)


def _sim(rows):
    return pd.DataFrame(
        rows,
        columns=[
            "interval_start",
            "site",
            "skill",
            "contacts",
            "service_level_rate",
            "sl_target_rate",
        ],
    ).assign(interval_start=lambda d: pd.to_datetime(d["interval_start"], utc=True))


SMALL_SIM = _sim(
    [
        ("2025-03-03T07:00Z", "lyon", "voice_premium", 40.0, 0.81, 0.9),
        ("2025-03-03T07:30Z", "lyon", "voice_premium", 44.0, 0.87, 0.9),
        ("2025-03-03T08:00Z", "lyon", "voice_premium", 0.0, float("nan"), 0.9),
        ("2025-03-03T07:00Z", "lyon", "voice_open", 84.0, 0.90, 0.8),
        ("2025-03-03T07:00Z", "tunis", "voice_open", 36.0, 0.78, 0.8),
    ]
)


# -- service level against target ----------------------------------------------------------
def test_service_level_per_segment_and_channel_is_contact_weighted(scenario):
    table, how = service_against_targets({"simulation": SMALL_SIM}, scenario)
    got = table.set_index(["segment", "channel"])
    # premium · voice: (40 × 0.81 + 44 × 0.87) / 84 = 70.68 / 84; the empty interval is left out
    premium = got.loc[("premium", "voice")]
    assert premium["service_level_rate"] == pytest.approx(70.68 / 84, rel=1e-12)
    assert premium["contacts"] == 84.0
    assert premium["sl_target_rate"] == 0.90  # the scenario's targets.voice of premium
    assert not premium["meets"]
    assert premium["gap_rate"] == pytest.approx(70.68 / 84 - 0.90, rel=1e-12)
    # open · voice over both sites: (84 × 0.90 + 36 × 0.78) / 120 = 0.864 against the
    # default target 0.80 (the fixture sets none for open voice)
    open_voice = got.loc[("open", "voice")]
    assert open_voice["service_level_rate"] == pytest.approx(0.864, rel=1e-12)
    assert open_voice["sl_target_rate"] == 0.80 and open_voice["meets"]
    assert "simulation.csv" in how


def test_without_a_scenario_the_skill_stands_for_itself():
    table, _ = service_against_targets({"simulation": SMALL_SIM})
    row = table.set_index("skill").loc["voice_premium"]
    assert row["service_level_rate"] == pytest.approx(70.68 / 84, rel=1e-12)
    assert row["sl_target_rate"] == pytest.approx(0.9)  # the table's own target


def test_the_simulators_segment_channel_summary_is_used_as_it_is(scenario):
    summary = pd.DataFrame(
        {
            "scope": ["overall", "segment_channel", "segment_channel"],
            "name": ["all", "premium.voice", "open.voice"],
            "contacts": [100.0, 40.0, 60.0],
            "service_level_rate": [0.85, 0.86053, 0.83],
            "sl_target_rate": [0.84, 0.85, 0.80],
        }
    )
    table, how = service_against_targets({"summary": summary, "simulation": SMALL_SIM}, scenario)
    got = table.set_index(["segment", "channel"])
    assert got.loc[("premium", "voice"), "service_level_rate"] == 0.86053
    assert got.loc[("premium", "voice"), "sl_target_rate"] == 0.90  # the scenario wins
    assert not got.loc[("premium", "voice"), "meets"]
    assert got.loc[("open", "voice"), "meets"]
    assert how.startswith("summary.csv")


def test_misses_are_flagged_in_colour_and_in_words(plan, scenario):
    tables, manifest = plan
    page = render_report({**tables, "simulation": SMALL_SIM}, manifest, scenario=scenario)
    # 70.68 / 84 = 84.14 % against 90 %: −5.857 points
    assert "premium · voice: 84.1% against a target of 90.0% (-5.9 points, 84 contacts)" in page
    assert "MISSES target by 5.9 points" in page
    assert page.count("<tr class='miss'>") == 1
    assert page.count("<tr class='met'>") == 1
    # overall card: (70.68 + 103.68) / 204 = 85.5 % against (84 × 0.9 + 120 × 0.8) / 204
    assert "85.5% · target 84.1%" in page
    assert "<b>1 of 2</b><span>segment × channel below target</span>" in page
    assert "class='card miss'" in page


def test_the_fixture_premium_voice_misses_its_target(page, plan):
    sim = plan[0]["simulation"]
    vp = sim[sim["skill"] == "voice_premium"]
    sl = (vp["service_level_rate"] * vp["contacts"]).sum() / vp["contacts"].sum()
    assert sl < 0.90
    assert f"premium · voice: {sl:.1%} against a target of 90.0%" in page


# -- heads, FTE and headcount ----------------------------------------------------------------
SCHED = pd.DataFrame(
    {
        "site": ["lyon", "lyon", "lyon", "tunis"],
        "pool": ["all", "all", "all", "digital"],
        "local_date": ["2025-03-03", "2025-03-03", "2025-03-04", "2025-03-03"],
        "shift": ["s0800_480", "s0900_360", "s0800_240", "s0800_480"],
        "shift_start_local": ["08:00", "09:00", "08:00", "08:00"],
        "shift_length_min": [480, 360, 240, 480],
        "breaks": ["12:00+30", "", "none", "12:30+30;14:00+15"],
        "agents": [12, 6, 3, 8],
    }
)


def test_fte_is_paid_hours_per_week_over_the_contract_week():
    fte = fte_per_pool(SCHED, 40.0, 7, {("lyon", "all"): 20}).set_index(["site", "pool"])
    # lyon/all: 12 × 8 h + 6 × 6 h + 3 × 4 h = 144 h in a 7-day horizon → 144 / 40 = 3.6 FTE
    assert fte.loc[("lyon", "all"), "paid_h"] == 144.0
    assert fte.loc[("lyon", "all"), "fte"] == pytest.approx(3.6)
    assert fte.loc[("lyon", "all"), "shifts"] == 21
    assert fte.loc[("lyon", "all"), "people_peak_day"] == 18  # 12 + 6 on the 3rd
    assert fte.loc[("lyon", "all"), "headcount"] == 20
    # a 1-day horizon: 64 h a day is 448 h a week → 448 / 35 = 12.8 FTE of a 35 h week
    one_day = fte_per_pool(SCHED[SCHED["site"] == "tunis"], 35.0, 1)
    assert one_day["fte"].iloc[0] == pytest.approx(64 * 7 / 35)


def test_heads_on_queue_leave_out_breaks_in_local_time():
    heads = heads_on_queue(SCHED, 30).set_index(["site", "local_start"])["heads"]
    at = lambda site, t: heads.get((site, pd.Timestamp(t)), 0.0)  # noqa: E731
    assert at("lyon", "2025-03-03 08:00") == 12
    assert at("lyon", "2025-03-03 10:00") == 18
    assert at("lyon", "2025-03-03 12:00") == 6  # the 12 of the 08:00 shift on their break
    assert at("lyon", "2025-03-03 15:30") == 12  # the 09:00 shift ended at 15:00
    assert at("lyon", "2025-03-03 16:00") == 0
    # tunis: a 15-min break from 14:00 takes half of the 14:00 interval: 8 × 0.5
    assert at("tunis", "2025-03-03 14:00") == pytest.approx(4.0)
    assert parse_breaks("12:30+30;14:00+15", source="schedule.csv", line=5) == (
        (750, 30),
        (840, 15),
    )


@pytest.mark.parametrize("bad", ["12:30+3O", "12:30", "12h30+30", "25:00+30"])
def test_a_break_that_cannot_be_read_stops_the_heads_and_the_gantt(bad):
    """A break the report cannot read is an error naming the file and line, not a shift
    counted on queue through its break (it was left out silently)."""
    sched = SCHED.assign(breaks=["12:00+30", "", bad, "12:30+30;14:00+15"])
    for count in (lambda: heads_on_queue(sched, 30), lambda: day_bars(sched, "2025-03-04")):
        with pytest.raises(InputError) as err:
            count()
        assert (err.value.source, err.value.line, err.value.key) == ("schedule.csv", 4, "breaks")


def test_required_and_scheduled_per_site_and_day_are_in_heads():
    cov = pd.DataFrame(
        {
            # 07:00Z is 08:00 in Paris (UTC+1 in March): two skills of lyon, 7 + 4 = 11 heads
            "interval_start": pd.to_datetime(["2025-03-03T07:00Z"] * 2 + ["2025-03-03T09:00Z"] * 2),
            "site": ["lyon"] * 4,
            "skill": ["voice", "chat", "voice", "chat"],
            "agents_required": [7.0, 4.0, 10.0, 9.0],
            "agents_scheduled": [7.0, 4.0, 10.0, 9.0],
            "agents_gap": [0.0] * 4,
        }
    )
    day = per_site_day(cov, SCHED, {"lyon": "Europe/Paris"}, 30).set_index(["site", "local_date"])
    row = day.loc[("lyon", "2025-03-03")]
    assert row["agents_required_peak"] == 19.0  # 10 + 9 at 10:00 local
    assert row["agents_on_queue_peak"] == 18.0
    assert row["required_agent_h"] == pytest.approx((11 + 19) * 0.5)
    # 12 × 7.5 h + 6 × 6 h on queue; paid hours are the shift lengths: 12 × 8 + 6 × 6
    assert row["on_queue_agent_h"] == pytest.approx(12 * 7.5 + 6 * 6)
    assert row["paid_h"] == 132.0 and row["people_on_shift"] == 18


def test_the_page_states_fte_and_its_contract_week(page):
    # fixture lyon/all: 12 × 8 h + 6 × 6 h = 132 h in a 1-day horizon → 132 × 7 / 40 = 23.1
    assert "contract week of 40.0 h (the scenario&#39;s shifts.max_h_per_week)" in page
    assert "<td>23.1</td>" in page
    assert "<th>FTE</th>" in page and "<th>headcount</th>" in page


# -- the shift Gantt ---------------------------------------------------------------------------
def test_the_gantt_draws_one_bar_per_shift_of_the_busiest_day(page, plan):
    sched = plan[0]["schedule"]
    assert busiest_day(SCHED) == "2025-03-03"  # 132 + 64 h against 12 h on the 4th
    bars = day_bars(SCHED, "2025-03-03")
    assert len(bars) == 3 and list(bars["start_min"]) == [480, 540, 480]
    gantt = re.search(r"<figure data-chart='gantt'>(.*?)</figure>", page, re.S)
    assert gantt is not None
    svg = gantt.group(1)
    assert len(re.findall(r'id="gantt-shift-\d+"', svg)) == len(sched) == 3
    assert len(re.findall(r'id="gantt-break-\d+"', svg)) == 2  # "12:00+30", "12:30+30", none
    assert "local time (Europe/Paris)" in svg and "local time (Africa/Tunis)" in svg
    assert "Monday 2025-03-03" in svg
    assert "the busiest day by paid hours" in page


def test_a_chosen_day_is_drawn(plan, scenario):
    tables, manifest = plan
    sched = pd.concat([SCHED.assign(local_date="2025-03-04")])
    page = render_report(
        {**tables, "schedule": sched}, manifest, scenario=scenario, gantt_day="2025-03-04"
    )
    svg = re.search(r"<figure data-chart='gantt'>(.*?)</figure>", page, re.S).group(1)
    assert len(re.findall(r'id="gantt-shift-\d+"', svg)) == 4
    assert "the busiest day" not in page


# -- time axes ---------------------------------------------------------------------------------
def test_time_axes_are_in_site_local_time_with_the_zone_named(page, plan):
    charts = dict(re.findall(r"<figure data-chart='(\w+)'>(.*?)</figure>", page, re.S))
    for key in ("forecast", "coverage", "simulation"):
        assert "local time (Europe/Paris)" in charts[key], key
        assert "UTC" not in charts[key], key
    assert "local time (Africa/Tunis)" in charts["coverage"]
    # the 08:00 opening in Paris is 07:00 UTC: the coverage axis starts at 08:00 local
    assert "08:00" in charts["coverage"]
    tables, manifest = plan
    bare = render_report(tables, manifest)
    bare_cov = re.search(r"<figure data-chart='coverage'>(.*?)</figure>", bare, re.S).group(1)
    assert "UTC" in bare_cov and "local time" not in bare_cov
    assert "a 40 h (no scenario given: the default) contract week" in bare


# -- forecast against actual ------------------------------------------------------------------
def test_forecast_accuracy_by_hand():
    t = pd.to_datetime(["2025-03-03T07:00Z", "2025-03-03T07:30Z", "2025-03-03T08:00Z"])
    fc = pd.DataFrame(
        {"interval_start": t, "channel": "voice", "segment": "open", "contacts": [10, 20, 5.0]}
    )
    act = pd.DataFrame(  # two sites, summed; the third interval has no actual
        {
            "interval_start": t[[0, 0, 1]],
            "channel": "voice",
            "segment": "open",
            "site": ["lyon", "lille", "lyon"],
            "contacts": [7.0, 5.0, 16.0],
        }
    )
    acc = forecast_accuracy(fc, act).set_index(["channel", "segment"])
    # F = 10, 20 against A = 12, 16: wMAPE = (2 + 4) / 28, bias = (−2 + 4) / 28
    row = acc.loc[("voice", "open")]
    assert row["intervals"] == 2
    assert row["wmape"] == pytest.approx(6 / 28, rel=1e-12)
    assert row["bias_rate"] == pytest.approx(2 / 28, rel=1e-12)
    assert acc.loc[("all", "all"), "wmape"] == pytest.approx(6 / 28, rel=1e-12)


def test_actuals_in_the_plan_are_drawn_against_the_forecast(plan, scenario):
    tables, manifest = plan
    fc = tables["forecast"]
    actuals = fc[["interval_start", "channel", "segment", "contacts"]].assign(
        contacts=fc["contacts"] * 1.25  # every actual a quarter above: F − A = −0.2 A
    )
    page = render_report({**tables, "actuals": actuals}, manifest, scenario=scenario)
    assert "<figure data-chart='accuracy'>" in page
    assert "16 intervals have both a forecast and an actual." in page  # 4 series × 4
    # wMAPE = Σ 0.25 F / Σ 1.25 F = 20.0 %, bias −20.0 %
    assert "<td>20.0%</td><td>-20.0%</td>" in page.replace("\n", "")
    assert "not run: the plan has no actuals" not in page
    nightly = pd.DataFrame(
        {
            "channel": ["voice"],
            "segment": ["open"],
            "days_ahead": [1],
            "intervals": [48],
            "actual_contacts": [1234.5],
            "forecast_contacts": [1300.25],
            "wmape": [0.18247254183],
            "bias_rate": [0.0531],
        }
    )
    page = render_report({**tables, "accuracy": nightly}, manifest)
    assert "18.2%" in page and "0.18247254183" not in page and "1,300" in page


def test_without_actuals_the_section_says_not_run(page):
    assert "not run: the plan has no actuals yet (actuals.csv or accuracy.csv)" in page


# -- numbers, notes and layout ---------------------------------------------------------------
def test_numbers_are_formatted():
    assert numbers.cell("service_level_rate", 0.91666) == "91.7%"
    assert numbers.cell("agents_required", 12.345) == "12.3"
    assert numbers.cell("cost", 1234567.891, "EUR") == "1,234,567.89 EUR"
    assert numbers.cell("contacts", 1234.6) == "1,235"
    assert numbers.cell("value", 0.18247254183) == "0.18"
    assert numbers.cell("shifts", 18.0) == "18"
    assert numbers.header("shortfall_agent_h") == "shortfall agent (h)"
    assert numbers.header("fte") == "FTE"


def test_no_raw_float_reaches_the_page(page):
    text = _SVG.sub("", page)
    assert re.findall(r"\d\.\d{4,}", text) == []


def test_stage_notes_are_a_readable_list(page):
    assert "<li>email: too little history, seasonal naive</li>" in page
    assert "<li>&lt;script&gt;alert(1)&lt;/script&gt;</li>" in page
    assert not re.search(r"<td>[^<]*too little history", page)


def test_every_table_scrolls_inside_its_section_and_the_page_prints(page):
    assert page.count("<table>") == page.count("<div class='scroll'><table>") > 5
    css = page[page.index("<style>") : page.index("</style>")]
    assert ".scroll{max-width:100%;overflow-x:auto" in css
    assert "figure svg{max-width:100%" in css
    assert "@media print{" in css
