"""dist/.cache is untrusted input: names stay inside the cache, corrupt renders are rendered again."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from builder.config import BuildConfig
from builder.pipeline import build
from tests.conftest import FIXTURES

pytestmark = pytest.mark.slow

RICH = FIXTURES / "sheets" / "rich"
OBJECTIVE = "930.1-namespaces-and-cgroups"


@pytest.fixture(scope="session")
def first_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture guide and its first build (json and sheets), made once per test process."""
    base = tmp_path_factory.mktemp("rich-first")
    shutil.copytree(RICH, base / "source")
    run(base)
    return base


@pytest.fixture
def built(tmp_path, first_build) -> Path:
    """A source folder and a first build of it (json and sheets) in tmp_path/dist: a copy of
    first_build, times kept, as if this test had built it."""
    shutil.copytree(first_build / "source", tmp_path / "source")
    shutil.copytree(first_build / "dist", tmp_path / "dist", symlinks=True)
    return tmp_path


def run(tmp: Path, formats: tuple[str, ...] = ("json", "sheets")):
    said: list[str] = []
    config = BuildConfig(output=tmp / "dist", formats=formats, progress=said.append,
                         options={"jobs": 1, "progress": False})
    return build([str(tmp / "source" / "topic-930.md")], config), said


def rendered(said: list[str]) -> list[str]:
    return [line.split("] ", 1)[1] for line in said if line.startswith("sheets: [")]


def cache_lines(said: list[str]) -> list[str]:
    return [line for line in said if ": cache: " in line]


def assert_valid_pdf(path: Path) -> None:
    reader = PdfReader(path, strict=True)
    assert len(reader.pages) >= 1
    for page in reader.pages:
        page.extract_text()
    if shutil.which("pdfinfo"):
        done = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True)
        assert done.returncode == 0 and not done.stderr, (path, done.stderr)


def manifest_path(tmp: Path) -> Path:
    return tmp / "dist" / ".cache" / "sheets" / "manifest.json"


def cached(tmp: Path, pattern: str) -> list[Path]:
    return sorted((tmp / "dist" / ".cache" / "sheets").glob(f"*/{pattern}"))


def test_manifest_entries_outside_the_sheets_folder_delete_nothing(built):
    victim = built / "victim.txt"
    victim.write_text("keep me", "utf-8")
    guide = built / "source" / "topic-930.md"
    outside = built / "outside"
    outside.mkdir()
    (outside / "linked.pdf").write_text("keep me too", "utf-8")
    (built / "dist" / "sheets" / "link.pdf").symlink_to(outside / "linked.pdf")
    manifest = json.loads(manifest_path(built).read_text("utf-8"))
    (record,) = [v for k, v in manifest.items() if k == f"{OBJECTIVE}.pdf"]
    for name in (str(victim), "../../source/topic-930.md", "..", "link.pdf", "sub/x.pdf", "a\\b.pdf"):
        manifest[name] = record
    manifest_path(built).write_text(json.dumps(manifest), "utf-8")
    _, said = run(built)
    assert victim.read_text("utf-8") == "keep me"
    assert guide.is_file()
    assert (outside / "linked.pdf").read_text("utf-8") == "keep me too"
    assert (built / "dist" / "sheets" / "link.pdf").is_symlink()  # not ours: left alone
    assert any(str(victim) in line for line in cache_lines(said)), said
    assert rendered(said) == []  # the genuine entries still hold
    assert all(name.endswith((".pdf", ".html")) and "/" not in name
               for name in json.loads(manifest_path(built).read_text("utf-8")))


