"""Kill -9 a real `quarry ingest` at several points: the previous index must stay fully usable."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from base.faults import POINTS
from index import layout
from index.store import open_current
from quarry.engine import Engine
from quarry.settings import Settings
from tests.conftest import CORPUS

pytestmark = pytest.mark.slow


def big_corpus(path: Path, n: int = 150) -> Path:
    path.mkdir()
    topics = ["copper", "lithium", "cobalt", "nickel", "tungsten", "antimony", "gold", "zinc"]
    for i in range(n):
        t = topics[i % len(topics)]
        body = " ".join(
            f"Report {i} paragraph {j} says the {t} mine number {i * 7 + j} produced "
            f"{(i * 13 + j) % 97} tonnes in year {1990 + j}."
            for j in range(12)
        )
        (path / f"report_{i:04d}.txt").write_text(f"Mining report {i} on {t} output\n\n{body}\n")
    return path


def start_ingest(corpus: Path, data_dir: Path, faults: str = "") -> subprocess.Popen:
    env = {
        **os.environ,
        "QUARRY_DATA_DIR": str(data_dir),
        "HF_HUB_OFFLINE": "1",
        "QUARRY_FAULTS": faults,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "cli", "ingest", str(corpus)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


# Where the ingest kills itself (``base.faults``): each step of a write, in order. Only a kill
# after CURRENT moved may leave the new version live.
KILL_POINTS = list(POINTS)


@pytest.mark.parametrize("point", KILL_POINTS)
def test_kill_mid_ingest_keeps_previous_index(tmp_path, seed_settings, real_embedder, point):
    data_dir = tmp_path / "data"
    import shutil

    shutil.copytree(seed_settings.data_dir, data_dir)
    before = open_current(data_dir)
    before_version, before_docs = before.name, len(before.documents())
    corpus = big_corpus(tmp_path / "big")
    proc = start_ingest(corpus, data_dir, faults=f"{point}=kill")
    assert proc.wait(timeout=600) == -signal.SIGKILL  # it died there, by its own hand
    after = open_current(data_dir)
    if point == "write.current":  # the kill came after the atomic swap: the new one is whole
        assert after.name != before_version and len(after.documents()) == before_docs + 150
    else:
        assert after.name == before_version and len(after.documents()) == before_docs
    engine = Engine(Settings(data_dir=data_dir), embedder=real_embedder)
    answer = engine.answer("Who is the spokesman of China's Foreign Ministry?")
    assert not answer.abstained and "Lin Jian" in answer.answer
    # The next ingest cleans up what the killed one left and completes.
    done = subprocess.run(
        [sys.executable, "-m", "cli", "ingest", str(corpus)],
        env={**os.environ, "QUARRY_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert not list(data_dir.glob("staging-*"))
    assert len(list(layout.version_names(data_dir))) <= 2
    assert len(open_current(data_dir).documents()) == before_docs + 150


def test_deleted_document_is_never_cited_again(tmp_path, seed_settings, real_embedder):
    import shutil

    from quarry.ingestor import Ingestor

    data_dir = tmp_path / "data"
    shutil.copytree(seed_settings.data_dir, data_dir)
    engine = Engine(Settings(data_dir=data_dir), embedder=real_embedder)
    question = "Who wrote the article for The Daily Mail and what is his position?"
    assert any(c.doc_id.startswith("004") for c in engine.answer(question, 10).citations) or any(
        p.doc_id.startswith("004") for p in engine.answer(question, 10).passages
    )
    Ingestor(Settings(data_dir=data_dir), real_embedder).write(deletes=["004_f2de16cde25f0e02"])
    for q in [
        question,
        "Makhdoom Babar",
        "Eric's Insight: Are Sino-Pak ties threatened?",
        "Pakistanis see the deal as good for fair competition",
    ]:
        result = engine.answer(q, 50)
        assert all(not c.doc_id.startswith("004") for c in result.citations)
        assert all(not p.doc_id.startswith("004") for p in result.passages)
    assert CORPUS.exists()
