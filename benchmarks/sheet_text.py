"""How much of a guide's text reaches its objective sheets, read back from the PDFs.

    python benchmarks/sheet_text.py [--dist DIR] [SOURCES]...     # default: source/

Builds the sheets (into DIR, reusing what is cached there, else into a temporary folder) and
prints one JSON line:

- `paragraph_words`: the share of the words of the guide's paragraphs (`Objective.prose`
  paragraphs) that print: a sentence counts with its longest printed run of words from its
  start (a clipped sentence counts up to the cut);
- `list_items`: the share of list items that print (their first words): prose items (but
  link text only, "More info", which the sheets leave to the screen) and the definitions the
  guide writes as list items (`* **Term:** text`);
- `empty_headings`: section headings printed with another heading or nothing after them;
- `link_only_ideas`: printed key ideas that are only link text ("More info");
- `thin_last_pages`: objective PDFs of more than one page whose last page is under 35 % full
  (the page fill of tests/test_sheets_layout.py), and the fills of every last page;
- `figures`: images drawn in the objective PDFs over 8 mm high (not emoji), and the tallest
  one's height in mm.

PDF text is read with pypdf, white space and the sheets' markers left out (the comparison of
tests/test_sheets_layout.py).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MM = 72 / 25.4
_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"})


def normal(text: str) -> str:
    from tests.test_sheets_layout import squeeze
    return squeeze(text.translate(_LIGATURES).replace("\u2026", ""))


def printed_words(sentence: str, page: str) -> int:
    """How many words from the sentence's start print (the longest printed prefix)."""
    words = sentence.split()
    if normal(sentence) in page:
        return len(words)
    lo, hi = 0, len(words)  # invariant: words[:lo] prints, words[:hi+1] does not
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if normal(" ".join(words[:mid])) in page:
            lo = mid
        else:
            hi = mid - 1
    return lo if lo >= 3 else 0


def is_list_line(guide_lines: dict[str, list[str]], path: str, line: int) -> bool:
    text = guide_lines.get(path, [])
    return 0 < line <= len(text) and re.match(r"\s*(?:[-*+]|\d+[.)])\s", text[line - 1]) is not None


def headings_left_empty(pdf: Path, titles: set[str]) -> list[str]:
    """Printed headings followed by another heading, or by nothing, in reading order."""
    from builder.sheets.context import COLUMNS
    from tests.test_sheets_layout import HEADINGS, document_columns, is_purpose, squeeze

    parts = {squeeze(h) for h in HEADINGS}
    lines = [line for column in document_columns(pdf, COLUMNS["landscape"], skip_first=False)
             for line in column]
    kinds: list[tuple[str | None, str]] = []  # (heading kind or None, text)
    i = 0
    while i < len(lines):
        line, found = lines[i], None
        for n in (3, 2, 1):  # a heading that wraps reads as up to three bold lines
            run = lines[i:i + n]
            if len(run) == n and all(r.bold and not r.mono for r in run) and not is_purpose(run[0]):
                key = squeeze(" ".join(r.text for r in run))
                if key in parts or key in titles:
                    found = ("part" if key in parts else "section", n)
                    break
        if found:
            kinds.append((found[0], " ".join(r.text for r in lines[i:i + found[1]])))
            i += found[1]
        else:
            kinds.append((None, line.text))
            i += 1
    empty = []
    for k, (kind, text) in enumerate(kinds):
        after = kinds[k + 1][0] if k + 1 < len(kinds) else "end"
        if kind == "section" and after is not None or kind == "part" and after in ("part", "end"):
            empty.append(f"{pdf.name}: {text}")
    return empty


