"""One build context: every writer sees one build time, and writers report what they wrote."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import zipfile
from pathlib import Path

from pypdf import PdfReader

from builder.config import BuildConfig
from builder.context import BuildContext, BuildTime, fill
from builder.pipeline import build
from builder.sheets.plan import SheetOptions

FIXTURES = Path(__file__).resolve().parent / "fixtures"
RICH = FIXTURES / "sheets" / "rich" / "topic-930.md"
EPOCH = 1_750_000_000  # 2025-06-15T15:06:40Z


def deck_mods(apkg: Path, tmp: Path) -> set[int]:
    with zipfile.ZipFile(apkg) as archive:
        db = Path(archive.extract("collection.anki2", tmp))
    with sqlite3.connect(db) as connection:
        return {mod for (mod,) in connection.execute("SELECT mod FROM notes")}


def test_sheets_in_process_and_the_deck_see_one_build_time(tmp_path, monkeypatch):
    """Sheets rendered in this process (-j 1) beside the deck writer's thread: both date their
    output from the one build time, and the process environment is as it was afterwards."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    source = tmp_path / "guide"
    source.mkdir()
    (source / "topic-930.md").write_text(RICH.read_text(encoding="utf-8"), encoding="utf-8")
    before = dict(os.environ)
    result = build([str(source)], BuildConfig(output=tmp_path / "dist", formats=("anki", "sheets"),
                                              only=("930.1",), options={"jobs": 1}))
    assert dict(os.environ) == before
    decks = [a.path for a in result.artifacts if a.path.suffix == ".apkg"]
    pdfs = [a.path for a in result.artifacts if a.path.suffix == ".pdf"]
    assert decks and pdfs
    assert deck_mods(decks[0], tmp_path) == {EPOCH}
    for pdf in pdfs:
        assert PdfReader(pdf).metadata.get("/CreationDate", "").startswith("D:20250615150640")


def test_artifacts_say_what_the_files_hold(tmp_path, monkeypatch):
    """Sizes, hashes and page counts in the result are those of the files on disk."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    result = build([str(RICH)], BuildConfig(output=tmp_path / "dist", formats=("json", "anki", "sheets"),
                                            options={"jobs": 2, "ledger": str(tmp_path / "l.lock")}))
    assert result.artifacts
    for artifact in result.artifacts:
        data = artifact.path.read_bytes()
        assert (artifact.size, artifact.sha256) == (len(data), hashlib.sha256(data).hexdigest())
        if artifact.path.suffix == ".pdf":
            assert artifact.pages == len(PdfReader(artifact.path).pages)
        if artifact.path.suffix == ".apkg":
            assert artifact.notes and sum(artifact.notes.values()) > 0
            assert sum(artifact.cards.values()) >= sum(artifact.notes.values())


def test_a_second_build_reports_the_cached_artifacts_alike(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    config = BuildConfig(output=tmp_path / "dist", formats=("json", "anki"),
                         options={"ledger": str(tmp_path / "l.lock")})
    first = build([str(RICH)], config)
    said: list[str] = []
    again = build([str(RICH)], BuildConfig(output=config.output, formats=config.formats,
                                           options=config.options, progress=said.append))
    assert "anki: up to date" in said
    assert again.artifacts == first.artifacts


def test_typed_options_take_the_fields_they_name():
    options = fill(SheetOptions, {"paper": "letter", "pdf_variant": None, "ledger": "x"})
    assert options == SheetOptions(paper="letter")


def test_the_context_reads_the_epoch_it_is_given(tmp_path):
    ctx = BuildContext.create(BuildConfig(output=tmp_path), tmp_path, {},
                              environ={"SOURCE_DATE_EPOCH": "86400"})
    assert ctx.time.epoch == 86400 and ctx.time.iso == "1970-01-02T00:00:00Z"
    assert ctx.ledger == tmp_path.resolve() / "cheatdeck.lock"
    assert BuildTime(None, 5).stamp == 5
