"""Model text made sheet-sized: key ideas from prose, definition contexts, mark-only cells."""

from __future__ import annotations

import re
from dataclasses import dataclass

from builder.model import Definition, Objective, Prose, RichText, Section, SourcePos, Span, SpanStyle

# A sentence ends at . ! or ? followed by white space and a capital, digit, quote or code.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9`\"'(\[*])")
# Cells that say only yes, no or careful: printed with glyphs every sheet font has.
MARKS = {"\u2705": "yes", "\u2714": "yes", "\u2611": "yes", "\u2713": "yes",
         "\u274c": "no", "\u2716": "no", "\u2717": "no", "\u2718": "no", "\u274e": "no",
         "\u26a0": "warn"}
MARK_GLYPHS = {"yes": "\u2713", "no": "\u2717", "warn": "\u26a0"}
_VARIATION = re.compile("[\ufe0e\ufe0f\u200d]")


# How much of the guide's prose a sheet prints. At the leanest level each piece is one short
# line (about a column line and a half), at most IDEAS_PER_SECTION per section, the rest shown on
# screen only; richer levels print the lead sentences uncut, then every piece in full
# (builder/sheets/budget.py picks the richest level that does not start another page).
IDEA_CHARS = 110
IDEAS_PER_SECTION = 4
LABEL_CHARS = 40  # a list item ending in a colon up to this long labels the items under it


@dataclass(frozen=True, slots=True)
class Level:
    """How a sheet condenses prose: paragraphs and list items each `full`, `lead` (the first
    sentence and the emphasised one, uncut) or `short` (those, clipped); `cap` pieces a section
    at most (None: all)."""

    paragraphs: str
    items: str
    cap: int | None


# Richest first; the last is what a sheet prints when nothing richer fits.
LEVELS = (Level("full", "full", None), Level("full", "lead", None), Level("lead", "lead", None),
          Level("lead", "short", None), Level("short", "short", IDEAS_PER_SECTION))
