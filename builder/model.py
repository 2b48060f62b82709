"""The notes model: frozen, source-positioned dataclasses that every writer reads.

The model imports no third-party library and knows nothing about markdown or writers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

SCHEMA_VERSION = 1


def nth_key(key: str, occurrence: int) -> str:
    """An identity key for the n-th node of one objective that would otherwise share `key`."""
    return key if occurrence <= 1 else f"{key}\x1f#{occurrence}"


@dataclass(frozen=True, slots=True, order=True)
class SourcePos:
    """Where a node starts in the guide."""

    path: str  # the file as named on the command line (relative paths stay relative)
    line: int  # 1-based line number
    col: int = 1  # 1-based column

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


class SpanStyle(str, Enum):
    """How a run of inline text is shown."""

    TEXT = "text"
    CODE = "code"
    STRONG = "strong"
    EMPHASIS = "emphasis"
    LINK = "link"


@dataclass(frozen=True, slots=True)
class Span:
    """One run of inline text with a single style."""

    text: str
    style: SpanStyle = SpanStyle.TEXT
    href: str | None = None  # link target, only for SpanStyle.LINK


@dataclass(frozen=True, slots=True)
class RichText:
    """Inline text as a sequence of styled spans (writers escape it themselves)."""

    spans: tuple[Span, ...] = ()

    @property
    def plain(self) -> str:
        spans = self.spans
        if len(spans) == 1:  # most text: one span
            return spans[0].text
        return "".join([s.text for s in spans])

    def __bool__(self) -> bool:
        return bool(self.plain.strip())

    @classmethod
    def of(cls, text: str) -> RichText:
        return cls((Span(text),)) if text else cls()


class CitedKind(str, Enum):
    """What a cited object names."""

    COMMAND = "command"
    FILE = "file"
    DIRECTORY = "directory"
    PATTERN = "pattern"


# A regex atom that stands for a number in a path pattern, and what a guide writes there.
_NUMBER_ATOM = re.compile(r"\[0-9\][+*]|\\d[+*]|\[\[:digit:\]\][+*]")
_PLACEHOLDER = r"(?:[0-9]+|<[^<>/\s]+>|\$?\{?[A-Za-z_]*(?:PID|pid)[A-Za-z_]*\}?|self|\$\$|\*|N)"


@dataclass(frozen=True, slots=True)
class CitedObject:
    """An entry of an objective's Cited Objects list."""

    name: str  # as written, without the annotation: `ip`, `/proc/[0-9]+/ns`
    kind: CitedKind
    note: str | None  # the parenthesised annotation: "including relevant subcommands"
    pos: SourcePos
    occurrence: int = 1  # >1 when an earlier entry of the objective has the same name

    @property
    def key(self) -> str:
        return nth_key(self.name, self.occurrence)

    def mention_regex(self) -> re.Pattern[str]:
        """A regex that finds this object in command lines and text.

        A pattern object's number atoms also match placeholders (`<pid>`, `PID`, `self`).
        """
        if self.kind is CitedKind.PATTERN:
            body = ""
            last = 0
            for m in _NUMBER_ATOM.finditer(self.name):
                body += self.name[last : m.start()] + _PLACEHOLDER
                last = m.end()
            body += self.name[last:]
            try:
                return re.compile(r"(?<![\w/.-])" + body.rstrip("/") + r"(?![\w-])")
            except re.error:
                pass
        name = self.name.rstrip("/") if self.kind is CitedKind.DIRECTORY else self.name
        return re.compile(r"(?<![\w/.-])" + re.escape(name) + r"(?![\w-])")


@dataclass(frozen=True, slots=True)
class CommandLine:
    """One logical command line (continuation lines joined)."""

    text: str  # as written; continuation lines keep their `\\` and newline
    pos: SourcePos
    disabled: bool = False  # a commented-out command such as `#mount -t proc proc /proc`

    @property
    def normalized(self) -> str:
        """The command on one line with runs of white space folded."""
        return " ".join(self.text.replace("\\\n", " ").split())


