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
                rest = span.text.split(":", 1)[1].lstrip().lstrip("*_")  # `**Weight: **2`
                if rest.strip():
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
    if not spans:
        return text
    first, last = spans[0].text, spans[-1].text
    if first and last and all(s.text for s in spans) and not last[-1].isspace() and (
            spans[0].style is SpanStyle.CODE or (first[0].isascii() and not first[0].isspace())):
        return text  # the common case: nothing at the edges to trim
    kept = [s for s in spans if s.text]
    if kept and kept[0].style is not SpanStyle.CODE:
        head = kept[0]
        kept[0] = Span(_drop_leading_icons(head.text.lstrip()), head.style, head.href)
    if kept:
        tail = kept[-1]
        kept[-1] = Span(tail.text.rstrip(), tail.style, tail.href)
    return RichText(tuple(s for s in kept if s.text))


# Cells that hold only a mark say yes, no or "careful"; they print with glyphs every sheet font has.
_MARKS = {"\u2705": "\u2713", "\u2714": "\u2713", "\u2611": "\u2713", "\u2713": "\u2713",
          "\U0001f7e2": "\u2713", "\u274c": "\u2717", "\u2716": "\u2717", "\u2717": "\u2717",
          "\u2718": "\u2717", "\u274e": "\u2717", "\U0001f534": "\u2717", "\u26a0": "\u26a0",
          "\U0001f7e1": "\u26a0"}


def cell(text: RichText) -> RichText:
    """A table cell: trimmed like other text, but a cell that is only a mark keeps it (as ✓ ✗ ⚠)."""
    plain = text.plain
    if not plain.isascii():  # marks are never ASCII: most cells skip the test
        marks = "".join(ch for ch in plain if ch not in " \t\ufe0f\ufe0e")
        if marks and all(ch in _MARKS for ch in marks):
            return RichText((Span(" ".join(_MARKS[ch] for ch in marks)),))
    return trim(text)


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
