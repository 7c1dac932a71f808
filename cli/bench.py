"""`quarry bench`: benchmarks run from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from cli.common import EmbedderOpt, app, fail, make_settings
from quarry.settings import Settings

bench_app = typer.Typer(help="Benchmarks.", no_args_is_help=True)
app.add_typer(bench_app, name="bench")


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
    settings = make_settings(embedder=embedder, hybrid_alpha=alpha)
    modes = tuple(mode or ["dense", "lexical", "hybrid"])
    bad = [m for m in modes if m.partition("@")[0] not in ("dense", "lexical", "hybrid")]
    if bad:
        raise fail(f"unknown --mode {bad[0]!r}: use dense, lexical, hybrid or hybrid@ALPHA")
    typer.echo(json.dumps(_score_dataset(dataset, settings, modes), indent=2))


def _score_dataset(root: Path, settings: Settings, modes: tuple[str, ...]) -> dict[str, Any]:
    """Ingest a BEIR dataset into a temporary index and score each retrieval mode on it."""
    import tempfile

    from eval.beir import read_dataset, score_version
    from index.embedders import load_embedder
    from index.retriever import Retriever
    from index.store import open_current
    from quarry.ingestor import Ingestor, dense_from

    docs, queries, qrels = read_dataset(root)
    embedder = load_embedder(settings.embedder)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp)
        Ingestor(settings.model_copy(update={"data_dir": target}), embedder).write(docs)
        version = open_current(target, dense_from(settings))
        try:
            scores = score_version(
                lambda mode, alpha: Retriever(version, embedder, mode, alpha),
                queries,
                qrels,
                modes,
                settings.hybrid_alpha,
            )
        finally:
            version.close()
    return {"dataset": root.name, "documents": len(docs), "queries": len(qrels), **scores}
