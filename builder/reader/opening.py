"""Opening a guide file safely: a regular file inside the source root, never more than a cap read."""

from __future__ import annotations

import os
import stat
from pathlib import Path

MAX_FILE_BYTES = 8 * 1024 * 1024  # a guide is a few hundred KB; larger files are refused
_CHUNK = 1024 * 1024


class Refused(Exception):
    """A source file that is not read; `rule` is the diagnostic id, the message says why."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule


def inside(path: Path, root: Path) -> bool:
    """Whether `path`, with every symlink resolved, lies inside `root`."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop
        return False


def read_source(name: str, root: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a guide file, or `Refused` / `OSError` saying why it is not read.

    A FIFO, a device or a socket is refused before it is read (so /dev/zero never streams and a
    FIFO never blocks: the open is non-blocking and fstat checks the file actually opened); the
    size is checked on that descriptor and reading stops at the cap even if the file grows.
    """
    path = Path(name)
    if not inside(path, root):
        raise Refused("symlink-outside", "symlink points outside the source folder; it is not read "
                                         "(copy the file into the source folder)")
    _refuse_special(os.stat(name).st_mode)
    fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | os.O_CLOEXEC)
    try:
        info = os.fstat(fd)
        _refuse_special(info.st_mode)
        if info.st_size > limit:
            raise _too_large(info.st_size, limit)
        chunks: list[bytes] = []
        total = 0
        while chunk := os.read(fd, min(_CHUNK, limit + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise _too_large(total, limit, grew=True)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _refuse_special(mode: int) -> None:
    if not stat.S_ISREG(mode):
        kind = ("a FIFO" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                else "a socket" if stat.S_ISSOCK(mode) else "a folder" if stat.S_ISDIR(mode) else "special")
        raise Refused("not-regular-file", f"not a regular file ({kind}); only regular .md files are read")


def _too_large(size: int, limit: int, grew: bool = False) -> Refused:
    what = f"grew past {limit // 1048576} MiB while being read" if grew else f"is {size / 1048576:.1f} MiB"
    return Refused("file-too-large", f"file {what}; guides over {limit // 1048576} MiB are not read "
                                     "(split it per objective)")
