"""Folder writes: marked temporary folders, the swap, what is kept, what is refused."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from wfm.core.errors import InputError
from wfm.io import files
from wfm.io.files import (
    TEMP_MARKER,
    atomic_dir,
    check_out_dir,
    list_files,
    make_temp_dir,
    remove_stale_temp_dirs,
)
from wfm.io.plan_folder import check_run_id, plan_files, write_report

ROOT = Path(__file__).resolve().parents[2]


def _owned_by_record(folder: Path) -> set[str]:
    """A stand-in recogniser: the folder is wfm's when it has ``record.json`` listing files."""
    record = folder / "record.json"
    if not record.exists():
        raise InputError("not ours", source=str(folder))
    return set(json.loads(record.read_text())) | {"record.json"}


def _write(folder: Path, files_: dict[str, str]) -> None:
    for rel, text in files_.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)


def _dead_pid() -> int:
    code = "import os; print(os.getpid())"
    proc = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return int(proc.stdout)


def _marked(parent: Path, name: str, pid: int, host: str | None = None) -> Path:
    folder = parent / name
    folder.mkdir()
    host = host or socket.gethostname()
    (folder / TEMP_MARKER).write_text(f"wfm temporary folder\npid {pid}\nhost {host}\n")
    return folder


def test_a_new_folder_appears_without_the_marker(tmp_path):
    with atomic_dir(tmp_path / "out") as tmp:
        assert (tmp / TEMP_MARKER).read_text().startswith("wfm temporary folder\npid ")
        (tmp / "a.csv").write_text("x\n")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.csv"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_an_empty_folder_may_be_written_but_a_full_one_only_when_recognised(tmp_path):
    (tmp_path / "empty").mkdir()
    with atomic_dir(tmp_path / "empty") as tmp:
        (tmp / "a.csv").write_text("x\n")
    assert (tmp_path / "empty" / "a.csv").exists()
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "mine.txt").write_text("mine\n")
    with pytest.raises(InputError, match="not empty"), atomic_dir(tmp_path / "full"):
        pytest.fail("the block must not run")
    assert [p.name for p in (tmp_path / "full").iterdir()] == ["mine.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "full"]


def test_replacing_keeps_foreign_files_folders_and_links(tmp_path):
    out = tmp_path / "out"
    _write(out, {"record.json": '["a.csv", "sub/b.csv"]', "a.csv": "old a\n", "sub/b.csv": "b\n"})
    _write(out, {"notes.txt": "mine\n", "sub/mine.csv": "m\n"})
    (out / "empty").mkdir()
    (out / "link").symlink_to("notes.txt")
    with atomic_dir(out, owned=_owned_by_record) as tmp:
        _write(tmp, {"record.json": '["a.csv"]', "a.csv": "new a\n"})
    assert (out / "a.csv").read_text() == "new a\n"
    assert not (out / "sub" / "b.csv").exists()
    assert (out / "notes.txt").read_text() == "mine\n"
    assert (out / "sub" / "mine.csv").read_text() == "m\n"
    assert (out / "empty").is_dir() and os.readlink(out / "link") == "notes.txt"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_new_file_clashing_with_a_foreign_one_refuses_the_swap(tmp_path):
    out = tmp_path / "out"
    _write(out, {"record.json": "[]", "a.csv": "the planner's\n"})
    with pytest.raises(InputError, match="would overwrite a.csv"):
        with atomic_dir(out, owned=_owned_by_record) as tmp:
            _write(tmp, {"record.json": '["a.csv"]', "a.csv": "wfm's\n"})
    assert (out / "a.csv").read_text() == "the planner's\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_failed_block_or_swap_leaves_the_previous_folder(tmp_path, monkeypatch):
    out = tmp_path / "out"
    _write(out, {"record.json": '["a.csv"]', "a.csv": "old\n"})
    with pytest.raises(RuntimeError), atomic_dir(out, owned=_owned_by_record) as tmp:
        (tmp / "a.csv").write_text("half\n")
        raise RuntimeError("stage failed")
    assert (out / "a.csv").read_text() == "old\n"
    calls = []
    real_replace = os.replace

    def replace_failing_second(src, dst):
        calls.append((src, dst))
        if len(calls) == 2:
            raise OSError("disk gone")
        return real_replace(src, dst)

    monkeypatch.setattr(files.os, "replace", replace_failing_second)
    with pytest.raises(OSError, match="disk gone"), atomic_dir(out, owned=_owned_by_record) as tmp:
        _write(tmp, {"record.json": '["a.csv"]', "a.csv": "new\n"})
    assert (out / "a.csv").read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_check_refuses_the_current_folder_its_parents_and_folders_holding_inputs(
    tmp_path, monkeypatch
):
    (tmp_path / "in").mkdir()
    scenario = tmp_path / "in" / "deep" / "s.toml"
    scenario.parent.mkdir()
    scenario.write_text("")
    with pytest.raises(InputError, match="holds the input"):
        check_out_dir(tmp_path / "in", inputs=[scenario])
    monkeypatch.chdir(tmp_path / "in" / "deep")
    for out in (".", "..", str(tmp_path)):
        with pytest.raises(InputError, match="current folder"):
            check_out_dir(out)
    assert check_out_dir("new") is None


def test_stale_temp_folders_of_ended_processes_are_removed_nothing_else(tmp_path):
    dead = _dead_pid()
    stale = _marked(tmp_path, ".a.x1.tmp", dead)
    alive = _marked(tmp_path, ".b.x2.tmp", os.getppid())
    other_host = _marked(tmp_path, ".c.x3.tmp", dead, host="another-host")
    not_hidden = _marked(tmp_path, "d.x4.tmp", dead)
    other_suffix = _marked(tmp_path, ".e.x5.bak", dead)
    lookalike = tmp_path / ".f.x6.tmp"
    lookalike.mkdir()
    (lookalike / TEMP_MARKER).write_text("something else\npid 1\n")
    assert remove_stale_temp_dirs(tmp_path) == [stale.name]
    for kept in (alive, other_host, not_hidden, other_suffix, lookalike):
        assert kept.is_dir()


def test_a_stale_old_folder_is_put_back_when_its_place_is_empty(tmp_path):
    old = _marked(tmp_path, ".plan.x1.old", _dead_pid())
    _write(old, {"plan/forecast.csv": "f\n"})
    assert remove_stale_temp_dirs(tmp_path) == [old.name]
    assert (tmp_path / "plan" / "forecast.csv").read_text() == "f\n"
    assert [p.name for p in tmp_path.iterdir()] == ["plan"]


def test_a_temp_folder_made_by_a_process_that_ended_is_stale(tmp_path):
    code = "import sys; from wfm.io.files import make_temp_dir; make_temp_dir(sys.argv[1], 'x')"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True, env=env)
    mine = make_temp_dir(tmp_path, "y")
    (name,) = (p.name for p in tmp_path.iterdir() if p.name.startswith(".x."))
    assert remove_stale_temp_dirs(tmp_path) == [name]
    assert mine.is_dir()  # this process is alive


