"""markdown-it tokens to a flat stream of positioned blocks (headings, paragraphs, fences, tables)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

from builder.model import RichText, Span, SpanStyle
from builder.reader.dated import is_marker_paragraph

# Deep nesting beyond this is read as text by markdown-it instead of recursing.
MAX_NESTING = 40


def make_parser() -> MarkdownIt:
    """CommonMark with raw HTML off (so `<device>` stays text) and GFM tables."""
    md = MarkdownIt("commonmark", {"html": False, "maxNesting": MAX_NESTING})
    md.enable("table")
    return md


@dataclass(frozen=True, slots=True)
class InlineRef:
    """An image or link found in inline content."""

    kind: str  # "image" or "link"
    target: str
    text: str
    line_offset: int = 0  # lines after the start of the block


@dataclass(slots=True)
class Inline:
    """Inline content converted to rich text plus the images and links in it."""

    text: RichText
    refs: list[InlineRef] = field(default_factory=list)


@dataclass(slots=True)
class Heading:
    level: int
    inline: Inline
    line: int


@dataclass(slots=True)
class Paragraph:
    inline: Inline
    line: int
    list_id: int | None  # which list the paragraph's item belongs to (None outside lists)
    depth: int  # list nesting depth, 0 outside lists
    item_start: bool  # the first paragraph of a list item
    end: int = 0  # the paragraph's last line (1-based, inclusive)


@dataclass(slots=True)
class Fence:
    info: str
    content: str
    line: int  # the opening fence line; for an indented block the line before it: content is at line + 1
    end: int  # the last line of the block (1-based, inclusive)
    closed: bool


@dataclass(slots=True)
class TableBlock:
    header: list[Inline]
    rows: list[tuple[list[Inline], int]]
    line: int
    end: int


Block = Heading | Paragraph | Fence | TableBlock


def convert_inline(token: Token | None) -> Inline:
    """Flatten an inline token's children into styled spans."""
    children = token.children if token else None
    if children and len(children) == 1 and children[0].type == "text":  # plain text: most cells
        return Inline(RichText((Span(children[0].content),)))
    spans = _SpanRun()
    refs: list[InlineRef] = []
    strong = em = 0
    href: str | None = None
    link_text: list[str] = []
    offset = 0
    for child in (token.children or []) if token else []:
        kind = child.type
        if kind == "text":
            style = (SpanStyle.LINK if href is not None else SpanStyle.STRONG if strong
                     else SpanStyle.EMPHASIS if em else SpanStyle.TEXT)
            spans.add(child.content, style, href)
            if href is not None:
                link_text.append(child.content)
        elif kind == "code_inline":
            spans.add_whole(Span(child.content, SpanStyle.CODE))
            if href is not None:
                link_text.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            spans.add(" ", SpanStyle.TEXT, None)
            offset += 1
        elif kind == "strong_open":
            strong += 1
        elif kind == "strong_close":
            strong -= 1
        elif kind == "em_open":
            em += 1
        elif kind == "em_close":
            em -= 1
        elif kind == "link_open":
            href = str(child.attrs.get("href", ""))
            link_text = []
        elif kind == "link_close":
            refs.append(InlineRef("link", href or "", "".join(link_text), offset))
            href = None
        elif kind == "image":
            refs.append(InlineRef("image", str(child.attrs.get("src", "")), child.content, offset))
    return Inline(RichText(spans.finish()), refs)


class _SpanRun:
    """Spans with adjacent runs of one style merged; pieces are joined once per span, so a
    paragraph of any length is converted in linear time."""

    __slots__ = ("spans", "pieces", "style", "href")

    def __init__(self) -> None:
        self.spans: list[Span] = []
        self.pieces: list[str] = []
        self.style: SpanStyle | None = None
        self.href: str | None = None

    def add(self, text: str, style: SpanStyle, href: str | None) -> None:
        if self.pieces and (style != self.style or href != self.href):
            self._flush()
        self.pieces.append(text)
        self.style, self.href = style, href

    def add_whole(self, span: Span) -> None:
        """A span never merged with its neighbours (inline code)."""
        self._flush()
        self.spans.append(span)

    def finish(self) -> tuple[Span, ...]:
        self._flush()
        return tuple(self.spans)

    def _flush(self) -> None:
        if self.pieces:
            assert self.style is not None
            self.spans.append(Span("".join(self.pieces), self.style, self.href))
            self.pieces = []


