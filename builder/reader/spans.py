"""Cutting and joining RichText by character offsets of its plain text."""

from __future__ import annotations

from builder.model import RichText, Span, SpanStyle


def split_at(text: RichText, index: int) -> tuple[RichText, RichText]:
    """The spans before and after a character offset of `text.plain`."""
    head: list[Span] = []
    tail: list[Span] = []
    seen = 0
    for span in text.spans:
        end = seen + len(span.text)
        if end <= index:
            head.append(span)
        elif seen >= index:
            tail.append(span)
        else:
            cut = index - seen
            head.append(Span(span.text[:cut], span.style, span.href))
            tail.append(Span(span.text[cut:], span.style, span.href))
        seen = end
    return RichText(tuple(head)), RichText(tuple(tail))


def drop_prefix(text: RichText, count: int) -> RichText:
    """`text` without its first `count` characters (a list marker such as `61. ` or `B) `)."""
    return split_at(text, count)[1]


def style_at(text: RichText, index: int) -> SpanStyle | None:
    """The style of the span holding a character offset (None past the end)."""
    seen = 0
    for span in text.spans:
        seen += len(span.text)
        if index < seen:
            return span.style
    return None


def strip(text: RichText) -> RichText:
    """Trim white space at both ends, dropping spans that become empty."""
    spans = [s for s in text.spans if s.text]
    while spans and not spans[0].text.strip() and spans[0].style is not SpanStyle.CODE:
        spans.pop(0)
    while spans and not spans[-1].text.strip() and spans[-1].style is not SpanStyle.CODE:
        spans.pop()
    if spans and spans[0].style is not SpanStyle.CODE:
        spans[0] = Span(spans[0].text.lstrip(), spans[0].style, spans[0].href)
    if spans and spans[-1].style is not SpanStyle.CODE:
        spans[-1] = Span(spans[-1].text.rstrip(), spans[-1].style, spans[-1].href)
    return RichText(tuple(s for s in spans if s.text))


def join(parts: list[RichText], separator: str) -> RichText:
    """Rich texts joined by a plain separator; adjacent plain spans merge."""
    spans: list[Span] = []
    for i, part in enumerate(parts):
        if i:
            _append(spans, Span(separator))
        for span in part.spans:
            _append(spans, span)
    return RichText(tuple(spans))


def _append(spans: list[Span], span: Span) -> None:
    if spans and spans[-1].style is span.style is SpanStyle.TEXT:
        spans[-1] = Span(spans[-1].text + span.text)
    elif span.text:
        spans.append(span)


def split_outside_code(text: RichText, separator: str) -> list[RichText]:
    """`text` cut at each `separator` that is not inside a code span, each part stripped; empty
    parts dropped."""
    parts: list[RichText] = []
    rest, offset = text, 0
    for i, ch in enumerate(text.plain):
        if ch == separator and style_at(text, i) is not SpanStyle.CODE:
            head, rest = split_at(rest, i - offset)
            parts.append(head)
            rest, offset = drop_prefix(rest, 1), i + 1
    parts.append(rest)
    return [part for part in (strip(x) for x in parts) if part.plain]
