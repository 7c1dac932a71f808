"""Embedding throughput with N worker processes on one machine: per-worker scaling, CPU or GPU.

    python -m bench.embed_scaling [--device cpu|cuda] [--workers 1,2,4] [--texts FILE]
                                  [--repeat R] [--batch B] [--model NAME_OR_PATH] [--json OUT]
    python -m bench.embed_scaling --dump-texts FILE     # the dbpedia chunk texts, as JSON

This is what `ingest --ray` does per node, without Ray's scheduling: N processes each load the
embedder (on the CPU with cores / N threads each, or all on the one GPU) and embed an equal share
of the texts in batches of B, sorted by length as the index writer sends them. The clock runs
from a barrier that every warmed-up worker has reached to the last worker's finish. The texts are
the dbpedia subset's chunks (``--texts`` reads a JSON list instead, for a machine without the
data or tiktoken's offline file); ``--repeat`` embeds them R times for a timing long enough to
trust on a fast GPU. With ``--device cuda`` the first 256 texts are also embedded on the CPU
and the smallest cosine between the two is reported.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import queue
import time
from pathlib import Path
from typing import Any

from bench import DBPEDIA, emit
from index.embedders import load_embedder


def dbpedia_texts() -> list[str]:
    # imported here: a GPU machine runs this module with --texts, without the data or tiktoken
    from bench.ingest_throughput import chunk_texts
    from eval.beir import read_dataset
    from quarry.settings import Settings

    return chunk_texts(read_dataset(DBPEDIA)[0], Settings())


def _worker(
    model: str,
    device: str,
    threads: int,
    batch: int,
    texts: list[str],
    barrier: Any,
    out: Any,
) -> None:
    embedder = load_embedder(model, threads, device)
    if hasattr(embedder, "batch_size"):
        embedder.batch_size = batch
    embedder.embed(texts[:batch])  # warm-up: kernels, allocator, threads
    todo = sorted(texts, key=len)
    barrier.wait()
    start = time.monotonic()  # CLOCK_MONOTONIC: one clock for every process on Linux
    for i in range(0, len(todo), batch):
        embedder.embed(todo[i : i + batch])
    out.put((start, time.monotonic(), len(todo)))


def measure(
    model: str, device: str, workers: int, texts: list[str], batch: int, cores: int
) -> dict[str, Any]:
    ctx = mp.get_context("spawn")  # a CUDA context does not survive fork
    barrier = ctx.Barrier(workers)
    out = ctx.Queue()
    threads = max(1, cores // workers)
    shares = [texts[i::workers] for i in range(workers)]
    procs = [
        ctx.Process(target=_worker, args=(model, device, threads, batch, share, barrier, out))
        for share in shares
    ]
    for p in procs:
        p.start()
    results: list[tuple[float, float, int]] = []
    while len(results) < workers:
        try:
            results.append(out.get(timeout=5))
        except queue.Empty:
            dead = [p.exitcode for p in procs if p.exitcode not in (None, 0)]
            if dead:  # a worker that crashed never reports: stop instead of waiting forever
                for p in procs:
                    p.kill()
                raise SystemExit(f"error: an embedding worker exited with code {dead[0]}") from None
    for p in procs:
        p.join()
    start = min(r[0] for r in results)
    seconds = max(r[1] for r in results) - start
    return {
        "device": device,
        "workers": workers,
        "threads_per_worker": threads,
        "batch": batch,
        "texts": sum(r[2] for r in results),
        "seconds": round(seconds, 2),
        "texts_per_s": round(sum(r[2] for r in results) / seconds, 1),
    }


def gpu_agreement(model: str, texts: list[str]) -> float:
    sample = texts[:256]
    cpu = load_embedder(model, 0, "cpu").embed(sample)
    gpu = load_embedder(model, 0, "cuda").embed(sample)
    return float((cpu * gpu).sum(axis=1).min())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    parser.add_argument("--texts", type=Path, help="a JSON list of texts (default: dbpedia)")
    parser.add_argument("--repeat", type=int, default=1, help="embed the texts this many times")
    parser.add_argument("--batch", type=int, default=64, help="texts per embed call")
    parser.add_argument("--model", default="all-MiniLM-L6-v2", help="embedder name or folder")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    parser.add_argument("--dump-texts", type=Path, help="write the dbpedia chunk texts and stop")
    args = parser.parse_args()
    if args.dump_texts:
        args.dump_texts.write_text(json.dumps(dbpedia_texts()))
        return
    texts = json.loads(args.texts.read_text()) if args.texts else dbpedia_texts()
    texts = texts * args.repeat
    cores = os.cpu_count() or 1
    rows = []
    for n in (int(w) for w in args.workers.split(",")):
        rows.append(measure(args.model, args.device, n, texts, args.batch, cores))
        rows[-1]["scaling"] = round(rows[-1]["texts_per_s"] / rows[0]["texts_per_s"], 2)
        print(json.dumps(rows[-1]), flush=True)
    result: dict[str, Any] = {"cores": cores, "model": args.model, "runs": rows}
    if args.device == "cuda":
        import torch

        result["gpu"] = torch.cuda.get_device_name(0)
        result["min_cosine_gpu_vs_cpu"] = round(gpu_agreement(args.model, texts), 6)
    emit(result, args.json)


if __name__ == "__main__":
    main()
