"""cheatdeck's own words in the guide's language: the catalogues, Portuguese cards, sheets and pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from builder import i18n
from builder.anki.exam import EXAM_NOTE_TYPES
from builder.anki.notetypes import NOTE_TYPES, load_text, localized, note_types_for
from builder.config import BuildConfig
from builder.pipeline import build, check
from builder.preview import preview_html

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LANG = HERE / "fixtures" / "lang"
PLACEHOLDER = re.compile(r"\{\{?\w+\}\}?|%\(\w+\)s")
# Released note type IDs: existing learners' review history hangs on them.
RELEASED = {"overview": 2722263189903, "command": 3503486615119, "cited": 7524670883218,
            "row": 6828542951115, "definition": 3387889203002, "timeline": 6188917544115,
            "cloze": 5871302946771, "exam-choice": 4836233703801, "exam-fill-in": 1870524716252}


def extracted() -> set[str]:
    """Every message the code and templates use now, as `make i18n` extracts them (babel.cfg)."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as fp:
        method_map, options_map = parse_mapping_cfg(fp)
    found = set()
    for folder in ("builder", "templates"):
        for _, _, message, _, _ in extract_from_dir(str(ROOT / folder), method_map, options_map):
            found.add(message if isinstance(message, str) else message[0])
    return found


def catalogue(path: Path, locale: str | None = None):  # type: ignore[no-untyped-def]
    with path.open("rb") as fp:
        return read_po(fp, locale=locale)


def test_the_catalogue_template_is_current() -> None:
    """`make i18n` regenerates it: a new, changed or removed message fails here until then."""
    used = extracted()
    pot = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue(i18n.locale_dir() / "cheatdeck.pot") if m.id}
    assert used - pot == set(), "messages missing from builder/locale/cheatdeck.pot: run `make i18n`"
    assert pot - used == set(), "messages no longer used in builder/locale/cheatdeck.pot: run `make i18n`"
    assert "Which command line does this?" in used and "page {page} of {pages}" in used


@pytest.mark.parametrize("lang", [lang for lang in i18n.available() if lang != i18n.SOURCE_LANG])
def test_every_language_translates_every_message(lang: str) -> None:
    po = catalogue(i18n.po_path(lang), i18n.locale_name(lang))
    ids = {m.id if isinstance(m.id, str) else m.id[0]: m for m in po if m.id}
    assert set(ids) == extracted(), f"{i18n.po_path(lang)} is stale: run `make i18n` and translate"
    for key, m in ids.items():
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        assert all(strings) and not m.fuzzy, f"{lang}: not translated: {key!r}"
        assert len(strings) == (po.num_plurals if m.pluralizable else 1), key
        # A translation keeps every placeholder ({x}, {{Field}}, %(x)s) and adds none.
        for s in strings:
            assert sorted(PLACEHOLDER.findall(s)) == sorted(PLACEHOLDER.findall(key)), (key, s)


def test_portuguese_is_available_and_english_needs_no_catalogue() -> None:
    assert i18n.available() == ("en", "pt-BR")
    with i18n.override("pt-BR"):
        assert i18n.gettext("Which command line does this?") == "Qual linha de comando faz isso?"
        assert i18n.ngettext("question {numbers}", "questions {numbers}", 2) == "questões {numbers}"
        assert i18n.number(7.5) == "7,5"
    assert i18n.gettext("Which command line does this?") == "Which command line does this?"
    with i18n.override("de"):  # no catalogue: English
        assert i18n.gettext("Index") == "Index"


def test_english_note_types_keep_their_released_ids_and_others_get_their_own() -> None:
    english = {nt.kind: nt.id for nt in note_types_for("en", NOTE_TYPES + EXAM_NOTE_TYPES)}
    assert english == RELEASED
    portuguese = note_types_for("pt-BR", NOTE_TYPES + EXAM_NOTE_TYPES)
    assert all(nt.name.endswith(" (pt-BR)") for nt in portuguese)
    ids = [nt.id for lang in ("en", "pt-BR", "es", "de") for nt in note_types_for(lang, NOTE_TYPES + EXAM_NOTE_TYPES)]
    assert len(ids) == len(set(ids)) and all(10**12 <= i < 10**13 for i in ids)
    assert localized(NOTE_TYPES[1], "pt-BR") == localized(NOTE_TYPES[1], "pt-BR")  # stable


def test_english_card_templates_are_the_files_without_their_trans_tags() -> None:
    """The English templates (and so the ledger's note type hashes) are what was released."""
    for nt in NOTE_TYPES:
        text = load_text(nt)
        for template, (front, back) in zip(nt.templates, text.templates):
            for name, got in ((template.front, front), (template.back, back)):
                raw = (ROOT / "templates" / "anki" / name).read_text(encoding="utf-8")
                assert got == re.sub(r"\{% (end)?trans %\}", "", raw)
                assert "{%" not in got


