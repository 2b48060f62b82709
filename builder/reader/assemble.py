"""Blocks of one file to topics and objectives: the recognizers of the LPI objective format."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from builder.diagnostics import Diagnostic, error, warning
from builder.model import (
    CodeSample, CommandGroup, Definition, Image, Link, Objective, Prose, RichText, Section, SourcePos,
    Span, SpanStyle, Stub, Table, TableRow, TimelineEvent,
)
from builder.reader.blocks import Block, Fence, Heading, Inline, Paragraph, TableBlock
from builder.reader.cited import parse_cited_object
from builder.reader.commands import SHELL_LANGUAGES, is_tree_listing, parse_command_block
from builder.reader.references import raw_html, resolve_target, unsafe_urls
from builder.reader.richtext import after_label, cell, row_pin, split_entries, trim
from builder.reader.tables import check_table_lines, table_title
from builder.reader.text import clean_title, is_ignorable_html, is_placeholder, split_icon, strip_icons
from builder.reader.timeline import parse_timeline
from builder.reader.vocabulary import DEFAULT_LANG, PART_MODES, matcher

_OBJECTIVE = re.compile(r"^(\d{3}\.\d+)\b\s*[:.\-\u2013\u2014]?\s*(.*)$")
_CARD_KEY = re.compile(r"^<!--\s*card:\s*([\w.:/-]+)\s*-->$")


@dataclass(slots=True)
class ObjectiveDraft:
    """An objective while its blocks are read (frozen into `Objective` at the end)."""

    id: str
    title: str
    icon: str | None
    level: int
    pos: SourcePos
    weight: int | None = None
    description: RichText | None = None
    kka: list[RichText] = field(default_factory=list)
    cited: list = field(default_factory=list)
    groups: list[CommandGroup] = field(default_factory=list)
    samples: list[CodeSample] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    definitions: list[Definition] = field(default_factory=list)
    timeline: list[TimelineEvent] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    stubs: list[Stub] = field(default_factory=list)
    prose: list[Prose] = field(default_factory=list)

    def freeze(self) -> Objective:
        enclosing = _enclosing_sections(self.sections)
        definitions = tuple(d if d.section == (section := enclosing(d.pos)) else replace(d, section=section)
                            for d in self.definitions)
        return Objective(self.id, self.title, self.icon, self.weight, self.description,
                         tuple(self.kka), tuple(self.cited), tuple(self.groups), tuple(self.samples),
                         tuple(self.tables), definitions, tuple(self.timeline),
                         tuple(self.images), tuple(self.links), tuple(self.sections),
                         tuple(_dedupe_stubs(self.stubs)), self.pos, prose=tuple(self.prose))


@dataclass(slots=True)
class TopicDraft:
    number: str
    title: str
    icon: str | None
    pos: SourcePos
    explicit: bool  # from a `Topic NNN` heading, not inferred from an objective id


@dataclass(slots=True)
class _OpenSection:
    title: str
    level: int
    pos: SourcePos
    content: int = 0  # blocks of content read under it
    children: int = 0


@dataclass(slots=True)
class FileResult:
    topics: list[TopicDraft]
    objectives: list[ObjectiveDraft]
    diagnostics: list[Diagnostic]
    title: str | None = None  # the file's first level-1 heading that is not a topic or objective


class FileAssembler:
    """Reads the blocks of one file in order and fills topic and objective drafts."""

    def __init__(self, path: str, root: Path, file_dir: Path, lines: list[str] | None = None,
                 cut_fences: set[int] | frozenset[int] = frozenset(), lang: str = DEFAULT_LANG) -> None:
        self.path = path
        self.words = matcher(lang)  # the file's language and English
        self.cut_fences = cut_fences  # fences closed early by the reader (reported there)
        self.lines = lines or []
        self.root = root
        self.file_dir = file_dir
        self.topics: list[TopicDraft] = []
        self.objectives: list[ObjectiveDraft] = []
        self.diags: list[Diagnostic] = []
        self.topic: TopicDraft | None = None
        self.obj: ObjectiveDraft | None = None
        self.mode: str | None = None  # "cited", "commands" or "kka"
        self.mode_level = 0
        self.mode_list: int | None = None  # the list a label (Key Knowledge Areas:) opened
        self.stack: list[_OpenSection] = []
        self.prev: Block | None = None
        self.card_key: str | None = None
        self.question: tuple[str, SourcePos] | None = None
        self.last_level = 0
        self.title: str | None = None

    def pos(self, line: int) -> SourcePos:
        return SourcePos(self.path, line)

    # -- driver ---------------------------------------------------------------------------
    def run(self, blocks: list[Block]) -> FileResult:
        for block in blocks:
            if isinstance(block, Heading):
                self.on_heading(block)
            elif isinstance(block, Paragraph):
                self.on_paragraph(block)
            elif isinstance(block, Fence):
                self.on_fence(block)
            elif isinstance(block, TableBlock):
                self.on_table(block)
            self.prev = block
        self.close_sections(0)
        return FileResult(self.topics, self.objectives, self.diags, self.title)

    # -- headings -------------------------------------------------------------------------
    def on_heading(self, h: Heading) -> None:
        raw = h.inline.text.plain
        icon, titled = split_icon(raw)
        titled = " ".join(titled.split())
        title = clean_title(titled)
        pos = self.pos(h.line)
        if self.last_level and h.level > self.last_level + 1:
            self.diags.append(warning(pos, "heading-skip",
                                   f"heading level jumps from {self.last_level} to {h.level}; "
                                   f"use {'#' * (self.last_level + 1)} here"))
        self.last_level = h.level
        self.close_sections(h.level)
        self.question = None
        self.card_key = None
        if self.mode and h.level <= self.mode_level:
            self.mode = None
        self.collect_refs(h.inline, pos)
        if topic := self.words.match_topic(title):
            self.start_topic(topic[0], clean_title(topic[1]) or f"Topic {topic[0]}", icon, pos)
            return
        objective = _OBJECTIVE.match(titled)
        if h.level == 1 and self.title is None and not objective and title:
            self.title = title
        if objective and self.is_objective_heading(objective.group(1), objective.group(2), h.level, pos):
            self.start_objective(objective.group(1), objective.group(2), icon, h.level, pos)
            return
        rest = clean_title(objective.group(2)) if objective else title
        part = self.words.match_part(rest)
        mode = PART_MODES.get(part) if part else None
        if objective and not mode and rest:
            title = rest
        if mode and self.obj:
            if objective and objective.group(1) != self.obj.id:
                self.diags.append(warning(pos, "objective-mismatch",
                                          f"heading names objective {objective.group(1)} but sits "
                                          f"under {self.obj.id}; fix the number"))
            self.mode = mode
            self.mode_level = h.level
            self.mode_list = None
        self.open_section(title, icon, h.level, pos)
        if title.endswith("?"):
            self.question = (title, pos)
        elif title.lower() == "definition" and len(self.stack) > 1:
            self.question = (self.stack[-2].title, pos)

    def is_objective_heading(self, oid: str, rest: str, level: int, pos: SourcePos) -> bool:
        if self.words.match_part(clean_title(rest)) or not clean_title(rest):
            return False
        topic = self.topic.number if self.topic else None
        if topic and not oid.startswith(topic + "."):
            self.diags.append(warning(pos, "objective-mismatch",
                                      f"heading starts with {oid}, which is not an objective of topic "
                                      f"{topic}; read as a section title (fix or remove the number)"))
            return False
        if self.obj and level > self.obj.level and oid == self.obj.id:
            return False
        return not (self.obj and level > self.obj.level and self.obj.id.split(".")[0] != oid.split(".")[0])

    def start_topic(self, number: str, title: str, icon: str | None, pos: SourcePos) -> None:
        self.close_sections(0)
        self.obj = None
        self.mode = None
        self.topic = TopicDraft(number, title, icon, pos, True)
        self.topics.append(self.topic)

    def start_objective(self, oid: str, title: str, icon: str | None, level: int,
                        pos: SourcePos) -> None:
        self.close_sections(0)
        self.mode = None
        if not self.topic or not oid.startswith(self.topic.number + "."):
            number = oid.split(".")[0]
            self.topic = TopicDraft(number, f"Topic {number}", None, pos, False)
            self.topics.append(self.topic)
        inner_icon, title = split_icon(title)
        self.obj = ObjectiveDraft(oid, clean_title(title), icon or inner_icon, level, pos)
        self.objectives.append(self.obj)

    def open_section(self, title: str, icon: str | None, level: int, pos: SourcePos) -> None:
        if self.stack:
            self.stack[-1].children += 1
        self.stack.append(_OpenSection(title, level, pos))
        if self.obj:
            self.obj.sections.append(Section(title, icon, level, pos))

    def close_sections(self, level: int) -> None:
        """Close sections at `level` or deeper; an empty or placeholder one becomes a stub."""
        while self.stack and self.stack[-1].level >= level:
            sec = self.stack.pop()
            if not self.obj:
                continue
            if is_placeholder(sec.title):
                self.obj.stubs.append(Stub(sec.title, "placeholder", sec.pos))
            elif sec.content == 0 and sec.children == 0:
                self.obj.stubs.append(Stub(sec.title, "empty section", sec.pos))

    @property
    def section(self) -> str | None:
        return self.stack[-1].title if self.stack else (self.obj.title if self.obj else None)

    def mark_content(self) -> None:
        if self.stack:
            self.stack[-1].content += 1

    # -- paragraphs -----------------------------------------------------------------------
    def on_paragraph(self, p: Paragraph) -> None:
        plain = p.inline.text.plain.strip()
        pos = self.pos(p.line)
        if m := _CARD_KEY.match(plain):
            self.card_key = m.group(1)
            return
        if is_ignorable_html(plain):
            return
        self.diags.extend(raw_html(plain, pos))
        self.diags.extend(unsafe_urls(plain, pos))
        self.collect_refs(p.inline, pos)
        if not self.obj:
            return
        if self.stack and is_placeholder(plain):
            self.obj.stubs.append(Stub(self.stack[-1].title, "placeholder", self.stack[-1].pos))
            return
        self.mark_content()
        label = self.words.match_label(strip_icons(plain)) if p.depth == 0 else None
        if label and self.is_label(p.inline):
            self.on_label(label, p, pos)
            return
        if self.words.is_cited_intro(plain):
            self.mode, self.mode_level, self.mode_list = "cited", 7, None
            return
        if p.depth and self.mode in ("kka", "cited") and p.item_start:
            if self.mode_list is None:
                self.mode_list = p.list_id
            if p.list_id == self.mode_list and p.depth == 1 or self.mode == "cited" and p.depth == 1:
                self.add_list_entry(p, pos)
                return
        elif self.mode == "kka" and p.depth == 0 and self.mode_list is not None:
            self.mode = None
        if term := self.bold_term(p.inline):
            self.obj.definitions.append(Definition(term[0], term[1], "bold-term", pos))
            return
        if self.question and p.depth == 0:
            question, self.question = self.question, None
            if not plain.endswith(":"):
                self.obj.definitions.append(Definition(question[0], trim(p.inline.text), "question",
                                                       question[1]))
                return
        if plain:  # what no other node holds is kept as prose, so nothing the guide says is lost
            self.obj.prose.append(Prose(trim(p.inline.text), "item" if p.depth else "paragraph",
                                        self.section, p.depth, pos))

    def is_label(self, inline: Inline) -> bool:
        spans = [s for s in inline.text.spans if s.text.strip()]
        return bool(spans) and (spans[0].style is SpanStyle.STRONG or spans[0].style is SpanStyle.TEXT)

    def on_label(self, name: str, p: Paragraph, pos: SourcePos) -> None:
        assert self.obj is not None
        value = after_label(p.inline.text)
        if name == "weight":
            m = re.search(r"\d+", value.plain)
            if m:
                self.obj.weight = int(m.group(0))
            else:
                self.diags.append(warning(pos, "weight-invalid",
                                          f"weight '{value.plain.strip()}' is not a number"))
        elif name == "description":
            self.obj.description = value if value else None
        else:
            self.mode, self.mode_level, self.mode_list = "kka", self.obj.level, None

    def add_list_entry(self, p: Paragraph, pos: SourcePos) -> None:
        assert self.obj is not None
        if self.mode == "kka":
            self.obj.kka.append(trim(p.inline.text))
        else:
            for part in split_entries(p.inline.text.plain):
                if obj := parse_cited_object(part, pos):
                    self.obj.cited.append(obj)

    def bold_term(self, inline: Inline) -> tuple[str, RichText] | None:
        """`**Term**: text` (after an optional icon) as a definition."""
        spans = list(inline.text.spans)
        if not spans or spans[0].style is SpanStyle.CODE or spans[0].style is SpanStyle.TEXT and (
                spans[0].text.strip()[:1].isascii() and spans[0].text.strip()):
            return None  # most paragraphs: plain words first, no term
        while spans and spans[0].style is SpanStyle.TEXT and not strip_icons(spans[0].text):
            spans.pop(0)
        if len(spans) < 2 or spans[0].style is not SpanStyle.STRONG:
            return None
        term = spans[0].text.strip()
        rest = spans[1]
        if term.endswith(":"):
            term = term[:-1].strip()
        elif rest.style is SpanStyle.TEXT and rest.text.lstrip().startswith((":", "-", "\u2013", "\u2014")):
            spans[1] = Span(rest.text.lstrip()[1:], rest.style, rest.href)
        else:
            return None
        text = trim(RichText(tuple(spans[1:])))
        if not term or not text or self.words.match_label(term + ":"):
            return None
        return clean_title(term), text

    # -- fences ---------------------------------------------------------------------------
    def on_fence(self, f: Fence) -> None:
        pos = self.pos(f.line)
        if not f.closed and f.line not in self.cut_fences:
            self.diags.append(error(pos, "fence-unclosed",
                                    "code fence is never closed; everything after it is read as code: "
                                    "add the closing ``` line"))
        card_key, self.card_key = self.card_key, None
        if not self.obj:
            return
        lang = (f.info.split() or [""])[0].lower()
        lead_in = self.lead_in()
        if self.mode == "cited":
            self.mark_content()
            for offset, line in enumerate(f.content.split("\n")):
                for part in split_entries(line):  # `Domain0 (Dom0), DomainU (DomU)` is two objects
                    if obj := parse_cited_object(part, self.pos(f.line + 1 + offset)):
                        self.obj.cited.append(obj)
            return
        if lang == "mermaid":
            self.mark_content()
            self.obj.timeline.extend(parse_timeline(f.content, self.path, f.line))
            return
        if lang not in SHELL_LANGUAGES or is_tree_listing(f.content):
            self.mark_content()
            if f.content.strip():
                self.obj.samples.append(CodeSample(lang or "text", f.content.rstrip("\n"), lead_in,
                                                   self.section, pos))
            return
        self.on_command_fence(f, lang, lead_in, card_key)

    def on_command_fence(self, f: Fence, lang: str, lead_in: str | None, card_key: str | None) -> None:
        assert self.obj is not None
        if is_placeholder(f.content):
            self.mark_content()
            sec = self.stack[-1] if self.stack else None
            where = sec.pos if sec and is_placeholder(sec.title) else self.pos(f.line + 1)
            self.obj.stubs.append(Stub(sec.title if sec else self.obj.title, "placeholder", where))
            return
        block = parse_command_block(f.content, lang, self.path, f.line, section=self.section,
                                    important=self.mode == "commands", lead_in=lead_in,
                                    card_key=card_key)
        self.mark_content()
        if block.comment_only_line:
            self.obj.stubs.append(Stub(self.section or self.obj.title, "comment-only block",
                                       self.pos(block.comment_only_line)))
            return
        self.obj.groups.extend(block.groups)
        for text, line in block.orphan_purposes:
            self.diags.append(warning(self.pos(line), "purpose-without-command",
                                      f"purpose comment '{text}' has no command under it: add the "
                                      "command or remove the comment"))

    def lead_in(self) -> str | None:
        """The sentence right before a block, when it introduces it (`Use ldd to ...:`)."""
        prev = self.prev
        if isinstance(prev, Paragraph) and prev.depth == 0:
            text = clean_title(prev.inline.text.plain)
            if prev.inline.text.plain.strip().endswith(":") and 0 < len(text) <= 160:
                return text
        return None

    # -- tables ---------------------------------------------------------------------------
    def on_table(self, t: TableBlock) -> None:
        self.diags.extend(check_table_lines(t, self.lines, self.path))
        if not self.obj:
            return
        self.mark_content()
        pos = self.pos(t.line)
        title, icon = table_title(self.prev, self.section or self.obj.title)
        prose = self.obj.prose
        if isinstance(self.prev, Paragraph) and prose and prose[-1].pos.line == self.prev.line \
                and title != (self.section or self.obj.title):
            prose.pop()  # the caption line is the table's title, not a paragraph of its own
        rows = []
        for cells, line in t.rows:
            texts, card_key = row_pin(tuple(cell(c.text) for c in cells))
            at = self.pos(line)
            rows.append(TableRow(texts, at, card_key))
            for c in cells:
                if c.refs:
                    self.collect_refs(c, at)
        header = tuple(trim(c.text) for c in t.header)
        self.obj.tables.append(Table(title, icon, header, tuple(rows), self.section, pos))

    # -- links, images, raw HTML ---------------------------------------------------------
    def collect_refs(self, inline: Inline, pos: SourcePos) -> None:
        for ref in inline.refs:
            at = SourcePos(pos.path, pos.line + ref.line_offset)
            exists, resolved = resolve_target(ref.target, self.file_dir, self.root)
            if not self.obj:
                continue
            if ref.kind == "image":
                self.obj.images.append(Image(ref.target, ref.text, exists, resolved, at))
            else:
                self.obj.links.append(Link(ref.target, ref.text, exists, at))



def _enclosing_sections(sections: list[Section]) -> Callable[[SourcePos], str | None]:
    """For a position: the last section heading at or above it in its file (a question heading
    is its own), found by bisection in the sections ordered by position."""
    ordered = sorted(sections, key=lambda s: s.pos)
    starts = [s.pos for s in ordered]

    def enclosing(pos: SourcePos) -> str | None:
        i = bisect_right(starts, pos)  # the same file's sections at or above `pos` end at i
        return ordered[i - 1].title if i and starts[i - 1].path == pos.path else None
    return enclosing


def _dedupe_stubs(stubs: list[Stub]) -> list[Stub]:
    seen: set[tuple[int, str]] = set()
    out = []
    for stub in stubs:
        if (stub.pos.line, stub.title) not in seen:
            seen.add((stub.pos.line, stub.title))
            out.append(stub)
    return out
