"""Small rich-text recognizers of the reader: label values, trimmed cells, pinned rows, entry lists."""

from __future__ import annotations

import re

from builder.model import RichText, Span, SpanStyle
from builder.reader.text import is_icon_char

_CARD_IN_CELL = re.compile(r"\s*<!--\s*card:\s*([\w.:/-]+)\s*-->\s*")


def after_label(text: RichText) -> RichText:
    """The value after `**Weight:**` or `Description:`."""
    spans = list(text.spans)
    out: list[Span] = []
    seen = False
    for span in spans:
        if not seen:
            if ":" in span.text:
                seen = True
                rest = span.text.split(":", 1)[1]
                if rest.strip() and span.style is not SpanStyle.STRONG:
                    out.append(Span(rest, span.style, span.href))
            continue
        out.append(span)
    return trim(RichText(tuple(out)))


def row_pin(cells: tuple[RichText, ...]) -> tuple[tuple[RichText, ...], str | None]:
    """A `<!-- card: KEY -->` in a row's first cell pins the row's card identity."""
    m = _CARD_IN_CELL.search(cells[0].plain) if cells and "<!--" in cells[0].plain else None
    if not m:
        return cells, None
    spans = tuple(Span(_CARD_IN_CELL.sub("", s.text), s.style, s.href) for s in cells[0].spans)
    return (trim(RichText(spans)),) + cells[1:], m.group(1)


def trim(text: RichText) -> RichText:
    """Trim white space and leading icons at the edges of rich text."""
    spans = text.spans
    if len(spans) == 1 and spans[0].text and spans[0].text[0].isascii() and not spans[0].text[:1].isspace() \
            and not spans[0].text[-1:].isspace():
        return text  # the common case: one plain run that needs nothing
    spans = [s for s in spans if s.text]
    if spans and spans[0].style is not SpanStyle.CODE:
        first = spans[0]
        spans[0] = Span(_drop_leading_icons(first.text.lstrip()), first.style, first.href)
    if spans:
        last = spans[-1]
        spans[-1] = Span(last.text.rstrip(), last.style, last.href)
    return RichText(tuple(s for s in spans if s.text))


def _drop_leading_icons(text: str) -> str:
    i = 0
    while i < len(text) and (is_icon_char(text[i]) or text[i] == " "):
        i += 1
    return text[i:]


def split_entries(text: str) -> list[str]:
    """A list item may hold several entries separated by commas (outside parentheses)."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return [p.strip() for p in parts if p.strip()]
