"""Practice exam files: recognise them by shape and read questions, options and sections."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from builder.diagnostics import Diagnostic, error, info
from builder.model import CodeSample, Exam, ExamSection, RichText, SourcePos, SpanStyle
from builder.reader import spans
from builder.reader.blocks import Fence, Heading
from builder.reader.exam_key import KeyLine, QuestionDraft
from builder.reader.exam_lines import (
    ANSWER_KEY, INLINE_ANSWER, OPTION, QUESTION, QUESTION_HEADING, Event, ExamLine, is_key_title,
)
from builder.reader.exam_merge import merge_exam
from builder.reader.text import clean_title, split_icon

_BLANK = re.compile(r"_{3,}")
_CARD_KEY = re.compile(r"<!--\s*card:\s*([\w.:/-]+)\s*-->")
_OBJECTIVE_ID = re.compile(r"(?<![\d.])(\d{3}\.\d{1,2})(?![\d.])")
_TOPIC = re.compile(r"\bTopic\s+(\d{3})\b", re.IGNORECASE)
_RANGE = re.compile(r"\bQ(?:uestions?|s)?\.?\s*#?(\d{1,4})(?:\s*(?:-|\u2013|\u2014|to)\s*(\d{1,4}))?",
                    re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ExamResult:
    exam: Exam
    diagnostics: tuple[Diagnostic, ...]


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
        self.inline_key: list[KeyLine] = []  # `Answer: B` lines under their questions
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
        questions, diags = merge_exam(self.questions, self.inline_key + self.key_lines,
                                      self.key_headings, [s.freeze() for s in self.sections], self.path)
        stem = Path(self.path).stem
        exam = Exam(self.title or stem, re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "exam",
                    self.path, tuple(s.freeze() for s in self.sections), tuple(questions),
                    self.key_headings[0] if self.key_headings else None, self.pos(1))
        return ExamResult(exam, tuple(self.diags + diags))

    def on_heading(self, h: Heading) -> None:
        """An Answer Key heading, the exam's title (the first `#`), or a section heading."""
        self.q = None
        pinned, self.card_key = self.card_key, None
        title = clean_title(h.inline.text.plain)
        pos = self.pos(h.line)
        if ANSWER_KEY.match(title):
            self.in_key = True
            self.key_headings.append(pos)
            return
        self.in_key = False
        if QUESTION_HEADING.match(title):
            self.card_key = pinned  # `<!-- card: KEY -->` right above `### Question 61`
            self.question_heading(h)
            return
        if self.title is None and h.level == 1 and not self.questions:
            self.title = title
            return
        while self.stack and self.stack[-1].level >= h.level:
            self.stack.pop()
        section = _parse_section(title, h.level, pos)
        self.stack.append(section)
        self.sections.append(section)

    def question_heading(self, h: Heading) -> None:
        """`### Q61: Which namespace...?`: the heading starts a question instead of a section."""
        plain = h.inline.text.plain
        rest = split_icon(plain)[1]
        m = QUESTION_HEADING.match(rest)
        assert m is not None
        start = plain.index(rest) + m.end() if rest else len(plain)
        self.start_question(int(m.group(1)), h.line, spans.strip(spans.drop_prefix(h.inline.text, start)))

    def on_line(self, line: ExamLine) -> None:
        if is_key_title(line):
            self.q, self.in_key = None, True
            self.key_headings.append(self.pos(line.line))
            return
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
        if (m := INLINE_ANSWER.match(text.plain)) and not _BLANK.search(text.plain):
            answer = spans.drop_prefix(text, m.end())
            self.inline_key.append(KeyLine(line.line, spans.join([RichText.of(f"{self.q.number}: "),
                                                                  answer], ""), None))
            return
        if m := OPTION.match(text.plain):
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
            m = QUESTION.match(text.plain)
            fresh = line.para_start or self.card_key is not None or bool(self.q and self.q.options)
            if not m or not fresh:
                return False
            number, text = int(m.group(1) or m.group(2)), spans.drop_prefix(text, m.end())
        self.start_question(number, line.line, spans.strip(text))
        return True

    def start_question(self, number: int, line: int, text: RichText) -> None:
        self.q = QuestionDraft(number, self.pos(line), [text] if text else [], card_key=self.card_key,
                               section=self.stack[-1].title if self.stack else None,
                               objectives=_objectives(self.stack), topic=_topic(self.stack))
        self.card_key = None
        self.questions.append(self.q)
        for section in self.stack:
            section.numbers.append(number)

    def add_options(self, text: RichText, line: int) -> None:
        """One option, or several on one line: `A) PID   B) UTS   C) NET`."""
        assert self.q is not None
        while text:
            m = OPTION.match(text.plain)
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


