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
from builder.reader.codekinds import code_kind
from builder.reader.commands import SHELL_LANGUAGES, is_tree_listing, parse_command_block
from builder.reader.shellwords import ACTION_WORDS, ASIDE_OPENERS
from builder.reader.references import raw_html, resolve_target, unsafe_urls
from builder.reader.certification import known_topic, topic_name
from builder.reader.richtext import after_label, cell, row_pin, split_entries, trim
from builder.reader.richtext import after_label as label_value  # add_plain_lines' flag shadows the name
from builder.reader.spans import split_outside_code
from builder.reader.shapes import Numbered, match_objective, match_topic
from builder.reader.tables import check_table_lines, table_title
from builder.reader.text import clean_title, is_ignorable_html, is_placeholder, split_icon, strip_icons
from builder.reader.timeline import parse_timeline
from builder.reader.vocabulary import DEFAULT_LANG, PART_MODES, matcher

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
    implied: bool = False  # numbered only by its file's or folder's name: the whole file is it
    removed: bool = False  # its title says LPI removed it (`104.4 Removed (see 104.3)`)

    _LISTS = ("kka", "cited", "groups", "samples", "tables", "definitions", "timeline", "images",
              "links", "sections", "stubs", "prose")

    def copy(self) -> ObjectiveDraft:
        return replace(self, **{name: list(getattr(self, name)) for name in self._LISTS})

    def absorb(self, other: ObjectiveDraft) -> None:
        """Another file's part of this objective, after this one's."""
        for name in self._LISTS:
            getattr(self, name).extend(getattr(other, name))
        self.fill(other)

    def fill(self, other: ObjectiveDraft) -> None:
        """What this draft lacks and another one says: weight, description, title, areas, objects."""
        self.weight = self.weight if self.weight is not None else other.weight
        self.description = self.description or other.description
        if self.implied and not other.implied and other.title:
            self.title, self.implied = other.title, False
        if not self.kka:
            self.kka = list(other.kka)
        if not self.cited:
            self.cited = list(other.cited)

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
    headings: list[tuple[SourcePos, str]] = field(default_factory=list)  # its first few headings
    # paragraphs that open like an objective (`101.1 Title`) and were read as text: (pos, number, title)
    unread: list[tuple[SourcePos, str, str]] = field(default_factory=list)


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
        self.mode_depth = 1  # the depth of that list's entries (2 under a label that is a list item)
        self.stack: list[_OpenSection] = []
        self.prev: Block | None = None
        self.card_key: str | None = None
        self.question: tuple[str, SourcePos] | None = None
        self.last_level = 0
        self.title: str | None = None
        self.pending: str | None = None  # a label whose value is the next paragraph
        self.options: dict[str, str] = {}  # `-s : display only totals` said under this heading
        self.said: list[str] = []  # the sentences of the paragraphs under this heading, in order
        self.headings: list[tuple[SourcePos, str]] = []
        self.labelled = False  # the heading being read is a plain line its objective labels follow
        self.unread: list[tuple[SourcePos, str, str]] = []

    def pos(self, line: int) -> SourcePos:
        return SourcePos(self.path, line)

    # -- driver ---------------------------------------------------------------------------
    def run(self, blocks: list[Block], implied: Numbered | None = None) -> FileResult:
        """Read the blocks; `implied`: the objective the file's or folder's name numbers, for a
        file that numbers none itself (the whole file is that objective)."""
        if implied:
            self.start_objective(implied, None, 0, self.pos(1), implied=True)
        for block in blocks:
            if isinstance(block, Heading):
                self.on_heading(block)
            elif isinstance(block, Paragraph):
                self.on_paragraph(block)
            elif isinstance(block, Fence):
                self.on_fence(block)
            elif isinstance(block, TableBlock):
                self.on_table(block)
            if not (isinstance(block, Paragraph) and (is_ignorable_html(plain := block.inline.text.plain.strip())
                                                      or self.words.is_navigation(plain))):
                self.prev = block  # an anchor or an ignore comment is never a block's lead-in
        self.close_sections(0)
        return FileResult(self.topics, self.objectives, self.diags, self.title, self.headings, self.unread)

    # -- headings -------------------------------------------------------------------------
    def on_heading(self, h: Heading, virtual: bool = False) -> None:
        raw = h.inline.text.plain
        icon, titled = split_icon(raw)
        titled = " ".join(titled.split())
        title = clean_title(titled)
        pos = self.pos(h.line)
        if len(self.headings) < 4 and title:
            self.headings.append((pos, title))
        if self.last_level and h.level > self.last_level + 1 and not virtual:
            self.diags.append(warning(pos, "heading-skip",
                                   f"heading level jumps from {self.last_level} to {h.level}; "
                                   f"use {'#' * (self.last_level + 1)} here"))
        if not virtual:
            self.last_level = h.level
        self.close_sections(h.level)
        self.question = None
        self.card_key = None
        if self.mode and h.level <= self.mode_level:
            self.mode = None
        self.collect_refs(h.inline, pos)
        self.pending = None
        self.options = {}
        self.said = []
        topic = match_topic(title)
        if topic and (topic.shape == "topic-word" or not (self.obj and h.level > self.obj.level)):
            self.start_topic(topic.number, clean_title(topic.title) or topic_name(topic.number), icon, pos)
            return
        objective = match_objective(titled)
        if self.obj and self.obj.implied and not self.obj.title and not objective and not self.stack \
                and (named := _SUB_NUMBER.sub("", title)) and not self.words.match_part(named):
            self.obj.title = named  # `# 1. Determine and configure ...` in 101/1/README.md names 101.1
            return
        if h.level == 1 and self.title is None and not objective and title:
            self.title = title
        if objective and self.is_objective_heading(objective, h.level, pos):
            self.start_objective(objective, icon, h.level, pos)
            return
        if self.obj and h.level < self.obj.level:
            self.end_objective()  # `## Contributing` after the last `### 353.4`: not the guide's content
        rest = clean_title(objective.title) if objective else title
        part = self.words.match_part(rest)
        mode = PART_MODES.get(part) if part else None
        if objective and not mode and rest:
            title = rest
        if self.obj and self.mode == "cited" and h.level > self.mode_level and not mode:
            self.add_cited_heading(title, pos)  # `##### /usr/src/` under `#### 201.1 Cited Objects`
        elif mode and self.obj:
            if objective and objective.number != self.obj.id:
                self.diags.append(warning(pos, "objective-mismatch",
                                          f"heading names objective {objective.number} but sits "
                                          f"under {self.obj.id}; fix the number"))
            self.mode = mode
            self.mode_level = h.level
            self.mode_list, self.mode_depth = None, 1
        elif self.obj and self.words.is_cited_intro(rest):  # `## Partial list of used files, ...`
            self.mode, self.mode_level, self.mode_list, self.mode_depth = "cited", 7, None, 1  # its list only
        elif self.obj and (label := self.words.match_heading_label(rest)):
            self.pending = label  # `### Description` then its paragraph
        elif self.obj and not self.obj.prose and self.words.match_label(rest) in ("weight", "description") \
                and (value := after_label(h.inline.text)).plain.strip():
            self.set_label(self.words.match_label(rest), value, pos)  # `#### Description: Candidates ...`
            return
        self.open_section(title, icon, h.level, pos)
        if title.endswith("?"):
            self.question = (title, pos)
        elif title.lower() == "definition" and len(self.stack) > 1:
            self.question = (self.stack[-2].title, pos)

    def is_objective_heading(self, found: Numbered, level: int, pos: SourcePos) -> bool:
        oid, rest = found.number, clean_title(found.title)
        if self.words.match_part(rest) or not rest:
            return False
        number = oid.split(".")[0]
        if len(number) < 3 and not self.labelled and not (
                self.topic and self.topic.explicit and self.topic.number == number):
            return False  # `1.1 Intro` is a numbered section unless a `Topic 1` heading leads to it
        if self.obj and oid == self.obj.id:
            return False  # a heading that repeats the current objective's number is a section of it
        if self.topic and self.topic.explicit and not oid.startswith(self.topic.number + "."):
            self.diags.append(warning(pos, "objective-mismatch",
                                      f"heading starts with {oid}, which is not an objective of topic "
                                      f"{self.topic.number}; read as a section title (fix or remove the number)"))
            return False
        return not (self.obj and level > self.obj.level and self.obj.id.split(".")[0] != number)

    def start_topic(self, number: str, title: str, icon: str | None, pos: SourcePos) -> None:
        self.close_sections(0)
        self.obj = None
        self.mode = None
        self.topic = TopicDraft(number, title, icon, pos, True)
        self.topics.append(self.topic)

    def start_objective(self, found: Numbered, icon: str | None, level: int, pos: SourcePos,
                        implied: bool = False) -> None:
        self.close_sections(0)
        self.mode = None
        oid = found.number
        if not self.topic or not oid.startswith(self.topic.number + "."):
            number = oid.split(".")[0]
            self.topic = TopicDraft(number, topic_name(number), None, pos, False)
            self.topics.append(self.topic)
        inner_icon, title = split_icon(found.title)
        self.obj = ObjectiveDraft(oid, clean_title(title), icon or inner_icon, level, pos,
                                  weight=found.weight, implied=implied,
                                  removed=self.words.says_removed(title))
        self.objectives.append(self.obj)

    def end_objective(self) -> None:
        self.close_sections(0)
        self.obj = None
        self.mode = None

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
        if is_ignorable_html(plain) or self.words.is_navigation(plain):
            return
        self.diags.extend(raw_html(plain, pos))
        self.diags.extend(unsafe_urls(plain, pos))
        if p.depth == 0 and self.split_plain_structure(p):
            return
        if p.depth == 0 and self.bold_objective_line(p, plain):
            return
        if p.depth == 0 and plain[:1].isdigit():
            self.note_unread(p)
        self.collect_refs(p.inline, pos)
        if not self.obj:
            return
        if self.stack and is_placeholder(plain):
            self.obj.stubs.append(Stub(self.stack[-1].title, "placeholder", self.stack[-1].pos))
            return
        self.mark_content()
        # `#####Weight: 5`: a heading's marks without their space are a paragraph to markdown
        label = self.words.match_label(strip_icons(plain).lstrip("#")) if p.depth == 0 else None
        if label and self.is_label(p.inline):
            self.on_label(label, p, pos)
            return
        if p.depth == 1 and p.item_start and plain.endswith(":") and self.is_label(p.inline) \
                and self.words.match_label(strip_icons(plain)) == "kka":
            self.mode, self.mode_level, self.mode_list = "kka", self.obj.level, None
            self.mode_depth = 2  # `* Key Knowledge Areas:` as a list item, the areas nested under it
            return
        if p.depth == 0 and self.fields_line(plain, pos):
            return
        if p.depth == 0 and ":" in plain[:60] and self.inline_part(p, plain):
            return
        if p.depth == 0 and plain.endswith((":", ":**", ":__")) and len(plain) <= 80 and \
                (mode := PART_MODES.get(self.words.match_part(plain) or "")):
            self.mode, self.mode_level, self.mode_list, self.mode_depth = mode, 7, None, 1  # the next heading ends it
            return  # `**Terms and Utilities:**` as a paragraph: the list under it is that part
        if p.depth == 0 and (near := self.words.near_label(plain)):
            self.diags.append(warning(pos, "label-unrecognised",
                                      f"'{near[0]}' looks like the label '{near[1]}' but is not read as "
                                      f"one: write '{near[1]}:' so cheatdeck reads it"))
        if self.pending and (p.depth == 0 or p.item_start):
            self.set_label(self.pending, p.inline.text, pos)
            return
        if self.words.is_cited_intro(plain) and not (
                self.mode == "kka" and p.depth == 0 and self.mode_list is None
                and not self.words.is_cited_intro(self.raw_lines(p)[0])):  # areas, then the sentence
            self.mode, self.mode_level, self.mode_list, self.mode_depth = "cited", 7, None, 1
            if p.depth == 0 and ":" in plain and plain.split(":", 1)[1].strip(" *_\n") \
                    and self.add_plain_lines(p, after_label=True):
                self.mode = None  # the list was on the sentence's own lines
            return
        if p.depth == 0 and len(self.said) < 40:
            self.said += [x.strip() for x in _LAST_SENTENCE.split(" ".join(plain.split()))
                          if 4 <= len(x.split()) and len(x) <= 160]
        if p.depth and (m := _OPTION_ITEM.match(plain)):
            self.options[m.group(1)] = m.group(2).strip()
        if p.depth and self.mode in ("kka", "cited") and p.item_start:
            if self.mode_list is None:
                self.mode_list = p.list_id
            if p.list_id == self.mode_list and p.depth == self.mode_depth or self.mode == "cited" and p.depth == 1:
                self.add_list_entry(p, pos)
                return
        elif self.mode in ("kka", "cited") and p.depth == 0 and self.mode_list is None \
                and (not plain.endswith(":") or self.words.is_cited_intro(self.raw_lines(p)[-1])) \
                and self.add_plain_lines(p):
            return  # `**Key Knowledge Areas:**` then one area a line, no list marks
        elif p.depth == 0 and self.mode_list is not None and (
                self.mode == "kka" or self.mode == "cited" and self.mode_level == 7):
            self.mode = None  # the paragraph after a label's list: the list is over
        if term := self.bold_term(p.inline):
            self.obj.definitions.append(Definition(*term, pos))
            return
        if self.question and p.depth == 0:
            question, self.question = self.question, None
            if not plain.endswith(":"):
                self.obj.definitions.append(Definition(question[0], trim(p.inline.text), "question",
                                                       question[1]))
                return
        if self.obj.description is None and not self.obj.prose and self.words.opens_description(plain):
            self.obj.description = trim(p.inline.text)  # LPI's "Candidates should be able to ..."
            return
        if plain:  # what no other node holds is kept as prose, so nothing the guide says is lost
            self.obj.prose.append(Prose(trim(p.inline.text), "item" if p.depth else "paragraph",
                                        self.section, p.depth, pos))

    def bold_objective_line(self, p: Paragraph, plain: str) -> bool:
        """`**101.1 Determine and configure hardware settings**`: an objective written as a bold
        line instead of a heading, one level under the heading above it."""
        spans = [s for s in p.inline.text.spans if s.text.strip()]
        if not spans or "\n" in plain or any(s.style is not SpanStyle.STRONG for s in spans) \
                or not (found := match_objective(" ".join(plain.split()))):
            return False
        level = min(self.last_level + 1, 6)
        if not self.is_objective_heading(found, level, self.pos(p.line)):
            return False
        self.on_heading(Heading(level, p.inline, p.line), virtual=True)
        return True

    def note_unread(self, p: Paragraph) -> None:
        """A paragraph whose first line opens like an objective of an LPI topic (`101.1 Determine
        and configure hardware settings`) but is read as text: kept so that the guide can say so
        when it has no such objective."""
        first = self.raw_lines(p)[0].strip().strip("*_#").strip()
        found = match_objective(first)
        if found and len(found.number.split(".")[0]) == 3 and known_topic(found.number.split(".")[0]) \
                and len(found.title.split()) >= 2 and not (self.obj and self.obj.id == found.number):
            self.unread.append((self.pos(p.line), found.number, clean_title(found.title)))

    def raw_lines(self, p: Paragraph) -> list[str]:
        """The paragraph's lines as written (never empty)."""
        return self.lines[p.line - 1:p.end] or [p.inline.text.plain]

    def fields_line(self, plain: str, pos: SourcePos) -> bool:
        """`LPIC-1 · Exam 102-500 · Objective 102.5 · Weight 3`: a line of fields, one of them the
        weight (with or without its colon)."""
        assert self.obj is not None
        fields = [f.strip() for f in _FIELDS.split(plain)] if "\n" not in plain else []
        if len(fields) < 2 or self.obj.weight is not None:
            return False
        for f in fields:
            head, _, value = f.partition(" ") if ":" not in f else f.partition(":")
            if value.strip() and self.words.match_label(head.strip()) == "weight":
                self.set_label("weight", RichText((Span(value.strip()),)), pos)
                return True
        return False

    def inline_part(self, p: Paragraph, plain: str) -> bool:
        """`**Terms and Utilities:** `rpm`, `yum``: a part's name and its entries on one line."""
        head, _, rest = plain.partition(":")
        if not rest.strip() or self.words.match_part(head) != "cited_objects":
            return False
        self.mode, self.mode_level, self.mode_list, self.mode_depth = "cited", 7, None, 1
        read = self.add_plain_lines(p, after_label=True)
        self.mode = None
        return read

    def split_plain_structure(self, p: Paragraph) -> bool:
        """Objectives pasted as plain lines (`Tema 101: ...` / `101.1 Title` / `Importancia`, no
        markup): read line by line, the numbered lines as headings. Only a paragraph that opens
        with a topic or objective line and holds a label line is read so."""
        lines = [line.strip() for line in self.lines[p.line - 1:p.end]]
        first = match_objective(lines[0]) if lines else None
        if first and len(lines) == 1 and (first.shape == "lead-in" or first.weight is not None):
            if self.obj and first.number == self.obj.id:  # `107.3 (3) Title` in 107.3's own file
                self.obj.weight = self.obj.weight if self.obj.weight is not None else first.weight
                if self.obj.implied:
                    self.obj.title, self.obj.implied = clean_title(first.title), False
            else:  # `Objective 208.3; Title (2 points)` written as a line of its own
                self.on_heading(Heading(6, p.inline, p.line), virtual=True)
            return True
        if not lines or not (match_topic(lines[0]) or first) \
                or not any(self.words.match_label(line) for line in lines[1:]):
            return False
        for offset, line in enumerate(lines):
            if not line:
                continue
            inline = Inline(RichText((Span(line),)))
            if match_topic(line) or match_objective(line):
                # a number line its labels follow is an objective whatever its topic's digits
                # (`1.1 : Title` then `Weight: 2`), one level under the heading it sits beneath
                following = next((x for x in lines[offset + 1:] if x), "")
                self.labelled = bool(self.words.match_label(following))
                self.on_heading(Heading(min(self.last_level + 1, 6), inline, p.line + offset), virtual=True)
                self.labelled = False
            elif self.obj and self.obj.description is None and not self.obj.prose \
                    and self.words.match_label(lines[offset - 1]) == "weight" \
                    and not self.words.match_label(line):
                self.obj.description = RichText((Span(line),))  # LPI's order: weight, then description
            else:
                self.on_paragraph(Paragraph(inline, p.line + offset, None, 0, False, p.line + offset))
        return True

    def is_label(self, inline: Inline) -> bool:
        spans = [s for s in inline.text.spans if s.text.strip()]
        return bool(spans) and (spans[0].style is SpanStyle.STRONG or spans[0].style is SpanStyle.TEXT)

    def on_label(self, name: str, p: Paragraph, pos: SourcePos) -> None:
        assert self.obj is not None
        value = after_label(p.inline.text)
        if name == "kka":
            self.mode, self.mode_level, self.mode_list = "kka", self.obj.level, None
            self.mode_depth = 1
            if value.plain.strip():  # the areas on the label's own lines
                self.add_plain_lines(p, after_label=True)
                self.mode = None
        elif value.plain.strip():
            self.set_label(name, value, pos)
        else:
            self.pending = name  # `Importancia` alone, its value in the next paragraph

    def set_label(self, name: str, value: RichText, pos: SourcePos) -> None:
        assert self.obj is not None
        self.pending = None
        if name == "weight":
            m = re.search(r"\d+", value.plain)
            if m:
                self.obj.weight = int(m.group(0))
            else:
                self.diags.append(warning(pos, "weight-invalid",
                                          f"weight '{value.plain.strip()}' is not a number"))
        elif name == "description":
            self.obj.description = value if value else None

    def add_plain_lines(self, p: Paragraph, after_label: bool = False) -> bool:
        """A paragraph of one entry a line (key knowledge areas, cited objects without list
        marks), after the label on its first line if `after_label`; False when its lines read
        as sentences of prose instead."""
        assert self.obj is not None
        raw = self.lines[p.line - 1:p.end] or [p.inline.text.plain]
        if after_label:
            raw = [raw[0].split(":", 1)[-1]] + raw[1:]
        numbered = [(p.line + i, line.strip().strip("*_").strip()) for i, line in enumerate(raw)]
        numbered = [(n, line) for n, line in numbered if line]
        lines = [line for _, line in numbered]
        if not lines or self.mode == "cited" and any(len(part.split()) > 8 for line in lines
                                                    for part in split_entries(line)) \
                or len(lines) == 1 and len(lines[0]) > 200 and not (after_label and self.mode == "kka"):
            return False
        if after_label and self.mode == "kka" and len(numbered) == 1 and len(raw) == 1:
            value = label_value(p.inline.text)  # the areas after the label, `;` between them
            self.obj.kka.extend(split_outside_code(value, ";") if ";" in value.plain else [value])
            return True
        for line_no, line in numbered:
            at = self.pos(line_no)
            if self.mode == "kka" and self.words.is_cited_intro(line):
                self.mode, self.mode_level, self.mode_list, self.mode_depth = "cited", 7, None, 1
                continue  # the areas' last line is LPI's sentence: the cited objects follow
            if self.mode == "kka":
                self.obj.kka.append(RichText((Span(line.lstrip("-*+ ")),)))
            else:
                for part in split_entries(line):
                    if obj := parse_cited_object(part, at):
                        self.obj.cited.append(obj)
        return True

    def add_cited_heading(self, title: str, pos: SourcePos) -> None:
        assert self.obj is not None
        if obj := parse_cited_object(title, pos):
            self.obj.cited.append(obj)

    def add_list_entry(self, p: Paragraph, pos: SourcePos) -> None:
        assert self.obj is not None
        if self.mode == "kka":
            self.obj.kka.append(trim(p.inline.text))
        else:
            for part in split_entries(p.inline.text.plain):
                if obj := parse_cited_object(part, pos):
                    self.obj.cited.append(obj)

    def bold_term(self, inline: Inline) -> tuple[str, RichText, str] | None:
        """`**Term**: text` (after an optional icon) as a definition (term, text, form);
        `**What is it?** text` defines the section's subject, `**How does it work?** text` is
        a question the text answers."""
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
        form = "bold-term"
        if term.endswith("?") and len(term) <= 60:
            if self.words.asks_what_it_is(term) and self.section:
                term = self.section
            else:
                form = "question"
        elif term.endswith(":"):
            term = term[:-1].strip()
            if self.words.asks_what_it_is(term) and self.section:
                term = self.section
        elif rest.style is SpanStyle.TEXT and rest.text.lstrip().startswith((":", "-", "\u2013", "\u2014")):
            spans[1] = Span(rest.text.lstrip()[1:], rest.style, rest.href)
        else:
            return None
        text = trim(RichText(tuple(spans[1:])))
        if not term or not text or self.words.match_label(term + ":"):
            return None
        return clean_title(term), text, form

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
        if self.mode == "cited" and not (self.mode_level == 7 and self.mode_list is not None):
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
        kind = None if lang not in SHELL_LANGUAGES else "text" if is_tree_listing(f.content) \
            else code_kind(f.content)
        if lang in SHELL_LANGUAGES and not kind and lead_in and self.words.lead_kind(lead_in) == "synopsis":
            kind = "help"  # `Usage:` over `iostat options interval count`: a syntax, not a command to run
        if lang not in SHELL_LANGUAGES or kind:
            self.mark_content()
            if f.content.strip():
                self.obj.samples.append(CodeSample(kind or lang or "text", f.content.rstrip("\n"),
                                                   lead_in, self.section, pos))
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
        said = [x for x in (lead_in, self.lead_in(commands=True)) if x and not self.words.lead_kind(x)]
        lead_in = said[0] if said else self.action_title()  # `Example:` says nothing of what lines do
        block = parse_command_block(f.content, lang, self.path, f.line, section=self.section,
                                    important=self.mode == "commands", lead_in=lead_in,
                                    card_key=card_key, naming=self.sentence_naming())
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

    def lead_in(self, commands: bool = False) -> str | None:
        """The sentence right before a block, when it introduces it: a paragraph that ends with a
        colon (`Use ldd to ...:`); for commands also the last sentence when it ends with a colon or
        asks (`Can you ping the gateway?`), or a short line of its own (`> using = to set the mode`)."""
        prev = self.prev
        if not isinstance(prev, Paragraph) or prev.depth != 0:
            return None
        whole = clean_title(prev.inline.text.plain)
        if prev.inline.text.plain.strip().endswith(":") and 0 < len(whole) <= 160:
            return whole  # a sample's caption is this one only: it is part of its cards' identity
        if not commands:
            return None
        plain = " ".join(prev.inline.text.plain.split())
        sentences = [s.strip() for s in _LAST_SENTENCE.split(plain) if s.strip()]
        last = sentences[-1] if sentences else ""
        text = clean_title(last)
        if plain.endswith((":", "?")) and 0 < len(text) <= 160 or \
                last == plain and not plain.endswith((".", "!")) and 12 <= len(plain) <= 100:
            return text
        return None

    def sentence_naming(self) -> Callable[[list[str]], str | None]:
        """For a group of command lines: the option it uses as the section explains it (`-s :
        display only totals`), or the nearest sentence under the heading that names one of its
        programs or files (`Users can also use su to switch to root.`)."""
        sentences = self.said[::-1]  # the nearest first
        options = dict(self.options)

        def naming(lines: list[str]) -> str | None:
            if len(lines) == 1 and options:  # `du -s /etc` under `| -s | display only a total |`
                flags = [f"-{ch}" for t in lines[0].split() if re.fullmatch(r"-[A-Za-z]{2,4}", t)
                         for ch in t[1:]] + lines[0].split()
                said = list(dict.fromkeys(options[t].rstrip(".") for t in flags
                                          if t in options and 2 < len(options[t]) <= 100))
                if 1 <= len(said) <= 2:
                    return clean_title("; ".join(said))
            words = {w for line in lines for w in _named_words(line)}
            for sentence in sentences:
                folded = sentence.lower()
                if folded.startswith(ASIDE_OPENERS):
                    continue
                if any(re.search(rf"(?<![\w/-]){re.escape(w)}(?![\w-])", folded) for w in words):
                    return clean_title(sentence.rstrip("."))
            return None
        return naming

    def action_title(self) -> str | None:
        """The section's title when it names an action (`Removing directories`, `List installed
        packages`) and the block is the first thing under it."""
        if not self.stack or self.stack[-1].content or self.stack[-1].children:
            return None
        title = self.stack[-1].title
        words = title.split()
        if len(words) >= 2 and not title.endswith("?") and \
                (words[0].lower().endswith("ing") or words[0].lower() in ACTION_WORDS):
            return title
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
        for row in rows:
            if len(row.cells) >= 2 and _OPTION_CELL.match(row.cells[0].plain.strip()):
                self.options[row.cells[0].plain.strip().split()[0].rstrip(",")] = row.cells[1].plain.strip()
        header = tuple(trim(c.text) for c in t.header)
        if labels := self.label_cells(header, rows):
            for name, value, at in labels:
                if name == "kka":
                    self.obj.kka.extend(RichText((Span(x.strip()),)) for x in re.split(r"<br\s*/?>|;", value.plain)
                                        if x.strip())
                else:
                    self.set_label(name, value, at)
            return  # `|**Weight**|**2**|` over `|**Description**|...|`: the objective's labels, not a table
        if links := _link_list(rows):
            self.obj.links.extend(Link(url, text, None, at) for url, text, at in links)
            return  # a table of links to read elsewhere: nothing to learn by heart
        self.obj.tables.append(Table(title, icon, header, tuple(rows), self.section, pos))

    def label_cells(self, header: tuple[RichText, ...], rows: list[TableRow]
                    ) -> list[tuple[str, RichText, SourcePos]]:
        """A table of the objective's labels: each row a label and its value (the header row
        too), or the header the labels and one row their values. Empty when any row is not."""
        assert self.obj is not None
        pos = self.pos(rows[0].pos.line - 2) if rows else self.obj.pos
        name = self.words.match_label
        lines = [(header, pos)] + [(r.cells, r.pos) for r in rows]
        if all(len(cells) == 2 and name(cells[0].plain.strip()) for cells, _ in lines):
            return [(name(cells[0].plain.strip()), trim(cells[1]), at) for cells, at in lines]  # type: ignore[misc]
        if len(rows) == 1 and len(header) == len(rows[0].cells) >= 2 \
                and all(name(c.plain.strip()) for c in header):
            return [(name(c.plain.strip()), trim(v), rows[0].pos)  # type: ignore[misc]
                    for c, v in zip(header, rows[0].cells)]
        return []

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



