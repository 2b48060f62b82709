"""Exam notes to a reproducible .apkg with genanki, including a cloze note type.

builder/anki/package.py packages the guide's notes but builds every genanki model as a
standard (front/back) type; a cloze note type needs `model_type=CLOZE`, so exam decks are
packaged here with the same rules: fixed ids and mods from the ledger, fixed zip entry times.
"""

from __future__ import annotations

import io
import itertools
import json
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import genanki

from builder.anki.notes import AnkiNote
from builder.anki.notetypes import NoteTypeText
from builder.anki.package import deck_id
from builder.output import atomic_write

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold: never the build time
# Ledger note ids are `seconds * 1000` (so 0 or 8 modulo 16) plus steps of 16, and a guide
# card id is its note id plus 0 or 1; exam ids sit 4 above, so the guide's and the exam's note
# and card ids never collide in one collection.
ID_OFFSET = 4


@dataclass(frozen=True, slots=True)
class ExamPackage:
    """One exam deck with the mods and ids the ledger decided."""

    notes: tuple[AnkiNote, ...]
    note_types: tuple[NoteTypeText, ...]
    cloze_types: frozenset[int]
    decks: tuple[tuple[str, str], ...]  # (deck name, description), parents first
    note_mods: dict[str, int]
    note_ids: dict[str, int]
    type_mods: dict[int, int]
    timestamp: int


def _model(text: NoteTypeText, cloze: bool) -> genanki.Model:
    nt = text.note_type
    fields = [{"name": name, "id": fid} for name, fid in nt.fields]
    templates = [{"name": t.name, "id": t.id, "qfmt": front, "afmt": back}
                 for t, (front, back) in zip(nt.templates, text.templates)]
    return genanki.Model(nt.id, nt.name, fields=fields, templates=templates, css=text.css,
                         model_type=genanki.Model.CLOZE if cloze else genanki.Model.FRONT_BACK,
                         sort_field_index=0)


def _decks(plan: ExamPackage) -> list[genanki.Deck]:
    models = {t.note_type.id: _model(t, t.note_type.id in plan.cloze_types) for t in plan.note_types}
    decks = {name: genanki.Deck(deck_id(name), name, description=desc) for name, desc in plan.decks}
    for due, note in enumerate(plan.notes):
        decks[note.deck].add_note(genanki.Note(model=models[note.note_type.id], fields=list(note.fields),
                                               tags=list(note.tags), guid=note.guid, due=due))
    for _, model in sorted(models.items()):
        next(iter(decks.values())).add_model(model)
    return list(decks.values())


def _stamp_db(db: sqlite3.Connection, plan: ExamPackage) -> None:
    """Each note's own mod and ledger id instead of genanki's one timestamp."""
    db.execute("UPDATE notes SET id = -id")
    db.execute("UPDATE cards SET id = -id, nid = -nid")
    for note in plan.notes:
        (old,) = db.execute("SELECT id FROM notes WHERE guid = ?", (note.guid,)).fetchone()
        nid, mod = plan.note_ids[note.guid] + ID_OFFSET, plan.note_mods[note.guid]
        db.execute("UPDATE notes SET id = ?, mod = ? WHERE id = ?", (nid, mod, old))
        db.execute("UPDATE cards SET nid = ?, id = ? + ord, mod = ? WHERE nid = ?", (nid, nid, mod, old))
    (models_json,) = db.execute("SELECT models FROM col").fetchone()
    models = json.loads(models_json)
    for model in models.values():
        model["mod"] = plan.type_mods[int(model["id"])]
    db.execute("UPDATE col SET models = ?", (json.dumps(models, sort_keys=True),))


def collection_bytes(plan: ExamPackage) -> bytes:
    with tempfile.TemporaryDirectory(prefix="cheatdeck-exam-") as tmp:
        path = Path(tmp) / "collection.anki2"
        db = sqlite3.connect(path)
        id_gen = itertools.count(plan.timestamp * 1000)
        genanki.Package(_decks(plan)).write_to_db(db.cursor(), plan.timestamp, id_gen)
        _stamp_db(db, plan)
        db.commit()
        db.execute("VACUUM")  # bytes that depend only on the content
        db.close()
        return path.read_bytes()


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = 0o644 << 16
    return info


def write_exam_package(path: Path, plan: ExamPackage) -> Path:
    """The .apkg (a collection and an empty media map), written atomically."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr(_entry("collection.anki2"), collection_bytes(plan))
        zf.writestr(_entry("media"), "{}")
    return atomic_write(path, buffer.getvalue())
