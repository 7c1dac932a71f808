"""/ask latency over HTTP on loopback versus in-process ``answer()`` on the same questions.

Usage: python -m bench.ask_latency   (builds a seed index in a temp dir, starts `quarry serve`)
The floor (issue 2): HTTP p50 <= 1.3x in-process p50.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench import ROOT
from eval.metrics import percentile
from eval.runner import load_gold
from quarry.engine import Engine
from quarry.settings import Settings

PORT = 8765


def main(rounds: int = 3) -> None:
    questions = [q.question for q in load_gold()]
    with tempfile.TemporaryDirectory() as tmp:
        # One client sends ~400 requests a minute: lift the per-IP rate limit, which would
        # otherwise answer 429 (this measures latency, not the limiter).
        env = {
            **os.environ,
            "QUARRY_DATA_DIR": tmp,
            "HF_HUB_OFFLINE": "1",
            "QUARRY_RATE_LIMIT_PER_MINUTE": "100000",
            "QUARRY_RATE_LIMIT_BURST": "100000",
        }
        subprocess.run(
            [sys.executable, "-m", "cli", "ingest", str(ROOT / "corpus")],
            env=env,
            check=True,
            capture_output=True,
        )
        engine = Engine(Settings(data_dir=Path(tmp)))
        for q in questions:  # warm-up: fills the sentence-embedding cache like a warm server
            engine.answer(q)
        inproc = []
        for _ in range(rounds):
            for q in questions:
                t0 = time.perf_counter()
                engine.answer(q)
                inproc.append((time.perf_counter() - t0) * 1000)
        server = subprocess.Popen(
            [sys.executable, "-m", "cli", "serve", "--port", str(PORT)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            client = httpx.Client(base_url=f"http://127.0.0.1:{PORT}", timeout=30)
            for _ in range(300):
                try:
                    if client.get("/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.2)
            for q in questions:
                client.post("/ask", json={"question": q})
            http = []
            for _ in range(rounds):
                for q in questions:
                    t0 = time.perf_counter()
                    r = client.post("/ask", json={"question": q})
                    http.append((time.perf_counter() - t0) * 1000)
                    if r.status_code != 200:
                        raise SystemExit(f"/ask answered {r.status_code}: {r.text[:200]}")
        finally:
            server.terminate()
            server.wait(timeout=30)
    result = {
        "requests": len(http),
        "inprocess_p50_ms": round(percentile(inproc, 50), 2),
        "inprocess_p95_ms": round(percentile(inproc, 95), 2),
        "http_p50_ms": round(percentile(http, 50), 2),
        "http_p95_ms": round(percentile(http, 95), 2),
    }
    result["p50_ratio"] = round(result["http_p50_ms"] / result["inprocess_p50_ms"], 3)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
