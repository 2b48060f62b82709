"""The guide's notes as the progress report needs them: identity, objective, and the fact from the model."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Union

from builder.anki.context import AnkiNote
from builder.anki.notes import guide_notes
from builder.html import rich_to_html
from builder.model import (CitedObject, CodeSample, CommandGroup, Definition, Guide, Objective, Prose, SourcePos,
                           Table, TableRow, TimelineEvent)

_CLOZE = re.compile(r"\{\{c(\d+)::")


@dataclass(frozen=True, slots=True)
class Fact:
    """What the guide says that a note asks, taken from the model (never from the card's HTML)."""

    kind: str  # "command", "row", "definition", "timeline", "cited", "prose", "sample", "objective"
    heading: str  # the section, table title or timeline title it sits under ("" when none)
    term: str  # the defined term, the cited object's name, the period; "" when none
    text_html: str  # the purpose, definition or prose as HTML made from the model's rich text
    lines: tuple[str, ...] = ()  # command lines, or a sample's lines
    columns: tuple[tuple[str, str], ...] = ()  # a table row: (column name HTML, cell HTML)
    pos: str = ""  # where the guide says it: path:line:col


@dataclass(frozen=True, slots=True)
class ObjectiveInfo:
    """An objective as the report names it."""

    id: str
    title: str
    weight: int | None
    topic: str


@dataclass(frozen=True, slots=True)
class GuideNote:
    """One note the guide makes: its GUID, objective, card count and fact."""

    guid: str
    objective: str
    kind: str
    identity: str
    cards: int  # the cards Anki makes of it: one per template, or one per cloze number
    fact: Fact


@dataclass(frozen=True, slots=True)
class GuideNotes:
    """Every note of a guide, by GUID, and its objectives in guide order."""

    exam: str
    objectives: tuple[ObjectiveInfo, ...]
    notes: dict[str, GuideNote]


def read_guide_notes(guide: Guide) -> GuideNotes:
    """The notes a build of `guide` makes, each with the model node it was made from."""
    made = guide_notes(guide, Path(guide.root).resolve())
    by_id = {o.id: o for t in guide.topics for o in t.objectives}
    indexes = {oid: _index(o) for oid, o in by_id.items()}
    notes = {n.guid: GuideNote(n.guid, n.objective, n.kind, n.identity, card_count(n),
                               fact_for(n, by_id[n.objective], indexes[n.objective])) for n in made}
    objectives = tuple(ObjectiveInfo(o.id, o.title, o.weight, t.number) for t in guide.topics for o in t.objectives)
    return GuideNotes(guide.exam, objectives, notes)


def card_count(note: AnkiNote) -> int:
    """Cards Anki makes of a note: one per cloze number, else one per template."""
    nt = note.note_type
    if not nt.cloze:
        return len(nt.templates)
    text = " ".join(note.fields)
    return max(1, len(set(_CLOZE.findall(text))))


# A model node a note is made from (a table row with its table).
Node = Union[CommandGroup, Definition, tuple[Table, TableRow], TimelineEvent, CitedObject, Prose, CodeSample]


def _index(o: Objective) -> dict[tuple[str, int, int], Node]:
    """Model nodes of one objective by source position; the first claim of a position wins."""
    index: dict[tuple[str, int, int], Node] = {}

    def put(pos: SourcePos, node: Node) -> None:
        index.setdefault((pos.path, pos.line, pos.col), node)

    for group in o.command_groups:
        put(group.pos, group)
        for line in group.lines:
            put(line.pos, group)
    for d in o.definitions:
        put(d.pos, d)
    for t in o.tables:
        for row in t.rows:
            put(row.pos, (t, row))
    for node in (*o.timeline, *o.cited_objects, *o.prose, *o.samples):
        put(node.pos, node)
    return index


def fact_for(note: AnkiNote, o: Objective, index: dict[tuple[str, int, int], Node]) -> Fact:
    """The model node a note was made from, as a Fact; the objective itself when none matches."""
    p = note.pos
    node = index.get((p.path, p.line, p.col))
    where = str(p)
    if isinstance(node, CommandGroup):
        purposes = " · ".join(x for x in (node.purpose, *node.also) if x)
        return Fact("command", node.section or "", "", _escape(purposes), tuple(ln.text for ln in node.lines),
                    pos=where)
    if isinstance(node, Definition):
        return Fact("definition", node.section or "", node.term, rich_to_html(node.text), pos=where)
    if isinstance(node, tuple):
        table, row = node
        columns = tuple(zip((rich_to_html(h) for h in table.header), (rich_to_html(c) for c in row.cells)))
        return Fact("row", table.title, "", "", columns=columns, pos=where)
    if isinstance(node, TimelineEvent):
        return Fact("timeline", node.timeline or "", node.period, _escape(", ".join(node.events)), pos=where)
    if isinstance(node, CitedObject):
        return _cited_fact(o, node, where)
    if isinstance(node, Prose):
        return Fact("prose", node.section or "", "", rich_to_html(node.text), pos=where)
    if isinstance(node, CodeSample):
        return Fact("sample", node.section or "", node.caption or "", "", tuple(node.text.splitlines()), pos=where)
    return _objective_fact(o, where)


def _cited_fact(o: Objective, c: CitedObject, where: str) -> Fact:
    """A cited object with its annotation and the first command group of the objective that uses
    it (its purpose and lines), as the objective's sheet links them."""
    rx = c.mention_regex()
    group = next((g for g in o.command_groups if any(rx.search(ln.normalized) for ln in g.lines)), None)
    said = [_escape(x) for x in (c.note, group.purpose if group else None) if x]
    return Fact("cited", f"cited {c.kind.value}", c.name, " · ".join(said),
                tuple(ln.text for ln in group.lines) if group else (), pos=where)


def _objective_fact(o: Objective, where: str) -> Fact:
    """An overview note (the weight) or a key knowledge area's fact: the objective's own words."""
    areas = "".join(f"<li>{rich_to_html(k)}</li>" for k in o.key_knowledge_areas)
    text = rich_to_html(o.description) + (f"<ul>{areas}</ul>" if areas else "")
    weight = f" (weight {o.weight})" if o.weight is not None else ""
    return Fact("objective", f"{o.id} {o.title}{weight}", "", text, pos=where)


def _escape(text: str) -> str:
    return escape(text, quote=False)
