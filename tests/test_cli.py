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
        [sys.executable, "-m", "cli", *args],
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
    # Quarry's own line only: no library warnings ("invalid pdf header", "EOF marker not found").
    assert [line.split(":")[0] for line in out.stderr.splitlines()] == [
        f"skipped {bad / 'broken.pdf'}"
    ]
    again = quarry("ingest", str(CORPUS), data_dir=tmp_path / "d")
    assert "5 unchanged" in again.stdout and "0 embedded" in again.stdout

    human = quarry("ask", "When did the quarry open?", data_dir=tmp_path / "d").stdout
    assert "1921" in human and "[1]" in human and "Sources:" in human
    as_json = json.loads(
        quarry("ask", "When did the quarry open?", "--json", data_dir=tmp_path / "d").stdout
    )
    assert as_json["citations"][0]["doc_id"] == "note"
    # an abstention says why, on its own line
    lines = quarry("ask", "Who sang at the COVID-19 gala?", data_dir=tmp_path / "d").stdout
    assert "could not find" in lines and "\nWhy: " in lines  # the reasons: tests/test_answer.py

    found = quarry("search", "When did the quarry open?", "-k", "3", data_dir=tmp_path / "d")
    assert (
        found.stdout.startswith("1. Field notes (note, chars ")
        and "[dense+lexical]" in found.stdout
    )
    ranked = json.loads(quarry("search", "quarry river", "--json", data_dir=tmp_path / "d").stdout)[
        "results"
    ]
    assert ranked[0]["doc_id"] == "note" and ranked[0]["rank"] == 1 and len(ranked) == 10
    assert "lexical" in ranked[0]["found_by"] and ranked[0]["score"] >= ranked[1]["score"]
    bad = quarry("search", "x", "-k", "0", data_dir=tmp_path / "d", check=False)
    assert bad.returncode == 1 and bad.stderr.startswith("error: ") and "--top-k" in bad.stderr

    docs = quarry("docs", data_dir=tmp_path / "d").stdout
    assert "note" in docs and "000_c2cc40ca7ae94980" in docs
    quarry("rm", "note", data_dir=tmp_path / "d")
    assert "note\t" not in quarry("docs", data_dir=tmp_path / "d").stdout
    missing = quarry("rm", "note", data_dir=tmp_path / "d", check=False)
    assert missing.returncode == 1 and missing.stderr.startswith("error: no document")
    assert quarry("gc", data_dir=tmp_path / "d").stdout.startswith("freed ")
    assert "ok: CURRENT" in quarry("doctor", data_dir=tmp_path / "d").stdout


def test_errors_are_one_line(tmp_path):
    out = quarry("ask", "anything?", data_dir=tmp_path / "none", check=False)
    assert out.returncode == 1
    assert out.stderr.strip().splitlines() == [
        f"error: no index in {tmp_path / 'none'}: run `quarry ingest`"
    ]
    bad = quarry("ingest", str(CORPUS), "--chunk-size", "600", data_dir=tmp_path / "d", check=False)
    assert bad.returncode == 1 and "600" in bad.stderr and "256" in bad.stderr


def one_error_line(out) -> str:
    assert out.returncode == 1, (out.stdout, out.stderr)
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), out.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (["serve", "--port", "99999"], {}, ["--port", "65535"]),
        (["ingest", "corpus", "--chunk-size", "10"], {}, ["--chunk-size", "16..8192"]),
        (["ask", "anything?"], {"QUARRY_TOP_K": "abc"}, ["QUARRY_TOP_K", "integer", "1..50"]),
        (["ask", "anything?"], {"QUARRY_RETRIEVAL": "foo"}, ["QUARRY_RETRIEVAL", "'hybrid'"]),
        (["eval", "--url", "http://127.0.0.1:1"], {}, ["cannot reach http://127.0.0.1:1"]),
        (["ask", "x" * 2500], {}, ["2,500 characters", "2,000"]),
        (["ask", "   "], {}, ["empty"]),
        (["ask", "hi", "--top-k", "0"], {}, ["--top-k", "1..50"]),
        (["keys", "hash", ""], {}, ["the key is empty"]),
        (["nonsense"], {}, ["No such command"]),
        (["ingest"], {}, ["Missing argument"]),
        (["rm", "nope"], {}, ["no index"]),
    ],
)
def test_every_user_error_is_one_line(tmp_path, args, env, expected):
    out = subprocess.run(
        [sys.executable, "-m", "cli", *args],
        env={**os.environ, "QUARRY_DATA_DIR": str(tmp_path / "d"), "HF_HUB_OFFLINE": "1", **env},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=CORPUS.parent,
    )
    line = one_error_line(out)
    for part in expected:
        assert part in line, line


