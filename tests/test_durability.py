"""An index that cannot silently rot (issue 28): ids never reused, lexical entries that match the
live chunks, checksums, a doctor that finds damage and repairs it without loss.

The index layer is exercised with the hashing embedder (fast, deterministic); the end-to-end
crash points with real processes are in ``test_crash_points``.
"""

from __future__ import annotations

import random

import pytest

from base.errors import IndexWriteError
from index import layout
from index.lexical import LexicalStore
from index.retriever import Retriever
from index.store import open_current
from ingest.loaders import Document
from quarry.ingestor import Ingestor
from quarry.settings import Settings
from tests.fakes import HashingEmbedder

WORDS = [
    *("granite", "basalt", "quarry", "river", "harbour", "mill", "bridge", "tower", "canal"),
    *("station", "market", "school", "chapel", "orchard", "meadow", "forest", "valley"),
    *("summit", "glacier", "lagoon", "island", "desert", "prairie", "canyon"),
]


def doc(i: int, version: int = 0) -> Document:
    rng = random.Random(i * 1000 + version)
    sentences = [
        f"Item {i} revision {version} mentions "
        + " ".join(rng.choice(WORDS) for _ in range(12))
        + "."
        for _ in range(rng.randint(3, 30))
    ]
    text = " ".join(sentences)
    return Document(
        f"doc-{i:03d}", f"Doc {i}", f"/nowhere/doc-{i:03d}.txt", text, f"h{i}-{version}"
    )


def ingestor(data_dir, **overrides) -> Ingestor:
    settings = Settings(
        data_dir=data_dir, reader=False, chunk_size=48, chunk_overlap=8, **overrides
    )
    return Ingestor(settings, HashingEmbedder(), progress=False)


def lexical_rows(data_dir) -> int:
    store = LexicalStore(layout.lexical_dir(data_dir))
    return store.snapshot().n_rows


def ask_everything(data_dir) -> int:
    """Search for every live document's first words; returns how many searches found it."""
    version = open_current(data_dir)
    retriever = Retriever(version, HashingEmbedder())
    found = 0
    for d in version.documents():
        text = version.document(d.doc_id).text
        hits = retriever.search(text[:80], 5)
        found += any(h.chunk.doc_id == d.doc_id for h in hits)
    return found


def test_lexical_rows_equal_live_chunks_after_any_sequence_of_writes(tmp_path):
    """Property test: random ingests, upserts, removals and compactions; after each, the lexical
    index holds exactly one entry per live chunk (dead entries were never deleted before)."""
    rng = random.Random(7)
    for trial in range(3):
        data = tmp_path / f"t{trial}"
        live: dict[str, int] = {}
        revision = 0
        for _ in range(14):
            op = rng.choice(["ingest", "ingest", "upsert", "rm", "compact"])
            w = ingestor(data, max_segments=rng.choice([2, 4, 8]))
            if op == "ingest" or not live:
                ids = rng.sample(range(60), rng.randint(1, 8))
                w.write([doc(i, live.get(f"doc-{i:03d}", 0)) for i in ids])
                for i in ids:
                    live.setdefault(f"doc-{i:03d}", 0)
            elif op == "upsert":
                revision += 1
                chosen = rng.sample(sorted(live), min(len(live), rng.randint(1, 3)))
                w.write([doc(int(k[4:]), revision) for k in chosen])
                live.update(dict.fromkeys(chosen, revision))
            elif op == "rm":
                chosen = rng.sample(sorted(live), min(len(live) - 1, rng.randint(1, 3)))
                if chosen:
                    w.delete(chosen)
                    for k in chosen:
                        del live[k]
            else:
                w.compact()
            version = open_current(data)
            assert {d.doc_id for d in version.documents()} == set(live), op
            assert lexical_rows(data) == version.n_chunks, (trial, op)


