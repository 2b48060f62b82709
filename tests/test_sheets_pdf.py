"""End to end: sheets built from the seed and a rich fixture, read back as PDFs and pictures."""

from __future__ import annotations

import io
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from builder.config import BuildConfig
from builder.pipeline import build
from tests.conftest import FIXTURES

pypdf = pytest.importorskip("pypdf")
pytestmark = pytest.mark.slow

RICH = FIXTURES / "sheets" / "rich" / "topic-930.md"
A4_LANDSCAPE = (842, 595)
MOJIBAKE = re.compile("\ufffd|Ã.|â€|ðŸ")


def run(sources, out: Path, **options):
    config = BuildConfig(output=out, formats=("sheets",), options={"jobs": 2, **options})
    return build([str(s) for s in sources], config)


@pytest.fixture(scope="module")
def seed_build(tmp_path_factory):
    from tests.conftest import SEED
    if not SEED.is_file():
        pytest.skip("seed guide ../shared/seed/topic-352.md is not present")
    out = tmp_path_factory.mktemp("seed")
    return run([SEED], out), out / "sheets"


@pytest.fixture(scope="module")
def rich_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("rich")
    return run([RICH], out), out / "sheets"


def text_of(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(path).pages)


def squeeze(text: str) -> str:
    """Text without white space or wrap markers: how a folded command reads back."""
    return re.sub(r"[\s\u21aa]+", "", text)


def test_every_objective_and_topic_has_a_pdf_and_an_html_page(seed_build):
    result, sheets = seed_build
    names = sorted(p.name for p in sheets.glob("*.pdf"))
    assert names == ["352-container-virtualization.pdf", "352.1-container-virtualization-concepts.pdf",
                     "352.2-lxc.pdf", "352.3-docker.pdf", "352.4-container-orchestration-platforms.pdf"]
    for pdf in sheets.glob("*.pdf"):
        assert pdf.with_suffix(".html").is_file()
    assert (sheets / "sheet.css").is_file()
    assert set(result.outputs) >= set(sheets.glob("*.pdf"))


def test_pages_are_a4_landscape_and_within_budget(seed_build):
    _, sheets = seed_build
    for pdf in sheets.glob("352.*.pdf"):
        reader = pypdf.PdfReader(pdf)
        assert 1 <= len(reader.pages) <= 2, pdf.name
        for page in reader.pages:
            assert (round(page.mediabox.width), round(page.mediabox.height)) == A4_LANDSCAPE


def test_every_font_is_embedded(seed_build, rich_build):
    for sheets in (seed_build[1], rich_build[1]):
        for pdf in sheets.glob("*.pdf"):
            for page in pypdf.PdfReader(pdf).pages:
                for font in (page["/Resources"].get("/Font") or {}).values():
                    font = font.get_object()
                    if font["/Subtype"] == "/Type3":
                        continue  # glyphs drawn inside the PDF (colour emoji): embedded by nature
                    descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
                    descriptor = descendant["/FontDescriptor"].get_object()
                    assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), \
                        (pdf.name, font["/BaseFont"])


def test_command_lines_and_cited_objects_are_in_the_text(seed_build):
    result, sheets = seed_build
    o = result.guide.objective("352.1")
    text = squeeze(text_of(sheets / "352.1-container-virtualization-concepts.pdf"))
    for group in o.command_groups:
        for line in group.lines:
            assert squeeze(line.text.replace("\\\n", "")) in text, line.text
    for cited in o.cited_objects:
        assert squeeze(cited.name) in text
    assert not MOJIBAKE.search(text_of(sheets / "352.1-container-virtualization-concepts.pdf"))


def test_pdf_metadata_names_the_objective(seed_build):
    _, sheets = seed_build
    reader = pypdf.PdfReader(sheets / "352.1-container-virtualization-concepts.pdf")
    meta = reader.metadata
    assert meta.title == "352.1 Container Virtualization Concepts"
    assert "352.1" in meta.subject
    assert "nsenter" in meta["/Keywords"] and "/proc/[0-9]+/ns" in meta["/Keywords"]
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_topic_pdf_has_a_contents_page_and_bookmarks_to_each_objective(seed_build):
    result, sheets = seed_build
    reader = pypdf.PdfReader(sheets / "352-container-virtualization.pdf")
    top = [item for item in reader.outline if not isinstance(item, list)]
    titles = [item.title for item in top]
    assert titles[0].startswith("Topic 352")
    assert titles[-1] == "Index" and reader.get_destination_page_number(top[-1]) == len(reader.pages) - 1
    starts = {}
    for item in top[1:-1]:
        starts[item.title.split()[0]] = reader.get_destination_page_number(item)
    assert list(starts) == ["352.1", "352.2", "352.3", "352.4"]
    assert starts["352.1"] == 1 and list(starts.values()) == sorted(starts.values())
    contents = reader.pages[0].extract_text()
    for oid in starts:
        assert oid in contents
    # the page numbers printed in the contents (floated right, so extracted first)
    assert [int(n) for n in re.findall(r"^\d+$", contents, re.M)] == [s + 1 for s in starts.values()]
    # the contents links land on each objective's first page
    dests = reader.named_destinations
    assert {k: reader.get_destination_page_number(dests[f"o{k.replace('.', '-')}"]) for k in starts} == starts


