"""External gold sets: importers, the metrics they need, and the development sets' figures."""

import json

from eval.importers import rgb, squad2
from eval.runner import GoldQuestion, aggregate, compare, score_question


def test_squad2_import_makes_one_document_per_article(tmp_path):
    source = tmp_path / "squad.json"
    source.write_text(
        json.dumps(
            {
                "data": [
                    {
                        "title": "Tiny_Article",
                        "paragraphs": [
                            {
                                "context": "The lamp was lit in 1901.",
                                "qas": [
                                    {
                                        "id": "a",
                                        "question": "When was the lamp lit?",
                                        "answers": [{"text": "1901", "answer_start": 20}] * 2,
                                        "is_impossible": False,
                                    },
                                    {
                                        "id": "b",
                                        "question": "When was the lamp sold?",
                                        "answers": [],
                                        "plausible_answers": [{"text": "1901"}],
                                        "is_impossible": True,
                                    },
                                ],
                            },
                            {"context": "It still shines.", "qas": []},
                        ],
                    }
                ]
            }
        )
    )
    gold_set = squad2(source)
    assert gold_set.documents == {
        "tiny-article.txt": "The lamp was lit in 1901.\n\nIt still shines."
    }
    a, b = gold_set.questions
    assert (a.type, a.answers, a.evidence) == (
        "fact",
        ["1901"],
        [{"doc_id": "tiny-article", "quote": "1901"}],
    )
    assert (b.type, b.answers) == ("unanswerable", [])


def _rgb_line(i, negatives, query="Where was the fair held?", answer="Springfield"):
    return json.dumps(
        {
            "id": i,
            "query": query,
            "answer": [[answer, f"{answer}, IL"]],
            "fakeanswer": "Shelbyville",
            "positive": ["The fair was held in Springfield."],
            "positive_wrong": ["The fair was held in Shelbyville."],
            "negative": negatives,
        }
    )


def test_rgb_import_settings(tmp_path):
    source = tmp_path / "rgb.jsonl"
    source.write_text(
        _rgb_line(0, ["Fairs draw crowds."]) + "\n" + _rgb_line(2, ["Springfield hosts it."]) + "\n"
    )
    true = rgb(source, "true")
    assert sorted(true.documents) == [
        "rgb000-negative-0.txt",
        "rgb000-positive-0.txt",
        "rgb002-negative-0.txt",
        "rgb002-positive-0.txt",
    ]
    assert true.questions[0].answers == ["Springfield", "Springfield, IL"]
    conflict = rgb(source, "conflict")
    assert conflict.questions[0].type == "conflict"
    assert conflict.questions[0].false_answers == ["Shelbyville"]
    assert "rgb000-positive-wrong-0.txt" in conflict.documents


def test_rgb_noise_leaves_out_questions_whose_answer_the_shared_noise_holds(tmp_path):
    # All questions share one corpus. The first question's answer is in the third one's
    # noise, the second's in its own; the third's is nowhere.
    source = tmp_path / "rgb.jsonl"
    lines = [
        _rgb_line(0, ["Fairs draw crowds."]),
        _rgb_line(2, ["Rockford hosts the games."], "Where are the games?", "Rockford"),
        _rgb_line(4, ["Springfield is a city."], "Where was the parade?", "Dover"),
    ]
    source.write_text("\n".join(lines) + "\n")
    noise = rgb(source, "noise")
    assert [q.id for q in noise.questions] == ["rgb004"]
    assert noise.questions[0].answers == []
    # the snippets of the questions left out stay, as noise for the others
    assert sorted(noise.documents) == [f"rgb00{i}-negative-0.txt" for i in (0, 2, 4)]


def _record(q, answer, conflicts=()):
    text = {"d1": "The fair was held in Springfield.", "d2": "The fair was held in Shelbyville."}
    cites = [
        {"n": i + 1, "doc_id": d, "char_start": 0, "char_end": len(text[d]), "quote": text[d]}
        for i, d in enumerate(answer)
    ]
    body = {
        "answer": " ".join(f"{c['quote']} [{c['n']}]" for c in cites),
        "abstained": not cites,
        "citations": cites,
        "passages": [],
        "conflicts": [
            {"claims": [{"doc_id": d, "text": text[d], "char_start": 0, "char_end": len(text[d])}]}
            for d in conflicts
        ],
    }
    return score_question(q, body, body, lambda d: text[d], 1.0)


def test_conflict_metrics_both_sides_misled_and_false_alarms():
    conflict = GoldQuestion(
        "c", "conflict", "Where?", ["Springfield"], [], false_answers=["Shelbyville"]
    )
    fact = GoldQuestion("f", "fact", "Where?", ["Springfield"], [])
    misled = _record(conflict, ["d2"])
    warned = _record(conflict, ["d1"], conflicts=["d1", "d2"])
    alarm = _record(fact, ["d1"], conflicts=["d1", "d2"])
    quiet = _record(fact, ["d1"])
    assert (misled["misled"], misled["both_sides"]) == (True, False)
    assert (warned["misled"], warned["both_sides"]) == (False, True)
    metrics = aggregate([misled, warned, alarm, quiet])
    assert metrics["misled"] == 0.5 and metrics["conflict_both_sides"] == 0.5
    assert metrics["false_conflict_alarms"] == 0.5  # one of the two plain questions
    assert metrics["groundedness"] == 1.0  # claims are checked against their offsets too


def test_gate_treats_rates_where_lower_is_better():
    baseline = {"tolerance": 0.02, "metrics": {"misled": 0.1, "accuracy": 0.8}}
    assert compare({"misled": 0.11, "accuracy": 0.79}, baseline) == []
    problems = compare({"misled": 0.2, "accuracy": 0.9}, baseline)
    assert len(problems) == 1 and problems[0].startswith("misled regressed: 0.2000 > baseline")
