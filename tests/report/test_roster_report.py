"""The roster section of the report on hand-made roster tables: the day and the agents the
Gantt shows, local times across DST and midnight, time off, figures, and the page in
headless Chromium at 1366 px."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from tests.report.test_html import CHROMIUM
from wfm.io.plan_folder import read_plan_folder
from wfm.report.html import render_report
from wfm.report.roster import MAX_GANTT_ROWS, local_spans, pick_gantt, week_by_agent

DATA = Path(__file__).resolve().parents[1] / "data" / "report"
ZONES = {"lyon": "Europe/Paris", "tunis": "Africa/Tunis"}


def _row(agent, site, pool, day, start_local, hours, breaks=None, zone="Europe/Paris"):
    start = pd.Timestamp(f"{day} {start_local}").tz_localize(zone).tz_convert("UTC")
    return {
        "agent_id": agent,
        "local_date": day,
        "site": site,
        "pool": pool,
        "shift_start": start,
        "shift_end": start + pd.Timedelta(hours=hours),
        "shift_start_local": start_local,
        "breaks": breaks,
        "paid_h": float(hours),
    }


def _summary(roster: pd.DataFrame) -> pd.DataFrame:
    g = roster.groupby(["agent_id", "site", "pool"], as_index=False).agg(
        paid_h=("paid_h", "sum"), days=("local_date", "nunique")
    )
    return g.assign(weekends=0, nights=0, preferences_met=1, preferences=2, changed_days=0)


def test_a_crowded_day_shows_the_busiest_site_pool_cut_at_60_and_says_so():
    rows = [_row(f"a{i:03d}", "lyon", "gen", "2025-03-04", "08:00", 8) for i in range(70)]
    rows += [_row(f"b{i}", "lyon", "prem", "2025-03-04", "09:00", 8) for i in range(5)]
    rows += [_row("c1", "lyon", "gen", "2025-03-03", "08:00", 8)]
    spans = local_spans(pd.DataFrame(rows), ZONES)
    day, shown, cut = pick_gantt(spans)
    assert day == "2025-03-04"
    assert len(shown) == MAX_GANTT_ROWS == 60
    assert set(shown["pool"]) == {"gen"}
    assert cut == (
        "75 agents work that day; the Gantt shows site lyon, pool gen (the busiest), "
        "60 of its 70 agents"
    )
    day, shown, cut = pick_gantt(spans, "2025-03-03")  # a day asked for
    assert (day, len(shown), cut) == ("2025-03-03", 1, "")


def test_times_are_on_the_site_clock_across_dst_and_midnight_with_time_off():
    rows = [
        # Sunday 30 March 2025: Paris moves to summer time at 02:00
        _row("n1", "lyon", "all", "2025-03-29", "22:00", 8),  # 22:00 → 07:00 local (+1 h)
        _row("d1", "lyon", "all", "2025-03-31", "07:00", 8, "12:00+30"),
        _row("t1", "tunis", "dig", "2025-03-29", "09:00", 6, zone="Africa/Tunis"),
    ]
    spans = local_spans(pd.DataFrame(rows), ZONES)
    assert list(spans["start_min"]) == [22 * 60, 7 * 60, 9 * 60]
    assert list(spans["end_min"]) == [31 * 60, 15 * 60, 15 * 60]
    # without the sites' zones (a report without its scenario): the local start written
    # in roster.csv plus the shift's 8 h, so the night of the change ends at 06:00, not 07:00
    bare = local_spans(pd.DataFrame(rows), {})
    assert list(bare["start_min"]) == [22 * 60, 7 * 60, 9 * 60]
    assert list(bare["end_min"]) == [30 * 60, 15 * 60, 15 * 60]
    off = pd.DataFrame(
        {
            "agent_id": ["d1"],
            "start": pd.to_datetime(["2025-03-30T00:00:00+01:00"], utc=True),
            "end": pd.to_datetime(["2025-03-31T00:00:00+02:00"], utc=True),
        }
    )
    week = week_by_agent(spans, None, off, ZONES)
    assert list(week.columns[:3]) == ["agent_id", "pool", "Sat 29 Mar"]
    assert len(week.columns) == 9
    got = week.set_index("agent_id")
    assert got.loc["n1", "Sat 29 Mar"] == "22:00–07:00 +1"
    assert got.loc["d1", "Sun 30 Mar"] == "time off"
    assert got.loc["d1", "Mon 31 Mar"] == "07:00–15:00"
    assert got.loc["d1", "Sat 29 Mar"] == "off"
    assert got.loc["t1", "pool"] == "tunis · dig"


def _tables_with_roster() -> tuple[dict, dict]:
    tables, manifest = read_plan_folder(DATA / "plan")
    first = dt.date(2025, 3, 3)
    rows = []
    for d in range(7):
        day = (first + dt.timedelta(days=d)).isoformat()
        for i, agent in enumerate(["<b>x</b>", "lyon-2", "lyon-3", "lyon-4"]):
            if (d + i) % 7 < 5:
                rows.append(_row(agent, "lyon", "all", day, f"{8 + i}:00", 8, f"{12 + i}:00+30"))
    roster = pd.DataFrame(rows)
    unassigned = pd.DataFrame(
        {
            "site": ["lyon", "lyon"],
            "pool": ["all", "all"],
            "local_date": ["2025-03-08", "2025-03-09"],
            "shift": ["s0800", "s0800"],
            "shift_start_local": ["08:00", "08:00"],
            "required": [3, 2],
            "assigned": [1, 1],
            "unassigned": [2, 1],
            "reasons": ["max days per week: 3; time off: 1", "<i>rest</i>: 3"],
        }
    )
    extra = {"roster": roster, "unassigned": unassigned, "agent_summary": _summary(roster)}
    stage = {
        "figures": {
            "total": {
                "shifts_required": len(roster) + 3,
                "shifts_assigned": len(roster),
                "shifts_unassigned": 3,
                "shifts_over": 0,
                "preferences": 8,
                "preferences_met": 4,
                "violations": 0,
            }
        }
    }
    manifest = {**manifest, "stages": {**manifest.get("stages", {}), "roster": stage}}
    return {**tables, **extra}, manifest


def test_the_section_gives_the_gantt_the_week_and_the_figures_escaped():
    tables, manifest = _tables_with_roster()
    page = render_report(tables, manifest, sites=None)
    sec = page[page.index("<section id='roster'>") :].split("</section>")[0]
    assert "<b>x</b>" not in page and "<i>rest</i>" not in page
    assert "&lt;b&gt;x&lt;/b&gt;" in sec and "&lt;i&gt;rest&lt;/i&gt;: 3" in sec
    assert sec.count('id="roster-shift-') == 4  # the busiest day: 4 agents on it
    assert sec.count('id="roster-break-') == 4
    assert "<dt>agent-shifts rostered</dt><dd>20 of 23 planned (87.0%)</dd>" in sec
    assert "<dt>preferences met</dt><dd>4 of 8 (50.0%)</dd>" in sec
    assert "<td>2 of 3</td>" in sec  # the shift with the most open first
    assert "<td>30.0–40.0 (spread 10.0)</td>" in sec or "<td>40.0–40.0 (spread 0.0)</td>" in sec
    assert re.search(r"<tr><td>lyon-2</td><td>lyon · all</td>(<td>[^<]+</td>){7}</tr>", sec)
    assert "href='#roster'" in page


@pytest.mark.skipif(
    CHROMIUM is None,
    reason="Debian package 'chromium' is not installed "
    "(apt-get install -y chromium); the report is not checked in a browser",
)
def test_the_roster_section_renders_in_headless_chromium_at_1366_px(tmp_path):
    tables, manifest = _tables_with_roster()
    only = {k: tables[k] for k in ("roster", "unassigned", "agent_summary")}
    html_path = tmp_path / "report.html"  # the other sections "not run": the roster on top
    html_path.write_text(render_report(only, manifest), encoding="utf-8")
    base = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    dom = subprocess.run(
        [*base, f"--user-data-dir={tmp_path / 'p1'}", "--dump-dom", html_path.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert 'id="roster"' in dom.stdout
    assert 'data-chart="roster"' in dom.stdout
    assert dom.stdout.count("<table>") == dom.stdout.count('<div class="scroll"><table>')
    shot = tmp_path / "roster-1366.png"
    run = subprocess.run(
        [
            *base,
            f"--user-data-dir={tmp_path / 'p2'}",
            f"--screenshot={shot}",
            "--window-size=1366,2400",
            "--hide-scrollbars",
            html_path.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    head = shot.read_bytes()[:24]
    assert (int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")) == (1366, 2400)
    assert shot.stat().st_size > 60_000  # a page of "not run" sections alone is about 40 kB
