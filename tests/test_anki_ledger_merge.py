"""Two branches each add a card; git merges their ledgers with the merge driver; the merged
deck imports into one Anki collection that already holds both branches' decks."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from anki_helpers import T0, collection, import_deck
from test_anki_import import APKG, GUIDE, build_decks
from test_anki_ledger import UNAME, insert_command

HOSTNAME = "```sh\n# print the host name\nhostname\n```\n\n"
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True)


def commit_build(repo: Path, out: Path, message: str) -> Path:
    """Build the decks at the base's fixed time (the case where clock ids used to collide)."""
    apkg = build_decks(repo / "guide", out, epoch=T0) / APKG
    assert git(repo, "add", "-A").returncode == 0
    assert git(repo, "commit", "-q", "-m", message).returncode == 0
    return apkg


def lock(repo: Path) -> dict:
    return json.loads((repo / "guide" / "cheatdeck.lock").read_text())


@pytest.mark.slow
def test_branches_merge_their_ledgers_and_import_into_one_collection(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(GUIDE, repo / "guide")
    assert git(repo, "init", "-q", "-b", "main").returncode == 0
    # The lines docs/anki.md gives, with this interpreter in place of `cheatdeck`.
    (repo / ".gitattributes").write_text("cheatdeck.lock merge=cheatdeck\n")
    driver = f"{shlex.quote(sys.executable)} -m builder ledger merge %O %A %B"
    assert git(repo, "config", "merge.cheatdeck.driver", driver).returncode == 0
    commit_build(repo, tmp_path / "base", "guide")
    base = lock(repo)

    git(repo, "checkout", "-q", "-b", "theirs")
    insert_command(repo / "guide", "## 352.2 LXC\n", HOSTNAME)
    theirs_apkg = commit_build(repo, tmp_path / "theirs", "hostname")
    theirs = lock(repo)
    git(repo, "checkout", "-q", "main")
    insert_command(repo / "guide", "#### unshare\n", UNAME)
    ours_apkg = commit_build(repo, tmp_path / "ours", "uname")
    ours = lock(repo)

    # each added command also adds the cloze of its option: compare the command notes
    (added_ours,) = (g for g in set(ours["notes"]) - set(base["notes"])
                     if " command " in ours["notes"][g]["identity"])
    (added_theirs,) = (g for g in set(theirs["notes"]) - set(base["notes"])
                       if " command " in theirs["notes"][g]["identity"])
    assert ours["notes"][added_ours]["id"] != theirs["notes"][added_theirs]["id"]

    merged = git(repo, "merge", "-q", "--no-edit", "theirs")
    assert merged.returncode == 0, merged.stdout + merged.stderr
    both = len(set(ours["notes"]) | set(theirs["notes"]))
    assert f"merged identity ledger: {both} notes, 0 removed" in merged.stderr  # the driver ran
    assert "<<<<<<<" not in (repo / "guide" / "cheatdeck.lock").read_text()
    result = lock(repo)
    assert set(result["notes"]) == set(ours["notes"]) | set(theirs["notes"])
    ids = [e["id"] for e in result["notes"].values()]
    assert len(set(ids)) == len(ids)

    # The merged ledger is what a build of the merged guide wants: --locked passes as it is.
    out = build_decks(repo / "guide", tmp_path / "merged", epoch=T0 + 3600, locked=True)
    with collection(tmp_path / "col", ours_apkg, theirs_apkg) as col:
        count = len(col.find_notes(""))
        assert count == len(result["notes"])
        log = import_deck(col, out / APKG)  # no sqlite IntegrityError, in the build or in Anki
        assert not log.new and not log.updated and len(log.duplicate) == count
        guids = col.db.list("SELECT guid FROM notes")
        assert len(guids) == len(set(guids)) == count
        assert {col.db.scalar("SELECT id FROM notes WHERE guid = ?", g)
                for g in (added_ours, added_theirs)} == \
            {result["notes"][added_ours]["id"], result["notes"][added_theirs]["id"]}


@pytest.mark.slow
def test_a_new_note_whose_id_a_learner_already_uses_gets_another(tmp_path: Path) -> None:
    """Hashed ids can land on an id of the learner's own notes; Anki's import moves ours."""
    src = Path(shutil.copytree(GUIDE, tmp_path / "guide"))
    out = build_decks(src, tmp_path / "dist", epoch=T0)
    taken = next(iter(json.loads((src / "cheatdeck.lock").read_text())["notes"].values()))["id"]
    with collection(tmp_path / "col") as col:
        mine = col.new_note(col.models.by_name("Basic"))
        mine["Front"] = "my own card"
        col.add_note(mine, col.decks.id_for_name("Default"))
        card = mine.cards()[0].id
        col.db.execute("UPDATE notes SET id = ? WHERE id = ?", taken, mine.id)
        col.db.execute("UPDATE cards SET id = ?, nid = ? WHERE id = ?", taken, taken, card)
        log = import_deck(col, out / APKG)
        assert len(log.new) == len(json.loads((src / "cheatdeck.lock").read_text())["notes"])
        assert col.get_note(taken)["Front"] == "my own card"
        assert len(col.find_notes("tag:cheatdeck")) == len(log.new)
