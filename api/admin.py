"""Admin endpoints: upload documents, delete one, re-ingest the configured folder, job status.

The guard middleware lets only admin keys reach these (or anyone on loopback when no key is
configured at all).
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse

from api.jobs import Job, JobRunner
from api.schemas import DeleteOut, ErrorOut, JobOut
from api.text import clip
from ingest.loaders import SUPPORTED_SUFFIXES
from quarry.engine import Engine
from quarry.ingestor import Ingestor
from quarry.settings import Settings

log = logging.getLogger("quarry.api")
router = APIRouter(prefix="/admin", tags=["admin"])
_AUTH: dict[int | str, dict[str, Any]] = {c: {"model": ErrorOut} for c in (401, 403, 429)}


def _state(request: Request) -> tuple[Engine, Settings, JobRunner]:
    return request.app.state.engine, request.app.state.settings, request.app.state.jobs


State = Annotated[tuple[Engine, Settings, JobRunner], Depends(_state)]


def _ingestor(engine: Engine, settings: Settings) -> Ingestor:
    """The write service, sharing the engine's loaded embedder."""
    return Ingestor(settings, engine.embedder, progress=False)


def upload_dir(settings: Settings) -> Path:
    return Path(settings.data_dir) / "uploads"


def _job_out(job: Job) -> JobOut:
    return JobOut(**asdict(job))


def _ingest(engine: Engine, settings: Settings, paths: list[Path], prune: bool) -> dict[str, Any]:
    """Ingest ``paths``; every file is parsed in the limited worker, so a bad one is skipped
    alone. Skipped files under the upload folder are deleted, so they cannot break later jobs."""
    result = _ingestor(engine, settings).ingest(paths, prune)
    loaded, report = result.loaded, result.report
    uploads = upload_dir(settings).resolve()
    skipped = []
    for failure in loaded.failures:
        path = Path(failure.path)
        removed = path.resolve().parent == uploads
        if removed:
            path.unlink(missing_ok=True)
        skipped.append({"path": clip(failure.path), "reason": failure.reason, "removed": removed})
    return {**asdict(report), "skipped": skipped}


def _safe_name(name: str) -> str:
    """A readable file name: letters of any script, digits, '_', '.', '-'; nothing else."""
    base = Path(unicodedata.normalize("NFC", name).replace("\\", "/")).name
    stem, suffix = Path(base).stem, Path(base).suffix.lower()
    return (re.sub(r"[^\w.-]+", "-", stem).strip(".-_") or "upload")[:80] + suffix


def _store(folder: Path, name: str, data: bytes, taken: set[str]) -> Path:
    """Save an upload under a name of its own: the same name with other content gets a short
    hash of the content, so no upload ever overwrites another."""
    path = folder / name
    same = path.exists() and path.read_bytes() == data
    if (path.exists() and not same) or (name in taken and not same):
        digest = hashlib.sha256(data).hexdigest()[:8]
        path = folder / f"{Path(name).stem}-{digest}{Path(name).suffix}"
    taken.add(path.name)
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path


def recover_uploads(engine: Engine, settings: Settings, jobs: JobRunner) -> Job | None:
    """At start-up: files in the upload folder that the live index does not hold were left by a
    job the server did not finish (it was killed). They are ingested now as a ``recover`` job, and
    the log says so; files that cannot be read are reported in that job and removed."""
    from index.writer import existing_sources

    folder = upload_dir(settings)
    if not folder.is_dir():
        return None
    for stale in folder.glob(".*.part"):  # a write the server never finished
        stale.unlink(missing_ok=True)
    known = {Path(p).resolve() for p in existing_sources(Path(settings.data_dir)).values()}
    left = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    orphans = [p for p in left if p.resolve() not in known]
    if not orphans:
        return None
    job = jobs.submit("recover", lambda: _ingest(engine, settings, orphans, prune=False))
    log.warning(
        "%d uploaded file(s) were never ingested (a job was interrupted): ingesting them as "
        "job %s: %s",
        len(orphans),
        job.job_id,
        ", ".join(p.name for p in orphans),
    )
    return job


@router.post(
    "/documents",
    status_code=202,
    response_model=JobOut,
    responses={
        **_AUTH,
        413: {"model": ErrorOut},
        415: {"model": ErrorOut},
        422: {"model": ErrorOut},
    },
)
async def upload(
    files: Annotated[list[UploadFile], File(description="Documents to ingest.")], state: State
) -> JobOut:
    """Upload documents (.txt .md .html .pdf .docx) and ingest them as a background job."""
    engine, settings, jobs = state
    if len(files) > settings.max_upload_files:
        raise HTTPException(413, f"at most {settings.max_upload_files} files per upload")
    staged: list[tuple[str, bytes]] = []
    for f in files:
        name = _safe_name(f.filename or "upload")
        if Path(name).suffix not in SUPPORTED_SUFFIXES:
            raise HTTPException(
                415,
                f"{clip(f.filename or '')}: unsupported file type; allowed: "
                f"{', '.join(SUPPORTED_SUFFIXES)}",
            )
        data = await f.read(settings.max_upload_bytes + 1)
        if len(data) > settings.max_upload_bytes:
            raise HTTPException(
                413, f"{clip(f.filename or '')}: over the {settings.max_upload_bytes}-byte limit"
            )
        staged.append((name, data))
    folder = upload_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    paths = [_store(folder, name, data, taken) for name, data in staged]
    return _job_out(jobs.submit("upload", lambda: _ingest(engine, settings, paths, prune=False)))


@router.delete(
    "/documents/{doc_id}", response_model=DeleteOut, responses={**_AUTH, 404: {"model": ErrorOut}}
)
def delete(doc_id: str, state: State) -> DeleteOut:
    """Delete a document now; it can never be retrieved or cited again."""
    engine, settings, _ = state
    source = Path(engine.version().document(doc_id).source)  # 404 if unknown
    report = _ingestor(engine, settings).write(deletes=[doc_id])
    if source.parent == upload_dir(settings).resolve():
        source.unlink(missing_ok=True)  # an uploaded file would otherwise come back on reingest
    return DeleteOut(removed=report.removed, version=report.version, documents=report.n_documents)


@router.post(
    "/reingest",
    status_code=202,
    response_model=JobOut,
    responses={**_AUTH, 409: {"model": ErrorOut}},
)
def reingest(state: State) -> JobOut | JSONResponse:
    """Re-ingest QUARRY_CORPUS_DIR and uploads, pruning documents whose files are gone."""
    engine, settings, jobs = state
    if settings.corpus_dir is None:
        return JSONResponse(
            status_code=409,
            content={"detail": "no corpus folder configured: set QUARRY_CORPUS_DIR"},
        )
    paths = [Path(settings.corpus_dir)]
    if upload_dir(settings).exists():
        paths.append(upload_dir(settings))
    return _job_out(jobs.submit("reingest", lambda: _ingest(engine, settings, paths, prune=True)))


@router.get("/jobs/{job_id}", response_model=JobOut, responses={**_AUTH, 404: {"model": ErrorOut}})
def job_status(job_id: str, state: State) -> JobOut:
    """Status of an upload or re-ingest job: queued, running, done or failed."""
    job = state[2].get(job_id)
    if job is None:
        raise HTTPException(404, f"no job with id {clip(job_id)!r}")
    return _job_out(job)
