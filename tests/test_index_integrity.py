"""The index's pointer and writers under damage and contention, with real `quarry` processes."""

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from index import layout
from tests.conftest import CORPUS, free_port, start_server
from tests.test_cli import quarry

pytestmark = pytest.mark.slow


def spawn(*args, data_dir, faults=""):
    return subprocess.Popen(
        [sys.executable, "-m", "cli", *args],
        env={
            **os.environ,
            "QUARRY_DATA_DIR": str(data_dir),
            "HF_HUB_OFFLINE": "1",
            "QUARRY_FAULTS": faults,
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_current_naming_a_missing_version_is_damage_not_an_empty_index(tmp_path):
    data = tmp_path / "d"
    quarry("ingest", str(CORPUS), data_dir=data)
    (data / layout.CURRENT).write_text("v00000000000000-0\n")  # a version that is not there
    assert "000_c2cc40ca7ae94980" in quarry("docs", data_dir=data).stdout  # newest valid served
    doctor = quarry("doctor", data_dir=data, check=False)
    assert doctor.returncode == 1 and "damaged" in doctor.stdout
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "note.md").write_text("# Note\n\nThe quarry opened in 1921 near the river.\n")
    quarry("ingest", str(extra), data_dir=data)
    docs = quarry("docs", data_dir=data).stdout
    assert "note" in docs and "000_c2cc40ca7ae94980" in docs  # nothing was lost
    assert len(layout.version_names(data)) == 2  # no clean-up while damaged
    assert "ok: CURRENT" in quarry("doctor", data_dir=data).stdout  # the write repaired it


def test_garbage_current_still_serves_and_doctor_repairs_it(tmp_path):
    data = tmp_path / "d"
    quarry("ingest", str(CORPUS), data_dir=data)
    (data / layout.CURRENT).write_bytes(b"\xff\xfe\x00garbage\x9c")
    port = free_port()
    proc = start_server({"QUARRY_DATA_DIR": str(data)}, port)
    try:
        ready = httpx.get(f"http://127.0.0.1:{port}/readyz").json()
        assert ready["documents"] == 5
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert quarry("doctor", data_dir=data, check=False).returncode == 1
    assert "repaired" in quarry("doctor", "--repair", data_dir=data).stdout
    assert "ok: CURRENT" in quarry("doctor", data_dir=data).stdout


def test_a_delete_during_a_long_ingest_is_not_undone(tmp_path):
    """The ingest is held at a fault point after reading its files and before it writes (see
    ``base.faults``), the delete runs in that gap, then the ingest goes on: the race happens
    on every run, at any load, and the delete must win."""
    data = tmp_path / "d"
    folder = tmp_path / "corpus"
    folder.mkdir()
    for f in CORPUS.iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    quarry("ingest", str(folder), data_dir=data)
    (folder / "note.txt").write_text("A note about the deal, written later.\n")  # a real write
    gate = tmp_path / "gate"
    ingest = spawn("ingest", str(folder), data_dir=data, faults=f"ingest.loaded=hold:{gate}")
    try:
        deadline = time.monotonic() + 300
        while not Path(f"{gate}.reached").exists():  # the files are read, nothing written yet
            assert time.monotonic() < deadline and ingest.poll() is None, ingest.stderr
            time.sleep(0.05)
        quarry("rm", "000_c2cc40ca7ae94980", data_dir=data)
        gate.touch()  # let the ingest write
        out, err = ingest.communicate(timeout=600)
    finally:
        gate.touch()
        if ingest.poll() is None:
            ingest.kill()
            ingest.wait()
    assert ingest.returncode == 0, err
    assert "1 added" in out and "1 deleted meanwhile, not re-added (000_c2cc40ca7ae94980)" in out
    assert "000_c2cc40ca7ae94980" not in quarry("docs", data_dir=data).stdout


def test_same_file_names_from_two_folders_never_replace_each_other(tmp_path):
    data = tmp_path / "d"
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "report.txt").write_text("The northern report says the bridge opened in 1931.\n")
    (b / "report.txt").write_text("The southern report says the tunnel opened in 1954.\n")
    first, second = spawn("ingest", str(a), data_dir=data), spawn("ingest", str(b), data_dir=data)
    for proc in (first, second):
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    ids = [line.split("\t")[0] for line in quarry("docs", data_dir=data).stdout.splitlines()]
    assert len(ids) == 2 and "report" in ids
    assert set(ids) in ({"report", "a-report"}, {"report", "b-report"})  # by folder, not hash
