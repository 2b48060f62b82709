"""Images made lighter for phones with Pillow: resized to a longest side, photos kept as JPEG."""

from __future__ import annotations

import io

MAX_PIXELS = 50_000_000  # larger images are shipped as they are (never decoded: a bomb guard)
# A PNG that needs more than this many bytes per pixel is a photo or a rendered illustration
# (diagrams and screenshots need far less): as JPEG it is a fraction of the size.
PHOTO_BYTES_PER_PIXEL = 1.0
JPEG_QUALITY = 85
WEBP_QUALITY = 85


def prepare(source: bytes, kind: str, max_side: int) -> tuple[bytes, str] | None:
    """The bytes and suffix to ship for a PNG, JPEG or WebP image, or None to ship it as it is:
    shrunk (never enlarged) to `max_side` px on its longest side; an opaque photo-like PNG
    becomes a JPEG when that is smaller."""
    from PIL import Image, ImageOps  # only a build that has images to prepare pays the import

    try:
        with Image.open(io.BytesIO(source)) as im:
            width, height = im.size
            if width * height > MAX_PIXELS or getattr(im, "n_frames", 1) > 1:
                return None
            photo = (kind == "png" and len(source) > PHOTO_BYTES_PER_PIXEL * width * height
                     and im.mode in ("RGB", "RGBA", "LA", "L") and _opaque(im))
            if max(width, height) <= max_side and not photo:
                return None
            im.load()
            if kind == "jpeg":
                im = ImageOps.exif_transpose(im)  # the pixels turned as cameras mean them
            few = im.getcolors(256) is not None  # a diagram: kept a palette PNG after resizing
            if max(im.size) > max_side:
                if im.mode in ("P", "1"):  # Pillow resizes these pixel by pixel (no smoothing)
                    im = im.convert("RGBA")
                scale = max_side / max(im.size)
                size = (max(1, round(im.width * scale)), max(1, round(im.height * scale)))
                im = im.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
                if few and kind == "png" and not photo:
                    im = im.quantize(256, Image.Quantize.FASTOCTREE if im.mode == "RGBA"
                                     else Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
            made = _encode(im, "jpeg" if photo else kind)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):  # damaged: as it is
        return None
    if len(made[0]) >= len(source) and max(width, height) <= max_side:
        return None
    return made


def _opaque(im) -> bool:  # type: ignore[no-untyped-def]
    """Whether no pixel is transparent (such a PNG can become a JPEG)."""
    if im.mode not in ("RGBA", "LA"):
        return "transparency" not in im.info
    low, _ = im.getchannel("A").getextrema()
    return bool(low == 255)


def _encode(im, kind: str) -> tuple[bytes, str]:  # type: ignore[no-untyped-def]
    """Encoded without metadata, so the same pixels always give the same bytes."""
    out = io.BytesIO()
    if kind == "jpeg":
        im.convert("RGB").save(out, "JPEG", quality=JPEG_QUALITY)
        return out.getvalue(), ".jpg"
    if kind == "webp":
        im.save(out, "WEBP", quality=WEBP_QUALITY, method=4)
        return out.getvalue(), ".webp"
    im.save(out, "PNG", compress_level=3)  # twice as fast as the default 6, about 7 % larger
    return out.getvalue(), ".png"
