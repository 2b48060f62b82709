"""A guide repository is untrusted input, all of it: guides, images, the ledger and the project file.

Each test reproduces one finding of the third reliability round (issue 31) on a small repository
made in a temp folder, the way a user clones someone else's guide and builds it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import cli
from tests.conftest import FIXTURES

CLEAN = FIXTURES / "reader" / "clean.md"


def make_repo(root: Path, toml: str = "", guide: Path = CLEAN) -> Path:
    """A cloned guide repository: `repo/README.md` and, when given, `repo/cheatdeck.toml`."""
    repo = root / "repo"
    repo.mkdir(parents=True)
    shutil.copy(guide, repo / "README.md")
    if toml:
        (repo / "cheatdeck.toml").write_text(toml, encoding="utf-8")
    return repo


def run_in(folder: Path, monkeypatch: pytest.MonkeyPatch, *args: str):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(folder)
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


# 1. The project file writes only inside its own folder.

@pytest.mark.parametrize("ledger", ["../.bash_aliases", "/tmp/../{root}/.bash_aliases", "sub/../../x.lock",
                                    ".git/hooks/pre-commit"])
def test_a_project_file_ledger_outside_the_project_is_refused(tmp_path, monkeypatch, ledger):
    ledger = ledger.format(root=str(tmp_path).lstrip("/"))
    repo = make_repo(tmp_path, f'sources = ["README.md"]\nledger = "{ledger}"\n')
    (repo / ".git" / "hooks").mkdir(parents=True)
    before = tree(tmp_path)
    result = run_in(repo, monkeypatch, "build", "-f", "anki", "-o", str(tmp_path / "out"))
    assert result.exit_code == 1, result.output
    assert "cheatdeck.toml:2: error: 'ledger' must name a path inside the project folder" in result.output
    assert tree(tmp_path) == before, "nothing may be written anywhere"


def test_a_ledger_command_line_flag_may_point_anywhere(tmp_path, monkeypatch):
    repo = make_repo(tmp_path, 'sources = ["README.md"]\n')
    result = run_in(repo, monkeypatch, "build", "-f", "anki", "-o", "dist",
                    "--ledger", str(tmp_path / "mine.lock"))
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "mine.lock").read_text())["format"] == 1


def test_a_project_file_output_outside_the_project_is_refused(tmp_path, monkeypatch):
    repo = make_repo(tmp_path, 'sources = ["README.md"]\noutput = "../somewhere"\n')
    somewhere = tmp_path / "somewhere"
    somewhere.mkdir()
    precious = tmp_path / "precious"
    precious.mkdir()
    (somewhere / ".cache").symlink_to(precious)
    before = tree(tmp_path)
    result = run_in(repo, monkeypatch, "build", "-f", "json")
    assert result.exit_code == 1, result.output
    assert "'output' must name a path inside the project folder" in result.output
    assert (somewhere / ".cache").is_symlink(), "a link outside the project is never removed"
    assert tree(tmp_path) == before


def test_an_output_folder_that_links_out_of_the_repository_is_refused(tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for toml in ('sources = ["README.md"]\noutput = "dist"\n', ""):
        repo = make_repo(tmp_path / str(len(toml)), toml)
        (repo / "dist").symlink_to(elsewhere)
        result = run_in(repo, monkeypatch, "build", "README.md", "-f", "json")
        assert result.exit_code == 1, result.output
        assert not any(elsewhere.iterdir())
    # Named on the command line, the same link is the user's choice.
    result = run_in(repo, monkeypatch, "build", "README.md", "-f", "json", "-o", "dist")
    assert result.exit_code == 0, result.output
    assert (elsewhere / "notes.json").is_file()


def test_a_project_file_output_inside_the_project_is_used(tmp_path, monkeypatch):
    repo = make_repo(tmp_path, 'sources = ["README.md"]\noutput = "build/out"\nledger = "ids.lock"\n')
    result = run_in(repo, monkeypatch, "build", "-f", "json", "-f", "anki")
    assert result.exit_code == 0, result.output
    assert (repo / "build" / "out" / "notes.json").is_file() and (repo / "ids.lock").is_file()


# 2. Every process pool is made with installed code first.

def test_the_exam_sheet_pool_never_imports_from_the_current_folder(tmp_path):
    cheatdeck = Path(sys.executable).parent / "cheatdeck"
    if not cheatdeck.is_file():
        pytest.skip("the cheatdeck command is not installed beside this Python")
    repo = make_repo(tmp_path, guide=FIXTURES / "exam" / "issue-example.md")
    marker = tmp_path / "IMPORTED"
    (repo / "multiprocessing").mkdir()
    (repo / "multiprocessing" / "__init__.py").write_text(
        f"open({str(marker)!r}, 'a').write(__name__ + '\\n')\n", "utf-8")
    done = subprocess.run([str(cheatdeck), "build", "README.md", "-o", str(tmp_path / "dist"),
                           "-f", "exam-sheet", "--no-progress"], cwd=repo, capture_output=True,
                          text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert not marker.exists(), "the resource tracker imported the repository's multiprocessing"
    assert list((tmp_path / "dist" / "sheets").glob("exam-*.pdf"))


# 3. An SVG <use> bomb is measured before anything draws it; a render has a time budget.

def use_bomb(levels: int) -> bytes:
    """A few KB of SVG whose each level draws the one below twice: 2**levels rectangles."""
    defs = ['<rect id="l0" width="1" height="1"/>']
    defs += [f'<g id="l{i}"><use href="#l{i - 1}"/><use xlink:href="#l{i - 1}" x="1"/></g>'
             for i in range(1, levels + 1)]
    return ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'width="10" height="10"><defs>{"".join(defs)}</defs><use href="#l{levels}"/></svg>'
            ).encode()


def bomb_guide(tmp_path: Path, svg: bytes, name: str = "bomb.svg") -> Path:
    head = CLEAN.read_text(encoding="utf-8")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "README.md").write_text(head + f"\n![diagram]({name})\n", encoding="utf-8")
    (repo / name).write_bytes(svg)
    return repo


@pytest.mark.parametrize("svg, reason", [
    (use_bomb(39), "draws over 200,000 elements"),
    (use_bomb(18), "draws over 200,000 elements"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><g id="a"><use href="#a"/></g></svg>', "refers to itself"),
    (b'<svg xmlns="http://www.w3.org/2000/svg">' + b"<g>" * 150 + b"</g>" * 150 + b"</svg>", "nests over 100"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><pattern id="p"><rect fill="url(#p)"/></pattern></svg>',
     "refers to itself"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><rect', "not a well-formed SVG"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><image href="data:image/svg+xml;base64,PHN2Zz4="/></svg>',
     "embeds another SVG as a data: URL"),
])
def test_svg_bombs_are_rejected_before_anything_draws_them(tmp_path, svg, reason):
    from builder.media import MediaRejected, check_media, read_bounded

    path = tmp_path / "x.svg"
    path.write_bytes(svg)
    for measure in (check_media, read_bounded):  # the build's vetting, the sheet fetcher's read
        with pytest.raises(MediaRejected, match=reason):
            measure(path)


def test_an_ordinary_svg_with_references_is_kept(tmp_path):
    from builder.media import check_media

    path = tmp_path / "ok.svg"
    path.write_bytes(use_bomb(10))  # 1,024 rectangles: a busy but real diagram
    assert check_media(path) == len(use_bomb(10))


def test_a_use_bomb_in_a_guide_is_left_out_with_a_located_warning(tmp_path, monkeypatch):
    repo = bomb_guide(tmp_path, use_bomb(39), name="bomb.png")  # the bytes say SVG, not the name
    result = run_in(repo, monkeypatch, "check", "README.md")
    assert "README.md:" in result.output and "image 'bomb.png' is left out: SVG draws over" in result.output
    assert "[media-rejected]" in result.output


@pytest.mark.slow
def test_a_sheet_render_over_its_budget_ends_the_build_with_one_line(tmp_path, monkeypatch):
    pytest.importorskip("weasyprint")
    from builder.sheets import pool

    monkeypatch.setattr(pool, "RENDER_BUDGET", 0.001, raising=False)
    repo = make_repo(tmp_path)
    result = run_in(repo, monkeypatch, "build", "README.md", "-f", "sheets", "-j", "2",
                    "-o", str(tmp_path / "dist"), "--no-progress")
    assert result.exit_code == 1, result.output
    assert "took over 0.001 s of CPU to render and was stopped" in result.output
    assert "Traceback" not in result.output


# 4. A note both branches changed gets a mod above both: no learner stays on the losing text.

def test_a_note_both_branches_changed_at_one_epoch_gets_a_newer_mod_than_either():
    from builder.anki import ledger
    from builder.anki.ledger_merge import merge

    types = [ledger.Entry("111", "t1", "cheatdeck Command")]

    def built(old, digest, now):  # type: ignore[no-untyped-def]
        return ledger.stamp(old, [ledger.Entry("a", digest, "352.1 command a", "352.1")], types, now,
                            None).data

    base = built(None, "h1", 1_780_000_000)
    ours, theirs = built(base, "ours", 1_780_000_100), built(base, "theirs", 1_780_000_100)
    merged, _ = merge(base, ours, theirs)
    assert merged["notes"]["a"]["mod"] == 1_780_000_101
    assert merged["notes"]["a"]["mod"] > max(ours["notes"]["a"]["mod"], theirs["notes"]["a"]["mod"])
    # One side changed: its record, as it is (no needless update for anyone).
    merged, _ = merge(base, ours, base)
    assert merged["notes"]["a"] == ours["notes"]["a"]


# 5. The ledger and the merge driver's inputs are opened as guides are: regular, capped, never blocking.

def run_bounded(args: list[str], cwd: Path, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    """The command line in a child limited to 4 GB of address space, stdin closed."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))

    return subprocess.run([sys.executable, "-m", "builder", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL, preexec_fn=limit,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})


