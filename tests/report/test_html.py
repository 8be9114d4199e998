"""The HTML report: content, escaping, self-containment, and rendering in headless Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wfm.core.errors import InputError
from wfm.io.plan_folder import read_plan_folder
from wfm.report.html import render_report

DATA = Path(__file__).resolve().parents[1] / "data" / "report"
REGIONS = {"lyon": "france", "tunis": "maghreb"}
SECTIONS = (
    "forecast",
    "accuracy",
    "split",
    "coverage",
    "overflow",
    "simulation",
    "cost",
    "schedule",
    "whatif",
    "provenance",
)


@pytest.fixture(scope="module")
def plan():
    return read_plan_folder(DATA / "plan")


@pytest.fixture(scope="module")
def page(plan) -> str:
    tables, manifest = plan
    return render_report(tables, manifest, site_regions=REGIONS)


def test_every_section_and_chart_is_there(page):
    for anchor in SECTIONS:
        assert f"<section id='{anchor}'>" in page
    charts = re.findall(r"data-chart='(\w+)'", page)
    assert charts == ["forecast", "split", "coverage", "overflow", "simulation", "cost", "gantt"]
    assert page.count("<svg") == 7


def test_solver_status_gap_and_notes_are_stated(page):
    assert "status <b>FEASIBLE</b>" in page
    assert "gap <b>0.59%</b>" in page  # (4728 − 4700) / 4728 written as 0.0059 in the fixture
    assert "seasonal_naive" in page
    assert "email: too little history, seasonal naive" in page
    # overall cost per contact: (3960 + 768) / (700 + 180) = 5.3727…
    assert "5.37 EUR" in page
    # AI share: chat/open is half contained, 60 × (1 + 1.1 + 1.2 + 1.3) / 2 = 138 of 1150
    assert "<b>12.0%</b> of 1,150 contacts" in page
    assert "france" in page and "maghreb" in page


def test_page_is_self_contained_and_escapes_text(page):
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert not re.search(r"""(src|href)=["']https?://""", page)
    assert "@import" not in page
    assert set(re.findall(r"url\((.)", page)) <= {"#"}  # only in-page references


def test_absent_tables_say_not_run(plan):
    tables, manifest = plan
    page = render_report({}, {"run_id": "x"})
    assert page.count("not run") == 10  # 9 table sections and the solver result
    assert "<svg" not in page
    page = render_report({k: v for k, v in tables.items() if k != "overflow"}, manifest)
    assert "not run: the plan has no overflow.csv" in page


def test_whatif_table_is_shown_when_present(plan):
    tables, manifest = plan
    whatif = pd.DataFrame(
        {
            "key": ["segments.open.ai.chat.containment_rate"],
            "value": [0.45],
            "cost": [4500.0],
            "service_level_rate": [0.84],
        }
    )
    page = render_report({**tables, "whatif": whatif}, manifest)
    assert "segments.open.ai.chat.containment_rate" in page
    assert "not run: the plan has no what-if" not in page


def test_malformed_table_is_an_error(plan):
    tables, manifest = plan
    bad = tables["coverage"].drop(columns=["agents_scheduled"])
    with pytest.raises(InputError, match="coverage.csv.*agents_scheduled"):
        render_report({**tables, "coverage": bad}, manifest)


def test_same_plan_gives_the_same_page(plan, page):
    tables, manifest = plan
    assert render_report(tables, manifest, site_regions=REGIONS) == page


