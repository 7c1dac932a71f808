"""Keys, origins, rate limits, body and upload limits, admin endpoints (real app, real model)."""

import json
import time

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.security import KeyRing, TokenBuckets, check_bind, hash_key
from base.errors import ConfigError
from quarry.engine import Engine
from quarry.settings import Settings
from tests.conftest import encrypted_pdf_bytes

ADMIN, WIDGET = "admin-secret-key", "widget-public-key"
SITE = "https://site.example"


@pytest.fixture()
def data_dir(tmp_path, seed_settings):
    import shutil

    target = tmp_path / "data"
    shutil.copytree(seed_settings.data_dir, target)
    return target


def make_client(data_dir, real_embedder, **overrides):
    # Polling jobs makes many requests: only the rate-limit test keeps the real limits.
    overrides.setdefault("rate_limit_per_minute", 100_000)
    overrides.setdefault("rate_limit_burst", 10_000)
    settings = Settings(
        data_dir=data_dir,
        admin_keys=[ADMIN],
        widget_keys=[WIDGET],
        allowed_origins=[SITE],
        **overrides,
    )
    app = create_app(settings, Engine(settings, embedder=real_embedder))
    return TestClient(app)


def wait_job(client, job_id, headers):
    for _ in range(1200):
        r = client.get(f"/admin/jobs/{job_id}", headers=headers)
        assert r.status_code == 200, r.text
        job = r.json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.25)
    raise AssertionError("job did not finish")


def test_keys_and_origins(data_dir, real_embedder):
    with make_client(data_dir, real_embedder) as c:
        q = {"question": "Who is the spokesman of China's Foreign Ministry?"}
        assert c.post("/ask", json=q).status_code == 401
        assert c.post("/ask", json=q, headers={"X-API-Key": "nope"}).status_code == 403
        ok = c.post("/ask", json=q, headers={"X-API-Key": WIDGET, "Origin": SITE})
        assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == SITE
        wrong = c.post(
            "/ask", json=q, headers={"X-API-Key": WIDGET, "Origin": "https://evil.example"}
        )
        assert wrong.status_code == 403 and "origin" in wrong.json()["detail"]
        assert (
            c.post("/ask", json=q, headers={"Authorization": f"Bearer {ADMIN}"}).status_code == 200
        )
        # The widget key cannot write; missing or wrong admin keys are refused.
        widget = {"X-API-Key": WIDGET, "Origin": SITE}
        for method, path in [
            ("delete", "/admin/documents/000_c2cc40ca7ae94980"),
            ("post", "/admin/reingest"),
            ("get", "/admin/jobs/x"),
        ]:
            assert getattr(c, method)(path, headers=widget).status_code == 403
            assert getattr(c, method)(path).status_code == 401
            assert getattr(c, method)(path, headers={"X-API-Key": "wrong"}).status_code == 403
        assert c.get("/documents", headers=widget).status_code == 200
        assert c.get("/healthz").status_code == 200  # probes stay open


def test_only_admin_keys_see_server_paths(data_dir, real_embedder, seed_settings):
    from tests.conftest import CORPUS

    with make_client(data_dir, real_embedder, corpus_dir=CORPUS) as c:
        q = {"question": "Who is the spokesman of China's Foreign Ministry?"}
        widget = {"X-API-Key": WIDGET, "Origin": SITE}
        admin = {"X-API-Key": ADMIN}
        cited = c.post("/ask", json=q, headers=widget).json()["citations"]
        assert cited and all(x["source"] == f"{x['doc_id']}.txt" for x in cited)
        listed = c.get("/documents", headers=widget).json()
        assert all(not d["source"].startswith("/") for d in listed)
        one = c.get(f"/documents/{listed[0]['doc_id']}", headers=widget).json()
        assert one["source"] == f"{listed[0]['doc_id']}.txt"
        full = c.get("/documents", headers=admin).json()
        assert all(d["source"].startswith(str(CORPUS.resolve())) for d in full)


def test_rate_limit_gives_429_with_retry_after(data_dir, real_embedder):
    with make_client(data_dir, real_embedder, rate_limit_per_minute=60, rate_limit_burst=3) as c:
        h = {"X-API-Key": ADMIN}
        codes = [c.get("/documents", headers=h).status_code for _ in range(5)]
        assert codes[:3] == [200, 200, 200] and codes[3] == 429
        r = c.get("/documents", headers=h)
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1


def test_token_bucket_refills_at_its_rate():
    buckets = TokenBuckets(per_minute=60, burst=2)
    assert buckets.take("a", now=0) == 0 and buckets.take("a", now=0) == 0
    assert buckets.take("a", now=0) == pytest.approx(1.0)  # one token a second
    assert buckets.take("a", now=1.0) == 0
    assert buckets.take("b", now=1.0) == 0  # buckets are independent


def test_body_limit(data_dir, real_embedder):
    with make_client(data_dir, real_embedder, max_body_bytes=2048) as c:
        big = json.dumps({"question": "x" * 5000})
        r = c.post(
            "/ask", content=big, headers={"X-API-Key": ADMIN, "Content-Type": "application/json"}
        )
        assert r.status_code == 413


