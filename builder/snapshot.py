"""Guide files must hold still while a build reads them: size, mtime and hash before and after."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from builder.diagnostics import SourceError
from builder.model import Guide
from builder.reader import discover
from builder.reader.opening import Refused, read_source

Stamp = tuple[int, int]  # size, mtime in nanoseconds


class SourceChanged(SourceError):
    """A guide file changed while the build read it (or wrote its outputs)."""


def stamps(sources: list[str]) -> dict[str, Stamp]:
    """Size and mtime of every guide file the sources name, taken before anything is read."""
    found: dict[str, Stamp] = {}
    try:
        files, _ = discover(sources)
    except SourceError:
        return found  # the reader says what is wrong with the sources
    for name in files:
        try:
            info = os.stat(name)
        except OSError:
            continue
        found[name] = (info.st_size, info.st_mtime_ns)
    return found


def verify(guide: Guide, before: dict[str, Stamp], step: str) -> None:
    """Raise `SourceChanged` if any file read for `guide` differs now from what was read."""
    root = Path(guide.root)
    for source in guide.sources:
        try:
            info = os.stat(source.path)
            same = (info.st_size, info.st_mtime_ns) == before.get(source.path) and \
                hashlib.sha256(read_source(source.path, root)).hexdigest() == source.sha256
        except (OSError, Refused):
            same = False
        if not same:
            raise SourceChanged(f"{source.path}: changed while the build was {step} it; {_AFTER[step]}")


_AFTER = {
    "reading": "nothing was written: build again once it is saved",
    "writing outputs from": "the outputs are of the version read before the change: build again",
}
