"""The gold-set gate: runs in `make test`, keeps its reports, and catches a broken retriever."""

import json

import pytest

from eval.report import write_reports
from eval.runner import BASELINE, InProcessClient, compare, load_gold, run_eval
from index.retriever import Retriever
from tests.conftest import ARTIFACTS, CORPUS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def gold():
    return load_gold()


def test_gold_quotes_are_exact_substrings_of_the_corpus(gold):
    from ingest.discover import load_paths

    texts = {d.doc_id: d.text for d in load_paths([CORPUS], progress=False).documents}
    assert len(gold) >= 80
    assert sum(q.type == "unanswerable" for q in gold) >= 15
    for q in gold:
        for ev in q.evidence:
            assert ev["quote"] in texts[ev["doc_id"]], (q.id, ev)


def test_gold_set_gate_passes_and_is_deterministic(seed_engine, gold):
    first = run_eval(InProcessClient(seed_engine), gold, progress=False)
    second = run_eval(InProcessClient(seed_engine), gold, progress=False)
    assert first["metrics"] == second["metrics"]
    assert [q["answer"] for q in first["questions"]] == [q["answer"] for q in second["questions"]]
    baseline = json.loads(BASELINE.read_text())
    regressions = compare(first["metrics"], baseline)
    write_reports(first, ARTIFACTS / "eval", regressions, baseline)
    # every abstention says why, and only abstentions do
    assert all(bool(q["abstain_reason"]) == q["abstained"] for q in first["questions"])
    assert first["metrics"]["groundedness"] == 1.0
    assert regressions == [], regressions


class ReversedRetriever(Retriever):
    """Deliberately broken: returns the worst-scoring chunks first."""

    def _scored(self, query, n, query_vector=None):
        scored, stored, found_by = super()._scored(query, 10_000, query_vector)
        return list(reversed(scored))[:n], stored, found_by


def test_gate_fails_on_a_broken_retriever(seed_engine, gold):
    answerer = seed_engine.answerer()
    good = answerer.retriever
    answerer.retriever = ReversedRetriever(good.version, good.embedder, good.mode, good.alpha)
    try:
        report = run_eval(InProcessClient(seed_engine), gold, progress=False)
    finally:
        answerer.retriever = good
    regressions = compare(report["metrics"], json.loads(BASELINE.read_text()))
    assert any(r.startswith("recall@5 regressed") for r in regressions)
    assert any(r.startswith("accuracy regressed") for r in regressions)
