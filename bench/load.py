"""Closed-loop HTTP load against a running Quarry: N concurrent clients for a fixed duration.

Usage: python -m bench.load URL [--clients 8] [--seconds 30] [--key KEY]
Targets loopback only; every loop is bounded by the duration and stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from eval.metrics import percentile
from eval.runner import load_gold


@dataclass
class LoadResult:
    requests: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    status: dict[int, int] = field(default_factory=dict)
    transport_errors: int = 0
    answers: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "seconds": round(self.seconds, 2),
            "requests_per_s": round(self.requests / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": round(percentile(self.latencies_ms, 50), 1),
            "p99_ms": round(percentile(self.latencies_ms, 99), 1),
            "status": {str(k): v for k, v in sorted(self.status.items())},
            "errors_5xx": sum(v for k, v in self.status.items() if k >= 500),
            "transport_errors": self.transport_errors,
        }


async def run_load(
    url: str,
    clients: int = 8,
    seconds: float = 10.0,
    headers: dict[str, str] | None = None,
    keep_answers: bool = False,
    seed: int = 0,
    unique: bool = False,
) -> LoadResult:
    """``unique``: every request asks a question never asked before (a gold question with a
    request number appended), so no per-question cache helps: cold questions."""
    assert url.startswith(("http://127.", "http://localhost", "http://[::1]")), "loopback only"
    questions = [q.question for q in load_gold()]
    rng = random.Random(seed)
    result = LoadResult()
    deadline = time.monotonic() + seconds

    sent = 0

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal sent
        while time.monotonic() < deadline:
            question = rng.choice(questions)
            if unique:
                sent += 1
                question = f"{question} (request {sent})"
            t0 = time.perf_counter()
            try:
                r = await client.post("/ask", json={"question": question})
            except httpx.TransportError:
                result.transport_errors += 1
                continue
            result.latencies_ms.append((time.perf_counter() - t0) * 1000)
            result.requests += 1
            result.status[r.status_code] = result.status.get(r.status_code, 0) + 1
            if keep_answers and r.status_code == 200:
                result.answers.append(r.json())

    started = time.monotonic()
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(
        base_url=url, headers=headers or {}, timeout=60, limits=limits
    ) as client:
        await asyncio.gather(*(worker(client) for _ in range(clients)))
    result.seconds = time.monotonic() - started
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--key")
    args = parser.parse_args()
    headers = {"X-API-Key": args.key} if args.key else {}
    result = asyncio.run(run_load(args.url, args.clients, args.seconds, headers))
    print(json.dumps(result.summary()))


if __name__ == "__main__":
    main()
