"""Two serving processes over one data directory, through a publish: no failed query, and both
switch to the new version (the replica deployment the README describes, on one host)."""

import asyncio
import shutil
import threading
import time

import httpx
import pytest

from bench.load import run_load
from tests.conftest import free_port, start_server

pytestmark = pytest.mark.slow


def test_two_servers_share_one_index_through_a_publish(tmp_path, seed_settings, real_embedder):
    from quarry.ingestor import Ingestor
    from quarry.settings import Settings

    data_dir = tmp_path / "data"
    shutil.copytree(seed_settings.data_dir, data_dir)
    env = {
        "QUARRY_DATA_DIR": str(data_dir),
        "QUARRY_RATE_LIMIT_PER_MINUTE": "1000000",
        "QUARRY_RATE_LIMIT_BURST": "100000",
    }
    ports = [free_port(), free_port()]
    servers = [start_server(env, port) for port in ports]
    urls = [f"http://127.0.0.1:{p}" for p in ports]
    try:
        before = {httpx.get(f"{u}/readyz").json()["version"] for u in urls}
        assert len(before) == 1
        note = tmp_path / "in" / "ferry.md"
        note.parent.mkdir()
        note.write_text("# Ferry\n\nThe Tamsin ferry first sailed to Holm Island in 1908.\n")

        def publish():
            time.sleep(2)
            Ingestor(Settings(data_dir=data_dir), real_embedder, progress=False).ingest(
                [note.parent]
            )

        publisher = threading.Thread(target=publish)
        publisher.start()

        async def both():
            return await asyncio.gather(
                *(run_load(u, clients=2, seconds=8, unique=True) for u in urls)
            )

        results = asyncio.run(both())
        publisher.join()
        for result in results:
            assert result.requests > 0
            assert result.status == {200: result.requests} and result.transport_errors == 0
        after = set()
        for u in urls:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                version = httpx.get(f"{u}/readyz").json()["version"]
                if version not in before:
                    break
                time.sleep(0.2)
            after.add(version)
        assert len(after) == 1 and not after & before  # both switched, to the same version
        for u in urls:
            answer = httpx.post(
                f"{u}/ask", json={"question": "When did the Tamsin ferry first sail?"}
            ).json()
            assert "1908" in answer["answer"]
    finally:
        for s in servers:
            s.kill()
            s.wait(timeout=30)
