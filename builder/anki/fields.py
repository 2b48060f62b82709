"""HTML fragments for card fields: code blocks, tables, lists and mentions (escaped, pure)."""

from __future__ import annotations

import re
from html import escape
from typing import Callable

from builder.anki.media import MediaFile
from builder.i18n import _
from builder.model import CodeSample, CommandLine, Image, RichText, Table, TableRow, TimelineEvent
from builder.html import highlight_code, rich_to_html

Matcher = Callable[[str], bool]  # does this text mention the object?

def text(value: str | None) -> str:
    return escape(value or "", quote=False)


def purposes_html(purposes: tuple[str, ...]) -> str:
    """One purpose as text; the same lines written under several purposes list each of them."""
    word = _("or")
    return f'<br><span class="or">{word}</span> '.join(text(p) for p in purposes)


_TAG = re.compile(r"(<[^>]*>)")
_BREAK_AFTER = re.compile(r"([/=,|])(?!$)")
# A word, with the sign that follows a trailing hyphen (`lxc-*`); never a brace or colon, which
# may open or close a cloze deletion (`{{c1::…}}`).
_WORD = re.compile(r"[\w.-]+(?:(?<=-)[*\[(\"'$@%+/])?")
# Browsers may wrap after any hyphen (`--` / `protocol`, `virt-` / `install`); a dashed word up
# to this long is kept on one line instead. 34 monospace characters fit one phone line of a
# card's code (about 37 at 390 px, less a wrapped line's hanging indent); a longer word, a URL
# slug or a rule of dashes, may still wrap rather than push the card sideways.
NOWRAP_MAX = 34


_CODE = re.compile(r"(<code\b[^>]*>)(.*?)(</code>)", re.S)


def _keep_dashed(word: re.Match[str]) -> str:
    w = word.group(0)
    return f'<span class="nw">{w}</span>' if "-" in w and len(w) <= NOWRAP_MAX else w


def _dashed_kept(html: str) -> str:
    return "".join(part if part.startswith("<") else _WORD.sub(_keep_dashed, part)
                   for part in _TAG.split(html))


def code_words_kept(html: str) -> str:
    """HTML whose inline `<code>` never wraps inside an option or a hyphenated word."""
    if "<code" not in html:
        return html
    return _CODE.sub(lambda m: m.group(1) + _dashed_kept(m.group(2)) + m.group(3), html)


def breakable(html: str) -> str:
    """HTML whose text may wrap after `/ = , |` (a phone line breaks there) and at spaces, never
    inside an option or a hyphenated word (those are kept whole in a `nw` span)."""
    return "".join(part if part.startswith("<") else
                   _WORD.sub(_keep_dashed, _BREAK_AFTER.sub(r"\1<wbr>", part))
                   for part in _TAG.split(html))


def code_lines(lines: tuple[CommandLine, ...], language: str) -> str:
    """Command lines highlighted, one block each (a wrapped line hangs under its start);
    commented-out lines are dimmed and marked `#`."""
    out = []
    for line in lines:
        body = breakable(highlight_code(line.text, language or "sh"))
        body = f'<span class="off"># {body}</span>' if line.disabled else body
        out.append(f'<span class="ln">{body}</span>')
    return '<pre class="code">' + "".join(out) + "</pre>"


def code_sample(sample: CodeSample, lines: list[str]) -> str:
    return '<pre class="code">' + highlight_code("\n".join(lines), sample.language) + "</pre>"


def rich_list(items: tuple[RichText, ...] | list[str], ordered: bool = False) -> str:
    if not items:
        return ""
    tag = "ol" if ordered else "ul"
    body = "".join(f"<li>{rich_to_html(i) if isinstance(i, RichText) else i}</li>" for i in items)
    return f"<{tag}>{body}</{tag}>"


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
