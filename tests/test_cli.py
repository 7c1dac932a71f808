"""The `quarry` command line, run as a real process (the way people use it)."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import CORPUS

pytestmark = pytest.mark.slow


def quarry(*args, data_dir, check=True):
    env = {**os.environ, "QUARRY_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1"}
    out = subprocess.run(
        [sys.executable, "-m", "quarry.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check:
        assert out.returncode == 0, out.stderr
    return out


def test_help_explains_every_command(tmp_path):
    top = quarry("--help", data_dir=tmp_path).stdout
    for cmd in ("ingest", "ask", "serve", "docs", "rm", "eval", "bench"):
        assert cmd in top
    for cmd in ("ingest", "ask", "serve", "docs", "rm"):
        assert "Example" in quarry(cmd, "--help", data_dir=tmp_path).stdout


def test_ingest_ask_docs_rm_flow(tmp_path):
    bad = tmp_path / "in"
    bad.mkdir()
    (bad / "broken.pdf").write_bytes(b"not a pdf")
    (bad / "note.md").write_text("# Field notes\n\nThe quarry opened in 1921 near the river.\n")
    out = quarry("ingest", str(CORPUS), str(bad), data_dir=tmp_path / "d")
    assert "broken.pdf" in out.stderr and "6 added" in out.stdout and "1 skipped" in out.stdout
    again = quarry("ingest", str(CORPUS), data_dir=tmp_path / "d")
    assert "5 unchanged" in again.stdout and "0 embedded" in again.stdout

    human = quarry("ask", "When did the quarry open?", data_dir=tmp_path / "d").stdout
    assert "1921" in human and "[1]" in human and "Sources:" in human
    as_json = json.loads(
        quarry("ask", "When did the quarry open?", "--json", data_dir=tmp_path / "d").stdout
    )
    assert as_json["citations"][0]["doc_id"] == "note"

    docs = quarry("docs", data_dir=tmp_path / "d").stdout
    assert "note" in docs and "000_c2cc40ca7ae94980" in docs
    quarry("rm", "note", data_dir=tmp_path / "d")
    assert "note\t" not in quarry("docs", data_dir=tmp_path / "d").stdout
    missing = quarry("rm", "note", data_dir=tmp_path / "d", check=False)
    assert missing.returncode == 1 and missing.stderr.startswith("error: no document")


def test_errors_are_one_line(tmp_path):
    out = quarry("ask", "anything?", data_dir=tmp_path / "none", check=False)
    assert out.returncode == 1
    assert out.stderr.strip().splitlines() == [
        f"error: no index in {tmp_path / 'none'}: run `quarry ingest`"
    ]
    bad = quarry("ingest", str(CORPUS), "--chunk-size", "600", data_dir=tmp_path / "d", check=False)
    assert bad.returncode == 1 and "600" in bad.stderr and "256" in bad.stderr
