"""Run the gold set against Quarry (in-process or over HTTP) and score it."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from base.errors import RemoteError
from eval import metrics as m

GOLD = Path(__file__).parent / "data" / "gold.jsonl"
BASELINE = Path(__file__).parent / "baseline.json"
RECALL_KS = (1, 3, 5, 10)


@dataclass(frozen=True)
class GoldQuestion:
    id: str
    type: str
    question: str
    answers: list[str]
    evidence: list[dict[str, str]] = field(default_factory=list)
    conflict_docs: list[str] = field(default_factory=list)
    false_answers: list[str] = field(default_factory=list)

    @property
    def answerable(self) -> bool:
        return bool(self.answers)


def load_gold(path: Path = GOLD) -> list[GoldQuestion]:
    lines = path.read_text(encoding="utf-8").split("\n")  # not splitlines(): JSON may hold U+2028
    return [GoldQuestion(**json.loads(line)) for line in lines if line.strip()]


class Client(Protocol):
    def ask(self, question: str, top_k: int) -> dict[str, Any]: ...
    def document(self, doc_id: str) -> dict[str, Any]: ...


class InProcessClient:
    """Calls the engine directly, returning the same JSON shapes as the API."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine

    def ask(self, question: str, top_k: int) -> dict[str, Any]:
        return asdict(self.engine.answer(question, top_k))

    def document(self, doc_id: str) -> dict[str, Any]:
        d = self.engine.version().document(doc_id)
        return {"doc_id": d.doc_id, "text": d.text, "title": d.title}


