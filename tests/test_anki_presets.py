"""The deck's description tells the learner, in Anki's own words, to tick the import option
that brings the preset burying siblings; importing again with it ticked applies the preset."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from anki_helpers import (ImportAnkiPackageOptions, ImportAnkiPackageRequest, T0, collection,
                          import_deck, open_collection, source_date_epoch)
from builder.anki.package import PRESET_NAME
from builder.config import BuildConfig
from builder.pipeline import build

HERE = Path(__file__).resolve().parent
GUIDE = HERE / "fixtures" / "anki" / "guide"
LANG = HERE / "fixtures" / "lang"
pytestmark = pytest.mark.slow


def _package(src: Path, out: Path) -> Path:
    with source_date_epoch(T0):
        build([str(src)], BuildConfig(output=out, formats=("anki",),
                                      options={"ledger": str(out / "cheatdeck.lock")}))
    return max((out / "anki").glob("*.apkg"), key=lambda p: p.stat().st_size)


def _label(lang: str) -> str:
    """The import page's label of the option, from Anki's own translations."""
    import anki.lang
    from anki.collection import Collection
    anki.lang.set_lang(lang)
    try:
        col = Collection(str(Path(tempfile.mkdtemp()) / "collection.anki2"))
        try:
            return col.tr.importing_with_deck_configs()
        finally:
            col.close()
    finally:
        anki.lang.set_lang("en")


@pytest.mark.parametrize("guide,lang", [(GUIDE, "en"), (LANG / "guide_pt.md", "pt_BR")])
def test_every_deck_description_names_the_import_option(tmp_path: Path, guide: Path, lang: str) -> None:
    src = shutil.copytree(guide, tmp_path / "g") if guide.is_dir() else guide
    apkg = _package(Path(src), tmp_path / "dist")
    label = _label(lang)
    assert label in ("Import any deck presets", "Importar qualquer configuração de baralho")
    with collection(tmp_path / "col", apkg) as col:
        decks = [d for d in col.decks.all() if d["name"] != "Default"]
        assert decks and all(f"“{label}”" in d["desc"] for d in decks), decks[0]["desc"]


def test_importing_again_with_the_option_ticked_applies_the_preset(tmp_path: Path) -> None:
    apkg = _package(Path(shutil.copytree(GUIDE, tmp_path / "g")), tmp_path / "dist")
    col = open_collection(tmp_path / "col")
    try:
        import_deck(col, apkg)  # Anki's defaults: the package's preset is left out

        def presets() -> set[str]:
            return {col.decks.config_dict_for_deck_id(d["id"])["name"]
                    for d in col.decks.all() if d["name"] != "Default"}

        assert presets() == {"Default"}
        options = ImportAnkiPackageOptions(with_deck_configs=True)
        log = col.import_anki_package(ImportAnkiPackageRequest(package_path=str(apkg), options=options)).log
        assert presets() == {PRESET_NAME}
        assert not log.new and col.note_count() == len(log.duplicate)  # nothing is duplicated
    finally:
        col.close()
