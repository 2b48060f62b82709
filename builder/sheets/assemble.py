"""PDF files after layout (pypdf lives here only): a topic PDF's finishing touches, page counts."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject


def count_pages(path: Path) -> int:
    """The page count of a PDF (release manifests report it)."""
    return len(PdfReader(path).pages)


def finish_topic(pdf: bytes, *, metadata: dict[str, str], lang: str = "en") -> bytes:
    """A topic PDF laid out as one document, with its Info dictionary, language and outline view."""
    # pypdf writes no /ID unless asked and no dates of its own: the same input gives the same bytes.
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf)), import_outline=True)
    writer.add_metadata({f"/{name}": value for name, value in metadata.items() if value})
    writer._root_object[NameObject("/Lang")] = TextStringObject(lang)
    writer.page_mode = "/UseOutlines"
    writer.compress_identical_objects()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