def test_unwritable_data_dir_is_one_line(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the data directory should be")
    line = one_error_line(quarry("ingest", str(CORPUS), data_dir=blocker / "data", check=False))
    assert "not-a-dir" in line and "Not a directory" in line


def test_full_disk_is_one_line_and_keeps_the_live_index(tmp_path):
    """A file-size limit makes every write past 1 MB fail as a full disk would (EFBIG)."""
    import resource
    import signal

    data = tmp_path / "d"
    quarry("ingest", str(CORPUS), data_dir=data)
    extra = tmp_path / "more"
    extra.mkdir()
    (extra / "big.txt").write_text("A sentence about the harbour light. " * 60_000)

    def limit_file_size():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1_000_000, 1_000_000))

    out = subprocess.run(
        [sys.executable, "-m", "cli", "ingest", str(extra)],
        env={**os.environ, "QUARRY_DATA_DIR": str(data), "HF_HUB_OFFLINE": "1"},
        capture_output=True,
        text=True,
        timeout=600,
        preexec_fn=limit_file_size,
    )
    assert "cannot write the index" in one_error_line(out)
    docs = quarry("docs", data_dir=data).stdout
    assert "000_c2cc40ca7ae94980" in docs and "big" not in docs


def test_version_and_help_examples(tmp_path):
    from quarry import __version__

    assert quarry("--version", data_dir=tmp_path).stdout.strip() == f"quarry {__version__}"
    help_text = quarry("ingest", "--help", data_dir=tmp_path).stdout
    # Examples keep one command per line, and no Python type names leak into the help.
    assert "\n    quarry ingest corpus/\n" in help_text
    assert "list[" not in help_text and "<path>" not in help_text


def test_progress_bar_on_a_terminal_and_summary_when_piped(tmp_path):
    """On a (0 x 0) pseudo-terminal the bars draw; piped, only the summary line is printed."""
    import pty

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "note.md").write_text("# Notes\n\nThe quarry opened in 1921 near the river.\n")
    main, secondary = pty.openpty()
    env = {**os.environ, "QUARRY_DATA_DIR": str(tmp_path / "d"), "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "cli", "ingest", str(folder)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=secondary,
        timeout=300,
    )
    os.close(secondary)
    shown = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(main)
    assert proc.returncode == 0
    assert b"embedding: 100%" in shown and b"loading: 100%" in shown
    piped = quarry("ingest", str(folder), data_dir=tmp_path / "d2")
    assert piped.stderr == "" and piped.stdout.startswith("ingested 1 files")


def test_the_index_remembers_how_it_was_built(tmp_path):
    """Ingested once with --chunk-size 96, every later ingest (no flag) chunks at 96 too; a
    conflicting flag is one line that says how to rebuild, and the index is left as it was."""
    data = tmp_path / "d"
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (first / "one.txt").write_text("The Harlow ferry first sailed in 1908 from the old pier.\n")
    (second / "two.txt").write_text("The Harlow bridge replaced the ferry in 1961.\n")
    quarry("ingest", str(first), "--chunk-size", "96", "--chunk-overlap", "16", data_dir=data)
    later = quarry("ingest", str(second), data_dir=data)
    assert "1 added" in later.stdout
    from index.layout import Manifest, current_version_dir

    manifest = Manifest.of(current_version_dir(data))
    assert (manifest.chunk_size, manifest.chunk_overlap, manifest.n_documents) == (96, 16, 2)
    line = one_error_line(
        quarry("ingest", str(second), "--chunk-size", "128", data_dir=data, check=False)
    )
    assert "built with chunk_size 96" in line and "new data directory" in line
    assert Manifest.of(current_version_dir(data)).n_documents == 2
