"""The guide's images as sheet figures: how big they print, where, and with what caption.

A figure is sized width-first: as wide as its column (never wider than its pixels at 96 dpi),
at most FIGURE_MAX_MM high; one much wider than high that would shrink below a readable
height in a column spans the page instead (where the sheet's columns are its own). A dark
screenshot (a terminal: light text on black) prints as ink-heavy, tiny text, so it is shown on
screen only. A caption that is only the file's name is not printed. Each figure prints after the
key ideas of the section that shows it. Pillow reads each image's size and, from a thumbnail,
its mean luminance; an image Pillow cannot read (SVG) prints in its column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from builder.model import Image, Section

FIGURE_MAX_MM = 70.0
PX_MM = 25.4 / 96
# A figure whose height in its column would be under this prints across the page.
WIDE_BELOW_MM = 28.0
# Larger or animated images are never decoded, as for the deck (SECURITY.md): only their size is read.
MAX_PIXELS = 50_000_000
# Mean luminance (0-255) under which an image is a dark screenshot.
DARK = 80
_FILE_NAME = re.compile(r"^[\w.\-]+\.(?:png|jpe?g|gif|svg|webp|bmp)$|^[\w\-]*[_\-\d][\w\-]*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Figure:
    src: str  # path relative to the source root, URL-quoted
    alt: str
    pos: str  # path:line:col of the image in the guide
    caption: str | None = None  # the alt text, None when it only names the file
    section: str | None = None  # the heading the image sits under: it prints after that section's key ideas
    wide: bool = False  # prints across the page
    dark: bool = False  # a dark screenshot: shown on screen only
    height_mm: float = FIGURE_MAX_MM  # how tall it prints (an estimate for the page budget)


def figures(images: tuple[Image, ...], sections: tuple[Section, ...], root: str,
            column_mm: float, page_mm: float) -> tuple[Figure, ...]:
    """Images that exist under the source root; the reader reports the missing and remote ones."""
    out = []
    for i in images:
        if not (i.resolved and i.exists):
            continue
        size, luminance = _inspect(Path(root) / i.resolved)
        wide, height = False, FIGURE_MAX_MM
        if size:
            width_mm, height_mm = size[0] * PX_MM, size[1] * PX_MM
            scale = min(1.0, column_mm / width_mm, FIGURE_MAX_MM / height_mm)
            height = height_mm * scale
            if height < WIDE_BELOW_MM and width_mm > column_mm:
                wide = True
                height = height_mm * min(1.0, page_mm / width_mm, FIGURE_MAX_MM / height_mm)
        out.append(Figure(quote(i.resolved), i.alt, str(i.pos), caption_of(i), section_of(i, sections),
                          wide, luminance is not None and luminance < DARK, round(height, 1)))
    return tuple(out)


def caption_of(i: Image) -> str | None:
    """The alt text, unless it only names the file (`diagram-01.png`, `diagram_01`, the stem)."""
    alt = i.alt.strip()
    stem = PurePosixPath(i.target).stem
    if not alt or alt.casefold() in (stem.casefold(), PurePosixPath(i.target).name.casefold()) \
            or _FILE_NAME.match(alt):
        return None
    return alt


def section_of(i: Image, sections: tuple[Section, ...]) -> str | None:
    before = [s for s in sections if s.pos.path == i.pos.path and s.pos.line <= i.pos.line]
    return before[-1].title if before else None


def _inspect(path: Path) -> tuple[tuple[int, int] | None, float | None]:
    """(width, height) in pixels and mean luminance, each None when Pillow cannot tell."""
    try:
        from PIL import Image as PILImage
        from PIL import ImageStat

        with PILImage.open(path) as im:
            size = im.size
            if size[0] * size[1] > MAX_PIXELS or getattr(im, "n_frames", 1) > 1:
                return size, None  # never decoded (SECURITY.md): it prints as it is
            im.draft("RGB", (64, 64))  # JPEG: decode at a fraction of the size
            im.thumbnail((64, 64))
            rgba = im.convert("RGBA")  # transparent parts are the page's white, not black
            small = PILImage.new("RGBA", rgba.size, "white")
            small.alpha_composite(rgba)
            small = small.convert("L")
            return size, ImageStat.Stat(small).mean[0]
    except Exception:  # noqa: BLE001  (not an image Pillow reads: it prints in its column)
        return None, None