def drawn_images(pdf: Path) -> list[tuple[float, float, float]]:
    """(width mm, height mm, top mm from the page's top) of every image XObject drawn larger than
    a glyph (emoji are drawn as small images), from the matrix it is drawn with."""
    from pypdf import PdfReader
    from pypdf.generic import ContentStream

    reader, out = PdfReader(pdf), []
    for page in reader.pages:
        xobjects = (page.get("/Resources") or {}).get("/XObject") or {}
        images = {name for name, ref in xobjects.items() if ref.get_object().get("/Subtype") == "/Image"}
        if not images:
            continue
        stack, ctm = [], [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
        for operands, op in ContentStream(page.get_contents(), reader).operations:
            if op == b"q":
                stack.append(ctm)
            elif op == b"Q" and stack:
                ctm = stack.pop()
            elif op == b"cm":
                a, b, c, d, e, f = (float(x) for x in operands)
                A, B, C, D, E, F = ctm
                ctm = [a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
                       e * A + f * C + E, e * B + f * D + F]
            elif op == b"Do" and operands[0] in images and abs(ctm[3]) / MM > 8:
                top = (float(page.mediabox.height) - ctm[5] - abs(ctm[3])) / MM
                out.append((round(abs(ctm[0]) / MM, 1), round(abs(ctm[3]) / MM, 1), round(top, 1)))
    return out


def figure_heights(pdf: Path) -> list[float]:
    """Height in mm of every figure drawn in a PDF."""
    return [height for _, height, _ in drawn_images(pdf)]


def measure(guide, sheets: Path) -> dict:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    from builder.model import SpanStyle
    from builder.sheets.context import COLUMNS
    from builder.sheets.names import slug
    from builder.sheets.prose import selected_prose, sentences
    from tests import pdftext
    from tests.test_sheets_layout import body_text, page_fill, squeeze

    guide_lines: dict[str, list[str]] = {}
    for o in guide.objectives:
        path = o.pos.path
        if path not in guide_lines and Path(path).is_file():
            guide_lines[path] = Path(path).read_text("utf-8", errors="replace").splitlines()
    para_total = para_printed = items_total = items_printed = 0
    missing_items: list[str] = []
    empty: list[str] = []
    link_only: list[str] = []
    fills: dict[str, float] = {}
    heights: list[float] = []
    titles = {squeeze(s.title) for o in guide.objectives for s in o.sections}
    for o in guide.objectives:
        pdf = sheets / f"{o.id}-{slug(o.title)}.pdf"
        page = normal(body_text(pdf))
        for p in o.prose:
            plain = " ".join(p.text.plain.split())
            if p.kind == "paragraph":
                for start, end in sentences(plain):
                    words = plain[start:end].split()
                    para_total += len(words)
                    para_printed += printed_words(plain[start:end], page)
            elif not all(s.style is SpanStyle.LINK for s in p.text.spans if s.text.strip()):
                items_total += 1  # link text only ("More info") is no key idea, not counted
                head = " ".join(plain.split()[:8])
                ok = normal(head) in page or printed_words(plain, page) >= min(4, len(plain.split()))
                items_printed += ok
                if not ok:
                    missing_items.append(f"{o.id}: {plain[:60]}")
        for d in o.definitions:
            if not is_list_line(guide_lines, d.pos.path, d.pos.line):
                continue
            items_total += 1
            ok = normal(d.term) in page and normal(" ".join(d.text.plain.split()[:8])) in page
            items_printed += ok
            if not ok:
                missing_items.append(f"{o.id}: {d.term}: {d.text.plain[:40]}")
        for p, short in selected_prose(o):
            if short is not None and all(s.style is SpanStyle.LINK for s in short.spans if s.text.strip()):
                link_only.append(f"{o.id}: {short.plain}")
        empty += headings_left_empty(pdf, titles)
        pages = pdftext.pages(pdf)
        if len(pages) > 1:
            fills[o.id] = round(page_fill(pages[-1], COLUMNS["landscape"]), 2)
        heights += figure_heights(pdf)
    return {
        "paragraph_words": round(para_printed / max(1, para_total), 3),
        "paragraph_words_counts": [para_printed, para_total],
        "list_items": round(items_printed / max(1, items_total), 3),
        "list_items_counts": [items_printed, items_total],
        "empty_headings": len(empty), "empty_heading_list": empty,
        "link_only_ideas": len(link_only), "link_only_list": link_only,
        "thin_last_pages": sorted(k for k, v in fills.items() if v < 0.35),
        "last_page_fill": fills,
        "figures": len(heights), "figure_max_mm": round(max(heights, default=0.0), 1),
        "objective_pages": sum(len(PdfReader(p).pages) for p in sheets.glob("[0-9]*.[0-9]*-*.pdf")),
        "missing_items": missing_items,
    }


def main() -> None:
    from builder.config import BuildConfig
    from builder.pipeline import build

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dist", type=Path, help="output folder to build into (and reuse)")
    parser.add_argument("--verbose", action="store_true", help="list what is missing")
    parser.add_argument("sources", nargs="*")
    args = parser.parse_args()
    sources = args.sources or [str(ROOT / "source")]
    with tempfile.TemporaryDirectory() as tmp:
        out = args.dist or Path(tmp)
        config = BuildConfig(output=out, formats=("sheets",), options={"jobs": 2, "progress": False})
        result = build(sources, config)
        numbers = measure(result.guide, out / "sheets")
    if not args.verbose:
        numbers = {k: v for k, v in numbers.items() if not k.endswith("_list") and k != "missing_items"}
    print(json.dumps(numbers, ensure_ascii=False, indent=None if not args.verbose else 1))


if __name__ == "__main__":
    main()