LEANEST = LEVELS[-1]
_CLAUSE = re.compile(r"(?:[,;:]| [\u2014\u2013-]) ")
_WORDS = re.compile(r"[^\W_]+")
# A sentence that opens on one of these says nothing without the sentence before it.
_PRONOUN = re.compile(r"(?:it|its|they|their|them|this|these|that|those|he|she|such|both)\b",
                      re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class KeyIdea:
    short_html: str  # what the PDF prints: the whole piece, or its lead sentences, maybe clipped
    full_html: str  # the whole paragraph or item, shown on screen
    item: bool  # a list item (printed with a bullet), not a paragraph
    condensed: bool  # short_html leaves something out
    printed: bool = True  # False: beyond the section's share, a lead-in or a repeat; on screen only
    text: str = ""  # the plain text of what the PDF prints


@dataclass(frozen=True, slots=True)
class IdeaGroup:
    section: str | None
    ideas: tuple[KeyIdea, ...]

    @property
    def printed(self) -> bool:
        return any(i.printed for i in self.ideas)


def key_ideas(o: Objective, rich, level: Level = LEANEST,  # type: ignore[no-untyped-def]
              taken: frozenset[SourcePos] = frozenset()) -> tuple[IdeaGroup, ...]:
    """The objective's prose grouped by section, each piece condensed for print."""
    groups: list[tuple[str | None, list[KeyIdea]]] = []
    for p, short in selected_prose(o, level, taken):
        text = short or p.text
        idea = KeyIdea(rich(text), rich(p.text), p.kind == "item",
                       text.plain.strip() != p.text.plain.strip(), short is not None,
                       text.plain if short is not None else "")
        if groups and groups[-1][0] == p.section:
            groups[-1][1].append(idea)
        else:
            groups.append((p.section, [idea]))
    return tuple(IdeaGroup(section, tuple(ideas)) for section, ideas in groups)


def selected_prose(o: Objective, level: Level = LEANEST,
                   taken: frozenset[SourcePos] = frozenset()) -> list[tuple[Prose, RichText | None]]:
    """Each piece of prose with what the PDF prints of it, None when it prints nothing: a
    lead-in (it ends with a colon; the list or code it introduces prints; but a short list
    item ending in a colon is the label of the items under it, `Use:`), link text only
    ("More info"), a piece whose words another node already prints (a caption, term,
    definition, purpose or heading) or an earlier key idea said, a piece opening on a pronoun
    whose antecedent, the piece before it, does not print, a piece a sibling table prints
    (`taken`, builder/sheets/siblings.py) and pieces beyond the level's cap in their section."""
    said = _printed_elsewhere(o)
    out: list[tuple[Prose, RichText | None]] = []
    counts: dict[str | None, int] = {}
    before: tuple[str | None, bool] | None = None  # the previous piece's section, and whether it printed
    for p in o.prose:
        if not p.text:
            continue
        short = condense(p, level.items if p.kind == "item" else level.paragraphs)
        words = _words(short.plain)
        orphan = (_PRONOUN.match(short.plain.lstrip()) is not None and before is not None
                  and before[0] == p.section and not before[1])
        lead_in = short.plain.rstrip().endswith(":") and (p.kind != "item" or len(short.plain) > LABEL_CHARS)
        if (lead_in or not words or _link_only(short) or orphan or p.pos in taken
                or any(words in s for s in said)
                or level.cap is not None and counts.get(p.section, 0) >= level.cap):
            out.append((p, None))
            before = (p.section, False)
            continue
        counts[p.section] = counts.get(p.section, 0) + 1
        said.append(words)
        out.append((p, short))
        before = (p.section, True)
    return out


def _link_only(text: RichText) -> bool:
    return all(s.style is SpanStyle.LINK for s in text.spans if s.text.strip())


def _words(text: str) -> str:
    return " ".join(_WORDS.findall(text.casefold()))


def _printed_elsewhere(o: Objective) -> list[str]:
    texts = [t.title for t in o.tables] + [s.caption for s in o.samples if s.caption]
    texts += [d.term for d in o.definitions] + [d.text.plain for d in o.definitions]
    texts += [g.purpose for g in o.command_groups if g.purpose] + [s.title for s in o.sections]
    return [f" {w} " for w in map(_words, texts) if w]


def condense(p: Prose, mode: str = "short") -> RichText:
    """The piece as `mode` prints it: `full`, the whole text; `lead`, the first sentence (it
    says what the piece is about, and what a later "it" means) and the first sentence with bold
    or italic text after it (with the sentence before that one when it opens on a pronoun);
    `short`, those clipped to about IDEA_CHARS a sentence at a clause or word boundary (an
    ellipsis marks the cut), never when what the cut leaves out is short."""
    text = p.text
    if mode == "full":
        return text
    bounds = sentences(text.plain) or [(0, len(text.plain))]
    marked = [k for k, b in enumerate(bounds[1:], start=1) if _emphasised(text, *b)]
    first = slice_rich(text, *bounds[0])
    one = clip if mode == "short" else (lambda t, limit=0: t)
    if not marked:
        return one(first)
    k = marked[0]
    if k > 1 and _PRONOUN.match(text.plain[bounds[k][0]:]):
        k -= 1  # "It ..." keeps the sentence that says what it is
    if k == 1:  # adjacent: the sentences as written
        return one(slice_rich(text, bounds[0][0], bounds[marked[0]][1]), 2 * IDEA_CHARS)
    return one(RichText(first.spans + (Span(" \u2026 "),) + slice_rich(text, bounds[k][0], bounds[marked[0]][1]).spans),
               2 * IDEA_CHARS)


# A cut that would leave out no more than this many characters is not worth its ellipsis: the
# end of a sentence is where its point often is ("... without the need for a host OS").
SHORT_REST = 40


def clip(text: RichText, limit: int = IDEA_CHARS) -> RichText:
    """`text` cut to at most `limit` characters before a clause mark (`, ; :` or a dash) in its
    second half, else before a word; never inside a code span, and not at all when what it
    would leave out is short."""
    plain = text.plain
    if len(plain) <= limit + SHORT_REST:
        return text
    plain_at = _plain_offsets(text)
    cuts = [m.start() for m in _CLAUSE.finditer(plain, 0, limit)]
    cuts = [c for c in cuts if c >= limit // 2 and c in plain_at] or \
        [m.start() for m in re.finditer(r" ", plain[:limit]) if m.start() in plain_at]
    if not cuts:
        return text
    return RichText(slice_rich(text, 0, cuts[-1]).spans + (Span("\u2026"),))


def _plain_offsets(text: RichText) -> set[int]:
    """Offsets of `text.plain` outside code and links, where a cut may fall."""
    out, at = set(), 0
    for span in text.spans:
        if span.style in (SpanStyle.TEXT, SpanStyle.STRONG, SpanStyle.EMPHASIS):
            out.update(range(at, at + len(span.text) + 1))
        at += len(span.text)
    return out


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


def definition_groups(o: Objective, clean, rich,  # type: ignore[no-untyped-def]
                      taken: frozenset[SourcePos] = frozenset()) -> tuple[DefinitionGroup, ...]:
    """Definitions under the heading they sit under (but those a sibling table prints); a term
    that recurs names it inline too."""
    terms = [d.term.strip().lower() for d in o.definitions]
    groups: list[tuple[str | None, list[DefinitionEntry]]] = []
    for d in o.definitions:
        if d.pos in taken:
            continue
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


# Text between tags of escaped HTML; in it, an option's dashes with the letter after them, and a
# token too long for any line.
_HTML_TEXT = re.compile(r"(<[^>]*>)|([^<]+)")
_OPTION = re.compile(r"(?<![\w\-\u2011])(-{1,2}[^\W_])")
LONG_TOKEN = 45  # characters: longer than a cell or a column line can be asked to hold
_LONG = re.compile(r"[^\s<>]{%d,}" % LONG_TOKEN)


def keep_words(html: str) -> str:
    """Escaped HTML whose words never break inside: an option's dashes stay with its name
    (`--option` never prints as `--` | `option`), and only a token longer than a line
    (a URL) may break anywhere, as a last resort (`overflow-wrap` on its own span)."""
    out = []
    for m in _HTML_TEXT.finditer(html):
        if m.group(1):
            out.append(m.group(1))
            continue
        text, at = m.group(2), 0
        for long in _LONG.finditer(text):
            out.append(_OPTION.sub(r'<span class="nb">\1</span>', text[at:long.start()]))
            out.append(f'<span class="brk">{long.group()}</span>')
            at = long.end()
        out.append(_OPTION.sub(r'<span class="nb">\1</span>', text[at:]))
    return "".join(out)


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
