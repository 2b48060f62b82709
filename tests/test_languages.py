"""Guides in other languages: vocabularies as data, the language of a file, one guide per language."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from builder.config import BuildConfig
from builder.pipeline import build, check
from builder.reader.vocabulary import VOCABULARIES, language_from_labels, language_from_path, matcher

HERE = Path(__file__).resolve().parent
LANG = HERE / "fixtures" / "lang"


def shape(guide):  # type: ignore[no-untyped-def]
    """What must not depend on the language a guide is written in."""
    return [(o.id, o.weight, len(o.key_knowledge_areas), bool(o.description),
             [c.name for c in o.cited_objects],
             [[line.text for line in g.lines] for g in o.command_groups],
             [g.important for g in o.command_groups],
             [[c.plain for c in r.cells[:1]] for t in o.tables for r in t.rows],
             [d.term for d in o.definitions]) for o in guide.objectives]


def test_portuguese_guide_reads_to_the_shape_of_its_english_twin() -> None:
    en = check([str(LANG / "guide.md")]).guide
    pt = check([str(LANG / "guide_pt.md")])
    assert (en.lang, pt.guide.lang) == ("en", "pt-BR")
    assert shape(pt.guide) == shape(en)
    assert [d for d in pt.diagnostics if d.severity.value != "info"] == []
    assert pt.guide.topics[0].title == "Virtualização de Contêineres"
    assert pt.guide.objectives[0].key_knowledge_areas[0].plain == "Entender o conceito de namespaces"


@pytest.mark.parametrize("path, lang", [
    ("README_pt.md", "pt-BR"), ("guide.pt-BR.md", "pt-BR"), ("docs/pt/guide.md", "pt-BR"),
    ("README-pt_BR.md", "pt-BR"), ("README.md", None), ("setup.md", None), ("README_en.md", "en")])
def test_language_from_the_file_name(path: str, lang: str | None) -> None:
    assert language_from_path(path) == lang


def test_language_from_the_labels_when_the_name_says_nothing(tmp_path: Path) -> None:
    neutral = tmp_path / "notes.md"
    shutil.copy(LANG / "guide_pt.md", neutral)
    assert check([str(neutral)]).guide.lang == "pt-BR"
    assert language_from_labels(["**Weight:** 3", "**Peso:** 2"]) == "en"  # a tie is English


@pytest.mark.parametrize("label, name", [
    ("Peso: 3", "weight"), ("PESO:", "weight"), ("Descricao: x", "description"),
    ("Descrição: x", "description"), ("Principais áreas de conhecimento:", "kka"),
    ("Key Knowledge Areas:", "kka"), ("Tamanho: 3", None)])
def test_labels_match_without_case_or_accents(label: str, name: str | None) -> None:
    assert matcher("pt-BR").match_label(label) == name


def test_every_vocabulary_names_every_part() -> None:
    for v in VOCABULARIES.values():
        for part in ("topic", "weight", "description", "key_knowledge_areas", "cited_objects",
                     "important_commands", "notes", "examples"):
            assert getattr(v, part), f"{v.lang} has no words for {part}"


def repository(tmp_path: Path) -> Path:
    """A guide's repository as the public ones are: README.md and its translation README_pt.md."""
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy(LANG / "guide.md", repo / "README.md")
    shutil.copy(LANG / "guide_pt.md", repo / "README_pt.md")
    return repo


def test_a_repository_with_a_translation_checks_both_guides(tmp_path: Path) -> None:
    result = check([str(repository(tmp_path))])
    assert result.guide.lang == "en" and [t.guide.lang for t in result.translations] == ["pt-BR"]
    assert not [d for d in result.diagnostics if d.rule in ("duplicate-objective", "other-language")]
    assert shape(result.translations[0].guide) == shape(result.guide)
    assert {s.path.rsplit("/", 1)[-1] for s in result.translations[0].guide.sources} >= {"README_pt.md"}


def test_a_named_guide_is_built_with_the_translations_beside_it(tmp_path: Path) -> None:
    repo = repository(tmp_path)
    (repo / "README-notes.md").write_text("# Notes\n\nNot a translation.\n")
    result = check([str(repo / "README.md")])
    assert result.guide.lang == "en" and [t.guide.lang for t in result.translations] == ["pt-BR"]
    assert not any(o.pos.path.endswith("README_pt.md") for o in result.guide.objectives)
    assert check([str(repo / "README_pt.md")]).guide.lang == "pt-BR"  # a translation named alone


