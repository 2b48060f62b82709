"""Built decks imported by Anki's own backend: counts, rendered cards, updates and reproducibility."""

from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path
from typing import Iterator

import pytest

from anki_helpers import Collection, T0, import_deck, open_collection, source_date_epoch
from builder.anki.counts import card_counts
from builder.anki.notes import guide_notes
from builder.anki.notetypes import NOTE_TYPES
from builder.config import BuildConfig
from builder.pipeline import build, check
from test_anki_notes import dangerous

FIXTURES = Path(__file__).parent / "fixtures" / "anki"
GUIDE = FIXTURES / "guide"
SOURCE = Path(__file__).resolve().parents[1] / "source"
EXAM = "LPIC-3 305"
APKG = "lpic-3-305.apkg"


def build_decks(src: Path, out: Path, epoch: int = T0, **options: object) -> Path:
    with source_date_epoch(epoch):
        build([str(src)], BuildConfig(output=out, formats=("anki",), options=dict(options)))
    return out / "anki"


def model_name(kind: str) -> str:
    return next(nt.name for nt in NOTE_TYPES if nt.kind == kind)


@pytest.fixture(scope="module")
def v1(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture guide copied once and built once for this module (ledger next to it)."""
    root = tmp_path_factory.mktemp("v1")
    src = Path(shutil.copytree(GUIDE, root / "guide"))
    build_decks(src, root / "dist")
    return root


@pytest.fixture(scope="module")
def imported(v1: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Collection, object]]:
    col = open_collection(tmp_path_factory.mktemp("col"))
    log = import_deck(col, v1 / "dist" / "anki" / APKG)
    yield col, log
    col.close()


def test_outputs_are_named_for_the_exam_and_topics(v1: Path) -> None:
    names = sorted(p.name for p in (v1 / "dist" / "anki").iterdir())
    assert names == ["lpic-3-305-352.apkg", "lpic-3-305-353.apkg", APKG, "removed.txt"]
    assert not list((v1 / "dist").rglob(".cheatdeck-tmp-*"))


def test_counts_per_kind_and_per_subdeck(imported) -> None:  # type: ignore[no-untyped-def]
    col, log = imported
    guide = check([str(GUIDE)]).guide
    notes = guide_notes(guide, GUIDE.resolve())
    assert len(log.new) == len(notes) and not log.updated
    for kind, n in Counter(n.kind for n in notes).items():
        assert len(col.find_notes(f'"note:{model_name(kind)}"')) == n
    for topic in guide.topics:
        for o in topic.objectives:
            deck = f"{EXAM}::{topic.number} {topic.title}::{o.id} {o.title}"
            for kind, n in card_counts(o).items():
                assert len(col.find_cards(f'"deck:{deck}" "note:{model_name(kind)}"')) == n, (deck, kind)
    assert len(col.find_cards("")) == sum(sum(card_counts(o).values()) for o in guide.objectives)


def _card(col: Collection, kind: str, template: str, text: str):  # type: ignore[no-untyped-def]
    ids = col.find_cards(f'"note:{model_name(kind)}" "card:{template}" "{text}"')
    assert ids, (kind, template, text)
    return col.get_card(ids[0])


def test_rendered_cards_of_every_note_type(imported) -> None:  # type: ignore[no-untyped-def]
    col, _ = imported
    recall = _card(col, "command", "Recall", "new PID namespace")
    assert "new PID namespace" in recall.question() and "unshare" not in recall.question()
    assert '<pre class="code">' in recall.answer() and "unshare" in recall.answer()
    recognize = _card(col, "command", "Recognize", "new PID namespace")
    assert "unshare" in recognize.question() and "new PID namespace" not in recognize.question()
    cited = _card(col, "cited", "Object", "Object:/proc/*/ns")
    assert "list the namespaces of a process" in cited.answer()
    assert not col.find_notes('"note:cheatdeck Cited object" Object:podman')  # nothing said of it: no card
    row = _card(col, "row", "Row", 'Row:Kernel" "KeyHeader:Virtual machine')
    assert "Containers compared with virtual machines" in row.question()
    assert "Virtual machine" in row.question() and "Own guest kernel" not in row.question()
    answer = row.answer().split('<hr id="answer">', 1)[1]
    assert answer.index("Own guest kernel") < answer.index("Shared with the host")  # answer first
    assert "Start time" not in answer and "<table" not in answer  # the row, not the whole table
    assert len(col.find_cards(f'"note:{model_name("row")}" card:Reverse')) == 2
    reverse = _card(col, "row", "Reverse", "Row:UTS")
    assert "Hostname and domain name" in reverse.question() and "UTS" in reverse.answer()
    definition = _card(col, "definition", "Definition", "Term:Namespace <*")
    assert "global resource" in definition.answer() and '<img src="cheatdeck-' in definition.answer()
    timeline = _card(col, "timeline", "When", "Period:2008")
    assert "LXC" in timeline.question() and "2008" not in timeline.question()
    overview = _card(col, "overview", "Overview", "Weight:7")
    # the overview asks one thing, the weight: no list of areas to recite
    assert "What does this objective weigh?" in overview.question()
    answer = overview.answer().split('<hr id="answer">', 1)[1]
    assert "7" in answer and "kernel namespaces" not in answer and "nsenter" not in answer
    for cid in col.find_cards(""):
        card = col.get_card(cid)
        for html in (card.question(), card.answer()):
            assert "template has a problem" not in html and dangerous(html.split("</style>", 1)[-1]) == []


def test_deck_description_names_the_tool_version(imported) -> None:  # type: ignore[no-untyped-def]
    from builder import __version__
    col, _ = imported
    description = col.decks.by_name(EXAM)["desc"]
    assert f"cheatdeck {__version__}" in description


def test_no_missing_media(imported) -> None:  # type: ignore[no-untyped-def]
    col, _ = imported
    result = col.media.check()
    assert not result.missing and not result.unused
    assert [n for n in os.listdir(col.media.dir()) if n.startswith("cheatdeck-")]


def test_topic_package_holds_its_topic_only(v1: Path, tmp_path: Path) -> None:
    col = open_collection(tmp_path)
    try:
        import_deck(col, v1 / "dist" / "anki" / "lpic-3-305-353.apkg")
        names = {d.name for d in col.decks.all_names_and_ids()}
        assert f"{EXAM}::353 VM Deployment and Provisioning::353.1 Cloud Management Tools" in names
        assert not any("352" in n for n in names)
        assert len(col.find_cards("")) == sum(card_counts(check([str(GUIDE)]).guide.objective("353.1")
                                                         ).values())
    finally:
        col.close()


def test_importing_twice_adds_nothing(v1: Path, tmp_path: Path) -> None:
    col = open_collection(tmp_path)
    try:
        first = import_deck(col, v1 / "dist" / "anki" / APKG)
        again = import_deck(col, v1 / "dist" / "anki" / APKG)
        assert len(first.new) > 0
        assert len(again.new) == 0 and len(again.updated) == 0
        assert len(again.duplicate) == len(first.new)  # Anki's word for "up to date"
        topic = import_deck(col, v1 / "dist" / "anki" / "lpic-3-305-352.apkg")
        assert not topic.new and not topic.updated and topic.duplicate  # same notes, same identity
    finally:
        col.close()


@pytest.mark.slow
def test_identical_bytes_from_two_directories(tmp_path: Path) -> None:
    outputs = []
    for name in ("one", "two"):
        src = Path(shutil.copytree(GUIDE, tmp_path / name / "guide"))
        out = build_decks(src, tmp_path / name / "dist")
        outputs.append({p.name: p.read_bytes() for p in out.iterdir()}
                       | {"lock": (src / "cheatdeck.lock").read_bytes()})
    assert outputs[0].keys() == outputs[1].keys() and outputs[0] == outputs[1]


def test_unchanged_rebuild_later_gives_the_same_bytes(v1: Path, tmp_path: Path) -> None:
    """With the ledger up to date the build time reaches nothing: a later rebuild is identical."""
    src = Path(shutil.copytree(v1 / "guide", tmp_path / "guide"))
    out = build_decks(src, tmp_path / "dist", epoch=T0 + 86_400)
    for name in (APKG, "lpic-3-305-352.apkg", "removed.txt"):
        assert (out / name).read_bytes() == (v1 / "dist" / "anki" / name).read_bytes(), name
    assert (src / "cheatdeck.lock").read_bytes() == (v1 / "guide" / "cheatdeck.lock").read_bytes()
