"""Release after release: v1 → review → edit → v2 updates in place and keeps every review."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from anki_helpers import T0, import_deck, open_collection
from builder.resources import templates_dir
from test_anki_import import APKG, EXAM, GUIDE, build_decks, model_name

PURPOSE_OLD = "run a shell in a new PID namespace with its own /proc"
PURPOSE_NEW = "start a shell in a new PID namespace that mounts its own /proc"
CSS_RULE = ".prompt { font-size: 1.15em;"
CSS_NEW = ".prompt { font-size: 1.2em;"


def review_every_card(col) -> None:  # type: ignore[no-untyped-def]
    """Answer each card once with Easy, as a learner would in a first pass."""
    top = col.decks.id_for_name(EXAM)
    conf = col.decks.config_dict_for_deck_id(top)
    conf["new"]["perDay"] = 9999
    col.decks.update_config(conf)
    col.decks.select(top)
    for _ in range(10_000):
        card = col.sched.getCard()
        if card is None:
            break
        col.sched.answerCard(card, 4)


def history(col) -> dict[int, tuple[int, int, int]]:  # type: ignore[no-untyped-def]
    """Per card: number of review log entries, card type and interval."""
    rows = col.db.all("SELECT c.id, (SELECT count() FROM revlog r WHERE r.cid = c.id), c.type, c.ivl "
                      "FROM cards c")
    return {cid: (reviews, ctype, ivl) for cid, reviews, ctype, ivl in rows}


def edit_sources(src: Path, tmp: Path) -> Path:
    """A purpose, a table cell and a CSS rule change; one command group goes away."""
    md = src / "352-containers.md"
    text = md.read_text()
    for old, new in ((PURPOSE_OLD, PURPOSE_NEW), ("| Own guest kernel |", "| Its own guest kernel |"),
                     ("```sh\n# launch an Ubuntu container called web\nlxc launch ubuntu:24.04 web\n```",
                      "")):
        assert old in text
        text = text.replace(old, new)
    md.write_text(text)
    override = tmp / "templates"
    shutil.copytree(templates_dir() / "anki", override / "anki")
    css = override / "anki" / "cards.css"
    assert CSS_RULE in css.read_text()
    css.write_text(css.read_text().replace(CSS_RULE, CSS_NEW))
    return override


def changed_guids(before: dict, after: dict) -> set[str]:
    return {g for g, e in after["notes"].items() if g in before["notes"]
            and e["mod"] != before["notes"][g]["mod"]}


@pytest.mark.slow
def test_v2_updates_in_place_and_keeps_reviews(tmp_path: Path) -> None:
    src = Path(shutil.copytree(GUIDE, tmp_path / "guide"))
    build_decks(src, tmp_path / "v1")
    lock_v1 = json.loads((src / "cheatdeck.lock").read_text())
    col = open_collection(tmp_path / "col")
    try:
        import_deck(col, tmp_path / "v1" / "anki" / APKG)
        review_every_card(col)
        reviewed = history(col)
        assert reviewed and all(n == 1 and ctype == 2 for n, ctype, _ in reviewed.values())
        notes_before = set(col.find_notes(""))

        override = edit_sources(src, tmp_path)
        # The same second as v1: changed notes must still get a newer mod.
        out = build_decks(src, tmp_path / "v2", epoch=T0, templates_dir=str(override))
        lock_v2 = json.loads((src / "cheatdeck.lock").read_text())
        changed = changed_guids(lock_v1, lock_v2)
        assert all(lock_v2["notes"][g]["mod"] == T0 + 1 for g in changed)

        log = import_deck(col, out / APKG)
        updated = {col.get_note(n.id.nid).guid for n in log.updated}
        assert not log.new and updated == changed
        assert len(log.duplicate) == len(lock_v2["notes"]) - len(changed)  # reported up to date
        assert set(col.find_notes("")) == notes_before  # nothing duplicated, nothing lost
        after = history(col)
        assert {cid: h for cid, h in after.items() if cid in reviewed} == reviewed

        recall = col.find_notes(f'"note:{model_name("command")}" "Purpose:{PURPOSE_NEW}"')
        assert len(recall) == 1 and col.get_note(recall[0]).guid in updated
        assert col.find_notes('"FullTable:*Its own guest kernel*"')
        model = col.models.by_name(model_name("command"))
        assert CSS_NEW in model["css"] and model["mod"] == T0 + 1

        removed = (out / "removed.txt").read_text().splitlines()
        searches = [line.split("\t")[0] for line in removed if line.startswith("Id:") and "\t" in line]
        # the command group, and the cited object `lxc` that only its purpose explained
        assert sorted(line.split("\t")[1] for line in removed if line.startswith("Id:") and "\t" in line) == [
            "352.2 cited lxc", "352.2 command lxc launch ubuntu:24.04 web"]
        assert all(len(col.find_notes(search)) == 1 for search in searches)  # each finds its note to delete

        again = import_deck(col, out / APKG)
        assert not again.new and not again.updated
    finally:
        col.close()


LXC_BLOCK = "```sh\n# launch an Ubuntu container called web\nlxc launch ubuntu:24.04 web\n```\n"


@pytest.mark.slow
def test_a_deleted_then_re_added_note_keeps_its_id_and_is_updated(tmp_path: Path) -> None:
    """Re-added with new wording, at the same fixed SOURCE_DATE_EPOCH: Anki's default import
    ("update if newer") must still take the new wording into the learner's existing note."""
    src = Path(shutil.copytree(GUIDE, tmp_path / "guide"))
    md = src / "352-containers.md"
    original = md.read_text()
    assert LXC_BLOCK in original
    build_decks(src, tmp_path / "v1", epoch=T0)
    v1 = json.loads((src / "cheatdeck.lock").read_text())
    guid = next(g for g, e in v1["notes"].items() if "lxc launch" in e["identity"])
    col = open_collection(tmp_path / "col")
    try:
        import_deck(col, tmp_path / "v1" / "anki" / APKG)
        (nid,) = col.find_notes(f"Id:{guid}")
        assert nid == v1["notes"][guid]["id"]

        md.write_text(original.replace(LXC_BLOCK, ""))
        build_decks(src, tmp_path / "v2", epoch=T0)
        v2 = json.loads((src / "cheatdeck.lock").read_text())
        assert v2["removed"][guid]["id"] == nid and v2["removed"][guid]["mod"] == T0

        md.write_text(original.replace("called web", "named web"))
        out = build_decks(src, tmp_path / "v3", epoch=T0)
        v3 = json.loads((src / "cheatdeck.lock").read_text())
        assert guid not in v3["removed"]
        assert v3["notes"][guid]["id"] == nid and v3["notes"][guid]["mod"] == T0 + 1

        log = import_deck(col, out / APKG)
        updated = {col.get_note(n.id.nid).guid for n in log.updated}
        assert guid in updated and not log.new  # (the lxc cited-object card quotes it too)
        assert col.find_notes(f"Id:{guid}") == [nid]
        assert "named web" in col.get_note(nid)["Purpose"]
    finally:
        col.close()