class HttpClient:
    """Calls a running Quarry server; ``headers`` may carry an API key.

    A 429 reply is waited out as its ``Retry-After`` header says (up to ``max_wait`` seconds in
    all per request), so a gate run never trips the server's rate limit into a failure.
    """

    def __init__(
        self, url: str, headers: dict[str, str] | None = None, max_wait: float = 300.0
    ) -> None:
        import httpx

        self.url = url.rstrip("/")
        self.max_wait = max_wait
        self.rate_limited_s = 0.0  # time spent waiting out 429 replies
        self.http = httpx.Client(base_url=self.url, headers=headers or {}, timeout=60)

    def _request(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        import httpx

        waited = 0.0
        while True:
            try:
                r = self.http.request(method, path, **kwargs)
            except httpx.HTTPError as exc:
                raise RemoteError(
                    f"cannot reach {self.url} ({type(exc).__name__}): is `quarry serve` running?"
                ) from None
            if r.status_code == 429:
                pause = _retry_after(r.headers.get("retry-after"))
                if waited + pause <= self.max_wait:
                    time.sleep(pause)
                    waited += pause
                    self.rate_limited_s += pause
                    continue
            if r.status_code >= 400:
                detail = r.text[:200].replace("\n", " ")
                raise RemoteError(f"{method} {self.url}{path} answered {r.status_code}: {detail}")
            return r.json()

    def ask(self, question: str, top_k: int) -> dict[str, Any]:
        return self._request("POST", "/ask", json={"question": question, "top_k": top_k})

    def document(self, doc_id: str) -> dict[str, Any]:
        return self._request("GET", f"/documents/{doc_id}")


def _retry_after(value: str | None) -> float:
    try:
        return min(max(float(value or 1), 0.1), 60.0)
    except ValueError:
        return 1.0


def _spans(items: list[dict[str, Any]]) -> list[m.Span]:
    return [(p["doc_id"], p["char_start"], p["char_end"]) for p in items]


def score_question(
    q: GoldQuestion,
    answer: dict[str, Any],
    retrieval: dict[str, Any],
    texts: Callable[[str], str],
    latency_ms: float,
) -> dict[str, Any]:
    """One question's record: retrieval from ``retrieval`` (top 10), the rest from ``answer``."""
    evidence: list[m.Span] = []
    for ev in q.evidence:
        start = texts(ev["doc_id"]).find(ev["quote"])
        evidence.append((ev["doc_id"], start, start + len(ev["quote"])))
    retrieved = _spans(retrieval["passages"])
    cites = answer["citations"]
    sentences = [(c["quote"], texts(c["doc_id"])[c["char_start"] : c["char_end"]]) for c in cites]
    in_answer = all(f"{c['quote']} [{c['n']}]" in answer["answer"] for c in cites)
    claims = [claim for conflict in answer.get("conflicts", []) for claim in conflict["claims"]]
    cited_docs = {c["doc_id"] for c in cites} | {claim["doc_id"] for claim in claims}
    correct = (
        not answer["abstained"] and m.contains_answer(answer["answer"], q.answers)
        if q.answerable
        else answer["abstained"]
    )
    # Claims are quoted sentences too: their offsets must hold their text.
    sentences += [(c["text"], texts(c["doc_id"])[c["char_start"] : c["char_end"]]) for c in claims]
    grounded = m.grounded_share(sentences) if in_answer else 0.0
    shown = [c["quote"] for c in cites] + [c["text"] for c in claims]
    raised = bool(answer.get("conflicts"))
    record = {
        "id": q.id,
        "type": q.type,
        "question": q.question,
        "expected": q.answers,
        "evidence": [{"doc_id": ev["doc_id"], "quote": ev["quote"]} for ev in q.evidence],
        "answer": answer["answer"],
        "abstained": answer["abstained"],
        "abstain_reason": answer.get("abstain_reason", ""),
        "citations": [
            {k: c[k] for k in ("n", "doc_id", "char_start", "char_end", "quote")} for c in cites
        ],
        "conflicts": answer.get("conflicts", []),
        "correct": correct,
        "grounded": grounded,
        "n_sentences": len(sentences),
        "citation_hits": sum(any(m.overlaps(s, e) for e in evidence) for s in _spans(cites)),
        "latency_ms": round(latency_ms, 2),
        "conflict_raised": raised,
    }
    if q.answerable and evidence:
        record.update({f"recall@{k}": m.recall_at_k(retrieved, evidence, k) for k in RECALL_KS})
        record["rr"] = m.reciprocal_rank(retrieved, evidence)
        record["ndcg@10"] = m.ndcg_at_k(retrieved, evidence, 10)
    if q.type == "conflict" and q.conflict_docs:
        record["conflict_covered"] = set(q.conflict_docs) <= cited_docs
    if q.type == "conflict" and len(q.answers) > 1 and not q.false_answers:
        # Versions that differ: every value shown (cited or claimed), with the warning raised.
        record["both_values"] = raised and all(
            any(m.contains_answer(text, [value]) for text in shown) for value in q.answers
        )
    if q.false_answers:
        true_shown = any(m.contains_answer(text, q.answers) for text in shown)
        false_shown = any(m.contains_answer(text, q.false_answers) for text in shown)
        # Both sides shown, each in a cited sentence or a conflict claim, with the warning raised.
        record["both_sides"] = raised and true_shown and false_shown
        # Misled: the false answer stated with no warning and without the true one beside it.
        record["misled"] = (
            not answer["abstained"]
            and not raised
            and m.contains_answer(answer["answer"], q.false_answers)
            and not m.contains_answer(answer["answer"], q.answers)
        )
    record["pass"] = bool(correct and grounded == 1.0)
    return record


def aggregate(records: list[dict[str, Any]]) -> dict[str, float]:
    """Metrics over a set of question records (absent kinds are left out)."""
    out: dict[str, float] = {"questions": len(records)}
    answerable = [r for r in records if r["type"] != "unanswerable"]
    with_evidence = [r for r in answerable if "rr" in r]
    if with_evidence:
        for key in [*(f"recall@{k}" for k in RECALL_KS), "ndcg@10"]:
            out[key] = _mean(r[key] for r in with_evidence)
        out["mrr"] = _mean(r["rr"] for r in with_evidence)
    if answerable:
        out["accuracy"] = _mean(float(r["correct"]) for r in answerable)
        out["abstain_rate_answerable"] = _mean(float(r["abstained"]) for r in answerable)
        # answered, confidently, with no right answer in it: worse than abstaining
        out["wrong_confident"] = _mean(
            float(not r["abstained"] and not r["correct"]) for r in answerable
        )
        n_cites = sum(len(r["citations"]) for r in with_evidence)
        if n_cites:
            out["citation_precision"] = sum(r["citation_hits"] for r in with_evidence) / n_cites
    n_sent = sum(r["n_sentences"] for r in records)
    out["groundedness"] = (
        sum(r["grounded"] * r["n_sentences"] for r in records) / n_sent if n_sent else 1.0
    )
    should = [r["type"] == "unanswerable" for r in records]
    if any(should):
        p, rec = m.precision_recall([r["abstained"] for r in records], should)
        out["abstention_precision"], out["abstention_recall"] = p, rec
    plain = [r for r in answerable if r["type"] != "conflict"]
    if plain:
        out["false_conflict_alarms"] = _mean(float(r["conflict_raised"]) for r in plain)
    sided = [r for r in records if "both_sides" in r]
    if sided:
        out["conflict_both_sides"] = _mean(float(r["both_sides"]) for r in sided)
        out["misled"] = _mean(float(r["misled"]) for r in sided)
    conflict = [r for r in records if r["type"] == "conflict"]
    if conflict:
        covered = [r for r in conflict if "conflict_covered" in r]
        if covered:
            out["conflict_coverage"] = _mean(float(r["conflict_covered"]) for r in covered)
        p, rec = m.precision_recall(
            [bool(r["conflicts"]) for r in records], [r["type"] == "conflict" for r in records]
        )
        out["conflict_precision"], out["conflict_recall"] = p, rec
    valued = [r for r in records if "both_values" in r]
    if valued:
        out["conflict_both_values"] = _mean(float(r["both_values"]) for r in valued)
    return {k: round(v, 4) for k, v in out.items()}


def _mean(values: Any) -> float:
    xs = list(values)
    return sum(xs) / len(xs) if xs else 0.0


def run_eval(
    client: Client, gold: list[GoldQuestion], top_k: int = 5, progress: bool | None = None
) -> dict[str, Any]:
    """Ask every gold question; return the report (metrics, breakdown by type, per question)."""
    from base.progress import progress_bar

    cache: dict[str, str] = {}

    def texts(doc_id: str) -> str:
        if doc_id not in cache:
            cache[doc_id] = client.document(doc_id)["text"]
        return cache[doc_id]

    records = []
    for q in progress_bar(gold, enabled=progress, desc="eval", unit="q"):
        t0 = time.perf_counter()
        answer = client.ask(q.question, top_k)
        latency = (time.perf_counter() - t0) * 1000
        retrieval = client.ask(q.question, 10) if top_k != 10 else answer
        records.append(score_question(q, answer, retrieval, texts, latency))
    types = sorted({r["type"] for r in records})
    latencies = [r["latency_ms"] for r in records]
    return {
        "metrics": aggregate(records),
        "by_type": {t: aggregate([r for r in records if r["type"] == t]) for t in types},
        "latency_ms": {
            "p50": round(m.percentile(latencies, 50), 2),
            "p95": round(m.percentile(latencies, 95), 2),
        },
        "questions": records,
    }


GATED = (
    "recall@1",
    "recall@3",
    "recall@5",
    "recall@10",
    "mrr",
    "ndcg@10",
    "accuracy",
    "groundedness",
    "citation_precision",
    "abstention_precision",
    "abstention_recall",
    "conflict_coverage",
    "conflict_precision",
    "conflict_recall",
    "conflict_both_sides",
    "conflict_both_values",
    "misled",
    "wrong_confident",
    "false_conflict_alarms",
    "abstain_rate_answerable",
)
LOWER_IS_BETTER = {"misled", "false_conflict_alarms", "abstain_rate_answerable", "wrong_confident"}


# What a gold set must reach when it has no baseline of its own yet (``quarry eval --gold``
# without ``--baseline``): a gate that passes at any figure would mean nothing. Lower bounds,
# except the rates where lower is better, which are upper bounds.
DEFAULT_FLOORS: dict[str, float] = {
    "groundedness": 1.0,
    "accuracy": 0.6,
    "abstention_recall": 0.5,
    "wrong_confident": 0.25,
}


def below_floors(metrics: dict[str, float], floors: dict[str, float] = DEFAULT_FLOORS) -> list[str]:
    """The metrics of ``metrics`` that miss their default floor, each as a sentence."""
    problems = []
    for key, floor in floors.items():
        if key not in metrics:
            continue
        value = metrics[key]
        if key in LOWER_IS_BETTER and value > floor:
            problems.append(f"{key} {value} is above the default ceiling {floor}")
        elif key not in LOWER_IS_BETTER and value < floor:
            problems.append(f"{key} {value} is below the default floor {floor}")
    return problems


def compare(metrics: dict[str, float], baseline: dict[str, Any]) -> list[str]:
    """Regressions of ``metrics`` against ``baseline``; an empty list means the gate passes.

    Every gated metric may fall at most ``tolerance`` below its baseline value (or rise above
    it, for the rates where lower is better: misled, false alarms, abstaining on answerable
    questions); groundedness must always be exactly 1.0.
    """
    tolerance = float(baseline.get("tolerance", 0.02))
    problems = []
    if metrics.get("groundedness", 1.0) < 1.0:
        problems.append(
            f"groundedness {metrics['groundedness']} < 1.0: an answer sentence does "
            "not match its cited text (a bug)"
        )
    for key in GATED:
        if key not in baseline["metrics"]:
            continue
        base = baseline["metrics"][key]
        if key in LOWER_IS_BETTER:
            got = metrics.get(key, 1.0)
            if got > base + tolerance:
                problems.append(
                    f"{key} regressed: {got:.4f} > baseline {base:.4f} + tolerance {tolerance}"
                )
            continue
        got = metrics.get(key, 0.0)
        if got < base - tolerance:
            problems.append(
                f"{key} regressed: {got:.4f} < baseline {base:.4f} - tolerance {tolerance}"
            )
    return problems


def baseline_from(report: dict[str, Any], tolerance: float = 0.02) -> dict[str, Any]:
    return {
        "tolerance": tolerance,
        "metrics": {k: v for k, v in report["metrics"].items() if k in GATED},
    }
