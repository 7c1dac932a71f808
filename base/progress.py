"""Progress bars for long work: shown on a terminal, silent when output is piped or captured."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from typing import Any

from tqdm import tqdm


def progress_bar(
    iterable: Iterable[Any] | None = None, *, enabled: bool | None = None, **kwargs: Any
) -> tqdm:
    """A tqdm bar. ``enabled=None`` shows it only when stderr is a terminal.

    Some terminals (``script`` sessions, some CI consoles) report a size of 0 x 0, and tqdm
    then hides the bar as if it were below the last row; the size falls back to 80 x 24.
    """
    size = shutil.get_terminal_size((80, 24))
    disable = None if enabled is None else not enabled
    return tqdm(
        iterable,
        disable=disable,
        ncols=min(size.columns or 80, 120),
        nrows=size.lines or 24,
        **kwargs,
    )
