"""How tall an objective's sheet will print, estimated before layout, and how much prose fits.

A sheet prints the guide's prose at one of a few levels of detail (`builder/sheets/prose.py:
LEVELS`): in full, its lead sentences, or one clipped line per piece. The richest level that
does not start another page is chosen, so prose fills the objective's last page before anything
is cut. The estimate adds up each block's height from the stylesheet's sizes and the fonts'
advance widths (`builder/sheets/measure.py`); WeasyPrint's layout is never run twice for it.
"""

from __future__ import annotations

import math
import re
from html import unescape
from typing import Any

from builder.sheets.measure import PAGE_MM, text_mm, widths

# The sheet's context (builder/sheets/context.py: ObjectiveSheet, CommandBlock, TableBlock),
# which imports this module: typed by what is read of it.
ObjectiveSheet = CommandBlock = TableBlock = Any

PT = 25.4 / 72
BASE_PT = 6.8  # templates/sheets/sheet.css: html
LINE = BASE_PT * 1.18 * PT  # one line of body text, mm
CODE_LINE = BASE_PT * 0.94 * 1.15 * PT
TABLE_LINE = BASE_PT * 0.91 * 1.2 * PT
H2, H3, SECTION_GAP = 3.9, 3.3, 1.4
MARGIN_TOP_BOTTOM = 19.0  # @page margins, mm
TITLE = 9.0  # the objective's title bar over the columns
# Pages of estimate error allowed for: column ends are not filled to the last line (blocks kept
# whole move on) and the widths are measured, not shaped.
SLACK = 0.1
# templates/sheets/sheet.css: .snug sets lines 1.1 high where they are 1.15-1.2.
SNUG = 0.93
_TAG = re.compile(r"<[^>]*>")


def plain(html: str) -> str:
    return unescape(_TAG.sub("", html))


def text_height(text: str, width: float, size: float = 1.0, font: str = "sans", line: float = LINE) -> float:
    """Height in mm of `text` wrapped at `width` mm (whole words move to the next line)."""
    if not text.strip():
        return 0.0
    lines, used = 1, 0.0
    space = text_mm(" ", font, BASE_PT * size)
    for word in text.split():
        w = text_mm(word, font, BASE_PT * size)
        if used and used + space + w > width:
            lines += 1 + int(w // width)
            used = w % width
        else:
            used += (space if used else 0.0) + w
    return lines * line * size


def _block(b: CommandBlock, width: float) -> float:
    rows = sum(1 + row.html.count("\n") + row.html.count("\u21aa") for row in b.rows)
    purpose = text_height(plain(b.purpose_html), width - 2, 0.97, "bold")
    return purpose + rows * CODE_LINE + 1.3 + (H3 if b.section else 0.0)


def _table(t: TableBlock, width: float) -> float:
    if t.fit == "stack":
        total = LINE
        for row in t.rows:
            total += text_height(plain(row[0]), width, 0.91, "bold", TABLE_LINE / 0.91) + 0.4
            total += sum(text_height(f"{plain(h)}: {plain(c)}", width - 2, 0.91, line=TABLE_LINE / 0.91)
                         for h, c in zip(t.header[1:], row[1:]) if c)
        return total
    cell = width / max(1, len(t.header)) - 1.2
    total = LINE + 1.4
    for row in (t.header,) + t.rows:
        total += max((text_height(plain(c), cell, 0.91, line=TABLE_LINE / 0.91) for c in row), default=0) + 0.4
    return total


def ideas_height(sheet: ObjectiveSheet, width: float) -> float:
    """The printed key ideas, in mm of one column."""
    groups = [g for g in sheet.ideas if g.printed]
    if not groups:
        return 0.0
    total = H2 + SECTION_GAP
    for g in groups:
        total += H3 if g.section else 0.0
        total += sum(text_height(i.text, width - 3, 0.97) + 0.3 for i in g.ideas if i.printed)
    return total


def flow_height(sheet: ObjectiveSheet, with_ideas: bool = True) -> float:
    """The height in mm the objective's columns take, as if they were one long column (what
    spans the page counts once per column)."""
    width, _ = widths(sheet.layout.paper, sheet.layout.orientation, sheet.layout.columns)
    columns = sheet.layout.columns
    total = 0.0
    if sheet.knowledge_html:
        total += H2 + SECTION_GAP + sum(text_height(plain(k), width - 3, 0.97) for k in sheet.knowledge_html)
    if sheet.cited:
        row = sum(text_mm(f"\u203a {c.name} 00" + (f" ({c.note})" if c.note else ""), "sans", BASE_PT) + 2.5
                  for c in sheet.cited)
        total += H2 + SECTION_GAP + 2 + math.ceil(row / (width - 2.4)) * LINE
    total += LINE * len(sheet.practice)
    for blocks in (sheet.important, sheet.other):
        if blocks:
            total += H2 + SECTION_GAP + sum(_block(b, width) for b in blocks)
    if with_ideas:
        total += ideas_height(sheet, width)
    narrow = [t for t in sheet.tables if t.fit != "page"]
    wide = [t for t in sheet.tables if t.fit == "page"]
    if narrow:
        total += H2 + SECTION_GAP + sum(_table(t, width) for t in narrow)
    if wide:
        _, page = widths(sheet.layout.paper, sheet.layout.orientation, columns)
        total += columns * (H2 + SECTION_GAP + sum(_table(t, page) for t in wide))
    if sheet.definitions:
        total += H2 + SECTION_GAP
        for group in sheet.definitions:
            total += H3 if group.heading else 0.0
            total += sum(text_height(f"{d.term} \u2013 {plain(d.html)}", width) + 0.35 * LINE
                         for d in group.entries)
    if sheet.samples:
        total += H2 + SECTION_GAP
        for s in sheet.samples:
            total += (s.html.count("\n") + 1 + s.html.count("\u21aa")) * CODE_LINE + 1.2
            total += LINE if s.caption else 0.0
    for f in sheet.figures:
        if not f.dark:
            total += (f.height_mm + (LINE if f.caption else 0.0) + 1.5) * (columns if f.wide else 1)
    if sheet.loose_figures:
        total += H2 + SECTION_GAP
    return total


def pages_needed(sheet: ObjectiveSheet) -> float:
    """The pages the sheet is estimated to fill (2.4: two pages and 40 % of a third)."""
    long, short = PAGE_MM[sheet.layout.paper]
    height = (short if sheet.layout.orientation == "landscape" else long) - MARGIN_TOP_BOTTOM
    return (flow_height(sheet) + TITLE * sheet.layout.columns) / (height * sheet.layout.columns)


def page_budget(lean: float) -> float:
    """How many pages prose may fill, for a sheet whose leanest prose fills `lean` pages: the
    rest of its last page, less what blocks kept whole leave empty at column ends (the estimate
    is within about a tenth of a page of the printed sheets of source/ and the upstream guide)."""
    return max(lean, max(1, math.ceil(lean - SLACK)) - SLACK)
