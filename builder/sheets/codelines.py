"""Highlighted code lines folded to a column width, with a visible marker where a line wraps."""

from __future__ import annotations

import re

# A tag, an entity or one plain character: the units of highlighted HTML we walk over.
_UNIT = re.compile(r"<[^>]*>|&[#\w]+;|[^<&]", re.S)
WRAP_MARK = '<span class="wrap" aria-hidden="true">\u21aa</span>'


def fold_html(html: str, width: int) -> str:
    """Break an escaped, highlighted line so no visual line exceeds `width` characters.

    Breaks after a space when one is near the limit, else mid-word; each continuation starts
    with a marker. Tags are kept intact, so a break inside a coloured span stays coloured.
    """
    if width < 8:
        return html
    units = _UNIT.findall(html)
    out: list[str] = []
    column = 0
    last_space: int | None = None  # index in `out` just after the last space on this line
    for unit in units:
        if unit.startswith("<"):
            out.append(unit)
            continue
        if unit == "\n":
            out.append(unit)
            column, last_space = 0, None
            continue
        if column >= width:
            column = _break(out, last_space, width)
            last_space = None
        out.append(unit)
        column += 1
        if unit == " " and column > width // 2:
            last_space = len(out)
    return "".join(out)


def _break(out: list[str], last_space: int | None, width: int) -> int:
    """Insert a wrap at the last good point; return the column after the marker."""
    where = last_space if last_space is not None else len(out)
    out.insert(where, "\n" + WRAP_MARK + " ")
    carried = sum(1 for unit in out[where + 1:] if not unit.startswith("<"))
    return 2 + carried