TRANS_CASES = [
    "{{#Weight}}{% trans %}weight {{Weight}}{% endtrans %}{{/Weight}}\n",  # Anki's braces are text
    "{% trans %}\n   Which command line\n\tdoes this?\n{% endtrans %} and 100%% / 5% stay\n",
    "{% trans %}{% endtrans %}",  # the empty message id: gettext's catalogue header, as Jinja gives it
    "<b>{% trans %}Command{% endtrans %}</b>{% trans %}Card{% endtrans %}",
]


@pytest.mark.parametrize("lang", i18n.available())
def test_card_templates_translate_without_jinja_as_jinja_does(lang: str) -> None:
    """Plain `{% trans %}` templates skip Jinja's import; the result is Jinja's, byte for byte."""
    templates = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "templates" / "anki").glob("*.html"))]
    for text in templates + TRANS_CASES:
        assert i18n._ONLY_TRANS.fullmatch(text), text
        jinja = i18n._card_environment(lang).from_string(text).render()
        assert i18n.simple_card_template(text, lang) == jinja
        assert i18n.translate_card_template(text, lang) == jinja
    # Anything else Jinja would read (a tag with white space control, an if, a variable) goes to Jinja.
    for text in ("a {%- trans %}x{% endtrans %}", "{% if 1 %}y{% endif %}", "<%= 1 + 1 %>{% trans %}Card{% endtrans %}"):
        assert not i18n._ONLY_TRANS.fullmatch(text)
        assert i18n.translate_card_template(text, lang) == i18n._card_environment(lang).from_string(text).render()


def _deck(tmp_path: Path, name: str) -> Path:
    out = tmp_path / name
    build([str(LANG / name)], BuildConfig(output=out, formats=("anki",),
                                          options={"ledger": str(tmp_path / f"{name}.lock")}))
    return next(p for p in (out / "anki").glob("*.apkg")
                if not p.stem.endswith("352") and ".pt-BR" not in p.name)


@pytest.mark.slow
@pytest.mark.parametrize("order", [("guide.md", "guide_pt.md"), ("guide_pt.md", "guide.md")])
def test_portuguese_cards_ask_in_portuguese_beside_english_ones(tmp_path: Path, order: tuple[str, str]) -> None:
    from anki_helpers import collection

    decks = [_deck(tmp_path, name) for name in order]
    with collection(tmp_path / "col", *decks) as col:
        cards = [col.get_card(c) for c in col.find_cards("")]
        by_lang: dict[str, list] = {"en": [], "pt-BR": []}
        for card in cards:
            by_lang["pt-BR" if "(pt-BR)" in col.decks.name(card.did) else "en"].append(card)
        # Both sets of notes are there, each in its own deck.
        assert len({c.nid for c in by_lang["en"]}) == len({c.nid for c in by_lang["pt-BR"]}) > 10
        guids = [col.get_note(n).guid for n in col.find_notes("")]
        assert len(guids) == len(set(guids))  # no shared GUID
        # No note-type clash: each language has its own, the English ones as released.
        types = {t.name: t.id for t in col.models.all_names_and_ids() if t.name.startswith("cheatdeck")}
        english = {nt.name: RELEASED[nt.kind] for nt in NOTE_TYPES if nt.name in types}
        assert len(english) >= 5 and {n: types[n] for n in english} == english
        assert set(types) == set(english) | {f"{name} (pt-BR)" for name in english}
        assert len(set(types.values())) == len(types)
        assert all(c.note_type()["name"].endswith("(pt-BR)") for c in by_lang["pt-BR"])
        assert not any(c.note_type()["name"].endswith("(pt-BR)") for c in by_lang["en"])
        questions = {lang: " ".join(c.question() for c in cs) for lang, cs in by_lang.items()}
        answers = {lang: " ".join(c.answer() for c in cs) for lang, cs in by_lang.items()}
    for english, portuguese in (("Which command line does this?", "Qual linha de comando faz isso?"),
                                ("What does this do?", "O que isto faz?"),
                                ("What does this objective weigh?", "Quanto pesa este objetivo?"),
                                ("What is it for?", "Para que serve?"),
                                ("weight 7", "peso 7"), ("Fill in", "Complete")):
        assert english in questions["en"] and english not in questions["pt-BR"]
        assert portuguese in questions["pt-BR"] and portuguese not in questions["en"]
    assert "comando citado" in questions["pt-BR"].casefold() and "Cited command" in questions["en"]
    assert "Exemplos" in answers["pt-BR"] and "Examples" in answers["en"]


