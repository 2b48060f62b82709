"""Images that go into a deck: read, resized and hashed once per build, named by the bytes shipped."""

from __future__ import annotations

import hashlib
import os
import stat
import threading
import zipfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from builder.anki.images import prepare
from builder.cachecheck import unlink_links
from builder.diagnostics import BuildError
from builder.media import MAX_MEDIA_BYTES, MediaRejected, image_kind, read_bounded, read_media
from builder.model import Guide, Image
from builder.output import atomic_write, remove_stale_temps

MEDIA_PREFIX = "cheatdeck-"
DEFAULT_MAX_SIDE = 1600  # px, the long side of an image in a deck (0: never resized)
# Already-compressed formats: deflating them again costs time and saves nothing, so they are
# stored. Text media (SVG) is deflated.
STORED_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".svgz", ".mp3", ".ogg",
                             ".oga", ".opus", ".m4a", ".mp4", ".webm"})
CACHE_FOLDER = Path(".cache") / "media"
RECIPE = "3"  # bump when prepare() changes what it makes: old cache entries are then unused
# A cache entry is this line, the SHA-256 of the prepared bytes, then those bytes: a truncated or
# altered entry is made again. (Integrity, not authenticity: whoever can write the cache can
# write a consistent entry, so only a folder no one else can write is used, and --release
# prepares every image itself.)
ENTRY_MAGIC = b"cheatdeck-prepared-image\n"


@dataclass(frozen=True, slots=True)
class MediaFile:
    """One image file shipped in a package under a flat, content-hashed name."""

    name: str  # cheatdeck-<sha256 of the bytes shipped>.png: same bytes, same name, in every build
    path: Path  # the source file it was made from
    data: bytes = field(default=b"", compare=False, repr=False)  # the bytes shipped, read once

    def read(self) -> bytes:
        """The bytes that go into the package (resized when the source was larger)."""
        return self.data

    @property
    def compress_type(self) -> int:
        """ZIP_STORED for formats that are compressed already, else ZIP_DEFLATED."""
        return zipfile.ZIP_STORED if Path(self.name).suffix in STORED_SUFFIXES else zipfile.ZIP_DEFLATED