def test_truncated_cached_pdfs_are_rendered_again(built):
    for pdf in cached(built, "*.pdf"):
        data = pdf.read_bytes()
        pdf.write_bytes(data[: len(data) // 2])
    for pdf in (built / "dist" / "sheets").glob("*.pdf"):
        pdf.unlink()
    _, said = run(built)
    assert sorted(rendered(said)) == ["930-sheet-fixture", OBJECTIVE, "930.2-without-commands"]
    assert any("rendering again" in line for line in cache_lines(said)), said
    pdfs = sorted((built / "dist" / "sheets").glob("*.pdf"))
    assert len(pdfs) == 3
    for pdf in pdfs:
        assert_valid_pdf(pdf)
    _, said = run(built)  # and the fresh renders are what later builds keep
    assert rendered(said) == [] and cache_lines(said) == []


def test_a_same_size_corruption_of_a_published_sheet_is_replaced(built):
    sheet = built / "dist" / "sheets" / f"{OBJECTIVE}.pdf"
    good = sheet.read_bytes()
    data = bytearray(good)
    data[len(data) // 2: len(data) // 2 + 64] = b"\0" * 64
    sheet.write_bytes(bytes(data))
    _, said = run(built)
    assert rendered(said) == []  # the cached render is intact: it is published again
    assert sheet.read_bytes() == good


def test_garbage_in_a_cached_article_never_reaches_the_topic_html(built):
    for article in cached(built, "*.article.html"):
        article.write_text("<p>GARBAGE-FROM-CACHE</p>", "utf-8")
    (built / "dist" / "sheets" / "930-sheet-fixture.html").unlink()
    _, said = run(built)
    topic = (built / "dist" / "sheets" / "930-sheet-fixture.html").read_text("utf-8")
    assert "GARBAGE-FROM-CACHE" not in topic
    assert "Namespaces and cgroups" in topic
    assert any("rendering again" in line for line in cache_lines(said)), said


def test_cached_files_that_are_links_out_of_the_cache_are_never_published(built):
    secret = built / "secret.pdf"
    secret.write_bytes(b"%PDF-1.7 SECRET")
    pdf = next(p for p in cached(built, "*.pdf") if (p.with_suffix(".article.html")).is_file())
    record = json.loads(pdf.with_suffix(".json").read_text("utf-8"))
    record["files"][".pdf"] = [len(secret.read_bytes()), hashlib.sha256(secret.read_bytes()).hexdigest()]
    pdf.with_suffix(".json").write_text(json.dumps(record), "utf-8")
    pdf.unlink()
    pdf.symlink_to(secret)
    # A key folder that is a link out of the cache: never written into, never pruned through.
    elsewhere = built / "elsewhere"
    elsewhere.mkdir()
    bait = elsewhere / ("ee" + "0" * 62 + ".pdf")
    bait.write_bytes(b"not a cache file")
    (built / "dist" / ".cache" / "sheets" / "ee").symlink_to(elsewhere)
    (built / "dist" / ".cache" / "sheets" / "ab" / ("ab" + "1" * 62 + ".pdf")).mkdir(parents=True)
    for out in (built / "dist" / "sheets").glob("*.pdf"):
        out.unlink()
    _, said = run(built)
    for out in (built / "dist" / "sheets").glob("*.pdf"):
        assert b"SECRET" not in out.read_bytes()
        assert_valid_pdf(out)
    assert bait.read_bytes() == b"not a cache file"
    assert secret.read_bytes() == b"%PDF-1.7 SECRET"
    assert cache_lines(said), said


JUNK = [b"", b"null", b"[]", b"\xff\xfe garbage", b"{" * 100_000, b'{"pages": "x"}',
        b'{"pages": 1, "diagnostics": [[1]], "files": {}}',
        b'{"pages": 1, "diagnostics": [["a", 0, 0, "fatal", "r", "m"]], "files": {".pdf": [1, "x"]}}',
        b'{"pages": 1, "diagnostics": [["a", 0, 0, "error", "r", "\\u001b[2J"]], "files": {}}']


@pytest.mark.parametrize("junk", JUNK)
def test_junk_cache_json_is_a_miss_not_a_traceback(built, junk):
    for record in cached(built, "*.json"):
        record.write_bytes(junk)
    manifest_path(built).write_bytes(junk)
    for record in (built / "dist" / ".cache" / "writers").glob("*.json"):
        record.write_bytes(junk)
    (built / "dist" / "sheets" / f"{OBJECTIVE}.pdf").unlink()
    result, said = run(built)
    assert OBJECTIVE in rendered(said)
    for pdf in (built / "dist" / "sheets").glob("*.pdf"):
        assert_valid_pdf(pdf)
    assert "json: up to date" not in said
    json.loads((built / "dist" / "notes.json").read_text("utf-8"))
    assert not [d for d in result.diagnostics if d.severity.value == "error"]


@pytest.mark.parametrize("manifest", [
    {"x.pdf": None}, {"x.pdf": [1, 2]}, {"x.pdf": ["zz", 1, "a"]}, {"x.pdf": ["0" * 64, -1, "0" * 64]},
    {"x.pdf": ["0" * 64, True, "0" * 64, 5]}, {f"{OBJECTIVE}.pdf": ["0" * 64, 1, "0" * 64]},
])
def test_wrong_shape_manifest_entries_are_misses(built, manifest):
    manifest_path(built).write_text(json.dumps(manifest), "utf-8")
    _, said = run(built)
    for pdf in (built / "dist" / "sheets").glob("*.pdf"):
        assert_valid_pdf(pdf)
    _, said = run(built)
    assert rendered(said) == []


def test_a_writer_record_naming_files_outside_dist_is_ignored(built):
    victim = built / "victim.json"
    victim.write_text("{}", "utf-8")
    record_path = built / "dist" / ".cache" / "writers" / "json.json"
    record = json.loads(record_path.read_text("utf-8"))
    data = victim.read_bytes()
    record["outputs"].append(["../victim.json", len(data), hashlib.sha256(data).hexdigest()])
    record_path.write_text(json.dumps(record), "utf-8")
    result, said = run(built, ("json",))
    assert victim.resolve() not in {p.resolve() for p in result.outputs}
    assert "json: up to date" not in said
    assert any(line.startswith("json: cache: ") for line in said), said
    result, said = run(built, ("json",))
    assert "json: up to date" in said
    assert [p.name for p in result.outputs] == ["notes.json"]


def test_a_changed_writer_output_is_written_again(built):
    notes = built / "dist" / "notes.json"
    good = notes.read_bytes()
    notes.write_bytes(good.replace(b"cgroups", b"CGROUPS"))  # same size, other bytes
    _, said = run(built, ("json",))
    assert "json: up to date" not in said
    assert notes.read_bytes() == good


def test_a_cache_folder_that_links_out_of_dist_is_replaced_not_followed(built):
    elsewhere = built / "elsewhere"
    shutil.copytree(built / "dist" / ".cache", elsewhere)
    (elsewhere / "sheets" / "ee").symlink_to(built / "source")  # a link out there is not ours either
    before = {p: p.read_bytes() for p in elsewhere.rglob("*") if p.is_file()}
    shutil.rmtree(built / "dist" / ".cache")
    (built / "dist" / ".cache").symlink_to(elsewhere)
    (built / "dist" / "sheets" / f"{OBJECTIVE}.pdf").unlink()
    _, said = run(built)
    assert {p: p.read_bytes() for p in elsewhere.rglob("*") if p.is_file()} == before
    assert (elsewhere / "sheets" / "ee").is_symlink()
    cache = built / "dist" / ".cache"
    assert cache.is_dir() and not cache.is_symlink()
    assert (cache / "sheets" / "manifest.json").is_file() and (cache / "writers" / "json.json").is_file()
    assert any("a link in the cache" in line for line in said), said
    assert_valid_pdf(built / "dist" / "sheets" / f"{OBJECTIVE}.pdf")


def test_a_stored_record_is_checked_field_by_field():
    from builder.sheets.cache import _entry_record

    good = {"pages": 2, "diagnostics": [["g.md", 3, 1, "warning", "sheet-render", "WeasyPrint: x"]],
            "files": {".pdf": [10, "a" * 64], ".article.html": [0, "b" * 64]}}
    entry, files = _entry_record(good)
    assert entry is not None and entry.pages == 2 and files[".pdf"] == (10, "a" * 64)
    for bad in ({**good, "pages": True}, {**good, "pages": 0}, {**good, "files": {".pdf": [10, "A" * 64]}},
                {**good, "files": {"../x": [1, "a" * 64], ".pdf": [10, "a" * 64]}},
                {**good, "files": {".article.html": [1, "a" * 64]}},
                {**good, "diagnostics": [["g.md", 3, 1, "warning", "r", "\x1b[2J"]]},
                {**good, "diagnostics": [["g.md", 3, -1, "warning", "r", "m"]]}):
        assert _entry_record(bad) == (None, {}), bad


def test_the_command_line_rebuilds_a_truncated_cache_with_exit_0(built):
    from click.testing import CliRunner

    from builder.cli import cli

    for pdf in cached(built, "*.pdf"):
        pdf.write_bytes(pdf.read_bytes()[:100])
    for pdf in (built / "dist" / "sheets").glob("*.pdf"):
        pdf.unlink()
    result = CliRunner().invoke(cli, ["build", str(built / "source" / "topic-930.md"), "-o", str(built / "dist"),
                                      "-f", "sheets", "-j", "1", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "rendering again" in result.output
    for pdf in (built / "dist" / "sheets").glob("*.pdf"):
        assert_valid_pdf(pdf)
