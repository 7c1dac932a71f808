"""Bounded load, load during re-ingest and delete, and schemathesis fuzzing, against a real
`quarry serve` on loopback. Figures from longer runs live in bench/RESULTS.md."""

import asyncio
import json
import os
import shutil
import subprocess
import sys
import threading
import time

import httpx
import pytest

from bench.load import run_load
from eval.runner import InProcessClient, load_gold, run_eval
from tests.conftest import ARTIFACTS, CORPUS, free_port, start_server

pytestmark = pytest.mark.slow
ADMIN = "load-test-admin-key"


@pytest.fixture(scope="module")
def live(tmp_path_factory, seed_settings):
    root = tmp_path_factory.mktemp("live")
    data_dir, corpus = root / "data", root / "corpus"
    shutil.copytree(CORPUS, corpus)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "QUARRY_DATA_DIR": str(data_dir),
        "QUARRY_CORPUS_DIR": str(corpus),
        "QUARRY_ADMIN_KEYS": f'["{ADMIN}"]',
        "QUARRY_RATE_LIMIT_PER_MINUTE": "1000000",
        "QUARRY_RATE_LIMIT_BURST": "100000",
        "HF_HUB_OFFLINE": "1",
    }
    subprocess.run(
        [sys.executable, "-m", "cli", "ingest", str(corpus)],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    proc = start_server(env, port)
    yield {"url": url, "corpus": corpus, "headers": {"X-API-Key": ADMIN}}
    proc.kill()
    proc.wait(timeout=30)


def test_eval_over_http_matches_in_process(live, seed_engine):
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "cli",
            "eval",
            "--url",
            live["url"],
            "--api-key",
            ADMIN,
            "--out",
            str(ARTIFACTS / "eval-http"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr
    over_http = json.loads((ARTIFACTS / "eval-http" / "report.json").read_text())
    in_process = run_eval(InProcessClient(seed_engine), load_gold(), progress=False)
    assert over_http["metrics"] == in_process["metrics"]


def test_eval_over_http_waits_out_the_default_rate_limit(tmp_path, seed_settings):
    """A server with tight limits (burst 3) answers 429s; the eval honours Retry-After."""
    data_dir = tmp_path / "data"
    shutil.copytree(seed_settings.data_dir, data_dir)
    port = free_port()
    env = {
        "QUARRY_DATA_DIR": str(data_dir),
        "QUARRY_RATE_LIMIT_PER_MINUTE": "600",
        "QUARRY_RATE_LIMIT_BURST": "3",
    }
    proc = start_server(env, port)
    try:
        gold = tmp_path / "gold.jsonl"
        lines = (ARTIFACTS.parent / "eval" / "data" / "gold.jsonl").read_text().split("\n")
        gold.write_text("\n".join(lines[:4]) + "\n")
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "cli",
                "eval",
                "--url",
                f"http://127.0.0.1:{port}",
                "--gold",
                str(gold),
                "--baseline",
                str(tmp_path / "no-baseline.json"),
                "--out",
                str(tmp_path / "reports"),
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert out.returncode == 0, out.stderr
    assert "rate limit" in out.stdout and "gate passed" in out.stdout
    report = json.loads((tmp_path / "reports" / "report.json").read_text())
    assert report["metrics"]["questions"] == 4


def test_load_has_no_server_errors(live):
    result = asyncio.run(run_load(live["url"], clients=6, seconds=6, headers=live["headers"]))
    summary = result.summary()
    (ARTIFACTS / "load.json").parent.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "load.json").write_text(json.dumps(summary, indent=2))
    assert summary["requests"] > 20
    assert summary["errors_5xx"] == 0 and summary["transport_errors"] == 0
    assert summary["status"] == {"200": summary["requests"]}


def test_no_query_fails_during_reingest_and_delete(live):
    url, h = live["url"], live["headers"]
    (live["corpus"] / "extra.md").write_text(
        "# Osprey report\n\nThe Osprey mine reopened in 2031.\n"
    )
    outcome = {}

    def load():
        outcome["result"] = asyncio.run(
            run_load(url, clients=4, seconds=10, headers=h, keep_answers=True, seed=1)
        )

    thread = threading.Thread(target=load)
    thread.start()
    time.sleep(1.0)
    job = httpx.post(f"{url}/admin/reingest", headers=h).json()
    for _ in range(600):
        status = httpx.get(f"{url}/admin/jobs/{job['job_id']}", headers=h).json()
        if status["status"] in ("done", "failed"):
            break
        time.sleep(0.1)
    assert status["status"] == "done" and status["result"]["added"] == ["extra"]
    deleted = httpx.delete(f"{url}/admin/documents/004_f2de16cde25f0e02", headers=h)
    assert deleted.status_code == 200
    swapped_at = time.monotonic()
    thread.join(timeout=60)
    result = outcome["result"]
    assert result.requests > 10
    assert result.status == {200: result.requests} and result.transport_errors == 0
    # After the swap no answer cites the deleted document.
    for q in [
        "Who is the Editor-in-Chief of The Daily Mail, Pakistan?",
        "Did Islamabad get China's consent before the American deal?",
        "How many mining projects to extract REEs does the USSM deal plan?",
    ]:
        body = httpx.post(f"{url}/ask", json={"question": q, "top_k": 20}, headers=h).json()
        assert all(c["doc_id"] != "004_f2de16cde25f0e02" for c in body["citations"])
        assert all(p["doc_id"] != "004_f2de16cde25f0e02" for p in body["passages"])
    assert time.monotonic() - swapped_at < 120
    assert (
        httpx.post(f"{url}/ask", json={"question": "When did the Osprey mine reopen?"}, headers=h)
        .json()["answer"]
        .count("2031")
        == 1
    )


def test_schemathesis_finds_no_server_errors_or_schema_violations(live):
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "run",
            f"{live['url']}/openapi.json",
            "--checks",
            "not_a_server_error,response_schema_conformance",
            "--max-examples",
            "15",
            "--request-timeout",
            "60",
            "--generation-deterministic",
            "-H",
            f"X-API-Key: {ADMIN}",
            "--phases",
            "examples,fuzzing",
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    (ARTIFACTS / "schemathesis.txt").write_text(out.stdout + out.stderr)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
