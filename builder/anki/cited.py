"""A cited object's back: what the guide says it is for, and at most three short uses."""

from __future__ import annotations

from collections.abc import Iterator

import re
from html import escape

from builder.anki import fields as f
from builder.i18n import _
from builder.anki.facts import names_of
from builder.anki.leaks import URL, purpose_words
from builder.model import CitedObject, Definition, Objective, SourcePos
from builder.html import rich_to_html

MAX_USES = 3
SHORT_LINE = 90  # a use longer than this is a worse example than a shorter one
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z`(])")

# "Kernel modules: kvm", "Emulation and Simulation", "xl.conf # Xen global configurations":
# the names a guide may use for one cited entry.
_LABEL = re.compile(r"^[^:/]+:\s+(?=\S)")
_AND = re.compile(r"\s+(?:and|e|or|ou)\s+|\s*[,;]\s*")
_COMMENT = re.compile(r"\s+#\s.*$")


def _sentence(text: str, found: re.Pattern[str]) -> str | None:
    return next((s for s in _SENTENCE.split(text) if found.search(s)), None)


def names(obj: CitedObject) -> list[str]:
    """What the guide may call a cited object: its name, the parts of "X and Y", the item after
    a label ("Kernel modules: kvm") and the short forms in its annotation (`Migration (P2V,
    V2V)`, `Hardware Virtual Machine (HVM)`)."""
    name = _COMMENT.sub("", obj.name).strip()
    out = [name, _LABEL.sub("", name)]
    out += [p for p in _AND.split(_LABEL.sub("", name)) if p]
    if obj.note and len(obj.note) <= 40:
        out += [p for p in _AND.split(obj.note) if p and len(p.split()) <= 3]
    return [n for n in dict.fromkeys(x.strip() for x in out) if len(n) >= 2]


def matcher(obj: CitedObject) -> re.Pattern[str]:
    """The object's own pattern (paths, `/proc/[0-9]+/ns`) or any of its names as a word, in
    any case and in the plural ("CPU flags", "Hypervisors")."""
    words = [re.escape(n) + "(?:e?s)?" for n in names(obj) if not n.startswith("/")]
    own = obj.mention_regex().pattern
    if not words:
        return re.compile(own)
    return re.compile(own + "|" + r"(?<![\w/.-])(?:" + "|".join(words) + r")(?![\w-])", re.I)


def _defines(d: Definition, obj: CitedObject) -> bool:
    """A definition of the object itself: its term, or the term's name or short form, is one of
    the object's names ("Hardware Virtual Machine (HVM)" defines `Hardware Virtual Machine`)."""
    mine = {n.casefold() for n in names(obj)}
    return any(n.casefold().rstrip("s") in {m.rstrip("s") for m in mine} for n in names_of(d))


def _says(text: str) -> bool:
    """Prose that says what something is: not a lead-in to a sample ("Use:"), a bare question
    ("What is it?") or a link to read elsewhere (a guide's list of sources)."""
    return not text.rstrip().endswith((":", "?")) and URL.search(text) is None


def _under(o: Objective, found: re.Pattern[str]) -> set[str]:
    """The titles of the first heading that names the object and of the headings under it
    ("CPU flags in /proc/cpuinfo that matter for virtualization")."""
    sections = list(o.sections)
    for i, s in enumerate(sections):
        if found.search(s.title):
            inside = [s.title]
            for t in sections[i + 1:]:
                if t.level <= s.level:
                    break
                inside.append(t.title)
            return set(inside)
    return set()


def _section_says(o: Objective, titles: set[str]) -> str | None:
    """The first thing said under those headings, in guide order: a paragraph's first sentence,
    a definition, or a table's title and the rows it names."""
    said: list[tuple[SourcePos, str]] = []
    # A lead-in ("Use:") or a bare question ("What is it?") says nothing on its own.
    said += [(p.pos, f.text(_SENTENCE.split(p.text.plain.strip())[0])) for p in o.prose
             if p.section in titles and _says(p.text.plain)]
    said += [(d.pos, (f"<b>{f.text(d.term)}</b>: " if d.form != "question" else "")
              + f.text(_SENTENCE.split(d.text.plain.strip())[0]))
             for d in o.definitions if d.section in titles and d.text.plain.strip()]
    said += [(t.pos, f"<b>{f.text(t.title)}</b>: "
              + f.text(", ".join(r.cells[0].plain.strip() for r in t.rows[:6] if r.cells)))
             for t in o.tables if t.section in titles and t.rows]
    return min(said)[1] if said else None


def meaning(o: Objective, obj: CitedObject) -> str | None:
    """The guide's own words about the object: a definition of it, else the first heading,
    paragraph (not a link), definition or table row that names it, else a key knowledge area or
    the purpose of a command that uses or names it; never words that only repeat its name; None
    when the guide says nothing about it (then it makes no card)."""
    name = {w.casefold() for n in names(obj) for w in re.findall(r"\w+", n)}
    return next((said for said in _said(o, obj)
                 if {w.casefold() for w in re.findall(r"\w+", re.sub(r"<[^>]+>", " ", said))} - name), None)


def _said(o: Objective, obj: CitedObject) -> Iterator[str]:
    """Every place the guide says something about the object, best first."""
    rx = matcher(obj)
    for d in o.definitions:
        if _defines(d, obj):
            yield f"<b>{f.text(d.term)}</b>: {rich_to_html(d.text)}"
    if (said := _section_says(o, _under(o, rx))) is not None:
        yield said
    for p in o.prose:
        if _says(p.text.plain) and (s := _sentence(p.text.plain, rx)) is not None:
            yield f.text(s)
    for d in o.definitions:
        if (s := _sentence(d.text.plain, rx)) is not None:
            yield f"<b>{f.text(d.term)}</b>: {f.text(s)}"
    for table in o.tables:
        for row in table.rows:
            if row.cells and rx.search(row.cells[0].plain):
                yield f"<b>{f.text(table.title)}</b>" + f.row_cells(table, row)
    # A purpose of one word ("docs") says nothing of what the object is for.
    for g in o.command_groups:
        if len(purpose_words(g.purpose or "")) >= 2 and (
                any(rx.search(ln.normalized) for ln in g.commands) or rx.search(g.purpose or "")):
            yield used_to(g.purpose or "")


def explained(o: Objective, obj: CitedObject) -> bool:
    """Does the guide say something about the object? Only then is it a card (the sheet still
    lists every cited object)."""
    return meaning(o, obj) is not None


def used_to(purpose: str) -> str:
    return _("Used to {purpose}.").format(purpose=f.text(purpose))


def uses(o: Objective, obj: CitedObject) -> list[tuple[str, str, str]]:
    """Up to three (purpose, line, language) examples, short lines first, one per purpose."""
    rx = matcher(obj)
    found = []
    for g in o.command_groups:
        lines = [ln for ln in g.commands if rx.search(ln.normalized)]
        if g.purpose and lines:
            line = min(lines, key=lambda ln: len(ln.normalized))
            found.append((g.purpose, line.normalized, g.language))
    found.sort(key=lambda u: len(u[1]) > SHORT_LINE)  # stable: guide order within each
    return found[:MAX_USES]


def back(o: Objective, obj: CitedObject) -> str:
    said = meaning(o, obj) or ""
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
