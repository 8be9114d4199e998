"""What-if sweeps: axis parsing, grid order, parallel = serial, KPI arithmetic, monotonicity.

The demo checks plan a hand-built one-day forecast of the demo centre through the real split
and staffing stages (``_split_and_staff`` takes the forecast where a plan takes history).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wfm.core.calendar import interval_grid
from wfm.core.errors import ConfigError
from wfm.core.mapping import scenario_from_dict, set_key
from wfm.core.results import StageResult
from wfm.io.scenario import load_scenario_dict
from wfm.pipeline.kpis import KPI_COLUMNS, point_kpis
from wfm.pipeline.whatif import parse_axis, sweep
from wfm.split import split_contacts
from wfm.staffing.stage import staffing_requirements

DEMO_SCENARIO = Path(__file__).resolve().parents[2] / "wfm" / "examples" / "demo" / "scenario.toml"
CHAT_KEY = "segments.open.ai.chat.containment_rate"


def _fake_run(history: pd.DataFrame, scenario) -> dict[str, StageResult]:
    """100 chat contacts; one gross agent per 10 human contacts in each interval."""
    c = scenario.segments["open"].ai_policy("chat").containment_rate
    contained = 100.0 * c
    split = pd.DataFrame(
        {
            "contacts": [100.0],
            "forecast_contacts": [100.0],
            "ai_contained": [contained],
            "human_contacts": [100.0 - contained],
            "ai_cost": [0.1 * contained],
        }
    )
    req = pd.DataFrame(
        {
            "site": ["lyon", "lyon"],
            "contacts": [100.0 - contained, 0.0],
            "agents_required_gross": [(100.0 - contained) / 10.0, 1.0],
            "service_level_rate": [0.8, np.nan],
        }
    )
    return {"split": StageResult(table=split), "requirements": StageResult(table=req)}


def _split_and_staff(forecast: pd.DataFrame, scenario) -> dict[str, StageResult]:
    split = split_contacts(forecast, scenario)
    return {"split": split, "requirements": staffing_requirements(split.table, scenario)}


def test_parse_axis():
    assert parse_axis(f"{CHAT_KEY}=0.3:0.6:0.05") == (
        CHAT_KEY,
        (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6),
    )
    assert parse_axis("ai_capacity.voice.max_sessions=40, 60") == (
        "ai_capacity.voice.max_sessions",
        (40.0, 60.0),
    )
    for bad in ("novalue", "k=0.5:0.1:0.1", "k=0:1:0", "k=a,b", "=1"):
        with pytest.raises(ConfigError):
            parse_axis(bad)


def test_sweep_kpis_and_grid_order(tiny_dict):
    data = set_key(tiny_dict, "segments.open.ai.chat.ai_first_rate", 1.0)
    table = sweep(data, pd.DataFrame(), [f"{CHAT_KEY}=0.2,0.5"], run=_fake_run, max_workers=1)
    assert list(table.columns) == [CHAT_KEY, *KPI_COLUMNS]
    assert table[CHAT_KEY].tolist() == [0.2, 0.5]
    row = table.iloc[0]
    # 80 human contacts → 8 + 1 gross agents over 30-minute intervals = 4.5 paid hours;
    # tiny horizon 2 days, 40 h weeks: FTE = 4.5 · 7 / 2 / 40; lyon costs 30 per hour
    assert row.paid_agent_h == pytest.approx(4.5)
    assert row.human_fte_gross == pytest.approx(4.5 * 7 / 2 / 40)
    assert row.cost == pytest.approx(4.5 * 30.0 + 2.0)
    assert row.cost_per_contact == pytest.approx((4.5 * 30.0 + 2.0) / 100)
    assert row.service_level_rate == pytest.approx(0.8)
    assert row.ai_share_rate == pytest.approx(0.2)
    assert math.isnan(row.overflow_share_rate) and row.basis == "requirements"


def test_two_axes_make_a_grid_and_parallel_equals_serial(tiny_dict):
    axes = [f"{CHAT_KEY}=0.1:0.3:0.1", "segments.open.ai.chat.ai_first_rate=0.5,1"]
    serial = sweep(tiny_dict, pd.DataFrame(), axes, run=_fake_run, max_workers=1)
    parallel = sweep(tiny_dict, pd.DataFrame(), axes, run=_fake_run, max_workers=2)
    assert len(serial) == 6
    assert serial.iloc[:, 0].tolist() == [0.1, 0.1, 0.2, 0.2, 0.3, 0.3]
    assert serial.iloc[:, 1].tolist() == [0.5, 1.0] * 3
    pd.testing.assert_frame_equal(serial, parallel)


def test_invalid_point_names_the_point(tiny_dict):
    with pytest.raises(ConfigError, match=r"what-if point .*containment_rate=1\.5"):
        sweep(tiny_dict, pd.DataFrame(), [f"{CHAT_KEY}=0.5,1.5"], run=_fake_run, max_workers=1)
    with pytest.raises(ConfigError, match="one or two keys"):
        sweep(tiny_dict, pd.DataFrame(), ["a=1", "b=1", "c=1"], run=_fake_run)


def test_schedule_basis_uses_paid_shifts_and_overflow(tiny_dict):
    sc = scenario_from_dict(tiny_dict)
    res = _fake_run(pd.DataFrame(), sc)
    sched = pd.DataFrame({"site": ["lyon"], "agents": [3], "shift_length_min": [480]})
    cov = pd.DataFrame({"overflow_in_contacts": [10.0]})
    res["schedule"] = StageResult(table=sched, tables={"coverage": cov})
    k = point_kpis(res, sc)
    assert k["basis"] == "schedule" and k["paid_agent_h"] == pytest.approx(24.0)
    assert k["overflow_share_rate"] == pytest.approx(10.0 / 100.0)  # containment 0: 100 human
    assert k["overflow_cost"] == pytest.approx(10.0 * sc.overflow.cost_per_contact)
    # the schedule's cost table gives paid hours net of unpaid breaks: 3 × 7.5 h
    costs = pd.DataFrame(
        {
            "site": ["lyon", "lyon"],
            "item": ["labour", "overflow"],
            "quantity": [22.5, 10.0],
            "cost": [675.0, 0.0],
        }
    )
    res["schedule"] = StageResult(table=sched, tables={"coverage": cov, "cost": costs})
    k = point_kpis(res, sc)
    assert k["paid_agent_h"] == pytest.approx(22.5)
    assert k["human_cost"] == pytest.approx(22.5 * 30.0)


def _demo_forecast(scenario) -> pd.DataFrame:
    """One Monday of the demo centre: 30 contacts per interval while Lyon is open, 3 outside."""
    times = interval_grid(dt.date(2025, 3, 3), 1, scenario.interval_min, "Europe/Paris")
    hour = times.tz_convert("Europe/Paris").hour
    per = np.where((hour >= 8) & (hour < 20), 30.0, 3.0)
    frames = []
    for seg in scenario.segments.values():
        for ch in seg.channels:
            for site in ("lyon", "lille"):
                frames.append(
                    pd.DataFrame(
                        {
                            "interval_start": times.tz_convert("UTC"),
                            "channel": ch,
                            "segment": seg.name,
                            "site": site,
                            "contacts": per,
                            "contacts_lo": per * 0.8,
                            "contacts_hi": per * 1.2,
                            "aht_s": 600.0 if ch == "email" else 300.0,
                            "model": "hand",
                        }
                    )
                )
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def demo_dict() -> dict:
    return set_key(load_scenario_dict(DEMO_SCENARIO), "horizon_days", 1)


def test_more_containment_never_needs_more_people_on_the_demo(demo_dict):
    forecast = _demo_forecast(scenario_from_dict(demo_dict))
    table = sweep(
        demo_dict,
        forecast,
        [f"{CHAT_KEY}=0.2:0.8:0.2", "segments.open.ai.voice.containment_rate=0.1,0.5"],
        run=_split_and_staff,
        max_workers=2,
    )
    assert len(table) == 8
    for _, part in table.groupby("segments.open.ai.voice.containment_rate"):
        fte = part["human_fte_gross"].to_numpy()
        assert (np.diff(fte) <= 1e-9).all(), fte
        assert (np.diff(part["ai_share_rate"].to_numpy()) > 0).all()
        assert (np.diff(part["human_contacts"].to_numpy()) < 0).all()
    assert table["service_level_rate"].between(0.5, 1).all()


def test_default_run_plans_the_demo_through_requirements(demo_dict):
    from wfm.pipeline.stages import plan_tables
    from wfm.sample import sample_history

    data = set_key(demo_dict, "forecast.history_weeks", 3)
    sc = scenario_from_dict(data)
    history = sample_history(
        sc, start=dt.date(2025, 2, 3), weeks=3, rng=np.random.default_rng(sc.seed)
    )
    axes = [f"{CHAT_KEY}=0.3:0.6:0.15"]
    table = sweep(data, history, axes, max_workers=2)  # forecasts once (AI key)
    assert (np.diff(table["human_fte_gross"].to_numpy()) <= 1e-9).all()
    assert (np.diff(table["ai_share_rate"].to_numpy()) > 0).all()
    assert (table["basis"] == "requirements").all()
    # the shared forecast gives the same table as planning every point from history
    full = functools.partial(plan_tables, stop_after="requirements")
    pd.testing.assert_frame_equal(table, sweep(data, history, axes, run=full, max_workers=2))


def test_wfm_whatif_validates_the_base_scenario_once(tmp_path, monkeypatch):
    # `wfm whatif` validates the scenario file's mapping to read the history; the shared
    # forecast of a sweep over an AI key is planned with that scenario, not a second
    # validation of the same mapping (each point's own scenario is validated, as it must)
    from click.testing import CliRunner

    import wfm.core.mapping as mapping
    import wfm.pipeline.whatif as whatif
    from wfm.cli import main

    calls: list[dict] = []
    made = []
    real = mapping.scenario_from_dict

    def counted(data, **kw):
        calls.append(data)
        made.append(real(data, **kw))
        return made[-1]

    forecast_with = []
    monkeypatch.setattr(mapping, "scenario_from_dict", counted)
    monkeypatch.setattr(whatif, "scenario_from_dict", counted)
    monkeypatch.setattr(
        whatif, "plan_point", lambda history, sc, **kw: forecast_with.append((sc, kw)) or "plan"
    )
    monkeypatch.setattr(whatif, "point_kpis", lambda plan, sc: dict.fromkeys(KPI_COLUMNS, 0.0))
    hist = tmp_path / "history.csv"
    hist.write_text(
        "interval_start,channel,segment,site,contacts\n2025-03-03T08:00:00+01:00,voice,open,lyon,5\n"
    )
    args = ["whatif", str(DEMO_SCENARIO), "--history", str(hist), "--workers", "1"]
    res = CliRunner().invoke(main, [*args, "--set", f"{CHAT_KEY}=0.3,0.4"])
    assert res.exit_code == 0, res.output
    base = calls[0]
    assert sum(data is base for data in calls) == 1
    assert len(calls) == 3  # the base, then the two points
    shared = [sc for sc, kw in forecast_with if kw.get("stop_after") == "forecast"]
    assert len(shared) == 1 and shared[0] is made[0]  # the scenario the command validated
