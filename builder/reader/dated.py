"""`<!-- until: DAY -->` and `<!-- review: DAY -->` markers: statements that hold until, or must
be checked again by, a day."""

from __future__ import annotations

import re
from datetime import date

from markdown_it.token import Token

from builder.diagnostics import Diagnostic, warning
from builder.model import DatedFact, DateKind, SourcePos

# A marker as authors write it, right or wrong: the keyword, a colon (a missing one is reported
# when a date follows), then the day and an optional note.
_MARKER = re.compile(r"<!--\s*(until|review)(\s*:|\s+(?=\d))\s*(.*?)\s*-->", re.DOTALL | re.IGNORECASE)
_ONLY_MARKERS = re.compile(rf"(?:\s*{_MARKER.pattern})+\s*", re.DOTALL | re.IGNORECASE)
_ONLY_COMMENTS = re.compile(r"(?:\s*<!--.*?-->)+\s*", re.DOTALL)
_DAY = re.compile(r"(\d{4}-\d\d-\d\d)(?![\w-])\s*(.*)", re.DOTALL)
_EXCERPT = 70  # characters of the dated statement a warning quotes


def is_marker_paragraph(text: str) -> bool:
    """A paragraph of nothing but markers: a note to the maintainer, never content."""
    return "<!--" in text and _ONLY_MARKERS.fullmatch(text) is not None


def read_dated(tokens: list[Token], path: str) -> tuple[list[DatedFact], list[Diagnostic]]:
    """The markers of one file with the block each dates, and a located warning for each marker
    that is malformed, dates nothing, or is written inside text (where it would show on cards)."""
    facts: list[DatedFact] = []
    found: list[Diagnostic] = []
    for i, tok in enumerate(tokens):
        if tok.type != "inline" or "<!--" not in tok.content or not _MARKER.search(tok.content):
            continue
        start = tok.map[0] + 1 if tok.map else 1
        if not (i > 0 and tokens[i - 1].type == "paragraph_open" and is_marker_paragraph(tok.content)):
            found.extend(_markers_in_text(tok, path, start))
            continue
        block = _dated_block(tokens, i + 2, tokens[i - 1].level)
        for m in _MARKER.finditer(tok.content):
            pos = SourcePos(path, start + tok.content.count("\n", 0, m.start()))
            if (fact := _parse_marker(m, pos, tokens, block, found)) is not None:
                facts.append(fact)
    return facts, found


def _markers_in_text(tok: Token, path: str, line: int) -> list[Diagnostic]:
    """Markers run into a paragraph, item, cell or heading: text that cards would show. An
    example in a code span is no marker."""
    found: list[Diagnostic] = []
    for child in tok.children or ():
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "text":
            found.extend(warning(SourcePos(path, line), "dated-fact-invalid", f"the marker "
                                 f"'{m.group(0)}' is written inside text, where it would show on "
                                 "cards: put it alone on the line before the statement it dates, "
                                 "with a blank line after it") for m in _MARKER.finditer(child.content))
    return found


def _parse_marker(m: re.Match[str], pos: SourcePos, tokens: list[Token], block: int | None,
                  found: list[Diagnostic]) -> DatedFact | None:
    """One stand-alone marker as a dated fact, or None with the warning that says what to write."""
    kind = DateKind(m.group(1).lower())
    day = _DAY.match(m.group(3))
    example = f"<!-- {kind.value}: 2026-12-31 -->"
    if ":" not in m.group(2) or day is None or not _is_day(day.group(1)):
        given = m.group(3).split()[0] if m.group(3).split() else ""
        why = ("the keyword needs a colon" if day is not None and _is_day(day.group(1))
               else f"'{given}' is not a day" if given else "no day is given")
        found.append(warning(pos, "dated-fact-invalid", f"{why}: write the day as YYYY-MM-DD after "
                             f"'{kind.value}:', as in {example}; the marker dates nothing until then"))
        return None
    if block is None:
        found.append(warning(pos, "dated-fact-invalid", f"'{m.group(0)}' dates nothing: put it on the "
                             "line before the paragraph, list, table or code block it dates"))
        return None
    opening = tokens[block]
    first, last = opening.map if opening.map else (pos.line, pos.line)
    note = " ".join(day.group(2).split()).lstrip(",;:–— ")
    if note.startswith("(") and note.endswith(")") and note.count("(") == 1:
        note = note[1:-1]  # the warning puts the note in parentheses itself
    return DatedFact(kind, day.group(1), note, _statement(tokens, block), first + 1, last, pos)


def _is_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _dated_block(tokens: list[Token], start: int, level: int) -> int | None:
    """The first block after a marker at its own level, other comments skipped; None when its
    container (a list item, a quote) or the file ends first."""
    for j in range(start, len(tokens)):
        tok = tokens[j]
        if tok.level < level:
            return None
        if tok.level == level and tok.nesting >= 0 and tok.map is not None:
            if tok.type == "paragraph_open" and _ONLY_COMMENTS.fullmatch(tokens[j + 1].content):
                continue
            return j
    return None


def _statement(tokens: list[Token], block: int) -> str:
    """The start of the dated block, on one line: a code block's first line, a table's header,
    else the first text inside it."""
    opening = tokens[block]
    if opening.type in ("fence", "code_block"):
        text = next((line for line in opening.content.split("\n") if line.strip()), "")
    else:
        cells: list[str] = []
        for tok in tokens[block + 1:]:
            if tok.type == "inline":
                cells.append(tok.content)
                if opening.type != "table_open":
                    break
            elif tok.type == "tr_close" or tok.level <= opening.level:
                break
        text = " | ".join(cells)
    text = " ".join(text.split())
    return text if len(text) <= _EXCERPT else text[:_EXCERPT - 1].rstrip() + "…"
