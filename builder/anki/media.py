"""Images that go into a deck: found under the source root, named by their content."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from builder.media import MediaRejected, read_media
from builder.model import Image

MEDIA_PREFIX = "cheatdeck-"


@dataclass(frozen=True, slots=True)
class MediaFile:
    """One image file shipped in a package under a flat, content-hashed name."""

    name: str  # e.g. cheatdeck-3f2a…9c.png: same bytes, same name, in every build
    path: Path  # where the bytes are read from

    def read(self) -> bytes:
        """The bytes, read again for the package with the same checks and size limit."""
        return read_media(self.path)


def media_for(image: Image, source_root: Path) -> MediaFile | None:
    """The media file for an image that exists under the source root, else None (it is dropped)."""
    if not image.exists or not image.resolved:
        return None
    path = source_root / image.resolved
    try:
        data = read_media(path)
    except (OSError, MediaRejected):  # the pipeline reported it (media-rejected)
        return None
    digest = hashlib.sha256(data).hexdigest()[:20]
    suffix = path.suffix.lower() if path.suffix[1:].isalnum() else ""
    return MediaFile(f"{MEDIA_PREFIX}{digest}{suffix}", path)
