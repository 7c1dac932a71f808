"""Answering stage: question -> retrieved passages -> extractive answer with verified citations.

The names below are loaded on first use, so that importing a light module of the package
(``qa.policy``, which ``quarry.settings`` reads its defaults from) does not load the answer
stage and its models' libraries.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qa.answer import Answerer
    from qa.policy import AnswerPolicy
    from qa.types import Answer, Citation, Passage

__all__ = ["Answer", "AnswerPolicy", "Answerer", "Citation", "Passage"]
_HOMES = {
    "Answer": "qa.types",
    "AnswerPolicy": "qa.policy",
    "Answerer": "qa.answer",
    "Citation": "qa.types",
    "Passage": "qa.types",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'qa' has no attribute {name!r}")
    return getattr(import_module(_HOMES[name]), name)
