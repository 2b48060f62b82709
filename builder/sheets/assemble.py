"""PDF files after layout (pypdf lives here only): topic PDFs assembled from the cover and the
objective PDFs already rendered, and page counts."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, NameObject, NumberObject, TextStringObject


def count_pages(path: Path) -> int:
    """The page count of a PDF (release manifests report it)."""
    return len(PdfReader(path).pages)


def assemble_topic(cover_pdf: bytes, parts: list[tuple[str, str, Path]], *,
                   metadata: dict[str, str], lang: str = "en") -> bytes:
    """The cover, then each (anchor, bookmark title, objective PDF) in order.

    The objectives keep their own outlines and links; the cover's contents links point at
    stand-in targets with the objectives' anchors, which are moved here to each first page.
    """
    # pypdf writes no /ID unless asked and no dates of its own: the same parts give the same bytes.
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(cover_pdf)), import_outline=True)
    starts: dict[str, int] = {}
    for anchor, _, path in parts:
        starts[anchor] = len(writer.pages)
        writer.append(PdfReader(path), import_outline=True)
    _retarget(writer, starts)
    writer.add_metadata({f"/{name}": value for name, value in metadata.items() if value})
    writer._root_object[NameObject("/Lang")] = TextStringObject(lang)
    writer.page_mode = "/UseOutlines"
    # Each objective PDF embeds its own font subsets; identical objects are written once.
    writer.compress_identical_objects()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _retarget(writer: PdfWriter, starts: dict[str, int]) -> None:
    """Point each named destination `anchor` at the first page of its objective."""
    names = writer.get_named_dest_root()
    for i in range(0, len(names) - 1, 2):
        name = str(names[i])
        if name in starts:
            page = writer.pages[starts[name]].indirect_reference
            names[i + 1] = ArrayObject([page, NameObject("/XYZ"), NumberObject(0),
                                        NumberObject(int(writer.pages[starts[name]].mediabox.top)),
                                        NumberObject(0)])

