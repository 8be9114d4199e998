"""Hostile text in a plan reaches the report only escaped.

Every text a scenario, a plan table, a history or a manifest can carry into the page (scenario
name, run id, currency, channel, segment, site, skill, pool and region names, model names of
the forecast and the backtest, stage notes and figures, solver name and status, parameters,
input and version names, what-if keys, closed-site names) is given a hostile suffix; the page
must show it as text: no element, attribute or template expression comes out of it, in the
HTML and in the charts' SVG alike.
"""

from __future__ import annotations

import re
from pathlib import Path

import markupsafe
import pandas as pd
import pytest
from matplotlib.figure import Figure

from wfm.core.errors import ConfigError
from wfm.io.plan_folder import read_plan_folder
from wfm.io.scenario import load_scenario
from wfm.report.charts import plain_text, svg_chart
from wfm.report.html import render_report

DATA = Path(__file__).resolve().parents[1] / "data" / "report"

HOSTILE = (
    '<script>document.title="X"</script>',
    '"><img src=x onerror=alert(1)>',
    "'><img src=x onerror=alert(2)>",
    "</style><b>bold</b>",
    "{{ 7*7 }}",
    "&lt;amp",
    "$\\alpha$ costs 5$",
)
_SVG = re.compile(r"<svg.*?</svg>", re.S)


def _svg_text(s: str) -> str:
    """How matplotlib's SVG writer escapes text content."""
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _hostile_tables(tables: dict[str, pd.DataFrame], s: str) -> dict[str, pd.DataFrame]:
    out = {}
    for name, df in tables.items():
        df = df.copy()
        for col in df.columns:
            if col == "breaks":  # read as times: other text is an error naming the line
                continue
            if df[col].dtype == object or str(df[col].dtype) in ("str", "string"):
                df[col] = df[col].astype(str) + s
        out[name] = df
    return out


def _hostile_manifest(m: dict, s: str) -> dict:
    out = dict(m)
    out["run_id"] = m["run_id"] + s
    out["created_utc"] = "2025-03-02T22:00:00+00:00" + s
    out["scenario"] = {"file": "scenario.toml" + s, "name": "report_fixture" + s}
    out["parameters"] = {**m["parameters"], "currency": "EUR" + s, "events_file" + s: s}
    out["schedule"] = {**m["schedule"], "solver": "CP-SAT" + s, "status": "FEASIBLE" + s}
    out["stages"] = {
        stage + s: {
            "wall_s": info["wall_s"],
            "notes": [n + s for n in info["notes"]] + [s],
            "figures": {k + s: f"{v}{s}" for k, v in info["figures"].items()},
        }
        for stage, info in m["stages"].items()
    }
    out["inputs"] = {k + s: v for k, v in m["inputs"].items()}
    out["versions"] = {k: v + s for k, v in m["versions"].items()}
    return out


@pytest.fixture(scope="module")
def plan():
    return read_plan_folder(DATA / "plan")


@pytest.mark.parametrize("s", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_is_escaped_everywhere(plan, s):
    tables, manifest = plan
    fc = tables["forecast"]
    history = fc[["interval_start", "channel", "segment", "contacts"]].assign(
        interval_start=fc["interval_start"] - pd.Timedelta(days=7)
    )
    whatif = pd.DataFrame({"key": ["segments.open.ai.chat.containment_rate"], "value": [0.45]})
    hostile = _hostile_tables({**tables, "whatif": whatif}, s)
    page = render_report(
        hostile,
        _hostile_manifest(manifest, s),
        history=_hostile_tables({"h": history}, s)["h"],
        site_regions={f"lyon{s}": f"france{s}", f"tunis{s}": f"maghreb{s}"},
    )
    # the hostile text came through (as text) in the tables, notes and title ...
    assert str(markupsafe.escape("report_fixture" + s)) in page
    assert str(markupsafe.escape("week_average" + s)) in page or "seasonal_naive" in page
    # ... and in the charts, escaped by matplotlib's SVG writer, mathtext off
    charts = _SVG.findall(page)
    assert len(charts) == 7
    for name in (f"voice{s} · premium{s}", f"france{s} → maghreb{s}", f"lyon{s}"):
        assert any(_svg_text(name) in svg for svg in charts), name
    # nothing of it is markup
    if any(c in s for c in "<>&\"'"):
        assert s not in page
    assert "<script" not in page.lower()
    assert "<img" not in page
    assert "<b>bold" not in page
    assert page.count("</style>") == 1 + len(charts)  # the page's and each chart's own
    assert page.count("<title>") == 1
    if s == "{{ 7*7 }}":
        assert f"report_fixture{s}" in page  # shown as written, never evaluated
        assert "report_fixture49" not in page
    if s == "&lt;amp":
        assert "&amp;lt;amp" in page and "&lt;amp" not in page.replace("&amp;lt;amp", "")


def test_a_series_name_in_a_chart_legend_is_escaped_by_the_svg_writer():
    s = '<script>alert("x")</script> & $x$'
    with plain_text():
        fig = Figure()
        ax = fig.subplots()
        ax.plot([0, 1], [0, 1], label=f"voice · {s}")
        ax.set_title(s)
        ax.set_yticks([0, 1], [s, "b"])
        ax.legend()
    svg = svg_chart(fig, "legend").svg
    assert "<script" not in svg
    assert svg.count(_svg_text(s)) == 3  # legend, title and tick label, each as one text


def test_closed_site_names_in_the_notice_are_escaped():
    tables, manifest = read_plan_folder(DATA / "closed_day")
    sites = load_scenario(DATA / "closed_day" / "scenario.toml").sites
    s = HOSTILE[0]
    page = render_report(tables, manifest, sites={f"{k}{s}": v for k, v in sites.items()})
    assert "No site opens in the horizon" in page
    assert str(markupsafe.escape(f"lyon{s}")) in page
    assert "<script" not in page


def _scenario_text(currency: str) -> str:
    text = (DATA / "scenario.toml").read_text(encoding="utf-8")
    return text.replace('currency = "EUR"', f"currency = {currency}")


@pytest.mark.parametrize(
    "currency", ["'<script>document.title=\"X\"</script>'", '"eur"', '"EURO"', '"€"', '""']
)
def test_the_scenario_currency_must_be_an_iso_4217_code(tmp_path, currency):
    path = tmp_path / "scenario.toml"
    path.write_text(_scenario_text(currency), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"scenario.toml, currency: .*ISO 4217 code"):
        load_scenario(path)


def test_a_3_letter_currency_loads(tmp_path):
    path = tmp_path / "scenario.toml"
    path.write_text(_scenario_text('"USD"'), encoding="utf-8")
    assert load_scenario(path).currency == "USD"
