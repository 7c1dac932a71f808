"""Crash points (issue 28): each of the four writes (ingest, upsert, rm, compact) is stopped at
each of its named steps (``base.faults``), by an exception and by kill -9, in a real ``quarry``
process with a real model (the INT8 ONNX MiniLM: it starts in seconds). After each stop:

- one honest ``error:`` line when it raised (it says whether the live version changed);
- ``quarry doctor`` says the index is whole (or ``--repair`` makes it so);
- the documents are exactly those before the write, or exactly those after it (nothing half);
- every question is answered (no exception, which over HTTP would be a 500);
- the same write run again reaches the state a write that never crashed reaches, nothing
  deleted comes back, and the lexical index holds one entry per live chunk.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from index import layout
from index.lexical import LexicalStore
from index.store import open_current
from tests.conftest import CORPUS, REPO

pytestmark = pytest.mark.slow

EMBEDDER = "minilm-onnx"
REMOVED = "000_c2cc40ca7ae94980"
QUESTIONS = {  # seed gold questions about documents no write here removes
    "What was the value of bilateral trade between China and Pakistan in 2024?": "$23 billion",
    "Who is the spokesman of China's Foreign Ministry?": "Lin Jian",
}
INGEST_STEPS = (
    "ingest.loaded",
    "write.embedded",
    "write.segments",
    "write.lexical",
    "write.manifest",
    "write.current",
)
WRITES = {
    "ingest": INGEST_STEPS,
    "upsert": INGEST_STEPS,
    "rm": ("write.tombstones", "write.manifest", "write.current"),
    "compact": ("write.segments", "write.lexical", "write.manifest", "write.current"),
}
CASES = [(w, p, mode) for w, points in WRITES.items() for p in points for mode in ("raise", "kill")]


def quarry(*args: str, data: Path, faults: str = "") -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "QUARRY_DATA_DIR": str(data),
        "QUARRY_EMBEDDER": EMBEDDER,
        "HF_HUB_OFFLINE": "1",
        "QUARRY_FAULTS": faults,
        "PYTHONPATH": str(REPO),
    }
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
    )


def state(data: Path) -> dict[str, int]:
    """doc id -> chunks, as a freshly opened process sees it."""
    from index import store

    store._open_segments.clear()
    version = open_current(data)
    return {d.doc_id: d.n_chunks for d in version.documents()}


@pytest.fixture(scope="module")
def onnx_embedder():
    from index.embedders import load_embedder

    return load_embedder(EMBEDDER)


@contextmanager
def prepared(folder: Path, write: str) -> Iterator[tuple[str, ...]]:
    """The corpus folder as ``write`` finds it, and the command; the folder is restored after
    (an upsert must change a file the index already has, at the path it has it)."""
    first = sorted(folder.glob("*.txt"))[0]
    original = first.read_text()
    more = folder / "more.md"
    try:
        if write == "upsert":
            first.write_text(original + "\nA late correction: the figures were revised.\n")
        if write == "ingest":
            more.write_text(
                "# Basalt\n\nThe basalt columns near the harbour were mapped in 2004 by a "
                "survey team.\n"
            )
        yield {
            "ingest": ("ingest", str(folder)),
            "upsert": ("ingest", str(folder)),
            "rm": ("rm", REMOVED),
            "compact": ("compact",),
        }[write]
    finally:
        first.write_text(original)
        more.unlink(missing_ok=True)


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """The seed corpus in two segments (so compaction has work), and what each write reaches
    when nothing crashes."""
    root = tmp_path_factory.mktemp("crash")
    folder = root / "corpus"
    shutil.copytree(CORPUS, folder)
    data = root / "data"
    assert quarry("ingest", str(folder), data=data).returncode == 0
    (folder / "extra.md").write_text(
        "# Quarry notes\n\nThe granite quarry at Elm Ridge opened in 1921 and closed in 1968.\n"
    )
    assert quarry("ingest", str(folder), data=data).returncode == 0
    assert len(open_current(data).manifest.segments) == 2
    finals = {}
    for write in WRITES:
        ref = root / f"ref-{write}"
        shutil.copytree(data, ref)
        with prepared(folder, write) as args:
            assert quarry(*args, data=ref).returncode == 0
        finals[write] = state(ref)
    return data, folder, state(data), finals


@pytest.mark.parametrize(("write", "point", "mode"), CASES)
def test_a_write_stopped_at_each_step(base, onnx_embedder, tmp_path, write, point, mode):
    from quarry.engine import Engine
    from quarry.settings import Settings

    source, folder, before, final = base[0], base[1], base[2], base[3][write]
    data = tmp_path / "data"
    shutil.copytree(source, data)
    with prepared(folder, write) as args:
        run = quarry(*args, data=data, faults=f"{point}={mode}")
    if mode == "kill":
        assert run.returncode == -9, run.stderr
    else:
        assert run.returncode == 1
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), run.stderr
        if point != "ingest.loaded":  # (before the writer: nothing is written or claimed)
            published = point == "write.current"
            assert ("live version is unchanged" in lines[0]) != published, lines[0]
    doctor = quarry("doctor", data=data)
    if doctor.returncode != 0:
        assert quarry("doctor", "--repair", data=data).returncode == 0, doctor.stdout
    now = state(data)
    assert now in (before, final), (now, before, final)  # all or nothing
    engine = Engine(Settings(data_dir=data, embedder=EMBEDDER), embedder=onnx_embedder)
    for question, expected in QUESTIONS.items():
        answer = engine.answer(question)  # raises on any failure
        assert not answer.abstained and expected in answer.answer, (question, answer.answer)
    if not (write == "rm" and now == final):  # (removing it again would be an error)
        with prepared(folder, write) as args:
            again = quarry(*args, data=data)
        assert again.returncode == 0, again.stderr
    assert state(data) == final
    if write == "rm":
        assert REMOVED not in state(data)
        assert quarry("compact", data=data).returncode == 0
        assert REMOVED not in state(data)  # nothing deleted comes back
    assert quarry("doctor", data=data).returncode == 0
    lexical = LexicalStore(layout.lexical_dir(data)).snapshot().n_rows
    assert lexical == open_current(data).n_chunks


def test_killed_writes_leave_no_lasting_debris(base, tmp_path):
    """Twenty writes killed at every step, then one write: the data directory is within 1.2x of
    a clean rebuild's size."""
    source, folder = base[0], base[1]
    data = tmp_path / "data"
    shutil.copytree(source, data)
    kills = [(w, p) for w, points in WRITES.items() for p in points if w != "rm"]
    for i in range(20):
        write, point = kills[i % len(kills)]
        with prepared(folder, write) as args:
            run = quarry(*args, data=data, faults=f"{point}=kill")
        assert run.returncode == -9
    clean = tmp_path / "clean"
    with prepared(folder, "ingest") as args:
        assert quarry(*args, data=data).returncode == 0
        assert quarry(*args, data=clean).returncode == 0
    assert state(data) == state(clean)
    assert layout.disk_usage(data) <= 1.2 * layout.disk_usage(clean), (
        layout.disk_usage(data),
        layout.disk_usage(clean),
    )