def test_portuguese_deck_description_and_preview_page() -> None:
    guide = check([str(LANG / "guide_pt.md")]).guide
    html, _ = preview_html(guide)
    assert '<html lang="pt-BR">' in html and "Prévia dos cartões" in html and ">Frente<" in html
    assert "Qual linha de comando faz isso?" in html and "Which command line" not in html
    english, _ = preview_html(check([str(LANG / "guide.md")]).guide)
    assert '<html lang="en">' in english and "Card preview" in english and ">Front<" in english


@pytest.mark.slow
def test_portuguese_sheets_speak_portuguese(tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    build([str(LANG / "guide_pt.md")], BuildConfig(output=tmp_path, formats=("sheets",)))
    sheets = tmp_path / "sheets"
    topic = next(sheets.glob("352-*.pdf"))
    pages = [p.extract_text() or "" for p in pypdf.PdfReader(topic).pages]
    text = "\n".join(pages).casefold()  # headings are set in capitals by the style sheet
    assert "sumário" in pages[0].casefold() and "Tópico 352: Virtualização de Contêineres" in pages[0]
    assert re.search(r"2 objetivos, peso total 1[0-9]", pages[0])
    assert f"página 1 de {len(pages)}" in pages[0] and f"página {len(pages)} de {len(pages)}" in pages[-1]
    for heading in ("Áreas de conhecimento chave", "Objetos citados", "Índice", "peso 7"):
        assert heading.casefold() in text
    for english in ("Contents", "Key knowledge areas", "Cited objects", "page 1 of", "Index", "weight"):
        assert english.casefold() not in text
    assert pypdf.PdfReader(topic).trailer["/Root"]["/Lang"] == "pt-BR"
    for page in sheets.glob("*.html"):
        assert '<html lang="pt-BR">' in page.read_text(encoding="utf-8")


# -- diagnostics stay English and name the language of the file --------------------------------------

def _without_weight(tmp_path: Path, name: str, label: str) -> Path:
    text = (LANG / name).read_text(encoding="utf-8")
    path = tmp_path / label / name  # a folder each: a named guide brings the translations beside it
    path.parent.mkdir()
    path.write_text(text.replace(f"**{label}:** 7\n", "", 1), encoding="utf-8")
    assert path.read_text(encoding="utf-8") != text
    return path


def test_diagnostics_name_a_portuguese_file_and_stay_english(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from builder.cli import cli

    pt = _without_weight(tmp_path, "guide_pt.md", "Peso")
    en = _without_weight(tmp_path, "guide.md", "Weight")
    (pt_diag,) = [d for d in check([str(pt)]).diagnostics if d.rule == "objective-incomplete"]
    (en_diag,) = [d for d in check([str(en)]).diagnostics if d.rule == "objective-incomplete"]
    assert pt_diag.lang == "pt-BR" and en_diag.lang == ""
    assert pt_diag.message == en_diag.message == "objective 352.1 has no weight"  # English for both
    assert str(pt_diag) == f"{pt}:3:1: warning: objective 352.1 has no weight [pt-BR file] [objective-incomplete]"
    assert str(en_diag) == f"{en}:3:1: warning: objective 352.1 has no weight [objective-incomplete]"
    runner = CliRunner()
    shown = runner.invoke(cli, ["check", "--format", "json", str(pt)]).output
    assert '"lang": "pt-BR"' in shown
    assert '"lang"' not in runner.invoke(cli, ["check", "--format", "json", str(en)]).output
    assert "has no weight [pt-BR file]" in runner.invoke(cli, ["check", "--format", "github", str(pt)]).output


def test_a_portuguese_guides_exam_speaks_portuguese() -> None:
    from dataclasses import replace

    from builder.anki.exam import exam_notes
    from builder.writers.exam_anki import load_text as exam_text
    from builder.writers.exam_sheet import environment, exam_sheet, render_html

    english = check([str(HERE / "fixtures" / "exam" / "shapes.md")]).guide
    portuguese = replace(english, lang="pt-BR", namespace="cheatdeck-pt-BR")
    html = {g.lang: render_html(exam_sheet(g, g.exams[0], "a4"), environment(None)) for g in (english, portuguese)}
    assert '<html lang="pt-BR">' in html["pt-BR"] and "Gabarito" in html["pt-BR"] and "Answer key" not in html["pt-BR"]
    assert '"página " counter(page) " de " counter(pages)' in html["pt-BR"]
    assert '<html lang="en">' in html["en"] and "Answer key" in html["en"]
    assert '"page " counter(page) " of " counter(pages)' in html["en"]
    (exam, notes), = exam_notes(portuguese)[0]
    assert notes and all(n.note_type.name.endswith("(pt-BR)") for n in notes)
    assert all("::Exame::" in n.deck for n in notes)
    front = exam_text(notes[0].note_type, None, "pt-BR").templates[0][0]
    assert ">Exame" in front and ">Exam<" not in front
