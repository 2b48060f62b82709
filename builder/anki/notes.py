"""The model as Anki notes: identity (GUID), deck, tags and sanitized fields for each card kind."""

from __future__ import annotations

import re
from pathlib import Path

from builder.anki import cited
from builder.anki import fields as f
from builder.anki.cells import row_notes
from builder.anki.context import (AnkiNote, DuplicateCardError, NoteContext, base_tags, deck_description,
                                  deck_name, guid_for)
from builder.anki.commands import CommandCard, command_cards, command_groups
from builder.anki.counts import definition_asks
from builder.anki.facts import definition_text
from builder.anki.interference import SharedCommands, shared_commands, tools_named
from builder.anki.drills import fact_notes, flag_notes, overview_notes, procedure_notes
from builder.anki.procedures import procedures
from builder.anki.media import MediaFile, MediaStore, media_for
from builder.anki.notetypes import CITED, COMMAND, DEFINITION, TIMELINE
from builder.i18n import N_, _, override
from builder.model import Definition, Guide, Image, Objective, SourcePos, Topic
from builder.html import rich_to_html

# What a cited object is, as the card names it ("Cited command"): marked for extraction only.
KIND_WORDS = {"command": N_("command"), "file": N_("file"), "directory": N_("directory"),
              "pattern": N_("pattern")}

__all__ = ["AnkiNote", "DuplicateCardError", "base_tags", "deck_description", "deck_name",
           "guid_for", "guide_notes", "objective_notes"]


def objective_notes(guide: Guide, topic: Topic, o: Objective, source_root: Path,
                    media: MediaStore | None = None,
                    shared: SharedCommands | None = None) -> list[AnkiNote]:
    """Every note one objective gives, in study order (images from `media`, which prepares each
    once), its fixed words in the guide's language; a command `shared` with an earlier objective
    is that objective's note."""
    with override(guide.lang):
        return _objective_notes(NoteContext(guide, o, deck_name(guide, topic, o), source_root),
                                media or MediaStore(), shared or SharedCommands())


def _objective_notes(ctx: NoteContext, media: MediaStore, shared: SharedCommands) -> list[AnkiNote]:
    o, source_root = ctx.objective, ctx.source_root
    images = _images_by_definition(o, source_root, media)
    commands = command_cards(o)
    # A procedure's steps are one cloze note; their options are still drilled.
    steps = procedures(command_groups(o))
    in_steps = {p.group for p in steps}
    # Study order (the cards' `due`): concepts, then cited objects, commands and their flags.
    notes = overview_notes(ctx)  # the weight only: images not under a definition stay on sheets
    notes += [_definition(ctx, d, images.get(i, [])) for i, d in enumerate(o.definitions, 1)
              if definition_asks(d)]
    notes += [n for t in o.tables for n in row_notes(ctx, t)]
    notes += [_timeline(ctx, i) for i in range(len(o.timeline))]
    notes += fact_notes(ctx)
    notes += [_cited(ctx, i) for i, c in enumerate(o.cited_objects) if cited.explained(o, c)]
    notes += [_command(ctx, c, shared.more_purposes(c)) for c in commands
              if c.group not in in_steps and shared.makes_note(o.id, c)]
    notes += procedure_notes(ctx, steps)
    notes += flag_notes(ctx, commands)
    return notes


def guide_notes(guide: Guide, source_root: Path, media: MediaStore | None = None) -> list[AnkiNote]:
    """All notes of a guide; two notes with one identity are an error naming both places. A command
    repeated across objectives is the first one's note; fronts alike across the deck name their tool."""
    media = media or MediaStore()
    pairs = [(t, o) for t in guide.topics for o in t.objectives]
    shared = shared_commands(guide)
    # Objectives without images first: their notes are made while the images are prepared.
    made = {i: objective_notes(guide, *pairs[i], source_root, media, shared)
            for i in sorted(range(len(pairs)), key=lambda i: bool(pairs[i][1].images))}
    notes = tools_named(guide, [n for i in range(len(pairs)) for n in made[i]])
    seen: dict[str, AnkiNote] = {}
    for note in notes:
        first = seen.setdefault(note.guid, note)
        if first is not note:
            raise DuplicateCardError(
                f"{note.pos}: card identity '{note.identity}' is already used at {first.pos}: "
                f"pin one of them with <!-- card: KEY -->")
    return notes


