"""Red team: hostile files and abusive clients, against real servers on loopback (bounded).

Each case is one of issue 13's: a bomb or deeply nested file next to a good one, names that
collide, an upload job killed mid-way, a public widget key shared by many visitors, key guessing,
spoofed X-Forwarded-For, keys outside latin-1, chunked bodies, loose JSON types, huge ids.
"""

import os
import shutil
import signal
import threading
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.security import TokenBuckets
from quarry.engine import Engine
from quarry.settings import Settings
from tests.conftest import free_port, start_server
from tests.hostile import deep_html, docx_bomb, pdf_deep_page_tree, pdf_flate_bomb

pytestmark = pytest.mark.slow
GOOD = (
    "Harbor light log\n\nThe keeper of the Fenwick harbor light in 1887 was Ada Quillfeather. "
    "She lit the lamp every night for thirty years.\n"
)


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        line = next(x for x in f if x.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


@pytest.fixture()
def live(tmp_path, seed_settings):
    data_dir = tmp_path / "data"
    shutil.copytree(seed_settings.data_dir, data_dir)
    port = free_port()
    env = {
        "QUARRY_DATA_DIR": str(data_dir),
        "QUARRY_RATE_LIMIT_PER_MINUTE": "100000",
        "QUARRY_RATE_LIMIT_BURST": "100000",
    }
    state = {
        "url": f"http://127.0.0.1:{port}",
        "proc": start_server(env, port),
        "data_dir": data_dir,
        "env": env,
        "port": port,
    }
    try:
        yield state
    finally:  # the server running now: a test may have replaced the first one
        state["proc"].kill()
        state["proc"].wait(timeout=30)


def wait_job(url, job_id, timeout=120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = httpx.get(f"{url}/admin/jobs/{job_id}", timeout=10).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError("job did not finish")


def test_hostile_files_are_skipped_alone_and_the_server_stays_up(live, tmp_path):
    url, pid = live["url"], live["proc"].pid
    hostile = {
        "bomb.docx": docx_bomb(512),
        "deep-tree.pdf": pdf_deep_page_tree(5000),
        "flate-bomb.pdf": pdf_flate_bomb(1024),
        "nested-20k.html": deep_html(20_000),
        "nested-200k.html": deep_html(200_000),
    }
    before = rss_mb(pid)
    peak, slowest, stop = [before], [0.0], threading.Event()

    def watch():
        while not stop.is_set():
            t0 = time.perf_counter()
            assert httpx.get(f"{url}/healthz", timeout=5).status_code == 200
            slowest[0] = max(slowest[0], time.perf_counter() - t0)
            peak[0] = max(peak[0], rss_mb(pid))
            time.sleep(0.1)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        started = time.monotonic()
        files = [("files", (name, data)) for name, data in hostile.items()]
        files.append(("files", ("harbor-log.txt", GOOD.encode())))
        job = httpx.post(f"{url}/admin/documents", files=files, timeout=60).json()
        job = wait_job(url, job["job_id"])
        took = time.monotonic() - started
    finally:
        stop.set()
        watcher.join()
    assert job["status"] == "done", job
    assert took < 60
    skipped = {os.path.basename(s["path"]): s for s in job["result"]["skipped"]}
    assert set(skipped) <= set(hostile) and {"bomb.docx", "deep-tree.pdf", "flate-bomb.pdf"} <= set(
        skipped
    )
    assert all(s["removed"] for s in skipped.values())
    uploads = live["data_dir"] / "uploads"
    assert not any((uploads / name).exists() for name in skipped)  # no pile of skipped files
    assert "harbor-log" in job["result"]["added"]
    answer = httpx.post(
        f"{url}/ask",
        json={"question": "Who was the keeper of the Fenwick harbor light?"},
        timeout=60,
    ).json()
    assert "Ada Quillfeather" in answer["answer"]
    assert peak[0] - before < 400, (before, peak[0])
    assert slowest[0] < 1.0


def test_uploads_with_colliding_names_never_overwrite(live):
    url = live["url"]
    for name, text in (
        ("отчёт.txt", "Отчёт: маяк зажигают в восемь."),
        ("報告.txt", "報告書です。"),
        ("отчёт.txt", "Второй отчёт о маяке на севере."),
    ):
        job = httpx.post(f"{url}/admin/documents", files=[("files", (name, text.encode()))]).json()
        assert wait_job(url, job["job_id"])["status"] == "done"
    stored = sorted(p.name for p in (live["data_dir"] / "uploads").iterdir())
    assert len(stored) == 3 and "отчёт.txt" in stored and "報告.txt" in stored
    docs = {d["doc_id"] for d in httpx.get(f"{url}/documents").json()}
    assert {"отчёт", "報告"} <= docs and len([d for d in docs if d.startswith("отчёт")]) == 2


def test_an_upload_job_killed_mid_way_is_finished_at_start_up(live):
    url, data_dir = live["url"], live["data_dir"]
    job = httpx.post(
        f"{url}/admin/documents", files=[("files", ("harbor-log.txt", GOOD.encode()))]
    ).json()
    live["proc"].send_signal(signal.SIGKILL)  # at once: mid-job, or just after it
    live["proc"].wait(timeout=30)
    assert job["status"] in ("queued", "running")
    live["proc"] = start_server(live["env"], live["port"])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        docs = {d["doc_id"] for d in httpx.get(f"{url}/documents").json()}
        if "harbor-log" in docs:
            break
        time.sleep(0.3)
    assert "harbor-log" in docs
    assert [p.name for p in (data_dir / "uploads").iterdir()] == ["harbor-log.txt"]


@pytest.fixture()
def keyed_app(tmp_path, seed_settings, real_embedder):
    data_dir = tmp_path / "data"
    shutil.copytree(seed_settings.data_dir, data_dir)
    settings = Settings(
        data_dir=data_dir,
        admin_keys=["clé-ü-admin"],
        widget_keys=["public-widget"],
        allowed_origins=["https://site.example"],
        rate_limit_per_minute=60,
        rate_limit_burst=5,
    )
    return create_app(settings, Engine(settings, embedder=real_embedder))


def client_at(app, ip):
    """A client seen by the app as coming from ``ip`` (the app's lifespan runs elsewhere)."""
    return TestClient(app, client=(ip, 5000))


def test_one_visitor_cannot_use_up_a_public_widget_key(keyed_app):
    widget = {"X-API-Key": "public-widget", "Origin": "https://site.example"}
    with TestClient(keyed_app):  # runs the lifespan (loads the index)
        a, b = client_at(keyed_app, "10.0.0.1"), client_at(keyed_app, "10.0.0.2")
        codes = [a.get("/documents", headers=widget).status_code for _ in range(8)]
        assert codes[:5] == [200] * 5 and codes[-1] == 429
        assert b.get("/documents", headers=widget).status_code == 200


def test_failed_authentication_is_throttled_per_client(keyed_app):
    with TestClient(keyed_app):
        guesser, other = client_at(keyed_app, "10.0.0.3"), client_at(keyed_app, "10.0.0.4")
        codes = [
            guesser.get("/documents", headers={"X-API-Key": f"guess-{i}"}).status_code
            for i in range(14)
        ]
        assert codes[:10] == [403] * 10 and set(codes[10:]) == {429}
        # even the right key waits now; another client is not affected
        right = {"X-API-Key": "clé-ü-admin".encode()}
        assert guesser.get("/documents", headers=right).status_code == 429
        assert other.get("/documents", headers=right).status_code == 200


def test_keys_outside_latin1_match_as_utf8(keyed_app):
    with TestClient(keyed_app):
        c = client_at(keyed_app, "10.0.0.5")
        assert c.get("/documents", headers={"X-API-Key": "clé-ü-admin".encode()}).status_code == 200


def test_requests_are_checked_strictly_and_echo_little(keyed_app):
    admin = {"X-API-Key": "clé-ü-admin".encode()}
    with TestClient(keyed_app):
        c = client_at(keyed_app, "10.0.0.6")

        def chunks():
            for _ in range(80):
                yield b'{"question": "' + b"x" * 1000

        r = c.post("/ask", content=chunks(), headers={**admin, "Content-Type": "application/json"})
        assert r.status_code == 413 and "limit" in r.json()["detail"]
        for top_k in ("5", True, 5.5):
            r = c.post("/ask", json={"question": "Who?", "top_k": top_k}, headers=admin)
            assert r.status_code == 422, top_k
        huge = "z" * 60_000  # (the HTTP client caps URLs at 64 KiB)
        r = c.get(f"/documents/{huge}", headers=admin)
        assert r.status_code == 404 and len(r.text) < 400


def test_idle_buckets_are_evicted_under_a_million_clients():
    buckets = TokenBuckets(per_minute=60, burst=2, max_buckets=10_000)
    for i in range(1_000_000):
        buckets.take(f"ip:{i}", now=float(i) / 1000)
    assert len(buckets) == 10_000
    # the most recent clients are the ones kept, with their state
    assert buckets.wait("ip:999999", now=1000.0) == 0.0
    buckets.take("ip:999999", now=1000.0)
    buckets.take("ip:999999", now=1000.0)
    assert buckets.wait("ip:999999", now=1000.0) > 0


@pytest.mark.parametrize("trusted", [False, True])
def test_x_forwarded_for_is_believed_only_from_configured_proxies(tmp_path, seed_settings, trusted):
    data_dir = tmp_path / "data"
    shutil.copytree(seed_settings.data_dir, data_dir)
    port = free_port()
    env = {
        "QUARRY_DATA_DIR": str(data_dir),
        "QUARRY_RATE_LIMIT_PER_MINUTE": "60",
        "QUARRY_RATE_LIMIT_BURST": "3",
    }
    if trusted:
        env["QUARRY_TRUSTED_PROXIES"] = '["127.0.0.1"]'
    proc = start_server(env, port)
    try:
        codes = [
            httpx.get(
                f"http://127.0.0.1:{port}/documents", headers={"X-Forwarded-For": f"198.51.100.{i}"}
            ).status_code
            for i in range(6)
        ]
    finally:
        proc.kill()
        proc.wait(timeout=30)
    # Spoofed addresses each get a fresh bucket only when the proxy is trusted.
    assert (429 in codes) is (not trusted), codes
