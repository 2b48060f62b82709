"""`cheatdeck progress` on real collections: a deck built from a fixture guide, imported with
Anki's backend and studied through its scheduler over simulated days, read back by the command."""

from __future__ import annotations

import hashlib
import json
import math
import shutil
import sqlite3
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from anki_helpers import Collection, import_deck
from anki_reviewer import build_package
from builder.cli import cli
from builder.progress.collection import CardState
from builder.progress.readiness import retrievability

CardAnswer = pytest.importorskip("anki.scheduler.v3").CardAnswer
GUIDE = Path(__file__).parent / "fixtures" / "anki" / "guide"
DAYS = 40  # simulated days of study
WEIGHTS = {"352.1": 7, "352.2": 6, "353.1": 2}
DAY_MS = 86_400_000


def _objective(tags: str) -> str | None:
    found = [t.split("::")[-1] for t in tags.split() if t.startswith("LPIC-3::")]
    return found[0] if found else None


def _age_one_day(col: Collection) -> None:
    """Tomorrow, as the scheduler will see it: every date in the collection one day further back."""
    col.db.execute("update revlog set id = id - ?", DAY_MS)
    col.db.execute("update cards set due = due - 1 where type != 0 and due < 1000000000")
    col.db.execute("update cards set due = due - 86400 where type != 0 and due >= 1000000000")
    col.db.execute("update cards set data = json_set(data, '$.lrt', json_extract(data, '$.lrt') - 86400) "
                   "where data != '' and json_extract(data, '$.lrt') is not null")


class Study:
    """A learner: every new card Easy, reviews Good, the `weak` cards Again whenever they come
    due as reviews, the `skipped` ones buried unseen; what was answered is logged here."""

    def __init__(self, path: Path, apkg: Path, fsrs: bool = False) -> None:
        self.path = path
        col = Collection(str(path))
        import_deck(col, apkg)
        col.set_config("fsrs", fsrs)
        other = col.decks.id("Other deck")
        note = col.new_note(col.models.by_name("Basic"))
        note["Front"], note["Back"] = "capital of France", "Paris"
        col.add_note(note, other)
        for d in col.decks.all_names_and_ids():
            conf = col.decks.config_dict_for_deck_id(d.id)
            conf["new"]["perDay"], conf["rev"]["perDay"] = 9999, 9999
            col.decks.update_config(conf)
        rows = col.db.all("select c.id, n.tags, n.guid from cards c join notes n on c.nid = n.id")
        self.objective = {cid: _objective(tags) for cid, tags, _ in rows}
        self.guid = {cid: guid for cid, _, guid in rows}
        ours = sorted(cid for cid, o in self.objective.items() if o)
        self.skipped = {cid for cid in ours if self.objective[cid] == "353.1"}
        by = {o: [c for c in ours if self.objective[c] == o] for o in WEIGHTS}
        self.weak = {*by["352.1"][:3], by["352.2"][0]}
        self.log: list[tuple[int, int, int, int]] = []  # (day, card, rating, card type before)
        self.other = next(cid for cid, o in self.objective.items() if not o)
        col.close()

    def run(self, days: int) -> None:
        for day in range(days):
            col = Collection(str(self.path))
            for did in (d.id for d in col.decks.all_names_and_ids()):
                col.decks.select(did)
                self._answer_all(col, day)
            if day < days - 1:
                _age_one_day(col)
            col.close()

    def _answer_all(self, col: Collection, day: int) -> None:
        for _ in range(500):
            queued = col.sched.get_queued_cards(fetch_limit=1)
            if not queued.cards:
                return
            card = col.get_card(queued.cards[0].card.id)
            card.start_timer()
            if card.id in self.skipped:
                col.sched.bury_cards([card.id], manual=True)
                continue
            if card.type == 0:
                rating = CardAnswer.EASY
            elif card.type == 2 and (card.id in self.weak or card.id == self.other):
                rating = CardAnswer.AGAIN
            else:
                rating = CardAnswer.GOOD
            self.log.append((day, card.id, rating, card.type))
            col.sched.answer_card(col.sched.build_answer(card=card, states=queued.cards[0].states, rating=rating))
        raise AssertionError("the queue never emptied")


