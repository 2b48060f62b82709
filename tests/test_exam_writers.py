"""Exam cards imported by Anki's own backend, and the printable exam read back from its PDF."""

from __future__ import annotations

import re
import shutil
import sqlite3
import zipfile
from pathlib import Path
from typing import Iterator

import pytest

from anki_helpers import Collection, T0, collection, import_deck, open_collection, source_date_epoch
from builder.config import BuildConfig
from builder.pipeline import build, check
from builder.anki.exam import CHOICE, FILL_IN, cloze_html, exam_notes, options_html

FIXTURES = Path(__file__).parent / "fixtures" / "exam"
SOURCE = Path(__file__).resolve().parents[1] / "source"
DECK = "LPIC-3 305::Exam::Practice Exam: every shape a question can take"


def build_exam(src: Path, out: Path, formats: tuple[str, ...], epoch: int = T0) -> list[Path]:
    with source_date_epoch(epoch):
        result = build([str(src)], BuildConfig(output=out, formats=formats))
    return list(result.outputs)


@pytest.fixture(scope="module")
def exam_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shapes exam in a folder of its own (its ledger goes beside it)."""
    root = tmp_path_factory.mktemp("exam") / "src"
    root.mkdir()
    shutil.copy(FIXTURES / "shapes.md", root / "practice.md")
    return root


@pytest.fixture(scope="module")
def apkg(exam_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    outputs = build_exam(exam_root, tmp_path_factory.mktemp("dist"), ("exam-anki",))
    assert [p.name for p in outputs] == ["practice-exam.apkg"]
    return outputs[0]


@pytest.fixture(scope="module")
def imported(apkg: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Collection, object]]:
    col = open_collection(tmp_path_factory.mktemp("col"))
    log = import_deck(col, apkg)
    yield col, log
    col.close()


def _card(col: Collection, number: int):  # type: ignore[no-untyped-def]
    ids = col.find_cards(f'"deck:{DECK}" "Exam:*question {number}"')
    assert len(ids) == 1, number
    return col.get_card(ids[0])


def test_counts_note_types_deck_and_tags(imported) -> None:  # type: ignore[no-untyped-def]
    col, log = imported
    assert len(log.new) == 10 and not log.updated and not log.duplicate
    assert len(col.find_notes(f'"note:{CHOICE.name}"')) == 7
    assert len(col.find_notes(f'"note:{FILL_IN.name}"')) == 3
    assert len(col.find_cards(f'"deck:{DECK}"')) == 10
    assert len(col.find_notes("tag:kind::exam tag:exam::practice")) == 10
    assert len(col.find_notes('"tag:LPIC-3::305::352::352.1"')) == 4
    assert col.models.by_name(FILL_IN.name)["type"] == 1  # a real cloze note type
    assert col.models.by_name(CHOICE.name)["id"] == CHOICE.id


def test_back_marks_the_right_option_and_dims_the_others(imported) -> None:  # type: ignore[no-untyped-def]
    col, _ = imported
    card = _card(col, 1)
    front, back = card.question(), card.answer()
    assert "Which namespace gives a container its own hostname?" in front
    assert 'class="right"' not in front and "\u2713" not in front
    right = re.findall(r'<li class="right"><span class="letter">(\w)</span><span class="opt">([^<]*)', back)
    dim = re.findall(r'<li class="dim"><span class="letter">(\w)</span>', back)
    assert right == [("B", "UTS")] and dim == ["A", "C", "D"]
    two = _card(col, 3).answer()
    assert re.findall(r'<li class="right"><span class="letter">(\w)', two) == ["A", "C"]


def test_back_links_the_guide_passage_when_the_guide_has_one(tmp_path: Path) -> None:
    if not SOURCE.is_dir():
        pytest.skip("source/ not present")
    guide = check([str(SOURCE), str(FIXTURES / "shapes.md")]).guide
    per_exam, _ = exam_notes(guide)
    notes = {n.pos.line: n for n in per_exam[0][1]}
    guide_field = CHOICE.field_names.index("Guide")
    lxc = notes[52].fields[guide_field]  # question 6: lxc-ls --fancy
    assert "352.2 LXC" in lxc and "lxc-ls" in lxc and '<pre class="code">' in lxc
    fill = notes[66]  # question 8 names no objective: the passage tags it
    assert "docker" in fill.fields[FILL_IN.field_names.index("Guide")]
    assert "LPIC-3::305-300::352::352.3" in fill.tags


def test_explanation_from_the_key_shows_on_the_back(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    text = (FIXTURES / "shapes.md").read_text(encoding="utf-8")
    (src / "practice.md").write_text(text.replace("7-B\n", "7-B - `-i` keeps STDIN open, `-t` adds a tty\n"),
                                     encoding="utf-8")
    apkg = build_exam(src, tmp_path / "dist", ("exam-anki",))[0]
    with collection(tmp_path / "col", apkg) as col:
        card = _card(col, 7)
        assert '<div class="why"><code>-i</code> keeps STDIN open' in card.answer()
        assert "keeps STDIN open, <code>-t</code>" not in card.question()
        assert 'class="why"' not in _card(col, 6).answer()


def test_guide_passages_found_for_each_kind_of_answer() -> None:
    if not SOURCE.is_dir():
        pytest.skip("source/ not present")
    from builder.anki.exam_refs import find_reference

    guide = check([str(SOURCE), str(FIXTURES / "shapes.md")]).guide
    exam = guide.exams[0]

    def label(n: int) -> str | None:
        q = exam.question(n)
        assert q is not None
        ref = find_reference(guide, q)
        return ref.label if ref else None

    assert label(6) == "352.2 LXC \u203a command sudo lxc-ls --fancy"  # the option's command
    assert label(8) is not None and label(8).startswith("352.3 Docker \u203a command docker logs -f")
    assert label(1) is not None and label(1).endswith("uts")  # a table row named like the answer
    assert label(5) is not None and label(5).endswith("HEALTHCHECK")  # prose answer: quoted code
    assert label(2) is None  # the guide never shows /proc/self/cgroup: no passage, no guess


def test_cloze_renders_the_answer_in_place_of_the_blank(imported) -> None:  # type: ignore[no-untyped-def]
    col, _ = imported
    card = _card(col, 8)
    front, back = card.question(), card.answer()
    assert "docker logs" in front and "[...]" in front and "______" not in front
    assert re.search(r'<span class="cloze"[^>]*>-f</span>', back)
    code_block = _card(col, 10)
    assert re.search(r'<span class="cloze"[^>]*>-d</span>', code_block.answer())
    assert "<pre" in code_block.question()


def test_cloze_text_escapes_cloze_syntax_in_the_answer(exam_root: Path) -> None:
    guide = check([str(exam_root)]).guide
    q = guide.exams[0].question(8)
    assert q is not None and q.fill_answer is not None
    from dataclasses import replace

    from builder.model import RichText
    odd = replace(q, fill_answer=RichText.of("a::b}}c"))
    text = cloze_html(odd)
    assert text.count("{{c1::") == 1 and "a::b" not in text and text.count("}}") == 1


def test_options_html_escapes_what_the_exam_says() -> None:
    guide = check([str(FIXTURES / "shapes.md")]).guide
    q = guide.exams[0].question(2)
    assert q is not None
    assert "<script" not in options_html(q, marked=True)
    assert options_html(q, marked=True).count('class="right"') == 1


def _notes_db(apkg: Path, tmp_path: Path) -> list[tuple[int, str, int]]:
    with zipfile.ZipFile(apkg) as zf:
        tmp_path.mkdir(parents=True, exist_ok=True)
        (tmp_path / "c.anki2").write_bytes(zf.read("collection.anki2"))
    db = sqlite3.connect(tmp_path / "c.anki2")
    rows = db.execute("SELECT id, guid, mod FROM notes ORDER BY guid").fetchall()
    db.close()
    return rows


def test_identity_survives_a_typo_fix_and_a_new_question_before_it(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    text = (FIXTURES / "shapes.md").read_text(encoding="utf-8")
    (src / "practice.md").write_text(text, encoding="utf-8")
    v1 = build_exam(src, tmp_path / "v1", ("exam-anki",))[0]
    assert (src / "cheatdeck-exams.lock").is_file()
    edited = text.replace("its own hostname?", "its own host name?").replace(
        "10. Complete the command", "11. Complete the command").replace(
        "9. The file that lists", "10. The file that lists").replace(
        "8. Show the logs", "8. Which file holds a container's cgroup v2 limits?  \n"
        "A) `memory.max`  \nB) `memory.limit`\n\n9. Show the logs").replace(
        "8 `-f`  \n9 `subuid`  \n10: `-d`", "8-A, 9 `-f`  \n10 `subuid`  \n11: `-d`")
    (src / "practice.md").write_text(edited, encoding="utf-8")
    assert [str(d) for d in check([str(src)]).diagnostics] == []
    v2 = build_exam(src, tmp_path / "v2", ("exam-anki",), epoch=T0 + 100)[0]
    before = {guid: (nid, mod) for nid, guid, mod in _notes_db(v1, tmp_path / "a")}
    after = {guid: (nid, mod) for nid, guid, mod in _notes_db(v2, tmp_path / "b")}
    assert set(before) < set(after) and len(after) == len(before) + 1
    assert all(after[g][0] == before[g][0] for g in before)  # same notes, same note ids
    changed = [g for g in before if after[g][1] != before[g][1]]
    # question 1's text changed, old 8-10 show their new numbers: updated in place, newer mod
    assert len(changed) == 4 and all(after[g][1] == T0 + 100 for g in changed)
    with collection(tmp_path / "col", v1, v2) as col:
        assert len(col.find_notes("")) == 11
        assert "host name" in _card(col, 1).question()


def test_exam_deck_is_reproducible(exam_root: Path, tmp_path: Path) -> None:
    a = build_exam(exam_root, tmp_path / "a", ("exam-anki",))[0]
    b = build_exam(exam_root, tmp_path / "b", ("exam-anki",))[0]
    assert a.read_bytes() == b.read_bytes()


def test_guide_and_exam_decks_share_one_collection(tmp_path: Path) -> None:
    if not SOURCE.is_dir():
        pytest.skip("source/ not present")
    src = tmp_path / "src"
    shutil.copytree(SOURCE, src)
    shutil.copy(FIXTURES / "shapes.md", src / "practice-exam.md")
    outputs = build_exam(src, tmp_path / "dist", ("anki", "exam-anki"))
    col = open_collection(tmp_path / "col")
    try:
        total = 0
        for apkg in (p for p in outputs if p.suffix == ".apkg" and "-352" not in p.name):
            total += len(import_deck(col, apkg).new)
        assert len(col.find_notes("")) == total
        assert len(col.find_notes("tag:kind::exam")) == 10
    finally:
        col.close()


@pytest.mark.slow
def test_printable_exam_has_questions_then_the_key_on_its_last_page(exam_root: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    outputs = build_exam(exam_root, tmp_path / "dist", ("exam-sheet",))
    assert [p.name for p in outputs] == ["exam-practice.pdf"]
    pages = [p.extract_text() for p in PdfReader(outputs[0]).pages]
    assert len(pages) >= 2
    body, key = "\n".join(pages[:-1]), pages[-1]
    assert "Answer key" in key and "Answer key" not in body
    assert "Which namespace gives a container its own hostname?" in body
    assert "lxc-ls --fancy" in body and "HEALTHCHECK" in body
    assert re.search(r"\b3\s+A, C\b", key) and re.search(r"\b8\s+-f\b", key)
    assert "Which namespace" not in key
    assert build_exam(exam_root, tmp_path / "again", ("exam-sheet",))[0].read_bytes() == \
        outputs[0].read_bytes()


def test_guides_without_exams_write_nothing(tmp_path: Path) -> None:
    if not SOURCE.is_dir():
        pytest.skip("source/ not present")
    assert build_exam(SOURCE, tmp_path / "dist", ("exam-anki", "exam-sheet")) == []


def test_a_question_in_two_exams_is_packaged_once(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(FIXTURES / "shapes.md", src / "a.md")
    shutil.copy(FIXTURES / "shapes.md", src / "b.md")
    with source_date_epoch(T0):
        result = build([str(src)], BuildConfig(output=tmp_path / "dist", formats=("exam-anki",)))
    assert sorted(p.name for p in result.outputs) == ["a-exam.apkg", "b-exam.apkg"]
    shared = [d for d in result.diagnostics if d.rule == "exam-card-shared"]
    assert len(shared) == 10 and all(d.pos.path.endswith("b.md") for d in shared)


def _long_exam(count: int) -> str:
    """A generated exam shaped like the real ones: sections of 20, four options, a key at the end."""
    lines = ["# Generated Practice Exam", ""]
    for start in range(1, count + 1, 20):
        end = min(start + 19, count)
        lines += [f"### 352.{start % 4 + 1} Section (Questions {start}-{end})", ""]
        for n in range(start, end + 1):
            lines += [f"{n}. Which option is number {n % 4} for question {n}?  ",
                      f"A) first {n}  ", f"B) second {n}  ", f"C) third {n}  ", f"D) fourth {n}", ""]
    key = [f"{n}-{'ABCD'[n % 4]}" for n in range(1, count + 1)]
    lines += ["## Answer Key", ""] + [", ".join(key[i:i + 10]) for i in range(0, count, 10)]
    return "\n".join(lines) + "\n"


@pytest.mark.slow
def test_a_long_exam_builds_every_card_and_prints_its_key_last(tmp_path: Path) -> None:
    from pypdf import PdfReader

    src = tmp_path / "src"
    src.mkdir()
    (src / "long.md").write_text(_long_exam(150), encoding="utf-8")
    checked = check([str(src)])
    assert [str(d) for d in checked.diagnostics] == []
    outputs = build_exam(src, tmp_path / "dist", ("exam-anki", "exam-sheet"))
    apkg = next(p for p in outputs if p.suffix == ".apkg")
    col = open_collection(tmp_path / "col")
    try:
        log = import_deck(col, apkg)
        assert len(log.new) == 150
        card = col.get_card(col.find_cards('"Exam:*question 150"')[0])
        assert re.search(r'<li class="right"><span class="letter">C</span><span class="opt">third 150', card.answer())
    finally:
        col.close()
    pages = PdfReader(next(p for p in outputs if p.suffix == ".pdf")).pages
    key = pages[-1].extract_text()
    assert "Answer key" in key and re.search(r"\b150\s+C\b", key) and "Which option" not in key
    assert all("Answer key" not in p.extract_text() for p in pages[:-1])


def test_locked_build_needs_an_up_to_date_exam_ledger(tmp_path: Path) -> None:
    from builder.anki.ledger import LedgerError

    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(FIXTURES / "shapes.md", src / "practice.md")

    def locked(out: str) -> None:
        with source_date_epoch(T0):
            build([str(src)], BuildConfig(output=tmp_path / out, formats=("exam-anki",),
                                          options={"locked": True}))

    with pytest.raises(LedgerError, match="cheatdeck-exams.lock"):
        locked("a")
    build_exam(src, tmp_path / "b", ("exam-anki",))
    locked("c")  # up to date: builds
    text = (src / "practice.md").read_text(encoding="utf-8")
    (src / "practice.md").write_text(text.replace("its own hostname?", "its own host name?"),
                                     encoding="utf-8")
    with pytest.raises(LedgerError, match="out of date"):
        locked("d")


def test_an_exam_ledger_in_another_layout_is_rewritten_in_the_stable_one(tmp_path: Path) -> None:
    """As the deck's ledger: compared as text, so a reformatted one is rewritten once."""
    import json

    from builder.anki import ledger

    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(FIXTURES / "shapes.md", src / "practice.md")
    build_exam(src, tmp_path / "a", ("exam-anki",))
    lock = src / "cheatdeck-exams.lock"
    stable = lock.read_text(encoding="utf-8")
    data = json.loads(stable)
    lock.write_text(json.dumps(data, indent=4), encoding="utf-8")
    build_exam(src, tmp_path / "b", ("exam-anki",))
    assert lock.read_text(encoding="utf-8") == stable == ledger.dump(data)