class GroupKind(str, Enum):
    """What the lines of a command group are."""

    COMMANDS = "commands"
    FILES = "files"  # lines that are paths, listed under a comment


@dataclass(frozen=True, slots=True)
class CommandGroup:
    """A purpose comment and the command lines under it."""

    purpose: str | None  # the comment text, or the lead-in sentence; None when there is none
    purpose_source: str  # "comment", "lead-in" or "none"
    lines: tuple[CommandLine, ...]
    kind: GroupKind
    language: str  # fence info string: sh, bash, console, ""
    section: str | None  # title of the heading the block sits under
    important: bool  # inside the objective's "Important Commands" section
    pos: SourcePos  # the purpose comment, or the first line
    card_key: str | None = None  # explicit identity pinned by `<!-- card: KEY -->`
    also: tuple[str, ...] = ()  # other purposes the same lines are written under in the objective
    repeats: tuple[SourcePos, ...] = ()  # where the same lines are written again (merged here)
    occurrence: int = 1  # >1 when an earlier group of the objective has the same key

    @property
    def commands(self) -> tuple[CommandLine, ...]:
        return tuple(line for line in self.lines if not line.disabled)

    @property
    def purposes(self) -> tuple[str, ...]:
        """Every purpose the lines are written under: the first, then the others in order."""
        return ((self.purpose,) if self.purpose else ()) + self.also

    @property
    def key(self) -> str:
        """What the group's cards are: its command lines (a pin replaces them), never its purpose,
        so rewording a comment keeps a card's history and neighbours never change it."""
        if self.card_key:
            return nth_key(self.card_key, self.occurrence)
        lines = "\n".join(line.normalized for line in self.commands)
        return nth_key(lines or (self.purpose or ""), self.occurrence)


@dataclass(frozen=True, slots=True)
class CodeSample:
    """A fenced block that is not shell commands: a config file, a Dockerfile, YAML."""

    language: str
    text: str
    caption: str | None  # the lead-in sentence before the fence
    section: str | None
    pos: SourcePos


@dataclass(frozen=True, slots=True)
class TableRow:
    """One body row of a table."""

    cells: tuple[RichText, ...]
    pos: SourcePos
    card_key: str | None = None
    occurrence: int = 1  # >1 when an earlier row of a table of the same title has the same key

    @property
    def key(self) -> str:
        return self.card_key or (self.cells[0].plain.strip() if self.cells else "")


@dataclass(frozen=True, slots=True)
class Table:
    """A comparison table with the title it is known by."""

    title: str
    icon: str | None
    header: tuple[RichText, ...]
    rows: tuple[TableRow, ...]
    section: str | None
    pos: SourcePos

    def row_key(self, row: TableRow) -> str:
        """A row card's identity: its pin, else the table title and the row's first cell."""
        return nth_key(row.card_key or f"{self.title}\x1f{row.key}", row.occurrence)


@dataclass(frozen=True, slots=True)
class Definition:
    """A term and its meaning: `**Term**: text` or a question heading and its answer."""

    term: str
    text: RichText
    form: str  # "bold-term" or "question"
    pos: SourcePos
    section: str | None = None  # title of the last section heading at or above it in the objective
    occurrence: int = 1  # >1 when an earlier definition has the same section and term

    @property
    def key(self) -> str:
        return nth_key(f"{self.section or ''}\x1f{self.term}", self.occurrence)


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """One period of a mermaid timeline with what happened then."""

    period: str
    events: tuple[str, ...]
    timeline: str | None  # the timeline's title
    pos: SourcePos
    occurrence: int = 1  # >1 when an earlier event of the same timeline has the same period

    @property
    def key(self) -> str:
        return nth_key(f"{self.timeline or ''}\x1f{self.period}", self.occurrence)


@dataclass(frozen=True, slots=True)
class Image:
    """An image reference."""

    target: str
    alt: str
    exists: bool | None  # None for remote targets that are never fetched
    resolved: str | None  # the file it points to, relative to the source root
    pos: SourcePos


@dataclass(frozen=True, slots=True)
class Link:
    """A hyperlink."""

    target: str
    text: str
    exists: bool | None  # None for remote targets and in-page anchors
    pos: SourcePos


