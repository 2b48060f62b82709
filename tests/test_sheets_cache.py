"""Incremental sheets: a no-op rebuild renders nothing, an edit re-renders only what changed."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from builder.config import BuildConfig
from builder.pipeline import build
from tests.conftest import FIXTURES, ROOT

pytestmark = pytest.mark.slow

RICH = FIXTURES / "sheets" / "rich"


@pytest.fixture
def guide(tmp_path) -> Path:
    shutil.copytree(RICH, tmp_path / "source")
    return tmp_path / "source" / "topic-930.md"


@pytest.fixture(scope="session")
def first_sheets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture guide's first sheets build, made once per test process."""
    base = tmp_path_factory.mktemp("rich-sheets")
    shutil.copytree(RICH, base / "source")
    run(base / "source" / "topic-930.md", base / "dist")
    return base


@pytest.fixture
def built(tmp_path, first_sheets) -> Path:
    """The guide, as `guide` gives it, and its first sheets build in tmp_path/dist: a copy of
    first_sheets, file times kept, as if this test had built it (the cache names no path)."""
    shutil.copytree(first_sheets / "source", tmp_path / "source")
    shutil.copytree(first_sheets / "dist", tmp_path / "dist", symlinks=True)
    return tmp_path / "source" / "topic-930.md"


def run(source: Path, out: Path, **options):
    said: list[str] = []
    config = BuildConfig(output=out, formats=("sheets",), progress=said.append,
                         options={"jobs": 2, "progress": False, **options})
    return build([str(source)], config), said


def stamps(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.glob("*.*")}


def rendered(said: list[str]) -> list[str]:
    return [line.split("] ", 1)[1] for line in said if line.startswith("sheets: [")]


def test_a_rebuild_with_no_change_renders_and_writes_nothing(guide, tmp_path):
    out = tmp_path / "dist"
    _, said = run(guide, out)
    assert sorted(rendered(said)) == ["930-sheet-fixture", "930.1-namespaces-and-cgroups",
                                      "930.2-without-commands"]
    before = stamps(out / "sheets")
    result, said = run(guide, out)
    assert rendered(said) == []
    assert stamps(out / "sheets") == before
    assert len(result.outputs) == 8  # 3 PDFs, 3 HTML pages, their stylesheet and one image
    assert {p.name for p in result.outputs} >= {"sheet.css", "diagram.png"}


def test_editing_one_objective_re_renders_it_and_its_topic_only(built, tmp_path, monkeypatch):
    from builder.sheets import pool

    guide, out = built, tmp_path / "dist"
    before = stamps(out / "sheets")
    text = guide.read_text("utf-8")
    # More lines in 930.1 move 930.2 down the file: positions alone must not re-render it.
    guide.write_text(text.replace("ip netns list\n", "ip netns list\nip netns exec red ip link\n\n\n"), "utf-8")
    pools: list[int] = []

    class Recorded(pool.RenderPool):
        def __init__(self, setup, jobs):  # type: ignore[no-untyped-def]
            pools.append(jobs)
            super().__init__(setup, jobs)

    monkeypatch.setattr(pool, "RenderPool", Recorded)
    _, said = run(guide, out)
    assert sorted(rendered(said)) == ["930-sheet-fixture", "930.1-namespaces-and-cgroups"]
    # The objective and its topic are laid out side by side, in two workers (never in this
    # process, which is building the deck meanwhile).
    assert pools == [2]
    after = stamps(out / "sheets")
    assert after["930.2-without-commands.pdf"] == before["930.2-without-commands.pdf"]
    assert after["930.1-namespaces-and-cgroups.pdf"] != before["930.1-namespaces-and-cgroups.pdf"]


def test_cached_findings_follow_their_objective_when_it_moves(guide, tmp_path):
    out = tmp_path / "dist"
    text = guide.read_text("utf-8").replace("* Awareness of the terms", "* Awareness of the terms \ue000")
    guide.write_text(text, "utf-8")
    first, _ = run(guide, out)
    (glyph,) = [d for d in first.diagnostics if d.rule == "sheet-missing-glyph"]
    guide.write_text(text.replace("ip netns list\n", "ip netns list\nip netns exec red ip link\n\n\n"), "utf-8")
    second, said = run(guide, out)
    assert "930.2-without-commands" not in rendered(said)
    (moved,) = [d for d in second.diagnostics if d.rule == "sheet-missing-glyph"]
    assert moved.pos.line == glyph.pos.line + 3


def test_changing_an_option_or_removing_an_objective_updates_every_sheet(built, tmp_path):
    guide, out = built, tmp_path / "dist"
    _, said = run(guide, out, paper="letter")
    assert len(rendered(said)) == 3
    text = guide.read_text("utf-8")
    guide.write_text(text[:text.index("### 930.2")], "utf-8")
    run(guide, out, paper="letter")
    assert not (out / "sheets" / "930.2-without-commands.pdf").exists()
    assert not (out / "sheets" / "930.2-without-commands.html").exists()
    manifest = json.loads((out / ".cache" / "sheets" / "manifest.json").read_text())
    assert sorted(manifest) == ["930-sheet-fixture.html", "930-sheet-fixture.pdf",
                                "930.1-namespaces-and-cgroups.html", "930.1-namespaces-and-cgroups.pdf"]
    # old renders pruned (an objective's render keeps its bare layout beside it: .body.pdf)
    assert len({p.name[:64] for p in (out / ".cache" / "sheets").glob("*/*.pdf")}) == 2


