"""Highlighted code lines folded to a column width, with a visible marker where a line wraps."""

from __future__ import annotations

import re
from html import unescape

# A tag, an entity or one plain character: the units of highlighted HTML we walk over.
_UNIT = re.compile(r"<[^>]*>|&[#\w]+;|[^<&]", re.S)
WRAP_MARK = '<span class="wrap" aria-hidden="true">\u21aa</span>'
FOLD_OPEN = '<span class="fold">'
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


# Where a folded line may break, best first: after a space, then after one of these characters.
BREAK_AFTER = "/=,|;"
# Inside a token longer than a whole line, these are better places than between two letters.
SOFT_AFTER = ".-_:"


def fold_html(html: str, width: int) -> str:
    """Break an escaped, highlighted line so no visual line exceeds `width` characters.

    Breaks after the last space that leaves a line at least a third full, else after the last
    `/ = , | ;`; only a token longer than the line breaks after `. - _ :` or, failing those,
    between two characters. Each
    continuation starts with the line's own indent and a marker. Tags are kept intact, so a
    break inside a coloured span stays coloured. A folded line comes wrapped in
    `<span class="fold">`. `html` is one line (a sample is folded line by line).
    """
    if width < 8:
        return html
    out: list[str] = []
    line: list[str] = []  # the visible characters of the current visual line
    spaces: list[tuple[int, int]] = []  # (index in out after it, column after it)
    marks: list[tuple[int, int]] = []
    soft: list[tuple[int, int]] = []
    indent = ""
    first = True
    folded = False
    for unit in _UNIT.findall(html):
        if unit.startswith("<"):
            out.append(unit)
            continue
        if unit == "\n":
            out.append(unit)
            line, spaces, marks, soft, first = [], [], [], [], True
            continue
        if len(line) >= width:
            line, spaces, marks, soft = _break(out, line, (spaces, marks, soft), indent, width)
            folded = True
        out.append(unit)
        char = _char(unit)
        if first:
            if char in " \t" and len(line) < width // 2:
                indent += char
            else:
                first = False
        line.append(char)
        if char == " " and not first:
            spaces.append((len(out), len(line)))
        elif char in BREAK_AFTER:
            marks.append((len(out), len(line)))
        elif char in SOFT_AFTER:
            soft.append((len(out), len(line)))
    # A folded line is one span, so the PDF can give it one ActualText (builder/sheets/copytext.py).
    return FOLD_OPEN + "".join(out) + "</span>" if folded else "".join(out)


def _char(unit: str) -> str:
    return unescape(unit) if unit.startswith("&") else unit


def _break(out: list[str], line: list[str], points: tuple[list[tuple[int, int]], ...],
           indent: str, width: int):  # type: ignore[no-untyped-def]
    """Insert a wrap at the best point; return the new line's characters and break points."""
    lead = len(indent) + 4
    spaces, marks, soft = ([p for p in kind if p[1] > lead] for kind in points)
    tiers = ([s for s in spaces if s[1] >= width // 3], marks, spaces, soft)
    where, column = next((tier[-1] for tier in tiers if tier), (len(out), len(line)))
    out.insert(where, "\n" + indent + WRAP_MARK + " ")
    carried = line[column:]
    fresh = list(indent + "\u21aa ") + carried
    shift = len(fresh) - len(carried)
    # Break points after the wrap move by one unit (the inserted one) and by the new prefix.
    return (fresh, *([(i + 1, c - column + shift) for i, c in kind if i > where] for kind in points))