@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "dev-stdin"])
def test_a_ledger_that_is_no_regular_file_is_refused_without_reading(tmp_path, kind):
    repo = make_repo(tmp_path, 'sources = ["README.md"]\n')
    lock = repo / "cheatdeck.lock"
    if kind == "fifo":
        os.mkfifo(lock)
    else:
        lock.symlink_to("/dev/zero" if kind == "dev-zero" else "/dev/stdin")
    done = run_bounded(["build", "-f", "anki", "-o", str(tmp_path / "dist")], repo)
    assert done.returncode == 1, done.stderr
    assert "cheatdeck.lock: cannot read the identity ledger: not a regular file" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_ledger_is_never_read_past_its_cap(tmp_path, monkeypatch):
    from builder.anki import ledger

    monkeypatch.setattr(ledger, "MAX_LEDGER_BYTES", 1024)
    lock = tmp_path / "cheatdeck.lock"
    lock.write_text('{"format": 1, "notes": {}}' + " " * 2000)
    with pytest.raises(ledger.LedgerError, match="over the 0 MiB limit for a ledger"):
        ledger.read(lock)


def test_the_merge_driver_refuses_a_fifo_input_without_blocking(tmp_path):
    fifo = tmp_path / "base"
    os.mkfifo(fifo)
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    ours.write_text('{"format": 1}')
    theirs.symlink_to("/dev/zero")
    for args in ([str(fifo), str(ours), str(ours)], [str(ours), str(ours), str(theirs)]):
        done = run_bounded(["ledger", "merge", *args], tmp_path, timeout=60)
        assert done.returncode == 1, done.stderr
        assert "cannot read the identity ledger: not a regular file" in done.stderr