@pytest.fixture(scope="module")
def studied(tmp_path_factory: pytest.TempPathFactory) -> tuple[Study, Path]:
    root = tmp_path_factory.mktemp("progress")
    apkg = build_package([str(GUIDE)], root / "dist")
    (root / "profile").mkdir()
    study = Study(root / "profile" / "collection.anki2", apkg)
    study.run(DAYS)
    return study, root


def _progress(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["-q", "progress", *args])
    return result.exit_code, result.output


def _report(collection: Path, out: Path, *more: str, guide: Path = GUIDE) -> dict:
    code, output = _progress(str(collection), str(guide), "--json", "-o", str(out), *more)
    assert code == 0, output
    return json.loads(output)


def _by_hand(study: Study) -> dict[str, dict[str, float]]:
    """Each objective's figures from what the learner did and the cards' intervals."""
    last = DAYS - 1
    col = sqlite3.connect(study.path)
    cards = {cid: (ctype, ivl, lapses) for cid, ctype, ivl, lapses in
             col.execute("select id, type, ivl, lapses from cards")}
    col.close()
    last_seen = {cid: day for day, cid, _, _ in study.log}
    want: dict[str, dict[str, float]] = {}
    for o in WEIGHTS:
        ids = [c for c, oo in study.objective.items() if oo == o]
        answers = [(d, r) for d, c, r, _ in study.log if c in ids and last - d < 30]
        rs = [1 / (1 + (last - last_seen[c]) / (9 * max(cards[c][1], 1))) for c in ids if c in last_seen]
        want[o] = {"cards": len(ids), "seen": len(rs),
                   "lapses": sum(1 for _, c, r, t in study.log if c in ids and t == 2 and r == CardAnswer.AGAIN),
                   "mature": sum(1 for c in ids if cards[c][0] == 2 and cards[c][1] >= 21),
                   "recall": sum(1 for _, r in answers if r != CardAnswer.AGAIN) / len(answers) if answers else None,
                   "readiness": sum(rs) / len(ids), "mean_r": sum(rs) / len(rs) if rs else None}
    return want


def test_readiness_matches_the_reviews(studied: tuple[Study, Path], tmp_path: Path) -> None:
    study, _ = studied
    data = _report(study.path, tmp_path / "out")
    want = _by_hand(study)
    rows = {row["id"]: row for row in data["objectives"]}
    assert list(rows) == ["352.1", "352.2", "353.1"]
    for o, w in want.items():
        row = rows[o]
        assert row["weight"] == WEIGHTS[o]
        for key in ("cards", "seen", "lapses", "mature"):
            assert row[key] == w[key], (o, key)
        assert row["recall_30d"] == pytest.approx(w["recall"]) if w["recall"] is not None else row["recall_30d"] is None
        assert row["readiness"] == pytest.approx(w["readiness"])
    assert rows["352.1"]["lapses"] >= 3 and rows["353.1"]["seen"] == 0 and rows["353.1"]["readiness"] == 0
    exam = sum(WEIGHTS[o] * want[o]["readiness"] for o in WEIGHTS) / sum(WEIGHTS.values())
    assert data["exam_readiness"] == pytest.approx(exam)
    assert data["method"]["retrievability"] == "interval"
    assert data["ignored_cards"] == 1  # the other deck's card, failed too, is in no figure
    assert data["retired"] == {"notes": 0, "cards": 0}


def test_weak_spots_are_the_failed_cards_heaviest_objective_first(studied: tuple[Study, Path], tmp_path: Path) -> None:
    study, _ = studied
    data = _report(study.path, tmp_path / "out", "--top", "4")
    weak = data["weak_spots"]
    assert {w["guid"] for w in weak} == {study.guid[c] for c in study.weak}
    # Two of the three failed 352.1 cards are one note's siblings: one weak spot, its lapses summed.
    notes = {study.guid[c]: study.objective[c] for c in study.weak}
    assert [w["objective"] for w in weak] == sorted(notes.values(), key=lambda o: -WEIGHTS[o])
    lapses = {g: sum(1 for _, c, r, t in study.log if study.guid[c] == g and t == 2 and r == CardAnswer.AGAIN)
              for g in notes}
    assert all(w["lapses"] == lapses[w["guid"]] for w in weak)
    assert all(w["leech"] for w in weak)  # failed far more than Anki's 8 lapses: tagged leech
    first = [w for w in weak if w["objective"] == "352.1"]
    assert [w["lapses"] for w in first] == sorted((w["lapses"] for w in first), reverse=True)


