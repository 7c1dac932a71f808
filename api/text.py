"""What the API says back about a client's input: never more than a little of it."""

from __future__ import annotations

MAX_ECHO = 200


def clip(text: str, limit: int = MAX_ECHO) -> str:
    """``text`` cut to ``limit`` characters, marked with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
