"""Table checks on the raw source lines, and the title a table is known by."""

from __future__ import annotations

import re

from builder.diagnostics import Diagnostic, warning
from builder.model import SourcePos
from builder.reader.blocks import Block, Paragraph, TableBlock
from builder.reader.text import clean_title, split_icon

_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_PIPE_IN_CODE = re.compile(r"`[^`]*(?<!\\)\|[^`]*`")


def check_table_lines(t: TableBlock, lines: list[str], path: str) -> list[Diagnostic]:
    """Rows whose cell count differs from the header (markdown-it silently pads or cuts them)."""
    found: list[Diagnostic] = []
    width = len(t.header)
    for line in range(t.line, min(t.end, len(lines)) + 1):
        raw = lines[line - 1].strip()
        if line == t.line + 1 or not raw:
            continue
        cells = len(_CELL_SPLIT.split(raw.strip("|"))) if raw.strip("|") else 0
        if cells == width:
            continue
        pos = SourcePos(path, line)
        if _PIPE_IN_CODE.search(raw):
            found.append(warning(pos, "table-pipe-in-code",
                                 "a `|` inside a code span splits the table cell: write \\| instead"))
        else:
            found.append(warning(pos, "table-ragged", f"table row has {cells} cell(s) but the header "
                                                      f"has {width}: add or remove cells"))
    return found


def table_title(prev: Block | None, section: str) -> tuple[str, str | None]:
    """The short caption line right before the table, else the nearest heading."""
    if isinstance(prev, Paragraph) and prev.depth == 0:
        raw = prev.inline.text.plain.strip()
        icon, text = split_icon(raw)
        text = clean_title(text)
        if text and len(text) <= 80 and not raw.endswith("."):
            return text, icon
    return section, None
