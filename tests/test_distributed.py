"""Distributed ingest on a real local Ray cluster (127.0.0.1 only, stopped through its API)."""

import shutil
from pathlib import Path

import numpy as np
import pytest

from base.errors import ConfigError
from index.store import open_current
from quarry.distributed import parse_address, ray_cluster
from quarry.engine import Engine
from quarry.ingestor import Ingestor
from quarry.settings import Settings


@pytest.mark.parametrize(
    "bad", ["local:0", "local:x", "locl", "http://x:80", "local:2:3", "", "local:9999"]
)
def test_malformed_addresses_are_refused_before_anything_starts(bad):
    with pytest.raises(ConfigError, match="--ray"):
        parse_address(bad)


def test_addresses():
    assert parse_address("local:2") == ("local", 2)
    assert parse_address("auto") == ("auto", None)
    assert parse_address("ray://10.0.0.5:10001") == ("ray://10.0.0.5:10001", None)


def _listening(pids: set[int]) -> list[str]:
    """Local addresses of the TCP sockets these processes listen on (from /proc)."""
    inodes = set()
    for pid in pids:
        fd_dir = Path(f"/proc/{pid}/fd")
        for fd in fd_dir.iterdir() if fd_dir.exists() else []:
            try:
                target = fd.readlink().as_posix()
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    out = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            parts = line.split()
            if parts[3] == "0A" and parts[9] in inodes:  # 0A: LISTEN
                out.append(parts[1])
    return out


def _is_loopback(hex_address: str) -> bool:
    host = hex_address.split(":")[0]
    if len(host) == 8:  # IPv4, little-endian
        return host.endswith("7F")
    # IPv6: ::1, or ::ffff:127.x.x.x (v4-mapped)
    return host == "00000000000000000000000001000000" or (
        host.startswith("0000000000000000FFFF0000") and host.endswith("7F")
    )


def test_local_cluster_listens_on_loopback_only():
    import ray

    with ray_cluster("local:1") as cpus:
        assert cpus == 1
        node = ray._private.worker._global_node
        assert node.node_ip_address == "127.0.0.1"
        pids = {p.process.pid for procs in node.all_processes.values() for p in procs}
        addresses = _listening(pids)
        assert addresses, "found no listening socket of Ray's processes"
        assert all(_is_loopback(a) for a in addresses), addresses
    assert not ray.is_initialized()


def test_ray_ingest_builds_the_index_a_plain_ingest_builds(
    tmp_path, seed_settings, real_embedder, monkeypatch, caplog
):
    """Same chunks, same vectors, same answers on the gold set, although one embedding worker
    is killed mid-run (its batch is redone), one file is malformed (reported, skipped) and the
    segments are built by Ray workers (several of them: the new chunks are split)."""
    from eval.runner import load_gold

    corpus = tmp_path / "corpus"
    shutil.copytree(Path(__file__).resolve().parent.parent / "corpus", corpus)
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    marker = tmp_path / "killed-once"
    monkeypatch.setenv("QUARRY_RAY_KILL_ONCE", str(marker))
    settings = Settings(data_dir=tmp_path / "data", ray_segment_chunks=25)
    with caplog.at_level("WARNING", logger="quarry.distributed"):
        result = Ingestor(settings, progress=False).ingest([corpus], ray="local:2")
    assert not caplog.records, "a segment was built on the driver, not on a worker"
    assert result.report.segments >= 2
    assert marker.exists(), "the kill hook never ran: no worker was killed"
    assert [Path(f.path).name for f in result.loaded.failures] == ["broken.pdf"]
    assert len(result.report.added) == 5

    plain, ray_built = open_current(seed_settings.data_dir), open_current(settings.data_dir)
    a_rows, b_rows = plain.live_rows(), ray_built.live_rows()
    a, b = plain.chunks(a_rows), ray_built.chunks(b_rows)
    assert [(c.chunk.chunk_id, c.chunk.text) for c in a.values()] == [
        (c.chunk.chunk_id, c.chunk.text) for c in b.values()
    ]
    assert np.allclose(plain.vectors(a_rows), ray_built.vectors(b_rows), atol=1e-5)

    plain_engine = Engine(seed_settings, embedder=real_embedder)
    ray_engine = Engine(settings, embedder=real_embedder)
    for q in load_gold()[:40]:
        x, y = plain_engine.answer(q.question), ray_engine.answer(q.question)
        assert (x.answer, [c.chunk_id for c in x.citations]) == (
            y.answer,
            [c.chunk_id for c in y.citations],
        ), q.question


def test_a_segment_its_worker_cannot_build_is_built_by_the_driver(tmp_path, caplog):
    """A node that cannot see the data directory (here: it does not exist yet) fails its
    segment task; the driver builds that segment itself, and says so."""
    from index.dense import DenseConfig
    from index.layout import SegmentFiles
    from index.writer import SegmentJob
    from quarry.distributed import ray_segment_runner

    rng = np.random.default_rng(3)
    vectors = rng.standard_normal((4, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    docs, rows = _rows(["alpha beta", "gamma delta", "epsilon zeta", "eta theta"])
    data = tmp_path / "not-yet-there"
    job = SegmentJob(data, 7, docs, rows, vectors, DenseConfig())
    with ray_cluster("local:1"), caplog.at_level("WARNING", logger="quarry.distributed"):
        [ref] = ray_segment_runner()([job])
    assert ref.id == 7 and ref.n_chunks == 4
    assert "not visible on node" in caplog.text and "building it on the driver" in caplog.text
    files = SegmentFiles(data, ref, 8)
    try:
        assert np.array_equal(files.read_vectors([0, 1, 2, 3]), vectors)
    finally:
        files.close()


def _rows(texts):
    from index.layout import ChunkRow, DocRow

    text = " ".join(texts)
    docs = [DocRow("d", "D", "/d.txt", "h", [], text)]
    rows, start = [], 0
    for i, t in enumerate(texts):
        rows.append(ChunkRow(f"d:{i}", "d", start, start + len(t), 2, None, t, "", t))
        start += len(t) + 1
    return docs, rows


def test_ray_ingest_refuses_the_gpu_device_before_starting(tmp_path):
    settings = Settings(data_dir=tmp_path / "data", device="cuda")
    with pytest.raises(ConfigError, match="CPU actors"):
        Ingestor(settings, progress=False).ingest([tmp_path], ray="local:1")
    assert not (tmp_path / "data").exists()
