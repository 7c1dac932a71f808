"""Metrics against hand-computed values."""

import math

import pytest

from eval import metrics as m
from eval.runner import compare

EV = [("d", 10, 20), ("e", 0, 5)]


def test_normalize_folds_case_quotes_spacing_and_numbers():
    assert m.normalize("Pakistan’s  $ 1,200 “Deal”") == 'pakistan\'s $1200 "deal"'
    assert m.normalize("3.2 Percent") == m.normalize("3.2%")
    assert m.contains_answer("It is worth $500 million.", ["$500 Million"])
    assert not m.contains_answer("It is worth $50 million.", ["$500 million"])


def test_a_written_date_is_found_written_another_way():
    day = ["June 19 2020"]
    for said in (
        "Release: 6/19/2020;",
        "on 19/06/2020",
        "2020-06-19",
        "Jun. 19, 2020",
        "the 19th of June, 2020",
        "19 Jun 2020",
    ):
        assert m.contains_answer(said, day), said
    # another day, month or year, or digits that run on, are not the date
    for said in (
        "6/9/2020",
        "16/19/2020",
        "6/19/20201",
        "June 1, 2020",
        "July 19, 2020",
        "June 19, 2021",
    ):
        assert not m.contains_answer(said, day), said
    # digits read either way round: 5/1 may be the 5th of January
    assert m.contains_answer("5/1/2020", ["January 5 2020"])
    assert not m.contains_answer("Sept. 7", ["September 7 2018"])


def test_recall_at_k():
    retrieved = [("d", 0, 9), ("d", 15, 30), ("x", 0, 100), ("e", 4, 8)]
    # top-1 touches nothing (0-9 ends before 10); top-2 overlaps d:10-20; top-4 also e:0-5.
    assert m.recall_at_k(retrieved, EV, 1) == 0.0
    assert m.recall_at_k(retrieved, EV, 2) == 0.5
    assert m.recall_at_k(retrieved, EV, 4) == 1.0


def test_reciprocal_rank_and_ndcg():
    retrieved = [("x", 0, 1), ("d", 12, 14), ("e", 1, 2)]
    assert m.reciprocal_rank(retrieved, EV) == 0.5
    # relevant at ranks 2 and 3: DCG = 1/log2(3) + 1/log2(4); ideal = 1/log2(2) + 1/log2(3).
    expected = (1 / math.log2(3) + 1 / 2) / (1 + 1 / math.log2(3))
    assert m.ndcg_at_k(retrieved, EV, 10) == pytest.approx(expected)
    assert m.ndcg_at_k([], EV) == 0.0


def test_precision_recall_and_percentile():
    # predicted T,T,F,F vs actual T,F,T,F: tp=1, fp=1, fn=1.
    assert m.precision_recall([True, True, False, False], [True, False, True, False]) == (0.5, 0.5)
    assert m.percentile([1, 2, 3, 4], 50) == 2.5
    assert m.percentile([10], 95) == 10


def test_grounded_share():
    assert m.grounded_share([("a", "a"), ("b", "c")]) == 0.5
    assert m.grounded_share([]) == 1.0


def test_compare_names_each_regression():
    baseline = {"tolerance": 0.02, "metrics": {"accuracy": 0.9, "recall@5": 0.95}}
    assert compare({"accuracy": 0.89, "recall@5": 0.95, "groundedness": 1.0}, baseline) == []
    problems = compare({"accuracy": 0.80, "recall@5": 0.90, "groundedness": 0.99}, baseline)
    assert len(problems) == 3
    assert any(p.startswith("accuracy regressed") for p in problems)
    assert any(p.startswith("recall@5 regressed") for p in problems)
    assert any(p.startswith("groundedness") for p in problems)