def test_only_builds_objective_sheets_and_keeps_the_others(built, tmp_path):
    guide, out = built, tmp_path / "dist"
    config = BuildConfig(output=out, formats=("sheets",), only=("930.2",), options={"jobs": 1})
    guide.write_text(guide.read_text("utf-8").replace("Candidates know the words only.", "Changed."), "utf-8")
    result = build([str(guide)], config)
    assert [p.name for p in result.outputs] == ["930.2-without-commands.pdf", "930.2-without-commands.html",
                                                "sheet.css"]
    assert (out / "sheets" / "930.1-namespaces-and-cgroups.pdf").is_file()
    assert (out / "sheets" / "930-sheet-fixture.pdf").is_file()


def imported_after(args: list[str], tmp_path: Path) -> set[str]:
    code = ("import sys; from builder.cli import cli; "
            "sys.argv = ['cheatdeck', '-q', 'build', *sys.argv[1:]]\n"
            "try:\n    cli(standalone_mode=False)\nfinally:\n"
            "    print(' '.join(m for m in ('weasyprint', 'jinja2', 'pypdf') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


def test_deck_only_builds_and_no_op_sheet_builds_never_import_weasyprint(guide, tmp_path):
    """Nor does a build whose sheets its workers render: what they send back is read without it."""
    out = str(tmp_path / "dist")
    for deck in ("json", "anki"):
        assert "weasyprint" not in imported_after(["-f", deck, "-o", out, str(guide)], tmp_path)
    assert imported_after(["-f", "sheets", "-j", "2", "-o", out, str(guide)], tmp_path) == {"jinja2"}
    guide.write_text(guide.read_text("utf-8").replace("Candidates know the words only.", "Changed."), "utf-8")
    assert "weasyprint" in imported_after(["-f", "sheets", "-j", "1", "-o", out, str(guide)], tmp_path)
    assert imported_after(["-f", "sheets", "-o", out, str(guide)], tmp_path) == set()


@pytest.fixture
def fresh_environment():
    from builder.sheets import environment

    environment.render_environment.cache_clear()
    yield environment
    environment.render_environment.cache_clear()


def test_a_changed_font_re_renders_every_sheet(built, tmp_path, monkeypatch, fresh_environment):
    guide, out = built, tmp_path / "dist"
    _, said = run(guide, out)
    assert rendered(said) == []
    monkeypatch.setattr(fresh_environment, "font_fingerprint", lambda: "another DejaVu Sans")
    fresh_environment.render_environment.cache_clear()
    _, said = run(guide, out)
    assert len(rendered(said)) == 3


def test_changed_code_re_renders_every_sheet(built, tmp_path, monkeypatch, fresh_environment):
    guide, out = built, tmp_path / "dist"
    first = fresh_environment.code_digest()
    assert first == fresh_environment.code_digest() and len(first) == 64
    monkeypatch.setattr(fresh_environment, "code_digest", lambda: "the code of another checkout")
    fresh_environment.render_environment.cache_clear()
    _, said = run(guide, out)
    assert len(rendered(said)) == 3


def test_the_font_fingerprint_follows_what_fontconfig_finds(tmp_path, monkeypatch, fresh_environment):
    """A real fontconfig setup: replacing the one font file it knows changes the fingerprint."""
    real = fresh_environment._fontconfig(["DejaVu Sans"])
    if real is None or not real[0]["DejaVu Sans"]:
        pytest.skip("libfontconfig or DejaVu Sans is not installed")
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    shutil.copy(real[0]["DejaVu Sans"], fonts / "Sheet.ttf")
    conf = tmp_path / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                    f'<dir>{fonts}</dir><cachedir>{tmp_path / "cache"}</cachedir></fontconfig>', "utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(conf))
    picks, files = fresh_environment._fontconfig(["DejaVu Sans"])
    assert files == [str(fonts / "Sheet.ttf")] and picks["DejaVu Sans"] == str(fonts / "Sheet.ttf")
    before = fresh_environment.font_fingerprint()
    assert fresh_environment.font_fingerprint() == before
    (fonts / "Sheet.ttf").write_bytes((fonts / "Sheet.ttf").read_bytes() + b"\0" * 16)
    assert fresh_environment.font_fingerprint() != before


SHARED = Path(__file__).resolve().parent / "fixtures" / "sheets" / "shared"


def test_small_objectives_share_a_page_laid_out_again_only_when_one_changes(tmp_path, monkeypatch):
    """940.1-940.3 are one page each and well under half full: the topic PDF lays them out
    together on one page, whose running head names all three; the index starts on 940.4's page. Editing 940.4 lays out 940.4 only
    (the shared page comes from the cache); editing 940.2 lays out 940.2 and the shared page."""
    import pypdf

    from builder.sheets.pdf import PdfRenderer

    source = tmp_path / "source"
    shutil.copytree(SHARED, source)
    laid: list[str] = []
    render_body = PdfRenderer.render_body

    def counted(self, html, base, columns=1):  # type: ignore[no-untyped-def]
        laid.append(",".join(re.findall(r'<article class="objective" id="o(\d+-\d+)"', html)))
        return render_body(self, html, base, columns)

    monkeypatch.setattr(PdfRenderer, "render_body", counted)
    out = tmp_path / "dist"
    run(source / "topic-940.md", out, jobs=1)
    assert sorted(laid) == ["940-1", "940-1,940-2,940-3", "940-2", "940-3", "940-4"]
    topic = pypdf.PdfReader(out / "sheets" / "940-shared-pages.pdf")
    starts = {item.title.split()[0]: topic.get_destination_page_number(item) for item in topic.outline}
    # the index starts in the free columns of 940.4's one page
    assert starts == {"Topic": 0, "940.1": 1, "940.2": 1, "940.3": 1, "940.4": 2, "Index": 2}
    assert len(topic.pages) == 3
    head = topic.pages[1].extract_text()
    assert re.search(r"940\.1 Small One\s+·\s+940\.2 Small Two\s+·\s+940\.3 Small Three", head)
    text = (source / "topic-940.md").read_text("utf-8")
    for edited, expected in (("printf 'line 59", ["940-4"]), ("df -h\n", ["940-1,940-2,940-3", "940-2"])):
        laid.clear()
        text = text.replace(edited, ("df -i\n" if edited == "df -h\n" else "printf 'one more line'\n") + edited)
        (source / "topic-940.md").write_text(text, "utf-8")
        run(source / "topic-940.md", out, jobs=1)
        assert sorted(laid) == expected


def _pdf_text(path: Path) -> list[str]:
    import pypdf

    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


@pytest.mark.parametrize("edit, ahead", [
    # a command group at the end: it lands where the last one is, so the contents and index laid
    # out beside the objective, from its old layout, print the right numbers and are used
    ("append", True),
    # 35 command groups first: the ones after them move to later pages; laid out again
    ("shift", False),
])
def test_a_topics_contents_and_index_laid_out_beside_an_edited_objective_print_its_new_pages(
        built, tmp_path, monkeypatch, edit, ahead):
    """The topic PDF of an edited guide reads as a cold build of it, whether the contents and
    index laid out while the objective was (from the pages it had) were right or not."""
    from builder.sheets import pool
    from builder.sheets.pdf import PdfRenderer

    guide, out = built, tmp_path / "dist"
    text = guide.read_text("utf-8")
    if edit == "append":  # to the first objective (the last one's new lines would change where the index starts)
        text = text.replace("### 930.2 ", "```sh\n# list the bridges of the host\nbridge link show\n```\n\n### 930.2 ", 1)
    else:
        groups = "".join(f"```sh\n# show the namespaces of process {n}\nlsns -p {n}\n```\n\n" for n in range(35))
        text = text.replace("#### 930.1 Important Commands\n", "#### 930.1 Important Commands\n\n" + groups, 1)
    assert text != guide.read_text("utf-8")
    guide.write_text(text, "utf-8")
    laid, checked, stamps, where = [], [], [], ["ahead"]
    part, right, render, topic = PdfRenderer.render_part, pool._still_right, PdfRenderer.render, pool._topic
    monkeypatch.setattr(PdfRenderer, "render_part", lambda self, *a: laid.append(1) or part(self, *a))
    monkeypatch.setattr(pool, "_still_right", lambda *a: checked.append(right(*a)) or checked[-1])
    monkeypatch.setattr(PdfRenderer, "render", lambda self, html, *a: "stamp-band" in html and stamps.append(
        where[-1]) or render(self, html, *a))

    def putting_together(job):  # type: ignore[no-untyped-def]
        where.append("topic")
        try:
            return topic(job)
        finally:
            where.pop()
    monkeypatch.setattr(pool, "_topic", putting_together)
    run(guide, out, jobs=1)
    assert checked == [ahead]
    assert len(laid) == (2 if ahead else 4)  # contents and index, once or twice
    # heads and page numbers, laid out ahead of the topic PDF: the objective's, and its topic's
    # beside the objective, used when every page and number they print is right; else laid out
    # again as the topic is put together
    assert sorted(stamps) == (["ahead", "ahead"] if ahead else ["ahead", "ahead", "topic"])
    cold = tmp_path / "cold"
    run(guide, cold, jobs=1)
    (topic,) = (out / "sheets").glob("930-*.pdf")
    assert _pdf_text(topic) == _pdf_text(cold / "sheets" / topic.name)
