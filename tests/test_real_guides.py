"""Guides written by others, read as they are: the whole upstream guide, repeats, stray fences,
root-relative images, mark cells, other LPI exams, the project file and cwd-independent output."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from builder.config import BuildConfig
from builder.pipeline import build, check
from builder.reader.certification import exam_from_title, exam_from_topics, name_exam

HERE = Path(__file__).resolve().parent
GUIDES = HERE / "fixtures" / "guides"
RULES = HERE / "fixtures" / "rules"
UPSTREAM = HERE.parent.parent / "shared" / "upstream" / "README.md"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
       b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")


def cheatdeck(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "builder", *args], cwd=cwd, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(HERE.parent)})


@pytest.fixture(scope="module")
def upstream() -> Path:
    if not UPSTREAM.is_file():
        pytest.skip("../shared/upstream/README.md is not present")
    return UPSTREAM


@pytest.fixture(scope="module")
def upstream_build(upstream: Path, tmp_path_factory: pytest.TempPathFactory,
                   pytestconfig: pytest.Config) -> tuple[Path, str]:
    """Every format of the upstream guide, built by the command line. Its sheets' renders come
    from the session's shared sheets build of the same guide (tests/conftest.py), copied into
    the output's cache as a user's earlier build would have left them: the command still plans,
    checks each render against its recorded sha256 and writes every PDF."""
    from tests.conftest import shared_sheets

    out = tmp_path_factory.mktemp("upstream")
    shutil.copytree(shared_sheets(pytestconfig, "upstream", [upstream]).sheets.parent / ".cache",
                    out / "dist" / ".cache")
    done = cheatdeck("build", str(upstream), "-o", str(out / "dist"), "--ledger", str(out / "l.lock"),
                     "--no-progress")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    return out / "dist", done.stderr


@pytest.mark.slow
def test_upstream_guide_writes_every_artifact(upstream_build: tuple[Path, str]) -> None:
    dist, _ = upstream_build
    decks = sorted(p.name for p in (dist / "anki").glob("*.apkg"))
    assert decks == ["lpic-3-305-300-351.apkg", "lpic-3-305-300-352.apkg", "lpic-3-305-300-353.apkg",
                     "lpic-3-305-300.apkg"]
    pdfs = sorted(p.stem for p in (dist / "sheets").glob("*.pdf"))
    assert len([p for p in pdfs if p[:5].replace(".", "").isdigit() and "." in p[:5]]) == 13
    assert {p for p in pdfs if "." not in p[:4]} >= {"351-full-virtualization",
                                                      "352-container-virtualization",
                                                      "353-vm-deployment-and-provisioning"}
    for pdf in (dist / "sheets").glob("*.pdf"):
        assert pdf.read_bytes().rstrip().endswith(b"%%EOF"), pdf


@pytest.mark.slow
def test_upstream_deck_imports_into_anki(upstream_build: tuple[Path, str], tmp_path: Path) -> None:
    from anki_helpers import collection

    dist, _ = upstream_build
    with collection(tmp_path / "col", dist / "anki" / "lpic-3-305-300.apkg") as col:
        notes = col.find_notes("")
        assert len(notes) >= 1000
        objective_decks = [d.name for d in col.decks.all_names_and_ids() if d.name.count("::") == 2]
        assert len(objective_decks) == 13
        first_fields: dict[str, Counter[str]] = defaultdict(Counter)
        for nid in notes:
            note = col.get_note(nid)
            deck = col.decks.name(note.cards()[0].did)
            first_fields[f"{deck}\x1f{note.note_type()['name']}"][note.fields[0]] += 1
        repeated = {k: [f for f, n in c.items() if n > 1] for k, c in first_fields.items()}
        assert not any(repeated.values()), repeated


def test_upstream_check_reports_repeats_as_info_and_exits_zero(upstream: Path) -> None:
    done = cheatdeck("-v", "check", "--format", "json", str(upstream))
    assert done.returncode == 0, done.stdout[-2000:]
    found = json.loads(done.stdout)
    repeats = [d for d in found if d["rule"] == "repeated-command"]
    assert len(repeats) >= 4 and {d["severity"] for d in repeats} == {"info"}
    assert not [d for d in found if d["severity"] == "error"]
    assert check([str(upstream)]).guide.exam == "LPIC-3 305-300"  # from its title line


def test_stray_fences_lose_no_objective() -> None:
    result = check([str(RULES / "fence-swallows-heading.md")])
    objectives = {o.id: o for o in result.guide.objectives}
    assert sorted(objectives) == ["940.1", "940.2", "940.3"]
    assert [objectives[i].weight for i in sorted(objectives)] == [2, 3, 4]
    assert objectives["940.2"].key_knowledge_areas[0].plain == "Knowing what a fence is"
    assert objectives["940.2"].command_groups[0].lines[0].text == "virsh version"
    cut = [d for d in result.diagnostics if d.rule == "fence-swallows-heading"]
    assert [(d.pos.line, d.severity.value) for d in cut] == [(16, "error"), (35, "error")]
    assert "line 18" in cut[0].message and "940.2 Swallowed objective" in cut[0].message
    assert not [d for d in result.diagnostics if d.rule == "fence-unclosed"]


def test_a_fence_that_shows_markdown_or_yaml_keeps_its_lines(tmp_path: Path) -> None:
    guide = tmp_path / "g.md"
    guide.write_text("# Topic 352: T\n\n## 352.1 One\n\n**Weight:** 1\n\n```yaml\ndescription: x\n"
                     "```\n\n```markdown\n## 352.2 Not an objective\n```\n")
    result = check([str(guide)])
    assert [o.id for o in result.guide.objectives] == ["352.1"]
    assert not [d for d in result.diagnostics if d.rule == "fence-swallows-heading"]


def test_mark_only_cells_keep_their_mark() -> None:
    table = check([str(GUIDES / "marks.md")]).guide.objectives[0].tables[0]
    cells = [[c.plain for c in row.cells] for row in table.rows]
    assert cells == [["Snapshots", "\u2717", "\u2713", "\u2713"], ["Quotas", "\u26a0", "\u2713", "\u2713 \u2713"],
                     ["Copy-on-write", "no", "yes", "yes"]]


def test_mark_cells_reach_the_anki_row_cards(tmp_path: Path) -> None:
    build([str(GUIDES / "marks.md")], BuildConfig(output=tmp_path / "dist", formats=("anki",),
                                                 options={"ledger": str(tmp_path / "l.lock")}))
    apkg = next((tmp_path / "dist" / "anki").glob("*-943.apkg"))
    with zipfile.ZipFile(apkg) as z:
        blob = z.read("collection.anki2") if "collection.anki2" in z.namelist() else b""
    import sqlite3

    db = tmp_path / "c.anki2"
    db.write_bytes(blob)
    fields = [row[0] for row in sqlite3.connect(db).execute("select flds from notes")]
    assert any("\u2713" in f and "\u2717" in f for f in fields)


def test_topics_of_another_exam_name_the_decks(tmp_path: Path) -> None:
    guide = check([str(GUIDES / "lpic2.md")]).guide
    assert guide.exam == "LPIC-2 201"
    build([str(GUIDES / "lpic2.md")], BuildConfig(output=tmp_path / "dist", formats=("anki",),
                                                 options={"ledger": str(tmp_path / "l.lock")}))
    assert (tmp_path / "dist" / "anki" / "lpic-2-201.apkg").is_file()
    from anki_helpers import collection

    with collection(tmp_path / "col", tmp_path / "dist" / "anki" / "lpic-2-201.apkg") as col:
        names = {d.name for d in col.decks.all_names_and_ids()}
        assert "LPIC-2 201::200 Capacity Planning::200.1 Measure and Troubleshoot Resource Usage" in names
        tags = set(col.tags.all())
        assert {"LPIC-2::201::200::200.1", "LPIC-2::201::206::206.1"} <= tags


@pytest.mark.parametrize("title, expected", [
    ("📚 LEARNING LPIC-3 305-300", "LPIC-3 305-300"), ("lpic 2 - 201 notes", "LPIC-2 201"),
    ("LPIC3 exam 303", "LPIC-3 303"), ("Linux notes", None)])
def test_exam_from_a_title_line(title: str, expected: str | None) -> None:
    assert exam_from_title(title) == expected


def test_exam_from_topics_and_the_neutral_fallback() -> None:
    assert exam_from_topics(["101", "103"]) == "LPIC-1 101"
    assert exam_from_topics(["351", "353"]) == "LPIC-3 305"
    assert exam_from_topics(["101", "201"]) is None
    assert name_exam(None, [("My Cloud Notes", False)], ["999"]).name == "My Cloud Notes"
    assert name_exam(None, [("Introduction", False), ("A content page", True)], ["999"]).origin == "fallback"
    assert name_exam(None, [("<span>My *Notes*\u200b</span>", False)], ["999"]).name == "My Notes"
    assert name_exam(None, [], ["999"]).origin == "fallback"
    assert name_exam("LPIC-3  306-300", [("LPIC-1 101", False)], ["351"]).name == "LPIC-3 306-300"


def test_an_unknown_exam_is_a_warning_that_says_how_to_name_it(tmp_path: Path) -> None:
    guide = tmp_path / "g.md"
    guide.write_text("# Topic 999: Elsewhere\n\n## 999.1 One\n\n**Weight:** 1\n")
    result = check([str(guide)])
    unknown = [d for d in result.diagnostics if d.rule == "exam-unknown"]
    assert len(unknown) == 1 and "cheatdeck.toml" in unknown[0].message


def _git_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "images").mkdir(parents=True)
    (repo / "images" / "x.png").write_bytes(PNG)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "README.md").write_text(
        "# Topic 352: T\n\n## 352.1 One\n\n**Weight:** 1\n\n**Namespace**: an isolated view.\n\n"
        "![inside](/images/x.png)\n\n![escape](/../outside.png)\n\n[top](/images/x.png)\n")
    (tmp_path / "outside.png").write_bytes(PNG)
    return repo


def test_root_relative_images_resolve_at_the_repository_top(tmp_path: Path) -> None:
    repo = _git_repo(tmp_path)
    o = check([str(repo / "README.md")]).guide.objectives[0]
    inside, escape = o.images
    assert (inside.exists, inside.resolved) == (True, "images/x.png")
    assert (escape.exists, escape.resolved) == (False, None)
    assert o.links[0].exists is True
    build([str(repo / "README.md")], BuildConfig(output=tmp_path / "dist", formats=("anki",),
                                                 options={"ledger": str(tmp_path / "l.lock")}))
    with zipfile.ZipFile(next((tmp_path / "dist" / "anki").glob("*-352.apkg"))) as z:
        media = json.loads(z.read("media"))
        assert len(media) == 1 and z.read(next(iter(media))) == PNG


def test_root_relative_images_outside_git_resolve_at_the_source_root(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "x.png").write_bytes(PNG)
    (tmp_path / "g.md").write_text("# Topic 352: T\n\n## 352.1 One\n\n![a](/images/x.png)\n")
    image = check([str(tmp_path / "g.md")]).guide.objectives[0].images[0]
    assert (image.exists, image.resolved) == (True, "images/x.png")


def test_project_file_with_an_unknown_key_names_its_line(tmp_path: Path) -> None:
    (tmp_path / "g.md").write_text("# Topic 352: T\n\n## 352.1 One\n")
    (tmp_path / "cheatdeck.toml").write_text('exam = "LPIC-3 305-300"\npapr = "a4"\n')
    done = cheatdeck("check", str(tmp_path / "g.md"))
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"cheatdeck: error: {tmp_path / 'cheatdeck.toml'}:2: error: unknown key 'papr' (known keys: "
        "sources, exam, deck, language, languages, paper, orientation, ledger, output, source_url, "
        "writers)"]


@pytest.mark.parametrize("text, message", [
    ('exam = 3\n', "'exam' must be a string"),
    ('paper = "a3"\n', "paper 'a3' is not supported"),
    ('language = "xx"\n', "language 'xx' is not supported (choose from en, pt-BR, es, de, fr, it)"),
    ('sources = ["nothing/*.md"]\n', "matches no file"),
    ('exam = "x\n', "not valid TOML")])
def test_project_file_errors_are_one_line(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "g.md").write_text("# Topic 352: T\n\n## 352.1 One\n")
    (tmp_path / "cheatdeck.toml").write_text(text)
    done = cheatdeck("check", str(tmp_path / "g.md"))
    assert done.returncode == 1 and message in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_project_file_sources_build_with_no_argument(tmp_path: Path) -> None:
    """A guide repository with cheatdeck.toml: `cheatdeck build` in it just works."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "guide.md").write_text("# Topic 352: T\n\n## 352.1 One\n\n**Weight:** 1\n\n"
                                                "```sh\n# list containers\nlxc list\n```\n")
    (tmp_path / "other.md").write_text("# Not a guide\n")
    (tmp_path / "cheatdeck.toml").write_text('sources = ["docs/*.md"]\nexam = "LPIC-3 305-300"\n'
                                             'deck = "My deck"\noutput = "out"\nledger = "id.lock"\n')
    done = cheatdeck("build", "-f", "anki", "-f", "json", "--no-progress", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "anki" / "my-deck.apkg").is_file() and (tmp_path / "id.lock").is_file()
    notes = json.loads((tmp_path / "out" / "notes.json").read_text())
    assert notes["exam"] == "LPIC-3 305-300" and notes["deck"] == "My deck"
    assert [s["path"] for s in notes["sources"]] == ["docs/guide.md"]


