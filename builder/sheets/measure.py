"""How wide a table must be: its min-content width, measured with the sheet's own fonts.

A table cell breaks its text only between words (the sheets never break inside a word), so a
table needs, per column, the widest unbreakable run of any of its cells, plus the cells'
padding. The runs are measured with the advance widths of the fonts the stylesheet names
(DejaVu Sans, its bold, DejaVu Sans Mono), read with fontTools; a character a font lacks counts
as a full em, so a table is never measured narrower than it prints. From that width a table
prints in its column, across the page, or, wider still, as one block per row ("label: value").
"""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

from builder.model import RichText, SpanStyle, Table

MM_PER_PT = 25.4 / 72
# The stylesheet's sizes (templates/sheets/sheet.css): html 6.8pt, table 0.91em, code 0.94em.
TABLE_PT = 6.8 * 0.91
CODE_PT = TABLE_PT * 0.94
CELL_PADDING_MM = 1.2  # 0.6mm each side
SLACK = 1.03  # Pango's shaping and the code background's padding: never measure short
PAGE_MM = {"a4": (297.0, 210.0), "letter": (279.4, 215.9)}
MARGINS_MM, GAP_MM = 14.0, 4.0
FONTS = {"sans": "DejaVu Sans", "bold": "DejaVu Sans:bold", "mono": "DejaVu Sans Mono"}
# Where Pango breaks a cell's text: at white space, and after a hyphen, dash or slash that ends
# a piece (`lxc-` `start`, `/var/` `lib/`); dashes that open a word stay with it (`--name`).
_RUNS = re.compile(r"[\-/\u2010-\u2014]*[^\s\-/\u2010-\u2014]*[\-/\u2010-\u2014]*")


def widths(paper: str, orientation: str, columns: int) -> tuple[float, float]:
    """(column width, page content width) in mm."""
    long, short = PAGE_MM[paper]
    page = (long if orientation == "landscape" else short) - MARGINS_MM
    return (page - (columns - 1) * GAP_MM) / columns, page


def table_fit(table: Table, paper: str, orientation: str, columns: int) -> str:
    """`column` when the table fits its column, `page` when it fits across the page, else `stack`."""
    column, page = widths(paper, orientation, columns)
    needed = min_content_mm(table)
    if needed <= column:
        return "column"
    return "page" if needed <= page else "stack"


def min_content_mm(table: Table) -> float:
    """The narrowest the table can print without a word broken or printed past a cell."""
    count = len(table.header)
    widest = [0.0] * count
    for row_number, cells in enumerate([table.header] + [row.cells for row in table.rows]):
        for i, cell in enumerate(cells[:count]):
            # the header row and the first column are bold (sheet.css: th, td:first-child)
            widest[i] = max(widest[i], _widest_run(cell, bold=row_number == 0 or i == 0))
    return sum(w * SLACK + CELL_PADDING_MM for w in widest)


def _widest_run(text: RichText, bold: bool) -> float:
    best = 0.0
    for span in text.spans:
        if span.style is SpanStyle.CODE:
            font, size = "mono", CODE_PT
        else:
            font, size = ("bold" if bold or span.style is SpanStyle.STRONG else "sans"), TABLE_PT
        for run in _RUNS.findall(span.text.replace("**", "")):
            best = max(best, text_mm(run, font, size))
    return best


def text_mm(text: str, font: str, size_pt: float) -> float:
    """The advance width of `text` in one of the sheet's fonts, in mm."""
    advances, em = _font(font)
    units = sum(advances.get(ord(char), em) for char in text)
    return units / em * size_pt * MM_PER_PT


@cache
def _font(name: str) -> tuple[dict[int, int], int]:
    """A font's advance width per character, and its units per em (once per process)."""
    from fontTools.ttLib import TTFont

    path = _font_file(name)
    if path is None:  # no font file found: a wide guess, so tables are never measured short
        return {}, 1000
    font = TTFont(path, lazy=True)
    metrics: Any = font["hmtx"]
    advances = {code: metrics[glyph][0] for code, glyph in font.getBestCmap().items()}
    return advances, font["head"].unitsPerEm


def _font_file(name: str) -> str | None:
    """The file fontconfig picks for the family, as Pango would."""
    if shutil.which("fc-match") is None:
        return None
    found = subprocess.run(["fc-match", "-f", "%{file}", FONTS[name]], capture_output=True,
                           text=True, check=False).stdout.strip()
    return found if found and Path(found).is_file() else None
