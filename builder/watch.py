"""`build --watch`: what a build reads, and waiting until some of it changes."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path

Snapshot = dict[str, tuple[int, int]]  # path: (modification time in ns, size)

INTERVAL = 0.1  # seconds between two looks at the files (a tree of over BIG files: SLOW)
SLOW = 0.5
BIG = 2000
SETTLE = 0.05  # an editor's save is often several writes: a change counts once this long unchanged


def snapshot(paths: Iterable[Path], skip: Iterable[Path] = ()) -> Snapshot:
    """Every file under `paths` (files or folders) with its time and size, less hidden files and
    folders (.git, the sheets cache), those under `skip` (the output folder) and identity ledgers
    (`*.lock`: the build writes them itself)."""
    skipped = {os.path.realpath(p) for p in skip}
    found: Snapshot = {}

    def add(path: str) -> None:
        try:
            st = os.stat(path)
        except OSError:  # gone between listing and looking: the next look sees it gone
            return
        found[path] = (st.st_mtime_ns, st.st_size)

    for root in paths:
        top = str(root)
        if os.path.isfile(top):
            add(top)
            continue
        for folder, dirs, files in os.walk(top):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__"
                             and os.path.realpath(os.path.join(folder, d)) not in skipped)
            for name in sorted(files):
                if not name.startswith(".") and not name.endswith(".lock"):
                    add(os.path.join(folder, name))
    return found


def changed(before: Snapshot, after: Snapshot) -> list[str]:
    """The files added, removed or modified between two snapshots, in name order."""
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))


def wait_for_change(look: Callable[[], Snapshot], seen: Snapshot,
                    sleep: Callable[[float], None] = time.sleep) -> tuple[Snapshot, list[str]]:
    """Look every INTERVAL (SLOW in a big tree) until the files differ from `seen` and then hold
    still for SETTLE: the new snapshot and the files that changed."""
    while True:
        sleep(INTERVAL if len(seen) <= BIG else SLOW)
        now = look()
        if now == seen:
            continue
        while True:
            sleep(SETTLE)
            again = look()
            if again == now:
                return now, changed(seen, now)
            now = again
