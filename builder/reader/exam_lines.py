"""Exam files as a stream of lines: markdown-it tokens to headings, fences and single text lines.

A practice exam puts one question or option per source line, often inside one paragraph
(hard breaks), so the exam reader needs lines where the guide reader needs blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it.token import Token

from builder.model import RichText
from builder.reader import spans
from builder.reader.blocks import Fence, Heading, _fence_closed, convert_inline
from builder.reader.text import clean_title

OPTION = re.compile(r"^\s*\(?([A-Fa-f])\s*[.)]\s+(?=\S)")
# `61. Text` and `61) Text` (when not a list item), `Q61: Text`, `Question 61. Text`.
QUESTION = re.compile(r"^\s*(?:Q(?:uestion)?\s*#?(\d{1,4})\s*[.):]|(\d{1,4})\s*[.)])\s+(?=\S)",
                      re.IGNORECASE)
# A heading that is one question: `### Question 61`, `### Q61: Which namespace...?`
QUESTION_HEADING = re.compile(r"^Q(?:uestion)?\s*#?(\d{1,4})\b\s*[.:)\-\u2013\u2014]?\s*", re.IGNORECASE)
# An answer right under its question instead of in the key: `Answer: B`, `**Correct answer:** `-f``
INLINE_ANSWER = re.compile(r"^\s*(?:correct\s+)?answers?\s*[:\-\u2013]\s*(?=\S)", re.IGNORECASE)
ANSWER_KEY = re.compile(r"^(?:answer\s+key|answers?\s+sheet|answers|solutions?)\b", re.IGNORECASE)
# What only an objective guide has: its part headings and a Weight line. A guide that ends
# with a few practice questions stays a guide (they are not read as an exam).
_GUIDE_PART = re.compile(r"^(?:\d{3}\.\d+\s*)?(?:cited objects|important commands|key knowledge areas|"
                         r"terms and utilities)$", re.IGNORECASE)
_WEIGHT = re.compile(r"^\s*weight\s*:", re.IGNORECASE)
_KEY_TITLE_MAX = 40  # a paragraph longer than this is text about answers, not the key's title


# Every exam has an `A)` option at the start of a line or an answer key ("Answers",
# "Solutions"): text with neither is never an exam, and skips the line-by-line look.
_OPTION_LINE = re.compile(r"^[ \t>]*(?:[-*+][ \t]+|\d+[.)][ \t]+)?\(?[Aa][ \t]*[.)]\s", re.MULTILINE)


def may_be_exam(text: str) -> bool:
    """A cheap test on the raw text that every exam passes (guides usually fail it)."""
    lowered = text.lower()
    return "answer" in lowered or "solution" in lowered or bool(_OPTION_LINE.search(text))


def is_key_title(line: ExamLine) -> bool:
    """`**Answer Key**` written as a paragraph of its own instead of a heading."""
    text = clean_title(line.text.plain)
    return line.para_start and len(text) <= _KEY_TITLE_MAX and bool(ANSWER_KEY.match(text)) \
        and not INLINE_ANSWER.match(line.text.plain)


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
    """Numbered questions with `A)` options, or questions with an Answer Key heading."""
    lines = [e for e in events if isinstance(e, ExamLine)]
    headings = [clean_title(e.inline.text.plain) for e in events if isinstance(e, Heading)]
    first_options = sum(1 for e in lines if (m := OPTION.match(e.text.plain)) and m.group(1) in "Aa")
    questions = sum(1 for e in lines if e.item is not None
                    or (e.para_start and QUESTION.match(e.text.plain)))
    questions += sum(1 for h in headings if QUESTION_HEADING.match(h))
    has_key = any(ANSWER_KEY.match(h) for h in headings) or any(is_key_title(e) for e in lines)
    if any(_GUIDE_PART.match(h) for h in headings) or any(_WEIGHT.match(e.text.plain) for e in lines):
        return False
    return (first_options >= 3 or (first_options >= 2 and questions >= 2)
            or (has_key and (first_options >= 1 or questions >= 1)))
