"""PDF files after layout (pypdf lives here only): heads and page numbers printed over a render,
a topic PDF put together from its parts, page counts."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (ArrayObject, ContentStream, DictionaryObject, FloatObject, NameObject, NumberObject,
                           TextStringObject)

Link = tuple[int, tuple[float, float, float, float], str]  # (page, rectangle in points, anchor)


def count_pages(path: Path) -> int:
    """The page count of a PDF (release manifests report it)."""
    return len(PdfReader(path).pages)


def stamped(body: bytes, stamp: bytes) -> bytes:
    """An objective PDF: its one layout with its heads, footers and page numbers printed over it."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(body)))
    _print_over(writer, stamp)
    return _bytes(writer)


def assemble_topic(parts: list[bytes], outline: list[tuple[str, int]], stamp: bytes, links: list[Link], *,
                   metadata: dict[str, str], lang: str = "en", index: bytes | None = None,
                   shares: bool = False) -> bytes:
    """A topic PDF from its parts' renders (contents, each objective), in order, then its index.

    `outline` is (bookmark, page); `stamp` has a page of heads and numbers for each page;
    `links` point from the contents and index to anchors of the objectives (named destinations
    their renders carry). When the index `shares` the last page, its first page was laid out
    below that page's lines (builder/sheets/render.py: reserve_html) and is printed over it.
    """
    # pypdf writes no /ID unless asked and no dates of its own: the same input gives the same bytes.
    writer = PdfWriter()
    for pdf in parts:
        writer.append(PdfReader(io.BytesIO(pdf)), import_outline=False)
    if index is not None:
        pages = PdfReader(io.BytesIO(index))
        if shares and len(writer.pages):
            writer.pages[-1].merge_page(pages.pages[0])
            if len(pages.pages) > 1:
                writer.append(pages, pages=list(range(1, len(pages.pages))), import_outline=False)
        else:
            writer.append(pages, import_outline=False)
    _print_over(writer, stamp)
    for page, rect, anchor in links:
        writer.add_annotation(page, DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject(FloatObject(round(v, 3)) for v in rect),
            NameObject("/BS"): DictionaryObject({NameObject("/W"): NumberObject(0)}),
            NameObject("/Dest"): TextStringObject(anchor)}))
    for title, page in outline:
        writer.add_outline_item(title=title, page_number=page)
    writer.add_metadata({f"/{name}": value for name, value in metadata.items() if value})
    writer._root_object[NameObject("/Lang")] = TextStringObject(lang)
    writer.page_mode = "/UseOutlines"
    writer.compress_identical_objects()
    return _bytes(writer)


def _print_over(writer: PdfWriter, stamp: bytes) -> None:
    """Print each band of the stamp's one tall page over its page (builder/sheets/stamp.py)."""
    reader = PdfReader(io.BytesIO(stamp))
    (palette,) = reader.pages
    count = len(writer.pages)
    tall = float(palette.mediabox.height)
    height = tall / count if count else 0.0
    if any(abs(float(page.mediabox.height) - height) > 0.5 for page in writer.pages):
        raise ValueError(f"a stamp of {tall:.1f} pt for {count} pages of another height")
    for k, (page, ops) in enumerate(zip(writer.pages, bands(palette.get_contents(), reader, count, tall))):
        over = PageObject.create_blank_page(width=page.mediabox.width, height=height)
        over[NameObject("/Resources")] = palette["/Resources"]
        content = ContentStream(None, None)
        # the band moved onto the page; marked as what it is, pagination (PDF/UA: not read aloud)
        content.operations = [([], b"q"), ([FloatObject(v) for v in (1, 0, 0, 1, 0, (k + 1) * height - tall)], b"cm"),
                              ([NameObject("/Artifact"), DictionaryObject(
                                  {NameObject("/Type"): NameObject("/Pagination")})], b"BDC"),
                              *ops, ([], b"EMC"), ([], b"Q")]
        over.replace_contents(content)
        page.merge_page(over)


PATH = {b"m", b"l", b"c", b"v", b"y", b"h", b"re"}
PAINT = {b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*", b"n"}
MARKED = {b"BDC", b"BMC", b"EMC", b"MP", b"DP"}
DROPPED = {b"Do", b"sh", b"INLINE IMAGE"}


def bands(contents: ContentStream, reader: PdfReader, count: int, tall: float) -> list[list[tuple[list, bytes]]]:
    """The operations of each of `count` bands of a page `tall` points high, top first: every
    text object goes to the band its first glyph is in; the graphics state goes to all.
    What is not text is dropped (paths other than clips, images, shadings), and so is marked
    content (the stamp is marked as one artifact where it is printed)."""
    out: list[list[tuple[list, bytes]]] = [[] for _ in range(count)]
    height = tall / count if count else 1.0
    ctm, saved = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), []
    text: list[tuple[list, bytes]] | None = None
    origin: tuple[float, float] | None = None
    line = (0.0, 0.0)
    path: list[tuple[list, bytes]] = []
    for operands, op in ContentStream(contents, reader).operations if count else ():
        if op in MARKED or op in DROPPED:
            continue
        if text is not None:  # inside BT ... ET
            text.append((operands, op))
            if op == b"Tm":
                line = (float(operands[4]), float(operands[5]))
            elif op in (b"Td", b"TD"):
                line = (line[0] + float(operands[0]), line[1] + float(operands[1]))
            elif op in (b"Tj", b"TJ", b"'", b'"') and origin is None:
                origin = line
            elif op == b"ET":
                if origin is not None:
                    a, b, c, d, e, f = ctm
                    y = b * origin[0] + d * origin[1] + f
                    k = int((tall - y) // height)
                    if 0 <= k < count:
                        out[k] += text
                text = None
            continue
        if op == b"BT":
            text, origin, line = [(operands, op)], None, (0.0, 0.0)
            continue
        if op in PATH or op in (b"W", b"W*"):
            path.append((operands, op))
            continue
        if op in PAINT:
            clip = any(o in (b"W", b"W*") for _, o in path)
            if clip:  # a clip stays: what it clips is in the bands
                for band in out:
                    band += [*path, (operands, op)]
            path = []
            continue
        if op == b"q":
            saved.append(ctm)
        elif op == b"Q":
            ctm = saved.pop() if saved else ctm
        elif op == b"cm":
            a, b, c, d, e, f = (float(v) for v in operands)
            A, B, C, D, E, F = ctm
            ctm = (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)
        for band in out:
            band.append((operands, op))
    return out


def _bytes(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
