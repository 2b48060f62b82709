"""Images a guide references: checked by their bytes and size before any writer reads them whole."""

from __future__ import annotations

import os
import re
import stat
import warnings
from dataclasses import replace
from pathlib import Path

from builder.diagnostics import Diagnostic, warning
from builder.model import Guide, Image, Objective
from builder.svg import svg_problem

# Pillow warns on stderr (whatever -q says) when it opens an image over ~89 megapixels. Nothing
# here decodes such an image unbounded: decks ship images over 50 megapixels as they are, never
# decoded (anki/images.py), and a sheet render has a time budget (sheets/pool.py).
warnings.filterwarnings("ignore", message=r"Image size \(\d+ pixels\) exceeds limit", module="PIL")

# Module constants so that a later configuration file can set them.
MAX_MEDIA_BYTES = 20 * 1024 * 1024  # one image
MAX_BUILD_MEDIA_BYTES = 200 * 1024 * 1024  # all distinct images of one build together
_HEAD = 1024  # bytes read to recognise a format
_SVG = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<svg[\s>]",
                  re.DOTALL | re.IGNORECASE)


class MediaRejected(Exception):
    """An image that is left out; the message says why."""


def image_kind(head: bytes) -> str | None:
    """The format the first bytes of a file announce: png, jpeg, gif, webp or svg (else None)."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if _SVG.match(head):
        return "svg"
    return None


def read_media(path: Path, limit: int = MAX_MEDIA_BYTES) -> bytes:
    """The bytes of an image file, or `MediaRejected`: a regular file, at most `limit` bytes,
    whose first bytes are an image format's (checked before the rest is read)."""
    return read_bounded(path, limit, image=True)


def read_bounded(path: Path, limit: int = MAX_MEDIA_BYTES, image: bool = False,
                 what: str = "one image") -> bytes:
    """The bytes of a regular file of at most `limit` bytes; never reads more than `limit` + 1.
    An SVG (by its bytes, whatever its name) must pass `svg_problem`: the sheets' renderer
    fetches every file it draws, `<use href="other.svg#x">` included, through here."""
    with _opened(path) as fd:
        if not image:
            _check_size(fd, limit, what)
        chunks = [_checked_head(fd, limit) if image else b""]
        total = len(chunks[0])
        while total <= limit and (chunk := os.read(fd, min(1 << 20, limit + 1 - total))):
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:  # the file grew after fstat
            raise MediaRejected(_too_big(total, limit, what))
        data = b"".join(chunks)
    _check_svg(data)
    return data


def check_media(path: Path, limit: int = MAX_MEDIA_BYTES) -> int:
    """The size of an acceptable image file (reading only its first bytes; an SVG is read
    whole and measured), or `MediaRejected`."""
    with _opened(path) as fd:
        head = _checked_head(fd, limit)
        size = os.fstat(fd).st_size
    if image_kind(head) == "svg":
        read_bounded(path, limit, image=True)
    return size


def _check_svg(data: bytes) -> None:
    if image_kind(data[:_HEAD]) == "svg" and (problem := svg_problem(data)) is not None:
        raise MediaRejected(f"SVG {problem}")


def _checked_head(fd: int, limit: int) -> bytes:
    _check_size(fd, limit)
    head = os.read(fd, _HEAD)
    if image_kind(head) is None:
        raise MediaRejected("not a PNG, JPEG, GIF, WebP or SVG image (by its first bytes)")
    return head


def vet_images(guide: Guide, root: Path,
               budget: int = MAX_BUILD_MEDIA_BYTES) -> tuple[Guide, list[Diagnostic]]:
    """The guide with every unacceptable image marked missing (so no writer reads it), and a
    `media-rejected` warning at each reference. Images count against the build's budget once
    each, in guide order."""
    sizes: dict[str, int | str] = {}  # resolved path: size, or the reason it is rejected
    used = 0
    found: list[Diagnostic] = []

    def vet(image: Image) -> Image:
        nonlocal used
        if not image.exists or not image.resolved:
            return image
        verdict = sizes.get(image.resolved)
        if verdict is None:
            try:
                size = check_media(root / image.resolved)
            except MediaRejected as exc:
                verdict = str(exc)
            except OSError as exc:
                verdict = f"cannot be read: {exc.strerror or exc}"
            else:
                verdict = size if used + size <= budget else (
                    f"images of this build exceed {budget // 1048576} MiB together")
                used += size if isinstance(verdict, int) else 0
            sizes[image.resolved] = verdict
        if isinstance(verdict, int):
            return image
        found.append(warning(image.pos, "media-rejected", f"image '{image.target}' is left out: "
                                                          f"{verdict}"))
        return replace(image, exists=False)

    topics = tuple(replace(t, objectives=tuple(_with_images(o, vet) for o in t.objectives))
                   for t in guide.topics)
    return (replace(guide, topics=topics) if found else guide), found


def _with_images(o: Objective, vet) -> Objective:  # type: ignore[no-untyped-def]
    images = tuple(vet(i) for i in o.images)
    return o if images == o.images else replace(o, images=images)


def _check_size(fd: int, limit: int, what: str = "one image") -> None:
    size = os.fstat(fd).st_size
    if size > limit:
        raise MediaRejected(_too_big(size, limit, what))


def _too_big(size: int, limit: int, what: str = "one image") -> str:
    return f"{size / 1048576:.1f} MiB is over the {limit // 1048576} MiB limit for {what}"


class _opened:
    """A non-blocking read-only descriptor of a regular file (a FIFO or device is refused
    before anything is read from it)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> int:
        if not stat.S_ISREG(os.stat(self.path).st_mode):
            raise MediaRejected("not a regular file")
        self.fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        if not stat.S_ISREG(os.fstat(self.fd).st_mode):
            os.close(self.fd)
            raise MediaRejected("not a regular file")
        return self.fd

    def __exit__(self, *exc: object) -> None:
        os.close(self.fd)
