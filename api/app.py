"""FastAPI application factory. Nothing is loaded at import time; the lifespan loads the index."""

from __future__ import annotations

import hashlib
import html
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse

from api.access import SourceView, public_source
from api.admin import recover_uploads
from api.admin import router as admin_router
from api.guard import BodyTooLarge, Guard
from api.jobs import JobRunner
from api.openai_compat import router as openai_router
from api.schemas import (
    AskRequest,
    AskResponse,
    DocumentOut,
    DocumentSummary,
    ErrorOut,
    FeedbackOut,
    FeedbackRequest,
    Health,
    Ready,
    SearchRequest,
    SearchResponse,
    TextWindow,
)
from api.security import KeyRing
from api.streaming import answer_out, search_out, stream_answer
from api.text import clip
from base.errors import (
    DocumentNotFound,
    IndexMismatchError,
    NoIndexError,
    QuarryError,
)
from index.layout import feedback_path
from quarry.engine import Engine
from quarry.feedback import FeedbackStore
from quarry.settings import Settings, get_settings

log = logging.getLogger("quarry.api")
MAX_WINDOW = 20_000  # characters of a document's text one GET .../text returns
STATIC = Path(__file__).parent / "static"
DOCS_ASSETS = "/docs-assets"
_SWAGGER_FILES = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon-32x32.png": "image/png",
}


def swagger_assets() -> Path:
    """Swagger UI's files, from the swagger-ui-bundle-v2 package (Apache-2.0)."""
    from swagger_ui_bundle import swagger_ui_path

    return Path(str(swagger_ui_path))


def _index_summary(engine: Engine, shown: int = 4) -> str:
    """What the demo page says of the index it answers from: how many documents, a few titles
    (the live index's own, never the bundled corpus's questions)."""
    try:
        docs = engine.version().documents()
    except QuarryError:
        return "No documents are indexed yet: run <code>quarry ingest FOLDER</code>."
    titles = ", ".join(f"<em>{html.escape(d.title)}</em>" for d in docs[:shown])
    more = f" and {len(docs) - shown} more" if len(docs) > shown else ""
    noun = "document" if len(docs) == 1 else "documents"
    return f"It answers from the {len(docs)} {noun} of this index: {titles}{more}."


_etags: dict[tuple[str, int], str] = {}  # (path, mtime) -> strong ETag of its bytes


def static_file(request: Request, path: Path, media_type: str, max_age: int) -> Response:
    """A static file with a strong ETag (a matching If-None-Match gets 304, no body); gzip, when
    the client accepts it, is the GZip middleware's."""
    key = (str(path), path.stat().st_mtime_ns)
    if key not in _etags:
        _etags[key] = '"' + hashlib.sha256(path.read_bytes()).hexdigest()[:32] + '"'
    etag = _etags[key]
    headers = {"Cache-Control": f"public, max-age={max_age}", "ETag": etag}
    wanted = request.headers.get("if-none-match", "")
    if etag in (t.strip().removeprefix("W/") for t in wanted.split(",")):
        return Response(status_code=304, headers=headers)
    return Response(path.read_bytes(), media_type=media_type, headers=headers)


def _remember(request: Request, engine: Engine, out: AskResponse) -> str:
    """Keep the answer for feedback; its id (empty when it cannot be kept: feedback is never a
    reason for an answer to fail)."""
    try:
        store = request.app.state.feedback
        return str(store.remember(engine.version().name, out.question, out.model_dump()))
    except Exception as exc:  # noqa: BLE001 - a full disk must not fail the answer
        log.warning("answer not kept for feedback: %s", exc)
        return ""


def get_engine(request: Request) -> Engine:
    return request.app.state.engine


EngineDep = Annotated[Engine, Depends(get_engine)]


_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut} for code in (401, 403, 404, 413, 422, 429, 503)
}


