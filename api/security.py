"""Access control and limits at the HTTP edge: API keys, token-bucket rate limits, body size.

Two kinds of keys, stored only as sha256 hashes and compared in constant time:
admin keys may change the corpus; widget keys may only ask and read documents, and only from
their allowed origins. With no keys configured everything is open, which ``quarry serve`` allows
only on a loopback address.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from base.errors import ConfigError
from quarry.settings import Settings

HEADER = "x-api-key"


def hash_key(raw: str) -> str:
    return "sha256:" + hashlib.sha256(raw.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class WidgetKey:
    digest: str
    origins: tuple[str, ...]


@dataclass
class KeyRing:
    """The configured keys, hashed."""

    admin: list[str] = field(default_factory=list)
    widget: list[WidgetKey] = field(default_factory=list)

    @property
    def enabled(self) -> bool:
        return bool(self.admin or self.widget)

    @classmethod
    def from_settings(cls, settings: Settings) -> KeyRing:
        ring = cls(
            admin=[hash_key(k) for k in settings.admin_keys if k],
            widget=[
                WidgetKey(hash_key(k), tuple(settings.allowed_origins))
                for k in settings.widget_keys
                if k
            ],
        )
        if settings.keys_file is not None:
            ring._load_file(settings.keys_file, settings)
        return ring

    def _load_file(self, path: Path, settings: Settings) -> None:
        try:
            data = json.loads(path.read_text())
            self.admin += [_digest(k) for k in data.get("admin", [])]
            for entry in data.get("widget", []):
                origins = tuple(entry.get("origins") or settings.allowed_origins)
                self.widget.append(WidgetKey(_digest(entry["hash"]), origins))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ConfigError(
                f"QUARRY_KEYS_FILE {path} is unreadable or malformed: {exc}"
            ) from None

    def role(self, raw: str | None, origin: str | None) -> str | None:
        """'admin', 'widget' or None (unknown key, or a widget key from another origin)."""
        if not raw:
            return None
        digest = hash_key(raw)
        role = None
        for stored in self.admin:  # no early exit: the time taken does not depend on a match
            if hmac.compare_digest(stored, digest):
                role = "admin"
        for w in self.widget:
            if hmac.compare_digest(w.digest, digest) and role is None:
                role = "widget" if origin in w.origins else "wrong-origin"
        return role


def _digest(value: str) -> str:
    if not value.startswith("sha256:") or len(value) != 71:
        raise ValueError(
            f"keys must be stored as 'sha256:<64 hex>' (see `quarry keys hash`), got {value[:12]!r}"
        )
    return value


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_bind(settings: Settings, ring: KeyRing) -> str:
    """Refuse to expose an unprotected service; return the startup notice to print."""
    if not ring.admin and not is_loopback(settings.host):
        raise ConfigError(
            f"refusing to bind to {settings.host} with no admin key configured: set "
            "QUARRY_ADMIN_KEYS (or QUARRY_KEYS_FILE), or bind to 127.0.0.1"
        )
    if not ring.enabled:
        return (
            f"no API keys configured: open access, bound to loopback ({settings.host}) only; "
            "set QUARRY_ADMIN_KEYS / QUARRY_WIDGET_KEYS to expose it"
        )
    return f"API keys configured: {len(ring.admin)} admin, {len(ring.widget)} widget"


class TokenBuckets:
    """One token bucket per name: ``rate`` tokens a second, at most ``burst`` saved up.

    Buckets live in least-recently-used order and the oldest is dropped past ``max_buckets``:
    memory and the time per request stay bounded however many distinct clients come (an idle
    bucket refills to full anyway, so dropping it forgets little).
    """

    def __init__(self, per_minute: int, burst: int, max_buckets: int = 100_000) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.max_buckets = max_buckets
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._buckets)

    def _refilled(self, name: str, now: float) -> float:
        tokens, last = self._buckets.get(name, (self.burst, now))
        return min(self.burst, tokens + (now - last) * self.rate)

    def take(self, name: str, now: float | None = None) -> float:
        """Take a token; return 0 if allowed, else the seconds until one is available."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens = self._refilled(name, now)
            if tokens >= 1.0:
                self._buckets[name] = (tokens - 1.0, now)
                wait = 0.0
            else:
                self._buckets[name] = (tokens, now)
                wait = (1.0 - tokens) / self.rate
            self._buckets.move_to_end(name)
            while len(self._buckets) > self.max_buckets:
                self._buckets.popitem(last=False)
        return wait

    def wait(self, name: str, now: float | None = None) -> float:
        """Seconds until ``name`` has a token, without taking one (0 when it has)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            if name not in self._buckets:
                return 0.0
            tokens = self._refilled(name, now)
        return 0.0 if tokens >= 1.0 else (1.0 - tokens) / self.rate


def retry_after(wait: float) -> str:
    return str(max(1, math.ceil(wait)))