# 6. Project-file globs never follow directory links.

def test_project_globs_do_not_follow_directory_links(tmp_path):
    repo = make_repo(tmp_path, 'sources = ["**/*.md", "README.md"]\n')
    (repo / "docs").mkdir()
    (repo / "docs" / "a").symlink_to("..", target_is_directory=True)
    (repo / "docs" / "b").symlink_to("..", target_is_directory=True)
    (repo / "docs" / "more.md").write_text(CLEAN.read_text(encoding="utf-8").replace("910", "911"))
    done = run_bounded(["inspect", "--json"], repo, timeout=60)
    assert done.returncode == 0, done.stderr
    from builder.project import load_project

    project = load_project(repo / "cheatdeck.toml")
    assert project is not None
    assert sorted(Path(s).relative_to(repo).as_posix() for s in project.sources) == ["README.md", "docs/more.md"]


# 7. The machine's image cache: entries checked against their digest; only a private folder is
#    used; a release prepares every image itself.

def png(width: int, height: int, seed: int) -> bytes:
    import io
    import random

    from PIL import Image

    rng = random.Random(seed)
    im = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    out = io.BytesIO()
    im.save(out, "PNG")
    return out.getvalue()


def shipped_images(dist: Path) -> set[bytes]:
    import zipfile

    found = set()
    for apkg in (dist / "anki").glob("*.apkg"):
        with zipfile.ZipFile(apkg) as zf:
            found |= {zf.read(n) for n in zf.namelist() if n.isdigit()}
    return found


