"""HTML fragments for card fields: code blocks, tables, lists and mentions (escaped, pure)."""

from __future__ import annotations

from html import escape
from typing import Callable

from builder.anki.media import MediaFile
from builder.model import (CodeSample, CommandGroup, CommandLine, Definition, Image, Objective,
                           RichText, Table, TableRow, TimelineEvent)
from builder.writers.html import highlight_code, rich_to_html

Matcher = Callable[[str], bool]  # does this text mention the object?

# How many mentions of each sort a cited-object card shows before it says "and N more".
MENTION_LIMITS = {"groups": 6, "samples": 3, "definitions": 4, "rows": 4}


def text(value: str | None) -> str:
    return escape(value or "", quote=False)


def purposes_html(purposes: tuple[str, ...]) -> str:
    """One purpose as text; the same lines written under several purposes list each of them."""
    return '<br><span class="or">or</span> '.join(text(p) for p in purposes)


def code_lines(lines: tuple[CommandLine, ...], language: str) -> str:
    """Command lines highlighted as one block; commented-out lines are dimmed and marked `#`."""
    out = []
    for line in lines:
        body = highlight_code(line.text, language or "sh")
        out.append(f'<span class="off"># {body}</span>' if line.disabled else body)
    return '<pre class="code">' + "\n".join(out) + "</pre>"


def code_sample(sample: CodeSample, lines: list[str]) -> str:
    return '<pre class="code">' + highlight_code("\n".join(lines), sample.language) + "</pre>"


def rich_list(items: tuple[RichText, ...] | list[str], ordered: bool = False) -> str:
    if not items:
        return ""
    tag = "ol" if ordered else "ul"
    body = "".join(f"<li>{rich_to_html(i) if isinstance(i, RichText) else i}</li>" for i in items)
    return f"<{tag}>{body}</{tag}>"


TableParts = tuple[str, tuple[str, ...]]  # a table's header cells and each row's cells, as HTML


def table_parts(table: Table) -> TableParts:
    """The cells of a table rendered once, for the many cards that each show all of it."""
    head = "".join(f'<th scope="col">{rich_to_html(h)}</th>' for h in table.header)
    return head, tuple("".join(f"<td>{rich_to_html(c)}</td>" for c in row.cells) for row in table.rows)


def table_html(table: Table, highlight: TableRow | None = None, parts: TableParts | None = None) -> str:
    """The whole table; the highlighted row carries class `hit`."""
    head, cells = parts or table_parts(table)
    hit = ' class="hit"'
    rows = "".join(f"<tr{hit if row is highlight else ''}>{body}</tr>"
                   for row, body in zip(table.rows, cells))
    return (f'<div class="tablewrap"><table><thead><tr>{head}</tr></thead>'
            f'<tbody>{rows}</tbody></table></div>')


def row_cells(table: Table, row: TableRow, skip: int | None = None, with_key: bool = False) -> str:
    """A row's cells (after the first unless `with_key`), each under its column header."""
    pairs = []
    for i, cell in enumerate(row.cells):
        if i == skip or (i == 0 and not with_key):
            continue
        header = rich_to_html(table.header[i]) if i < len(table.header) else ""
        pairs.append(f"<dt>{header}</dt><dd>{rich_to_html(cell)}</dd>")
    return f'<dl class="cells">{"".join(pairs)}</dl>' if pairs else ""


def timeline_html(events: tuple[TimelineEvent, ...], highlight: TimelineEvent) -> str:
    items = []
    for ev in events:
        cls = ' class="hit"' if ev is highlight else ""
        items.append(f'<li{cls}><span class="period">{text(ev.period)}</span> '
                     f'{text(", ".join(ev.events))}</li>')
    return f'<ul class="timeline">{"".join(items)}</ul>'


def images_html(images: list[tuple[Image, MediaFile]]) -> str:
    return "".join(f'<img src="{escape(m.name)}" alt="{escape(i.alt)}">' for i, m in images)


def mentions_html(o: Objective, rx_search: Matcher) -> str:
    """What the objective shows about an object: groups, samples, definitions and rows."""
    parts = [_group_mentions(o.command_groups, rx_search), _sample_mentions(o.samples, rx_search),
             _definition_mentions(o.definitions, rx_search), _row_mentions(o.tables, rx_search)]
    return "".join(p for p in parts if p)


def _more(shown: int, total: int) -> str:
    return f'<p class="more">… and {total - shown} more in the guide</p>' if total > shown else ""


def _group_mentions(groups: tuple[CommandGroup, ...], rx_search: Matcher) -> str:
    hits = [(g, tuple(ln for ln in g.lines if rx_search(ln.normalized))) for g in groups]
    hits = [(g, lines) for g, lines in hits if lines]
    limit = MENTION_LIMITS["groups"]
    items = []
    for group, lines in hits[:limit]:
        caption = f'<div class="caption">{text(group.purpose)}</div>' if group.purpose else ""
        items.append(f'<div class="mention">{caption}{code_lines(lines, group.language)}</div>')
    return "".join(items) + _more(min(limit, len(hits)), len(hits))


def _sample_mentions(samples: tuple[CodeSample, ...], rx_search: Matcher) -> str:
    hits = [(s, [ln for ln in s.text.splitlines() if rx_search(ln)]) for s in samples]
    hits = [(s, lines) for s, lines in hits if lines]
    limit = MENTION_LIMITS["samples"]
    items = []
    for sample, lines in hits[:limit]:
        caption = f'<div class="caption">{text(sample.caption or sample.section)}</div>'
        items.append(f'<div class="mention">{caption}{code_sample(sample, lines)}</div>')
    return "".join(items) + _more(min(limit, len(hits)), len(hits))


def _definition_mentions(defs: tuple[Definition, ...], rx_search: Matcher) -> str:
    hits = [d for d in defs if rx_search(d.text.plain) or rx_search(d.term)]
    limit = MENTION_LIMITS["definitions"]
    items = [f"<dt>{text(d.term)}</dt><dd>{rich_to_html(d.text)}</dd>" for d in hits[:limit]]
    body = f'<dl class="mention defs">{"".join(items)}</dl>' if items else ""
    return body + _more(min(limit, len(hits)), len(hits))


def _row_mentions(tables: tuple[Table, ...], rx_search: Matcher) -> str:
    hits = [(t, r) for t in tables for r in t.rows if any(rx_search(c.plain) for c in r.cells)]
    limit = MENTION_LIMITS["rows"]
    items = []
    for table, row in hits[:limit]:
        items.append(f'<div class="mention"><div class="caption">{text(table.title)}: '
                     f'<strong>{rich_to_html(row.cells[0]) if row.cells else ""}</strong></div>'
                     f"{row_cells(table, row)}</div>")
    return "".join(items) + _more(min(limit, len(hits)), len(hits))