def create_app(
    settings: Settings | None = None, engine: Engine | None = None, ring: KeyRing | None = None
) -> FastAPI:
    """Build the API. ``engine`` may be injected (tests); otherwise one is made from settings."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.engine = engine or Engine(settings)
        app.state.settings = settings
        # resolved once here: source_view runs on every request that returns a source
        app.state.corpus_root = Path(settings.corpus_dir).resolve() if settings.corpus_dir else None
        app.state.jobs = JobRunner()
        app.state.feedback = FeedbackStore(feedback_path(Path(settings.data_dir)))
        try:
            app.state.engine.answerer()  # load the model and index now, not on the first request
        except NoIndexError:
            log.warning("no index in %s yet: run `quarry ingest`", settings.data_dir)
        except QuarryError as exc:
            log.error("index not loaded: %s", exc)
        recover_uploads(app.state.engine, settings, app.state.jobs)
        async with mcp.session_manager.run():  # the /mcp/ transport's sessions
            yield
        app.state.jobs.shutdown()

    app = FastAPI(
        title="Quarry",
        version="0.1.0",
        description="Grounded question answering: answers are passages copied from your "
        "documents, each cited by exact character offsets you can check with GET /documents.\n\n"
        "**Keys**: when keys are configured, send one in `X-API-Key` (or `Authorization: Bearer`). "
        "Widget keys may ask and read documents from their allowed origins; admin keys may also "
        "use /admin. Missing key: 401; wrong key, wrong origin or too little right: 403.\n\n"
        f"**Limits**: {settings.rate_limit_per_minute} requests a minute per key and per client "
        f"IP (bursts of {settings.rate_limit_burst}), then 429 with Retry-After; JSON bodies up "
        f"to {settings.max_body_bytes} bytes, questions up to 2,000 characters; uploads up to "
        f"{settings.max_upload_files} files of {settings.max_upload_bytes} bytes each, of types "
        ".txt .md .markdown .html .htm .pdf .docx (413 / 415 otherwise).",
        lifespan=lifespan,
        docs_url=None,  # served below from local assets, so /docs works with no network
        redoc_url=None,
    )
    # Order matters: the last added runs first. CORS is outermost so that preflights are answered
    # and even 401/429 replies carry CORS headers the widget can read.
    ring = ring or KeyRing.from_settings(settings)
    # innermost: compresses what the routes return (never event streams) for clients that ask
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(Guard, settings=settings, ring=ring)
    # A browser's preflight carries no key, so CORS allows every origin any widget key allows
    # (and the global list); the Guard still checks the key's own origins on the request.
    origins = list(
        dict.fromkeys([*settings.allowed_origins, *(o for w in ring.widget for o in w.origins)])
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=origins,
        allow_methods=["GET", "POST", "DELETE"],
        allow_headers=["Content-Type", "Authorization", "X-API-Key"],
        expose_headers=["Retry-After"],
    )
    app.include_router(admin_router)
    app.include_router(openai_router)
    # MCP over streamable HTTP at /mcp/ (behind the guard like every route); sources are shown
    # as to a widget key (file names), never server paths.
    from api.mcp import build_server  # the SDK takes ~1.5 s to import: not at module import

    corpus_root = Path(settings.corpus_dir).resolve() if settings.corpus_dir else None
    mcp = build_server(lambda: app.state.engine, public_source(corpus_root))
    app.mount("/mcp", mcp.streamable_http_app(streamable_http_path="/", stateless_http=True))
    _add_error_handlers(app)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def demo(request: Request, engine: EngineDep) -> HTMLResponse:
        """The demo page: the widget embedded with one script tag, over the live index."""
        endpoint = str(request.base_url).rstrip("/")
        page = (STATIC / "demo.html").read_text().replace("{{ENDPOINT}}", html.escape(endpoint))
        return HTMLResponse(page.replace("{{INDEX}}", _index_summary(engine)))

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        """Swagger UI, its script and style served by this server (no CDN)."""
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="Quarry API",
            swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_ASSETS}/favicon-32x32.png",
        )

    @app.get(DOCS_ASSETS + "/{name}", include_in_schema=False)
    def swagger_asset(name: str, request: Request) -> Response:
        if name not in _SWAGGER_FILES:
            raise DocumentNotFound(name)
        return static_file(request, swagger_assets() / name, _SWAGGER_FILES[name], 86400)

    @app.get("/widget.js", include_in_schema=False)
    def widget(request: Request) -> Response:
        """The chat widget script (no build step)."""
        return static_file(request, STATIC / "widget.js", "text/javascript", 300)

    @app.get("/healthz", response_model=Health, tags=["ops"])
    def healthz() -> Health:
        """Liveness: the process answers."""
        return Health(status="ok")

    @app.get("/readyz", response_model=Ready, responses={503: {"model": ErrorOut}}, tags=["ops"])
    def readyz(engine: EngineDep) -> Ready:
        """Readiness: 200 once an index is loaded, 503 with the reason until then. A damaged
        index still answers 200, with status `degraded` and what is damaged."""
        version = engine.version()
        damage = version.damage
        return Ready(
            status="degraded" if damage else "ready",
            damage=damage,
            version=version.name,
            documents=version.manifest.n_documents,
            chunks=version.manifest.n_chunks,
            embedder=version.manifest.embedder,
        )

    @app.post("/ask", response_model=AskResponse, responses=_ERRORS, tags=["qa"])
    def ask(body: AskRequest, engine: EngineDep, show: SourceView, request: Request) -> AskResponse:
        """Answer a question with sentences copied from the documents, each cited by offsets."""
        out = answer_out(engine.answer(body.question, body.top_k), show)
        out.answer_id = _remember(request, engine, out)
        return out

    @app.post("/search", response_model=SearchResponse, responses=_ERRORS, tags=["qa"])
    def search(body: SearchRequest, engine: EngineDep, show: SourceView) -> SearchResponse:
        """The ranked passages for a query, as /ask retrieves them, with no answer composed:
        for a custom UI, or to compare retrieval. Same keys and limits as /ask."""
        return search_out(engine.search(body.query, body.top_k), show)

    @app.post(
        "/ask/stream",
        responses={
            **_ERRORS,
            200: {
                "content": {"text/event-stream": {}},
                "description": "Server-Sent Events: `retrieval` (passages), one `sentence` "
                "per answer sentence, `citations` (citations and conflicts), then `done` "
                "carrying the same JSON as POST /ask. A failure after the stream started is "
                "sent as an `error` event.",
            },
        },
        tags=["qa"],
    )
    def ask_stream(
        body: AskRequest, engine: EngineDep, show: SourceView, request: Request
    ) -> StreamingResponse:
        """Stream an answer as Server-Sent Events, for the chat widget."""
        steps = engine.steps(body.question, body.top_k)  # NoIndexError -> 503 before the stream
        return StreamingResponse(
            stream_answer(steps, show, lambda out: _remember(request, engine, out)),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    @app.post(
        "/feedback",
        response_model=FeedbackOut,
        status_code=201,
        responses=_ERRORS,
        tags=["feedback"],
    )
    def feedback(body: FeedbackRequest, request: Request) -> FeedbackOut:
        """Rate an answer by its `answer_id`: up or down, with an optional comment, the answer
        it should have given, or that it should have abstained. Kept beside the index;
        `quarry feedback export --gold FILE` turns it into regression tests."""
        from quarry.feedback import KEEP_DAYS, UnknownAnswer, gold_of

        try:
            item = request.app.state.feedback.add(
                body.answer_id, body.rating, body.comment, body.correct_answer, body.should_abstain
            )
        except UnknownAnswer:
            detail = (
                f"no answer with id {clip(body.answer_id)!r} (answers are kept {KEEP_DAYS} days)"
            )
            raise HTTPException(status_code=404, detail=detail) from None
        return FeedbackOut(feedback_id=item.feedback_id, becomes_test=gold_of(item) is not None)

    @app.get("/admin/feedback", tags=["feedback"], responses=_ERRORS)
    def list_feedback(request: Request) -> list[dict[str, Any]]:
        """Every piece of feedback, oldest first (admin keys only)."""
        return [asdict(f) for f in request.app.state.feedback.all()]

    @app.get(
        "/documents", response_model=list[DocumentSummary], responses=_ERRORS, tags=["documents"]
    )
    def list_documents(engine: EngineDep, show: SourceView) -> list[DocumentSummary]:
        """Every ingested document."""
        return [
            DocumentSummary(
                doc_id=d.doc_id, title=d.title, source=show(d.source), n_chunks=d.n_chunks
            )
            for d in engine.version().documents()
        ]

    @app.get(
        "/documents/{doc_id}", response_model=DocumentOut, responses=_ERRORS, tags=["documents"]
    )
    def get_document(doc_id: str, engine: EngineDep, show: SourceView) -> DocumentOut:
        """One document's stored text: citations' offsets index into ``text``."""
        d = engine.version().document(doc_id)
        return DocumentOut(
            doc_id=d.doc_id,
            title=d.title,
            source=show(d.source),
            text=d.text,
            n_chunks=d.n_chunks,
            pages=d.pages,
        )

    @app.get(
        "/documents/{doc_id}/text",
        response_model=TextWindow,
        responses=_ERRORS,
        tags=["documents"],
    )
    def document_text(
        doc_id: str,
        engine: EngineDep,
        start: Annotated[int, Query(ge=0, description="First offset.")] = 0,
        end: Annotated[
            int,
            Query(ge=0, description=f"Offset after the last (at most {MAX_WINDOW} after start)."),
        ] = MAX_WINDOW,
    ) -> TextWindow:
        """A window of a document's text, ``text[start:end]``: what a citation viewer needs
        without downloading the whole document. Same access as the document itself."""
        if end < start or end - start > MAX_WINDOW:
            raise RequestValidationError(
                [
                    {
                        "loc": ("query", "end"),
                        "msg": f"end must be between start and start + {MAX_WINDOW}",
                        "type": "value_error",
                    }
                ]
            )
        record, text = engine.version().window(doc_id, start, end)
        return TextWindow(
            doc_id=record.doc_id,
            title=record.title,
            start=min(start, record.n_chars),
            end=min(end, record.n_chars),
            length=record.n_chars,
            pages=[[p, a, b] for p, a, b in record.pages if a < max(end, start + 1) and start < b],
            text=text,
        )

    return app


def app_from_env() -> FastAPI:
    """The app of one serving process of ``quarry serve --workers N`` (settings from env)."""
    return create_app(get_settings())


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        detail = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", "invalid"), "type": e.get("type")}
            for e in exc.errors()
        ]
        return JSONResponse(status_code=422, content={"detail": detail})

    @app.exception_handler(BodyTooLarge)
    async def too_large(request: Request, exc: BodyTooLarge) -> JSONResponse:
        return JSONResponse(status_code=413, content={"detail": str(exc)})

    @app.exception_handler(QuarryError)
    async def quarry_error(request: Request, exc: QuarryError) -> JSONResponse:
        if isinstance(exc, NoIndexError):
            return JSONResponse(
                status_code=503, content={"detail": "no index: run `quarry ingest`"}
            )
        if isinstance(exc, IndexMismatchError):
            log.error("%s", exc)
            return JSONResponse(
                status_code=503,
                content={
                    "detail": "the index was built with a different embedder; see the server log"
                },
            )
        if isinstance(exc, DocumentNotFound):
            detail = f"no document with id {clip(exc.doc_id)!r}"
            return JSONResponse(status_code=404, content={"detail": detail})
        log.exception("internal error", exc_info=exc)
        return JSONResponse(status_code=500, content={"detail": "internal server error"})

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return JSONResponse(status_code=500, content={"detail": "internal server error"})