@dataclass(frozen=True, slots=True)
class Stub:
    """A placeholder section recorded instead of content."""

    title: str
    reason: str  # "placeholder", "comment-only block", "empty section"
    pos: SourcePos


@dataclass(frozen=True, slots=True)
class Prose:
    """A paragraph or plain list item that no other node holds: what sheets print as key ideas."""

    text: RichText
    kind: str  # "paragraph" or "item"
    section: str | None  # title of the heading it sits under
    depth: int  # list nesting: 0 for a paragraph, 1 for an item of a top-level list
    pos: SourcePos


@dataclass(frozen=True, slots=True)
class Section:
    """A heading inside an objective."""

    title: str
    icon: str | None
    level: int  # 1..6 as in markdown
    pos: SourcePos


@dataclass(frozen=True, slots=True)
class Objective:
    """An exam objective such as `352.1` and everything the guide says under it."""

    id: str
    title: str
    icon: str | None
    weight: int | None
    description: RichText | None
    key_knowledge_areas: tuple[RichText, ...]
    cited_objects: tuple[CitedObject, ...]
    command_groups: tuple[CommandGroup, ...]
    samples: tuple[CodeSample, ...]
    tables: tuple[Table, ...]
    definitions: tuple[Definition, ...]
    timeline: tuple[TimelineEvent, ...]
    images: tuple[Image, ...]
    links: tuple[Link, ...]
    sections: tuple[Section, ...]
    stubs: tuple[Stub, ...]
    pos: SourcePos
    prose: tuple[Prose, ...] = ()  # in guide order; filled by the reader

    @property
    def topic(self) -> str:
        return self.id.split(".", 1)[0]


@dataclass(frozen=True, slots=True)
class Topic:
    """An exam topic such as `352 Container Virtualization`."""

    number: str
    title: str
    icon: str | None
    objectives: tuple[Objective, ...]
    pos: SourcePos


class DateKind(str, Enum):
    """What the date of a dated fact means."""

    UNTIL = "until"  # the statement holds until that day; after it, it is stale
    REVIEW = "review"  # the statement may change: check it against its source again by that day


