"""The "source" link on a card's back: the guide line its fact came from, at the build's commit.

Anki note types never change their fields here, so the link rides at the end of a field each
type shows only on its backs. It is added after the ledger has hashed the note: a link moves with
every commit, and a note whose fact did not change must keep its `mod` (else every release would
rewrite every card). A learner's copy keeps the link of the release that last changed the fact,
which still opens the line it came from, at that commit.
"""

from __future__ import annotations

from dataclasses import replace
from html import escape

from builder.anki.context import AnkiNote
from builder.anki.sanitize import clean_html
from builder.i18n import _, override
from builder.sourcelinks import SourceLinks

# kind -> the field shown on every back of the type and on no front; the link ends it.
LINK_FIELDS = {"overview": "Description", "command": "Section", "cited": "Shows", "row": "FullTable",
               "definition": "Definition", "timeline": "FullTimeline", "cloze": "Extra",
               "exam-choice": "Guide", "exam-fill-in": "Guide"}
# Fields the back shows inside a line of text ("Section: …"): the link joins that line.
INLINE = {"Section"}


def link_html(url: str, inline: bool, after_text: bool = True) -> str:
    """The small link itself; inline after a line's text, else a line of its own."""
    word = _("source")
    anchor = f'<a class="src" href="{escape(url)}">{escape(word)}</a>'
    if inline:
        return clean_html(f" · {anchor}" if after_text else anchor)
    return clean_html(f'<div class="foot">{anchor}</div>')


def linked(note: AnkiNote, links: SourceLinks | None, lang: str) -> AnkiNote:
    """`note` with its source link at the end of its type's link field (as it is without one)."""
    name = LINK_FIELDS.get(note.kind)
    url = links.url(note.pos) if links is not None and name else None
    if url is None or name not in note.note_type.field_names:
        return note
    index = note.note_type.field_names.index(name)
    with override(lang):
        html = link_html(url, name in INLINE, bool(note.fields[index]))
    fields = note.fields[:index] + (note.fields[index] + html,) + note.fields[index + 1:]
    return replace(note, fields=fields)