GIT_ENV = {"GIT_AUTHOR_NAME": "Guide Maintainer", "GIT_AUTHOR_EMAIL": "maintainer@example.org",
           "GIT_COMMITTER_NAME": "Guide Maintainer", "GIT_COMMITTER_EMAIL": "maintainer@example.org",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
SRC_LINK = re.compile(r'<a class="src" href="https://github\.com/o/guide/blob/([0-9a-f]{40})/guide/[^"]+#L\d+"')


def commit_all(repo: Path, message: str) -> str:
    for args in (("add", "-A"), ("commit", "-q", "-m", message)):
        subprocess.run(["git", *args], cwd=repo, env={**os.environ, **GIT_ENV}, check=True)
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True,
                          check=True).stdout.strip()


def links_of(col) -> dict[str, str | None]:  # type: ignore[no-untyped-def]
    """GUID -> the commit its source link names (None: no link)."""
    out = {}
    for nid in col.find_notes(""):
        note = col.get_note(nid)
        found = SRC_LINK.search("\x1f".join(note.fields))
        out[note.guid] = found.group(1) if found else None
    return out


@pytest.mark.slow
def test_v2_with_source_links_keeps_reviews_and_updates_only_changed_facts(tmp_path: Path) -> None:
    """A guide on GitHub: every card links to its line at the commit built; v2 moves every link to
    a new commit, yet only the notes whose facts changed are updated, and reviews are kept."""
    repo = tmp_path / "repo"
    src = Path(shutil.copytree(GUIDE, repo / "guide"))
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, check=True)
    subprocess.run(["git", "remote", "add", "origin", "git@github.com:o/guide.git"], cwd=repo, check=True)
    commit_all(repo, "guide")
    build_decks(src, tmp_path / "v1")
    first = commit_all(repo, "ledger")  # the ledger only: the guide's lines are as built
    build_decks(src, tmp_path / "v1")
    lock_v1 = json.loads((src / "cheatdeck.lock").read_text())
    col = open_collection(tmp_path / "col")
    try:
        import_deck(col, tmp_path / "v1" / "anki" / APKG)
        assert set(links_of(col).values()) == {first}  # every note has its link
        types_before = {m["id"]: m["mod"] for m in col.models.all()}
        review_every_card(col)
        reviewed = history(col)

        md = src / "352-containers.md"
        md.write_text(md.read_text().replace(PURPOSE_OLD, PURPOSE_NEW))
        build_decks(src, tmp_path / "v2", epoch=T0 + 100)
        second = commit_all(repo, "v2")
        out = build_decks(src, tmp_path / "v2", epoch=T0 + 100)  # built from the new commit
        lock_v2 = json.loads((src / "cheatdeck.lock").read_text())
        changed = changed_guids(lock_v1, lock_v2)
        assert changed

        log = import_deck(col, out / APKG)
        updated = {col.get_note(n.id.nid).guid for n in log.updated}
        assert not log.new and updated == changed  # a moved link alone updates nothing
        assert {m["id"]: m["mod"] for m in col.models.all()} == types_before  # no note type changed
        assert {cid: h for cid, h in history(col).items() if cid in reviewed} == reviewed
        links = links_of(col)
        assert all(links.values())
        assert {g for g, c in links.items() if c == second} == changed
        assert {g for g, c in links.items() if c == first} == set(links) - changed
        guid = next(iter(changed))
        assert len(col.find_notes(f"Id:{guid}")) == 1  # the Id field still holds the GUID alone
    finally:
        col.close()
