"""Highlighted code lines folded to a column width, with a visible marker where a line wraps."""

from __future__ import annotations

import re

# A tag, an entity or one plain character: the units of highlighted HTML we walk over.
_UNIT = re.compile(r"<[^>]*>|&[#\w]+;|[^<&]", re.S)
WRAP_MARK = '<span class="wrap" aria-hidden="true">\u21aa</span>'
# Pygments classes the sheet stylesheet colours; spans of any other class only cost layout time.
STYLED = frozenset("c c1 ch cm cs k kn kd kr nb bp s s1 s2 sh sb se si sd nv vg vi m mi mf nt na".split())
_SPAN = re.compile(r'<span class="([\w ]+)">([^<]*)</span>')


def lean_spans(html: str) -> str:
    """Pygments HTML with unstyled spans unwrapped and neighbours of one class merged.

    WeasyPrint lays out every inline box; Pygments wraps even the spaces between words.
    """
    out: list[str] = []
    last_class: str | None = None
    at = 0
    for m in _SPAN.finditer(html):
        if m.start() > at:
            out.append(html[at:m.start()])
            last_class = None
        cls, body = m.group(1), m.group(2)
        if cls not in STYLED:
            out.append(body)
            last_class = None
        elif cls == last_class:
            out[-1] = out[-1][:-len("</span>")] + body + "</span>"
        else:
            out.append(m.group(0))
            last_class = cls
        at = m.end()
    out.append(html[at:])
    return "".join(out)


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