_URL = re.compile(r"^<?https?://\S+>?$")
_OPTION_ITEM = re.compile(r"^(-{1,2}[A-Za-z][\w-]*)\s*(?:[:=\u2013\u2014]|-\s)\s*(\w.*)$")
_OPTION_CELL = re.compile(r"^-{1,2}[A-Za-z][\w-]*(?:,?\s|$)")
_LAST_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


_SUB_NUMBER = re.compile(r"^\d{1,2}[.)]?\s+")  # `1. ` before the title in an objective's own folder
_FIELDS = re.compile(r"\s+[·•|]\s+")


def _named_words(line: str) -> list[str]:
    """The words of a command line a sentence may name it by: its programs and its paths."""
    words = []
    for part in re.split(r"[|;&]+", line):
        tokens = [t for t in part.split() if t not in ("sudo", "doas")]
        if tokens and re.match(r"^[A-Za-z][\w.+-]+$", tokens[0]):
            words.append(tokens[0].lower())
        words += [t.lower() for t in tokens[1:] if t.startswith("/") and len(t) > 4]
    return words


def _link_list(rows: list[TableRow]) -> list[tuple[str, str, SourcePos]]:
    """A table of at most three columns, one of which holds only web addresses (`Site | URL`,
    `Site | URL | Video`): each row as a link."""
    if not rows:
        return []
    width = max(len(r.cells) for r in rows)
    if width > 3:
        return []  # a table of facts that also cites its sources: still a table
    for column in range(width):
        cells = [r.cells[column].plain.strip() if column < len(r.cells) else "" for r in rows]
        if any(cells) and all(_URL.match(c) for c in cells if c):
            return [(c.strip("<>"), next((x.plain.strip() for i, x in enumerate(r.cells)
                                          if i != column and x.plain.strip()), c), r.pos)
                    for r, c in zip(rows, cells) if c]
    return []


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
