"""The ``quarry`` command line. Errors print one line and exit non-zero."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from quarry.errors import QuarryError
from quarry.settings import Settings

app = typer.Typer(
    help="Quarry: ask questions over your documents; every answer is cited passages you can check.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
bench_app = typer.Typer(help="Benchmarks.", no_args_is_help=True)
app.add_typer(bench_app, name="bench")

DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir", "-d", help="Index directory [env QUARRY_DATA_DIR, default ./quarry-data]."
    ),
]
EmbedderOpt = Annotated[
    str | None,
    typer.Option("--embedder", help="Embedder name or model folder [env QUARRY_EMBEDDER]."),
]


def make_settings(**overrides: Any) -> Settings:
    """Settings from the environment, with the flags that were given taking precedence."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to ingest.")],
    prune: Annotated[bool, typer.Option(help="Remove documents whose files are gone.")] = False,
    data_dir: DataDir = None,
    embedder: EmbedderOpt = None,
    chunk_size: Annotated[
        int | None, typer.Option(help="Max tokens per chunk [env QUARRY_CHUNK_SIZE].")
    ] = None,
    chunk_overlap: Annotated[
        int | None, typer.Option(help="Overlap tokens [env QUARRY_CHUNK_OVERLAP].")
    ] = None,
) -> None:
    """Ingest files (.txt .md .html .pdf .docx) into the index.

    Unchanged files are skipped, changed ones replaced; bad files are reported and skipped.

    Examples:
      quarry ingest corpus/
      quarry ingest ~/notes report.pdf --prune
    """
    from index.embedders import load_embedder
    from index.writer import IndexWriter
    from ingest.chunker import SentenceChunker

    settings = make_settings(
        data_dir=data_dir, embedder=embedder, chunk_size=chunk_size, chunk_overlap=chunk_overlap
    )
    try:
        chunker = SentenceChunker(settings.chunk_size, settings.chunk_overlap)
        writer = IndexWriter(
            settings.data_dir, load_embedder(settings.embedder), chunker, settings.keep_versions
        )
        loaded = writer.load(paths)
        for failure in loaded.failures:
            typer.echo(f"skipped {failure.path}: {failure.reason}", err=True)
        report = writer.apply(loaded.documents, prune_missing=prune)
    except QuarryError as exc:
        raise fail(str(exc)) from None
    typer.echo(
        f"ingested {len(loaded.documents)} files: {len(report.added)} added, "
        f"{len(report.updated)} updated, {len(report.unchanged)} unchanged, "
        f"{len(report.removed)} removed, {len(loaded.failures)} skipped; "
        f"{report.n_documents} documents, {report.n_chunks} chunks "
        f"({report.embedded} embedded, {report.reused} reused) in {report.seconds:.1f}s "
        f"-> {settings.data_dir}"
    )
    if loaded.failures and not loaded.documents:
        raise typer.Exit(1)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question.")],
    top_k: Annotated[
        int, typer.Option("--top-k", "-k", min=1, max=50, help="Passages to retrieve.")
    ] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print the API's JSON response.")] = False,
    data_dir: DataDir = None,
    embedder: EmbedderOpt = None,
) -> None:
    """Answer a question with numbered, checkable sources.

    Examples:
      quarry ask "How much is the USSM deal worth?"
      quarry ask "Who signed the MoU?" --json
    """
    from quarry.engine import Engine

    question = question.strip()
    if not question:
        raise fail("the question is empty", 2)
    settings = make_settings(data_dir=data_dir, embedder=embedder)
    try:
        result = Engine(settings).answer(question, top_k)
    except QuarryError as exc:
        raise fail(str(exc)) from None
    if as_json:
        typer.echo(json.dumps(asdict(result), indent=2, ensure_ascii=False))
        return
    typer.echo(result.answer)
    if result.citations:
        typer.echo("\nSources:")
        for c in result.citations:
            page = f", page {c.page}" if c.page else ""
            typer.echo(f"  [{c.n}] {c.title} ({c.doc_id}, chars {c.char_start}-{c.char_end}{page})")
    for conflict in result.conflicts:
        what = "figures" if conflict.kind == "figures" else "readings"
        typer.echo(f'\nSources disagree ({what}) on "{conflict.topic}?":')
        for claim in conflict.claims:
            typer.echo(f"  - {claim.title}: {claim.text}")


