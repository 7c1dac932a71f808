"""`quarry serve`: the HTTP API, its docs and the widget demo page."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer

from cli.common import DataDir, EmbedderOpt, app, make_settings
from cli.documents import run_ingest


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
    watch: Annotated[
        list[Path] | None,
        typer.Option(
            "--watch",
            metavar="DIR",
            help="Keep the index in step with this folder (repeatable): see `quarry watch`.",
        ),
    ] = None,
    data_dir: DataDir = None,
    embedder: EmbedderOpt = None,
) -> None:
    """Serve the HTTP API, its docs at /docs, and the chat widget demo page at /.

    \b
    Examples:
      quarry serve --port 8000    # then open http://127.0.0.1:8000/docs
      QUARRY_CORPUS_DIR=corpus quarry serve --ingest-if-empty
      quarry serve --workers 2    # two processes, one port, one on-disk index
      quarry serve --watch docs/  # changes in docs/ reach the answers within seconds
    """
    import uvicorn

    from api.app import create_app
    from api.security import KeyRing, check_bind
    from base.errors import ConfigError
    from index.layout import current_version_dir

    settings = make_settings(
        host=host, port=port, data_dir=data_dir, embedder=embedder, workers=workers
    )
    ring = KeyRing.from_settings(settings)
    notice = check_bind(settings, ring)
    _check_port_free(settings.host, settings.port)
    if ingest_if_empty and current_version_dir(Path(settings.data_dir)) is None:
        if settings.corpus_dir is None:
            raise ConfigError("--ingest-if-empty needs QUARRY_CORPUS_DIR: the folder to ingest")
        run_ingest(settings, [Path(settings.corpus_dir)], prune=False)
    if watch:
        _start_watching(settings, watch)
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


def _watcher(settings: Any, folders: list[Path], on_write: Any = None) -> Any:
    from base.errors import ConfigError
    from quarry.ingestor import Ingestor
    from quarry.watch import FolderWatcher

    for folder in folders:
        if not folder.is_dir():
            raise ConfigError(f"--watch {folder}: not a folder")
    return FolderWatcher(Ingestor(settings, progress=False), folders, on_write=on_write)


def _start_watching(settings: Any, folders: list[Path]) -> None:
    from quarry.watch import watch_in_background

    watch_in_background(_watcher(settings, folders))


@app.command("watch")
def watch_cmd(
    folders: Annotated[
        list[Path], typer.Argument(help="Folders to keep the index in step with.", metavar="DIR...")
    ],
    data_dir: DataDir = None,
    embedder: EmbedderOpt = None,
) -> None:
    """Keep the index in step with folders: ingest them, then apply every change as it happens.

    Changed and added files are ingested, removed files' documents removed, within seconds: a
    burst of changes (a checkout, a sync) is applied once it has been quiet for a second, as one
    write (only the changed files are read). A running `quarry serve` over the same data
    directory answers from each new version. Ctrl-C stops.

    \b
    Example:
      quarry watch docs/ notes/
    """
    import threading

    settings = make_settings(data_dir=data_dir, embedder=embedder)
    watcher = _watcher(settings, folders, on_write=lambda a: typer.echo(a.describe()))
    watcher.on_write(watcher.sync())
    typer.echo(f"watching {', '.join(str(f) for f in folders)} (Ctrl-C stops)")
    try:
        watcher.run(threading.Event())
    except KeyboardInterrupt:
        return


def _check_port_free(host: str, port: int) -> None:
    """Fail with one line now rather than with uvicorn's log after the model has loaded."""
    import socket

    from base.errors import ConfigError

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


@app.command()
def mcp(data_dir: DataDir = None, embedder: EmbedderOpt = None) -> None:
    """Serve Quarry to an assistant over the Model Context Protocol, on stdin/stdout.

    Tools: ask (a cited answer), search (ranked passages), get_document (a document's text);
    resources: quarry://documents and quarry://documents/{doc_id}. The same server runs over
    HTTP at /mcp/ of `quarry serve`. Configure your assistant to run this command.

    \b
    Example (an assistant's MCP configuration):
      {"command": "quarry", "args": ["mcp"], "env": {"QUARRY_DATA_DIR": "/path/to/data"}}
    """
    from api.mcp import build_server
    from quarry.engine import Engine

    settings = make_settings(data_dir=data_dir, embedder=embedder)
    engine = Engine(settings)
    engine.answerer()  # load the models and the index before the first call, errors here
    build_server(lambda: engine, lambda source: source).run("stdio")
