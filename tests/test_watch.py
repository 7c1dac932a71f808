"""A watched folder (issue 31, item 5): `quarry serve --watch DIR` with a real server and model;
edits, additions and deletions reach the answers. Latency is measured in bench/watch.py."""

from __future__ import annotations

import shutil
import time

import httpx
import pytest

from tests.conftest import CORPUS, free_port, start_server

pytestmark = pytest.mark.slow


def wait_for(check, what: str, limit: float = 120.0) -> float:
    """Poll ``check`` until true; returns the seconds it took (generous limit: any load)."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < limit, f"never happened: {what}"
        time.sleep(0.2)
    return time.monotonic() - started


def test_edits_additions_and_deletions_reach_the_answers(tmp_path):
    folder = tmp_path / "docs"
    shutil.copytree(CORPUS, folder)
    port = free_port()
    env = {"QUARRY_DATA_DIR": str(tmp_path / "data")}
    proc = start_server(env, port, timeout=300, args=("--watch", str(folder)))
    url = f"http://127.0.0.1:{port}"

    def answer(question: str) -> str:
        return httpx.post(f"{url}/ask", json={"question": question}, timeout=60).json()["answer"]

    def documents() -> set[str]:
        return {d["doc_id"] for d in httpx.get(f"{url}/documents").json()}

    try:
        assert len(documents()) == 5  # the first sync ingested the folder
        note = folder / "elm-ridge.md"
        question = "When did the Elm Ridge granite quarry open?"
        note.write_text("# Elm Ridge\n\nThe Elm Ridge granite quarry opened in 1921.\n")
        added = wait_for(lambda: "1921" in answer(question), "the added file answers")
        note.write_text("# Elm Ridge\n\nThe Elm Ridge granite quarry opened in 1932.\n")
        edited = wait_for(lambda: "1932" in answer(question), "the edited file answers")
        assert "1921" not in answer(question)
        note.unlink()
        removed = wait_for(lambda: "elm-ridge" not in documents(), "the removed file is gone")
        assert len(documents()) == 5
        print(f"added {added:.1f}s, edited {edited:.1f}s, removed {removed:.1f}s")
    finally:
        proc.kill()
        proc.wait(timeout=30)