def test_the_sheet_holds_the_facts(studied: tuple[Study, Path], tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    study, _ = studied
    out = tmp_path / "out"
    data = _report(study.path, out, "--top", "4", "--exam-date", "2099-01-01")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(out / "weak-spots.pdf").pages)
    html = (out / "weak-spots.html").read_text(encoding="utf-8")
    flat = " ".join(text.split())
    assert "Weak spots" in flat and "352.1 Container Virtualization Concepts".upper() in flat.upper()
    assert "Plan to the exam on 2099-01-01".upper() in flat.upper()
    # The facts as the guide gives them: the failed commands with their purposes, the cited object.
    assert "run a shell in a new PID namespace with its own /proc" in flat
    assert "sudo unshare --fork --pid --mount-proc bash" in flat
    assert "launch an Ubuntu container called web" in flat and "lxc launch ubuntu:24.04 web" in flat
    assert "nsenter" in flat and "sudo nsenter -t <PID> -n ip addr show" in flat  # a cited object, where used
    assert flat.upper().index("352.1 CONTAINER") < flat.upper().index("352.2 LXC · WEIGHT")  # weight order
    assert "{{c1::" not in html and "class=\"card" not in html  # never a card's HTML


def test_plan_to_the_exam_date(studied: tuple[Study, Path], tmp_path: Path) -> None:
    study, _ = studied
    today = date.fromisoformat(_report(study.path, tmp_path / "a", "--no-sheet")["today"])
    exam = today + timedelta(days=17)
    data = _report(study.path, tmp_path / "b", "--no-sheet", "--exam-date", exam.isoformat(), "--margin", "7")
    plan = data["plan"]
    assert plan["last_day"] == (today + timedelta(days=10)).isoformat() and plan["days"] == 11
    assert [(r["id"], r["unseen"], r["per_day"]) for r in plan["objectives"]] == [
        ("352.1", 0, 0), ("352.2", 0, 0), ("353.1", 2, 1)]  # ceil(2 / 11) = 1, heaviest first
    assert plan["objectives"][2]["finished"] == (today + timedelta(days=1)).isoformat()
    col = Collection(str(tmp_path / "copy.anki2")) if shutil.copyfile(study.path, tmp_path / "copy.anki2") else None
    day = col.sched.today
    due = [max(d - day, 0) for d, o in col.db.all(
        "select c.due, n.tags from cards c join notes n on c.nid = n.id where c.type = 2 and c.queue = 2")
        if _objective(o)]  # by the end of the study every seen card is a review card
    col.close()
    assert [d["reviews"] for d in plan["forecast"]] == [due.count(i) for i in range(17)]
    late = _report(study.path, tmp_path / "c", "--no-sheet", "--exam-date", (today + timedelta(days=3)).isoformat())
    assert late["plan"]["late"] and late["plan"]["objectives"][2]["per_day"] == 2


def _digest(*paths: Path) -> list[str | None]:
    return [hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else None for p in paths]


def test_a_colpkg_gives_the_same_report(studied: tuple[Study, Path], tmp_path: Path) -> None:
    study, _ = studied
    copy = tmp_path / "col" / "collection.anki2"
    copy.parent.mkdir()
    shutil.copyfile(study.path, copy)
    col = Collection(str(copy))
    col.export_collection_package(str(tmp_path / "backup.colpkg"), include_media=False, legacy=False)
    before = _digest(tmp_path / "backup.colpkg")
    from_package = _report(tmp_path / "backup.colpkg", tmp_path / "a", "--no-sheet")
    assert from_package == _report(study.path, tmp_path / "b", "--no-sheet")
    assert _digest(tmp_path / "backup.colpkg") == before


def test_a_collection_with_its_wal_is_read_whole_and_left_alone(studied: tuple[Study, Path], tmp_path: Path) -> None:
    study, _ = studied
    path = tmp_path / "collection.anki2"
    shutil.copyfile(study.path, path)
    base = _report(path, tmp_path / "a", "--no-sheet")
    card = min(c for c in study.weak if study.objective[c] == "352.1")
    writer = sqlite3.connect(path)
    writer.execute("pragma journal_mode = wal")
    writer.execute("pragma wal_autocheckpoint = 0")
    writer.execute("update cards set lapses = lapses + 5 where id = ?", (card,))
    writer.commit()  # held open: the change lives in collection.anki2-wal only
    try:
        wal = path.with_name(path.name + "-wal")
        assert wal.stat().st_size > 0
        before = _digest(path, wal)
        data = _report(path, tmp_path / "b", "--no-sheet")
        assert _digest(path, wal) == before
    finally:
        writer.close()
    lapses = {r["id"]: r["lapses"] for r in data["objectives"]}
    assert lapses["352.1"] == {r["id"]: r["lapses"] for r in base["objectives"]}["352.1"] + 5


