"""How a caller sees what it may see (today: a document's source path)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request

from api.guard import ROLE


def public_source(root: Path | None) -> Callable[[str], str]:
    """A source as callers without an admin key see it: relative to the corpus folder
    ``root`` (QUARRY_CORPUS_DIR), or the file name, never the server's layout."""

    def show(source: str) -> str:
        path = Path(source)
        if root is not None and path.is_relative_to(root):
            return path.relative_to(root).as_posix()
        return path.name

    return show


def source_view(request: Request) -> Callable[[str], str]:
    """How this caller sees a document's ``source``: admin keys get the server path; everyone
    else ``public_source``."""
    if request.scope.get("state", {}).get(ROLE) == "admin":
        return lambda source: source
    return public_source(request.app.state.corpus_root)


SourceView = Annotated[Callable[[str], str], Depends(source_view)]
