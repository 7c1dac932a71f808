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


class Guard:
    def __init__(self, app: Any, settings: Settings, ring: KeyRing) -> None:
        self.app = app
        self.settings = settings
        self.ring = ring
        self.buckets = TokenBuckets(settings.rate_limit_per_minute, settings.rate_limit_burst)

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
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        key = headers.get(HEADER) or _bearer(headers.get("authorization", ""))
        client = (scope.get("client") or ("unknown", 0))[0]

        role = self.ring.role(key, headers.get("origin")) if self.ring.enabled and key else None
        denied = self._authorize(scope["path"], key, role)
        if denied:
            await _reply(send, *denied)
            return
        # Routes read the caller's role: only admin keys see full server paths of sources.
        scope.setdefault("state", {})[ROLE] = role
        waits = [self.buckets.take(f"ip:{client}")]
        if key:
            waits.append(self.buckets.take(f"key:{hash_key(key)}"))
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
        await self.app(scope, _limited(receive, limit), send)

    def _authorize(self, path: str, key: str | None, role: str | None) -> tuple[int, str] | None:
        admin_path = path.startswith("/admin")
        if not self.ring.enabled:
            return None  # open mode: `quarry serve` only allows it on loopback
        if admin_path and not self.ring.admin:
            return (403, "no admin keys are configured; admin endpoints are disabled")
        if not key:
            return (401, "missing API key: send it in the X-API-Key header")
        if role == "wrong-origin":
            return (403, "this widget key is not allowed from this origin")
        if role is None:
            return (403, "invalid API key")
        if admin_path and role != "admin":
            return (403, "this key may only ask and read documents; an admin key is required")
        return None


def _bearer(value: str) -> str | None:
    return value[7:].strip() or None if value.lower().startswith("bearer ") else None


class BodyTooLarge(Exception):
    pass


def _limited(receive: Any, limit: int) -> Any:
    seen = 0

    async def wrapped() -> dict[str, Any]:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge(f"request body over the {limit}-byte limit")
        return message

    return wrapped


async def _reply(send: Any, status: int, detail: str, extra: dict[str, str] | None = None) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in (extra or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
