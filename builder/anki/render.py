"""Card fronts and backs as Anki renders them: the template subset cheatdeck's note types use."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

from builder.anki.notes import AnkiNote
from builder.anki.notetypes import NoteTypeText

_SECTION = re.compile(r"\{\{([#^])([^}]+)\}\}(.*?)\{\{/\2\}\}", re.S)
_FIELD = re.compile(r"\{\{([^#^/}][^}]*)\}\}")
_CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.S)


@dataclass(frozen=True, slots=True)
class RenderedCard:
    """One card of a note: its template's name and ordinal, and its front and back HTML."""

    note: AnkiNote
    template: str
    ord: int
    front: str
    back: str

    @property
    def type_name(self) -> str:
        return f"{self.note.note_type.name.removeprefix('cheatdeck ')} / {self.template}"


def _fill(template: str, values: dict[str, str], cloze: int | None, answer: bool) -> str:
    # Sections nest only one deep in cheatdeck's templates, so repeating the outer pass suffices.
    def section(m: re.Match[str]) -> str:
        filled = bool(values.get(m.group(2).strip(), "").strip())
        return m.group(3) if filled == (m.group(1) == "#") else ""

    prev = None
    while prev != template:
        prev, template = template, _SECTION.sub(section, template)

    def field(m: re.Match[str]) -> str:
        name = m.group(1).strip()
        if name.startswith("type:"):
            return '<input type="text" class="typein">' if not answer else ""
        if name.startswith("cloze:"):
            return _cloze(values.get(name[6:], ""), cloze or 1, answer)
        return values.get(name, "")

    return _FIELD.sub(field, template)


def _cloze(text: str, number: int, answer: bool) -> str:
    def one(m: re.Match[str]) -> str:
        if int(m.group(1)) != number:
            return m.group(2)
        if answer:
            return f'<span class="cloze">{m.group(2)}</span>'
        return f'<span class="cloze">[{m.group(3) or "..."}]</span>'

    return _CLOZE.sub(one, text)


def cloze_numbers(text: str) -> list[int]:
    return sorted({int(n) for n in re.findall(r"\{\{c(\d+)::", text)})


def render_note(note: AnkiNote, text: NoteTypeText) -> list[RenderedCard]:
    """Every card the note makes: a standard type's non-empty fronts, a cloze type's numbers."""
    nt = note.note_type
    values = dict(zip(nt.field_names, note.fields))
    cards = []
    if nt.cloze:
        body = values.get(nt.field_names[1], "")
        (front_t, back_t), = text.templates
        for n in cloze_numbers(body):
            front = _fill(front_t, values, n, False)
            back = _fill(back_t, {**values, "FrontSide": _fill(front_t, values, n, True)}, n, True)
            cards.append(RenderedCard(note, nt.templates[0].name, n - 1, front, back))
        return cards
    for i, (t, (front_t, back_t)) in enumerate(zip(nt.templates, text.templates)):
        front = _fill(front_t, values, None, False)
        if not plain(front):
            continue  # Anki makes no card whose front is empty
        back = _fill(back_t, {**values, "FrontSide": front}, None, True)
        cards.append(RenderedCard(note, t.name, i, front, back))
    return cards


def plain(html: str) -> str:
    """The visible text of a fragment, white space folded."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(unescape(text).split())