@app.command()
def docs(data_dir: DataDir = None) -> None:
    """List the ingested documents.

    Example:
      quarry docs
    """
    from index.store import open_current

    settings = make_settings(data_dir=data_dir)
    try:
        version = open_current(settings.data_dir)
    except QuarryError as exc:
        raise fail(str(exc)) from None
    for d in version.documents():
        typer.echo(f"{d.doc_id}\t{d.n_chunks} chunks\t{d.title}")


@app.command()
def rm(
    doc_ids: Annotated[list[str], typer.Argument(help="Document ids (see `quarry docs`).")],
    data_dir: DataDir = None,
    embedder: EmbedderOpt = None,
) -> None:
    """Delete documents from the index; they can never be retrieved or cited again.

    Example:
      quarry rm 000_c2cc40ca7ae94980
    """
    from index.embedders import load_embedder
    from index.store import open_current
    from index.writer import IndexWriter
    from ingest.chunker import SentenceChunker

    settings = make_settings(data_dir=data_dir, embedder=embedder)
    try:
        manifest = open_current(settings.data_dir).manifest
        writer = IndexWriter(
            settings.data_dir,
            load_embedder(settings.embedder),
            SentenceChunker(manifest.chunk_size, manifest.chunk_overlap),
            settings.keep_versions,
        )
        report = writer.apply(deletes=doc_ids)
    except QuarryError as exc:
        raise fail(str(exc)) from None
    typer.echo(f"removed {', '.join(report.removed)}; {report.n_documents} documents left")


