"""What one objective's notes share with the rest of the deck: a command repeated across objectives
is one note, and fronts that read alike but answer differently name their tool.

Two cards whose fronts read the same and whose answers differ interfere: the learner cannot tell
which answer is asked (Terraform's "Provider" and Vagrant's; `list volumes` with virsh and with
docker). The note keeps its identity (GUID); only what its front shows changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from html import escape, unescape

from builder.anki.commands import CommandCard, command_cards, command_groups
from builder.anki.context import AnkiNote
from builder.anki.procedures import procedures
from builder.model import Guide, Objective


def command_notes(o: Objective) -> list[CommandCard]:
    """The objective's commands that make Command notes (a procedure's steps make a cloze)."""
    in_steps = {p.group for p in procedures(command_groups(o))}
    return [c for c in command_cards(o) if c.group not in in_steps]


def command_text(card: CommandCard) -> str:
    """What a command note shows and asks: its lines, white space folded."""
    return "\n".join(line.normalized for line in card.lines)


@dataclass(frozen=True, slots=True)
class SharedCommands:
    """Command lines asked in more than one objective: the first objective's note asks them from
    every purpose; the later objectives make no note for them."""

    owner: dict[str, str] = field(default_factory=dict)  # command text -> objective id of its note
    purposes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # text -> later purposes

    def makes_note(self, objective_id: str, card: CommandCard) -> bool:
        return self.owner.get(command_text(card), objective_id) == objective_id

    def more_purposes(self, card: CommandCard) -> tuple[str, ...]:
        return tuple(p for p in self.purposes.get(command_text(card), ()) if p not in card.group.purposes)


def shared_commands(guide: Guide) -> SharedCommands:
    """For each command line asked in several objectives: the first one, and the others' purposes."""
    owner: dict[str, str] = {}
    purposes: dict[str, tuple[str, ...]] = {}
    for o in guide.objectives:
        for card in command_notes(o):
            text = command_text(card)
            first = owner.setdefault(text, o.id)
            if first != o.id:
                new = tuple(p for p in card.group.purposes if p not in purposes.get(text, ()))
                purposes[text] = purposes.get(text, ()) + new
    return SharedCommands({t: oid for t, oid in owner.items() if t in purposes}, purposes)


# Per note type kind: the field a front asks with, and the field that holds its answer.
PROMPTS = {"definition": ("Term", "Definition"), "command": ("Purpose", "Commands")}


def tools_named(guide: Guide, notes: list[AnkiNote]) -> list[AnkiNote]:
    """The notes, where two fronts of the deck read alike but answer differently, with their
    tool named on the front (the objective's title when it is a tool's name, else the section)."""
    alike: dict[tuple[str, str], list[int]] = {}
    for i, note in enumerate(notes):
        if note.kind in PROMPTS:
            alike.setdefault((note.kind, plain(_field(note, PROMPTS[note.kind][0]))), []).append(i)
    out = list(notes)
    for (kind, _prompt), indexes in alike.items():
        answers = {plain(_field(notes[i], PROMPTS[kind][1])) for i in indexes}
        if len(answers) < 2:
            continue
        for i, label in zip(indexes, _labels(guide, [notes[i] for i in indexes])):
            out[i] = _with_tool(notes[i], PROMPTS[kind][0], label)
    return out


def _labels(guide: Guide, notes: list[AnkiNote]) -> list[str]:
    """The first way of naming that tells every two notes with different answers apart."""
    def short_title(n: AnkiNote) -> str:
        title = guide.objective(n.objective).title  # type: ignore[union-attr]
        return title if len(title.split()) <= 2 else ""

    def section(n: AnkiNote) -> str:
        return plain(_field(n, "Section"))

    ways = (lambda n: short_title(n) or section(n), section,
            lambda n: guide.objective(n.objective).title,  # type: ignore[union-attr]
            lambda n: " › ".join(filter(None, (guide.objective(n.objective).title,  # type: ignore[union-attr]
                                               section(n)))))
    answer = {id(n): plain(_field(n, PROMPTS[n.kind][1])) for n in notes}
    for way in ways:
        labels = [way(n) for n in notes]
        told = {(answer[id(n)], label) for n, label in zip(notes, labels)}
        if all(labels) and len({label for _, label in told}) == len(told):
            return labels
    return [f"{n.objective} {section(n)}".strip() for n in notes]


def _field(note: AnkiNote, name: str) -> str:
    return note.fields[note.note_type.field_names.index(name)]


def _with_tool(note: AnkiNote, name: str, label: str) -> AnkiNote:
    """The prompt with `(label)` after its term or first purpose, before any cue or question word."""
    index = note.note_type.field_names.index(name)
    html = note.fields[index]
    cut = min((at for at in (html.find('<span class="what">'), html.find("<div"), html.find("<br"))
               if at >= 0), default=len(html))
    rest = html[cut:]
    shown = (html[:cut].rstrip() + f' <span class="tool">({escape(label, quote=False)})</span>'
             + (" " if rest.startswith("<span") else "") + rest)
    return replace(note, fields=note.fields[:index] + (shown,) + note.fields[index + 1:])


def plain(html: str) -> str:
    """A field's visible text, white space folded (what two fronts are compared by)."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
