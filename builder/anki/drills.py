"""Cloze notes: the options of cited programs' command lines, procedures, prose facts and samples."""

from __future__ import annotations

from builder.anki import fields as f
from builder.anki.cloze import blank, flag_cards
from builder.anki.commands import CommandCard
from builder.anki.context import AnkiNote, NoteContext
from builder.anki.facts import objective_facts
from builder.anki.notetypes import CLOZE, OVERVIEW
from builder.anki.procedures import Procedure, cloze_text
from builder.anki.samples import sample_line_facts
from builder.i18n import _


def overview_notes(ctx: NoteContext) -> list[AnkiNote]:
    """The objective's weight, the one thing an overview asks (its key knowledge areas are a
    list to recite; those with marked terms are fact clozes): none without a weight."""
    o = ctx.objective
    if o.weight is None:
        return []
    return [ctx.note(OVERVIEW, "", "overview", ctx.common(), o.pos)]


def flag_notes(ctx: NoteContext, cards: list[CommandCard]) -> list[AnkiNote]:
    notes = []
    for card, spans in flag_cards(ctx.objective, cards):
        group, line = card.group, next(ln for ln in card.lines if not ln.disabled)
        text = (f'<div class="purpose">{f.purposes_html(group.purposes)}</div>'
                f'<pre class="code"><span class="ln">{f.breakable(blank(line.text, spans))}</span></pre>')
        values = {**ctx.common(group.section), "Text": text, "TypeIn": "1", "Extra": _extra(group.section)}
        key = f"flag\x1f{line.normalized}"
        notes.append(ctx.note(CLOZE, key, f"flag {line.normalized}", values, line.pos))
    return notes


def fact_notes(ctx: NoteContext) -> list[AnkiNote]:
    notes = []
    for fact in objective_facts(ctx.objective) + sample_line_facts(ctx.objective.samples):
        values = {**ctx.common(fact.section), "Text": fact.text}
        notes.append(ctx.note(CLOZE, fact.key, fact.key.replace("\x1f", " / "), values, fact.pos))
    return notes


def procedure_notes(ctx: NoteContext, procedures: list[Procedure]) -> list[AnkiNote]:
    notes = []
    for p in procedures:
        text, _ = cloze_text(p)
        values = {**ctx.common(p.group.section), "Text": text, "Extra": _extra(p.group.section)}
        notes.append(ctx.note(CLOZE, p.key, p.key.replace("\x1f", " ").replace("\n", " ; "),
                              values, p.group.pos))
    return notes


def _extra(section: str | None) -> str:
    """The back's note of where a command sits in the guide."""
    return f.text(_("Section: {section}").format(section=section)) if section else ""