@dataclass(frozen=True, slots=True)
class DatedFact:
    """A statement the guide marks with the date it depends on: `<!-- until: 2026-12-31 -->`
    on the line before it. A note to the maintainer: it never becomes content."""

    kind: DateKind
    date: str  # the day, ISO 8601 (`2026-12-31`); the reader keeps only real dates
    note: str  # what the marker says after the date (which fact, which source); "" when nothing
    statement: str  # the start of the block it dates, as the warning quotes it
    first: int  # the first and last line of that block (1-based, inclusive)
    last: int
    pos: SourcePos  # the marker


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A guide file that was read."""

    path: str
    sha256: str
    lines: int


@dataclass(frozen=True, slots=True)
class Guide:
    """Everything read from the sources."""

    topics: tuple[Topic, ...]
    sources: tuple[SourceFile, ...]
    root: str  # the source root that relative targets resolve against, as given (normalised)
    exam: str = "LPIC-3 305-300"  # the certification and exam: tags and the top deck's name
    namespace: str = "cheatdeck"  # identity namespace for card GUIDs
    version: str | None = None  # guide version or commit, when known
    schema_version: int = field(default=SCHEMA_VERSION)
    exams: tuple[Exam, ...] = ()  # practice exams read from exam-shaped files, in file order
    deck: str | None = None  # the top-level deck's name when it is not the exam's
    lang: str = "en"  # the guide's language, a BCP 47 tag
    dated: tuple[DatedFact, ...] = ()  # statements marked with a date they depend on, in file order

    @property
    def deck_title(self) -> str:
        return self.deck or self.exam

    @property
    def languages(self) -> dict[str, str]:
        """Each file's language (every file of a guide is in the guide's), for diagnostics."""
        return {s.path: self.lang for s in self.sources}

    @property
    def objectives(self) -> tuple[Objective, ...]:
        return tuple(o for t in self.topics for o in t.objectives)

    def objective(self, objective_id: str) -> Objective | None:
        return next((o for o in self.objectives if o.id == objective_id), None)


# -- practice exams ---------------------------------------------------------------------------
#
# A practice exam is read from its own file (numbered questions, options `A)`..`E)`, an Answer
# Key section). Question identity (`Question.key`) never uses the question number or the
# wording of the question, so renumbering and typo fixes keep a card's review history:
#   1. an explicit `<!-- card: KEY -->` before or on the question line wins;
#   2. otherwise `<scope>/q-<hash>`, where scope is the first objective id (or `topic-NNN`, or
#      `exam`) and the hash covers the normalized text of the options (sorted, so reordering
#      them is harmless) and of the right answer; a fill-in hashes its answer and the line that
#      holds the blank;
#   3. questions that still share a key (same options, same answer) add a hash of the question
#      text; exact repeats add `-2`, `-3` in file order (and are reported).
# Fixing a typo inside an option or an answer therefore changes the key: the Anki ledger can
# match such near-misses; pin a key with `<!-- card: KEY -->` to be sure.


class QuestionKind(str, Enum):
    """How a question is answered."""

    CHOICE = "choice"  # pick the option(s) named by the key
    FILL_IN = "fill-in"  # type what goes in the blank


@dataclass(frozen=True, slots=True)
class Option:
    """One answer option of a multiple-choice question: `B) UTS`."""

    letter: str  # upper case, as the answer key names it: "B"
    text: RichText
    pos: SourcePos


@dataclass(frozen=True, slots=True)
class Question:
    """A numbered practice question with its options and its answer from the key."""

    number: int  # as printed in the exam: 61
    kind: QuestionKind
    text: RichText  # the question; a line break the author kept is a "\n" inside a span
    code: tuple[CodeSample, ...]  # code blocks that belong to the question text
    options: tuple[Option, ...]  # empty for a fill-in
    answers: tuple[str, ...]  # letters of the right options; empty for a fill-in or no key
    fill_answer: RichText | None  # what goes in the blank (`-f`); None for choice questions
    objectives: tuple[str, ...]  # objective ids named by the heading it sits under
    topic: str | None  # topic number from the objectives or a `Topic NNN` heading
    section: str | None  # title of the heading it sits under
    key: str  # stable identity, see the comment above `QuestionKind`
    card_key: str | None  # explicit identity pinned by `<!-- card: KEY -->`
    key_pos: SourcePos | None  # its entry in the answer key; None when the key lacks it
    pos: SourcePos  # the numbered line
    explanation: RichText | None = None  # why, when the key says it: `61-B (UTS isolates the hostname)`

    @property
    def has_answer(self) -> bool:
        return bool(self.answers) or self.fill_answer is not None

    def option(self, letter: str) -> Option | None:
        return next((o for o in self.options if o.letter == letter), None)


@dataclass(frozen=True, slots=True)
class ExamSection:
    """A heading of an exam: `352.2 LXC, 352.3 Docker (Questions 79-95)`."""

    title: str
    level: int  # 1..6 as in markdown
    objectives: tuple[str, ...]  # every objective id the title names
    topic: str | None  # from `Topic NNN` in the title, or from its objectives
    first: int | None  # the range the title announces, when it has one
    last: int | None
    numbers: tuple[int, ...]  # the questions under it (sub-headings included), in file order
    pos: SourcePos


@dataclass(frozen=True, slots=True)
class Exam:
    """A practice exam file: its sections and questions, answers merged in from the key."""

    title: str  # the first heading, else the file name
    slug: str  # file-name stem as lower-case words joined by `-`: names output files
    path: str
    sections: tuple[ExamSection, ...]
    questions: tuple[Question, ...]
    key_pos: SourcePos | None  # the (first) Answer Key heading
    pos: SourcePos

    def question(self, number: int) -> Question | None:
        return next((q for q in self.questions if q.number == number), None)

    def questions_for(self, objective_id: str) -> tuple[Question, ...]:
        """The questions whose heading names an objective (for a sheet's "practise: 61-63")."""
        return tuple(q for q in self.questions if objective_id in q.objectives)
