"""Bounded work for any input: odd files, huge media, long lines and huge guides end cleanly."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder import media, output, pipeline
from builder.cli import cli
from builder.media import MediaRejected, image_kind, read_media
from builder.reader import read_guide
from builder.reader.decode import MAX_LINE_CHARS
from builder.reader.opening import Refused, read_source
from builder.writers import available_writers
from tests.conftest import FIXTURES, ROOT

GOOD = FIXTURES / "reader" / "clean.md"
HEAD = "# Topic 999: Big\n\n## 999.1 Big\n\n**Weight:** 1\n\n**Description:** A big one.\n\n"
PNG = b"\x89PNG\r\n\x1a\n"
LIMIT_KB = 1536 * 1024  # 1.5 GB in ru_maxrss units (KiB)


def run_cli(args: list[str], timeout: int = 300) -> tuple[subprocess.CompletedProcess[str], int]:
    """The CLI in a child of a fresh wrapper process, and the peak RSS (KiB) of the build and
    everything it started (RUSAGE_CHILDREN of the wrapper, so no earlier test's child counts)."""
    wrapper = ("import resource, subprocess, sys\n"
               "done = subprocess.run([sys.executable, '-m', 'builder', *sys.argv[1:]])\n"
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
               "sys.exit(done.returncode)\n")
    done = subprocess.run([sys.executable, "-c", wrapper, *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, stdin=subprocess.DEVNULL)
    *rest, peak = done.stderr.rstrip("\n").split("\n")
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout, "\n".join(rest)), int(peak)


def invoke(args: list[str]):
    return CliRunner().invoke(cli, args, catch_exceptions=False)


def guide(tmp_path: Path, text: str, name: str = "g.md") -> Path:
    folder = tmp_path / "guide"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


# -- sources: regular files inside the source folder, read with a cap -------------------------------

def test_fifo_and_dev_zero_as_sources_are_refused_without_reading(tmp_path):
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)  # nobody writes: a blocking open would hang the build
    done, peak = run_cli(["check", str(fifo), "/dev/zero", str(GOOD)], timeout=120)
    assert done.returncode == 1, done.stderr
    assert f"{fifo}:1:1: error: not a regular file (a FIFO)" in done.stdout
    assert "/dev/zero:1:1: error: not a regular file (a device)" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    assert peak < LIMIT_KB


def test_symlinked_guide_pointing_outside_the_source_folder_is_not_read(tmp_path):
    outside = tmp_path / "elsewhere" / "secret.md"
    outside.parent.mkdir()
    outside.write_text(HEAD.replace("999", "998"), encoding="utf-8")
    folder = guide(tmp_path, GOOD.read_text(encoding="utf-8"))
    (folder / "link.md").symlink_to(outside)
    (folder / "inside-link.md").symlink_to(folder / "g.md")  # a link that stays inside is read
    result = invoke(["build", str(folder), "-o", str(tmp_path / "out"), "-f", "json"])
    assert result.exit_code == 1
    assert (f"{folder / 'link.md'}:1:1: error: symlink points outside the source folder; it is not "
            "read") in result.output
    data = json.loads((tmp_path / "out" / "notes.json").read_text(encoding="utf-8"))
    assert [o["id"] for t in data["topics"] for o in t["objectives"]] == ["910.1"]
    assert "998" not in json.dumps(data["sources"])


def test_source_is_never_read_past_its_cap(tmp_path):
    big = tmp_path / "big.md"
    big.write_bytes(b"x" * 5000)
    assert read_source(str(big), tmp_path, limit=5000) == b"x" * 5000
    with pytest.raises(Refused, match="file is 0.0 MiB; guides over 0 MiB are not read"):
        read_source(str(big), tmp_path, limit=4999)


# -- media: checked by their bytes and size before being read whole ----------------------------------

