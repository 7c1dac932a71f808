"""The ``quarry`` command line. Every error prints one ``error: ...`` line and exits 1."""

from __future__ import annotations

import json
import logging
import os
import sys
import warnings
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

try:  # recent typer vendors click; its usage errors are these classes
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover - older typer on the real click
    from click import exceptions as click_errors  # type: ignore[no-redef]

from quarry import __version__
from quarry.errors import QuarryError
from quarry.settings import Settings, settings_from


def _argument_type(self: Any, ctx: Any) -> str | None:
    return None if self.metavar else self.display_type(ctx)


# typer prints an argument's Python type after its name ("PATH... <list[Path]>"); options with a
# metavar show only the metavar, and arguments here get the same treatment.
typer.core.TyperArgument.display_type_rich = _argument_type  # type: ignore[method-assign]

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
        "--data-dir",
        "-d",
        metavar="DIR",
        help="Index directory [env QUARRY_DATA_DIR, default ./quarry-data].",
    ),
]
EmbedderOpt = Annotated[
    str | None,
    typer.Option(
        "--embedder", metavar="NAME", help="Embedder name or model folder [env QUARRY_EMBEDDER]."
    ),
]


def make_settings(**overrides: Any) -> Settings:
    """Settings from the environment, with the flags that were given taking precedence.

    Raises:
        ConfigError: a flag or ``QUARRY_*`` variable is invalid; the message names it.
    """
    return settings_from(**{k: v for k, v in overrides.items() if v is not None})


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"quarry {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Quarry: ask questions over your documents; every answer is cited passages you can check.

    \b
    Start with:
      quarry ingest corpus/
      quarry ask "How much has China invested in CPEC?"
      quarry serve            # HTTP API and chat widget on http://127.0.0.1:8000
    """


@app.command()
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="Files or folders to ingest.", metavar="PATH...")
    ],
    prune: Annotated[bool, typer.Option(help="Remove documents whose files are gone.")] = False,
    data_dir: DataDir = None,
    embedder: EmbedderOpt = None,
    chunk_size: Annotated[
        int | None,
        typer.Option(
            metavar="TOKENS",
            help="Max tokens per chunk, 16-8192 [env QUARRY_CHUNK_SIZE, default 160].",
        ),
    ] = None,
    chunk_overlap: Annotated[
        int | None,
        typer.Option(
            metavar="TOKENS", help="Overlap tokens [env QUARRY_CHUNK_OVERLAP, default 32]."
        ),
    ] = None,
    ray: Annotated[
        str | None,
        typer.Option(
            "--ray",
            metavar="ADDRESS",
            help="Load, chunk, embed and build the segments on a Ray cluster: local:N (start "
            "N workers on 127.0.0.1, stopped afterwards), auto, or HOST:PORT / ray://HOST:PORT "
            "(every node must see --data-dir at the same path).",
        ),
    ] = None,
) -> None:
    """Ingest files (.txt .md .html .pdf .docx) into the index.

    Unchanged files are skipped, changed ones replaced; bad files are reported and skipped.
    A progress bar shows on a terminal; a summary line always ends the run. With --ray the
    result is the same index a plain ingest builds, made on a Ray cluster.

    \b
    Examples:
      quarry ingest corpus/
      quarry ingest ~/notes report.pdf --prune
      quarry ingest docs/ --chunk-size 128 --chunk-overlap 24
      quarry ingest big-folder/ --ray local:4
    """
    settings = make_settings(
        data_dir=data_dir, embedder=embedder, chunk_size=chunk_size, chunk_overlap=chunk_overlap
    )
    _ingest(settings, paths, prune, ray)


def _ingest(settings: Settings, paths: list[Path], prune: bool, ray: str | None = None) -> None:
    from quarry.ingestor import Ingestor

    result = Ingestor(settings).ingest(paths, prune, ray)
    loaded, report = result.loaded, result.report
    for failure in loaded.failures:
        typer.echo(f"skipped {failure.path}: {failure.reason}", err=True)
    typer.echo(
        f"ingested {len(loaded.documents)} files: {len(report.added)} added, "
        f"{len(report.updated)} updated, {len(report.unchanged)} unchanged, "
        f"{len(report.removed)} removed, {len(loaded.failures)} skipped; "
        f"{report.n_documents} documents, {report.n_chunks} chunks "
        f"({report.embedded} embedded, {report.reused} reused) in {report.seconds:.1f}s "
        f"-> {settings.data_dir}"
        + (
            f"; {len(report.skipped_deleted)} deleted meanwhile, not re-added "
            f"({', '.join(report.skipped_deleted)})"
            if report.skipped_deleted
            else ""
        )
    )
    if loaded.failures and not loaded.documents:
        raise typer.Exit(1)


@app.command()
def ask(
    question: Annotated[
        str, typer.Argument(help="The question, 1 to 2,000 characters.", metavar="QUESTION")
    ],
    top_k: Annotated[
        int | None,
        typer.Option(
            "--top-k",
            "-k",
            metavar="N",
            help="Passages to retrieve, 1-50 [default 5].",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the API's JSON response.")] = False,
    data_dir: DataDir = None,
    embedder: EmbedderOpt = None,
) -> None:
    """Answer a question with numbered, checkable sources.

    \b
    Examples:
      quarry ask "How much is the USSM deal worth?"
      quarry ask "Who signed the MoU?" --json
      quarry ask "What did the minister say?" -k 10
    """
    from qa.question import check_question
    from quarry.engine import Engine

    question = check_question(question)
    settings = make_settings(data_dir=data_dir, embedder=embedder, top_k=top_k)
    result = Engine(settings).answer(question, settings.top_k)
    if as_json:
        typer.echo(json.dumps(asdict(result), indent=2, ensure_ascii=False))
        return
    typer.echo(result.answer)
    if result.abstain_reason:
        typer.echo(f"Why: {result.abstain_reason}")
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
    """List the ingested documents: id, number of chunks, title.

    \b
    Example:
      quarry docs
    """
    from index.store import open_current

    settings = make_settings(data_dir=data_dir)
    for d in open_current(settings.data_dir).documents():
        typer.echo(f"{d.doc_id}\t{d.n_chunks} chunks\t{d.title}")


@app.command()
def rm(
    doc_ids: Annotated[
        list[str], typer.Argument(help="Document ids (see `quarry docs`).", metavar="DOC_ID...")
    ],
    data_dir: DataDir = None,
    embedder: EmbedderOpt = None,
) -> None:
    """Delete documents from the index; they can never be retrieved or cited again.

    \b
    Example:
      quarry rm 000_c2cc40ca7ae94980
    """
    from quarry.ingestor import Ingestor

    settings = make_settings(data_dir=data_dir, embedder=embedder)
    # Deleting needs no model: it only writes deletion marks.
    report = Ingestor(settings).delete(doc_ids)
    typer.echo(f"removed {', '.join(report.removed)}; {report.n_documents} documents left")


@app.command()
def compact(data_dir: DataDir = None) -> None:
    """Merge the index's segments into one and purge deleted rows.

    Writes add segments and deletion marks; a write also merges small segments past
    QUARRY_MAX_SEGMENTS, and everything once 30% of rows are deleted. This does it now. No model
    is loaded and nothing is embedded again; the live version serves until the new one is
    published.

    \b
    Example:
      quarry compact
    """
    from quarry.ingestor import Ingestor

    settings = make_settings(data_dir=data_dir)
    report = Ingestor(settings).compact()
    typer.echo(
        f"compacted {report.merged} segment(s) into {report.segments}: {report.n_documents} "
        f"documents, {report.n_chunks} chunks in {report.seconds:.1f}s -> {report.version}"
    )


@app.command()
def doctor(
    repair: Annotated[
        bool, typer.Option("--repair", help="Point CURRENT at the newest valid version.")
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Check the index: is CURRENT readable and does it name a complete version?

    A damaged CURRENT is never taken for an empty index: the newest valid version is served and
    old versions are kept. --repair points CURRENT at that version (atomically).

    \b
    Examples:
      quarry doctor
      quarry doctor --repair
    """
    from index.store import live_version, write_current

    settings = make_settings(data_dir=data_dir)
    folder = Path(settings.data_dir)
    live = live_version(folder)
    versions = sorted(p.name for p in (folder / "versions").glob("*")) if folder.exists() else []
    typer.echo(f"data dir: {folder} ({len(versions)} version(s) on disk)")
    if live.path is None and live.problem is None:
        typer.echo("no index yet: run `quarry ingest`")
        return
    if live.problem is None:
        typer.echo(f"ok: CURRENT -> {live.path.name if live.path else '?'}")
        return
    typer.echo(f"damaged: {live.problem}")
    if live.path is None:
        raise fail("no complete version is left to serve: re-ingest into this data directory")
    if not repair:
        raise fail(f"run `quarry doctor --repair` to point CURRENT at {live.path.name}")
    write_current(folder, live.path.name)
    typer.echo(f"repaired: CURRENT -> {live.path.name}")


