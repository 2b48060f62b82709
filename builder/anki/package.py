"""The one place genanki is used: notes to a reproducible .apkg (fixed ids, mods and zip entries)."""

from __future__ import annotations

import functools
import hashlib
import io
import itertools
import json
import shutil
import sqlite3
import sys
import tempfile
import types
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from builder.anki.media import MediaFile
from builder.anki.notes import AnkiNote
from builder.anki.notetypes import NoteTypeText
from builder.output import atomic_file


def _import_genanki() -> types.ModuleType:
    """genanki, without the asyncio import of its `cached_property` dependency.

    genanki decorates two plain methods with the `cached_property` backport, which imports
    asyncio (about 50 ms, a fifth of a deck-only build's start-up) for async properties genanki
    never has. While genanki is imported, that name is the standard library's
    functools.cached_property, which caches the same way; later importers get the real module.
    """
    if "genanki" in sys.modules or "cached_property" in sys.modules:
        import genanki
        return genanki
    shim = types.ModuleType("cached_property")
    shim.cached_property = functools.cached_property  # type: ignore[attr-defined]
    sys.modules["cached_property"] = shim
    try:
        import genanki
    finally:
        del sys.modules["cached_property"]
    return genanki


genanki = _import_genanki()

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold: never the build time
# zlib level of the collection: 3 deflates it twice as fast as the default 6 and makes it about
# 14 % larger (a few % of a package with images); the collection of a large guide is tens of MB.
COLLECTION_LEVEL = 3
# The deck options preset every cheatdeck deck uses (fixed id, as Anki matches presets by id):
# siblings (a command's recall and recognize cards, a note's cloze cards) are buried, so they
# never arrive on the same day, and new cards come in the package's order.
PRESET_ID = 1_562_000_305_300
PRESET_NAME = "cheatdeck: one sibling a day"


NoteRows = dict[str, tuple[tuple[object, ...], list[tuple[object, ...]]]]  # GUID -> note row, card rows


@dataclass(frozen=True, slots=True)
class PackagePlan:
    """Everything one .apkg holds, with the mods and ids the ledger decided."""

    notes: tuple[AnkiNote, ...]
    note_types: tuple[NoteTypeText, ...]
    decks: tuple[tuple[str, str], ...]  # (deck name, description), parents before children
    note_mods: dict[str, int]  # GUID -> mod
    note_ids: dict[str, int]  # GUID -> note id
    type_mods: dict[int, int]  # note type ID -> mod
    timestamp: int  # build time, for the collection's own header fields
    rows: NoteRows | None = None  # rows made for a larger package with these notes: filtered, not made again


def deck_id(name: str) -> int:
    """A fixed deck ID per deck name (Anki matches decks by name; the ID only has to be stable)."""
    return 1 << 40 | int(hashlib.sha256(name.encode("utf-8")).hexdigest()[:10], 16)


@functools.lru_cache(maxsize=None)
def _model(text: NoteTypeText) -> genanki.Model:
    """The genanki note type, made once per process and shared by every package: genanki works
    out which fields each card needs (rendering each template once per field) the first time a
    note type is written, a quarter of a package's time."""
    nt = text.note_type
    fields = [{"name": name, "id": fid} for name, fid in nt.fields]
    templates = [{"name": t.name, "id": t.id, "qfmt": front, "afmt": back}
                 for t, (front, back) in zip(nt.templates, text.templates)]
    kind = genanki.Model.CLOZE if nt.cloze else genanki.Model.FRONT_BACK
    return genanki.Model(nt.id, nt.name, fields=fields, templates=templates, css=text.css,
                         model_type=kind, sort_field_index=0)