def image_repo(tmp_path: Path, image: bytes) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    # the definition beside the picture shows it on its card (overview cards carry no pictures)
    (repo / "README.md").write_text(CLEAN.read_text(encoding="utf-8") + "\n![photo](photo.png)\n\n"
                                    "**Photo**: what the host looks like from the front.\n",
                                    encoding="utf-8")
    (repo / "photo.png").write_bytes(image)
    return repo


def plant(cache: Path, victim: bytes, planted: bytes, tmp_path: Path) -> None:
    """Put, under the cache key of `victim`, a consistent entry made from another image."""
    import hashlib

    from builder.anki.media import MediaStore

    other = tmp_path / "other.png"
    other.write_bytes(planted)
    assert MediaStore(cache=cache / "media").get(other) is not None
    (entry,) = [e for e in (cache / "media").iterdir() if e.name.startswith(hashlib.sha256(planted).hexdigest())]
    entry.rename(entry.with_name(entry.name.replace(hashlib.sha256(planted).hexdigest(),
                                                    hashlib.sha256(victim).hexdigest())))


def test_a_release_never_ships_an_image_planted_in_the_machine_cache(tmp_path, monkeypatch):
    victim, planted = png(1800, 1200, 1), png(1800, 1200, 2)
    cache = tmp_path / "machine-cache"
    cache.mkdir(mode=0o700)
    monkeypatch.setenv("CHEATDECK_CACHE_DIR", str(cache))
    repo = image_repo(tmp_path, victim)
    assert run_in(repo, monkeypatch, "build", "README.md", "-f", "anki", "-o", "dist").exit_code == 0
    honest = shipped_images(repo / "dist")
    for entry in (cache / "media").iterdir():
        entry.unlink()
    plant(cache, victim, planted, tmp_path)
    result = run_in(repo, monkeypatch, "build", "README.md", "-f", "anki", "-o", "dist", "--release")
    assert result.exit_code == 0, result.output
    assert shipped_images(repo / "dist") == honest


def test_a_machine_cache_others_can_write_is_not_used(tmp_path, monkeypatch):
    victim, planted = png(1800, 1200, 1), png(1800, 1200, 2)
    cache = tmp_path / "shared-cache"
    cache.mkdir()
    cache.chmod(0o777)
    monkeypatch.setenv("CHEATDECK_CACHE_DIR", str(cache))
    (cache / "media").mkdir()
    (cache / "media").chmod(0o777)
    plant(cache, victim, planted, tmp_path)
    repo = image_repo(tmp_path, victim)
    assert run_in(repo, monkeypatch, "build", "README.md", "-f", "anki", "-o", "dist").exit_code == 0
    from builder.anki.images import prepare

    assert shipped_images(repo / "dist") == {prepare(victim, "png", 1600)[0]}


