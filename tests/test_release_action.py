"""The GitHub Action's work without GitHub: a guide repository released twice (release, edit,
release) by `python -m builder.release_action`, its assets, its CHANGES.md against the two
ledgers, the cards' source links against the guide lines, and actionlint on the action."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from html import unescape
from pathlib import Path

import pytest

from builder.anki.notes import guide_notes
from builder.reader import read_guide
from builder.release_notes import compare
from builder.sourcelinks import template_for_remote
from test_workflows import ROOT, actionlint

GUIDE = Path(__file__).resolve().parent / "fixtures" / "anki" / "guide"
REMOTE = "https://github.com/example-org/lpic3-guide.git"
LINK = re.compile(r'<a class="src" href="https://github\.com/example-org/lpic3-guide/blob/'
                  r'(?P<commit>[0-9a-f]{40})/(?P<path>[^"#]+)#L(?P<line>\d+)"')
GIT_ENV = {"GIT_AUTHOR_NAME": "Guide Maintainer", "GIT_AUTHOR_EMAIL": "maintainer@example.org",
           "GIT_COMMITTER_NAME": "Guide Maintainer", "GIT_COMMITTER_EMAIL": "maintainer@example.org",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
PURPOSE_OLD = "run a shell in a new PID namespace with its own /proc"
PURPOSE_NEW = "start a shell in a new PID namespace that mounts its own /proc"
GONE = "```sh\n# launch an Ubuntu container called web\nlxc launch ubuntu:24.04 web\n```"
ADDED = "\n```sh\n# list the containers with their addresses\nlxc list --format csv\n```\n"


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, env={**os.environ, **GIT_ENV},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def cheatdeck(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    return subprocess.run([sys.executable, "-m", "builder", *args], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=600)


def run_action(repo: Path, out: Path) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    """The composite action's build step, as action.yml runs it (inputs as INPUT_* variables)."""
    github_output = out / "github-output"
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env.update({"INPUT_SOURCES": "source", "INPUT_OUTPUT": "dist", "INPUT_FORMATS": "json anki",
                "INPUT_PAPER": "a4", "INPUT_STRICT": "false", "GITHUB_OUTPUT": str(github_output)})
    done = subprocess.run([sys.executable, "-m", "builder.release_action"], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=600)
    outputs = dict(line.split("=", 1) for line in github_output.read_text().splitlines()) \
        if github_output.exists() else {}
    return done, outputs


def release(repo: Path, tag: str, out: Path) -> dict[str, object]:
    """Write the ledger, commit, tag, run the action; keep what it made under `out`."""
    built = cheatdeck(repo, "build", "source", "-f", "anki", "-o", str(out / "ledger-build"))
    assert built.returncode == 0, built.stderr
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"guide for {tag}")
    git(repo, "tag", "-a", tag, "-m", tag)
    done, outputs = run_action(repo, out)
    assert done.returncode == 0, done.stdout + done.stderr
    shutil.copytree(repo / "release-assets", out / "assets")
    shutil.rmtree(repo / "release-assets")
    shutil.rmtree(repo / "dist")
    ledger = json.loads((repo / "source" / "cheatdeck.lock").read_text())
    return {"outputs": outputs, "stdout": done.stdout, "ledger": ledger,
            "commit": git(repo, "rev-parse", "HEAD"), "assets": out / "assets"}


