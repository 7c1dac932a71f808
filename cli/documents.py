"""Writing and inspecting the index: ingest, docs, rm, compact, doctor, gc."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.common import DataDir, EmbedderOpt, app, fail, make_settings
from quarry.settings import Settings


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
    run_ingest(settings, paths, prune, ray)


def run_ingest(settings: Settings, paths: list[Path], prune: bool, ray: str | None = None) -> None:
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
def docs(data_dir: DataDir = None) -> None:
    """List the ingested documents: id, number of chunks, title, source file.

    The source is shown relative to the current folder when it lies below it.

    \b
    Example:
      quarry docs
    """
    from index.store import open_current

    settings = make_settings(data_dir=data_dir)
    here = Path.cwd()
    for d in open_current(settings.data_dir).documents():
        source = Path(d.source)
        shown = source.relative_to(here) if source.is_relative_to(here) else source
        typer.echo(f"{d.doc_id}\t{d.n_chunks} chunks\t{d.title}\t{shown}")


@app.command()
def rm(
    doc_ids: Annotated[
        list[str], typer.Argument(help="Document ids (see `quarry docs`).", metavar="DOC_ID...")
    ],
    data_dir: DataDir = None,
    embedder: EmbedderOpt = None,
) -> None:
    """Remove documents from the index: from now on they are never retrieved or cited.

    The files themselves are left alone: a later `quarry ingest` of a folder that still holds
    one adds it back (move or delete the file to keep it out). An ingest already running when
    the document is removed does not add it back.

    \b
    Example:
      quarry rm 000_c2cc40ca7ae94980
    """
    from quarry.ingestor import Ingestor

    settings = make_settings(data_dir=data_dir, embedder=embedder)
    # Deleting needs no model: it only writes deletion marks.
    report = Ingestor(settings).delete(doc_ids)
    typer.echo(
        f"removed {', '.join(report.removed)} from the index; {report.n_documents} documents "
        "left (ingesting a removed document's file again adds it back)"
    )


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
        bool,
        typer.Option(
            "--repair",
            help="Repair what was found from the index's own truth (chunk stores and vectors); "
            "never deletes a segment a readable version lists.",
        ),
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Check the whole index: every file against the checksum its manifest recorded, and every
    count against the others (chunk store, vectors, FAISS, lexical index, manifests).

    Exits 1 when something is damaged. --repair then rewrites a damaged manifest copy from its
    twin, rebuilds FAISS and lexical indexes from the chunk stores and vectors, takes vectors
    back from an intact exact FAISS index, and when a chunk store itself is damaged serves the
    newest version that is whole. What dead writes left (debris) costs only space: the next
    write or `quarry gc` removes it.

    \b
    Examples:
      quarry doctor
      quarry doctor --repair
    """
    from index.check import DAMAGE, check_index
    from index.repair import repair_index
    from quarry.ingestor import dense_from

    settings = make_settings(data_dir=data_dir)
    folder = Path(settings.data_dir)
    check = check_index(folder)
    typer.echo(f"data dir: {folder} ({check.versions} version(s) on disk)")
    if check.live is None and not check.findings:
        typer.echo("no index yet: run `quarry ingest`")
        return
    for f in check.findings:
        typer.echo(f"{f.kind}: {f.what}\n  -> {f.fix}")
    if check.ok:
        typer.echo(f"ok: CURRENT -> {check.live}")
        return
    if not repair:
        raise fail("the index is damaged: run `quarry doctor --repair`")
    for line in repair_index(folder, dense_from(settings)):
        typer.echo(f"repaired: {line}")
    after = check_index(folder)
    left = [f for f in after.findings if f.kind == DAMAGE]
    for f in left:
        typer.echo(f"still damaged: {f.what}")
    if left:
        raise fail("the index is still damaged after repair (see above)")
    typer.echo(f"ok: CURRENT -> {after.live}")


@app.command()
def gc(data_dir: DataDir = None) -> None:
    """Reclaim space now: what dead writes left, versions past QUARRY_KEEP_VERSIONS, segments no
    version lists, and lexical entries the live version does not serve.

    Every successful write does the same; this is for after a crash. Nothing a readable version
    lists is removed, and nothing at all while a version cannot be read.

    \b
    Example:
      quarry gc
    """
    from index.writer import gc as collect

    settings = make_settings(data_dir=data_dir)
    freed = collect(Path(settings.data_dir), settings.keep_versions)
    typer.echo(f"freed {freed / 1e6:.1f} MB in {settings.data_dir}")
