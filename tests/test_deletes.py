"""A deleted document is never cited again (the crash points of every write are in
``test_crash_points``)."""

import pytest

from quarry.engine import Engine
from quarry.settings import Settings
from tests.conftest import CORPUS

pytestmark = pytest.mark.slow


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
