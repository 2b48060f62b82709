"""Atomic file output: a reader of dist/ sees the old file or the new one, never half of one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from builder.diagnostics import OutputError

TEMP_PREFIX = ".cheatdeck-tmp-"


def ensure_dir(path: Path) -> Path:
    """Create an output folder, or say clearly why it cannot be written."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{path}: cannot create output folder: {exc.strerror or exc}") from exc
    if not os.access(path, os.W_OK | os.X_OK):
        raise OutputError(f"{path}: output folder is not writable (choose another with -o)")
    return path


def atomic_write(path: Path, data: bytes | str) -> Path:
    """Write to a temp file beside `path`, fsync it, then rename it over `path`."""
    ensure_dir(path.parent)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def remove_stale_temps(root: Path) -> None:
    """Temp files left by a killed build are never artifacts: remove them."""
    if root.is_dir():
        for stale in root.rglob(TEMP_PREFIX + "*"):
            stale.unlink(missing_ok=True)
