from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="session")
def real_embedder():
    """The packaged all-MiniLM-L6-v2, loaded once for the whole session."""
    from index.embedders import load_embedder

    return load_embedder("all-MiniLM-L6-v2")


@pytest.fixture(scope="session")
def seed_settings(tmp_path_factory, real_embedder):
    """Settings pointing at an index of the bundled seed corpus built with the real model."""
    from quarry.ingestor import Ingestor
    from quarry.settings import Settings

    data_dir = tmp_path_factory.mktemp("seed-index")
    settings = Settings(data_dir=data_dir)
    result = Ingestor(settings, real_embedder, progress=False).ingest([CORPUS])
    assert not result.loaded.failures
    return settings


@pytest.fixture(scope="session")
def seed_engine(seed_settings, real_embedder):
    from quarry.engine import Engine

    return Engine(seed_settings, embedder=real_embedder)


@pytest.fixture()
def corpus_copy(tmp_path) -> Path:
    dest = tmp_path / "corpus"
    shutil.copytree(CORPUS, dest)
    return dest


def encrypted_pdf_bytes(text: str = "Secret text.") -> bytes:
    """A real one-page PDF with ``text``, encrypted with the password 'pw'."""
    import io

    from fpdf import FPDF
    from pypdf import PdfReader, PdfWriter

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, text)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(bytes(pdf.output()))))
    writer.encrypt("pw")
    locked = io.BytesIO()
    writer.write(locked)
    return locked.getvalue()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict[str, str], port: int, timeout: float = 120.0, args: tuple = ()):
    """Start a real `quarry serve` on loopback with ``env`` and wait until /readyz answers 200."""
    import subprocess
    import sys
    import time

    import httpx

    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", "serve", "--port", str(port), *args],
        env={**os.environ, "HF_HUB_OFFLINE": "1", **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=die_with_parent,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return proc
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    proc.kill()
    pytest.fail("quarry serve did not become ready")


def die_with_parent() -> None:
    """In a child, before it runs: the kernel kills it when the test process dies, so no server
    outlives a suite that was killed or crashed (Linux ``PR_SET_PDEATHSIG``)."""
    import ctypes
    import signal

    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        try:
            tasks = Path(f"/proc/{current}/task").iterdir()
            children = [int(c) for t in tasks for c in (t / "children").read_text().split()]
        except OSError:
            continue
        out += children
        todo += children
    return out


def pytest_sessionfinish(session, exitstatus):
    """No server a test started may outlive the suite: each is stopped in a fixture or a
    ``finally``; one still running here is a bug, killed and reported as a failure."""
    import signal

    left = []
    for pid in _descendants(os.getpid()):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if " cli serve" in cmdline or "cli.main serve" in cmdline:
            left.append(f"{pid}: {cmdline.strip()}")
            os.kill(pid, signal.SIGKILL)
    if left:
        print("\nservers left running by the tests (killed now):\n  " + "\n  ".join(left))
        session.exitstatus = 1


SPOKESMAN = "Who is the spokesman of China's Foreign Ministry?"  # answered by the seed corpus


@contextmanager
def serving(data_dir: Path, **env: str) -> Iterator[str]:
    """A real `quarry serve` over ``data_dir`` on a free loopback port (its base URL), with
    ``env`` (QUARRY_* settings); killed on exit."""
    port = free_port()
    proc = start_server({"QUARRY_DATA_DIR": str(data_dir), **env}, port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.kill()
        proc.wait(timeout=30)


def seed_copy(tmp_path_factory, seed_settings, name: str) -> Path:
    """A copy of the seed index that a test may change."""
    target = tmp_path_factory.mktemp(name) / "data"
    shutil.copytree(seed_settings.data_dir, target)
    return target
