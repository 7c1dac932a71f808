"""Feedback that becomes tests (issue 31, item 4): answers carry an id, POST /feedback rates
them, it is kept beside the index, and `quarry feedback export --gold` feeds `quarry eval`."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from index.layout import feedback_path
from quarry.engine import Engine
from quarry.feedback import FeedbackStore
from quarry.settings import Settings
from tests.conftest import SPOKESMAN, seed_copy
from tests.test_cli import quarry

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, seed_settings):
    return seed_copy(tmp_path_factory, seed_settings, "feedback")


def test_feedback_round_trip_through_the_api_the_store_and_the_cli(
    data_dir, real_embedder, tmp_path
):
    settings = Settings(data_dir=data_dir)
    with TestClient(create_app(settings, Engine(settings, embedder=real_embedder))) as c:
        answered = c.post("/ask", json={"question": SPOKESMAN}).json()
        abstained = c.post(
            "/ask", json={"question": "What is the boiling point of liquid nitrogen?"}
        )
        abstained = abstained.json()
        assert answered["answer_id"] and answered["answer_id"] != abstained["answer_id"]
        stream = c.post("/ask/stream", json={"question": SPOKESMAN}).text
        done = json.loads(stream.split("event: done\ndata: ")[1].split("\n")[0])
        assert done["answer_id"] and done["answer_id"] != answered["answer_id"]

        def rate(**body):
            return c.post("/feedback", json=body)

        up = rate(answer_id=answered["answer_id"], rating="up")
        assert up.status_code == 201 and up.json()["becomes_test"]
        wrong = rate(answer_id=abstained["answer_id"], rating="down", should_abstain=True)
        assert wrong.json()["becomes_test"]
        fixed = rate(answer_id=done["answer_id"], rating="down", correct_answer="Lin Jian")
        assert fixed.json()["becomes_test"]
        vague = rate(answer_id=done["answer_id"], rating="down", comment="meh")
        assert vague.status_code == 201 and not vague.json()["becomes_test"]
        assert rate(answer_id="nope", rating="up").status_code == 404
        bad = rate(answer_id=answered["answer_id"], rating="meh")
        assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "rating"
        assert len(c.get("/admin/feedback").json()) == 4  # open mode: no keys configured
    # Durable: another process (a restart) reads the same feedback.
    assert len(FeedbackStore(feedback_path(data_dir)).all()) == 4
    listed = quarry("feedback", "list", data_dir=data_dir).stdout
    assert "should have abstained" in listed and "should say: Lin Jian" in listed
    gold = tmp_path / "gold.jsonl"
    out = quarry("feedback", "export", "--gold", str(gold), data_dir=data_dir).stdout
    assert "wrote 3 gold question(s)" in out and "skipped 1" in out
    items = [json.loads(line) for line in gold.read_text().splitlines()]
    assert {i["type"] for i in items} == {"feedback", "unanswerable"}
    run = quarry("eval", "--gold", str(gold), "--out", str(tmp_path / "r"), data_dir=data_dir)
    assert "gate" in run.stdout + run.stderr
