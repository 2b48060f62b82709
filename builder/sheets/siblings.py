"""Sibling sections with the same sub-headings as one small table.

A guide often describes two or more things under the same sub-headings: `HVM` and
`Paravirtualization` each with *Definition*, *Advantages* and *Disadvantages*; `Type 1` and
`Type 2` each with *Type 1 Definition* / *Type 2 Definition* and *Examples*. Printed one after
the other these are long runs of headings; side by side they are a comparison. A table has a
row per sibling (its heading), a column per sub-heading at least two siblings share (without the
words every sub-heading of a sibling opens with: `HVM Definition` is `Definition`), and in each
cell what the guide writes under that sub-heading (its paragraphs, items and definitions).
What a table prints is not printed again as key ideas or definitions.
"""

from __future__ import annotations

from builder.model import Objective, RichText, Section, SourcePos, Span, SpanStyle, Table, TableRow

SEPARATOR = " \u00b7 "
MAX_COLUMNS = 5  # sub-headings per table: more would not be a small table


def _where(pos: SourcePos) -> tuple[str, int]:
    return pos.path, pos.line


def _children(sections: list[Section], i: int) -> list[int]:
    """Indexes of the sections right under section i (one level deeper, before its end)."""
    out, level = [], sections[i].level
    for k in range(i + 1, len(sections)):
        if sections[k].level <= level or sections[k].pos.path != sections[i].pos.path:
            break
        if sections[k].level == level + 1:
            out.append(k)
    return out


def _keys(titles: list[str]) -> list[str]:
    """Sub-heading titles without the words all of them open with (`HVM Definition` -> `Definition`)."""
    words = [t.split() for t in titles]
    common = 0
    while all(len(w) > common + 1 for w in words) and len({w[common].casefold() for w in words}) == 1:
        common += 1
    return [" ".join(w[common:]) for w in words]


def _content(sections: list[Section], k: int, pieces: list[tuple[SourcePos, RichText]]) -> list[tuple[SourcePos, RichText]]:
    """What the guide writes right under section k, before the next heading."""
    start = _where(sections[k].pos)
    end = _where(sections[k + 1].pos) if k + 1 < len(sections) else (start[0], 1 << 30)
    return [(pos, text) for pos, text in pieces if start < _where(pos) < end and pos.path == start[0]]


def sibling_tables(o: Objective) -> tuple[tuple[Table, ...], frozenset[SourcePos]]:
    """The objective's sibling sections as tables, and the positions of the prose and
    definitions they print."""
    sections = sorted(o.sections, key=lambda s: _where(s.pos))
    pieces = [(p.pos, p.text) for p in o.prose if p.text.plain.strip() and not p.text.plain.rstrip().endswith(":")]
    pieces += [(d.pos, RichText((Span(f"{d.term}: ", SpanStyle.STRONG),) + d.text.spans)) for d in o.definitions]
    pieces.sort(key=lambda p: _where(p[0]))
    taken: set[SourcePos] = set()
    tables = []
    for i, parent in enumerate(sections):
        grid = []
        for c in _children(sections, i):
            subs = _children(sections, c)
            if len(subs) >= 2:
                shown = _keys([sections[s].title for s in subs])
                grid.append((sections[c], dict(zip((k.casefold() for k in shown), subs)), shown))
        counts: dict[str, int] = {}
        for _, subs, _ in grid:
            for key in subs:
                counts[key] = counts.get(key, 0) + 1
        shared = [k for k in dict.fromkeys(key for _, subs, _ in grid for key in subs) if counts[k] >= 2]
        rows = [(child, subs) for child, subs, _ in grid if len([k for k in shared if k in subs]) >= 2]
        if len(rows) < 2 or not 2 <= len(shared) <= MAX_COLUMNS:
            continue
        names = {}
        for _, subs, shown in grid:
            for key, title in zip(subs, shown):
                names.setdefault(key, title)
        table_rows = []
        for child, subs in rows:
            cells = []
            for key in shared:
                content = [(pos, text) for pos, text in _content(sections, subs[key], pieces)
                           if pos not in taken] if key in subs else []
                taken.update(pos for pos, _ in content)
                spans: list[Span] = []
                for n, (_, text) in enumerate(content):
                    spans += ([Span(SEPARATOR)] if n else []) + list(text.spans)
                cells.append(RichText(tuple(spans)))
            table_rows.append(TableRow((RichText.of(child.title),) + tuple(cells), child.pos))
        if not any(c.plain.strip() for row in table_rows for c in row.cells[1:]):
            continue
        header = (RichText.of(""),) + tuple(RichText.of(names[k]) for k in shared)
        tables.append(Table(parent.title, parent.icon, header, tuple(table_rows), parent.title, parent.pos))
    return tuple(tables), frozenset(taken)
