"""An exam's answer key: `61-B, 62-C` and ``65 `-f` `` lines, merged into questions and checked."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from builder.diagnostics import Diagnostic, warning
from builder.model import (
    CodeSample, Option, RichText, SourcePos, Span, SpanStyle,
)
from builder.reader import spans

# `61-B`, `61 - B`, `61. B`, `61: AC`, `61-B/D`; upper-case letters only, so `65 -f` is no letter.
_LETTERS = re.compile(r"(?<![\w.])(\d{1,4})\s*[-.:)=\u2013]?\s*([A-F](?:\s*[/&+]\s*[A-F])*|[A-F]{2,5})(?!\w)")
# A number that waits for the code span after it: ``65 `-f` `` or ``65: `-f` ``.
_TRAILING_NUMBER = re.compile(r"(?<![\w.])(\d{1,4})\s*[-.:)=\u2013]?\s*$")
_SEPARATORS = " ,;|\t"
# A line that starts with one entry and goes on in prose: `61-B - UTS isolates the hostname`.
_LEAD_LETTERS = re.compile(r"^\s*\d{1,4}\s*[-.:)=\u2013]?\s*(?:[A-F](?:\s*[/&+]\s*[A-F])*|[A-F]{2,5})(?!\w)")
_LEAD_NUMBER = re.compile(r"^\s*\d{1,4}\s*[-.:)=\u2013]?\s*$")
_EXPLANATION_LEAD = " \t-\u2013\u2014:;,.=>\u2192"


@dataclass(frozen=True, slots=True)
class KeyLine:
    """A line under the Answer Key heading."""

    line: int
    text: RichText
    item: int | None  # the ordered-list number when the key is written as a list (`61. B`)


@dataclass(frozen=True, slots=True)
class KeyEntry:
    """One answer the key gives: letters for a choice question, text for a fill-in."""

    number: int
    letters: tuple[str, ...]
    fill: RichText | None
    pos: SourcePos
    explanation: RichText | None = None


@dataclass(slots=True)
class QuestionDraft:
    """A question while the file is read; frozen into `Question` once the key is known."""

    number: int
    pos: SourcePos
    lines: list[RichText]
    card_key: str | None = None
    section: str | None = None
    objectives: tuple[str, ...] = ()
    topic: str | None = None
    code: list[CodeSample] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)

    def add_line(self, text: RichText, new_line: bool) -> None:
        """More question text: a wrapped line joins the last one; a hard break or paragraph does not."""
        if new_line or not self.lines:
            self.lines.append(text)
        else:
            self.lines[-1] = spans.join([self.lines[-1], text], " ")

    def add_option(self, letter: str, text: RichText, pos: SourcePos, diags: list[Diagnostic]) -> None:
        """Options must run A, B, C...; a repeated letter would make the key ambiguous."""
        expected = chr(ord("A") + len(self.options))
        if letter != expected:
            diags.append(warning(pos, "exam-option-letter",
                                 f"option {letter}) of question {self.number} should be {expected}); "
                                 "the key names options by these letters"))
        if any(o.letter == letter for o in self.options):
            return
        self.options.append(Option(letter, text, pos))

    def extend_option(self, text: RichText) -> None:
        """An option that goes on over the next line."""
        last = self.options[-1]
        self.options[-1] = Option(last.letter, spans.join([last.text, text], " "), last.pos)


def parse_key_line(key_line: KeyLine, path: str) -> tuple[list[KeyEntry], list[str]]:
    """The entries of one key line and the fragments of it that are no entry."""
    text = key_line.text
    if key_line.item is not None:
        text = spans.join([RichText.of(f"{key_line.item}. "), text], "")
    pos = SourcePos(path, key_line.line)
    text, explanation = split_explanation(text)
    entries: list[KeyEntry] = []
    leftovers: list[str] = []
    waiting: int | None = None
    for run, is_code in _runs(text):
        if is_code:
            if waiting is not None:
                entries.append(KeyEntry(waiting, (), RichText((Span(run, SpanStyle.CODE),)), pos))
                waiting = None
            else:
                leftovers.append(f"`{run}`")
            continue
        if waiting is not None:
            leftovers.append(str(waiting))
            waiting = None
        if tail := _TRAILING_NUMBER.search(run):
            waiting, run = int(tail.group(1)), run[:tail.start()]
        for m in _LETTERS.finditer(run):
            letters = tuple(ch for ch in m.group(2) if ch.isalpha())
            entries.append(KeyEntry(int(m.group(1)), letters, None, pos))
        rest = _LETTERS.sub(" ", run).strip(_SEPARATORS)
        if rest:
            leftovers.append(rest)
    if waiting is not None:
        leftovers.append(str(waiting))
    if explanation is not None and len(entries) == 1:
        entries[0] = KeyEntry(entries[0].number, entries[0].letters, entries[0].fill, pos, explanation)
    return entries, leftovers


def split_explanation(text: RichText) -> tuple[RichText, RichText | None]:
    """One entry and the prose after it; a line of several entries has no explanation."""
    m = _LEAD_LETTERS.match(text.plain)
    first = text.spans[:2]
    if m:
        end = m.end()
    elif len(first) == 2 and first[1].style is SpanStyle.CODE and first[0].style is not SpanStyle.CODE \
            and _LEAD_NUMBER.match(first[0].text):
        end = len(first[0].text) + len(first[1].text)
    else:
        return text, None
    head, tail = spans.split_at(text, end)
    rest = tail.plain
    if not rest.strip(_SEPARATORS + _EXPLANATION_LEAD + "()") or _more_entries(tail) \
            or not rest[:1].isspace() and rest[:1] not in _EXPLANATION_LEAD + "(":
        return text, None
    lead = tail.spans[0].text if tail.spans[0].style is not SpanStyle.CODE else ""
    why = spans.strip(spans.drop_prefix(tail, len(lead) - len(lead.lstrip(_EXPLANATION_LEAD))))
    if why.plain.startswith("(") and why.plain.endswith(")"):
        why = spans.strip(spans.split_at(spans.drop_prefix(why, 1), len(why.plain) - 2)[0])
    return head, why or None


def _more_entries(text: RichText) -> bool:
    """Another `62-C`, or a number right before a code span (``65 `-f` ``)."""
    runs = _runs(text)
    return any(not code and (_LETTERS.search(run) or (i + 1 < len(runs) and runs[i + 1][1]
                                                      and _TRAILING_NUMBER.search(run)))
               for i, (run, code) in enumerate(runs))


def _runs(text: RichText) -> list[tuple[str, bool]]:
    """Code spans alone, other spans merged (so `**61**-B` reads as one run)."""
    runs: list[tuple[str, bool]] = []
    for span in text.spans:
        code = span.style is SpanStyle.CODE
        if runs and not code and not runs[-1][1]:
            runs[-1] = (runs[-1][0] + span.text, False)
        else:
            runs.append((span.text, code))
    return runs
