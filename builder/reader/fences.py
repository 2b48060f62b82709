"""Stray fences: a code fence that runs over an objective heading is closed before that heading.

A lone opening fence (`` ```sh `` with nothing after it) runs in CommonMark until the next closing
fence, so the headings, labels and text in between are read as code, and a whole objective is
lost. An objective, topic or label line is never shell code, so the reader cuts the fence there
and reads the rest of the file normally; the maintainer is told where to close it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

from builder.reader.commands import SHELL_LANGUAGES
from builder.reader.text import split_icon
from builder.reader.shapes import match_objective, match_topic

# What a fence swallows that is certainly guide structure: objective and topic headings (as the
# heading shapes read them: `# 192.168.0.134:3260,1` is a shell comment, not objective 192.168)
# and the objective labels (`**Weight:**`, `Description:`, `**Key Knowledge Areas:**`).
_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)[ \t#]*$")
_LABEL = re.compile(
    r"^ {0,3}(?:\*\*|__)[ \t]*(?:Weight|Description|Key[ \t]+[Kk]nowledge[ \t]+[Aa]reas)[ \t]*:?[ \t]*(?:\*\*|__)[ \t]*:?")


def is_structure(line: str) -> bool:
    """An objective or topic heading, or an objective label: never a line of shell code."""
    if m := _HEADING.match(line):
        _, title = split_icon(m.group(1))
        topic = match_topic(title)
        return bool(match_objective(title) or topic and topic.shape == "topic-word")
    return bool(_LABEL.match(line))
# Only fences that hold shell code or plain text are checked: a config or markdown sample may
# hold such lines on purpose (a YAML `description:` key, a markdown heading).
_CHECKED_INFO = SHELL_LANGUAGES | {"text", "txt", "plaintext"}


@dataclass(frozen=True, slots=True)
class FenceCut:
    """A fence closed early: where it opened, and the structure line it would have swallowed."""

    fence_line: int  # 1-based line of the opening fence
    line: int  # 1-based line of the heading or label it ran into
    text: str  # that line, stripped


def tokenize(parser: MarkdownIt, lines: list[str]) -> tuple[list[Token], list[FenceCut]]:
    """Block tokens of the whole file, fences cut before any structure line they swallow."""
    tokens: list[Token] = []
    cuts: list[FenceCut] = []
    start = 0
    while True:
        chunk = parser.parse("\n".join(lines[start:]))
        cut = _first_swallow(chunk, lines, start)
        if cut is None:
            tokens.extend(_shift(chunk, start))
            return tokens, cuts
        cuts.append(cut)
        tokens.extend(_shift(parser.parse("\n".join(lines[start:cut.line - 1])), start))
        start = cut.line - 1


def _first_swallow(tokens: list[Token], lines: list[str], start: int) -> FenceCut | None:
    for tok in tokens:
        if tok.type != "fence" or not tok.map:
            continue
        if (tok.info.split() or [""])[0].lower() not in _CHECKED_INFO:
            continue
        first, end = tok.map[0] + start, tok.map[1] + start
        for index in range(first + 1, min(end, len(lines))):
            text = lines[index]
            if ("#" in text or ":" in text) and is_structure(text):
                return FenceCut(first + 1, index + 1, text.strip())
    return None


def _shift(tokens: list[Token], offset: int) -> list[Token]:
    """Token line maps of a part of the file, made to count from the file's first line."""
    if offset:
        for tok in tokens:
            if tok.map:
                tok.map = [tok.map[0] + offset, tok.map[1] + offset]
    return tokens
