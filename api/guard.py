"""ASGI middleware enforcing keys, rate limits and the request-body limit before any route runs."""

from __future__ import annotations

import json
from typing import Any

from api.security import HEADER, KeyRing, TokenBuckets, hash_key, retry_after
from quarry.settings import Settings

PUBLIC = {
    "/",
    "/widget.js",
    "/healthz",
    "/readyz",
    "/docs",
    "/openapi.json",
}
PUBLIC_PREFIXES = ("/docs-assets/",)
UPLOAD_PATH = "/admin/documents"
ROLE = "quarry_role"


MISSING_KEY = "missing API key: send it in the X-API-Key header"
INVALID_KEY = "invalid API key"
AUTH_FAILURES_PER_MINUTE = 10  # failed keys a client may send before it must wait
AUTH_FAILURE_BURST = 10


class Guard:
    """Keys, rate limits and the body limit, in that order.

    Rate limits: a bucket per client address, and one per key; a widget key's bucket is per key
    *and* client, since a widget key is public and one visitor must not use it up for everyone.
    Failed authentication (missing, wrong or wrong-origin keys) takes from a separate, small
    bucket per client; once it is empty that client gets 429 until it refills. The client
    address is the socket's, or the one a trusted proxy forwarded (QUARRY_TRUSTED_PROXIES).
    """

    def __init__(self, app: Any, settings: Settings, ring: KeyRing) -> None:
        self.app = app
        self.settings = settings
        self.ring = ring
        # With N serving processes each keeps its own buckets with 1/N of the limits: the kernel
        # spreads a client's connections over the processes, so together they allow about the
        # configured rate (documented; no state is shared between processes).
        workers = settings.workers
        self.buckets = TokenBuckets(
            max(1, settings.rate_limit_per_minute // workers),
            max(1, settings.rate_limit_burst // workers),
        )
        self.failures = TokenBuckets(AUTH_FAILURES_PER_MINUTE, AUTH_FAILURE_BURST)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        if (
            scope["type"] != "http"
            or path in PUBLIC
            or path.startswith(PUBLIC_PREFIXES)
            or scope["method"] == "OPTIONS"
        ):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): _text(v) for k, v in scope["headers"]}
        key = headers.get(HEADER) or _bearer(headers.get("authorization", ""))
        client = (scope.get("client") or ("unknown", 0))[0]

        blocked = self.failures.wait(f"fail:{client}")
        if blocked > 0:
            await _reply(
                send,
                429,
                "too many failed authentications from this client: wait and retry",
                {"retry-after": retry_after(blocked)},
            )
            return
        role = self.ring.role(key, headers.get("origin")) if self.ring.enabled and key else None
        denied = self._authorize(scope["path"], key, role)
        if denied:
            if denied[1] in (MISSING_KEY, INVALID_KEY):  # not a valid key with too few rights
                self.failures.take(f"fail:{client}")
            await _reply(send, *denied)
            return
        # Routes read the caller's role: only admin keys see full server paths of sources.
        scope.setdefault("state", {})[ROLE] = role
        waits = [self.buckets.take(f"ip:{client}")]
        if key:
            per_client = f":{client}" if role == "widget" else ""
            waits.append(self.buckets.take(f"key:{hash_key(key)}{per_client}"))
        if max(waits) > 0:
            await _reply(
                send,
                429,
                "rate limit exceeded: slow down and retry",
                {"retry-after": retry_after(max(waits))},
            )
            return
        upload = scope["path"] == UPLOAD_PATH and scope["method"] == "POST"
        limit = (
            self.settings.max_upload_bytes * self.settings.max_upload_files + 64 * 1024
            if upload
            else self.settings.max_body_bytes
        )
        length = headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            await _reply(send, 413, f"request body over the {limit}-byte limit")
            return
        # A body without a length (chunked) is counted as it arrives; past the limit the app's
        # reply (it fails reading the body) is replaced by a 413.
        tripped: list[bool] = []
        await self.app(scope, _limited(receive, limit, tripped), _or_413(send, tripped, limit))

    def _authorize(self, path: str, key: str | None, role: str | None) -> tuple[int, str] | None:
        admin_path = path.startswith("/admin")
        if not self.ring.enabled:
            return None  # open mode: `quarry serve` only allows it on loopback
        if admin_path and not self.ring.admin:
            return (403, "no admin keys are configured; admin endpoints are disabled")
        if not key:
            return (401, MISSING_KEY)
        if role == "wrong-origin":
            return (403, "this widget key is not allowed from this origin")
        if role is None:
            return (403, INVALID_KEY)
        if admin_path and role != "admin":
            return (403, "this key may only ask and read documents; an admin key is required")
        return None


def _bearer(value: str) -> str | None:
    return value[7:].strip() or None if value.lower().startswith("bearer ") else None


class BodyTooLarge(Exception):
    pass


def _text(value: bytes) -> str:
    """A header value as text: UTF-8 (keys outside latin-1 arrive so), else latin-1."""
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")


def _limited(receive: Any, limit: int, tripped: list[bool]) -> Any:
    seen = 0

    async def wrapped() -> dict[str, Any]:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                tripped.append(True)
                raise BodyTooLarge(f"request body over the {limit}-byte limit")
        return message

    return wrapped


def _or_413(send: Any, tripped: list[bool], limit: int) -> Any:
    replaced = False

    async def wrapped(message: dict[str, Any]) -> None:
        nonlocal replaced
        if not tripped:
            await send(message)
        elif not replaced and message["type"] == "http.response.start":
            replaced = True
            await _reply(send, 413, f"request body over the {limit}-byte limit")

    return wrapped


async def _reply(send: Any, status: int, detail: str, extra: dict[str, str] | None = None) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in (extra or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
