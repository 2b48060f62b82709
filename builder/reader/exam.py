"""Practice exam files: recognise them by shape and read questions, options and sections."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it.token import Token

from builder.diagnostics import Diagnostic, error, info
from builder.model import CodeSample, Exam, ExamSection, RichText, SourcePos, SpanStyle
from builder.reader import spans
from builder.reader.blocks import Fence, Heading, _fence_closed, convert_inline
from builder.reader.exam_key import KeyLine, QuestionDraft
from builder.reader.exam_merge import merge_exam
from builder.reader.text import clean_title

_QUESTION = re.compile(r"^\s*(?:Q(?:uestion)?\s*)?(\d{1,4})\s*[.)]\s+(?=\S)", re.IGNORECASE)
_OPTION = re.compile(r"^\s*\(?([A-Fa-f])\s*[.)]\s+(?=\S)")
_ANSWER_KEY = re.compile(r"^(?:answer\s+key|answers?\s+sheet|answers|solutions?)\b", re.IGNORECASE)
_CARD_KEY = re.compile(r"<!--\s*card:\s*([\w.:/-]+)\s*-->")
_OBJECTIVE_ID = re.compile(r"(?<![\d.])(\d{3}\.\d{1,2})(?![\d.])")
_TOPIC = re.compile(r"\bTopic\s+(\d{3})\b", re.IGNORECASE)
_RANGE = re.compile(r"\bQ(?:uestions?|s)?\.?\s*#?(\d{1,4})(?:\s*(?:-|\u2013|\u2014|to)\s*(\d{1,4}))?",
                    re.IGNORECASE)


@dataclass(slots=True)
class ExamLine:
    """One source line of a paragraph or table row, as rich text."""

    line: int
    text: RichText
    item: int | None  # the number of the ordered-list item this line opens
    depth: int  # list nesting depth, 0 outside lists
    para_start: bool  # the first line of its paragraph
    hard: bool = False  # follows a hard break (two trailing spaces): the author wants a new line


Event = Heading | ExamLine | Fence


@dataclass(frozen=True, slots=True)
class ExamResult:
    exam: Exam
    diagnostics: tuple[Diagnostic, ...]


def read_lines(tokens: list[Token], lines: list[str]) -> list[Event]:
    """The token stream as headings, fences and single lines (hard and soft breaks split lines)."""
    events: list[Event] = []
    kinds: list[str] = []
    item: int | None = None
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type in ("ordered_list_open", "bullet_list_open"):
            kinds.append(tok.type)
        elif tok.type in ("ordered_list_close", "bullet_list_close"):
            kinds.pop()
        elif tok.type == "list_item_open":
            item = int(tok.info) if kinds[-1] == "ordered_list_open" and tok.info.isdigit() else None
        elif tok.type == "heading_open":
            events.append(Heading(int(tok.tag[1:]), convert_inline(tokens[i + 1]), _line(tok)))
            i += 2
        elif tok.type == "paragraph_open":
            events.extend(_paragraph_lines(tokens[i + 1], item, len(kinds)))
            item = None
            i += 2
        elif tok.type in ("fence", "code_block"):
            end = tok.map[1] if tok.map else _line(tok)
            closed = tok.type == "code_block" or _fence_closed(tok, lines, end)
            events.append(Fence(tok.info.strip(), tok.content, _line(tok), end, closed))
            item = None
        elif tok.type == "tr_open" and tokens[i - 1].type != "thead_open":
            cells = []
            while tokens[i].type != "tr_close":
                if tokens[i].type == "inline":
                    cells.append(convert_inline(tokens[i]).text)
                i += 1
            events.append(ExamLine(_line(tok), spans.join(cells, " "), None, len(kinds), True))
        i += 1
    return events


def _paragraph_lines(inline: Token, item: int | None, depth: int) -> list[ExamLine]:
    groups: list[list[Token]] = [[]]
    hard = [False]
    for child in inline.children or []:
        if child.type in ("softbreak", "hardbreak"):
            groups.append([])
            hard.append(child.type == "hardbreak")
        else:
            groups[-1].append(child)
    start = _line(inline)
    return [ExamLine(start + n, convert_inline(Token("inline", "", 0, children=group)).text,
                     item if n == 0 else None, depth, n == 0, hard[n])
            for n, group in enumerate(groups)]


def _line(tok: Token) -> int:
    return tok.map[0] + 1 if tok.map else 1


def looks_like_exam(events: list[Event]) -> bool:
    """Numbered questions with `A)` options, or numbered items under an Answer Key heading."""
    first_options = sum(1 for e in events if isinstance(e, ExamLine)
                        and (m := _OPTION.match(e.text.plain)) and m.group(1) in "Aa")
    has_key = any(isinstance(e, Heading) and _ANSWER_KEY.match(clean_title(e.inline.text.plain))
                  for e in events)
    numbered = sum(1 for e in events if isinstance(e, ExamLine) and e.item is not None)
    return (first_options >= 3 or (first_options >= 2 and numbered >= 2)
            or (has_key and (first_options >= 1 or numbered >= 1)))


@dataclass(slots=True)
class _SectionDraft:
    title: str
    level: int
    objectives: tuple[str, ...]
    topic: str | None
    first: int | None
    last: int | None
    pos: SourcePos
    numbers: list[int] = field(default_factory=list)

    def freeze(self) -> ExamSection:
        return ExamSection(self.title, self.level, self.objectives, self.topic, self.first,
                           self.last, tuple(self.numbers), self.pos)


class ExamAssembler:
    """Reads the events of one exam file in order into question drafts and answer-key lines."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.title: str | None = None
        self.sections: list[_SectionDraft] = []
        self.stack: list[_SectionDraft] = []
        self.questions: list[QuestionDraft] = []
        self.key_lines: list[KeyLine] = []
        self.key_headings: list[SourcePos] = []
        self.diags: list[Diagnostic] = []
        self.q: QuestionDraft | None = None
        self.in_key = False
        self.card_key: str | None = None

    def pos(self, line: int, col: int = 1) -> SourcePos:
        return SourcePos(self.path, line, col)

    def run(self, events: list[Event]) -> ExamResult:
        for event in events:
            if isinstance(event, Heading):
                self.on_heading(event)
            elif isinstance(event, ExamLine):
                self.on_line(event)
            else:
                self.on_fence(event)
        questions, diags = merge_exam(self.questions, self.key_lines, self.key_headings,
                                      [s.freeze() for s in self.sections], self.path)
        stem = Path(self.path).stem
        exam = Exam(self.title or stem, re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "exam",
                    self.path, tuple(s.freeze() for s in self.sections), tuple(questions),
                    self.key_headings[0] if self.key_headings else None, self.pos(1))
        return ExamResult(exam, tuple(self.diags + diags))

    def on_heading(self, h: Heading) -> None:
        """An Answer Key heading, the exam's title (the first `#`), or a section heading."""
        self.q = None
        self.card_key = None
        title = clean_title(h.inline.text.plain)
        pos = self.pos(h.line)
        if _ANSWER_KEY.match(title):
            self.in_key = True
            self.key_headings.append(pos)
            return
        self.in_key = False
        if self.title is None and h.level == 1 and not self.questions:
            self.title = title
            return
        while self.stack and self.stack[-1].level >= h.level:
            self.stack.pop()
        section = _parse_section(title, h.level, pos)
        self.stack.append(section)
        self.sections.append(section)

    def on_line(self, line: ExamLine) -> None:
        if self.in_key:
            self.key_lines.append(KeyLine(line.line, line.text, line.item))
            return
        text = line.text
        if m := _CARD_KEY.search(text.plain):
            self.card_key = m.group(1)
            text = spans.strip(spans.join([spans.split_at(text, m.start())[0],
                                           spans.split_at(text, m.end())[1]], ""))
            if not text:
                return
        if self.starts_question(line, text):
            return
        if self.q is None:
            return  # the exam's preamble: format notes, instructions
        if m := _OPTION.match(text.plain):
            if m.group(1).upper() == "A" or self.q.options:
                self.add_options(text, line.line)
                return
        if not self.q.options:
            self.q.add_line(spans.strip(text), line.para_start or line.hard)
        elif not line.para_start:
            self.q.extend_option(spans.strip(text))
        else:
            self.diags.append(info(self.pos(line.line), "exam-stray-text",
                                   f"text after the options of question {self.q.number} is not part "
                                   "of the question; it is left out of cards and sheets"))

    def starts_question(self, line: ExamLine, text: RichText) -> bool:
        """`61. Question?` as a list item, or as a line of its own paragraph."""
        number = line.item if line.depth <= 1 else None
        if number is None:
            m = _QUESTION.match(text.plain)
            fresh = line.para_start or self.card_key is not None or bool(self.q and self.q.options)
            if not m or not fresh:
                return False
            number, text = int(m.group(1)), spans.drop_prefix(text, m.end())
        self.q = QuestionDraft(number, self.pos(line.line), [spans.strip(text)], card_key=self.card_key,
                               section=self.stack[-1].title if self.stack else None,
                               objectives=_objectives(self.stack), topic=_topic(self.stack))
        self.card_key = None
        self.questions.append(self.q)
        for section in self.stack:
            section.numbers.append(number)
        return True

    def add_options(self, text: RichText, line: int) -> None:
        """One option, or several on one line: `A) PID   B) UTS   C) NET`."""
        assert self.q is not None
        while text:
            m = _OPTION.match(text.plain)
            assert m is not None
            letter = m.group(1).upper()
            rest = spans.drop_prefix(text, m.end())
            nxt = chr(ord(letter) + 1)
            cut = next((o.start(1) for o in re.finditer(rf"\s\(?({nxt}|{nxt.lower()})[.)]\s+\S", rest.plain)
                        if spans.style_at(rest, o.start(1)) is SpanStyle.TEXT), None)
            here, text = spans.split_at(rest, cut) if cut is not None else (rest, RichText())
            self.q.add_option(letter, spans.strip(here), self.pos(line), self.diags)

    def on_fence(self, f: Fence) -> None:
        pos = self.pos(f.line)
        if not f.closed:
            self.diags.append(error(pos, "fence-unclosed", "code fence is never closed; everything "
                                                           "after it is read as code: add the closing "
                                                           "``` line"))
        if self.q is not None and not self.q.options and not self.in_key:
            lang = (f.info.split() or [""])[0].lower()
            self.q.code.append(CodeSample(lang or "text", f.content.rstrip("\n"), None,
                                          self.q.section, pos))


def _parse_section(title: str, level: int, pos: SourcePos) -> _SectionDraft:
    """`352.2 LXC, 352.3 Docker (Questions 79-95)`: objective ids, topic and question range."""
    objectives = tuple(dict.fromkeys(_OBJECTIVE_ID.findall(title)))
    topic_match = _TOPIC.search(title)
    topic = topic_match.group(1) if topic_match else (objectives[0].split(".")[0] if objectives else None)
    first = last = None
    if m := _RANGE.search(title):
        first = int(m.group(1))
        last = int(m.group(2)) if m.group(2) else first
    return _SectionDraft(title, level, objectives, topic, first, last, pos)


def _objectives(stack: list[_SectionDraft]) -> tuple[str, ...]:
    return next((s.objectives for s in reversed(stack) if s.objectives), ())


def _topic(stack: list[_SectionDraft]) -> str | None:
    return next((s.topic for s in reversed(stack) if s.topic), None)


def read_exam(events: list[Event], path: str) -> ExamResult:
    """One exam file's events to an `Exam` and its diagnostics."""
    return ExamAssembler(path).run(events)


