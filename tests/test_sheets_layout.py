"""The printed layout read back from the PDFs of source/ and the upstream guide: nothing left
alone at a column end, folds at token boundaries, topic pages numbered through, the index and
every text node of the model on the page."""

from __future__ import annotations

import functools
import html
import json
import math
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from builder.config import BuildConfig
from builder.model import Guide, Objective
from builder.pipeline import build
from builder.sheets.codelines import BREAK_AFTER
from builder.sheets.context import CODE_WIDTH, COLUMNS, Layout, objective_sheet
from builder.sheets.index import command_name
from builder.sheets.names import slug
from builder.sheets.prose import MARK_GLYPHS, mark_of
from tests import pdftext
from tests.pdftext import PageText

pypdf = pytest.importorskip("pypdf")
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
MM = 72 / 25.4
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM, GAP = 7 * MM, 10 * MM, 9 * MM, 4 * MM
PURPOSE = "\u25b8"
HEADINGS = ("Key knowledge areas", "Cited objects", "Important commands", "Commands in context",
            "Key ideas", "Comparisons", "Definitions", "Files and layouts", "Figures")
WRAP = "\u21aa"


# -- reading positioned text --------------------------------------------------------------------

@dataclass
class Line:
    column: int
    y: float
    text: str
    bold: bool  # every run of the line is bold
    mono: bool  # some run is in the monospace font