def test_standalone_html_parses_and_links_its_stylesheet_and_images(rich_build):
    from tests.test_sheets_context import parse_html
    _, sheets = rich_build
    for page in sheets.glob("*.html"):
        parse_html(page.read_text("utf-8"))
    html = (sheets / "930.1-namespaces-and-cgroups.html").read_text("utf-8")
    assert 'href="sheet.css"' in html
    assert 'src="media/images/diagram.png"' in html
    assert (sheets / "media" / "images" / "diagram.png").read_bytes() == \
        (RICH.parent / "images" / "diagram.png").read_bytes()


def test_long_lines_wrap_with_a_marker_and_emoji_draw_in_colour(rich_build):
    result, sheets = rich_build
    pdf = sheets / "930.1-namespaces-and-cgroups.pdf"
    text = text_of(pdf)
    assert "\u21aa" in text  # the long unshare line wrapped visibly
    assert squeeze("unshare --mount --uts --ipc --user --pid --net --map-root-user --mount-proc --fork "
                   "chroot /srv/debian-rootfs /bin/bash --login") in squeeze(text)
    fonts = {str(f.get_object()["/BaseFont"]) for p in pypdf.PdfReader(pdf).pages
             for f in (p["/Resources"].get("/Font") or {}).values()}
    assert any("Emoji" in f for f in fonts)  # ✅ in the description, drawn by the colour font
    assert not [d for d in result.diagnostics if d.rule.startswith("sheet-")]


def png_is_blank(path: Path) -> bool:
    """Whether every pixel of an 8-bit greyscale/RGB PNG from pdftoppm has one value."""
    data = path.read_bytes()
    width, height, depth, kind = struct.unpack(">IIBB", data[16:26])
    chunks, at = [], 8
    while at < len(data):
        size = struct.unpack(">I", data[at:at + 4])[0]
        if data[at + 4:at + 8] == b"IDAT":
            chunks.append(data[at + 8:at + 8 + size])
        at += size + 12
    raw = zlib.decompress(b"".join(chunks))
    channels = {0: 1, 2: 3}[kind]
    stride = width * channels + 1
    pixels = b"".join(raw[row * stride + 1:(row + 1) * stride] for row in range(height))
    return len(set(pixels)) <= 1


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_page_one_renders_to_a_picture_that_is_not_blank(rich_build, tmp_path):
    _, sheets = rich_build
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-gray", "-f", "1", "-l", "1",
                    str(sheets / "930.1-namespaces-and-cgroups.pdf"), str(tmp_path / "page")], check=True)
    (picture,) = tmp_path.glob("page*.png")
    assert not png_is_blank(picture)
    blank = tmp_path / "blank.png"
    header = struct.pack(">IIBBBBB", 4, 4, 8, 0, 0, 0, 0)
    def chunk(tag, body):
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))
    blank.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) +
                      chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff\xff" * 4)) + chunk(b"IEND", b""))
    assert png_is_blank(blank)  # the check itself can fail