def test_a_dead_write_then_rm_then_ingest_answers_every_question(tmp_path, monkeypatch):
    """The reproduction of issue 28: a write dies after its segment and lexical commit (publish
    fails), then a delete, then an ingest. Before, the dead write's lexical rows were never
    deleted, its segment id was handed out again, and every search failed with a KeyError."""
    data = tmp_path / "d"
    ingestor(data).write([doc(i) for i in range(20)])
    monkeypatch.setenv("QUARRY_FAULTS", "write.manifest=raise")
    with pytest.raises(IndexWriteError, match="live version is unchanged"):
        ingestor(data).write([doc(i) for i in range(20, 30)])
    monkeypatch.delenv("QUARRY_FAULTS")
    dead = max(layout.segment_ids_on_disk(data))
    assert dead not in {s.id for s in open_current(data).manifest.segments}
    from index.check import DEBRIS, check_index

    found = check_index(data).findings  # the doctor names the dead write (its version)
    assert any(f.kind == DEBRIS and "a write died before CURRENT moved" in f.what for f in found)
    ingestor(data).delete(["doc-003"])
    ingestor(data).write([doc(i) for i in range(40, 44)])
    version = open_current(data)
    assert dead not in {s.id for s in version.manifest.segments}  # its id was never reused
    assert min(s.id for s in version.manifest.segments[1:]) > dead
    assert len(version.documents()) == 23
    assert lexical_rows(data) == version.n_chunks
    assert ask_everything(data) == 23


# -- damage: flipped bytes, cut manifests -------------------------------------------------------


def flip(path, where: float = 0.5) -> None:
    """Flip one bit of the byte at ``where`` (a share of the file's length)."""
    data = bytearray(path.read_bytes())
    i = min(len(data) - 1, int(len(data) * where))
    data[i] ^= 0x10
    path.write_bytes(bytes(data))


def fresh_process_view(data):
    """What a newly started server would open (segments are cached per process)."""
    from index import store

    store._open_segments.clear()
    return open_current(data)


@pytest.fixture
def two_segments(tmp_path):
    data = tmp_path / "d"
    ingestor(data).write([doc(i) for i in range(12)])
    ingestor(data).write([doc(i) for i in range(12, 24)])
    version = fresh_process_view(data)
    assert len(version.manifest.segments) == 2 and not version.damage
    return data


def segment_docs(data, seg_id):
    version = open_current(data)
    position = [s.id for s in version.manifest.segments].index(seg_id)
    return {d.doc_id for d in version.segments[position].files.documents()}


@pytest.mark.parametrize("name", [layout.VECTORS, layout.DENSE_INDEX, layout.CHUNK_STORE])
def test_a_flipped_byte_in_a_segment_is_found_named_and_never_a_wrong_answer(two_segments, name):
    from index.check import check_index
    from index.repair import repair_index

    data = two_segments
    seg = open_current(data).manifest.segments[1]
    docs_of_seg = segment_docs(data, seg.id)
    flip(layout.segment_dir(data, seg) / name, 0.6)
    check = check_index(data)
    assert not check.ok and any(f"{seg.name}/{name}" in f.what for f in check.findings)
    version = fresh_process_view(data)
    assert any(f"{seg.name}/{name}" in d for d in version.damage)  # at query time too
    retriever = Retriever(version, HashingEmbedder())
    for d in range(24):
        hits = retriever.search(doc(d).text[:80], 3)  # never an exception
        if name == layout.DENSE_INDEX:  # derived: served rebuilt from the vectors
            assert hits[0].chunk.doc_id == f"doc-{d:03d}"
        for h in hits:  # a damaged truth is never read: no hit from that segment
            assert name == layout.DENSE_INDEX or h.chunk.doc_id not in docs_of_seg
    done = repair_index(data)
    assert done
    after = check_index(data)
    assert after.ok, after.findings
    version = fresh_process_view(data)
    assert not version.damage
    expected = 12 if name == layout.CHUNK_STORE else 24  # a damaged chunk store has no copy
    assert len(version.documents()) == expected
    assert ask_everything(data) == expected
    assert lexical_rows(data) == version.n_chunks