def test_list_files_skips_the_marker_and_does_not_follow_links(tmp_path):
    tmp = make_temp_dir(tmp_path, "p")
    _write(tmp, {"a.csv": "", "exports/b.csv": ""})
    (tmp / "lnk").symlink_to(tmp_path)
    assert list_files(tmp) == ["a.csv", "exports/b.csv", "lnk"]


@pytest.mark.parametrize("run_id", ["20250301T000000Z", "nightly-2025-03-04", "v1.2_b", "a" * 64])
def test_slug_run_ids_are_accepted(run_id):
    assert check_run_id(run_id) == run_id


@pytest.mark.parametrize(
    "run_id", ["../../x", "..", ".", ".x", "a/b", "a\\b", "a..b", "a" * 65, "", "é", "a b"]
)
def test_other_run_ids_are_refused_naming_the_option(run_id):
    with pytest.raises(InputError, match="--run-id: not a usable run id"):
        check_run_id(run_id, key="--run-id")


def _plan_manifest(folder: Path, **extra) -> None:
    manifest = {
        "run_id": "r",
        "created_utc": "2025-03-01T00:00:00+00:00",
        "inputs": {},
        "versions": {"wfm": "0"},
        "stages": {},
        "files": ["forecast.csv"],
    }
    folder.mkdir(exist_ok=True)
    (folder / "manifest.json").write_text(json.dumps(manifest | extra))


def test_a_plan_folder_is_recognised_by_its_manifest_only(tmp_path):
    _plan_manifest(tmp_path / "p")
    assert plan_files(tmp_path / "p") == {"forecast.csv", "manifest.json"}
    (tmp_path / "q").mkdir()
    (tmp_path / "q" / "manifest.json").write_text('{"run_id": "r", "files": []}')
    with pytest.raises(InputError, match="manifest.json was not written by wfm"):
        plan_files(tmp_path / "q")
    (tmp_path / "q" / "manifest.json").write_text("not json")
    with pytest.raises(InputError, match="was not written by wfm"):
        plan_files(tmp_path / "q")
    with pytest.raises(InputError, match="no manifest.json"):
        plan_files(tmp_path)


def test_a_report_written_into_a_plan_folder_becomes_wfms(tmp_path):
    _plan_manifest(tmp_path / "p")
    write_report("<html></html>", tmp_path / "p" / "report.html")
    assert "report.html" in plan_files(tmp_path / "p")
    write_report("<html></html>", tmp_path / "p" / "report.html")  # twice: listed once
    manifest = json.loads((tmp_path / "p" / "manifest.json").read_text())
    assert manifest["added_files"] == ["report.html"]
    write_report("<html></html>", tmp_path / "elsewhere.html")  # not a plan folder: no record
    assert (tmp_path / "elsewhere.html").exists()