def _write_col(db: sqlite3.Connection, plan: PackagePlan, models: dict[int, genanki.Model]) -> None:
    """Decks and note types in the collection row, as genanki's Deck.write_to_db would leave them.

    genanki re-encodes every note type (CSS included) once per deck: with a deck per objective
    that was most of a package's time, so the same JSON is built here in one pass.
    """
    decks = {name: genanki.Deck(deck_id(name), name, description=desc) for name, desc in plan.decks}
    order = {name: i for i, name in enumerate(decks)}
    # A note type keeps the id of the last deck that writes it: the first deck writes them all
    # (every note type travels, even one without notes here), each other deck those of its notes.
    owner = dict.fromkeys(models, 0)
    for note in plan.notes:
        owner[note.note_type.id] = max(owner[note.note_type.id], order[note.deck])
    deck_list = list(decks.values())
    decks_json, models_json = db.execute("SELECT decks, models FROM col").fetchone()
    col_decks, col_models = json.loads(decks_json), json.loads(models_json)
    col_decks.update({str(d.deck_id): {**d.to_json(), "conf": PRESET_ID} for d in deck_list})
    col_models.update({str(mid): m.to_json(plan.timestamp, deck_list[owner[mid]].deck_id)
                       for mid, m in sorted(models.items())})
    for model in col_models.values():
        model["mod"] = plan.type_mods[int(model["id"])]  # the ledger's, not the build time
    dconf = json.loads(db.execute("SELECT dconf FROM col").fetchone()[0])
    dconf[str(PRESET_ID)] = _preset(dconf["1"], plan.type_mods)
    db.execute("UPDATE col SET decks = ?, models = ?, dconf = ?",
               (json.dumps(col_decks), json.dumps(col_models, sort_keys=True),
                json.dumps(dconf, sort_keys=True)))


def _preset(default: dict[str, object], type_mods: dict[int, int]) -> dict[str, object]:
    """genanki's default options with siblings buried (new, review and interday learning)."""
    preset = json.loads(json.dumps(default))
    preset.update(id=PRESET_ID, name=PRESET_NAME, mod=max(type_mods.values(), default=0),
                  buryInterdayLearning=True)
    preset["new"].update(bury=True, order=1)  # 1: new cards in the order of their `due`
    preset["rev"].update(bury=True)
    return preset


def _card_ords(model: genanki.Model, fields: tuple[str, ...],
               cache: dict[tuple[int, tuple[bool, ...]], list[int]]) -> list[int]:
    """The cards genanki would make for a note (a standard type's depend only on empty fields)."""
    if model.model_type == genanki.Model.CLOZE:
        return [card.ord for card in genanki.Note(model=model, fields=list(fields)).cards]
    key = (model.model_id, tuple(bool(v) for v in fields))
    if key not in cache:
        cache[key] = [card.ord for card in genanki.Note(model=model, fields=list(fields)).cards]
    return cache[key]


def note_rows(plan: PackagePlan, models: dict[int, genanki.Model] | None = None) -> NoteRows:
    """The rows genanki's Note.write_to_db writes, with the ledger's ids and mods, per note.

    A package of some of these notes (a topic's) takes its rows from here: the cards keep the
    whole guide's `due` order, which is the same order within any part of it.
    """
    if models is None:
        models = {t.note_type.id: _model(t) for t in plan.note_types}
    rows: NoteRows = {}
    deck_ids = {name: deck_id(name) for name, _ in plan.decks}
    ords: dict[tuple[int, tuple[bool, ...]], list[int]] = {}
    for due, note in enumerate(plan.notes):
        model = models[note.note_type.id]
        nid, mod = plan.note_ids[note.guid], plan.note_mods[note.guid]
        rows[note.guid] = (
            (nid, note.guid, model.model_id, mod, -1, " " + " ".join(note.tags) + " ",
             "\x1f".join(note.fields), note.fields[model.sort_field_index], 0, 0, ""),
            [(nid + o, nid, deck_ids[note.deck], o, mod, -1, 0, 0, due, 0, 0, 0, 0, 0, 0, 0, 0, "")
             for o in _card_ords(model, note.fields, ords)])
    return rows