def test_a_truncated_cache_entry_is_made_again(tmp_path):
    from builder.anki.media import MediaStore

    path = tmp_path / "photo.png"
    path.write_bytes(png(1800, 1200, 1))
    made = MediaStore(cache=tmp_path / "cache").get(path)
    (entry,) = (tmp_path / "cache").iterdir()
    entry.write_bytes(entry.read_bytes()[: entry.stat().st_size // 2])  # still starts as a PNG
    again = MediaStore(cache=tmp_path / "cache").get(path)
    assert made is not None and again is not None and again.read() == made.read()


# 8. Templates are sandboxed: a --templates folder can shape cards and sheets, never run Python.

ESCAPE = '{% set x = cycler.__init__.__globals__.os.system("touch PWNED") %}'


@pytest.mark.parametrize("where, name, formats", [
    ("anki", "overview-front.html", ["-f", "anki"]),
    ("sheets", "objective.html", ["-f", "sheets", "-j", "2"]),
    ("exam", "exam.html.j2", ["-f", "exam-sheet"]),
])
def test_a_template_cannot_run_python(tmp_path, monkeypatch, where, name, formats):
    from builder.resources import templates_dir

    guide = FIXTURES / "exam" / "issue-example.md" if where == "exam" else CLEAN
    repo = make_repo(tmp_path, guide=guide)
    folder = repo / "templates" / where
    folder.mkdir(parents=True)
    text = (templates_dir() / where / name).read_text(encoding="utf-8")
    (folder / name).write_text(ESCAPE + text, encoding="utf-8")
    result = run_in(repo, monkeypatch, "build", "README.md", *formats, "-o", "dist",
                    "--templates", "templates", "--no-progress")
    assert not (repo / "PWNED").exists(), "a template ran a shell command"
    assert result.exit_code == 1, result.output
    assert "cheatdeck: error: a template cannot be rendered" in result.output
    assert "unsafe" in result.output and "Traceback" not in result.output


def test_preview_uses_the_machine_cache_and_never_writes_through_a_linked_cache(tmp_path, monkeypatch):
    cache = tmp_path / "machine-cache"
    cache.mkdir(mode=0o700)
    monkeypatch.setenv("CHEATDECK_CACHE_DIR", str(cache))
    repo = image_repo(tmp_path, png(1800, 1200, 1))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (repo / "dist").mkdir()
    (repo / "dist" / ".cache").symlink_to(elsewhere, target_is_directory=True)
    result = run_in(repo, monkeypatch, "preview", "README.md")
    assert result.exit_code == 0, result.output
    assert not any(elsewhere.iterdir()), "preview wrote through dist/.cache"
    assert list((cache / "media").iterdir()), "preview ignored $CHEATDECK_CACHE_DIR"
    assert list((repo / "dist" / "preview").glob("cheatdeck-*"))


# 9. Every bad option or input is one clean line (exit 2 for usage, 1 for the guide), no traceback.

def test_pdf_variant_choices_are_weasyprints_own():
    from builder.config import PDF_VARIANTS

    weasyprint_pdf = pytest.importorskip("weasyprint.pdf")
    assert set(PDF_VARIANTS) == set(weasyprint_pdf.VARIANTS)


def test_an_unknown_pdf_variant_is_a_usage_error(tmp_path, monkeypatch):
    repo = make_repo(tmp_path)
    result = run_in(repo, monkeypatch, "build", "README.md", "-f", "sheets", "--pdf-variant", "nonsense")
    assert result.exit_code == 2 and "Invalid value for '--pdf-variant'" in result.output
    assert not (repo / "dist").exists()


@pytest.mark.parametrize("table, setting, message", [
    ("sheets", 'paper = "a3"', "cheatdeck.toml:3: error: writers.sheets: paper 'a3' is not supported"),
    ("sheets", 'orientation = "sideways"', "orientation 'sideways' is not supported"),
    ("sheets", "pdf_variant = 5", "pdf_variant 5 is not supported"),
    ("exam-sheet", 'paper = "a3"', "writers.exam-sheet: paper 'a3' is not supported"),
    ("anki", "image_max_side = true", "'image_max_side' must be a whole number >= 0, not True"),
    ("anki", "image_max_side = -5", "'image_max_side' must be a whole number >= 0, not -5"),
])
def test_bad_writer_options_in_the_project_file_are_one_line(tmp_path, monkeypatch, table, setting, message):
    repo = make_repo(tmp_path, f'sources = ["README.md"]\n[writers.{table}]\n{setting}\n')
    result = run_in(repo, monkeypatch, "build", "-o", "dist")
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert not (repo / "dist").exists(), "options are checked before any work"


def test_a_file_name_that_is_not_utf8_builds_every_format(tmp_path, monkeypatch):
    folder = tmp_path / "guide"
    folder.mkdir()
    name = os.fsdecode(b"g\xff.md")
    shutil.copy(CLEAN, folder / name)
    result = run_in(tmp_path, monkeypatch, "build", "guide", "-o", "dist", "-f", "json", "-f", "anki")
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "dist" / "notes.json").read_text(encoding="utf-8"))
    assert name in json.dumps(data, ensure_ascii=False)


