"""Model text made sheet-sized: key ideas from prose, definition contexts, mark-only cells."""

from __future__ import annotations

import re
from dataclasses import dataclass

from builder.model import Definition, Objective, Prose, RichText, Section, Span, SpanStyle

# A sentence ends at . ! or ? followed by white space and a capital, digit, quote or code.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9`\"'(\[*])")
# Cells that say only yes, no or careful: printed with glyphs every sheet font has.
MARKS = {"\u2705": "yes", "\u2714": "yes", "\u2611": "yes", "\u2713": "yes",
         "\u274c": "no", "\u2716": "no", "\u2717": "no", "\u2718": "no", "\u274e": "no",
         "\u26a0": "warn"}
MARK_GLYPHS = {"yes": "\u2713", "no": "\u2717", "warn": "\u26a0"}
_VARIATION = re.compile("[\ufe0e\ufe0f\u200d]")


@dataclass(frozen=True, slots=True)
class KeyIdea:
    short_html: str  # what the PDF prints: the first sentence, or the emphasised ones
    full_html: str  # the whole paragraph or item, shown on screen
    item: bool  # a list item (printed with a bullet), not a paragraph
    condensed: bool  # short_html leaves something out


@dataclass(frozen=True, slots=True)
class IdeaGroup:
    section: str | None
    ideas: tuple[KeyIdea, ...]


def key_ideas(o: Objective, rich) -> tuple[IdeaGroup, ...]:  # type: ignore[no-untyped-def]
    """The objective's prose grouped by section, each piece condensed for print."""
    groups: list[tuple[str | None, list[KeyIdea]]] = []
    for p in o.prose:
        if not p.text:
            continue
        short = condense(p)
        idea = KeyIdea(rich(short), rich(p.text), p.kind == "item", short.plain.strip() != p.text.plain.strip())
        if groups and groups[-1][0] == p.section:
            groups[-1][1].append(idea)
        else:
            groups.append((p.section, [idea]))
    return tuple(IdeaGroup(section, tuple(ideas)) for section, ideas in groups)


def condense(p: Prose) -> RichText:
    """The sentences that carry emphasis, else the first sentence (a list item stays whole
    when it is one or two sentences)."""
    bounds = sentences(p.text.plain)
    if len(bounds) <= (2 if p.kind == "item" else 1):
        return p.text
    marked = [b for b in bounds if _emphasised(p.text, *b)]
    chosen = marked or bounds[:1]
    pieces = [slice_rich(p.text, start, end) for start, end in chosen]
    return RichText(tuple(s for i, piece in enumerate(pieces)
                          for s in ((Span(" "),) if i else ()) + piece.spans))


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each sentence, without surrounding white space."""
    out, at = [], 0
    for m in _SENTENCE_END.finditer(text):
        out.append((at, m.start()))
        at = m.end()
    out.append((at, len(text.rstrip())))
    return [(s, e) for s, e in out if text[s:e].strip()]


def slice_rich(text: RichText, start: int, end: int) -> RichText:
    """The styled spans between two offsets of `text.plain`."""
    out, at = [], 0
    for span in text.spans:
        lo, hi = max(start, at), min(end, at + len(span.text))
        if lo < hi:
            out.append(Span(span.text[lo - at:hi - at], span.style, span.href))
        at += len(span.text)
    return RichText(tuple(out))


def _emphasised(text: RichText, start: int, end: int) -> bool:
    piece = slice_rich(text, start, end)
    return any(s.style in (SpanStyle.STRONG, SpanStyle.EMPHASIS) and s.text.strip() for s in piece.spans)


@dataclass(frozen=True, slots=True)
class DefinitionEntry:
    term: str
    html: str
    context: str | None  # printed after the term when the term recurs: "Performance — Full virtualization"


@dataclass(frozen=True, slots=True)
class DefinitionGroup:
    heading: str | None  # the section the definitions sit under, printed once above them
    entries: tuple[DefinitionEntry, ...]


def definition_groups(o: Objective, clean, rich) -> tuple[DefinitionGroup, ...]:  # type: ignore[no-untyped-def]
    """Definitions under the heading they sit under; a term that recurs names it inline too."""
    terms = [d.term.strip().lower() for d in o.definitions]
    groups: list[tuple[str | None, list[DefinitionEntry]]] = []
    for d in o.definitions:
        context = definition_context(d, o.sections, o.title)
        context = clean(context) if context else None
        inline = context if terms.count(d.term.strip().lower()) > 1 else None
        entry = DefinitionEntry(clean(d.term), rich(d.text), inline)
        if groups and groups[-1][0] == context:
            groups[-1][1].append(entry)
        else:
            groups.append((context, [entry]))
    return tuple(DefinitionGroup(heading, tuple(entries)) for heading, entries in groups)


def definition_context(d: Definition, sections: tuple[Section, ...], objective_title: str) -> str | None:
    """The heading a definition sits under ("Full virtualization"), or for a question-heading
    definition the heading above it; None when it would only repeat the term or the objective."""
    before = [s for s in sections if s.pos.path == d.pos.path and s.pos.line <= d.pos.line]
    if d.form == "question" and before and before[-1].pos.line == d.pos.line:
        own = before[-1]
        before = [s for s in before[:-1] if s.level < own.level]
    title = before[-1].title if before else None
    if not title or title.strip().lower() in (d.term.strip().lower(), objective_title.strip().lower()):
        return None
    return title


def mark_of(text: RichText) -> str | None:
    """"yes", "no" or "warn" when a cell holds nothing but one mark."""
    return MARKS.get(_VARIATION.sub("", text.plain).strip())


def mark_html(kind: str) -> str:
    return f'<span class="mark {kind}" title="{kind}">{MARK_GLYPHS[kind]}</span>'


def cell_html(text: RichText, rich) -> str:  # type: ignore[no-untyped-def]
    """A table cell: a mark as a glyph; `**...**` the reader left around a code span made bold."""
    mark = mark_of(text)
    if mark:
        return mark_html(mark)
    pairs = sum(s.text.count("**") for s in text.spans if s.style is SpanStyle.TEXT)
    if pairs < 2 or pairs % 2:
        return rich(text)
    out, bold = [], False
    for span in text.spans:
        if span.style is not SpanStyle.TEXT:
            piece = rich(RichText((span,)))
            out.append(f"<strong>{piece}</strong>" if bold else piece)
            continue
        for i, part in enumerate(span.text.split("**")):
            if i:
                bold = not bold
            if part:
                body = rich(RichText((Span(part),)))
                out.append(f"<strong>{body}</strong>" if bold else body)
    return "".join(out)