def test_uploads_bad_files_reported_and_index_intact(data_dir, real_embedder, tmp_path):
    locked = encrypted_pdf_bytes("Locked text.")
    files = [
        (
            "files",
            ("good.md", b"# Kestrel Quarry\n\nThe Kestrel quarry ships granite on Tuesdays.\n"),
        ),
        ("files", ("empty.txt", b"")),
        ("files", ("binary.txt", b"\x00\x01\x02\x03" * 100)),
        ("files", ("fake.pdf", b"this is not a pdf at all")),
        ("files", ("locked.pdf", locked)),
        (
            "files",
            ("broken.html", b"<html><body><p>Unclosed <b>tags <div>Kestrel granite is grey."),
        ),
        ("files", ("latin1.txt", "Caf\u00e9 cr\u00e8me".encode("latin-1"))),  # read as Latin-1
        ("files", ("controls.txt", bytes(range(0x80, 0xA0)) * 3)),
    ]
    with make_client(data_dir, real_embedder, max_upload_bytes=4096) as c:
        h = {"X-API-Key": ADMIN}
        before = len(c.get("/documents", headers=h).json())
        r = c.post("/admin/documents", files=files, headers=h)
        assert r.status_code == 202, r.text
        job = wait_job(c, r.json()["job_id"], h)
        assert job["status"] == "done", job
        reasons = {s["path"].rsplit("/", 1)[-1]: s["reason"] for s in job["result"]["skipped"]}
        assert set(reasons) == {"empty.txt", "binary.txt", "fake.pdf", "locked.pdf", "controls.txt"}
        assert "encrypted" in reasons["locked.pdf"] and "UTF-8" in reasons["controls.txt"]
        docs = {d["doc_id"] for d in c.get("/documents", headers=h).json()}
        assert {"good", "broken", "latin1"} <= docs and len(docs) == before + 3
        answer = c.post(
            "/ask", json={"question": "When does the Kestrel quarry ship granite?"}, headers=h
        ).json()
        assert "Tuesdays" in answer["answer"]
        # Wrong type and oversized uploads are refused before anything is written.
        assert (
            c.post("/admin/documents", files=[("files", ("x.exe", b"MZ"))], headers=h).status_code
            == 415
        )
        huge = c.post("/admin/documents", files=[("files", ("huge.txt", b"a " * 5000))], headers=h)
        assert huge.status_code == 413 and "huge.txt" in huge.json()["detail"]
        # Delete: gone from the index and its uploaded file removed.
        d = c.delete("/admin/documents/good", headers=h)
        assert d.status_code == 200 and d.json()["removed"] == ["good"]
        assert c.get("/documents/good", headers=h).status_code == 404
        assert not (data_dir / "uploads" / "good.md").exists()
        assert c.delete("/admin/documents/good", headers=h).status_code == 404


def test_reingest_needs_a_corpus_folder(data_dir, real_embedder, corpus_copy, tmp_path):
    with make_client(data_dir, real_embedder) as c:
        assert c.post("/admin/reingest", headers={"X-API-Key": ADMIN}).status_code == 409
    h = {"X-API-Key": ADMIN}
    with make_client(tmp_path / "fresh", real_embedder, corpus_dir=corpus_copy) as c:
        first = wait_job(c, c.post("/admin/reingest", headers=h).json()["job_id"], h)
        assert first["status"] == "done" and len(first["result"]["added"]) == 5
        next(corpus_copy.glob("004_*")).unlink()
        job = wait_job(c, c.post("/admin/reingest", headers=h).json()["job_id"], h)
        assert job["status"] == "done" and job["result"]["removed"] == ["004_f2de16cde25f0e02"]
        assert job["result"]["embedded"] == 0


def test_binding_rules():
    assert "loopback" in check_bind(Settings(host="127.0.0.1"), KeyRing())
    with pytest.raises(ConfigError, match="QUARRY_ADMIN_KEYS"):
        check_bind(Settings(host="0.0.0.0"), KeyRing())
    assert "1 admin" in check_bind(Settings(host="0.0.0.0"), KeyRing(admin=[hash_key("k")]))


def test_keys_file_holds_only_hashes(tmp_path):
    path = tmp_path / "keys.json"
    path.write_text(
        json.dumps(
            {"admin": [hash_key("a")], "widget": [{"hash": hash_key("w"), "origins": [SITE]}]}
        )
    )
    ring = KeyRing.from_settings(Settings(keys_file=path))
    assert ring.role("a", None) == "admin"
    assert ring.role("w", SITE) == "widget" and ring.role("w", "https://x") == "wrong-origin"
    assert ring.role("nope", SITE) is None
    path.write_text(json.dumps({"admin": ["plaintext-key"]}))
    with pytest.raises(ConfigError, match="sha256"):
        KeyRing.from_settings(Settings(keys_file=path))


def test_a_keys_file_origin_passes_the_browsers_preflight(data_dir, real_embedder, tmp_path):
    """Before, CORS allowed only QUARRY_ALLOWED_ORIGINS: a keys-file widget origin got 200 from
    curl and 400 "Disallowed CORS origin" from the browser's preflight."""
    page = "http://127.0.0.1:8766"
    path = tmp_path / "keys.json"
    path.write_text(json.dumps({"widget": [{"hash": hash_key(WIDGET), "origins": [page]}]}))
    settings = Settings(data_dir=data_dir, keys_file=path)
    with TestClient(create_app(settings, Engine(settings, embedder=real_embedder))) as c:
        preflight = {
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-api-key",
        }
        ok = c.options("/ask", headers={"Origin": page, **preflight})
        assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == page
        assert "Origin" in ok.headers["vary"]
        assert c.options("/ask", headers={"Origin": SITE, **preflight}).status_code == 400
        q = {"question": "Who is the spokesman of China's Foreign Ministry?"}
        asked = c.post("/ask", json=q, headers={"X-API-Key": WIDGET, "Origin": page})
        assert asked.status_code == 200 and asked.headers["access-control-allow-origin"] == page
