"""`<!-- cheatdeck: ignore[code, ...] -->` comments: which codes they ignore on which lines."""

from __future__ import annotations

import re

from markdown_it.token import Token

from builder.diagnostics import Ignore
from builder.model import SourcePos

_IGNORE = re.compile(r"<!--\s*cheatdeck:\s*ignore\[([^\]]*)\]\s*-->")
_ONLY_COMMENTS = re.compile(r"(?:\s*<!--.*?-->)+\s*", re.DOTALL)


def read_ignores(tokens: list[Token], path: str, line_count: int) -> list[Ignore]:
    """Ignore comments that stand alone in a top-level paragraph, and the lines each covers.

    Before any content (only blank lines and comments above it) a comment covers the whole
    file; elsewhere it covers itself and the block that starts after it: a heading (with the
    objective-level findings placed there), or a fence, table, list or paragraph through its
    last line. A comment run into a paragraph's text is text, not an ignore comment.
    """
    found: list[Ignore] = []
    content_seen = False
    for i, tok in enumerate(tokens):
        if tok.level != 0 or tok.nesting < 0 or tok.map is None:
            continue
        text = tokens[i + 1].content if tok.type == "paragraph_open" else ""
        if not _ONLY_COMMENTS.fullmatch(text):
            content_seen = True
            continue
        start = tok.map[0] + 1
        first, last = (start, _next_block_end(tokens, i + 3, tok.map[1])) if content_seen \
            else (1, line_count)
        for m in _IGNORE.finditer(text):
            codes = tuple(c.strip() for c in m.group(1).split(",") if c.strip())
            found.append(Ignore(SourcePos(path, start + text.count("\n", 0, m.start())), codes,
                                first, last))
    return found


def _next_block_end(tokens: list[Token], start: int, default: int) -> int:
    """The last line of the first top-level block from token `start` on."""
    for tok in tokens[start:]:
        if tok.level == 0 and tok.nesting >= 0 and tok.map is not None:
            return tok.map[1]
    return default