def _insert_notes(db: sqlite3.Connection, plan: PackagePlan, models: dict[int, genanki.Model]) -> None:
    """The plan's note and card rows, in two batches."""
    rows = plan.rows if plan.rows is not None else note_rows(plan, models)
    mine = [rows[note.guid] for note in plan.notes]
    db.executemany("INSERT INTO notes VALUES(?,?,?,?,?,?,?,?,?,?,?)", [note for note, _ in mine])
    db.executemany("INSERT INTO cards VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   [card for _, cards in mine for card in cards])


def collection_bytes(plan: PackagePlan) -> bytes:
    """The collection.anki2 sqlite file for a plan."""
    with tempfile.TemporaryDirectory(prefix="cheatdeck-anki-") as tmp:
        return _collection_file(plan, Path(tmp)).read_bytes()


def _collection_file(plan: PackagePlan, folder: Path) -> Path:
    """The collection.anki2 sqlite file for a plan, made in `folder`."""
    models = {t.note_type.id: _model(t) for t in plan.note_types}
    path = folder / "collection.anki2"
    db = sqlite3.connect(path)
    # A scratch file: no fsyncs, and no rollback journal (kept in memory, VACUUM's would hold
    # a copy of the whole collection).
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA journal_mode = OFF")
    # genanki writes the schema and the collection row; decks, note types, notes and cards
    # go in as batches that already carry the ledger's ids and mods.
    genanki.Package([]).write_to_db(db.cursor(), plan.timestamp, itertools.count())
    _write_col(db, plan, models)
    _insert_notes(db, plan, models)
    db.commit()
    db.execute("VACUUM")  # a compact file whose bytes depend only on its content
    db.close()
    return path


def _entry(name: str, compress_type: int = zipfile.ZIP_DEFLATED,
           level: int | None = None) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = compress_type
    info._compresslevel = level  # type: ignore[attr-defined]  # 3.13 names it compress_level (alias kept)
    info.create_system = 3
    info.external_attr = 0o644 << 16
    return info


def apkg_bytes(plan: PackagePlan) -> bytes:
    """The .apkg zip in memory (see `write_package`)."""
    buffer = io.BytesIO()
    _write_apkg(buffer, plan)
    return buffer.getvalue()


def write_package(path: Path, plan: PackagePlan) -> Path:
    """Write the .apkg atomically (temp file + rename), straight to disk: a package is never held
    in memory whole (the whole exam of a large guide is tens of megabytes)."""
    with atomic_file(path) as fh:
        _write_apkg(fh, plan)
    return path


def _write_apkg(fh: BinaryIO, plan: PackagePlan) -> None:
    """The .apkg zip: fixed entry times, the collection first, media sorted by name (compressed
    formats stored as they are: the bytes read once per build are copied into every package)."""
    media = media_files(plan.notes)
    with zipfile.ZipFile(fh, "w") as zf, tempfile.TemporaryDirectory(prefix="cheatdeck-anki-") as tmp:
        # The collection is streamed from its file: a large guide's is tens of MB.
        with _collection_file(plan, Path(tmp)).open("rb") as src, \
                zf.open(_entry("collection.anki2", level=COLLECTION_LEVEL), "w") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        zf.writestr(_entry("media"), json.dumps({str(i): m.name for i, m in enumerate(media)},
                                                sort_keys=True))
        for i, item in enumerate(media):
            zf.writestr(_entry(str(i), item.compress_type), item.read())


def media_files(notes: tuple[AnkiNote, ...]) -> list[MediaFile]:
    """Each media file once, sorted by its content-hashed name."""
    return sorted({m.name: m for n in notes for m in n.media}.values(), key=lambda m: m.name)


def note_kind(tags: tuple[str, ...] | list[str]) -> str:
    """The NAME of a note's `kind::NAME` tag (`untagged` when it has none)."""
    for tag in tags:
        parts = tag.split("::")
        for i, part in enumerate(parts[:-1]):
            if part.lower() == "kind" and parts[i + 1]:
                return parts[i + 1]
    return "untagged"


def package_counts(notes: list[AnkiNote], rows: NoteRows) -> dict[str, dict[str, int]]:
    """Notes and cards per kind in one package (its rows say how many cards each note makes),
    for its artifact and the release manifest."""
    by_notes: dict[str, int] = {}
    by_cards: dict[str, int] = {}
    for n in notes:
        kind = note_kind(n.tags)
        by_notes[kind] = by_notes.get(kind, 0) + 1
        by_cards[kind] = by_cards.get(kind, 0) + len(rows[n.guid][1])
    return {"notes": by_notes, "cards": by_cards}