def test_history_is_drawn_behind_the_forecast(plan):
    tables, manifest = plan
    fc = tables["forecast"]
    hist = fc[["interval_start", "channel", "segment", "contacts"]].assign(
        interval_start=fc["interval_start"] - pd.Timedelta(days=7)
    )
    page = render_report(tables, manifest, history=hist)
    assert "history: the actuals" in page


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _png_size(path: Path) -> tuple[int, int]:
    """Width and height of a PNG from its IHDR chunk."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


@pytest.mark.skipif(
    CHROMIUM is None,
    reason="Debian package 'chromium' is not installed "
    "(apt-get install -y chromium); the report is not checked in a browser",
)
def test_report_renders_in_headless_chromium(page, tmp_path):
    html_path = tmp_path / "report.html"
    html_path.write_text(page, encoding="utf-8")
    base = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--enable-logging=stderr",
        "--v=0",
    ]
    dom = subprocess.run(
        base + [f"--user-data-dir={tmp_path / 'profile-dom'}", "--dump-dom", html_path.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    for anchor in SECTIONS:
        assert f'id="{anchor}"' in dom.stdout
    assert dom.stdout.count("<svg") == 7
    # every table sits in a scroll container, so no table widens the page past a laptop's
    # 1366 px (the layout itself is judged on the screenshots below)
    assert dom.stdout.count("<table>") == dom.stdout.count('<div class="scroll"><table>')
    logs = dom.stderr
    for width in (1366, 1920):
        shot = tmp_path / f"report-{width}.png"
        run = subprocess.run(
            base
            + [
                f"--user-data-dir={tmp_path / f'profile-shot-{width}'}",
                f"--screenshot={shot}",
                f"--window-size={width},900",
                "--hide-scrollbars",
                html_path.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0, run.stderr[-2000:]
        assert shot.exists() and shot.stat().st_size > 20_000  # a blank page is a few kB
        assert _png_size(shot) == (width, 900)
        logs += run.stderr
    console = [ln for ln in logs.splitlines() if "CONSOLE" in ln or "Uncaught" in ln]
    assert console == [], console
    assert "net::ERR" not in logs


@pytest.mark.skipif(
    CHROMIUM is None,
    reason="Debian package 'chromium' is not installed "
    "(apt-get install -y chromium); the report is not checked in a browser",
)
def test_a_script_in_the_manifest_does_not_run_in_the_browser(plan, tmp_path):
    tables, manifest = plan
    script = '<script>document.title="X"</script>'
    hostile = {
        **manifest,
        "scenario": {"name": script},
        "parameters": {**manifest["parameters"], "currency": script},
    }
    html_path = tmp_path / "report.html"
    html_path.write_text(render_report(tables, hostile), encoding="utf-8")
    dom = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            html_path.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    title = re.search(r"<title>(.*?)</title>", dom.stdout, re.S)
    assert title is not None
    assert title.group(1).startswith("wfm plan &lt;script&gt;document.title=")
    assert "<title>X</title>" not in dom.stdout


def test_cost_per_contact_from_the_schedule_stage_layout(plan):
    from wfm.report.kpis import cost_per_contact

    tables, manifest = plan
    cost = pd.DataFrame(
        {
            "site": ["lyon", "lyon", "lyon", "tunis", "tunis", ""],
            "item": [
                "labour",
                "overflow",
                "shortfall_penalty",
                "labour",
                "overstaff_penalty",
                "total",
            ],
            "quantity": [132.0, 12.0, 5.0, 64.0, 2.0, 0.0],
            "unit": ["agent_h", "contacts", "agent_h", "agent_h", "agent_h", ""],
            "cost": [3960.0, 3.6, 1000.0, 768.0, 1.0, 5732.6],
        }
    )
    split_summary = pd.DataFrame({"ai_cost": [10.0, 20.0]})
    t = {**tables, "cost": cost, "split_summary": split_summary}
    per_site, overall, how = cost_per_contact(t)
    # money: lyon 3960 + 3.6, tunis 768; penalties and the total row left out; AI 30;
    # all forecast contacts of the fixture: 1150 → (3963.6 + 768 + 30) / 1150
    assert overall == pytest.approx((3963.6 + 768 + 30) / 1150, rel=1e-12)
    lyon = per_site.set_index("site").loc["lyon"]
    # a site's contacts are its simulated contacts
    sim = tables["simulation"]
    assert lyon["contacts"] == pytest.approx(sim.loc[sim["site"] == "lyon", "contacts"].sum())
    assert lyon["cost_per_contact"] == pytest.approx(3963.6 / lyon["contacts"], rel=1e-12)
    assert "penalties" in how
    page = render_report(t, manifest)
    assert f"{overall:,.2f} EUR" in page


def test_nan_service_levels_of_empty_intervals_are_ignored(plan):
    tables, manifest = plan
    sim = tables["simulation"].copy()
    sim.loc[0, ["contacts", "service_level_rate"]] = [0.0, np.nan]
    page = render_report({**tables, "simulation": sim}, manifest)
    assert "nan%" not in page
