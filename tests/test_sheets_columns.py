"""Nothing prints outside its column box: every text box and image of every sheet, as
WeasyPrint laid it out (builder/sheets/overflow.py, reported as `sheet-overflow`), lies in its
column, or across the page for what spans it; tables too wide for a column span the page or
print row by row, chosen by their measured min-content width."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from builder.config import BuildConfig
from builder.pipeline import build
from builder.reader import read_guide
from builder.sheets.measure import min_content_mm, table_fit, text_mm, widths
from tests.conftest import FIXTURES, ROOT

pypdf = pytest.importorskip("pypdf")
pytestmark = pytest.mark.slow

WIDE = FIXTURES / "sheets" / "wide-tables" / "topic-940.md"
MM = 72 / 25.4


def _overflow(diagnostics) -> list[str]:
    return [f"{d.pos.path}:{d.pos.line}: {d.message}" for d in diagnostics if d.rule == "sheet-overflow"]


def test_no_text_of_a_real_guide_prints_outside_its_column(built):
    assert _overflow(built.diagnostics) == []


@pytest.fixture(scope="module")
def wide(tmp_path_factory):
    out = tmp_path_factory.mktemp("wide")
    config = BuildConfig(output=out, formats=("sheets",), options={"jobs": 2})
    return build([str(WIDE)], config), out / "sheets"


def test_each_table_is_placed_by_its_measured_width():
    tables = read_guide([str(WIDE)]).guide.objectives[0].tables
    column, page = widths("a4", "landscape", 3)
    assert [round(min_content_mm(t)) > column for t in tables] == [False, True, True]
    assert [table_fit(t, "a4", "landscape", 3) for t in tables] == ["column", "page", "stack"]
    assert min_content_mm(tables[2]) > page
    # portrait: two wider columns, a narrower page
    assert [table_fit(t, "a4", "portrait", 2) for t in tables] == ["column", "page", "stack"]


def test_the_measure_is_the_fonts_own():
    """A monospace em is 0.602 of the size in DejaVu Sans Mono; bold is wider than regular."""
    assert text_mm("m" * 10, "mono", 10) == pytest.approx(10 * 0.602 * 10 / MM, rel=0.01)
    assert text_mm("Snapshots", "bold", 6) > text_mm("Snapshots", "sans", 6)


def test_wide_tables_span_the_page_or_stack_and_nothing_overflows(wide):
    result, sheets = wide
    assert _overflow(result.diagnostics) == []
    page = (sheets / "940.1-tables-of-three-widths.html").read_text("utf-8")
    assert page.count('<section class="tables wide">') == 1
    assert page.count('class="tbl stacked"') == 1
    topic = (sheets / "940-wide-tables.html").read_text("utf-8")
    assert 'class="tbl stacked"' in topic
    # read back from the PDF (poppler's word boxes): the spanning table's first header prints in
    # the first third of the page, its last in the last third
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    boxes = subprocess.run(["pdftotext", "-bbox", str(sheets / "940.1-tables-of-three-widths.pdf"), "-"],
                           check=True, capture_output=True, text=True).stdout
    words = {m.group(3): (float(m.group(1)), float(m.group(2)))
             for m in re.finditer(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<', boxes)}
    width = float(re.search(r'<page width="([\d.]+)"', boxes).group(1))
    assert words["Tool"][0] < width / 3 < 2 * width / 3 < words["Native"][0], (words["Tool"], words["Native"])


def test_a_table_kept_in_its_column_is_reported(tmp_path):
    """The check can fail: with the page-wide section turned back into a column's, the wide
    table prints over the next column, and the build says so at the table."""
    tpl = tmp_path / "tpl" / "sheets"
    tpl.mkdir(parents=True)
    css = (ROOT / "templates" / "sheets" / "sheet.css").read_text("utf-8")
    (tpl / "sheet.css").write_text(css + "\n.flow > section.wide { column-span: none; }\n", "utf-8")
    shutil.copy(WIDE, tmp_path / WIDE.name)
    config = BuildConfig(output=tmp_path / "out", formats=("sheets",),
                         options={"jobs": 1, "templates_dir": str(tmp_path / "tpl")})
    found = _overflow(build([str(tmp_path / WIDE.name)], config).diagnostics)
    lines = {int(f.split(":")[1]) for f in found}
    assert lines and lines <= set(range(25, 32)), found  # the wide table's lines in the guide
