"""A watched folder under a burst: ``python -m bench.watch [--files N] [--json OUT]``

Starts a ``FolderWatcher`` (as ``quarry serve --watch`` does) over a folder holding the seed
corpus, with the real default embedder, then writes N new one-paragraph files as fast as it can
(a checkout, a sync) and measures how many writes the watcher made and how long until every
file was in the index; then edits one file and measures how long until its new text is live.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import threading
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def main(argv: list[str] | None = None) -> int:
    from index.store import open_current
    from quarry.ingestor import Ingestor
    from quarry.settings import Settings
    from quarry.watch import FolderWatcher

    parser = argparse.ArgumentParser(
        prog="python -m bench.watch", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="quarry-watch-bench-"))
    try:
        folder = root / "docs"
        shutil.copytree(CORPUS, folder)
        ingestor = Ingestor(Settings(data_dir=root / "data"), progress=False)
        writes: list[dict] = []
        watcher = FolderWatcher(
            ingestor,
            [folder],
            on_write=lambda a: writes.append(
                {"changed": len(a.changed), "added": len(a.added), "seconds": round(a.seconds, 2)}
            ),
        )
        watcher.sync()
        base = len(open_current(root / "data").documents())
        stop = threading.Event()
        thread = threading.Thread(target=watcher.run, args=(stop,), daemon=True)
        thread.start()
        writes.clear()
        started = time.monotonic()
        for i in range(args.files):
            (folder / f"burst-{i:05d}.txt").write_text(
                f"Burst note {i}: the survey of site {i} recorded {i * 7 % 101} core samples.\n"
            )
        written_s = time.monotonic() - started
        while len(open_current(root / "data").documents()) < base + args.files:
            time.sleep(0.1)
        settled_s = time.monotonic() - started
        burst_writes = len(writes)
        target = folder / "burst-00000.txt"
        edit_started = time.monotonic()
        target.write_text("Burst note 0 was corrected: site zero recorded 999 core samples.\n")
        version = open_current(root / "data")
        while "999" not in version.document(_doc_id(version, target)).text:
            time.sleep(0.1)
            version = open_current(root / "data")
        edit_s = time.monotonic() - edit_started
        stop.set()
        thread.join(timeout=30)
        result = {
            "files": args.files,
            "seconds_to_write_the_files": round(written_s, 2),
            "seconds_until_all_in_the_index": round(settled_s, 2),
            "writes_for_the_burst": burst_writes,
            "writes": writes[:burst_writes],
            "seconds_until_one_edit_is_live": round(edit_s, 2),
            "embedder": ingestor.settings.embedder,
        }
        print(json.dumps(result, indent=1))
        if args.json:
            args.json.write_text(json.dumps(result, indent=1) + "\n")
        return 0
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _doc_id(version, path: Path) -> str:  # type: ignore[no-untyped-def]
    return next(d.doc_id for d in version.documents() if Path(d.source) == path.resolve())


if __name__ == "__main__":
    raise SystemExit(main())