def test_same_input_and_source_date_epoch_give_identical_bytes(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    # Outside the repository: the guide version would otherwise follow whatever is committed
    # between the two builds.
    source = tmp_path / "source"
    shutil.copytree(RICH.parent, source)
    run([source / RICH.name], tmp_path / "a")
    run([source / RICH.name], tmp_path / "b", jobs=1)
    for pdf in (tmp_path / "a" / "sheets").glob("*.pdf"):
        assert pdf.read_bytes() == (tmp_path / "b" / "sheets" / pdf.name).read_bytes(), pdf.name
    meta = pypdf.PdfReader(tmp_path / "a" / "sheets" / "930.1-namespaces-and-cgroups.pdf").metadata
    assert meta["/CreationDate"].startswith("D:20231114")


def test_letter_portrait_and_tagged_pdf_ua(tmp_path):
    run([RICH], tmp_path, paper="letter", orientation="portrait", pdf_variant="pdf/ua-1", emoji="drop")
    reader = pypdf.PdfReader(tmp_path / "sheets" / "930.1-namespaces-and-cgroups.pdf")
    page = reader.pages[0]
    assert (round(page.mediabox.width), round(page.mediabox.height)) == (612, 792)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    fonts = {str(f.get_object()["/BaseFont"]) for p in reader.pages
             for f in (p["/Resources"].get("/Font") or {}).values()}
    assert not any("Emoji" in f for f in fonts)  # --emoji drop: no emoji left to draw


def test_missing_glyph_and_refused_urls_are_located_diagnostics(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    guide = RICH.read_text("utf-8").replace("# create and list network namespaces",
                                            "# create and list network namespaces \ue000")
    (source / "topic-930.md").write_text(guide, "utf-8")
    templates = tmp_path / "templates" / "sheets"
    templates.mkdir(parents=True)
    builtin = Path(__file__).resolve().parents[1] / "templates" / "sheets" / "article.html"
    (templates / "article.html").write_text(builtin.read_text("utf-8").replace(
        "</article>", '<img src="file:///etc/passwd" alt="a"><img src="https://example.com/x.png" alt="b">'
                      '<img src="../../outside.png" alt="c"></article>'), "utf-8")
    (tmp_path / "outside.png").write_bytes(b"x")
    result = run([source / "topic-930.md"], tmp_path / "out", templates_dir=str(tmp_path / "templates"))
    found = [d for d in result.diagnostics if d.rule.startswith("sheet-")]
    glyph = [d for d in found if d.rule == "sheet-missing-glyph"]
    assert len(glyph) == 1 and "U+E000" in glyph[0].message
    line = guide.splitlines().index(next(l for l in guide.splitlines() if "\ue000" in l)) + 1
    assert glyph[0].pos.path.endswith("topic-930.md") and glyph[0].pos.line == line
    refused = sorted(d.message.split()[5] for d in found if d.rule == "sheet-url-refused"
                     and "930.1" not in d.message)
    assert any("etc/passwd" in m for m in refused) and any("example.com" in m for m in refused)
    assert any("outside.png" in m for m in refused)
    assert all(d.pos.path.endswith("article.html") and d.pos.line > 1
               for d in found if d.rule == "sheet-url-refused")
    assert (tmp_path / "out" / "sheets" / "930.1-namespaces-and-cgroups.pdf").is_file()
    assert result.failed(strict=True)


def test_a_topic_pdf_prints_each_objective_from_its_one_layout(seed_build):
    """Each objective is laid out once: its pages in the topic PDF are its objective PDF's pages
    (the same text where the same boxes are), under the topic's heads and page numbers. (Small
    neighbouring objectives share pages instead: test_sheets_cache.py.)"""
    _, sheets = seed_build
    topic = pypdf.PdfReader(sheets / "352-container-virtualization.pdf")
    starts = {item.title.split()[0]: topic.get_destination_page_number(item) for item in topic.outline}
    alone = [oid for oid, start in starts.items() if list(starts.values()).count(start) == 1
             and re.fullmatch(r"352\.\d", oid)]
    assert alone
    for oid in alone:
        own = pypdf.PdfReader(next(sheets.glob(f"{oid}-*.pdf"))).pages
        start, total = starts[oid], len(topic.pages)
        for n, page in enumerate(own):
            mine, theirs = page.extract_text(), topic.pages[start + n].extract_text()
            assert f"page {n + 1} of {len(own)}" in mine and f"page {start + n + 1} of {total}" in theirs
            # the same layout: the same text once page numbers and running heads are left out
            assert _without_stamps(page) == _without_stamps(topic.pages[start + n]), (oid, n)


def test_page_references_are_printed_where_their_placeholders_were(rich_build):
    """A cited object's page number is printed over the render: its objective's page in the
    objective PDF, the topic's page in the topic PDF."""
    _, sheets = rich_build
    for name, first in (("930.1-namespaces-and-cgroups.pdf", 1), ("930-sheet-fixture.pdf", 2)):
        page = pypdf.PdfReader(sheets / name).pages[first - 1]
        numbers = []

        def visit(text, cm, tm, font, size):  # the numbers are small and grey, after the name
            if re.fullmatch(r"\d+", text.strip()):
                numbers.append(int(text))
        page.extract_text(visitor_text=visit)
        assert first in numbers, (name, numbers)
        assert not re.search(r"\b00\b", page.extract_text())  # no placeholder left


def _without_stamps(page) -> str:
    """A page's text between its head and its footer, without digits (page numbers)."""
    runs: list[str] = []
    height, mm = float(page.mediabox.height), 72 / 25.4

    def visit(text, cm, tm, font, size):
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if 9 * mm <= y <= height - 10 * mm:
            runs.append(text)
    page.extract_text(visitor_text=visit)
    return squeeze(re.sub(r"\d", "", "".join(runs)))


def _stamp_fixture(tmp_path: Path, variant: str | None = None):
    """Three blank pages with heads, footers and a page number printed over them by a stamp, and
    the same three pages laid out with those heads in @page's margin boxes."""
    from builder.sheets.assemble import stamped
    from builder.sheets.context import Layout, SheetMeta
    from builder.sheets.pdf import PdfRenderer
    from builder.sheets.render import SheetRenderer, footer
    from builder.sheets.stamp import PageRef, stamp_pages

    pages = SheetRenderer()
    css, base = pages.stylesheet()
    renderer = PdfRenderer(css, base, (tmp_path,), variant)
    layout = Layout("a4", "landscape", "drop")
    meta = SheetMeta("LPIC-3 305", "352 Container Virtualization", "t", "s", "k", "9.9", None, None)
    heads = ["352.1 Concepts \u00b7 weight 7", "352.2 LXC", "352.2 LXC  \u00b7  352.3 Docker"]
    empty = ('{% extends "base.html" %}{% block body %}{% for h in heads %}'
             '<div style="break-before: page">&nbsp;</div>{% endfor %}{% endblock %}')
    blank = pages.env.from_string(empty)
    bare = renderer.render(blank.render(meta=meta, layout=layout, heads=heads, bare=True, body_class="",
                                        stylesheet_href=None), tmp_path)
    ref = PageRef(1, "x", 100.0, 200.0, 10.0, 'font-family: "DejaVu Sans"; font-size: 9px; font-weight: 400; '
                  'font-style: normal; color: #000')
    stamp = renderer.render(pages.stamp(meta, layout, stamp_pages(heads, [(1, ref)], {"x": 42})), tmp_path)
    boxed = [renderer.render(pages.env.from_string(
        empty + '{% block top_right %}{{ head | css_string }}{% endblock %}').render(
            meta=meta, layout=layout, heads=heads, head=head, header_right="", footer_left=footer(meta),
            body_class="", stylesheet_href=None), tmp_path) for head in heads]
    return stamped(bare.pdf, stamp.pdf), boxed, heads


def _words(pdf: bytes, page: int, tmp_path: Path) -> list[tuple[str, float, float]]:
    path = tmp_path / "words.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    return [(m.group(3), round(float(m.group(1)), 1), round(float(m.group(2)), 1)) for m in
            re.finditer(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>', out)]


def test_stamped_heads_and_page_numbers_sit_where_margin_boxes_put_them(tmp_path):
    """A PDF's heads, footers and page numbers are one layout (a band per page on one tall
    page), printed over its pages where @page's margin boxes would have put them."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    pdf, boxed, heads = _stamp_fixture(tmp_path)
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 3
    for n, head in enumerate(heads, start=1):
        mine = _words(pdf, n, tmp_path)
        theirs = _words(boxed[n - 1].pdf, n, tmp_path)
        # the margin boxes' document counts its own pages: page n of 3 there as here
        assert [w for w in mine if w[0] != "42"] == theirs, n
        assert " ".join(w[0] for w in mine).count("LPIC-3") == 1
        assert (" ".join(w[0] for w in mine) + " ").count(f"page {n} of 3 ") == 1
    # the page reference: 100 px right of and 200 px below the content box (margins 7 mm, 10 mm)
    numbers = [w for w in _words(pdf, 2, tmp_path) if w[0] == "42"]
    mm = 72 / 25.4
    assert len(numbers) == 1 and abs(numbers[0][1] - (7 * mm + 75.0)) < 0.5
    assert 10 * mm + 150.0 - 1 <= numbers[0][2] <= 10 * mm + 150.0 + 7.5
    assert not any(w[0] == "42" for n in (1, 3) for w in _words(pdf, n, tmp_path))


def test_stamps_are_marked_as_pagination_artifacts_in_a_tagged_pdf(tmp_path):
    """PDF/UA: a screen reader skips heads and page numbers; the stamp's own tags are dropped."""
    pdf, _, _ = _stamp_fixture(tmp_path, "pdf/ua-1")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        data = page.get_contents().get_data()
        tail = data[data.rindex(b"/Artifact"):]
        assert b"/Pagination" in tail[:60] and b"BT" in tail
        assert b"MCID" not in tail  # nothing of the stamp document's structure tree
