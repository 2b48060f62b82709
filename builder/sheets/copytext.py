"""Folded code lines copy as one line: each is wrapped in a marked-content span with /ActualText.

A folded line prints on two or more visual lines with a `↪` marker; copying it from a PDF
viewer (or `pdftotext`) should give the command as typed. WeasyPrint writes no ActualText, so
while it draws a laid-out document, the text boxes of each `<span class="fold">` are enclosed
in `/Span <</ActualText (the line)>> BDC … EMC` (PDF 32000-1, 14.9.4). The span opens before
the first text box of the fold is drawn and closes after its last, both at the same level of
the content stream (outside WeasyPrint's own tagging spans), so the marked content nests.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pydyf

import builder.sheets.weasy  # noqa: F401  (first: WeasyPrint's libraries found without a compiler)
import weasyprint.pdf
from weasyprint.formatting_structure.boxes import TextBox
from weasyprint.pdf.stream import Stream

FOLD_CLASS = "fold"
# What fold_html inserts at a fold: a line break, the line's indent, the marker, a space.
_JOIN = re.compile(r"\n[ \t]*\u21aa ")


@dataclass
class FoldSpans:
    """For one laid-out document: the text box that opens each fold's span (with its text)
    and the text boxes that close one."""

    opens: dict[int, str] = field(default_factory=dict)  # id(text box) -> the line as typed
    closes: set[int] = field(default_factory=set)  # id(text box)


def fold_text(element: Any) -> str:
    """The line a fold element shows, without the breaks and markers of its folds."""
    return _JOIN.sub("", "".join(element.itertext()))


def fold_spans(html: Any, document: Any) -> FoldSpans:
    """Where each fold's span opens and closes, from the laid-out pages of `document`."""
    owner: dict[int, int] = {}  # id(element) -> index of the fold holding it
    texts: list[str] = []
    for element in html.etree_element.iter():
        if FOLD_CLASS in (element.get("class") or "").split():
            for inner in element.iter():
                owner[id(inner)] = len(texts)
            texts.append(fold_text(element))
    spans = FoldSpans()
    if not texts:
        return spans
    seen: set[int] = set()
    for page in document.pages:
        first: dict[int, int] = {}
        last: dict[int, int] = {}
        for box in page._page_box.descendants():
            if isinstance(box, TextBox) and (fold := owner.get(id(box.element))) is not None:
                first.setdefault(fold, id(box))
                last[fold] = id(box)
        for fold, box_id in first.items():
            # A sample line folded over a page break copies whole from its first page; its
            # continuation on the next page copies as nothing rather than as a stray piece.
            spans.opens[box_id] = "" if fold in seen else texts[fold]
            spans.closes.add(last[fold])
        seen.update(first)
    return spans


class _SpanStream(Stream):
    """WeasyPrint's content stream, opening and closing ActualText spans around fold text."""

    spans = FoldSpans()

    @contextmanager
    def marked(self, box: Any, tag: str) -> Iterator[None]:
        text = self.spans.opens.get(id(box))
        if text is not None:
            self.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(text)}))
        with super().marked(box, tag):
            yield
        if id(box) in self.spans.closes:
            self.end_marked_content()


@contextmanager
def actual_text(spans: FoldSpans) -> Iterator[None]:
    """While writing one document's PDF, draw its pages through a stream that adds the spans.

    WeasyPrint makes its page streams from the `Stream` its PDF module imported; the class is
    swapped for the duration of one `write_pdf` (renders in one process never overlap).
    """
    if not spans.opens:
        yield
        return
    stream_class = type("SpanStream", (_SpanStream,), {"spans": spans})
    saved = weasyprint.pdf.Stream
    weasyprint.pdf.Stream = stream_class
    try:
        yield
    finally:
        weasyprint.pdf.Stream = saved
