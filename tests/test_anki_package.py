"""The sqlite inside a built .apkg: the ledger's ids and mods on every row, and a deck-only build's imports."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from builder.anki.counts import card_counts
from builder.anki.notes import deck_name
from builder.anki.package import deck_id
from builder.config import BuildConfig
from builder.pipeline import build, check

GUIDE = Path(__file__).parent / "fixtures" / "anki" / "guide"
APKG = "lpic-3-305.apkg"
T0 = 1_780_000_000


def _build(tmp_path: Path, epoch: int, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, dict]:  # type: ignore[type-arg]
    """Build the guide copied into tmp_path at build time `epoch`; the package and the ledger."""
    src = tmp_path / "guide"
    if not src.exists():
        shutil.copytree(GUIDE, src)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    build([str(src)], BuildConfig(output=tmp_path / f"dist-{epoch}", formats=("anki",)))
    ledger = json.loads((src / "cheatdeck.lock").read_text(encoding="utf-8"))
    return tmp_path / f"dist-{epoch}" / "anki" / APKG, ledger


def _collection(apkg: Path, tmp_path: Path) -> sqlite3.Connection:
    with zipfile.ZipFile(apkg) as zf:
        (tmp_path / "c.anki2").write_bytes(zf.read("collection.anki2"))
    return sqlite3.connect(tmp_path / "c.anki2")


def test_rows_carry_the_ledgers_ids_and_mods(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "guide"
    _build(tmp_path, T0, monkeypatch)
    # An edit and a later build: the edited note gets a newer mod, the others keep theirs.
    path = src / "352-containers.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "new PID namespace with its own /proc", "new PID namespace that mounts its own /proc"),
        encoding="utf-8")
    apkg, ledger = _build(tmp_path, T0 + 500, monkeypatch)
    db = _collection(apkg, tmp_path)
    notes = db.execute("SELECT id, guid, mod FROM notes").fetchall()
    assert {guid for _, guid, _ in notes} == set(ledger["notes"])
    for nid, guid, mod in notes:
        assert (nid, mod) == (ledger["notes"][guid]["id"], ledger["notes"][guid]["mod"]), guid
    assert sorted({mod for _, _, mod in notes}) == [T0, T0 + 500]
    mods = {nid: mod for nid, _, mod in notes}
    cards = db.execute("SELECT id, nid, ord, mod, did, due FROM cards").fetchall()
    assert all(cid == nid + ord_ and mod == mods[nid] for cid, nid, ord_, mod, _, _ in cards)
    guide = check([str(src)]).guide
    assert len(cards) == sum(sum(card_counts(o).values()) for o in guide.objectives)
    decks = {deck_id(deck_name(guide, t, o)) for t in guide.topics for o in t.objectives}
    assert {did for *_, did, _ in cards} == decks
    assert sorted({due for *_, due in cards}) == list(range(len(notes)))  # study order, per note
    (models,) = db.execute("SELECT models FROM col").fetchone()
    assert {m["id"]: m["mod"] for m in json.loads(models).values()} == \
        {k: v["mod"] for k, v in ledger["note_types"].items()}
    db.close()


def test_a_deck_only_build_never_imports_weasyprint(tmp_path: Path) -> None:
    """`cheatdeck build -f anki` neither waits for nor depends on WeasyPrint's native libraries."""
    shutil.copytree(GUIDE, tmp_path / "guide")
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "builder", "build", "-f", "anki",
         str(tmp_path / "guide"), "-o", str(tmp_path / "dist"), "--ledger", str(tmp_path / "x.lock")],
        capture_output=True, text=True, env={**os.environ, "SOURCE_DATE_EPOCH": str(T0)})
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "dist" / "anki" / APKG).is_file()
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines()
                if line.startswith("import time:")}
    assert "genanki" in imported  # the probe sees the deck writer's own imports
    assert not {m for m in imported if m.split(".")[0] == "weasyprint"}
