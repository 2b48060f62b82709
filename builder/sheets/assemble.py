"""PDF files after layout (pypdf lives here only): heads and page numbers printed over a render,
a topic PDF put together from its parts, page counts."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, NumberObject, TextStringObject

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
    over = PdfReader(io.BytesIO(stamp)).pages
    if len(over) != len(writer.pages):
        raise ValueError(f"{len(over)} stamp pages for {len(writer.pages)} pages")
    for page, heads in zip(writer.pages, over):
        page.merge_page(heads)


def _bytes(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