@pytest.fixture(scope="module")
def releases(tmp_path_factory) -> tuple[Path, dict, dict]:
    """A guide repository on 'GitHub', released as v1, edited, released as v2."""
    repo = tmp_path_factory.mktemp("guide-repo")
    shutil.copytree(GUIDE, repo / "source")
    (repo / ".gitignore").write_text("dist/\nrelease-assets/\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "remote", "add", "origin", REMOTE)
    v1 = release(repo, "v1", tmp_path_factory.mktemp("v1"))
    md = repo / "source" / "352-containers.md"
    text = md.read_text()
    assert PURPOSE_OLD in text and GONE in text
    md.write_text(text.replace(PURPOSE_OLD, PURPOSE_NEW).replace(GONE, "") + ADDED)
    v2 = release(repo, "v2", tmp_path_factory.mktemp("v2"))
    return repo, v1, v2


def apkg_notes(apkg: Path, tmp: Path) -> dict[str, str]:
    """GUID -> fields of every note in a package, read from its sqlite."""
    with zipfile.ZipFile(apkg) as z:
        name = next(n for n in z.namelist() if n.startswith("collection.anki2"))
        db_path = tmp / f"{apkg.stem}.sqlite"
        db_path.write_bytes(z.read(name))
    db = sqlite3.connect(db_path)
    try:
        return dict(db.execute("SELECT guid, flds FROM notes").fetchall())
    finally:
        db.close()


def counts_in(changes_md: str) -> dict[str, int]:
    found = re.search(r"(\d+) new, (\d+) updated, (\d+) retired", changes_md)
    assert found, changes_md
    return dict(zip(("added", "changed", "retired"), map(int, found.groups())))


def listed(changes_md: str, label: str) -> int:
    return sum(int(n) for n in re.findall(rf"^{label} \((\d+)\):$", changes_md, re.M))


# --- the assets and the workflow outputs ----------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("which", [1, 2])
def test_the_action_stages_every_release_file(releases, which):
    release_ = releases[which]
    assets = release_["assets"]
    manifest = json.loads((assets / "manifest.json").read_text())
    names = {p.name for p in assets.iterdir()}
    assert names == {a["asset"] for a in manifest["artifacts"]} | {"manifest.json", "SHA256SUMS"}
    assert {"CHANGES.md", "notes.json", "removed.txt", "lpic-3-305.apkg"} <= names
    done = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=assets, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert release_["outputs"] == {"assets": "release-assets", "output": "dist",
                                   "changes": "release-assets/CHANGES.md", "files": str(len(names))}
    assert manifest["guide"]["version"] == f"v{which}"
    assert manifest["guide"]["commit"] == release_["commit"]


@pytest.mark.slow
def test_the_check_step_prints_annotations_and_a_strict_check_stops_the_release(releases, tmp_path):
    repo = releases[0]
    md = repo / "source" / "353-vm.md"
    saved = md.read_text()
    try:  # a broken image is a warning: strict stops before anything is built
        md.write_text(saved + "\n![diagram](img/missing.png)\n")
        env_out = tmp_path
        github_output = env_out / "github-output"
        env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
        env.update({"INPUT_SOURCES": "source", "INPUT_FORMATS": "anki", "GITHUB_OUTPUT": str(github_output)})
        done = subprocess.run([sys.executable, "-m", "builder.release_action"], cwd=repo, env=env,
                              capture_output=True, text=True, timeout=600)
    finally:
        md.write_text(saved)
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.search(r"^::warning file=source/353-vm\.md,line=\d+,col=\d+,title=[\w-]+::", done.stdout, re.M)
    assert not (repo / "dist").exists() and not github_output.exists()


# --- CHANGES.md against the ledgers ----------------------------------------------------------------

@pytest.mark.slow
def test_first_release_lists_every_note_as_new(releases):
    v1 = releases[1]
    text = (v1["assets"] / "CHANGES.md").read_text()
    notes = v1["ledger"]["notes"]
    assert counts_in(text) == {"added": len(notes), "changed": 0, "retired": 0}
    assert listed(text, "New") == len(notes) and "in this first release" in text
    manifest = json.loads((v1["assets"] / "manifest.json").read_text())
    assert manifest["changes"]["since"] is None
    assert manifest["changes"]["notes"] == {"added": len(notes), "changed": 0, "retired": 0}


@pytest.mark.slow
def test_second_release_counts_what_changed_between_the_ledgers(releases):
    _, v1, v2 = releases
    old, new = v1["ledger"]["notes"], v2["ledger"]["notes"]
    added = set(new) - set(old)
    retired = set(old) - set(new)
    changed = {g for g in set(old) & set(new) if old[g]["hash"] != new[g]["hash"]}
    assert added and retired and changed  # the edit did all three
    expected = {"added": len(added), "changed": len(changed), "retired": len(retired)}
    text = (v2["assets"] / "CHANGES.md").read_text()
    assert counts_in(text) == expected
    assert (listed(text, "New"), listed(text, "Updated"), listed(text, "Retired")) == \
        (len(added), len(changed), len(retired))
    assert "since v1" in text and "`lxc launch ubuntu:24.04 web`" in text
    manifest = json.loads((v2["assets"] / "manifest.json").read_text())
    assert manifest["changes"]["since"] == "v1" and manifest["changes"]["notes"] == expected
    per_objective = manifest["changes"]["objectives"]
    assert sum(o["added"] for o in per_objective.values()) == len(added)
    for oid, entry in per_objective.items():
        assert entry["search"] == f"tag:LPIC-3::305::{oid.split('.')[0]}::{oid}"
        assert f"`{entry['search']}`" in text
    for guid in added | changed:
        assert f"Id:{guid}" in text  # the exact search for each new or updated note


def test_compare_reads_tombstoned_notes_as_retired():
    old = {"notes": {"a": {"hash": "1", "identity": "1.1 command ls", "objective": "1.1"},
                     "b": {"hash": "2", "identity": "1.1 command cd", "objective": "1.1"}}}
    new = {"notes": {"a": {"hash": "9", "identity": "1.1 command ls", "objective": "1.1"},
                     "c": {"hash": "3", "identity": "1.2 row t / r", "objective": "1.2"}},
           "removed": {"b": {"identity": "1.1 command cd", "objective": "1.1"}}}
    changes = compare(old, new, "v1")
    assert changes.totals() == {"added": 1, "changed": 1, "retired": 1}
    assert changes.objectives["1.1"].retired == [("1.1 command cd", "b")]
    assert list(changes.objectives) == ["1.1", "1.2"]


# --- source links ------------------------------------------------------------------------------

@pytest.mark.slow
def test_sampled_card_links_resolve_to_the_line_their_fact_came_from(releases, tmp_path, monkeypatch):
    repo, _, v2 = releases
    fields = apkg_notes(v2["assets"] / "lpic-3-305.apkg", tmp_path)
    monkeypatch.chdir(repo)
    guide = read_guide(["source"]).guide
    positions = {n.guid: n.pos for n in guide_notes(guide, repo / "source")}
    linked = {guid: LINK.search(text) for guid, text in fields.items()}
    assert all(linked.values()), [g for g, m in linked.items() if not m]  # every card has its link
    sample = random.Random(30).sample(sorted(linked), 20)
    for guid in sample:
        link = linked[guid]
        assert link is not None
        pos = positions[guid]
        assert link["commit"] == v2["commit"] and link["path"] == pos.path
        assert int(link["line"]) == pos.line
        # the line as it was at that commit, read back from git, says what the card says
        line = git(repo, "show", f"{link['commit']}:{link['path']}").splitlines()[pos.line - 1]
        words = set(re.findall(r"[\w./-]{4,}", line.lower()))
        plain = unescape(re.sub(r"<[^>]+>", " ", fields[guid])).lower()
        assert words and any(w in plain for w in words), (line, plain[:200])


@pytest.mark.slow
def test_a_release_changes_no_note_for_its_new_links(releases):
    """v2's links name a new commit, but a note whose fact did not change keeps its mod."""
    _, v1, v2 = releases
    old, new = v1["ledger"]["notes"], v2["ledger"]["notes"]
    same = [g for g in set(old) & set(new) if old[g]["hash"] == new[g]["hash"]]
    assert same and all(old[g]["mod"] == new[g]["mod"] for g in same)


def test_the_remote_gives_each_forges_line_links():
    cases = {
        "https://github.com/o/r.git": "https://github.com/o/r/blob/{commit}/{path}#L{line}",
        "git@github.com:o/r.git": "https://github.com/o/r/blob/{commit}/{path}#L{line}",
        "ssh://git@gitlab.com/group/sub/r.git": "https://gitlab.com/group/sub/r/-/blob/{commit}/{path}#L{line}",
        "https://codeberg.org/o/r": "https://codeberg.org/o/r/src/commit/{commit}/{path}#L{line}",
        "https://git.example.org/o/r.git": None, "/srv/git/r.git": None, "": None,
        "https://github.com/o/{0}.git": None, "https://github.com/o/../r": None,
    }
    for remote, template in cases.items():
        assert template_for_remote(remote) == template, remote


def test_sheet_blocks_and_tables_link_to_their_lines(releases, monkeypatch):
    from builder.sheets.context import Layout, objective_sheet
    from builder.sourcelinks import source_links

    repo = releases[0]
    monkeypatch.chdir(repo)
    guide = read_guide(["source"]).guide
    links = source_links(repo / "source")
    assert links is not None and links.commit == git(repo, "rev-parse", "HEAD")
    topic = guide.topics[0]
    o = topic.objectives[0]
    sheet = objective_sheet(guide, topic, o, Layout("a4", "landscape", "color"), links=links)
    blocks = sheet.important + sheet.other
    assert blocks and sheet.tables
    groups = [g for g in o.command_groups if g.lines]
    assert [b.source for b in blocks] == [links.url(g.pos) for g in sorted(
        groups, key=lambda g: not g.important)]
    assert [t.source for t in sheet.tables] == [links.url(t.pos) for t in o.tables]
    assert all(LINK.search(f'<a class="src" href="{b.source}"') for b in blocks)
    unlinked = objective_sheet(guide, topic, o, Layout("a4", "landscape", "color"))
    assert all(b.source is None for b in unlinked.important + unlinked.other)


def test_source_url_in_the_project_file_is_checked(tmp_path):
    from builder.project import ConfigError, load_project

    project = tmp_path / "cheatdeck.toml"
    project.write_text('source_url = "https://git.example.org/g/src/{commit}/{path}#L{line}"\n')
    assert load_project(project).source_url.startswith("https://git.example.org/")
    project.write_text('exam = "X"\nsource_url = "https://x/{sha}/{path}"\n')
    with pytest.raises(ConfigError, match=r"cheatdeck\.toml:2: error: source_url unknown placeholder"):
        load_project(project)


# --- actionlint on the action, through the documented workflow ----------------------------------

def example_workflow() -> str:
    """The workflow docs/releasing.md tells a guide author to commit."""
    text = (ROOT / "docs" / "releasing.md").read_text()
    block = re.search(r"```yaml\n(.*?)```", text, re.S)
    assert block, "docs/releasing.md has no yaml block"
    return "\n".join(line[3:] if line.startswith("   ") else line
                     for line in block.group(1).splitlines()) + "\n"


def lint_with_action(tmp_path: Path, workflow: str) -> subprocess.CompletedProcess[str]:
    """actionlint on `workflow` in a repository whose root holds this action (used as ./)."""
    shutil.copy(ROOT / "action.yml", tmp_path / "action.yml")
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "release.yml").write_text(workflow)
    git(tmp_path, "init", "-q")
    return subprocess.run([actionlint(), "-no-color", "-oneline", ".github/workflows/release.yml"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)


def test_the_documented_workflow_passes_actionlint_against_action_yml(tmp_path):
    workflow = example_workflow()
    uses = re.search(r"uses: (\S+/cheatdeck@[0-9a-f]{40})", workflow)
    assert uses, workflow
    done = lint_with_action(tmp_path, workflow.replace(uses.group(1), "./"))
    assert done.returncode == 0 and done.stdout == "", done.stdout + done.stderr


def test_actionlint_checks_the_inputs_against_action_yml(tmp_path):
    workflow = re.sub(r"uses: \S+/cheatdeck@\S+", "uses: ./", example_workflow())
    done = lint_with_action(tmp_path, workflow.replace("strict:", "strcit:"))
    assert done.returncode == 1 and 'input "strcit" is not defined' in done.stdout, done.stdout