def test_a_flipped_lexical_file_is_found_and_queries_fall_back_to_dense(two_segments):
    from index.check import check_index
    from index.repair import repair_index

    data = two_segments
    files = [
        p for p in layout.lexical_dir(data).iterdir() if p.suffix in (".term", ".store", ".idx")
    ]
    target = max(files, key=lambda p: p.stat().st_size)
    flip(target, 0.5)
    check = check_index(data)
    assert not check.ok and any(target.name in f.what for f in check.findings)
    version = fresh_process_view(data)
    retriever = Retriever(version, HashingEmbedder())
    assert retriever.search(doc(5).text[:80], 3)[0].chunk.doc_id == "doc-005"
    assert any("lexical" in d for d in version.damage)
    assert any("rebuilt" in line for line in repair_index(data))
    assert check_index(data).ok
    assert not fresh_process_view(data).damage
    assert lexical_rows(data) == open_current(data).n_chunks


def test_a_cut_manifest_is_served_from_its_copy_and_rewritten(two_segments):
    from index.check import check_index
    from index.repair import repair_index

    data = two_segments
    live = layout.current_version_dir(data)
    text = (live / layout.MANIFEST).read_text()
    (live / layout.MANIFEST).write_text(text[: len(text) // 2])
    assert len(fresh_process_view(data).documents()) == 24  # nothing fell back
    assert not check_index(data).ok
    assert any("rewritten" in line for line in repair_index(data))
    assert check_index(data).ok and (live / layout.MANIFEST).read_text() == text


def test_a_version_with_no_intact_manifest_keeps_its_segments(two_segments):
    """Before, the server fell back to the previous version and the next writes collected the
    newer segment: 24 documents became 12 for good."""
    data = two_segments
    live = layout.current_version_dir(data)
    newest = open_current(data).manifest.segments[1]
    for copy in (layout.MANIFEST, layout.MANIFEST_COPY):
        (live / copy).write_text("{")
    ingestor(data).write([doc(40)])
    ingestor(data).write([doc(41)])
    assert layout.segment_dir(data, newest).is_dir()  # never collected


def test_gc_reclaims_what_dead_writes_left(tmp_path, monkeypatch):
    from index.check import DEBRIS, check_index
    from index.writer import gc

    data = tmp_path / "d"
    ingestor(data).write([doc(i) for i in range(12)])
    clean = layout.disk_usage(data)
    for point in ("write.segments", "write.lexical", "write.manifest"):
        monkeypatch.setenv("QUARRY_FAULTS", f"{point}=raise")
        with pytest.raises(IndexWriteError):
            ingestor(data).write([doc(i, 1) for i in range(12)])
    monkeypatch.delenv("QUARRY_FAULTS")
    check = check_index(data)
    assert check.ok and sum(f.kind == DEBRIS for f in check.findings) >= 3
    assert gc(data, 2) > 0
    assert not [f for f in check_index(data).findings if f.kind == DEBRIS]
    assert layout.disk_usage(data) <= 1.2 * clean


def test_compaction_refuses_to_copy_damaged_rows_and_readyz_says_degraded(two_segments):
    """Copying a damaged segment would give its rows fresh, valid checksums: refused."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from base.errors import IndexDamagedError
    from index.repair import repair_index
    from quarry.engine import Engine

    data = two_segments
    seg = open_current(data).manifest.segments[0]
    flip(layout.segment_dir(data, seg) / layout.VECTORS, 0.3)
    with pytest.raises(IndexDamagedError, match=f"{seg.name}/vectors.f32"):
        ingestor(data).compact()
    fresh_process_view(data)
    settings = Settings(data_dir=data, reader=False, chunk_size=48, chunk_overlap=8)
    with TestClient(create_app(settings, Engine(settings, embedder=HashingEmbedder()))) as c:
        ready = c.get("/readyz").json()
        assert ready["status"] == "degraded" and seg.name in ready["damage"][0]
        repair_index(data)
        fresh_process_view(data)
        assert c.get("/readyz").json()["status"] == "ready"  # the repaired version, reopened
    assert ingestor(data).compact().n_documents == 24
