"""Checks on what a build reads back from dist/.cache (untrusted): names, places, sizes, digests, shapes."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

MAX_RECORD = 16 * 1024 * 1024  # no cache record is near this; a bigger one is junk, not read
DIGEST = re.compile(r"[0-9a-f]{64}\Z")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def plain_name(name: object) -> bool:
    """A file name with no folder part: nothing that could point elsewhere once joined to a folder."""
    return (isinstance(name, str) and name not in ("", ".", "..") and "/" not in name
            and "\\" not in name and "\0" not in name)


def inside(path: Path, folder: Path) -> bool:
    """Whether `path`, links followed, is in `folder` (links followed too)."""
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError, ValueError):
        return False


def unlink_links(folders: tuple[Path, ...]) -> list[Path]:
    """Remove any of these cache folders that is a link (it could lead writes and deletes elsewhere).

    Only the link goes, never what it points to; the cache is then made afresh in a real folder.
    """
    removed = []
    for folder in folders:
        if folder.is_symlink():
            folder.unlink(missing_ok=True)
            removed.append(folder)
    return removed


def count(value: object) -> bool:
    """A JSON whole number of zero or more (`true` is not one)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def text(value: object) -> bool:
    """A string a diagnostic may print: no terminal control characters (ESC, CSI, ...)."""
    return isinstance(value, str) and CONTROL.search(value) is None


def digest(value: object) -> bool:
    return isinstance(value, str) and DIGEST.match(value) is not None


def fingerprint(data: bytes) -> list[Any]:
    """What a cache records of a file it wrote: [size, sha256]."""
    return [len(data), hashlib.sha256(data).hexdigest()]


def fingerprint_of(path: Path) -> list[Any]:
    return fingerprint(path.read_bytes())


def matches(path: Path, size: int, sha256: str) -> bool:
    """Whether the regular file at `path` still has the size and sha256 recorded when it was written."""
    try:
        if not path.is_file() or path.stat().st_size != size:
            return False
        return hashlib.sha256(path.read_bytes()).hexdigest() == sha256
    except OSError:
        return False


def load_record(path: Path) -> Any:
    """The JSON at `path`, or None when it is missing, too big or not JSON (a miss, never a traceback)."""
    try:
        if path.stat().st_size > MAX_RECORD:
            return None
        return json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