def test_a_corrupt_collection_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "collection.anki2"
    bad.write_bytes(b"SQLite format 3\x00" + b"\xde\xad" * 4000)
    code, output = _progress(str(bad), str(GUIDE), "--no-sheet")
    assert code == 1
    lines = output.strip().splitlines()
    assert len(lines) == 1 and str(bad) in lines[0] and "Check Database" in lines[0]
    package = tmp_path / "backup.colpkg"
    with zipfile.ZipFile(package, "w") as z:
        z.writestr("collection.anki21b", b"not zstd at all")
    code, output = _progress(str(package), str(GUIDE), "--no-sheet")
    assert code == 1 and len(output.strip().splitlines()) == 1 and str(package) in output
    code, output = _progress(str(tmp_path / "missing.anki2"), str(GUIDE))
    assert code != 0 and "missing.anki2" in output


def test_notes_an_older_release_had_are_retired(studied: tuple[Study, Path], tmp_path: Path) -> None:
    study, _ = studied
    newer = tmp_path / "guide"
    shutil.copytree(GUIDE, newer)
    text = (newer / "352-containers.md").read_text(encoding="utf-8")
    (newer / "352-containers.md").write_text(text[:text.index("## 352.2 LXC")], encoding="utf-8")
    data = _report(study.path, tmp_path / "out", "--no-sheet", guide=newer)
    gone = [c for c, o in study.objective.items() if o == "352.2"]
    assert [r["id"] for r in data["objectives"]] == ["352.1", "353.1"]
    assert data["retired"] == {"notes": len({study.guid[c] for c in gone}), "cards": len(gone)}
    assert data["ignored_cards"] == 1


def test_fsrs_retrievability_is_090_at_the_stability() -> None:
    card = CardState(1, "g", (), 2, False, 0, 10, 0, 10.0, None, 10)
    assert retrievability(card, fsrs=True) == pytest.approx(0.9)
    assert retrievability(card, fsrs=False) == pytest.approx(0.9)
    later = CardState(1, "g", (), 2, False, 0, 10, 0, 10.0, 0.2, 30)
    assert retrievability(later, fsrs=True) == pytest.approx((1 + (0.9 ** -5 - 1) * 3) ** -0.2)
    assert math.isclose(retrievability(CardState(1, "g", (), 2, False, 0, 4, 0, None, None, 8), False), 1 / (1 + 8 / 36))


def test_a_missing_anki_names_the_extra(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "anki.collection", None)
    path = tmp_path / "collection.anki2"
    path.write_bytes(b"")
    code, output = _progress(str(path), str(GUIDE))
    assert code == 1 and "pip install 'cheatdeck[progress]'" in output and len(output.strip().splitlines()) == 1


def test_fsrs_collections_are_scored_by_their_memory_state(tmp_path: Path) -> None:
    apkg = build_package([str(GUIDE)], tmp_path / "dist")
    (tmp_path / "profile").mkdir()
    study = Study(tmp_path / "profile" / "collection.anki2", apkg, fsrs=True)
    study.run(12)
    data = _report(study.path, tmp_path / "out", "--no-sheet")
    assert data["method"]["retrievability"] == "fsrs"
    col = sqlite3.connect(study.path)
    state = {cid: json.loads(d) for cid, d in col.execute("select id, data from cards where type != 0")}
    col.close()
    last_seen = {cid: day for day, cid, _, _ in study.log}
    for o in WEIGHTS:
        rs = []
        for cid, memory in state.items():
            if study.objective[cid] == o:
                decay = memory.get("decay", 0.5)
                t = 11 - last_seen[cid]
                rs.append((1 + (0.9 ** (-1 / decay) - 1) * t / memory["s"]) ** -decay)
        row = next(r for r in data["objectives"] if r["id"] == o)
        assert row["mean_retrievability"] == (pytest.approx(sum(rs) / len(rs)) if rs else None)