def nesting_limit_line(tokens: list[Token]) -> int | None:
    """The line where nesting reached markdown-it's limit (deeper content is read as text)."""
    for tok in tokens:
        if tok.level >= MAX_NESTING - 1 and tok.map:
            return tok.map[0] + 1
    return None


def read_blocks(tokens: list[Token], lines: list[str]) -> list[Block]:
    """Walk the flat token stream once and keep the blocks the recognizers need."""
    blocks: list[Block] = []
    list_ids: list[int] = []
    item_fresh: list[bool] = []
    next_list = 0
    i = 0
    n = len(tokens)
    while i < n:
        tok = tokens[i]
        kind = tok.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            list_ids.append(next_list)
            next_list += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            list_ids.pop()
        elif kind == "list_item_open":
            item_fresh.append(True)
        elif kind == "list_item_close":
            item_fresh.pop()
        elif kind == "heading_open":
            blocks.append(Heading(int(tok.tag[1:]), convert_inline(tokens[i + 1]), _line(tok)))
            i += 2
        elif kind == "paragraph_open" and is_marker_paragraph(tokens[i + 1].content):
            i += 3  # a dated-fact marker is a note to the maintainer: no content, no lead-in
            continue
        elif kind == "paragraph_open":
            fresh = bool(item_fresh) and item_fresh[-1]
            if item_fresh:
                item_fresh[-1] = False
            blocks.append(Paragraph(convert_inline(tokens[i + 1]), _line(tok),
                                    list_ids[-1] if list_ids else None, len(list_ids), fresh,
                                    tok.map[1] if tok.map else _line(tok)))
            i += 2
        elif kind in ("fence", "code_block"):
            # An indented block has no fence line: its content starts at map[0] + 1 like a fence's.
            start = _line(tok) - (kind == "code_block")
            end = tok.map[1] if tok.map else start
            closed = kind == "code_block" or _fence_closed(tok, lines, end)
            content = tok.content
            if not closed and tok.level > 0 and end < len(lines):
                # ended by its list item or quote, not by the end of the file: what a reader sees
                # ends there too (often at `cmd   ``` `, a closing fence written on the last line)
                closed = True
                content = re.sub(r"[ \t]*(`{3,}|~{3,})[ \t]*(\n?)$", r"\2", content)
            blocks.append(Fence(tok.info.strip() if kind == "fence" else "", content,
                                start, end, closed))
            if item_fresh:
                item_fresh[-1] = False
        elif kind == "table_open":
            table, i = _read_table(tokens, i)
            blocks.append(table)
            continue
        i += 1
    return blocks


def _read_table(tokens: list[Token], i: int) -> tuple[TableBlock, int]:
    start = tokens[i]
    end_line = start.map[1] if start.map else _line(start)
    header: list[Inline] = []
    rows: list[tuple[list[Inline], int]] = []
    in_head = False
    row: list[Inline] = []
    row_line = _line(start)
    i += 1
    while i < len(tokens) and tokens[i].type != "table_close":
        tok = tokens[i]
        if tok.type == "thead_open":
            in_head = True
        elif tok.type == "thead_close":
            in_head = False
        elif tok.type == "tr_open":
            row = []
            row_line = _line(tok) if tok.map else row_line + 1
        elif tok.type == "inline":
            row.append(convert_inline(tok))
        elif tok.type == "tr_close":
            if in_head:
                header = row
            else:
                rows.append((row, row_line))
        i += 1
    return TableBlock(header, rows, _line(start), end_line), i + 1


def _line(tok: Token) -> int:
    return tok.map[0] + 1 if tok.map else 1


def _fence_closed(tok: Token, lines: list[str], end: int) -> bool:
    """markdown-it closes an open fence at the end of its container; see if a marker is there."""
    if end < 1 or end > len(lines):
        return False
    last = lines[end - 1].lstrip(" \t>").strip()  # a fence in a quote closes with `> ````
    marker = tok.markup or "```"
    return end - 1 > (tok.map[0] if tok.map else 0) and last.startswith(marker[0] * len(marker)) \
        and set(last) <= {marker[0]}
