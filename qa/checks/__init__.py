"""The answer stage's abstention checks, one module each, run in the order of
``AnswerPolicy.checks``.

A new check is one module here defining a ``Check`` subclass with a new ``name``, and that name
in the policy's ``checks``; nothing else changes. Modules are found by scanning this package.
"""

from __future__ import annotations

import pkgutil
from functools import cache
from importlib import import_module

from qa.checks.base import Asked, Check, Stage, listed

__all__ = ["Asked", "Check", "Stage", "listed", "registry"]


@cache
def registry() -> dict[str, Check]:
    """Every check of this package, by name (one instance each; checks hold no state)."""
    found: dict[str, Check] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name == "base":
            continue
        module = import_module(f"{__name__}.{info.name}")
        for value in vars(module).values():
            ours = isinstance(value, type) and issubclass(value, Check) and value is not Check
            if ours and value.__module__ == module.__name__:
                if value.name in found:
                    raise ValueError(f"two answer checks are named {value.name!r}")
                found[value.name] = value()
    return found