def test_a_folder_tree_deeper_than_the_stack_is_one_line(tmp_path):
    here = os.getcwd()
    try:
        os.chdir(tmp_path)
        os.mkdir("deep")
        os.chdir("deep")
        for _ in range(1800):
            os.mkdir("d")
            os.chdir("d")
        shutil.copy(CLEAN, "g.md")
        os.chdir(here)
        done = run_bounded(["build", "deep", "-o", "dist", "-f", "json"], tmp_path)
        assert done.returncode == 1, done.stderr
        assert "the input nests too deeply to be read" in done.stderr and "Traceback" not in done.stderr
    finally:
        os.chdir(tmp_path)
        depth = 0
        while os.path.isdir("deep" if depth == 0 else "d"):
            os.chdir("deep" if depth == 0 else "d")
            depth += 1
        for _ in range(depth):
            for name in os.listdir("."):
                os.unlink(name) if not os.path.isdir(name) else os.rmdir(name)
            os.chdir("..")
        os.rmdir("deep")
        os.chdir(here)


@pytest.mark.parametrize("mod", [10**19, 2**63 - 1, 2**53])
def test_a_ledger_mod_too_large_for_anki_is_one_line(tmp_path, monkeypatch, mod):
    repo = make_repo(tmp_path, 'sources = ["README.md"]\n')
    assert run_in(repo, monkeypatch, "build", "-f", "anki").exit_code == 0
    lock = repo / "cheatdeck.lock"
    text = lock.read_text()
    first = text.index('"mod": ') + len('"mod": ')
    lock.write_text(text[:first] + str(mod) + text[text.index("}", first):])
    result = run_in(repo, monkeypatch, "build", "-f", "anki")
    assert result.exit_code == 1, result.output
    assert f'field "mod" must be from 0 to 9007199254740991, not {mod}' in result.output


def test_a_deeply_nested_ledger_is_one_line(tmp_path, monkeypatch):
    repo = make_repo(tmp_path, 'sources = ["README.md"]\n')
    (repo / "cheatdeck.lock").write_text("[" * 100_000)
    result = run_in(repo, monkeypatch, "build", "-f", "anki")
    assert result.exit_code == 1
    assert "cheatdeck.lock: cannot read the identity ledger: it nests too deeply" in result.output
    merged = run_in(repo, monkeypatch, "ledger", "merge", "cheatdeck.lock", "cheatdeck.lock", "cheatdeck.lock")
    assert merged.exit_code == 1 and "nests too deeply" in merged.output


def test_pillows_bomb_warning_never_reaches_the_terminal(tmp_path):
    from PIL import Image

    repo = tmp_path / "repo"
    repo.mkdir()
    Image.new("1", (9500, 9500)).save(repo / "big.png")  # 90 megapixels in 11 KB
    (repo / "README.md").write_text(CLEAN.read_text(encoding="utf-8") + "\n![big](big.png)\n")
    done = run_bounded(["-q", "build", "README.md", "-o", "dist", "-f", "anki"], repo)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


# 10. Terminal escapes, GitHub annotations, translation ledgers' merge driver, temps on every exit.

