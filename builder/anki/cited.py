"""A cited object's back: what the guide says it is for, and at most three short uses."""

from __future__ import annotations

import re
from html import escape

from builder.anki import fields as f
from builder.i18n import _
from builder.model import CitedObject, Objective
from builder.html import rich_to_html

MAX_USES = 3
SHORT_LINE = 90  # a use longer than this is a worse example than a shorter one
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z`(])")

def _sentence(text: str, found: re.Pattern[str]) -> str | None:
    return next((s for s in _SENTENCE.split(text) if found.search(s)), None)


def meaning(o: Objective, obj: CitedObject) -> str:
    """The guide's own words about the object: a definition of it, else the first key knowledge
    area, paragraph or table row that names it, else the purpose of a command that uses it."""
    rx = obj.mention_regex()
    for d in o.definitions:
        if rx.search(d.term) and rx.search(d.term).group() == d.term.split()[0]:
            return f"<b>{f.text(d.term)}</b>: {rich_to_html(d.text)}"
    for area in o.key_knowledge_areas:
        if rx.search(area.plain):
            return rich_to_html(area)
    for p in o.prose:
        if p.text.plain.rstrip().endswith(":"):
            continue  # a lead-in to a code sample says what the sample is, not what this is
        if (s := _sentence(p.text.plain, rx)) is not None:
            return f.text(s)
    for d in o.definitions:
        if (s := _sentence(d.text.plain, rx)) is not None:
            return f"<b>{f.text(d.term)}</b>: {f.text(s)}"
    for table in o.tables:
        for row in table.rows:
            if row.cells and rx.search(row.cells[0].plain):
                return f"<b>{f.text(table.title)}</b>" + f.row_cells(table, row)
    group = next((g for g in o.command_groups if g.purpose and any(rx.search(ln.normalized)
                                                                   for ln in g.commands)), None)
    if group is not None:
        return used_to(group.purpose)
    return _("Listed among the cited objects of {objective}; the guide gives no more about it "
             "here.").format(objective=f"{f.text(o.id)} {f.text(o.title)}")


def used_to(purpose: str) -> str:
    return _("Used to {purpose}.").format(purpose=f.text(purpose))


def uses(o: Objective, obj: CitedObject) -> list[tuple[str, str, str]]:
    """Up to three (purpose, line, language) examples, short lines first, one per purpose."""
    rx = obj.mention_regex()
    found = []
    for g in o.command_groups:
        lines = [ln for ln in g.commands if rx.search(ln.normalized)]
        if g.purpose and lines:
            line = min(lines, key=lambda ln: len(ln.normalized))
            found.append((g.purpose, line.normalized, g.language))
    found.sort(key=lambda u: len(u[1]) > SHORT_LINE)  # stable: guide order within each
    return found[:MAX_USES]


def back(o: Objective, obj: CitedObject) -> str:
    said = meaning(o, obj)
    parts = [f'<div class="ans">{said}</div>']
    examples = uses(o, obj)
    if examples:
        # The use the meaning already quotes shows its line without repeating its purpose.
        items = "".join("<li>" + ("" if used_to(p) == said else
                         f'<span class="caption">{f.text(p)}</span>')
                        + f'<pre class="code"><span class="ln">{f.breakable(escape(line, quote=False))}'
                        + "</span></pre></li>" for p, line, _ in examples)
        label = _("Examples")
        parts.append(f'<div class="label">{label}</div><ul class="uses">{items}</ul>')
    return "".join(parts)
