"""Our batch writer leaves the rows genanki itself writes: a genanki whose layout changed fails here.

builder/anki/package.py writes notes and cards in batches instead of through genanki's Note and
Card objects, and rewrites the collection row itself; both copy genanki's internals, which is why
pyproject.toml pins genanki. This test writes one note both ways with the installed genanki and
compares every table column by column.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from pathlib import Path

import genanki
import pytest

from builder.anki import notetypes
from builder.anki.notes import AnkiNote
from builder.anki.notetypes import NoteType, load_text
from builder.anki.package import PRESET_ID, PackagePlan, _model, collection_bytes, deck_id
from builder.model import SourcePos

T = 1_780_000_000
NID = 1_700_000_000_000
DECK = ("LPIC-3::352 Containers", "Topic 352")
NOTE_TYPES = sorted((v for v in vars(notetypes).values() if isinstance(v, NoteType)), key=lambda n: n.id)


def _rows(db: sqlite3.Connection, table: str) -> list[dict[str, object]]:
    columns = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
    return [dict(zip(columns, row)) for row in db.execute(f"SELECT * FROM {table} ORDER BY 1")]


def _ours(tmp_path: Path, note: AnkiNote, text: notetypes.NoteTypeText) -> sqlite3.Connection:
    plan = PackagePlan((note,), (text,), (DECK,), {note.guid: T}, {note.guid: NID},
                       {note.note_type.id: T}, T)
    (tmp_path / "ours.anki2").write_bytes(collection_bytes(plan))
    return sqlite3.connect(tmp_path / "ours.anki2")


def _genankis(tmp_path: Path, note: AnkiNote, text: notetypes.NoteTypeText) -> sqlite3.Connection:
    deck = genanki.Deck(deck_id(DECK[0]), DECK[0], description=DECK[1])
    deck.add_note(genanki.Note(model=_model(text), fields=list(note.fields), guid=note.guid,
                               tags=list(note.tags)))
    db = sqlite3.connect(tmp_path / "genanki.anki2")
    genanki.Package(deck).write_to_db(db.cursor(), T, itertools.count(NID))
    db.commit()
    return db


@pytest.mark.parametrize("note_type", NOTE_TYPES, ids=[n.kind for n in NOTE_TYPES])
def test_batch_rows_equal_genankis_column_by_column(tmp_path: Path, note_type: NoteType):
    text = load_text(note_type)
    fields = tuple(f"<b>{name}</b> of a {{{{c1::sample}}}} note" for name in note_type.field_names)
    note = AnkiNote(note_type, "g:Ab1+/x", "352.1/kind/key", "352.1", DECK[0], fields,
                    ("352.1", "cheatdeck::command"), SourcePos("guide.md", 1))
    ours, theirs = _ours(tmp_path, note, text), _genankis(tmp_path, note, text)

    for table in ("notes", "cards", "col", "revlog", "graves"):
        assert [r[1:3] for r in ours.execute(f"PRAGMA table_info({table})")] == \
            [r[1:3] for r in theirs.execute(f"PRAGMA table_info({table})")], \
            f"genanki {genanki.__version__} changed the {table} table: update builder/anki/package.py"

    assert _rows(ours, "notes") == _rows(theirs, "notes"), \
        f"genanki {genanki.__version__} writes notes differently: update builder/anki/package.py"

    # Card ids are ours by design (note id + ord, stable across builds); genanki counts on from
    # the note id. Every other column must be genanki's.
    our_cards, their_cards = _rows(ours, "cards"), _rows(theirs, "cards")
    assert [c["id"] for c in our_cards] == [NID + c["ord"] for c in our_cards]
    assert len(our_cards) == len(their_cards) >= 1
    for mine, theirs_card in zip(our_cards, their_cards):
        for column in mine.keys() - {"id"}:
            assert mine[column] == theirs_card[column], \
                f"cards.{column}: genanki {genanki.__version__} writes {theirs_card[column]!r}"

    # The collection row is genanki's but for one addition of ours: a deck options preset that
    # buries siblings (in dconf), which our decks name as their `conf`.
    [our_col], [their_col] = _rows(ours, "col"), _rows(theirs, "col")
    for column in our_col:
        mine, expected = our_col[column], their_col[column]
        if column in ("decks", "models", "dconf"):
            mine, expected = json.loads(str(mine)), json.loads(str(expected))
        if column == "decks":
            assert {d.pop("conf") for d in mine.values() if d["id"] != 1} == {PRESET_ID}
            for d in expected.values():
                d.pop("conf", None)
            for d in mine.values():
                d.pop("conf", None)
        if column == "dconf":
            assert mine.pop(str(PRESET_ID))["name"].startswith("cheatdeck")
        assert mine == expected, f"col.{column}: genanki {genanki.__version__} writes it differently"