def test_an_escape_in_a_ledger_identity_never_reaches_the_terminal(tmp_path, monkeypatch):
    repo = make_repo(tmp_path, 'sources = ["README.md"]\n')
    assert run_in(repo, monkeypatch, "build", "-f", "anki").exit_code == 0
    lock = repo / "cheatdeck.lock"
    data = json.loads(lock.read_text())
    data["notes"]["gone"] = {"hash": "0", "identity": "910.1 \x1b]0;owned\x07\x1b[2J\u202egnp.exe\ncheatdeck: forged",
                             "objective": "910.1", "mod": 1, "id": 1_000_000_000_016}
    lock.write_text(json.dumps(data))
    result = run_in(repo, monkeypatch, "build", "-f", "anki")
    assert result.exit_code == 0, result.output
    assert "removed since the last build: 910.1 \\x1b]0;owned\\x07\\x1b[2J\\u202egnp.exe\\ncheatdeck: forged" \
        in result.output
    assert not any(ch in result.output for ch in "\x1b\x07\u202e")


def test_github_annotations_escape_file_names(tmp_path, monkeypatch):
    folder = tmp_path / "guide"
    folder.mkdir()
    shutil.copy(CLEAN, folder / "g\n::error file=forged.md,line=1::forged,x.md")
    result = run_in(tmp_path, monkeypatch, "check", "guide", "--format", "github")
    lines = result.output.splitlines()
    assert lines and all(line.startswith(("::warning file=", "::error file=", "::notice file="))
                         for line in lines), lines
    assert "file=guide/g%0A%3A%3Aerror file=forged.md%2Cline=1%3A%3Aforged%2Cx.md,line=" in lines[0]


def test_the_documented_merge_driver_covers_every_ledger():
    import fnmatch
    import re

    docs = (Path(__file__).resolve().parent.parent / "docs" / "anki.md").read_text(encoding="utf-8")
    line = re.search(r"printf '([^']*)' >> \.gitattributes", docs)
    assert line is not None
    patterns = [entry.split()[0] for entry in line.group(1).split("\\n") if "merge=cheatdeck" in entry]
    for name in ("cheatdeck.lock", "cheatdeck-exams.lock", "cheatdeck.pt-BR.lock", "cheatdeck.pt-BR-exams.lock"):
        assert any(fnmatch.fnmatchcase(name, p) for p in patterns), name


@pytest.mark.parametrize("number", ["SIGTERM", "SIGINT"])
def test_a_signal_during_a_write_leaves_no_temp_file(tmp_path, number):
    script = ("import os, signal, sys\n"
              "from pathlib import Path\n"
              "from builder.output import atomic_file\n"
              "from builder.workers import stop_on_signals\n"
              "with stop_on_signals():\n"
              "    with atomic_file(Path(sys.argv[1]) / 'notes.json') as fh:\n"
              "        fh.write(b'half of it')\n"
              f"        os.kill(os.getpid(), signal.{number})\n"
              "        signal.pause()\n")
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True,
                          timeout=60, cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode in (130, 143), done.stderr
    assert list(tmp_path.iterdir()) == [], "the temp file of the write under way is left"


def test_temps_of_a_killed_build_in_the_machine_cache_are_removed(tmp_path, monkeypatch):
    from builder import output

    cache = tmp_path / "machine-cache"
    (cache / "media").mkdir(parents=True, mode=0o700)
    cache.chmod(0o700)
    monkeypatch.setenv("CHEATDECK_CACHE_DIR", str(cache))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    left = cache / "media" / f"{output.TEMP_PREFIX}{dead}-abc"  # what a SIGKILL mid-write leaves
    left.write_bytes(b"\x89PNG half")
    repo = image_repo(tmp_path, png(1800, 1200, 1))
    assert run_in(repo, monkeypatch, "build", "README.md", "-f", "anki", "-o", "dist").exit_code == 0
    assert not left.exists()


@pytest.mark.parametrize("name, text, message", [
    ("pyproject.toml", "[tool]\ncheatdeck = 5\n", "pyproject.toml:2: error: [tool.cheatdeck] must be a table"),
    ("cheatdeck.toml", "writers = 5\n", "cheatdeck.toml:1: error: 'writers' must be a table"),
    ("cheatdeck.toml", "# " + "x" * 1_100_000 + "\n", "over the 1 MiB limit for a project file"),
])
def test_a_bad_project_file_is_one_line(tmp_path, monkeypatch, name, text, message):
    repo = make_repo(tmp_path)
    (repo / name).write_text(text)
    result = run_in(repo, monkeypatch, "check")
    assert result.exit_code == 1, result.output
    assert message in result.output