class MediaStore:
    """The media of one build: each source image read, prepared and hashed once, whatever number
    of notes and packages use it; prepared images are kept in `cache` (by the source's hash)."""

    def __init__(self, max_side: int = DEFAULT_MAX_SIDE, cache: Path | None = None,
                 reuse: bool = True) -> None:
        self.max_side = max_side
        self.cache = cache
        self.reuse = reuse  # take prepared images from the cache (a release prepares its own)
        self._files: dict[Path, MediaFile | None] = {}
        self._pending: dict[Path, Future[MediaFile | None]] = {}
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def get(self, path: Path) -> MediaFile | None:
        """The media file for an image on disk, or None when it cannot be used (already reported
        as media-rejected by the pipeline); waits for it when it is being prepared."""
        pending = self._pending.get(path)
        if pending is not None and not pending.cancelled():  # cancelled by `close`: made here
            return pending.result()
        with self._lock:
            if path not in self._files:
                self._files[path] = self._make(path)
            return self._files[path]

    def start(self, paths: list[Path], workers: int) -> None:
        """Begin preparing these images in the background, in this order (Pillow releases the
        GIL while it decodes, resizes and encodes), while the notes are made; `close` ends it."""
        todo = [p for p in dict.fromkeys(paths) if p not in self._files and p not in self._pending]
        if not todo or workers < 1:
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="cheatdeck-media")
        for path in todo:
            self._pending[path] = self._pool.submit(self._make, path)

    def close(self) -> None:
        """Stop preparing: images not started are dropped, running ones finish."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> MediaStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _make(self, path: Path) -> MediaFile | None:
        try:
            source = read_media(path)
        except (OSError, MediaRejected):
            return None
        suffix = path.suffix.lower() if path.suffix[1:].isalnum() else ""
        data, suffix = self._prepared(source, suffix)
        digest = hashlib.sha256(data).hexdigest()[:20]
        return MediaFile(f"{MEDIA_PREFIX}{digest}{suffix}", path, data)

    def _prepared(self, source: bytes, suffix: str) -> tuple[bytes, str]:
        """The image as the deck ships it, from the cache when this source was prepared before."""
        kind = image_kind(source[:1024])
        if kind not in ("png", "jpeg", "webp") or self.max_side <= 0:
            return source, suffix
        key = f"{hashlib.sha256(source).hexdigest()}-{self.max_side}-{RECIPE}"
        cached = self._cached(key)
        if cached is _SAME:
            return source, suffix
        if cached is not None:
            return cached
        made = prepare(source, kind, self.max_side)
        data, suffix = made if made is not None else (source, suffix)
        if self.cache is not None:
            try:
                atomic_write(self.cache / f"{key}{suffix if made else '.same'}",
                             ENTRY_MAGIC + hashlib.sha256(data).digest() + data if made else b"")
            except (OSError, BuildError):  # a cache that cannot be written costs time, not the build
                pass
        return data, suffix

    def _cached(self, key: str) -> tuple[bytes, str] | None:
        """A prepared image from the cache (untrusted: only a regular file, not a link, whose
        bytes match the digest recorded with them and are an image of the kind its name says;
        else it is made again). With `reuse` off (a release), nothing is taken from it."""
        if self.cache is None or not self.reuse:
            return None
        for suffix in (".png", ".jpg", ".webp", ".same"):
            entry = self.cache / f"{key}{suffix}"
            if entry.is_symlink() or not entry.is_file():
                continue
            if suffix == ".same":
                return None if entry.stat().st_size else _SAME
            try:
                raw = read_bounded(entry, MAX_MEDIA_BYTES + len(ENTRY_MAGIC) + 32)
            except (OSError, MediaRejected):
                continue
            head, digest, data = raw[:len(ENTRY_MAGIC)], raw[len(ENTRY_MAGIC):len(ENTRY_MAGIC) + 32], \
                raw[len(ENTRY_MAGIC) + 32:]
            if head == ENTRY_MAGIC and hashlib.sha256(data).digest() == digest \
                    and _SUFFIX_KIND[suffix] == image_kind(data[:1024]):
                return data, suffix
        return None


_SAME = (b"", "")  # the cache says: this source ships as it is
_SUFFIX_KIND = {".png": "png", ".jpg": "jpeg", ".webp": "webp"}


def media_for(image: Image, source_root: Path, store: MediaStore | None = None) -> MediaFile | None:
    """The media file for an image that exists under the source root, else None (it is dropped)."""
    if not image.exists or not image.resolved:
        return None
    return (store or MediaStore()).get(source_root / image.resolved)


def build_media(guide: Guide, source_root: Path, output: Path, max_side: object, workers: int,
                machine_cache: Path | None = None, reuse: bool = True) -> MediaStore:
    """The media store of one deck build (close it after use): images resized to `max_side`
    (default 1600 px; 0: as they are), prepared side by side in the background, kept in the
    machine's cache (`<machine_cache>/media`), so that a fresh output or another checkout finds
    them prepared, else in the output's. With `reuse` off (a release) every image is prepared
    again, whatever the cache holds."""
    store = MediaStore(DEFAULT_MAX_SIDE if max_side is None else int(str(max_side)),
                       media_cache(output, machine_cache), reuse)
    store.start([source_root / i.resolved for o in guide.objectives for i in o.images
                 if i.exists and i.resolved], workers)
    return store


def media_cache(output: Path, machine_cache: Path | None) -> Path:
    """Where prepared images are kept: the machine's cache (`<machine_cache>/media`) when only
    this user can write it, else the output's own `.cache/media`."""
    if machine_cache is not None:
        folder = machine_cache / "media"
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError:
            pass
        if private(machine_cache) and private(folder):  # the user's own folder: its links are theirs
            remove_stale_temps(folder, recursive=False)  # a killed build's half-written entries
            return folder
    cache = output / CACHE_FOLDER
    unlink_links((cache.parent, cache))  # a link there could lead the cache's writes elsewhere
    return cache


def private(folder: Path) -> bool:
    """Whether `folder` is a folder of this user's that no other user may write: anyone who can
    write a cache entry can choose the image a deck ships."""
    try:
        info = os.stat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid() \
        and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