def test_a_repository_with_a_translation_builds_one_deck_per_language(tmp_path: Path) -> None:
    """Both guides' decks, sheets and notes side by side; each language its own ledger, GUIDs and decks."""
    from anki_helpers import collection

    repo = repository(tmp_path)
    out = tmp_path / "dist"
    result = build([str(repo)], BuildConfig(output=out, formats=("json", "anki", "sheets"),
                                            options={"jobs": 2}))
    written = {a.path.relative_to(out).as_posix() for a in result.artifacts}
    assert {"anki/lpic-3-305.apkg", "anki/lpic-3-305.pt-BR.apkg", "anki/lpic-3-305-352.pt-BR.apkg",
            "anki/removed.pt-BR.txt", "notes.json", "notes.pt-BR.json"} <= written
    assert any(p.startswith("sheets/pt-BR/352.1-") and p.endswith(".pdf") for p in written)
    assert any(p.startswith("sheets/352.1-") and p.endswith(".pdf") for p in written)
    assert (repo / "cheatdeck.lock").is_file() and (repo / "cheatdeck.pt-BR.lock").is_file()
    assert json.loads((out / "notes.pt-BR.json").read_text())["lang"] == "pt-BR"
    with collection(tmp_path / "col", out / "anki" / "lpic-3-305.apkg",
                    out / "anki" / "lpic-3-305.pt-BR.apkg") as col:
        notes = [col.get_note(n) for n in col.find_notes("")]
        assert len({n.guid for n in notes}) == len(notes) > 0
        english = col.find_notes('"deck:LPIC-3 305" -"deck:LPIC-3 305 (pt-BR)*"')
        assert len(col.find_notes('"deck:LPIC-3 305 (pt-BR)"')) == len(english) > 0
    again = build([str(repo)], BuildConfig(output=out, formats=("json", "anki"), options={"jobs": 2}))
    assert {a.path for a in again.artifacts} <= {a.path for a in result.artifacts}


def test_a_configured_language_builds_that_language_only(tmp_path: Path) -> None:
    repo = repository(tmp_path)
    (repo / "cheatdeck.toml").write_text('language = "en"\n')
    result = check([str(repo)])
    assert not result.translations
    assert [d.pos.path.endswith("README_pt.md") for d in result.diagnostics if d.rule == "other-language"] == [True]


def test_english_and_portuguese_decks_live_in_one_collection(tmp_path: Path) -> None:
    from anki_helpers import collection

    outs = []
    for name in ("guide.md", "guide_pt.md"):
        out = tmp_path / name
        build([str(LANG / name)], BuildConfig(output=out, formats=("anki",),
                                              options={"ledger": str(tmp_path / f"{name}.lock")}))
        outs.append(next(p for p in (out / "anki").glob("*.apkg")
                         if not p.stem.endswith("352") and ".pt-BR" not in p.name))
    assert [p.name for p in outs] == ["lpic-3-305.apkg", "lpic-3-305-pt-br.apkg"]
    with collection(tmp_path / "col", *outs) as col:
        notes = [col.get_note(n) for n in col.find_notes("")]
        guids = [n.guid for n in notes]
        assert len(guids) == len(set(guids)) > 0  # no GUID shared between the two languages
        decks = {d.name.split("::")[0] for d in col.decks.all_names_and_ids()}
        assert {"LPIC-3 305", "LPIC-3 305 (pt-BR)"} <= decks
        assert len(col.find_notes('"deck:LPIC-3 305 (pt-BR)"')) == len(col.find_notes('"deck:LPIC-3 305" -"deck:LPIC-3 305 (pt-BR)*"'))


def test_notes_json_records_the_language(tmp_path: Path) -> None:
    build([str(LANG / "guide_pt.md")], BuildConfig(output=tmp_path, formats=("json",)))
    data = json.loads((tmp_path / "notes.json").read_text())
    assert data["lang"] == "pt-BR" and data["namespace"] == "cheatdeck-pt-BR"


def test_an_unsupported_language_in_the_project_file_lists_the_supported_ones(tmp_path: Path) -> None:
    shutil.copy(LANG / "guide.md", tmp_path / "guide.md")
    (tmp_path / "cheatdeck.toml").write_text('[languages]\n"guide.md" = "nl"\n')
    done = subprocess.run([sys.executable, "-m", "builder", "check", str(tmp_path)], capture_output=True,
                          text=True, cwd=HERE.parent)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "'nl' is not a supported language (choose from en, pt-BR, es, de, fr, it)" in done.stderr


def test_the_project_file_sets_a_files_language(tmp_path: Path) -> None:
    shutil.copy(LANG / "guide_pt.md", tmp_path / "guia.md")
    (tmp_path / "cheatdeck.toml").write_text('[languages]\n"guia.md" = "pt-BR"\n')
    assert check([str(tmp_path)]).guide.lang == "pt-BR"
    (tmp_path / "cheatdeck.toml").write_text('language = "en"\n')
    result = check([str(tmp_path)])
    assert result.guide.lang == "en" and [d.rule for d in result.diagnostics] == ["other-language"]