def _command(ctx: NoteContext, card: CommandCard, elsewhere: tuple[str, ...] = ()) -> AnkiNote:
    group = card.group
    purpose = f.purposes_html(group.purposes + elsewhere)
    if card.context:
        purpose += f'<div class="cue">{f.text(card.context)}</div>'
    if card.cue:  # the program, when the group runs several (never a step number)
        purpose += f'<div class="cue"><code>{f.text(card.cue)}</code></div>'
    values = {**ctx.common(group.section), "Purpose": purpose,
              "Commands": f.code_lines(card.lines, group.language)}
    return ctx.note(COMMAND, card.key, card.key, values, card.lines[0].pos if card.step > 1 else group.pos)


def _cited(ctx: NoteContext, index: int) -> AnkiNote:
    o = ctx.objective
    obj = o.cited_objects[index]
    values = {**ctx.common(), "Object": f.text(obj.name), "ObjectKind": f.text(_(KIND_WORDS[obj.kind.value])),
              "Annotation": f.text(obj.note), "Shows": cited.back(o, obj)}
    return ctx.note(CITED, obj.key, obj.key, values, obj.pos)


def _definition(ctx: NoteContext, d: Definition, images: list[tuple[Image, MediaFile]]) -> AnkiNote:
    section = d.section
    # A question heading asks itself; a bold term gets the question it stands for.
    what = _("— what is it?")
    term = f.text(d.term) if d.form == "question" else f'{f.text(d.term)} <span class="what">{what}</span>'
    values = {**ctx.common(section if section != d.term else None), "Term": term,
              "Definition": rich_to_html(definition_text(d)),
              "Images": f.images_html(images)}
    # The same term may be defined in two sections (Compose "Service", Swarm "Service").
    label = f"{section} / {d.term}" if section and section != d.term else d.term
    return ctx.note(DEFINITION, d.key, label, values, d.pos, tuple(m for _, m in images))


def _timeline(ctx: NoteContext, index: int) -> AnkiNote:
    events = ctx.objective.timeline
    ev = events[index]
    same = [e for e in events if e.timeline == ev.timeline]
    at = same.index(ev)
    # The events around this one place it; the whole timeline would not fit a phone.
    near = tuple(same[max(0, at - 2):at + 3])
    values = {**ctx.common(), "Timeline": f.text(ev.timeline or _("Timeline")),
              "Events": f.text(_masked(", ".join(ev.events), ev.period)), "Period": f.text(ev.period),
              "FullTimeline": f.timeline_html(near, ev)}
    return ctx.note(TIMELINE, ev.key, f"{ev.timeline or 'timeline'} / {ev.period}", values, ev.pos)


def _masked(events: str, period: str) -> str:
    """"Windows Server 2008" would answer "when? 2008" on the front."""
    return re.sub(rf"(?<!\w){re.escape(period)}(?!\w)", "…", events) if period.strip() else events


def _images_by_definition(o: Objective, root: Path, store: MediaStore) -> dict[int | None, list[tuple[Image, MediaFile]]]:
    """Each existing image goes to the first definition of its section, else to the overview."""
    first_def: dict[str | None, int] = {}
    for i, d in enumerate(o.definitions, 1):
        first_def.setdefault(_section_key(o, d.pos), i)
    placed: dict[int | None, list[tuple[Image, MediaFile]]] = {}
    for image in o.images:
        media = media_for(image, root, store)
        if media is not None:
            placed.setdefault(first_def.get(_section_key(o, image.pos)), []).append((image, media))
    return placed


def _section_key(o: Objective, pos: SourcePos) -> str | None:
    before = [s for s in o.sections if s.pos.path == pos.path and s.pos <= pos]
    return str(max(before, key=lambda s: s.pos).pos) if before else None
