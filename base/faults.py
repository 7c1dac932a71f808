"""Named fault points: places in a write where a test can crash, fail or hold the process.

A write calls ``fault_point("write.lexical")`` at each step; nothing happens unless the
``QUARRY_FAULTS`` environment variable names that point. Tests use it to put a crash or a race
exactly where they mean to, instead of guessing with sleeps:

    QUARRY_FAULTS="write.lexical=kill"              SIGKILL itself there (a crash)
    QUARRY_FAULTS="write.manifest=raise"            raise ``InjectedFault`` there
    QUARRY_FAULTS="ingest.loaded=hold:/tmp/gate"    create /tmp/gate.reached, then wait until
                                                    /tmp/gate exists (a barrier the test opens)

Several points are separated by ``;``. The points, in the order a write reaches them:

    ingest.loaded     the files are read; nothing is locked or written yet
    write.embedded    the new chunks are embedded (vectors in the cache), no segment written
    write.segments    the new segment folders are complete
    write.lexical     their rows are committed to the lexical index
    write.tombstones  a delete's tombstones are recorded, its version not yet published
    write.manifest    the new version's manifest is in versions/, CURRENT not yet moved
    write.current     CURRENT names the new version (old files not yet collected)
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

POINTS = (
    "ingest.loaded",
    "write.embedded",
    "write.segments",
    "write.lexical",
    "write.tombstones",
    "write.manifest",
    "write.current",
)
HOLD_LIMIT_S = 600.0  # a held write gives up waiting after this (a test that never opens it)


class InjectedFault(OSError):
    """Raised at a fault point set to ``raise``: a write failing there, on purpose, as a failed
    disk write would (so it takes the same path to the user: one honest ``error:`` line)."""


def _actions() -> dict[str, str]:
    spec = os.environ.get("QUARRY_FAULTS", "")
    out = {}
    for part in spec.split(";"):
        name, _, action = part.strip().partition("=")
        if name:
            out[name] = action
    return out


def fault_point(name: str) -> None:
    """Act on ``name`` as ``QUARRY_FAULTS`` says (by default: nothing)."""
    action = _actions().get(name)
    if not action:
        return
    if action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif action == "raise":
        raise InjectedFault(0, f"fault injected at {name}")
    elif action.startswith("hold:"):
        gate = Path(action[len("hold:") :])
        Path(f"{gate}.reached").touch()
        deadline = time.monotonic() + HOLD_LIMIT_S
        while not gate.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
    else:
        raise ValueError(f"QUARRY_FAULTS: unknown action {action!r} for {name}")