@app.command()
def serve(
    host: Annotated[
        str | None, typer.Option(help="Bind address [env QUARRY_HOST, default 127.0.0.1].")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port [env QUARRY_PORT, default 8000].")] = None,
    data_dir: DataDir = None,
    embedder: EmbedderOpt = None,
) -> None:
    """Serve the HTTP API (and the chat widget demo page).

    Example:
      quarry serve --port 8000    # then open http://127.0.0.1:8000/docs
    """
    import uvicorn

    from api.app import create_app
    from api.security import KeyRing, check_bind

    settings = make_settings(host=host, port=port, data_dir=data_dir, embedder=embedder)
    try:
        ring = KeyRing.from_settings(settings)
        typer.echo(check_bind(settings, ring), err=True)
    except QuarryError as exc:
        raise fail(str(exc)) from None
    typer.echo(
        f"Quarry serving {settings.data_dir} on http://{settings.host}:{settings.port} "
        f"(API docs at /docs)",
        err=True,
    )
    uvicorn.run(
        create_app(settings, ring=ring), host=settings.host, port=settings.port, log_level="info"
    )


@app.command("eval")
def eval_cmd(
    url: Annotated[
        str | None, typer.Option(help="Evaluate a running server instead of in-process.")
    ] = None,
    gold: Annotated[
        Path | None, typer.Option(help="Gold set JSONL [default: eval/data/gold.jsonl].")
    ] = None,
    out: Annotated[Path, typer.Option(help="Where report.json/.md/.html go.")] = Path(
        "eval/reports"
    ),
    baseline: Annotated[
        Path | None, typer.Option(help="Baseline JSON [default: eval/baseline.json].")
    ] = None,
    update_baseline: Annotated[
        bool, typer.Option("--update-baseline", help="Rewrite the baseline from this run.")
    ] = False,
    top_k: Annotated[int, typer.Option(min=1, max=50, help="Passages per question.")] = 5,
    api_key: Annotated[
        str | None, typer.Option("--api-key", help="Key sent as X-API-Key with --url.")
    ] = None,
    data_dir: DataDir = None,
    embedder: EmbedderOpt = None,
) -> None:
    """Run the gold set, write reports, and fail (exit 1) if a metric regressed past tolerance.

    Examples:
      quarry eval                                   # in-process, against ./quarry-data
      quarry eval --url http://127.0.0.1:8000       # gate a running service
      quarry eval --update-baseline                 # accept the current figures deliberately
    """
    from eval.report import write_reports
    from eval.runner import (
        BASELINE,
        GOLD,
        HttpClient,
        InProcessClient,
        baseline_from,
        compare,
        load_gold,
        run_eval,
    )
    from quarry.engine import Engine

    settings = make_settings(data_dir=data_dir, embedder=embedder)
    baseline_path = baseline or BASELINE
    try:
        headers = {"X-API-Key": api_key} if api_key else {}
        client = HttpClient(url, headers) if url else InProcessClient(Engine(settings))
        report = run_eval(client, load_gold(gold or GOLD), top_k=top_k)
    except QuarryError as exc:
        raise fail(str(exc)) from None
    if update_baseline:
        baseline_path.write_text(json.dumps(baseline_from(report), indent=2) + "\n")
        typer.echo(f"baseline written to {baseline_path}")
    regressions = (
        compare(report["metrics"], json.loads(baseline_path.read_text()))
        if baseline_path.exists()
        else []
    )
    paths = write_reports(report, out, regressions)
    for key, value in report["metrics"].items():
        typer.echo(f"{key:>22}  {value}")
    typer.echo(
        f"{'latency p50/p95 ms':>22}  {report['latency_ms']['p50']} / {report['latency_ms']['p95']}"
    )
    typer.echo(f"reports: {', '.join(str(p) for p in paths)}")
    if regressions:
        for r in regressions:
            typer.echo(f"REGRESSION: {r}", err=True)
        raise typer.Exit(1)


@bench_app.command("retrieval")
def bench_retrieval(
    dataset: Annotated[
        Path, typer.Argument(help="BEIR folder: corpus.jsonl, queries.jsonl, qrels/test.tsv.")
    ],
    mode: Annotated[
        list[str] | None, typer.Option(help="dense, lexical, hybrid or hybrid@ALPHA (repeatable).")
    ] = None,
    embedder: EmbedderOpt = None,
    alpha: Annotated[float | None, typer.Option(help="Hybrid weight of dense scores.")] = None,
) -> None:
    """Score retrieval on a BEIR-format dataset (leaderboard nDCG@10, BEIR nDCG@10, recall@10).

    Example:
      quarry bench retrieval ../shared/bench-data/dbpedia --mode dense --mode hybrid
    """
    from eval.beir import score_dataset

    settings = make_settings(embedder=embedder, hybrid_alpha=alpha)
    modes = tuple(mode or ["dense", "lexical", "hybrid"])
    bad = [m for m in modes if m.partition("@")[0] not in ("dense", "lexical", "hybrid")]
    if bad:
        raise fail(f"unknown mode {bad[0]!r}: use dense, lexical, hybrid or hybrid@ALPHA", 2)
    try:
        typer.echo(json.dumps(score_dataset(dataset, settings, modes), indent=2))
    except (QuarryError, FileNotFoundError) as exc:
        raise fail(str(exc)) from None


keys_app = typer.Typer(help="Create and hash API keys for QUARRY_KEYS_FILE.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@keys_app.command("new")
def keys_new() -> None:
    """Print a new random key and the hash to store in the keys file.

    Example:
      quarry keys new    # give the key to the client, put the hash in keys.json
    """
    import secrets

    from api.security import hash_key

    key = "qk_" + secrets.token_urlsafe(32)
    typer.echo(f"key:  {key}\nhash: {hash_key(key)}")


@keys_app.command("hash")
def keys_hash(key: Annotated[str, typer.Argument(help="The raw key.")]) -> None:
    """Print the sha256 hash of an existing key, as the keys file stores it.

    Example:
      quarry keys hash qk_abc123
    """
    from api.security import hash_key

    typer.echo(hash_key(key))


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
