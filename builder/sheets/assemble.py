"""PDF files after layout (pypdf lives here only): heads and page numbers printed over a render,
a topic PDF put together from its parts, page counts."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (ArrayObject, ContentStream, DecodedStreamObject, DictionaryObject, FloatObject,
                           IndirectObject, NameObject, NumberObject, TextStringObject)

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
            _print_page_over(writer, writer.pages[-1], pages.pages[0])
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
    """Print each band of the stamp's one tall page over its page (builder/sheets/stamp.py).

    Each page gets the band's text as one more content stream, after its own (put between q and
    Q, so whatever state it leaves does not move the band), and the stamp's fonts under names
    of their own (the form of the index sharing the last page too): no page's content stream is
    read or rewritten."""
    reader = PdfReader(io.BytesIO(stamp))
    (palette,) = reader.pages
    count = len(writer.pages)
    tall = float(palette.mediabox.height)
    height = tall / count if count else 0.0
    if any(abs(float(page.mediabox.height) - height) > 0.5 for page in writer.pages):
        raise ValueError(f"a stamp of {tall:.1f} pt for {count} pages of another height")
    resources, names = _own_resources(palette.get("/Resources"), writer)
    for k, (page, ops) in enumerate(zip(writer.pages, bands(palette.get_contents(), reader, count, tall))):
        content = ContentStream(None, None)
        # the band moved onto the page; marked as what it is, pagination (PDF/UA: not read aloud)
        content.operations = [([FloatObject(v) for v in (1, 0, 0, 1, 0, (k + 1) * height - tall)], b"cm"),
                              ([NameObject("/Artifact"), DictionaryObject(
                                  {NameObject("/Type"): NameObject("/Pagination")})], b"BDC"),
                              *(_renamed(operands, op, names) for operands, op in ops), ([], b"EMC")]
        _add_contents(writer, page, b"q\n" + content.get_data() + b"Q\n", resources)


def _print_page_over(writer: PdfWriter, page: PageObject, over: PageObject) -> None:
    """Print `over` on `page`, as a form XObject: its content stream is copied, never parsed,
    and keeps its own resources."""
    form, contents = DecodedStreamObject(), over.get_contents()
    form.set_data(contents.get_data() if contents is not None else b"")
    form.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                 NameObject("/BBox"): ArrayObject(FloatObject(v) for v in over.mediabox),
                 NameObject("/Resources"): over["/Resources"].clone(writer) if "/Resources" in over
                 else DictionaryObject()})
    name = NameObject("/cdOver")
    _add_contents(writer, page, b"q " + name.encode() + b" Do Q\n", {"/XObject": DictionaryObject(
        {name: writer._add_object(form.flate_encode())})})


def _add_contents(writer: PdfWriter, page: PageObject, data: bytes, resources: dict[str, DictionaryObject]) -> None:
    """`data` drawn after the page's own content streams (put between q and Q, so whatever state
    they leave does not move it), with `resources` added to the page's."""
    own = page.raw_get("/Contents") if "/Contents" in page else None
    if isinstance(own, IndirectObject) and isinstance(own.get_object(), ArrayObject):
        own = own.get_object()
    streams = list(own) if isinstance(own, ArrayObject) else [] if own is None \
        else [own if isinstance(own, IndirectObject) else writer._add_object(own)]
    push, pop, added = (writer._add_object(_stream(d)) for d in (b"q\n", b"\nQ\n", data))
    page[NameObject("/Contents")] = ArrayObject([push, *streams, pop, added])
    if "/Resources" not in page:
        page[NameObject("/Resources")] = DictionaryObject()
    held = page["/Resources"].get_object()
    for category, entries in resources.items():
        if category not in held:
            held[NameObject(category)] = DictionaryObject()
        held[category].get_object().update(entries)


def _own_resources(resources: object, writer: PdfWriter) -> tuple[dict[str, DictionaryObject], dict[str, NameObject]]:
    """The stamp's resources copied into `writer` under names no page uses (`/cdStamp.` before
    each), and the new name of each old one."""
    found: dict[str, DictionaryObject] = {}
    names: dict[str, NameObject] = {}
    held = resources.get_object() if resources is not None else {}  # type: ignore[attr-defined]
    for category in ("/Font", "/ExtGState", "/ColorSpace", "/Pattern"):
        entries = held.get(category)
        if entries is None:
            continue
        copied = DictionaryObject()
        for name, value in entries.get_object().items():
            new = names[name] = NameObject(f"/cdStamp.{name[1:]}")
            copied[new] = value.clone(writer)
        found[category] = copied
    return found, names


def _renamed(operands: list, op: bytes, names: dict[str, NameObject]) -> tuple[list, bytes]:
    if op in (b"Tf", b"gs", b"cs", b"CS", b"scn", b"SCN"):
        operands = [names.get(o, o) if isinstance(o, NameObject) else o for o in operands]
    return operands, op


def _stream(data: bytes) -> DecodedStreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream


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
