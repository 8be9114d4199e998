"""CLI of exports, report, nightly and accuracy: files written, exit codes, messages."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from wfm.cli import main
from wfm.io.nightly import nightly_lock
from wfm.pipeline import runstore

DATA = Path(__file__).resolve().parents[1] / "data" / "report"
PLAN = DATA / "plan"


QUEUE_MAP = "skill,queue_id\nchat,q-1\nvoice_open,q-2\nvoice_premium,q-3\n"
HISTORY = (
    "interval_start,channel,segment,site,contacts,aht_s\n"
    "2025-02-24T07:00:00+00:00,voice,open,lyon,12,200\n"
    "2025-02-24T07:00:00+00:00,chat,open,lyon,5,300\n"
)


@pytest.mark.parametrize(
    "layout,first",
    [
        ("genesys-historical", "Interval Start UTC Date,Queue,Media Type"),
        ("amazon-connect-historical", "QueueName,QueueId,ChannelType,TimeStamp"),
        ("amazon-connect-forecast", "QueueName,QueueId,ChannelType,TimeStamp"),
        ("calabrio", "chat,20250303 08:00,20250303 08:30,"),  # 07:00Z in Paris (CET)
        ("calabrio-volumes", "chat,20250303 08:00,20250303 08:30,"),
        ("schedule-shifts", "site,pool,local_date,shift,agents,activity,start,end"),
        ("schedule-ics", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"),
        ("tidy", "interval_start,channel,segment"),
    ],
)
def test_export_each_layout(layout, first, tmp_path):
    out = tmp_path / "out.csv"
    (tmp_path / "map.csv").write_text(QUEUE_MAP)
    (tmp_path / "history.csv").write_text(HISTORY)
    res = CliRunner().invoke(
        main,
        [
            "export",
            str(PLAN),
            "--layout",
            layout,
            "--out",
            str(out),
            "--scenario",
            str(DATA / "scenario.toml"),
            "--queue-map",
            str(tmp_path / "map.csv"),
            "--history",
            str(tmp_path / "history.csv"),
        ],
    )
    assert res.exit_code == 0, res.output
    assert out.read_bytes().decode().startswith(first)
    assert f"{layout}: " in res.output


def test_export_finds_the_scenario_named_in_the_manifest(tmp_path):
    out = tmp_path / "g.csv"
    res = CliRunner().invoke(
        main,
        [
            "export",
            str(PLAN),
            "--layout",
            "amazon-connect-forecast",
            "--out",
            str(out),
            "--queue-id",
            "chat=q-1",
            "--queue-id",
            "voice_open=q-2",
            "--queue-id",
            "voice_premium=q-3",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "chat,q-1,CHAT," in out.read_text()


def test_export_amazon_without_a_queue_id_exits_2_naming_the_skill(tmp_path):
    out = tmp_path / "a.csv"
    res = CliRunner().invoke(
        main,
        [
            "export",
            str(PLAN),
            "--layout",
            "amazon-connect-forecast",
            "--out",
            str(out),
            "--queue-id",
            "chat=q-1",
        ],
    )
    assert res.exit_code == 2
    assert "voice_open, voice_premium" in res.output and "--queue-map" in res.output
    assert not out.exists()


def test_export_genesys_historical_of_a_plan_without_history_exits_2(tmp_path):
    out = tmp_path / "g.csv"
    res = CliRunner().invoke(
        main, ["export", str(PLAN), "--layout", "genesys-historical", "--out", str(out)]
    )
    assert res.exit_code == 2
    assert "refuse future dates" in res.output and "--history" in res.output


def test_export_excel_fr_dialect_only_for_our_own_tables(tmp_path):
    out = tmp_path / "fr.csv"
    args = ["export", str(PLAN), "--out", str(out), "--csv-dialect", "excel-fr"]
    res = CliRunner().invoke(main, [*args, "--layout", "tidy", "--table", "coverage"])
    assert res.exit_code == 0, res.output
    assert out.read_text(encoding="utf-8-sig").startswith("interval_start;site;skill;")
    res = CliRunner().invoke(main, [*args, "--layout", "calabrio"])
    assert res.exit_code == 2 and "comma-separated" in res.output


def test_export_without_scenario_exits_2(tmp_path):
    plan = shutil.copytree(PLAN, tmp_path / "plan")
    res = CliRunner().invoke(
        main, ["export", str(plan), "--layout", "calabrio", "--out", str(tmp_path / "c.csv")]
    )
    assert res.exit_code == 2
    assert "needs the scenario" in res.output
    assert not (tmp_path / "c.csv").exists()
    res = CliRunner().invoke(
        main,
        [
            "export",
            str(plan),
            "--layout",
            "tidy",
            "--table",
            "coverage",
            "--out",
            str(tmp_path / "t.csv"),
        ],
    )
    assert res.exit_code == 0, res.output


def test_report_writes_one_html_file(tmp_path):
    out = tmp_path / "report.html"
    res = CliRunner().invoke(main, ["report", str(PLAN), "--out", str(out)])
    assert res.exit_code == 0, res.output
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 7  # and the Gantt
    assert "france → maghreb" in page  # regions found through the scenario beside the plan


def test_report_on_a_malformed_table_exits_2_and_writes_nothing(tmp_path):
    plan = shutil.copytree(PLAN, tmp_path / "plan")
    cov = pd.read_csv(plan / "coverage.csv").drop(columns=["agents_gap"])
    cov.to_csv(plan / "coverage.csv", index=False)
    out = tmp_path / "report.html"
    res = CliRunner().invoke(main, ["report", str(plan), "--out", str(out)])
    assert res.exit_code == 2
    assert "coverage.csv" in res.output and "agents_gap" in res.output
    assert not out.exists()


def test_report_without_manifest_exits_2(tmp_path):
    res = CliRunner().invoke(main, ["report", str(tmp_path), "--out", str(tmp_path / "r.html")])
    assert res.exit_code == 2
    assert "no manifest.json" in res.output


def test_report_with_a_manifest_that_is_not_text_exits_2(tmp_path):
    plan = shutil.copytree(PLAN, tmp_path / "plan")
    (plan / "manifest.json").write_bytes(b'{"run_id": "\xff\xfe"}')
    res = CliRunner().invoke(main, ["report", str(plan), "--out", str(tmp_path / "r.html")])
    assert res.exit_code == 2, res.output
    assert "manifest.json" in res.output and "cannot be read as text" in res.output


@pytest.mark.parametrize("into_plan", [True, False])
def test_report_reads_the_manifest_once_when_it_records_itself(tmp_path, monkeypatch, into_plan):
    # a report written into its plan folder is recorded in the manifest read at the start;
    # one written elsewhere leaves the plan's manifest alone
    plan = shutil.copytree(PLAN, tmp_path / "plan")
    (plan / "report.html").unlink()
    manifest = json.loads((plan / "manifest.json").read_text(encoding="utf-8"))
    files = sorted(f.name for f in plan.iterdir())
    manifest.update(created_utc="2025-03-01T00:00:00+00:00", files=files)
    (plan / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    reads = []
    real = Path.read_text

    def counted(self, *args, **kwargs):
        if self.name == "manifest.json":
            reads.append(self)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", counted)
    out = (plan if into_plan else tmp_path) / "report.html"
    res = CliRunner().invoke(main, ["report", str(plan), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert len(reads) == 1
    after = json.loads(real(plan / "manifest.json", encoding="utf-8"))
    assert after.get("added_files") == (["report.html"] if into_plan else None)
    assert {k: v for k, v in after.items() if k != "added_files"} == manifest


def test_nightly_refuses_to_overlap(tmp_path):
    cfg = tmp_path / "nightly.toml"
    cfg.write_text(
        f'scenario_path = "{DATA / "scenario.toml"}"\nactuals_path = "a"\n'
        'out_root = "plans"\nstore_path = "runs.duckdb"\n'
    )
    with nightly_lock(tmp_path / "plans" / ".nightly.lock"):
        res = CliRunner().invoke(main, ["nightly", str(cfg), "--date", "2025-03-04"])
    assert res.exit_code != 0
    assert "another nightly run holds the lock" in res.output


def test_nightly_bad_config_exits_2(tmp_path):
    cfg = tmp_path / "nightly.toml"
    cfg.write_text(
        'scenario_path = "s.toml"\nactuals_path = "a"\nout_root = "p"\n'
        'store_path = "r.duckdb"\nhorizon = 3\n'
    )
    res = CliRunner().invoke(main, ["nightly", str(cfg)])
    assert res.exit_code == 2
    assert "nightly.toml, horizon: unknown key 'horizon'" in res.output


def test_accuracy_prints_the_table(tmp_path):
    store = tmp_path / "runs.duckdb"
    con = runstore.connect(store)
    t = pd.Series(pd.to_datetime(["2025-03-03T08:00Z"], utc=True))
    runstore.load_actuals(
        con,
        pd.DataFrame(
            {"interval_start": t, "channel": "voice", "segment": "open", "contacts": [20.0]}
        ),
    )
    runstore.snapshot_forecast(
        con,
        pd.DataFrame(
            {
                "interval_start": t,
                "channel": "voice",
                "segment": "open",
                "contacts": [25.0],
                "contacts_lo": [20.0],
                "contacts_hi": [30.0],
                "aht_s": [200.0],
                "model": "m",
            }
        ),
        snapshot_date=dt.date(2025, 3, 2),
        run_id="r",
    )
    con.close()
    out = tmp_path / "acc.csv"
    res = CliRunner().invoke(main, ["accuracy", "--store", str(store), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "0.25" in res.output  # |25 − 20| / 20
    assert pd.read_csv(out)["wmape"].iloc[0] == pytest.approx(0.25)
    res = CliRunner().invoke(main, ["accuracy"])
    assert res.exit_code == 2


def test_a_plan_keeps_its_scenario_so_export_needs_no_scenario_option(tmp_path):
    scenario = tmp_path / "inputs" / "centre.toml"
    scenario.parent.mkdir()
    shutil.copyfile(DATA / "scenario.toml", scenario)
    history = tmp_path / "inputs" / "history.csv"
    run = CliRunner().invoke
    res = run(
        main,
        ["sample", str(scenario), "--weeks", "1", "--start", "2025-02-03", "--out", str(history)],
    )
    assert res.exit_code == 0, res.output
    plan = tmp_path / "plans" / "p"
    res = run(
        main,
        [
            "plan",
            str(scenario),
            "--history",
            str(history),
            "--stop-after",
            "forecast",
            "--out",
            str(plan),
        ],
    )
    assert res.exit_code == 0, res.output
    assert (plan / "scenario.toml").read_bytes() == scenario.read_bytes()
    assert "scenario.toml" in json.loads((plan / "manifest.json").read_text())["files"]
    (tmp_path / "map.csv").write_text(QUEUE_MAP)
    out = tmp_path / "connect.csv"
    res = run(
        main,
        [
            "export",
            str(plan),
            "--layout",
            "amazon-connect-forecast",
            "--volumes",
            "forecast",
            "--queue-map",
            str(tmp_path / "map.csv"),
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    assert out.read_text().startswith("QueueName,QueueId,ChannelType,TimeStamp")


def test_report_reads_the_manifest_of_the_plan_once(tmp_path, monkeypatch):
    import wfm.io.plan_folder as plan_folder

    reads = []
    real = plan_folder.read_manifest
    monkeypatch.setattr(plan_folder, "read_manifest", lambda f: reads.append(f) or real(f))
    out = tmp_path / "report.html"
    res = CliRunner().invoke(main, ["report", str(PLAN), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert len(reads) == 1
    assert "report_fixture" in out.read_text(encoding="utf-8")