def test_the_guide_notes_are_kept_until_a_guide_file_changes(studied: tuple[Study, Path], tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import builder.progress.facts as facts

    study, _ = studied
    guide = tmp_path / "guide"
    shutil.copytree(GUIDE, guide)
    made = []
    real = facts.read_guide_notes
    monkeypatch.setattr(facts, "read_guide_notes", lambda g: made.append(1) or real(g))
    first = _report(study.path, tmp_path / "a", "--no-sheet", guide=guide)
    again = _report(study.path, tmp_path / "b", "--no-sheet", guide=guide)
    assert first == again and len(made) == 1
    page = guide / "353-vm.md"
    page.write_text(page.read_text(encoding="utf-8").replace("**Weight:** 2", "**Weight:** 4"), encoding="utf-8")
    changed = _report(study.path, tmp_path / "c", "--no-sheet", guide=guide)
    assert len(made) == 2 and changed["objectives"][2]["weight"] == 4


def test_the_plan_spreads_each_objectives_unseen_cards_heaviest_first() -> None:
    from builder.progress.collection import Snapshot
    from builder.progress.facts import GuideNotes
    from builder.progress.plan import make_plan
    from builder.progress.readiness import ObjectiveRow, Readiness

    today = date(2027, 3, 1)
    rows = tuple(ObjectiveRow(oid, oid, weight, cards, seen, 0, 0, 0, 0, 0, None, 0.0)
                 for oid, weight, cards, seen in (("1.1", 2, 5, 5), ("1.2", 7, 40, 10), ("1.3", 6, 12, 2)))
    report = Readiness(today, "interval", rows, None, 0, 0, 0, ())
    snapshot = Snapshot(today, False, (CardState(9, "g", (), 2, False, -3, 5, 0, None, None, 8),
                                       CardState(8, "g", (), 2, False, 2, 5, 0, None, None, 3),
                                       CardState(7, "x", (), 2, False, 1, 5, 0, None, None, 3)), ())
    plan = make_plan(report, snapshot, GuideNotes("e", (), {"g": None}), date(2027, 3, 18), 7)  # type: ignore[dict-item]
    # 11 days (March 1 to 11): 30 unseen -> 3 a day, done on day 10; 10 -> 1 a day, done on day 10.
    assert plan.days == 11 and plan.last_day == date(2027, 3, 11)
    assert [(r.objective, r.unseen, r.per_day, r.finished) for r in plan.rows] == [
        ("1.2", 30, 3, date(2027, 3, 10)), ("1.3", 10, 1, date(2027, 3, 10)), ("1.1", 0, 0, None)]
    assert plan.per_day == 4
    # The overdue card today, the other of ours in two days; card 7 is not the guide's.
    assert [n for _, n in plan.forecast[:4]] == [1, 0, 1, 0] and len(plan.forecast) == 17


def test_every_note_of_source_has_its_fact_from_the_model() -> None:
    from builder.pipeline import check
    from builder.project import plan
    from builder.progress.facts import read_guide_notes

    run = plan([str(Path(__file__).parents[1] / "source")], "source")
    notes = read_guide_notes(check(run.sources, settings=run.settings).guide).notes.values()
    assert notes and all((n.fact.kind == "objective") == (n.kind == "overview") for n in notes)
    assert all(n.fact.lines for n in notes if n.fact.kind == "command")
    assert all(len(n.fact.columns) >= 2 for n in notes if n.fact.kind == "row")


def test_a_collection_that_changes_while_copied_is_refused(studied: tuple[Study, Path], tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import builder.progress.collection as reading

    study, _ = studied
    path = tmp_path / "collection.anki2"
    shutil.copyfile(study.path, path)
    copy = shutil.copyfile

    def anki_writes_meanwhile(source, target):  # type: ignore[no-untyped-def]
        copy(source, target)
        with open(path, "ab") as live:  # as Anki would, between our copy and our second look
            live.write(b"\0" * 4096)

    monkeypatch.setattr(reading.shutil, "copyfile", anki_writes_meanwhile)
    code, output = _progress(str(path), str(GUIDE), "--no-sheet")
    assert code == 1 and len(output.strip().splitlines()) == 1
    assert "changed while it was copied" in output and "close Anki" in output
