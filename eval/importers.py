"""Turn public QA datasets into a Quarry gold set plus a corpus folder.

A gold set is JSONL, one question per line:

    {"id": "q1", "type": "fact", "question": "...", "answers": ["..."],
     "evidence": [{"doc_id": "...", "quote": "..."}], "conflict_docs": [], "false_answers": []}

``type`` is free text except for two values: ``unanswerable`` (the answer should abstain;
``answers`` is empty) and ``conflict`` (the sources disagree: the response should flag it and
show both the true ``answers`` and the ``false_answers``, each cited). ``evidence``,
``conflict_docs`` and ``false_answers`` are optional. Evidence quotes must be exact substrings of
the named document's stored text; recall metrics use only questions that have evidence.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from eval.metrics import contains_answer
from eval.runner import GoldQuestion


@dataclass
class GoldSet:
    """Documents (file name -> text) and the questions asked over them."""

    documents: dict[str, str]
    questions: list[GoldQuestion]

    def write(self, out_dir: Path) -> tuple[Path, Path]:
        """Write ``out_dir/corpus/`` (one .txt per document) and ``out_dir/gold.jsonl``."""
        corpus = out_dir / "corpus"
        corpus.mkdir(parents=True, exist_ok=True)
        for name, text in self.documents.items():
            (corpus / name).write_text(text + "\n", encoding="utf-8")
        gold = out_dir / "gold.jsonl"
        gold.write_text(
            "".join(json.dumps(asdict(q), ensure_ascii=False) + "\n" for q in self.questions),
            encoding="utf-8",
        )
        return corpus, gold


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "doc"


def squad2(path: Path, titles: Iterable[str] | None = None) -> GoldSet:
    """SQuAD 2.0 JSON: each article one document (paragraphs separated by blank lines).

    Answerable questions become type ``fact`` with their distinct gold answer texts (the first
    one's text as evidence); impossible ones become ``unanswerable``.
    """
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    wanted = set(titles) if titles else None
    documents: dict[str, str] = {}
    questions: list[GoldQuestion] = []
    for article in data:
        if wanted is not None and article["title"] not in wanted:
            continue
        name = _slug(article["title"])
        documents[f"{name}.txt"] = "\n\n".join(p["context"].strip() for p in article["paragraphs"])
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                answers = list(dict.fromkeys(a["text"].strip() for a in qa["answers"]))
                impossible = bool(qa.get("is_impossible")) or not answers
                questions.append(
                    GoldQuestion(
                        id=qa["id"],
                        type="unanswerable" if impossible else "fact",
                        question=qa["question"].strip(),
                        answers=[] if impossible else answers,
                        evidence=[] if impossible else [{"doc_id": name, "quote": answers[0]}],
                    )
                )
    return GoldSet(documents, questions)


RGB_SETTINGS = ("true", "conflict", "noise")


def _flat(answer: Any) -> list[str]:
    if isinstance(answer, str):
        return [answer]
    return [s for item in answer for s in _flat(item)]


def rgb(path: Path, setting: str) -> GoldSet:
    """RGB counterfactual JSONL: every snippet one document, all questions one corpus.

    ``true``: positive + negative snippets, the answer must hold the true answer and raise no
    conflict. ``conflict``: positive + positive_wrong + negative, the response must flag the
    disagreement and show both answers. ``noise``: negative snippets only, the answer must
    abstain; questions whose answer the noise happens to hold are left out (their snippets
    stay, as noise for the others). All questions share one corpus, so that is any question's
    negatives, not only the question's own.
    """
    if setting not in RGB_SETTINGS:
        raise ValueError(f"unknown RGB setting {setting!r}: use one of {', '.join(RGB_SETTINGS)}")
    documents: dict[str, str] = {}
    questions: list[GoldQuestion] = []
    items = [
        json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()
    ]
    noise = [s for item in items for s in item["negative"]] if setting == "noise" else []
    for item in items:
        qid = f"rgb{int(item['id']):03d}"
        answers = _flat(item["answer"])
        false = _flat(item.get("fakeanswer") or [])
        groups = {"noise": ["negative"], "true": ["positive", "negative"]}.get(
            setting, ["positive", "positive_wrong", "negative"]
        )
        for group in groups:
            for i, snippet in enumerate(item.get(group, [])):
                documents[f"{qid}-{group.replace('_', '-')}-{i}.txt"] = snippet.strip()
        if any(contains_answer(s, answers) for s in noise):
            continue  # its snippets stay: they are noise for the other questions
        kind = {"noise": "unanswerable", "true": "fact", "conflict": "conflict"}[setting]
        questions.append(
            GoldQuestion(
                id=qid,
                type=kind,
                question=item["query"].strip(),
                answers=[] if setting == "noise" else answers,
                false_answers=false if setting == "conflict" else [],
            )
        )
    return GoldSet(documents, questions)
