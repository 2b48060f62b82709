"""What every Anki note shares: identity (GUID), deck, tags, the Sort field and sanitized fields."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from builder import __version__
from builder.anki import fields as f
from builder.anki.media import MediaFile
from builder.anki.notetypes import NOTE_TYPES, TOOL_NAME, NoteType, localized
from builder.anki.sanitize import clean_html
from builder.diagnostics import BuildError
from builder.i18n import _, override
from builder.model import Guide, Objective, SourcePos, Topic


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
        """A hash of everything an import would write into the note: its type id, then each field,
        a record separator and each tag, each after a unit separator (hashed in one piece)."""
        text = "".join((str(self.note_type.id), "\x1f", "\x1f".join(self.fields + ("\x1e",) + self.tags)))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def guid_for(namespace: str, objective_id: str, kind: str, key: str) -> str:
    """The note GUID: a hash of what the note is, never of what it says."""
    raw = "\x1f".join((namespace, objective_id, kind, key)).encode("utf-8")
    return hashlib.sha256(raw).hexdigest()[:20]


def deck_name(guide: Guide, topic: Topic, o: Objective | None = None) -> str:
    parts = [guide.deck_title, f"{topic.number} {topic.title}"] + ([f"{o.id} {o.title}"] if o else [])
    # `::` separates subdecks in Anki, so a title may not contain it.
    return "::".join(" ".join(p.replace("::", ":").split()) for p in parts)


def deck_description(guide: Guide) -> str:
    """What Anki shows on the deck's screen: the exam, the versions, and the import option that
    brings the preset burying siblings (Anki leaves it unticked; nothing else tells the learner)."""
    with override(guide.lang):
        text = _("{exam} — built by {tool} {version}").format(exam=f.text(guide.exam), tool=TOOL_NAME,
                                                                 version=__version__)
        if guide.version:
            text += " · " + _("guide {version}").format(version=f.text(guide.version))
        # The option's label as Anki's import page shows it in this language.
        presets = _("The cards of one note (siblings) come on different days only with this "
                    "deck's preset, which Anki imports when “Import any deck presets” is ticked. "
                    "If this deck's options show the Default preset, import the package again "
                    "with it ticked: nothing is duplicated.")
    return clean_html(f"{text}<br>{f.text(presets)}")


def base_tags(guide: Guide, o: Objective, kind: str) -> tuple[str, ...]:
    return _tags(guide.exam, o.topic, o.id, o.weight, kind)


@lru_cache(maxsize=4096)
def _tags(exam: str, topic: str, oid: str, weight: int | None, kind: str) -> tuple[str, ...]:
    """The same few tags for every note of a kind in an objective: made once."""
    exam = "::".join(exam.split())
    tags = [f"{exam}::{topic}::{oid}", f"kind::{kind}", TOOL_NAME]
    if weight is not None:
        tags.append(f"weight::{weight}")
    return tuple(sorted("".join(t.split()) for t in tags))


@dataclass(frozen=True, slots=True)
class NoteContext:
    """What every note of one objective shares."""

    guide: Guide
    objective: Objective
    deck: str
    source_root: Path

    def note(self, nt: NoteType, key: str, identity: str, values: dict[str, str], pos: SourcePos,
             media: tuple[MediaFile, ...] = ()) -> AnkiNote:
        guid = guid_for(self.guide.namespace, self.objective.id, nt.kind, key)
        values = {**values, "Sort": f.text(self.sort(nt, key)), "Id": f.text(guid)}
        nt = localized(nt, self.guide.lang)  # the same fields, templates in the guide's language
        cleaned = tuple(f.code_words_kept(clean_html(values.get(name, ""))) for name in nt.field_names)
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