def page_lines(page: PageText, columns: int) -> list[Line]:
    """The text lines of a page's body, per column, top to bottom (header and footer left out)."""
    width, height = page.width, page.height
    col_width = (width - 2 * MARGIN_X - (columns - 1) * GAP) / columns
    lines: dict[tuple[int, float], list[tuple[float, str, str]]] = {}
    for run in page.runs:
        if not run.text.strip() or run.font is None or run.y > height - MARGIN_TOP or run.y < MARGIN_BOTTOM:
            continue
        column = min(columns - 1, max(0, int((run.x - MARGIN_X + GAP / 2) // (col_width + GAP))))
        lines.setdefault((column, round(run.y, 0)), []).append((run.x, run.text, run.font))
    out = []
    for (column, y), parts in lines.items():
        parts.sort()
        out.append(Line(column, y, "".join(t for _, t, _ in parts).strip(),
                        all("Bold" in f for _, _, f in parts), any("Mono" in f for _, _, f in parts)))
    return sorted(out, key=lambda line: (line.column, -line.y))


@functools.lru_cache(maxsize=None)
def document_columns(pdf: Path, columns: int, skip_first: bool) -> list[list[Line]]:
    """Every non-empty column of the body pages, in reading order (several tests walk the same
    PDFs; none changes what it gets)."""
    out = []
    for number, page in enumerate(pdftext.pages(pdf)):
        if skip_first and number == 0:
            continue
        lines = page_lines(page, columns)
        for column in range(columns):
            mine = [line for line in lines if line.column == column]
            if mine:
                out.append(mine)
    return out


def squeeze(text: str) -> str:
    """Text without white space, wrap markers, purpose markers and control characters (pypdf
    reads some subset fonts' text as UTF-16 with NULs, and the purpose marker as controls)."""
    return re.sub(r"[\s\u21aa\u25b8\u2022\u00ad\x00-\x1f\x7f-\x9f]+", "", text).casefold()


def is_purpose(line: Line) -> bool:
    """Whether a line starts with the purpose marker, which pypdf reads as ▸ or, from a subset
    font it reads as two-byte text, as a control character (the high byte of its glyph id)."""
    return line.text[:1] == PURPOSE or "\x00" < line.text[:1] < " "


def printed_in(text: str, printed: str) -> bool:
    """Whether the squeezed `text` is in the squeezed `printed`. pypdf reads a curly quote of a
    bold subset font as another character (pdftotext reads it right), so a curly quote of the
    model matches any one or two characters of the page."""
    pieces = re.split(r"[\u2018\u2019\u201c\u201d]", squeeze(text))
    if len(pieces) == 1:
        return pieces[0] in printed
    return re.search(".{1,2}".join(map(re.escape, pieces)), printed, re.S) is not None


def body_text(pdf: Path, marks: bool = True) -> str:
    """A PDF's text in the order it was laid out, without running headers and footers (a
    paragraph that continues on the next page reads on). Without `marks`, also without the runs
    that are only list bullets or numbers: the cited objects' page numbers are printed over each
    page after its text, so they read between a paragraph's two halves when it crosses a page."""
    return "".join(run.text for page in pdftext.pages(pdf) for run in page.runs
                   if MARGIN_BOTTOM <= run.y <= page.height - MARGIN_TOP
                   and (marks or not re.fullmatch(r"[\s\d•]*", run.text)))


def pdfs(sheets: Path) -> list[tuple[Path, bool]]:
    """(pdf, is a topic PDF) for every sheet."""
    return [(p, not re.match(r"\d+\.\d+-", p.name)) for p in sorted(sheets.glob("*.pdf"))
            if not p.name.startswith("exam-")]


def column_ends(guide: Guide, sheets: Path) -> dict[str, list[str]]:
    """What ends a column (not the document's last): purposes, captions and headings left alone."""
    captions = {squeeze(t.title) for o in guide.objectives for t in o.tables}
    purposes = {squeeze(g.purpose) for o in guide.objectives for g in o.command_groups if g.purpose}
    headings = {squeeze(s.title) for o in guide.objectives for s in o.sections} | {
        squeeze(f"{o.id} {o.title}") for o in guide.objectives} | {squeeze(h) for h in HEADINGS}
    found: dict[str, list[str]] = {"purpose": [], "caption": [], "heading": []}
    columns = COLUMNS["landscape"]
    for pdf, topic in pdfs(sheets):
        cols = document_columns(pdf, columns, skip_first=topic)
        if topic:  # the index after the objectives is a list of its own
            cols = [c for c in cols if not any(line.text == "Index" for line in c)]
        for lines in cols[:-1]:
            tail = []
            for line in reversed(lines):
                if not line.bold or line.mono or len(tail) == 3:
                    break
                tail.insert(0, line)
            where = f"{pdf.name}: {lines[-1].text!r}"
            ends = {squeeze(" ".join(line.text for line in tail[k:])): tail[k] for k in range(len(tail))}
            # A purpose line starts with its marker: bold text that only reads like a purpose
            # (the wrapped first cell of a table row, "Network / Profiles") is not one.
            if any(end in purposes and is_purpose(line) for end, line in ends.items()):
                found["purpose"].append(where)
            elif ends.keys() & captions:
                found["caption"].append(where)
            elif ends.keys() & headings:
                found["heading"].append(where)
    return found


def test_joined_glyph_strings_read_as_pypdf_reads_the_page(source_build):
    """tests/pdftext.py joins the one-glyph strings WeasyPrint writes before pypdf reads a page:
    on a topic PDF (stamps, index printed over a page, folded lines) the text, runs and
    positions are exactly what pypdf reports from the page as written."""
    topic = min((p for p, is_topic in pdfs(source_build.sheets) if is_topic), key=lambda p: p.stat().st_size)
    assert pdftext._read(topic) == pdftext._read(topic, join=False)


def test_no_purpose_caption_or_heading_ends_a_column(built):
    guide, sheets = built.guide, built.sheets
    found = column_ends(guide, sheets)
    assert found == {"purpose": [], "caption": [], "heading": []}


def test_the_column_end_finder_can_fail(tmp_path):
    """A stylesheet that breaks after every purpose and caption: the finder reports them."""
    guide_text = ("# Topic 931: Probe\n\n## 931.1 Probe\n\n**Weight:** 1\n\n### Important Commands\n\n"
                  + "".join(f"```sh\n# step {i} of the probe\nrun-step --number {i}\n```\n\n" for i in range(4))
                  + "### Drivers\n\n**Table: Probe drivers**\n\n| Driver | Quotas |\n| --- | --- |\n| dir | no |\n")
    (tmp_path / "g.md").write_text(guide_text, "utf-8")
    css = (ROOT / "templates" / "sheets" / "sheet.css").read_text("utf-8")
    broken = tmp_path / "tpl" / "sheets"
    broken.mkdir(parents=True)
    (broken / "sheet.css").write_text(css + ".block.short, .head, .tbl.short { break-inside: auto; }\n"
                                      ".purpose, .caption { break-after: column; }\n", "utf-8")
    config = BuildConfig(output=tmp_path / "out", formats=("sheets",),
                         options={"jobs": 1, "templates_dir": str(tmp_path / "tpl")})
    result = build([str(tmp_path / "g.md")], config)
    found = column_ends(result.guide, tmp_path / "out" / "sheets")
    assert len(found["purpose"]) >= 3 and found["caption"], found


def test_code_folds_at_token_boundaries(built):
    guide, sheets = built.guide, built.sheets
    texts = [line.text for o in guide.objectives for g in o.command_groups for line in g.lines]
    texts += [s.text for o in guide.objectives for s in o.samples]
    joined = "\n".join(texts)
    width = CODE_WIDTH[("a4", "landscape")]
    folds, mid_word = 0, []
    for pdf, topic in pdfs(sheets):
        for lines in document_columns(pdf, COLUMNS["landscape"], skip_first=topic):
            for above, line in zip(lines, lines[1:]):
                if not (line.mono and line.text.startswith(WRAP) and above.mono):
                    continue
                folds += 1
                a, b = squeeze(above.text)[-10:], squeeze(line.text)[:10]
                if a[-1:] in BREAK_AFTER:
                    continue
                # Where the model has these characters, is there white space at the fold?
                gap = re.search(r"\s*".join(map(re.escape, a)) + r"(\s*)" + r"\s*".join(map(re.escape, b)),
                                joined, re.IGNORECASE)
                if gap is None or gap.group(1):
                    continue
                token = re.search(r"\S*\Z", joined[:gap.start(1)]).group() + re.match(r"\S*", joined[gap.end(1):]).group()
                if len(token) < width - 4:  # a token longer than the line may break inside
                    mid_word.append(f"{pdf.name}: {a} {WRAP} {b}")
    assert folds > 0
    assert mid_word == []


# What actual_texts() looks for in a content stream: a literal string (skipped whole: it may hold
# any bytes), a marked-content operator, an /ActualText key and the hex string after it.
_TOKEN = re.compile(rb"\(|(?<=\s)(?:BDC|BMC|EMC)(?=\s)|/ActualText\s*(?:<([0-9A-Fa-f\s]*)>|(?=\())")
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"\n": b""}


def literal(data: bytes, start: int) -> tuple[bytes, int]:
    """A PDF literal string from its `(` at `start`: its bytes and the index after its `)`."""
    out, depth, i = bytearray(), 1, start + 1
    while True:
        c = data[i:i + 1]
        if c == b"\\":
            nxt = data[i + 1:i + 2]
            octal = re.match(rb"[0-7]{1,3}", data[i + 1:i + 4])
            if octal:
                out.append(int(octal.group(), 8) & 0xFF)
                i += 1 + len(octal.group())
                continue
            out += _ESCAPES.get(nxt, nxt)
            i += 2
            continue
        depth += (c == b"(") - (c == b")")
        if depth == 0:
            return bytes(out), i + 1
        out += c
        i += 1


def actual_texts(pdf: Path) -> list[str]:
    """The /ActualText of every marked-content span in a PDF (pypdf's own extract_text ignores
    ActualText); the spans must nest on every page. Each page's content stream is read with a
    small lexer of its tokens (strings, names, operators) rather than pypdf's ContentStream,
    which takes a quarter of a second a page."""
    reader = pypdf.PdfReader(pdf)
    found = []
    for page in reader.pages:
        data = page.get_contents().get_data()
        depth, i, pending, wanted = 0, 0, None, False
        while (m := _TOKEN.search(data, i)) is not None:
            token, i = m.group(), m.end()
            if token == b"(":
                value, i = literal(data, m.start())
                if wanted:
                    pending, wanted = value, False
            elif token.startswith(b"/ActualText"):
                if m.group(1) is not None:
                    pending = bytes.fromhex(m.group(1).decode("ascii"))
                else:
                    wanted = True  # the literal string that follows
            elif token == b"EMC":
                depth -= 1
                assert depth >= 0, pdf.name
            else:  # BDC, BMC
                if token == b"BDC" and pending is not None:
                    found.append(pdf_text(pending))
                depth += 1
                pending = None
        assert depth == 0, pdf.name
    return found


def pdf_text(value) -> str:
    """A PDF text string: UTF-16 with a byte order mark, else one byte a character."""
    if isinstance(value, str):
        return value
    data = bytes(value)
    return data[2:].decode("utf-16-be") if data[:2] == b"\xfe\xff" else data.decode("latin-1")


def pdftotext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


def folded_lines(guide: Guide) -> set[str]:
    """Commands (one row, continuation lines and all) and sample lines with a line longer
    than a code row: each prints folded and copies whole."""
    width = CODE_WIDTH[("a4", "landscape")]
    rows = [line.text for o in guide.objectives for g in o.command_groups for line in g.lines]
    rows += [line for o in guide.objectives for s in o.samples for line in s.text.split("\n")]
    return {row for row in rows if any(len(line) > width for line in row.split("\n"))}


def test_a_folded_line_copies_as_the_line_typed(built):
    """Each folded line is one span whose ActualText is the line (pypdf reads the spans);
    pdftotext, which honours ActualText, gives the line whole and no fold marker."""
    folded = folded_lines(built.guide)
    assert folded
    spans: set[str] = set()
    for pdf, _ in pdfs(built.sheets):
        found = actual_texts(pdf)
        assert not [t for t in found if WRAP in t], pdf.name
        spans.update(found)
    assert folded <= spans, sorted(folded - spans)[:3]
    assert spans - {""} <= folded | {line.rstrip() for line in folded}, sorted(spans - folded)[:3]
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    words = " ".join
    for pdf, _ in pdfs(built.sheets):
        text = pdftotext(pdf)
        assert WRAP not in text, pdf.name
        lines = {words(line.split()) for line in text.splitlines()}
        squeezed = squeeze(text)
        shown = [line for row in folded for line in row.split("\n") if squeeze(row) in squeezed]
        assert all(any(words(line.split()) in printed for printed in lines) for line in shown), pdf.name


def words_drawn(pdf: Path) -> list[list[tuple[float, float, float, float, str]]]:
    """Each page's words with their boxes (x0, y0, x1, y1, word), from pdftotext -bbox."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True,
                         text=True).stdout
    pages = []
    for page in re.split(r"<page ", out)[1:]:
        pages.append([(float(a), float(b), float(c), float(d), html.unescape(w)) for a, b, c, d, w in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page)])
    return pages


def overprinted(words: list[tuple[float, float, float, float, str]]) -> list[str]:
    """Pairs of words whose boxes overlap by more than a third of the smaller one's height and
    width: one printed over the other."""
    found = []
    words = sorted(words)
    for i, (x0, y0, x1, y1, w) in enumerate(words):
        for a0, b0, a1, b1, v in words[i + 1:]:
            if a0 >= x1:
                break
            dx, dy = min(x1, a1) - max(x0, a0), min(y1, b1) - max(y0, b0)
            if dx > min(x1 - x0, a1 - a0) / 3 and dy > min(y1 - y0, b1 - b0) / 3:
                found.append(f"{w!r} over {v!r}")
    return found


def test_the_index_starts_in_the_last_pages_free_columns_over_nothing(built):
    """The index starts on the topic's last objective page when a column there is free (it is
    laid out below that page's lines and printed over it): no word of any topic page is printed
    over another, and where the last objective's page has a free column, the index begins there."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    shared = 0
    for topic in built.guide.topics:
        pdf = built.sheets / f"{topic.number}-{slug(topic.title)}.pdf"
        pages = words_drawn(pdf)
        over = [f"{pdf.name} page {n}: {pair}" for n, words in enumerate(pages, start=1)
                for pair in overprinted(words)]
        assert over == []
        reader = pypdf.PdfReader(pdf)
        marks = {item.title.split()[0]: reader.get_destination_page_number(item) for item in reader.outline
                 if not isinstance(item, list)}
        last = topic.objectives[-1]
        own = pdftext.pages(built.sheets / f"{last.id}-{slug(last.title)}.pdf")
        ends = marks[last.id] + len(own) - 1  # the topic page its own last page is
        if len({line.column for line in page_lines(own[-1], COLUMNS["landscape"])}) < COLUMNS["landscape"]:
            assert marks["Index"] == ends, (pdf.name, marks, ends)  # a column is free: the index starts there
            shared += 1
        else:
            assert marks["Index"] in (ends, ends + 1), (pdf.name, marks, ends)
    assert shared


def test_topic_pages_are_numbered_through_and_the_contents_match(built):
    guide, sheets = built.guide, built.sheets
    for topic in guide.topics:
        pdf = sheets / f"{topic.number}-{slug(topic.title)}.pdf"
        reader = pypdf.PdfReader(pdf)
        total = len(reader.pages)
        footers = [re.findall(r"page (\d+) of (\d+)", page.text or "") for page in pdftext.pages(pdf)]
        assert footers == [[(str(n), str(total))] for n in range(1, total + 1)], pdf.name
        starts = {item.title.split()[0]: reader.get_destination_page_number(item) + 1
                  for item in reader.outline if not isinstance(item, list)
                  and re.match(r"\d+\.\d+ ", item.title)}
        assert list(starts) == [o.id for o in topic.objectives]
        contents = pdftext.pages(pdf)[0].text
        # the page numbers printed in the contents (floated right, so extracted first)
        assert [int(n) for n in re.findall(r"^\d+$", contents, re.M)] == list(starts.values())


def test_the_index_names_pages_where_each_entry_is_shown(built):
    guide, sheets = built.guide, built.sheets
    checked = 0
    for topic in guide.topics:
        read = pdftext.pages(sheets / f"{topic.number}-{slug(topic.title)}.pdf")
        pages = [squeeze(page.text or "") for page in read]
        # the index goes on in the objectives' columns: from its heading to the end
        texts = [(page.text or "").replace("\x00", "") for page in read]
        start = max(i for i, text in enumerate(texts) if re.search(r"^Index$", text, re.M))
        index = "\n".join([re.split(r"^Index$", texts[start], flags=re.M)[-1], *texts[start + 1:]])
        names = {command_name(line.normalized) for o in topic.objectives for g in o.command_groups
                 for line in g.commands} - {None}
        for match in re.finditer(r"^(\S+)(?: (?:file|directory|pattern))? ([\d ,]+)$", index, re.M):
            name, numbers = match.group(1), [int(n) for n in re.findall(r"\d+", match.group(2))]
            if name not in names:
                continue
            for n in numbers:  # the block starts there; its line with the name may be on the next
                assert squeeze(name) in pages[n - 1] + pages[min(n, len(pages) - 1)], (name, n)
                checked += 1
    assert checked >= 10


def page_fill(page: PageText, columns: int) -> float:
    """How full a page's body is: the mean over its columns of the height down to the lowest
    text line (an empty column counts as 0)."""
    height = page.height
    body = height - MARGIN_TOP - MARGIN_BOTTOM
    lowest: dict[int, float] = {}
    for line in page_lines(page, columns):
        lowest[line.column] = min(lowest.get(line.column, line.y), line.y)
    return sum((height - MARGIN_TOP - y) / body for y in lowest.values()) / columns


def test_no_topic_page_is_under_35_percent_full_but_an_objectives_last(built):
    """A topic PDF is its objectives' renders put together (each objective laid out once), so a
    page may be nearly empty only where its objective PDF ends: an objective's last page. The
    title and contents page is as long as its contents, the index as long as its entries; neither
    is counted. Every other page is at least 35 % full."""
    thin = []
    for pdf, topic in pdfs(built.sheets):
        if topic:
            reader = pypdf.PdfReader(pdf)
            starts = [reader.get_destination_page_number(item) for item in reader.outline
                      if not isinstance(item, list)]
            ends = {start - 1 for start in starts[2:]}  # the page before the next objective or the index
            fills = [page_fill(page, COLUMNS["landscape"]) for page in pdftext.pages(pdf)[1:starts[-1]]]
            assert all(0 < f <= 1.05 for f in fills), (pdf.name, fills)
            thin += [f"{pdf.name} page {n + 1}: {f:.0%}" for n, f in enumerate(fills, start=1)
                     if f < 0.35 and n not in ends]
    assert thin == []


def test_no_objective_ends_on_a_nearly_empty_page(built):
    """An objective PDF of more than one page ends on a page at least 35 % full: one that would
    end on a few lines is laid out again snug (or with leaner prose) to save the page, or roomy
    when nothing saves it (builder/sheets/pool.py). 351.3 of source/ ended 13 % full, 353.4 33 %."""
    thin = {}
    for pdf, topic in pdfs(built.sheets):
        pages = pdftext.pages(pdf)
        if not topic and len(pages) > 1 and page_fill(pages[-1], COLUMNS["landscape"]) < 0.35:
            thin[pdf.name] = round(page_fill(pages[-1], COLUMNS["landscape"]), 2)
    assert thin == {}


def test_page_counts_stay_within_a_quarter_of_the_record(source_build):
    record = json.loads((ROOT / "tests" / "fixtures" / "sheets" / "page-counts.json").read_text("utf-8"))["source"]
    counts = {pdf.name.split("-")[0]: len(pypdf.PdfReader(pdf).pages) for pdf, _ in pdfs(source_build.sheets)}
    assert counts.keys() == record.keys()
    over = {name: (record[name], n) for name, n in counts.items() if n > math.floor(1.25 * record[name])}
    assert over == {}
    objectives = [name for name in record if "." in name]
    assert sum(counts[n] for n in objectives) <= 1.25 * sum(record[n] for n in objectives)


def test_every_mark_only_cell_prints_its_glyph(built):
    """A cell that holds only ✅/❌/⚠️ prints ✓/✗/⚠: the objective's PDF (read with pypdf) and
    its topic's (read with pdftotext: pypdf reads some of its subset fonts as UTF-16) show each
    glyph at least as often as the objective's tables have such cells."""
    checked = 0
    for topic in built.guide.topics:
        topic_pdf = built.sheets / f"{topic.number}-{slug(topic.title)}.pdf"
        topic_text = pdftotext(topic_pdf) if shutil.which("pdftotext") else None
        for o in topic.objectives:
            wanted: dict[str, int] = {}
            for cell in (c for t in o.tables for row in t.rows for c in row.cells):
                if mark := mark_of(cell):
                    wanted[MARK_GLYPHS[mark]] = wanted.get(MARK_GLYPHS[mark], 0) + 1
            text = body_text(built.sheets / f"{o.id}-{slug(o.title)}.pdf")
            short = {g: (n, text.count(g)) for g, n in wanted.items() if text.count(g) < n}
            assert short == {}, o.id
            if topic_text is not None:
                short = {g: (n, topic_text.count(g)) for g, n in wanted.items() if topic_text.count(g) < n}
                assert short == {}, (topic_pdf.name, o.id)
            checked += sum(wanted.values())
    if not checked:
        pytest.skip("no mark-only table cells in this guide")


# -- text coverage --------------------------------------------------------------------------

def text_nodes(guide: Guide, o: Objective) -> list[tuple[str, str]]:
    """(what, text) for every text of the model an objective's sheet must print.

    Documented omissions (docs/sheets.md): section titles that head nothing printed, links'
    and images' targets, stubs, icons, card keys, positions; prose prints condensed, without
    lead-ins, repeats and a section's surplus (what prints is checked); a mark-only cell prints
    as its glyph.
    """
    nodes = [("title", o.title)]
    if o.description:
        nodes.append(("description", o.description.plain))
    nodes += [("knowledge area", k.plain) for k in o.key_knowledge_areas]
    nodes += [("cited", c.name) for c in o.cited_objects]
    nodes += [("cited note", c.note) for c in o.cited_objects if c.note]
    for g in o.command_groups:
        if g.purpose:
            nodes.append(("purpose", g.purpose))
        nodes += [("command", line.text) for line in g.lines]
    for s in o.samples:
        nodes += [("sample", s.text)] + ([("caption", s.caption)] if s.caption else [])
    for t in o.tables:
        nodes.append(("table title", t.title))
        for cell in t.header + tuple(c for row in t.rows for c in row.cells):
            mark = mark_of(cell)
            # `**` the reader left in a cell prints as bold, not as asterisks
            nodes.append(("cell", MARK_GLYPHS[mark] if mark else cell.plain.replace("**", "")))
    for d in o.definitions:
        nodes += [("term", d.term), ("definition", d.text.plain)]
    for e in o.timeline:
        nodes += [("period", e.period)] + [("event", x) for x in e.events]
    topic = next(t for t in guide.topics if o in t.objectives)
    sheet = objective_sheet(guide, topic, o, Layout("a4", "landscape", "color"))
    nodes += [("key idea", i.text) for g in sheet.ideas for i in g.ideas if i.printed]
    return [(what, text) for what, text in nodes if text and text.strip()]


def test_every_text_node_of_the_model_is_printed(built):
    missing = []
    drop = str.maketrans("", "", built.unprintable)
    for topic in built.guide.topics:
        for o in topic.objectives:
            pdf = built.sheets / f"{o.id}-{slug(o.title)}.pdf"
            printed, lean = squeeze(body_text(pdf)), squeeze(body_text(pdf, marks=False))
            missing += [f"{o.id} {what}: {text[:60]!r}" for what, text in text_nodes(built.guide, o)
                        if not printed_in(text.translate(drop), printed)
                        and not printed_in(text.translate(drop), lean)]
    assert missing == []


# -- how much of the guide's text prints --------------------------------------------------------

def _sheet_text():  # type: ignore[no-untyped-def]
    """benchmarks/sheet_text.py, the measure these tests hold the sheets to."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("sheet_text", ROOT / "benchmarks" / "sheet_text.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_guides_text_reaches_the_page(built):
    """Paragraphs print (at least 80 % of their words), list items print (90 %), no heading
    prints with nothing under it and no key idea is link text only."""
    numbers = _sheet_text().measure(built.guide, built.sheets)
    assert numbers["paragraph_words"] >= 0.8, numbers["paragraph_words_counts"]
    assert numbers["list_items"] >= 0.9, numbers["missing_items"]
    assert numbers["empty_heading_list"] == [] and numbers["link_only_list"] == []


def test_the_page_estimate_is_never_short_by_a_quarter_page(built):
    """builder/sheets/budget.py, which decides how much prose prints, against the PDFs: an
    estimate short of the print would let prose start a page; one long by half a page would
    cut prose there was room for."""
    from builder.sheets.budget import pages_needed

    layout, off = Layout("a4", "landscape", "color"), {}
    for topic in built.guide.topics:
        for o in topic.objectives:
            pages = pdftext.pages(built.sheets / f"{o.id}-{slug(o.title)}.pdf")
            printed = len(pages) - 1 + page_fill(pages[-1], COLUMNS["landscape"])
            estimate = pages_needed(objective_sheet(built.guide, topic, o, layout))
            if not printed - 0.25 <= estimate <= printed + 0.5:
                off[o.id] = (round(estimate, 2), round(printed, 2))
    assert off == {}