def test_options_on_the_command_line_override_the_project_file(tmp_path: Path) -> None:
    (tmp_path / "g.md").write_text("# Topic 352: T\n\n## 352.1 One\n")
    (tmp_path / "cheatdeck.toml").write_text('exam = "LPIC-3 305-300"\noutput = "out"\n')
    done = cheatdeck("build", "-f", "json", "-o", str(tmp_path / "here"), "--exam", "Other",
                     str(tmp_path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "here" / "notes.json").read_text())["exam"] == "Other"
    assert not (tmp_path / "out").exists()


def test_notes_json_is_the_same_whatever_the_current_folder(tmp_path: Path) -> None:
    guide = GUIDES / "marks.md"
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    texts = []
    for cwd, source in ((HERE, os.path.relpath(guide, HERE)), (deep, os.path.relpath(guide, deep)),
                        (tmp_path, str(guide))):
        out = tmp_path / f"out{len(texts)}"
        done = cheatdeck("build", "-f", "json", "-o", str(out), source, cwd=cwd)
        assert done.returncode == 0, done.stderr
        texts.append((out / "notes.json").read_text())
    assert texts[0] == texts[1] == texts[2]
    data = json.loads(texts[0])
    assert data["root"] == "." and data["sources"][0]["path"] == "marks.md"
    assert ".." not in texts[0]


def test_diagnostic_paths_are_normalised_as_given(tmp_path: Path) -> None:
    guide = tmp_path / "x" / "g.md"
    guide.parent.mkdir()
    guide.write_text("# Topic 352: T\n\n## 352.1 One\n\n![a](missing.png)\n")
    (tmp_path / "y").mkdir()
    result = check([str(tmp_path / "y" / ".." / "x" / "g.md")])
    assert result.guide.root == str(tmp_path / "x")
    assert all(d.pos.path == str(guide) for d in result.diagnostics)
