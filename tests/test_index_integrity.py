"""The index's pointer and writers under damage and contention, with real `quarry` processes."""

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import CORPUS, free_port, start_server
from tests.test_cli import quarry

pytestmark = pytest.mark.slow


def spawn(*args, data_dir):
    return subprocess.Popen(
        [sys.executable, "-m", "quarry.cli", *args],
        env={**os.environ, "QUARRY_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def parse_worker_of(pid: int) -> bool:
    """Whether process ``pid`` has started its file-parsing worker (``ingest.sandbox``)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return False
    for child in children:
        try:
            if b"ingest.sandbox" in Path(f"/proc/{child}/cmdline").read_bytes():
                return True
        except OSError:
            continue
    return False


def test_current_naming_a_missing_version_is_damage_not_an_empty_index(tmp_path):
    data = tmp_path / "d"
    quarry("ingest", str(CORPUS), data_dir=data)
    (data / "CURRENT").write_text("v00000000000000-0\n")  # a version that is not there
    assert "000_c2cc40ca7ae94980" in quarry("docs", data_dir=data).stdout  # newest valid served
    doctor = quarry("doctor", data_dir=data, check=False)
    assert doctor.returncode == 1 and "damaged" in doctor.stdout
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "note.md").write_text("# Note\n\nThe quarry opened in 1921 near the river.\n")
    quarry("ingest", str(extra), data_dir=data)
    docs = quarry("docs", data_dir=data).stdout
    assert "note" in docs and "000_c2cc40ca7ae94980" in docs  # nothing was lost
    assert len(list((data / "versions").iterdir())) == 2  # no clean-up while damaged
    assert "ok: CURRENT" in quarry("doctor", data_dir=data).stdout  # the write repaired it


def test_garbage_current_still_serves_and_doctor_repairs_it(tmp_path):
    data = tmp_path / "d"
    quarry("ingest", str(CORPUS), data_dir=data)
    (data / "CURRENT").write_bytes(b"\xff\xfe\x00garbage\x9c")
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
    data = tmp_path / "d"
    folder = tmp_path / "corpus"
    folder.mkdir()
    for f in CORPUS.iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    quarry("ingest", str(folder), data_dir=data)
    for i in range(4000):  # a slow load: many files, one text (embedded once)
        (folder / f"filler-{i:04d}.txt").write_text("A filler note about nothing in particular.\n")
    ingest = spawn("ingest", str(folder), data_dir=data)
    deadline = time.monotonic() + 120
    while not parse_worker_of(ingest.pid):  # the ingest has begun reading files
        assert time.monotonic() < deadline and ingest.poll() is None
        time.sleep(0.05)
    quarry("rm", "000_c2cc40ca7ae94980", data_dir=data)  # while the ingest is still loading
    out, err = ingest.communicate(timeout=600)
    assert ingest.returncode == 0, err
    assert "1 deleted meanwhile" in out  # the race happened, and the delete won
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
    assert any(i.startswith("report-") for i in ids)
