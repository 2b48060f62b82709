"""Page references filled in after one layout (builder/sheets/pagerefs.py): the right numbers,
nothing laid out twice, what follows a number moved by its change of width."""

from __future__ import annotations

import io

import pytest

pytest.importorskip("weasyprint")
pypdf = pytest.importorskip("pypdf")

import weasyprint.layout.page as page_layout  # noqa: E402
from weasyprint import HTML  # noqa: E402

from builder.sheets.pagerefs import fill_page_refs  # noqa: E402

DOC = """<html><body style="font: 10pt 'DejaVu Sans'">
<p>see <a class="pg" href="#far">00</a> after</p>
<p style="text-align: right">at <a class="pg" href="#near">00</a></p>
<p style="break-before: page">two</p>
<p style="break-before: page" id="far">three</p>
<p id="near">also three</p>
</body></html>"""


@pytest.fixture
def layouts(monkeypatch):
    counted = [0]
    remake = page_layout.remake_page

    def counting(*args, **kwargs):
        counted[0] += 1
        return remake(*args, **kwargs)

    monkeypatch.setattr(page_layout, "remake_page", counting)
    return counted


def _boxes(document, text):
    return [box for page in document.pages for box in page._page_box.descendants()
            if getattr(box, "text", None) == text]


def test_forward_references_get_their_page_from_one_layout(layouts):
    document = HTML(string=DOC).render()
    placeholder = [(box.position_x, box.width) for box in _boxes(document, "00")]
    after = _boxes(document, " after")[0].position_x
    assert fill_page_refs(document) == 2
    assert layouts[0] == len(document.pages) == 3
    numbers = _boxes(document, "3")
    assert len(numbers) == 2 and not _boxes(document, "00")
    # one digit narrower: the rest of a left-aligned line moves left, a right-aligned number
    # keeps its right edge
    digit = placeholder[0][1] / 2
    assert _boxes(document, " after")[0].position_x == pytest.approx(after - digit, abs=0.01)
    right = [b for b in numbers if b.style["text_align_all"] == "right"][0]
    assert right.position_x + right.width == pytest.approx(sum(placeholder[1]), abs=0.01)
    text = pypdf.PdfReader(io.BytesIO(document.write_pdf())).pages[0].extract_text()
    assert "see 3 after" in text and "00" not in text


def test_target_counter_lays_pages_out_again(layouts):
    """The yardstick: the same document with target-counter() takes more layouts than pages."""
    html = DOC.replace(">00</a>", "></a>").replace(
        "<body", "<head><style>a.pg::after { content: target-counter(attr(href url), page) }"
                  "</style></head><body")
    document = HTML(string=html).render()
    assert layouts[0] > len(document.pages)


def test_a_link_to_no_anchor_keeps_its_placeholder():
    document = HTML(string=DOC.replace('id="far"', "")).render()
    assert fill_page_refs(document) == 1
    assert len(_boxes(document, "00")) == 1
