"""The sheets' HTML in a real headless Chromium: no horizontal scroll, every column used,
relative font sizes, dark mode, and the print layout kept for printing."""

from __future__ import annotations


import pytest


pytestmark = pytest.mark.slow


# Per .flow: its width, the column gap and width Chromium used, and the left edge of every
# box that holds text, so the test can count the columns that received content.
COLUMNS_JS = """() => [...document.querySelectorAll('.flow')].map(flow => {
  const style = getComputedStyle(flow);
  const box = flow.getBoundingClientRect();
  const lefts = [...flow.querySelectorAll('.block, li, tr, dt, p, figure')]
    .flatMap(el => [...el.getClientRects()]).filter(r => r.width > 0).map(r => r.left - box.left);
  return {width: box.width, gap: parseFloat(style.columnGap) || 0,
          colWidth: parseFloat(style.columnWidth) || 0, count: style.columnCount, lefts};
})"""


@pytest.fixture(scope="module")
def sheets(source_build):
    return source_build.sheets


def columns_used(flow: dict) -> int:
    step = (flow["width"] + flow["gap"]) / expected_columns(flow)
    return len({int((left + 1) // step) for left in flow["lefts"]})


def expected_columns(flow: dict) -> int:
    """What `columns: 3 22rem` gives at this width: as many 22rem columns as fit, at most 3."""
    width = flow["colWidth"] or flow["width"]
    return max(1, min(3, int((flow["width"] + flow["gap"]) // (width + flow["gap"]))))


@pytest.mark.parametrize("width,columns", [(390, 1), (1280, 3)])
def test_screen_layout_fits_and_uses_every_column(browser, sheets, width, columns):
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        for html in ("352.3-docker.html", "352-container-virtualization.html"):
            page.goto((sheets / html).as_uri())
            scroll = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
            assert scroll[0] <= scroll[1], (html, scroll)
            flows = page.evaluate(COLUMNS_JS)
            assert flows, html
            for flow in flows:
                assert expected_columns(flow) == columns, (html, flow["width"])
                if len(flow["lefts"]) > 40:  # enough content to fill every column
                    assert columns_used(flow) == columns, (html, sorted(set(round(x) for x in flow["lefts"])))
    finally:
        page.close()


def test_screen_text_scales_together_and_dark_mode_applies(browser, sheets):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    try:
        page.goto((sheets / "352.3-docker.html").as_uri())
        sizes = page.evaluate("""() => ['html', '.kka li', '.code', '.purpose', 'td'].map(
            s => parseFloat(getComputedStyle(document.querySelector(s)).fontSize))""")
        base = sizes[0]
        assert base >= 14  # the reader's size, not 6.8pt
        assert all(0.8 * base <= size <= 1.2 * base for size in sizes[1:]), sizes
        background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        assert sum(int(c) for c in background[background.index("(") + 1:-1].split(",")[:3]) < 150, background
        page.emulate_media(media="print")
        assert page.evaluate("() => getComputedStyle(document.querySelector('.flow')).columnCount") == "3"
    finally:
        page.close()
