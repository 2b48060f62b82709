"""The model as Anki notes: identity (GUID), deck, tags and sanitized fields for each card kind."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from builder import __version__
from builder.anki import fields as f
from builder.anki.counts import carded_rows, command_groups, has_reverse
from builder.anki.media import MediaFile, media_for
from builder.anki.notetypes import (CITED, COMMAND, DEFINITION, NOTE_TYPES, OVERVIEW, ROW,
                                    TIMELINE, TOOL_NAME, NoteType)
from builder.anki.sanitize import clean_html
from builder.diagnostics import BuildError
from builder.model import (CommandGroup, Definition, Guide, Image, Objective, SourcePos, Table,
                           TableRow, Topic)
from builder.writers.html import rich_to_html

class DuplicateCardError(BuildError):
    """Two cards of one build claim the same identity."""


@dataclass(frozen=True, slots=True)
class AnkiNote:
    """One note, ready to package: what it is (guid) and what it says (fields, tags)."""

    note_type: NoteType
    guid: str
    identity: str  # the readable identity the GUID hashes, for messages and removed.txt
    objective: str  # the objective id
    deck: str
    fields: tuple[str, ...]  # sanitized HTML, in the note type's field order
    tags: tuple[str, ...]
    pos: SourcePos
    media: tuple[MediaFile, ...] = ()

    @property
    def kind(self) -> str:
        return self.note_type.kind

    @property
    def digest(self) -> str:
        """A hash of everything an import would write into the note."""
        h = hashlib.sha256(str(self.note_type.id).encode())
        for part in self.fields + ("\x1e",) + self.tags:
            h.update(b"\x1f" + part.encode("utf-8"))
        return h.hexdigest()


def guid_for(namespace: str, objective_id: str, kind: str, key: str) -> str:
    """The note GUID: a hash of what the note is, never of what it says."""
    raw = "\x1f".join((namespace, objective_id, kind, key)).encode("utf-8")
    return hashlib.sha256(raw).hexdigest()[:20]


def deck_name(guide: Guide, topic: Topic, o: Objective | None = None) -> str:
    parts = [guide.deck_title, f"{topic.number} {topic.title}"] + ([f"{o.id} {o.title}"] if o else [])
    # `::` separates subdecks in Anki, so a title may not contain it.
    return "::".join(" ".join(p.replace("::", ":").split()) for p in parts)


def deck_description(guide: Guide) -> str:
    version = f" · guide {f.text(guide.version)}" if guide.version else ""
    return clean_html(f"{f.text(guide.exam)} — built by {TOOL_NAME} {__version__}{version}")


def base_tags(guide: Guide, o: Objective, kind: str) -> tuple[str, ...]:
    exam = "::".join(guide.exam.split())
    tags = [f"{exam}::{o.topic}::{o.id}", f"kind::{kind}", TOOL_NAME]
    if o.weight is not None:
        tags.append(f"weight::{o.weight}")
    return tuple(sorted("".join(t.split()) for t in tags))


@dataclass(frozen=True, slots=True)
class _Context:
    """What every note of one objective shares."""

    guide: Guide
    objective: Objective
    deck: str
    source_root: Path

    def note(self, nt: NoteType, key: str, identity: str, values: dict[str, str], pos: SourcePos,
             media: tuple[MediaFile, ...] = ()) -> AnkiNote:
        guid = guid_for(self.guide.namespace, self.objective.id, nt.kind, key)
        values = {**values, "Sort": f.text(self.sort(nt, key)), "Id": f.text(guid)}
        cleaned = tuple(clean_html(values.get(name, "")) for name in nt.field_names)
        return AnkiNote(nt, guid, f"{self.objective.id} {nt.kind} {identity}", self.objective.id,
                        self.deck, cleaned,
                        base_tags(self.guide, self.objective, nt.kind), pos, media)

    def common(self, section: str | None = None) -> dict[str, str]:
        o = self.objective
        return {"Objective": f.text(f"{o.id} {o.title}"), "Section": f.text(section),
                "Weight": f.text(str(o.weight) if o.weight is not None else "")}

    def sort(self, nt: NoteType, key: str) -> str:
        # The browser's sort field and the first field Anki checks for duplicates: objective,
        # kind in study order, then the note's identity key, so it is unique within a deck and
        # holds no position (adding a card changes no other note; study order is the cards' `due`).
        shown = " ".join(key.replace("\x1f", " / ").split()) or nt.kind
        return f"{self.objective.id} · {NOTE_TYPES.index(nt)} {nt.kind} · {shown}"


def objective_notes(guide: Guide, topic: Topic, o: Objective, source_root: Path) -> list[AnkiNote]:
    """Every note one objective gives, in study order."""
    ctx = _Context(guide, o, deck_name(guide, topic, o), source_root)
    images = _images_by_definition(o, source_root)
    notes = [_overview(ctx, images.get(None, []))]
    notes += [_command(ctx, g) for g in command_groups(o)]
    notes += [_cited(ctx, i) for i in range(len(o.cited_objects))]
    notes += [n for t in o.tables for n in _rows(ctx, t)]
    notes += [_definition(ctx, d, images.get(i, [])) for i, d in enumerate(o.definitions, 1)]
    notes += [_timeline(ctx, i) for i in range(len(o.timeline))]
    return notes


def guide_notes(guide: Guide, source_root: Path) -> list[AnkiNote]:
    """All notes of a guide; two notes with one identity are an error naming both places."""
    notes = [n for t in guide.topics for o in t.objectives
             for n in objective_notes(guide, t, o, source_root)]
    seen: dict[str, AnkiNote] = {}
    for note in notes:
        first = seen.setdefault(note.guid, note)
        if first is not note:
            raise DuplicateCardError(
                f"{note.pos}: card identity '{note.identity}' is already used at {first.pos}: "
                f"pin one of them with <!-- card: KEY -->")
    return notes


def _overview(ctx: _Context, images: list[tuple[Image, MediaFile]]) -> AnkiNote:
    o = ctx.objective
    cited = [f"<code>{f.text(c.name)}</code>" + (f" <small>({f.text(c.note)})</small>" if c.note else "")
             for c in o.cited_objects]
    values = {**ctx.common(), "Description": rich_to_html(o.description),
              "Knowledge": f.rich_list(o.key_knowledge_areas), "Cited": f.rich_list(cited),
              "Images": f.images_html(images)}
    return ctx.note(OVERVIEW, "", "overview", values, o.pos, tuple(m for _, m in images))


def _command(ctx: _Context, group: CommandGroup) -> AnkiNote:
    values = {**ctx.common(group.section), "Purpose": f.purposes_html(group.purposes),
              "Commands": f.code_lines(group.lines, group.language)}
    return ctx.note(COMMAND, group.key, group.key, values, group.pos)


def _cited(ctx: _Context, index: int) -> AnkiNote:
    o = ctx.objective
    obj = o.cited_objects[index]
    rx = obj.mention_regex()
    shows = f.mentions_html(o, lambda s: rx.search(s) is not None)
    if not shows:
        shows = (f'<p class="none">The guide does not show it in use here. Know it for {f.text(o.id)} '
                 f"{f.text(o.title)}:</p>" + f.rich_list(o.key_knowledge_areas))
    values = {**ctx.common(), "Object": f.text(obj.name),
              "ObjectKind": f.text(obj.kind.value), "Annotation": f.text(obj.note), "Shows": shows}
    return ctx.note(CITED, obj.key, obj.key, values, obj.pos)


def _rows(ctx: _Context, table: Table) -> list[AnkiNote]:
    parts = f.table_parts(table)  # every row's card shows the whole table
    return [_row(ctx, table, r, parts) for r in carded_rows(table)]


def _row(ctx: _Context, table: Table, row: TableRow, parts: f.TableParts) -> AnkiNote:
    key = table.row_key(row)
    reverse = rich_to_html(row.cells[1]) if has_reverse(table, row) else ""
    section = table.section if table.section != table.title else None
    values = {**ctx.common(section), "Table": f.text(table.title),
              "KeyHeader": rich_to_html(table.header[0]) if table.header else "",
              "Row": rich_to_html(row.cells[0]), "Cells": f.row_cells(table, row),
              "FullTable": f.table_html(table, row, parts), "Reverse": reverse}
    return ctx.note(ROW, key, f"{table.title} / {row.key}", values, row.pos)


def _definition(ctx: _Context, d: Definition, images: list[tuple[Image, MediaFile]]) -> AnkiNote:
    section = d.section
    values = {**ctx.common(section if section != d.term else None), "Term": f.text(d.term),
              "Definition": rich_to_html(d.text),
              "Images": f.images_html(images)}
    # The same term may be defined in two sections (Compose "Service", Swarm "Service").
    label = f"{section} / {d.term}" if section and section != d.term else d.term
    return ctx.note(DEFINITION, d.key, label, values, d.pos, tuple(m for _, m in images))


def _timeline(ctx: _Context, index: int) -> AnkiNote:
    events = ctx.objective.timeline
    ev = events[index]
    same = tuple(e for e in events if e.timeline == ev.timeline)
    values = {**ctx.common(), "Timeline": f.text(ev.timeline or "Timeline"),
              "Events": f.text(", ".join(ev.events)), "Period": f.text(ev.period),
              "FullTimeline": f.timeline_html(same, ev)}
    return ctx.note(TIMELINE, ev.key, f"{ev.timeline or 'timeline'} / {ev.period}", values, ev.pos)


def _images_by_definition(o: Objective, root: Path) -> dict[int | None, list[tuple[Image, MediaFile]]]:
    """Each existing image goes to the first definition of its section, else to the overview."""
    first_def: dict[str | None, int] = {}
    for i, d in enumerate(o.definitions, 1):
        first_def.setdefault(_section_key(o, d.pos), i)
    placed: dict[int | None, list[tuple[Image, MediaFile]]] = {}
    for image in o.images:
        media = media_for(image, root)
        if media is not None:
            placed.setdefault(first_def.get(_section_key(o, image.pos)), []).append((image, media))
    return placed


def _section_key(o: Objective, pos: SourcePos) -> str | None:
    before = [s for s in o.sections if s.pos.path == pos.path and s.pos <= pos]
    return str(max(before, key=lambda s: s.pos).pos) if before else None
