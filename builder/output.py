"""Atomic file output: a reader of dist/ sees the old file or the new one, never half of one."""

from __future__ import annotations

import errno
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from builder.diagnostics import OutputError

TEMP_PREFIX = ".cheatdeck-tmp-"
# A temp file is named for the process writing it, so a starting build can tell a live
# build's temp files (kept) from a killed one's (removed).
_OWNER = re.compile(re.escape(TEMP_PREFIX) + r"(\d+)-")
_FULL = (errno.ENOSPC, errno.EDQUOT)
# The temp files this process is writing: SIGTERM and Ctrl-C end the build at once
# (workers.stop_on_signals), removing these first, so no exit path but SIGKILL leaves one.
_LIVE: set[str] = set()
_LIVE_LOCK = threading.Lock()


def ensure_dir(path: Path) -> Path:
    """Create an output folder, or say clearly why it cannot be written."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_error(path, exc, "cannot create output folder") from exc
    if not os.access(path, os.W_OK | os.X_OK):
        raise OutputError(f"{path}: output folder is not writable (choose another with -o)")
    return path


def write_error(path: Path, exc: OSError, what: str = "cannot write") -> OutputError:
    """One clean line for a failed write; a full disk says so."""
    if exc.errno in _FULL:
        return OutputError(f"no space left on device writing {path} (free some space and build again)")
    return OutputError(f"{path}: {what}: {exc.strerror or exc}")


def atomic_write(path: Path, data: bytes | str) -> Path:
    """Write to a temp file beside `path`, fsync it, then rename it over `path`.

    The temp file is removed on every failure, and a failed write is an `OutputError`.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_file(path) as fh:
        fh.write(payload)
    return path


@contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """A file to write `path` through, for output too large to hold in memory: what the block
    writes goes to a temp file beside `path`, fsynced and renamed over `path` when the block
    ends; on any failure the temp file is removed (a failed write is an `OutputError`)."""
    ensure_dir(path.parent)
    with _LIVE_LOCK:  # a signal between mkstemp and the registration cannot lose the name
        try:
            fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", dir=path.parent)
        except OSError as exc:
            raise write_error(path, exc) from exc
        _LIVE.add(tmp)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise write_error(path, exc) from exc
        raise
    finally:
        _LIVE.discard(tmp)


def remove_live_temps() -> None:
    """Remove the temp files this process is writing (it is about to exit on a signal)."""
    for tmp in list(_LIVE):
        try:
            os.unlink(tmp)
        except OSError:
            pass


def remove_stale_temps(root: Path, recursive: bool = True) -> None:
    """Temp files left by a killed build are never artifacts: remove them, but never those of
    a build that is still running (its process is alive)."""
    if not root.is_dir():
        return
    for stale in (root.rglob if recursive else root.glob)(TEMP_PREFIX + "*"):
        owner = _OWNER.match(stale.name)
        if owner is None or not _alive(int(owner.group(1))):
            stale.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    except (OverflowError, OSError):
        return False
    return True
