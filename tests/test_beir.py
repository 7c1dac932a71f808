"""BEIR metric variants against hand-computed values."""

import math

import pytest

from eval.beir import beir_ndcg, leaderboard_ndcg, leaderboard_recall, read_dataset

RELS = {"a": 2, "b": 1, "c": 0, "z": 1}


def test_leaderboard_ndcg_uses_the_retrieved_scores_as_ideal():
    ranked = ["x", "b", "a"]
    # gains 0,1,2: DCG = 1/log2(3) + 2/log2(4); ideal over the same gains sorted: 2/1 + 1/log2(3).
    expected = (1 / math.log2(3) + 2 / 2) / (2 + 1 / math.log2(3))
    assert leaderboard_ndcg(ranked, RELS) == pytest.approx(expected)
    assert leaderboard_ndcg(["x", "y"], RELS) == 0.0


def test_beir_ndcg_uses_all_judged_documents_as_ideal():
    ranked = ["x", "b", "a"]
    # ideal gains 2,1,1 (a, b, z): 2 + 1/log2(3) + 1/2.
    expected = (1 / math.log2(3) + 2 / 2) / (2 + 1 / math.log2(3) + 0.5)
    assert beir_ndcg(ranked, RELS) == pytest.approx(expected)


def test_leaderboard_recall_counts_score_zero_judgments():
    assert leaderboard_recall(["a", "c", "x"], RELS) == 0.5  # a and c of a, b, c, z


def test_read_dataset_skips_header(tmp_path):
    (tmp_path / "qrels").mkdir()
    (tmp_path / "corpus.jsonl").write_text('{"_id": "d1", "title": "T", "text": "Body."}\n')
    (tmp_path / "queries.jsonl").write_text('{"_id": "q1", "text": "what?"}\n')
    (tmp_path / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\t2\n")
    docs, queries, qrels = read_dataset(tmp_path)
    assert (
        docs[0].text == "T\n\nBody." and queries == {"q1": "what?"} and qrels == {"q1": {"d1": 2}}
    )
