"""Release builds: manifest.json, SHA256SUMS, staged assets, guide version and reproducibility."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import genanki
import pytest
import yaml
from click.testing import CliRunner
from pypdf import PdfWriter

from builder import __version__
from builder.cli import cli
from builder.anki.package import note_kind
from builder.artifacts import Artifact
from builder.context import BuildContext, BuildTime, EpochError
from builder.reader import read_guide
from builder.release import ReleaseError, main, stage_assets, write_release
from builder.version import guide_version, last_commit_time, source_commit
from builder.writers import available_writers
from builder.writers.json_writer import render

ROOT = Path(__file__).resolve().parent.parent
GUIDE = Path(__file__).resolve().parent / "fixtures" / "release" / "source"
GUIDE_TIME = 1700000000  # 2023-11-14T22:13:20Z: years before any clock this suite runs on
LEDGER_TIME = GUIDE_TIME + 3600
README_TIME = GUIDE_TIME + 86400  # a later commit outside source/: must not move the build time
GIT_ENV = {"GIT_AUTHOR_NAME": "Guide Maintainer", "GIT_AUTHOR_EMAIL": "maintainer@example.org",
           "GIT_COMMITTER_NAME": "Guide Maintainer", "GIT_COMMITTER_EMAIL": "maintainer@example.org",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(cwd: Path, *args: str, when: int | None = None) -> str:
    env = {**os.environ, **GIT_ENV}
    if when is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"@{when} +0000"
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def sha256sum_check(folder: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["sha256sum", "-c", *extra, "SHA256SUMS"], cwd=folder,
                          capture_output=True, text=True)


# --- reading artifacts back -------------------------------------------------------------------

def make_apkg(path: Path) -> Path:
    """A real genanki deck: 2 command notes x 2 cards, 1 table note x 1 card, 1 untagged note."""
    two = genanki.Model(1607392319, "Two", fields=[{"name": "Front"}, {"name": "Back"}],
                        templates=[{"name": "f", "qfmt": "{{Front}}", "afmt": "{{Back}}"},
                                   {"name": "b", "qfmt": "{{Back}}", "afmt": "{{Front}}"}])
    one = genanki.Model(1607392320, "One", fields=[{"name": "Front"}, {"name": "Back"}],
                        templates=[{"name": "f", "qfmt": "{{Front}}", "afmt": "{{Back}}"}])
    deck = genanki.Deck(2059400110, "Release sample")
    for front in ("sha256sum -c", "git describe"):
        deck.add_note(genanki.Note(model=two, fields=[front, "back"], tags=["kind::command",
                                                                             "topic::920"]))
    deck.add_note(genanki.Note(model=one, fields=["table", "row"], tags=["cheatdeck::kind::table"]))
    deck.add_note(genanki.Note(model=one, fields=["loose", "note"]))
    path.parent.mkdir(parents=True, exist_ok=True)
    genanki.Package(deck).write_to_file(str(path), timestamp=GUIDE_TIME)
    return path


def make_pdf(path: Path, pages: int) -> Path:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=842, height=595)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


@pytest.mark.parametrize("tags, kind", [
    (" kind::command topic::352 ", "command"),
    ("topic::352 cheatdeck::kind::table", "table"),
    ("Kind::definition", "definition"),
    ("kind:: topic::352", "untagged"),
    ("", "untagged"),
])
def test_note_kind_reads_the_kind_tag(tags, kind):
    assert note_kind(tags.split()) == kind


def test_deck_counts_agree_with_anki_itself(seed_path, tmp_path, monkeypatch):
    """The manifest's counts for a real deck of the seed guide, against Anki's own import."""
    if "anki" not in available_writers():
        pytest.skip("the Anki writer is not in this checkout")
    from anki.collection import Collection, ImportAnkiPackageRequest

    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(GUIDE_TIME))
    ledger = tmp_path / "cheatdeck.lock"  # the seed's folder is read-only: keep the ledger here
    for extra in ([], ["--release"]):
        result = CliRunner().invoke(cli, ["build", str(seed_path), "-f", "anki", "--ledger",
                                          str(ledger), "-o", str(tmp_path / "dist"), *extra])
        assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "dist" / "manifest.json").read_text())
    deck = next(a for a in manifest["artifacts"] if a["path"] == "anki/lpic-3-305.apkg")
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        col.import_anki_package(ImportAnkiPackageRequest(
            package_path=str(tmp_path / "dist" / deck["path"])))
        assert sum(deck["notes"].values()) == col.note_count() > 0
        assert sum(deck["cards"].values()) == col.card_count()
        for kind in set(deck["notes"]) - {"untagged"}:
            assert len(col.find_notes(f"tag:kind::{kind}")) == deck["notes"][kind], kind
            assert len(col.find_cards(f"tag:kind::{kind}")) == deck["cards"][kind], kind
    finally:
        col.close()


# --- manifest.json, SHA256SUMS and staged assets ------------------------------------------------

def fake_build(dist: Path, messages: list[str]) -> tuple[list[Artifact], BuildContext]:
    """What the writers leave in dist/, made here so the release step is tested on its own."""
    guide = read_guide([str(GUIDE)], version="v1.0").guide
    outputs = [dist / "notes.json", make_apkg(dist / "anki" / "release-sample.apkg"),
               dist / "anki" / "removed.txt", make_pdf(dist / "sheets" / "920.1.pdf", 2),
               dist / "sheets" / "920.1.html", dist / "sheets" / "index.html",
               dist / "anki" / "index.html"]
    outputs[0].write_text(render(guide))
    outputs[2].write_text("920.1 command gone-tool\n")
    outputs[4].write_text("<p>sheet</p>\n")
    outputs[5].write_text("<p>sheets</p>\n")
    outputs[6].write_text("<p>decks</p>\n")
    (dist / ".cache").mkdir()
    (dist / ".cache" / "sheet.key").write_text("cache\n")
    (dist / "sheets" / "stale.pdf").write_bytes(b"%PDF-1.7 from an older build\n")
    # What the writers report about their files: the release step copies it, never re-reads it.
    inside = {1: {"notes": {"command": 2, "table": 1, "untagged": 1},
                  "cards": {"command": 4, "table": 1, "untagged": 1}}, 3: {"pages": 2}}
    artifacts = [Artifact.of(p, **inside.get(i, {})) for i, p in enumerate(outputs)]
    ctx = BuildContext(output=dist, formats=("json", "anki", "sheets"), source_root=GUIDE,
                       time=BuildTime(GUIDE_TIME, GUIDE_TIME + 5), release=True, locked=True,
                       progress=messages.append)
    return artifacts, ctx


@pytest.fixture
def messages() -> list[str]:
    """What the release step said on the way (its progress lines)."""
    return []


@pytest.fixture
def released(tmp_path, monkeypatch, messages) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(GUIDE_TIME))
    dist = tmp_path / "dist"
    outputs, config = fake_build(dist, messages)
    guide = read_guide([str(GUIDE)], version="v1.0").guide
    written = write_release(guide, config, outputs)
    assert [a.path.name for a in written] == ["removed.txt", "manifest.json", "SHA256SUMS"]
    return dist


def test_manifest_describes_every_artifact(released):
    manifest = json.loads((released / "manifest.json").read_text())
    by_path = {a["path"]: a for a in manifest["artifacts"]}
    assert sorted(by_path) == ["anki/index.html", "anki/release-sample.apkg", "anki/removed.txt",
                               "notes.json", "removed.txt", "sheets/920.1.html", "sheets/920.1.pdf",
                               "sheets/index.html"]
    assert by_path["anki/release-sample.apkg"]["notes"] == {"command": 2, "table": 1, "untagged": 1}
    assert by_path["anki/release-sample.apkg"]["cards"]["command"] == 4
    assert by_path["sheets/920.1.pdf"]["pages"] == 2
    notes = released / "notes.json"
    assert by_path["notes.json"]["size"] == notes.stat().st_size
    assert manifest["tool"] == {"name": "cheatdeck", "version": __version__}
    assert manifest["guide"]["version"] == "v1.0" and manifest["guide"]["objectives"] == ["920.1"]
    assert manifest["build"]["source_date_epoch"] == GUIDE_TIME
    assert manifest["build"]["time"] == "2023-11-14T22:13:20Z"


def test_manifest_names_no_machine_path(released):
    text = (released / "manifest.json").read_text() + (released / "SHA256SUMS").read_text()
    assert str(released.parent) not in text and str(ROOT) not in text
    assert all(not a["path"].startswith("/")
               for a in json.loads((released / "manifest.json").read_text())["artifacts"])


def test_sha256sums_verify_with_sha256sum(released):
    done = sha256sum_check(released)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "manifest.json: OK" in done.stdout and "anki/release-sample.apkg: OK" in done.stdout
    (released / "sheets" / "920.1.html").write_text("<p>changed</p>\n")
    assert sha256sum_check(released).returncode != 0


def test_files_no_writer_returned_are_left_out_and_named(released, messages):
    manifest = json.loads((released / "manifest.json").read_text())
    assert "sheets/stale.pdf" not in {a["path"] for a in manifest["artifacts"]}
    assert messages[-2] == "release: warning: not written by this build, so not released: " \
                           "sheets/stale.pdf"


def test_removed_txt_is_copied_to_the_top(released):
    assert (released / "removed.txt").read_bytes() == (released / "anki" / "removed.txt").read_bytes()


def test_staged_assets_are_flat_and_verify(released, tmp_path):
    assets = tmp_path / "assets"
    stage_assets(released, assets)
    names = sorted(p.name for p in assets.iterdir())
    # index.html twice with different bytes keeps its folder; removed.txt twice is one asset
    assert names == ["920.1.html", "920.1.pdf", "SHA256SUMS", "anki-index.html", "manifest.json",
                     "notes.json", "release-sample.apkg", "removed.txt", "sheets-index.html"]
    done = sha256sum_check(assets)
    assert done.returncode == 0, done.stdout + done.stderr
    # a learner who downloaded one deck and SHA256SUMS checks just that deck
    learner = tmp_path / "downloads"
    learner.mkdir()
    for name in ("release-sample.apkg", "SHA256SUMS"):
        shutil.copy(assets / name, learner / name)
    done = sha256sum_check(learner, "--ignore-missing")
    assert done.returncode == 0 and done.stdout.strip() == "release-sample.apkg: OK"


def test_staging_refuses_a_file_changed_after_the_build(released, tmp_path):
    (released / "notes.json").write_text("{}\n")
    with pytest.raises(ReleaseError, match="changed since manifest.json"):
        stage_assets(released, tmp_path / "assets")
    assert main([str(released), str(tmp_path / "assets")]) == 1
    assert main([]) == 2


def test_build_time_comes_from_the_epoch_only():
    assert BuildTime(0, 99).iso == "1970-01-01T00:00:00Z" and BuildTime(None, 99).iso is None
    assert BuildTime(None, 99).stamp == 99 and BuildTime(7, 99).stamp == 7


# --- the build command ------------------------------------------------------------------------

def cli_release(source: Path, dist: Path, env: dict[str, str | None]):
    return CliRunner().invoke(cli, ["build", "--release", "-f", "json", str(source), "-o", str(dist)],
                              env=env, catch_exceptions=False)


def test_cli_release_outside_git_uses_the_given_epoch(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    source = shutil.copytree(GUIDE, tmp_path / "guide" / "source")
    result = cli_release(source, tmp_path / "dist", {"SOURCE_DATE_EPOCH": "86400"})
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "dist" / "manifest.json").read_text())
    assert manifest["build"]["time"] == "1970-01-02T00:00:00Z"
    assert manifest["guide"]["version"] is None and manifest["guide"]["commit"] is None
    result = cli_release(source, tmp_path / "dist2", {"SOURCE_DATE_EPOCH": None})
    assert json.loads((tmp_path / "dist2" / "manifest.json").read_text())["build"]["time"] is None


def test_cli_release_rejects_a_bad_epoch(tmp_path):
    result = cli_release(GUIDE, tmp_path / "dist", {"SOURCE_DATE_EPOCH": "yesterday"})
    assert result.exit_code == 1
    assert "SOURCE_DATE_EPOCH='yesterday' is not a whole number" in result.output


# --- guide version and build time from git ------------------------------------------------------

@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """A guide repository: source/ committed at GUIDE_TIME, a README commit a day later."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    root = tmp_path / "guide"
    shutil.copytree(GUIDE, root / "source")
    git(tmp_path, "init", "-q", "-b", "main", str(root))
    git(root, "add", "source")
    git(root, "commit", "-q", "-m", "guide", when=GUIDE_TIME)
    (root / "README.md").write_text("# guide\n")
    git(root, "add", "README.md")
    git(root, "commit", "-q", "-m", "readme", when=README_TIME)
    return root


