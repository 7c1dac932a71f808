"""Parse untrusted files in a worker process with limits, so one hostile file can't sink the rest.

A zip bomb posing as .docx, a PDF whose content stream inflates to gigabytes or whose page tree is
thousands deep, HTML nested hundreds of thousands of levels: parsing any of them in the serving or
ingesting process could exhaust its memory, its stack or its time. Here each file is parsed in a
separate worker process (a fresh interpreter, not a fork of the caller) whose address
space and CPU time are capped with rlimits, and whose every file has a wall-clock deadline. A file
that breaks a limit, crashes the worker or raises anything at all becomes an ``IngestFileError``
naming it and the reason; the worker is replaced and the next file goes on.
"""

from __future__ import annotations

import json
import logging
import select
import subprocess
import sys
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from base.errors import IngestFileError
from ingest.loaders import Document, PageSpan, load_file
from ingest.markup import Block

log = logging.getLogger("quarry.ingest")


@dataclass(frozen=True)
class ParseLimits:
    """What one file may cost to parse."""

    memory_bytes: int = 1536 * 1024 * 1024  # address space of the worker process
    seconds: float = 30.0  # wall clock per file (CPU time is capped at the same figure)


def _apply_limits(limits: ParseLimits) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    cpu = int(limits.seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))


def _read_frame(stream: Any) -> bytes | None:
    head = stream.read(4)
    if len(head) < 4:
        return None
    return stream.read(int.from_bytes(head, "big"))


def _write_frame(stream: Any, payload: bytes) -> None:
    stream.write(len(payload).to_bytes(4, "big") + payload)
    stream.flush()


def _parse(path: str, doc_id: str) -> dict[str, Any]:
    try:
        doc = load_file(Path(path), doc_id)
    except IngestFileError as exc:
        return {"skip": exc.reason}
    except MemoryError:
        return {"skip": "needs more memory to parse than the limit allows"}
    except RecursionError:
        return {"skip": "nested too deeply to parse"}
    except Exception as exc:  # a hostile file may make any parser raise anything
        return {"skip": f"could not be parsed ({type(exc).__name__})"}
    return {
        "doc": {
            **asdict(doc),
            "pages": [asdict(p) for p in doc.pages],
            "blocks": [asdict(b) for b in doc.blocks],
        }
    }


def serve(limits: ParseLimits) -> None:
    """The worker's loop: JSON requests ``{"path", "doc_id"}`` in, JSON replies out, framed by
    a 4-byte length, over stdin and stdout. Replies are JSON, not pickle: nothing a hostile file
    makes the parser produce can run as code in the caller."""
    _apply_limits(limits)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        frame = _read_frame(stdin)
        if frame is None:
            return
        request = json.loads(frame)
        reply = _parse(request["path"], request["doc_id"])
        try:
            payload = json.dumps(reply, ensure_ascii=False).encode("utf-8")
        except MemoryError:
            payload = json.dumps({"skip": "its text is too large to pass back"}).encode()
        _write_frame(stdout, payload)


class ContainedLoader:
    """Loads files through a limited worker process; thread-safe, one file at a time.

    The worker is a fresh interpreter (``python -m ingest.sandbox``), started on first use and
    again after a file kills it.
    """

    def __init__(self, limits: ParseLimits | None = None) -> None:
        self.limits = limits or ParseLimits()
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None

    def _start(self) -> subprocess.Popen[bytes]:
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        self._stop()
        self._proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ingest.sandbox",
                str(self.limits.memory_bytes),
                str(self.limits.seconds),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=str(Path(__file__).resolve().parent.parent),
        )
        return self._proc

    def _stop(self) -> None:
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.kill()
            self._proc.wait(timeout=10)
            for stream in (self._proc.stdin, self._proc.stdout):
                if stream is not None:
                    stream.close()
        self._proc = None

    def load(self, path: Path, doc_id: str) -> Document:
        """Parse ``path`` within the limits.

        Raises:
            IngestFileError: the file could not be read, broke a limit or crashed the parser.
        """
        with self._lock:
            proc = self._start()
            assert proc.stdin is not None and proc.stdout is not None
            try:
                request = json.dumps({"path": str(path), "doc_id": doc_id}).encode("utf-8")
                _write_frame(proc.stdin, request)
                ready, _, _ = select.select([proc.stdout], [], [], self.limits.seconds)
                if not ready:
                    self._stop()
                    raise IngestFileError(
                        str(path), f"took longer than {self.limits.seconds:g} s to parse; skipped"
                    )
                frame = _read_frame(proc.stdout)
                if frame is None:
                    raise EOFError
            except (EOFError, OSError):
                code = proc.poll()
                self._stop()
                log.warning("parser worker died on %s (exit %s)", path, code)
                raise IngestFileError(
                    str(path), "parsing it broke the memory or time limit; skipped"
                ) from None
        reply = json.loads(frame)
        if "skip" in reply:
            raise IngestFileError(str(path), reply["skip"])
        data = reply["doc"]
        data["pages"] = tuple(PageSpan(**p) for p in data["pages"])
        data["blocks"] = tuple(Block(**b) for b in data.get("blocks", ()))
        return Document(**data)

    def close(self) -> None:
        with self._lock:
            self._stop()

    def __enter__(self) -> ContainedLoader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


if __name__ == "__main__":
    serve(ParseLimits(int(sys.argv[1]), float(sys.argv[2])))