@pytest.mark.parametrize("head,kind", [
    (PNG + b"rest", "png"), (b"\xff\xd8\xff\xe0", "jpeg"), (b"GIF89a..", "gif"),
    (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"), (b'<?xml version="1.0"?>\n<svg xmlns="x">', "svg"),
    (b"<svg>", "svg"), (b"\x89PNG fixture", None), (b"root:x:0:0", None), (b"<html><svg>", None)])
def test_image_kind_by_magic_numbers(head, kind):
    assert image_kind(head) == kind


def test_media_over_the_limit_or_not_an_image_is_rejected_before_reading(tmp_path):
    fake = tmp_path / "fake.png"
    fake.write_bytes(b"#!/bin/sh\necho not an image\n")
    with pytest.raises(MediaRejected, match="not a PNG, JPEG, GIF, WebP or SVG"):
        read_media(fake)
    big = tmp_path / "big.png"
    big.write_bytes(PNG + b"\0" * 100)
    assert read_media(big, limit=108) == PNG + b"\0" * 100
    with pytest.raises(MediaRejected, match="over the 0 MiB limit for one image"):
        read_media(big, limit=107)


def test_rejected_media_are_left_out_with_a_located_warning(tmp_path, monkeypatch):
    # The definition beside them shows the images on its card (the overview asks the weight only).
    folder = guide(tmp_path, HEAD + "![fake](fake.png)\n\n![a](a.png)\n\n![b](b.gif)\n\n"
                   "**Bigness**: how big a thing is, shown in pictures.\n\n"
                   "### 999.1 Important Commands\n\n```sh\n# list\nls\n```\n")
    (folder / "fake.png").write_text("<html>not an image</html>")
    (folder / "a.png").write_bytes(PNG + b"a" * 600_000)
    (folder / "b.gif").write_bytes(b"GIF89a" + b"b" * 600_000)
    # A build budget of 1 MiB: a.png fits, b.gif does not.
    monkeypatch.setattr(pipeline, "vet_images", lambda g, root: media.vet_images(g, root, 1048576))
    result = invoke(["build", str(folder), "-o", str(tmp_path / "out"), "-f", "json"]
                    + (["-f", "anki"] if "anki" in available_writers() else []))
    assert result.exit_code == 0, result.output
    g = folder / "g.md"
    assert (f"{g}:9:1: warning: image 'fake.png' is left out: not a PNG, JPEG, GIF, WebP or SVG "
            "image (by its first bytes) [media-rejected]") in result.output
    assert (f"{g}:13:1: warning: image 'b.gif' is left out: images of this build exceed 1 MiB "
            "together [media-rejected]") in result.output
    assert "a.png' is left out" not in result.output
    for apkg in (tmp_path / "out" / "anki").glob("*.apkg"):
        with zipfile.ZipFile(apkg) as zf:
            shipped = [zf.read(n) for n in zf.namelist() if n.isdigit()]
        assert shipped == [PNG + b"a" * 600_000]


@pytest.mark.slow
def test_two_gib_sparse_png_is_rejected_in_bounded_memory(tmp_path):
    folder = guide(tmp_path, HEAD + "![x](x.png)\n\n### 999.1 Important Commands\n\n```sh\n# list\nls\n```\n")
    with open(folder / "x.png", "wb") as fh:
        fh.write(PNG)
        fh.truncate(2 * 1024**3)
    out = tmp_path / "out"
    done, peak = run_cli(["build", str(folder), "-o", str(out)])
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    diagnostics = [line for line in done.stderr.splitlines() if "x.png" in line]
    assert diagnostics == [f"{folder / 'g.md'}:9:1: warning: image 'x.png' is left out: 2048.0 MiB "
                           "is over the 20 MiB limit for one image [media-rejected]"]
    assert peak < LIMIT_KB, f"peak RSS {peak // 1024} MB"
    assert not [p for p in out.rglob("*") if p.is_file() and p.stat().st_size > 50 * 1024**2]


# -- the reader: linear in paragraph length, long lines cut, NUL bytes dropped -----------------------

@pytest.mark.slow
def test_huge_one_paragraph_guide_is_read_whole(tmp_path):
    line = "plain words of a long paragraph go on\n"
    body = line * (int(7.9 * 1048576) // len(line))
    folder = guide(tmp_path, HEAD + "**Term**: " + body + "\n### 999.1 Important Commands\n\n"
                                                          "```sh\n# list\nls\n```\n")
    # A hang guard, not a measurement: the quadratic reader took over 6 minutes here.
    done, peak = run_cli(["inspect", "--json", str(folder)], timeout=240)
    assert done.returncode == 0, done.stderr
    [definition] = json.loads(done.stdout)["topics"][0]["objectives"][0]["definitions"]
    text = "".join(s["text"] for s in definition["text"]["spans"])
    assert text.count("paragraph") == body.count("paragraph")
    assert peak < LIMIT_KB


def test_megabyte_lines_are_cut_with_a_diagnostic(tmp_path):
    mixed = "*a_ [b `c " * 100_000  # emphasis and link openers: markdown-it's slow cases
    command = "x --y " * 170_000
    folder = guide(tmp_path, HEAD + f"**Term**: {mixed}\n\n### 999.1 Important Commands\n\n"
                                    f"```sh\n# run it\n{command}\n```\n")
    result = read_guide([str(folder)])
    cut = [d for d in result.diagnostics if d.rule == "line-too-long"]
    g = folder / "g.md"
    assert [str(d) for d in cut] == [
        f"{g}:9:1: warning: line is 1,000,010 characters long; only the first {MAX_LINE_CHARS:,} "
        "are read: break it up [line-too-long]",
        f"{g}:15:1: warning: line is 1,020,000 characters long; only the first {MAX_LINE_CHARS:,} "
        "are read: break it up [line-too-long]"]
    [o] = result.guide.objectives
    assert len(o.command_groups[0].lines[0].text) <= MAX_LINE_CHARS
    assert len(o.definitions[0].text.plain) <= MAX_LINE_CHARS


@pytest.mark.slow
def test_megabyte_lines_build_every_format_in_bounded_memory(tmp_path):
    """The whole build of 1 MB lines ends with one diagnostic a line, no traceback, under 1.5 GB."""
    mixed = "*a_ [b `c " * 100_000
    command = "x --y " * 170_000
    folder = guide(tmp_path, HEAD + f"**Term**: {mixed}\n\n### 999.1 Important Commands\n\n"
                                    f"```sh\n# run it\n{command}\n```\n")
    done, peak = run_cli(["build", str(folder), "-o", str(tmp_path / "dist"), "--ledger",
                          str(tmp_path / "l.lock")], timeout=400)
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr[-2000:]
    assert done.stderr.count("[line-too-long]") == 2
    assert (tmp_path / "dist" / "notes.json").is_file() and list((tmp_path / "dist" / "anki").glob("*.apkg"))
    assert peak < LIMIT_KB, f"peak RSS {peak // 1024} MB"


def test_nul_bytes_after_the_first_8_kib_are_dropped_with_a_diagnostic(tmp_path):
    filler = "".join(f"filler line {i}\n\n" for i in range(800))  # > 8 KiB before the NULs
    text = (HEAD + filler + "**Nul\0Term**: has a\0 NUL\n\n**Other**: and\0 another\n\n"
            "### 999.1 Important Commands\n\n```sh\n# list\nls\n```\n")
    folder = guide(tmp_path, text)
    result = read_guide([str(folder)])
    line = HEAD.count("\n") + filler.count("\n") + 1
    nul = [str(d) for d in result.diagnostics if d.rule == "nul-dropped"]
    assert nul == [f"{folder / 'g.md'}:{line}:1: warning: NUL bytes were dropped here (and on 1 more "
                   "line(s)): the file is partly binary or damaged; check it [nul-dropped]"]
    terms = [(d.term, d.text.plain) for d in result.guide.objectives[0].definitions]
    assert terms == [("NulTerm", "has a NUL"), ("Other", "and another")]


# -- per-objective sheets are cut at a page limit ---------------------------------------------------

@pytest.mark.slow
def test_fifty_thousand_groups_end_cleanly_with_a_cut_sheet(tmp_path):
    """50,000 command groups in one objective: the JSON keeps every one, the sheet is cut before
    layout at the project's page limit (3 pages here, so the test lays out a few pages rather
    than 40: the cut is the same code at any limit), memory stays bounded."""
    pytest.importorskip("weasyprint")
    pypdf = pytest.importorskip("pypdf")
    groups = "".join(f"# purpose {i}\ncmd{i} --flag\n\n" for i in range(50_000))
    folder = guide(tmp_path, HEAD + f"### 999.1 Important Commands\n\n```sh\n{groups}```\n")
    (folder / "cheatdeck.toml").write_text("[writers.sheets]\nmax_pages = 3\n", encoding="utf-8")
    out = tmp_path / "out"
    done, peak = run_cli(["build", str(folder), "-o", str(out), "-f", "json", "-f", "sheets"], timeout=400)
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    assert (f"{folder / 'g.md'}:3:1: warning: objective 999.1 would fill about 833 pages; its sheet is "
            "cut at about 3 pages (decks keep all of it): split the objective [sheet-too-long]"
            ) in done.stderr
    pages = len(pypdf.PdfReader(out / "sheets" / "999.1-big.pdf").pages)
    assert 2 <= pages <= 3
    data = json.loads((out / "notes.json").read_text(encoding="utf-8"))
    assert len(data["topics"][0]["objectives"][0]["command_groups"]) == 50_000
    assert peak < LIMIT_KB, f"peak RSS {peak // 1024} MB"


def test_by_default_an_objective_is_cut_at_about_40_pages(tmp_path):
    """Without a project setting the page limit is 40: 50,000 groups are cut to what fills about
    40 pages (the estimate the cut uses), with the warning saying so."""
    from builder.sheets.limits import LINES_PER_PAGE, _lines, fit_pages
    from builder.sheets.plan import SheetOptions

    groups = "".join(f"# purpose {i}\ncmd{i} --flag\n\n" for i in range(50_000))
    folder = guide(tmp_path, HEAD + f"### 999.1 Important Commands\n\n```sh\n{groups}```\n")
    guide_ = read_guide([str(folder)]).guide
    assert SheetOptions().max_pages == 40
    cut, found = fit_pages(guide_)
    assert [d.rule for d in found] == ["sheet-too-long"] and "cut at about 40 pages" in found[0].message
    kept = cut.objectives[0]
    assert 39 * LINES_PER_PAGE < _lines(kept) <= 40 * LINES_PER_PAGE
    assert len(kept.command_groups) < len(guide_.objectives[0].command_groups) == 50_000


@pytest.mark.parametrize("groups, layouts", [(2_000, 1), (80, 2)])
def test_a_cut_sheet_is_laid_out_once_however_thin_its_last_page(tmp_path, monkeypatch, groups, layouts):
    """An objective cut to the page budget (3 pages here) ends where the cut puts it: 2,000 groups
    cut to 3 pages end on a nearly empty third, laid out once. A sheet that was not cut is laid
    out again to save such a page (80 groups: two pages, then one)."""
    pytest.importorskip("weasyprint")
    from builder.sheets.pdf import PdfRenderer

    from builder.sheets.stamp import THIN

    laid: list[tuple[int, float]] = []  # each layout's pages and how full its last page is
    real = PdfRenderer.render_body

    def counted(self, html, base, columns=1):  # type: ignore[no-untyped-def]
        done = real(self, html, base, columns)
        laid.append((done.pages, done.fills[-1]))
        return done

    monkeypatch.setattr(PdfRenderer, "render_body", counted)
    lines = "".join(f"# purpose {i}\ncmd{i} --flag\n\n" for i in range(groups))
    folder = guide(tmp_path, HEAD + f"### 999.1 Important Commands\n\n```sh\n{lines}```\n")
    (folder / "cheatdeck.toml").write_text("[writers.sheets]\nmax_pages = 3\n", encoding="utf-8")
    result = invoke(["build", str(folder), "-o", str(tmp_path / "out"), "-f", "sheets", "-j", "1"])
    assert result.exit_code == 0, result.output
    assert ("[sheet-too-long]" in result.output) == (groups > 1_000)
    assert len(laid) == layouts, laid
    assert laid[0][0] > 1 and laid[0][1] < THIN, laid  # the first layout ends on a thin page


# -- a guide that changes during the build ----------------------------------------------------------

def test_guide_changed_while_being_read_fails_writing_nothing(tmp_path, monkeypatch):
    import builder.reader as reader

    folder = guide(tmp_path, GOOD.read_text(encoding="utf-8"))
    real = reader.read_source

    def half_saved(name, root, limit):  # an editor saves the file while the build reads it
        data = real(name, root, limit)
        Path(name).write_text(GOOD.read_text(encoding="utf-8") + "\nmore\n", encoding="utf-8")
        return data[: len(data) // 2]
    monkeypatch.setattr(reader, "read_source", half_saved)
    result = invoke(["build", str(folder), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        f"cheatdeck: error: {folder / 'g.md'}: changed while the build was reading it; nothing was "
        "written: build again once it is saved")
    assert not (tmp_path / "out").exists()
    assert not list(folder.glob("cheatdeck.lock"))


def test_guide_changed_while_outputs_are_written_fails(tmp_path, monkeypatch):
    folder = guide(tmp_path, GOOD.read_text(encoding="utf-8"))
    real = pipeline.run_writers

    def editing(guide, ctx, writers):
        written = real(guide, ctx, writers)
        (folder / "g.md").write_text(GOOD.read_text(encoding="utf-8") + "\nmore\n", encoding="utf-8")
        return written
    monkeypatch.setattr(pipeline, "run_writers", editing)
    result = invoke(["build", str(folder), "-o", str(tmp_path / "out"), "-f", "json"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        f"cheatdeck: error: {folder / 'g.md'}: changed while the build was writing outputs from it; "
        "the outputs are of the version read before the change: build again")


# -- disk full, temp files, git locks --------------------------------------------------------------

def test_disk_full_is_one_clean_line_and_leaves_no_temp_file(tmp_path, monkeypatch):
    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(output.os, "fsync", full)
    out = tmp_path / "out"
    result = invoke(["build", str(GOOD), "-o", str(out), "-f", "json"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        f"cheatdeck: error: no space left on device writing {out / 'notes.json'} (free some space "
        "and build again)")
    assert "Traceback" not in result.output
    assert not list(out.rglob(output.TEMP_PREFIX + "*"))


def test_disk_full_on_a_real_tiny_filesystem(tmp_path):
    mount = tmp_path / "tiny"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
                                           capture_output=True).returncode != 0:
        pytest.skip("needs root and permission to mount a tmpfs")
    try:
        folder = guide(tmp_path, HEAD + "".join(f"**T{i}**: " + "word " * 200 + "\n\n" for i in range(200)))
        done, _ = run_cli(["build", str(folder), "-o", str(mount / "dist"), "-f", "json"])
        assert done.returncode == 1, done.stderr
        assert done.stderr.strip().splitlines()[-1] == (
            f"cheatdeck: error: no space left on device writing {mount / 'dist' / 'notes.json'} "
            "(free some space and build again)")
        assert not list(mount.rglob(output.TEMP_PREFIX + "*"))
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_stale_temps_of_dead_builds_go_and_a_live_build_keeps_its_own(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (tmp_path / "sub").mkdir()
        stale = [tmp_path / f"{output.TEMP_PREFIX}{dead}-abc", tmp_path / "sub" / f"{output.TEMP_PREFIX}xyz"]
        kept = [tmp_path / f"{output.TEMP_PREFIX}{live.pid}-abc",
                tmp_path / f"{output.TEMP_PREFIX}{os.getpid()}-q"]
        for path in stale + kept:
            path.write_text("partial")
        output.remove_stale_temps(tmp_path)
        assert [p.exists() for p in stale + kept] == [False, False, True, True]
    finally:
        live.kill()
        live.wait()


def test_temp_files_are_named_for_their_build_and_a_failed_write_removes_its_own(tmp_path, monkeypatch):
    seen: list[str] = []
    real = output.os.replace

    def fail_rename(src, dst):
        seen.append(Path(src).name)
        raise OSError(errno.EIO, "I/O error")
    monkeypatch.setattr(output.os, "replace", fail_rename)
    with pytest.raises(output.OutputError, match=r"x.txt: cannot write: I/O error"):
        output.atomic_write(tmp_path / "x.txt", "data")
    monkeypatch.setattr(output.os, "replace", real)
    [name] = seen
    assert name.startswith(f"{output.TEMP_PREFIX}{os.getpid()}-") and len(name) > len(output.TEMP_PREFIX) + 8
    assert list(tmp_path.iterdir()) == []


def test_a_killed_ledger_write_leaves_no_temp_in_the_source_folder(tmp_path):
    pytest.importorskip("genanki")
    folder = guide(tmp_path, GOOD.read_text(encoding="utf-8"))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    left = folder / f"{output.TEMP_PREFIX}{dead}-ledger"  # what a SIGKILL mid-write leaves behind
    left.write_text('{"partial": ')
    result = invoke(["build", str(folder), "-o", str(tmp_path / "out"), "-f", "anki"])
    assert result.exit_code == 0, result.output
    assert (folder / "cheatdeck.lock").is_file()
    assert not list(folder.glob(output.TEMP_PREFIX + "*"))


def test_git_describe_takes_no_index_lock(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    from builder.version import guide_version

    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    env.pop("GIT_OPTIONAL_LOCKS", None)
    tracked = tmp_path / "g.md"
    tracked.write_text("one\n")
    for args in (["init", "-q"], ["add", "g.md"], ["commit", "-qm", "one"]):
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, env=env, capture_output=True)
    os.utime(tracked, ns=(10**18, 10**18))  # stat data differs from the index: --dirty would refresh it
    index = tmp_path / ".git" / "index"
    before = (index.stat().st_mtime_ns, index.read_bytes())
    assert guide_version(tmp_path) is not None
    assert (index.stat().st_mtime_ns, index.read_bytes()) == before
