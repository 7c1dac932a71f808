"""`quarry serve --workers N` throughput on cold questions, 1 worker against N.

    python -m bench.workers [--workers 2] [--clients 8] [--seconds 20] [--json OUT]

Builds a seed index in a temp dir, then for 1 and N workers starts `quarry serve` on loopback
(rate limits lifted: this measures serving, not the limiter) and runs `bench.load` with every
request a question never asked before. Reports requests/s, p50 and p99 for each.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench import ROOT, emit
from bench.load import run_load


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def measure(data_dir: str, workers: int, clients: int, seconds: float) -> dict:
    port = _port()
    env = {
        **os.environ,
        "QUARRY_DATA_DIR": data_dir,
        "HF_HUB_OFFLINE": "1",
        "QUARRY_RATE_LIMIT_PER_MINUTE": "10000000",
        "QUARRY_RATE_LIMIT_BURST": "1000000",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        # every worker loads its model and index on start-up; give them all time to be ready
        asyncio.run(run_load(url, clients=clients, seconds=5, unique=True, seed=99))
        result = asyncio.run(run_load(url, clients=clients, seconds=seconds, unique=True))
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    return {"workers": workers, **result.summary()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "QUARRY_DATA_DIR": tmp, "HF_HUB_OFFLINE": "1"}
        subprocess.run(
            [sys.executable, "-m", "cli", "ingest", str(ROOT / "corpus")],
            env=env,
            check=True,
            capture_output=True,
        )
        rows = [measure(tmp, n, args.clients, args.seconds) for n in (1, args.workers)]
    rows.append(
        {"speedup": round(rows[1]["requests_per_s"] / max(rows[0]["requests_per_s"], 1e-9), 2)}
    )
    emit(rows, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