@app.command()
def serve(
    host: Annotated[
        str | None,
        typer.Option(metavar="HOST", help="Bind address [env QUARRY_HOST, default 127.0.0.1]."),
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(metavar="PORT", help="Port, 1-65535 [env QUARRY_PORT, default 8000]."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            metavar="N",
            help="Serving processes over the same data directory, 1-64 [env QUARRY_WORKERS, "
            "default 1]; each enforces 1/N of the rate limits.",
        ),
    ] = None,
    ingest_if_empty: Annotated[
        bool,
        typer.Option(
            "--ingest-if-empty",
            help="When the data directory has no index yet, ingest QUARRY_CORPUS_DIR first.",
        ),
    ] = False,
    data_dir: DataDir = None,
    embedder: EmbedderOpt = None,
) -> None:
    """Serve the HTTP API, its docs at /docs, and the chat widget demo page at /.

    \b
    Examples:
      quarry serve --port 8000    # then open http://127.0.0.1:8000/docs
      QUARRY_CORPUS_DIR=corpus quarry serve --ingest-if-empty
      quarry serve --workers 2    # two processes, one port, one on-disk index
    """
    import uvicorn

    from api.app import create_app
    from api.security import KeyRing, check_bind
    from index.store import CURRENT
    from quarry.errors import ConfigError

    settings = make_settings(
        host=host, port=port, data_dir=data_dir, embedder=embedder, workers=workers
    )
    ring = KeyRing.from_settings(settings)
    notice = check_bind(settings, ring)
    _check_port_free(settings.host, settings.port)
    if ingest_if_empty and not (Path(settings.data_dir) / CURRENT).exists():
        if settings.corpus_dir is None:
            raise ConfigError("--ingest-if-empty needs QUARRY_CORPUS_DIR: the folder to ingest")
        _ingest(settings, [Path(settings.corpus_dir)], prune=False)
    typer.echo(notice, err=True)
    typer.echo(
        f"Quarry serving {settings.data_dir} on http://{settings.host}:{settings.port} "
        f"(demo page with the chat widget at /, API docs at /docs)",
        err=True,
    )
    trusted = ",".join(settings.trusted_proxies)
    if settings.workers > 1:
        # Each process builds its app from the environment: pass the flags on through it.
        # Each process gets its share of the cores: one process's models would otherwise use
        # every core and the processes would only take turns.
        share = settings.threads or max(1, (os.cpu_count() or 1) // settings.workers)
        os.environ.update(
            {
                "QUARRY_DATA_DIR": str(settings.data_dir),
                "QUARRY_EMBEDDER": settings.embedder,
                "QUARRY_WORKERS": str(settings.workers),
                "QUARRY_THREADS": str(share),
            }
        )
        app_target: Any = "api.app:app_from_env"
    else:
        app_target = create_app(settings, ring=ring)
    uvicorn.run(
        app_target,
        factory=settings.workers > 1,
        workers=settings.workers if settings.workers > 1 else None,
        host=settings.host,
        port=settings.port,
        log_level="info",
        # X-Forwarded-For is believed only from configured proxies, never by default.
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted or None,
    )


def _check_port_free(host: str, port: int) -> None:
    """Fail with one line now rather than with uvicorn's log after the model has loaded."""
    import socket

    from quarry.errors import ConfigError

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            raise ConfigError(
                f"cannot listen on {host}:{port} ({exc.strerror}): choose another --port or "
                "QUARRY_PORT, or another --host / QUARRY_HOST"
            ) from None


@app.command("eval")
def eval_cmd(
    url: Annotated[
        str | None,
        typer.Option(metavar="URL", help="Evaluate a running server instead of in-process."),
    ] = None,
    gold: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="Gold set JSONL [default: the bundled seed gold set]."),
    ] = None,
    corpus: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR",
            help="Ingest this folder first (with prune) and evaluate over it; the index goes to "
            "--data-dir, or OUT/index when that is not given.",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR", help="Folder for report.json/.md/.html [default: DATA_DIR/eval-reports]."
        ),
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE", help="Baseline JSON [default: the bundled eval/baseline.json]."
        ),
    ] = None,
    update_baseline: Annotated[
        bool, typer.Option("--update-baseline", help="Rewrite the baseline from this run.")
    ] = False,
    top_k: Annotated[
        int | None, typer.Option(metavar="N", help="Passages per question, 1-50 [default 5].")
    ] = None,
    api_key: Annotated[
        str | None,
        typer.Option("--api-key", metavar="KEY", help="Key sent as X-API-Key with --url."),
    ] = None,
    data_dir: DataDir = None,
    embedder: EmbedderOpt = None,
) -> None:
    """Run a gold set, write reports, and exit 1 if a metric regressed past tolerance.

    Ends with "gate passed" or "gate failed: ..." naming each metric that fell.
    Over --url, a 429 reply is waited out as its Retry-After says.

    \b
    Examples:
      quarry eval                                   # in-process, against ./quarry-data
      quarry eval --url http://127.0.0.1:8000       # gate a running service
      quarry eval --out reports/ --update-baseline  # accept the current figures deliberately
      quarry eval --gold my/gold.jsonl --corpus my/docs --baseline my/baseline.json
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

    if corpus is not None and data_dir is None:
        data_dir = (out or Path("eval-reports")) / "index"
    settings = make_settings(data_dir=data_dir, embedder=embedder, top_k=top_k)
    # The bundled baseline belongs to the bundled gold set; another gold set brings its own.
    baseline_path = baseline or (BASELINE if gold is None else None)
    if update_baseline and baseline_path is None:
        raise fail("--update-baseline with --gold needs --baseline FILE: where to write it")
    out = out or Path(settings.data_dir) / "eval-reports"
    if corpus is not None:
        _ingest(settings, [corpus], prune=True)
    headers = {"X-API-Key": api_key} if api_key else {}
    client = HttpClient(url, headers) if url else InProcessClient(Engine(settings))
    report = run_eval(client, load_gold(gold or GOLD), top_k=settings.top_k)
    report["run"] = _run_info(settings, url, gold or GOLD)
    if update_baseline and baseline_path is not None:
        baseline_path.write_text(json.dumps(baseline_from(report), indent=2) + "\n")
        typer.echo(f"baseline written to {baseline_path}")
    base = (
        json.loads(baseline_path.read_text())
        if baseline_path is not None and baseline_path.exists()
        else None
    )
    regressions = compare(report["metrics"], base) if base else []
    paths = write_reports(report, out, regressions, base)
    for key, value in report["metrics"].items():
        typer.echo(f"{key:>22}  {value}")
    typer.echo(
        f"{'latency p50/p95 ms':>22}  {report['latency_ms']['p50']} / {report['latency_ms']['p95']}"
    )
    typer.echo(f"reports: {', '.join(str(p) for p in paths)}")
    if isinstance(client, HttpClient) and client.rate_limited_s:
        typer.echo(f"waited {client.rate_limited_s:.0f} s in all for the server's rate limit (429)")
    if regressions:
        typer.echo(f"gate failed: {'; '.join(regressions)}", err=True)
        raise typer.Exit(1)
    typer.echo("gate passed" if base else "gate passed (no baseline to compare with)")


def _run_info(settings: Settings, url: str | None, gold: Path) -> dict[str, Any]:
    """When, on which commit and with which settings a report was made."""
    import datetime
    import subprocess

    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            cwd=Path(__file__).resolve().parent,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit or "unknown",
        "target": url or f"in-process {settings.data_dir}",
        "gold": str(gold),
        "settings": {
            "top_k": settings.top_k,
            "embedder": settings.embedder,
            "retrieval": settings.retrieval,
            "hybrid_alpha": settings.hybrid_alpha,
            "abstain_threshold": settings.abstain_threshold,
            "stance_conflicts": settings.stance_conflicts,
        },
    }


gold_app = typer.Typer(
    help="Turn public QA datasets into a gold set and a corpus folder for `quarry eval`.",
    no_args_is_help=True,
)
app.add_typer(gold_app, name="gold")


@gold_app.command("squad2")
def gold_squad2(
    source: Annotated[Path, typer.Argument(help="SQuAD 2.0 JSON file.", metavar="FILE")],
    out: Annotated[Path, typer.Argument(help="Folder to write corpus/ and gold.jsonl.")],
    title: Annotated[
        list[str] | None,
        typer.Option(metavar="TITLE", help="Only these articles (repeatable) [default: all]."),
    ] = None,
) -> None:
    """SQuAD 2.0: each article one document; impossible questions must abstain.

    \b
    Example:
      quarry gold squad2 dev-v2.0.json squad/ --title Computational_complexity_theory
      quarry eval --gold squad/gold.jsonl --corpus squad/corpus --out squad/reports
    """
    from eval.importers import squad2

    _write_gold(squad2(source, title), out)


@gold_app.command("rgb")
def gold_rgb(
    source: Annotated[Path, typer.Argument(help="RGB en_fact JSONL file.", metavar="FILE")],
    out: Annotated[Path, typer.Argument(help="Folder to write corpus/ and gold.jsonl.")],
    setting: Annotated[
        str,
        typer.Option(
            metavar="SETTING",
            help="true (true + noise snippets), conflict (true + swapped + noise) or noise "
            "(noise only: must abstain).",
        ),
    ] = "true",
) -> None:
    """RGB counterfactual set: every snippet one document, all questions one corpus.

    \b
    Example:
      quarry gold rgb en_fact.jsonl rgb-conflict/ --setting conflict
      quarry eval --gold rgb-conflict/gold.jsonl --corpus rgb-conflict/corpus
    """
    from eval.importers import RGB_SETTINGS, rgb

    if setting not in RGB_SETTINGS:
        raise fail(f"--setting {setting!r} is not one of {', '.join(RGB_SETTINGS)}")
    _write_gold(rgb(source, setting), out)


def _write_gold(gold_set: Any, out: Path) -> None:
    corpus, gold = gold_set.write(out)
    typer.echo(
        f"wrote {len(gold_set.documents)} documents to {corpus} and "
        f"{len(gold_set.questions)} questions to {gold}"
    )


@bench_app.command("retrieval")
def bench_retrieval(
    dataset: Annotated[
        Path,
        typer.Argument(
            help="BEIR folder: corpus.jsonl, queries.jsonl, qrels/test.tsv.", metavar="DATASET"
        ),
    ],
    mode: Annotated[
        list[str] | None,
        typer.Option(metavar="MODE", help="dense, lexical, hybrid or hybrid@ALPHA (repeatable)."),
    ] = None,
    embedder: EmbedderOpt = None,
    alpha: Annotated[
        float | None, typer.Option(metavar="0-1", help="Hybrid weight of dense scores.")
    ] = None,
) -> None:
    """Score retrieval on a BEIR-format dataset (leaderboard nDCG@10, BEIR nDCG@10, recall@10).

    \b
    Example:
      quarry bench retrieval ../shared/bench-data/dbpedia --mode dense --mode hybrid
    """
    from eval.beir import score_dataset

    settings = make_settings(embedder=embedder, hybrid_alpha=alpha)
    modes = tuple(mode or ["dense", "lexical", "hybrid"])
    bad = [m for m in modes if m.partition("@")[0] not in ("dense", "lexical", "hybrid")]
    if bad:
        raise fail(f"unknown --mode {bad[0]!r}: use dense, lexical, hybrid or hybrid@ALPHA")
    typer.echo(json.dumps(score_dataset(dataset, settings, modes), indent=2))


keys_app = typer.Typer(help="Create and hash API keys for QUARRY_KEYS_FILE.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@keys_app.command("new")
def keys_new() -> None:
    """Print a new random key and the hash to store in the keys file.

    \b
    Example:
      quarry keys new    # give the key to the client, put the hash in keys.json
    """
    import secrets

    from api.security import hash_key

    key = "qk_" + secrets.token_urlsafe(32)
    typer.echo(f"key:  {key}\nhash: {hash_key(key)}")


@keys_app.command("hash")
def keys_hash(key: Annotated[str, typer.Argument(help="The raw key.", metavar="KEY")]) -> None:
    """Print the sha256 hash of an existing key, as the keys file stores it.

    \b
    Example:
      quarry keys hash qk_abc123
    """
    from api.security import hash_key

    if not key.strip():
        raise fail("the key is empty: pass the raw key, e.g. quarry keys hash qk_abc123")
    typer.echo(hash_key(key))


def main() -> None:
    """Run the CLI; the one place errors become an ``error: ...`` line and exit status 1."""
    # Libraries (pypdf, transformers) warn on stderr about what Quarry already reports or
    # handles; a user sees Quarry's own lines only.
    logging.captureWarnings(True)
    for name in ("py.warnings", "pypdf", "transformers", "sentence_transformers", "httpx"):
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.simplefilter("ignore")
    try:
        code = app(standalone_mode=False)
    except KeyboardInterrupt:
        sys.exit(130)
    except click_errors.NoArgsIsHelpError as exc:
        typer.echo(exc.format_message())
        sys.exit(0)
    except click_errors.ClickException as exc:  # usage errors: a bad flag, a missing argument
        _fail_line(exc.format_message())
    except typer.Abort:
        sys.exit(130)
    except QuarryError as exc:
        _fail_line(str(exc))
    except OSError as exc:  # disk full, read-only data dir, permissions
        where = f": {exc.filename}" if exc.filename else ""
        _fail_line(f"{exc.strerror or exc}{where}")
    sys.exit(code if isinstance(code, int) else 0)


def _fail_line(message: str) -> None:
    typer.echo(f"error: {' '.join(message.split())}", err=True)
    sys.exit(1)


if __name__ == "__main__":
    main()