def test_guide_version_follows_tags_and_dirt(repo):
    source = repo / "source"
    assert guide_version(source) == git(repo, "rev-parse", "--short", "HEAD")
    git(repo, "tag", "v1.0")
    assert guide_version(source) == "v1.0"
    (repo / "README.md").write_text("# guide, edited\n")
    assert guide_version(source) == "v1.0-dirty"
    git(repo, "commit", "-q", "-am", "edit", when=README_TIME + 60)
    assert guide_version(source).startswith("v1.0-1-g")
    assert source_commit(source) == git(repo, "rev-parse", "HEAD")


def test_no_version_outside_git(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    (tmp_path / "plain").mkdir()
    assert guide_version(tmp_path / "plain") is None
    assert source_commit(tmp_path / "missing") is None
    assert last_commit_time(tmp_path / "plain") is None


def test_last_commit_time_is_the_source_folders(repo):
    assert last_commit_time(repo / "source") == GUIDE_TIME
    assert last_commit_time(repo) == README_TIME


def test_source_date_epoch_defaults_to_git(repo):
    assert BuildTime.read(repo / "source", environ={}).epoch == GUIDE_TIME
    assert BuildTime.read(repo / "source", environ={"SOURCE_DATE_EPOCH": "42"}).epoch == 42
    assert BuildTime.read(repo.parent, environ={}).epoch is None  # no checkout: no epoch
    with pytest.raises(EpochError, match="not a whole number"):
        BuildTime.read(repo / "source", environ={"SOURCE_DATE_EPOCH": "soon"})


def test_inspect_and_version_show_the_guide_version(repo, monkeypatch):
    git(repo, "tag", "v2.3")
    monkeypatch.chdir(repo)
    shown = CliRunner().invoke(cli, ["--version"])
    assert shown.exit_code == 0
    assert f"cheatdeck, version {__version__}" in shown.output
    assert f"guide source/, version v2.3 (commit {git(repo, 'rev-parse', 'HEAD')})" in shown.output
    assert "version v2.3" in CliRunner().invoke(cli, ["inspect", "source"]).output.splitlines()[0]


# --- reproducibility: same commit, other folder, other day ------------------------------------

@pytest.fixture(scope="module")
def tagged_repo(tmp_path_factory) -> tuple[Path, int]:
    """A guide repository tagged v1.0, with its identity ledger committed as a maintainer would.

    Returns the repository and the build time a release of it must carry.
    """
    origin = tmp_path_factory.mktemp("origin")
    shutil.copytree(GUIDE, origin / "source")
    git(origin, "init", "-q", "-b", "main")
    git(origin, "add", "source")
    git(origin, "commit", "-q", "-m", "guide", when=GUIDE_TIME)
    epoch = GUIDE_TIME
    # --release implies --locked: an unlocked build writes the ledger the release then checks
    run_build(origin, tmp_path_factory.mktemp("warm") / "dist", release=False)
    if git(origin, "status", "--porcelain"):
        git(origin, "add", "-A")
        git(origin, "commit", "-q", "-m", "identity ledger", when=LEDGER_TIME)
        epoch = LEDGER_TIME
    (origin / "README.md").write_text("# guide\n")
    git(origin, "add", "README.md")
    git(origin, "commit", "-q", "-m", "readme", when=README_TIME)
    git(origin, "tag", "-a", "v1.0", "-m", "v1.0", when=README_TIME)
    return origin, epoch


def run_build(repo: Path, dist: Path | str, *, release: bool = True,
              clock: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    """`cheatdeck build` in its own process, in the repository, with no SOURCE_DATE_EPOCH given."""
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    command = [*clock, sys.executable, "-m", "builder", "build", "source", "-o", str(dist)]
    done = subprocess.run(command + (["--release"] if release else []), cwd=repo, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def clone(origin: Path, dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    git(dest.parent, "clone", "-q", str(origin), str(dest))
    return dest


def release_in(origin: Path, dest: Path, clock: tuple[str, ...] = ()) -> Path:
    repo = clone(origin, dest)
    run_build(repo, "dist", clock=clock)
    return repo / "dist"


@pytest.fixture(scope="module")
def first_release(tagged_repo, tmp_path_factory) -> Path:
    return release_in(tagged_repo[0], tmp_path_factory.mktemp("a") / "guide")


@pytest.mark.slow
def test_first_release_is_complete(first_release, tagged_repo):
    origin, epoch = tagged_repo
    manifest = json.loads((first_release / "manifest.json").read_text())
    assert manifest["guide"]["version"] == "v1.0"
    assert manifest["guide"]["commit"] == git(origin, "rev-parse", "HEAD")
    assert manifest["build"]["source_date_epoch"] == epoch  # the guide's commit, not the README's
    assert manifest["build"]["formats"] == available_writers()
    types = {a["type"] for a in manifest["artifacts"]}
    expected = {"json": "json", "anki": "apkg", "sheets": "pdf"}
    assert {expected[f] for f in available_writers() if f in expected} <= types
    done = sha256sum_check(first_release)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_release_in_another_folder_has_the_same_sums(first_release, tagged_repo, tmp_path):
    # a deeper folder and source files a year newer: neither may reach the artifacts
    repo = clone(tagged_repo[0], tmp_path / "elsewhere" / "deeper" / "checkout")
    later = time.time() + 365 * 86400
    for path in (repo / "source").rglob("*"):
        os.utime(path, (later, later))
    run_build(repo, "dist")
    assert_same_release(first_release, repo / "dist")


@pytest.mark.slow
def test_release_on_another_day_has_the_same_sums(first_release, tagged_repo, tmp_path):
    if shutil.which("faketime") is None:
        pytest.skip("faketime is not installed (bash .ci/system-deps installs it)")
    clock = ("faketime", "-f", "+400d")
    shifted = subprocess.run([*clock, sys.executable, "-c", "import time; print(time.time())"],
                             capture_output=True, text=True, check=True)
    assert float(shifted.stdout) - time.time() > 300 * 86400, "faketime did not move the clock"
    second = release_in(tagged_repo[0], tmp_path / "b" / "guide", clock=clock)
    assert_same_release(first_release, second)


def assert_same_release(first: Path, second: Path) -> None:
    sums = (first / "SHA256SUMS").read_text()
    assert sums == (second / "SHA256SUMS").read_text()
    assert len(sums.splitlines()) >= 2
    for line in sums.splitlines():
        name = line.split("  ", 1)[1]
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


# --- the release workflow's own steps, run here ------------------------------------------------

def release_steps() -> list[tuple[str, str]]:
    """The `run:` scripts of release.yml from the build step up to the upload."""
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text())
    steps = workflow["jobs"]["release"]["steps"]
    start = next(i for i, s in enumerate(steps) if "--release" in s.get("run", ""))
    return [(s.get("working-directory", "."), s["run"]) for s in steps[start:] if "run" in s]


@pytest.mark.slow
def test_release_workflow_steps_produce_what_is_uploaded(tagged_repo, tmp_path):
    venv = Path(sys.executable).parent.parent
    if not (venv / "bin" / "cheatdeck").exists():
        pytest.skip("the tests do not run from a virtualenv with cheatdeck installed")
    repo = clone(tagged_repo[0], tmp_path / "checkout")
    (repo / ".venv").symlink_to(venv)
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    for folder, script in release_steps():
        done = subprocess.run(["bash", "-e", "-c", script], cwd=repo / folder, env=env,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"{script}\n{done.stdout}{done.stderr}"
    manifest = json.loads((repo / "dist" / "manifest.json").read_text())
    uploaded = {p.name for p in (repo / "release-assets").iterdir()}
    assert uploaded == {a["asset"] for a in manifest["artifacts"]} | {"manifest.json", "SHA256SUMS"}
