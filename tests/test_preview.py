"""`cheatdeck preview` in a real headless Chromium: loads cleanly, filters, night mode, phone width."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import cli
from builder.pipeline import check, select
from builder.preview import write_preview

ROOT = Path(__file__).resolve().parents[1]
from chromium import CHROMIUM
sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")]
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def page_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The page for two objectives of source/ that between them have every card type."""
    guide = select(check([str(ROOT / "source")]).guide, ("351.1", "352.3"))
    return write_preview(guide, tmp_path_factory.mktemp("dist"))


def test_the_page_loads_without_errors_and_filters(browser, page_file: Path) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport=PHONE)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_file.as_uri())
    total = page.locator(".pv-card").count()
    types = page.eval_on_selector_all("#pv-type option", "os => os.map(o => o.value).filter(Boolean)")
    assert {"Cloze / Cloze", "Comparison row / Row", "Cited object / Object", "Timeline event / When",
            "Command / Recall", "Definition / Definition"} <= set(types)
    page.select_option("#pv-objective", "351.1")
    shown = int(page.inner_text("#pv-shown"))
    assert 0 < shown < total and page.locator(".pv-card:visible").count() == shown
    page.select_option("#pv-type", "Cloze / Cloze")
    visible = page.eval_on_selector_all(".pv-card:not([hidden])", "cs => cs.map(c => [c.dataset.objective, c.dataset.type])")
    assert visible and all(v == ["351.1", "Cloze / Cloze"] for v in visible)
    page.click("#pv-night")
    assert "nightMode" in page.eval_on_selector("body", "b => b.className")
    background = page.eval_on_selector(".pv-card:not([hidden]) .card", "c => getComputedStyle(c).backgroundColor")
    assert background == "rgb(31, 36, 40)"  # the cards' own night colours
    assert errors == []


def test_one_card_of_every_type_fits_a_phone_width(browser, page_file: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport=PHONE)
    page.goto(page_file.as_uri())
    types = page.eval_on_selector_all("#pv-type option", "os => os.map(o => o.value).filter(Boolean)")
    for name in types:
        card = page.locator(f'.pv-card[data-type="{name}"]').first
        for side in card.locator(".card").all():
            wide = side.evaluate("c => [c.scrollWidth, c.clientWidth]")
            assert wide[0] <= wide[1], (name, wide)  # nothing scrolls sideways
        shot = tmp_path / f"{name.replace(' / ', '-').replace(' ', '_')}.png"
        card.screenshot(path=str(shot))
        assert shot.stat().st_size > 1000


def test_backs_fit_one_phone_screen(browser, page_file: Path) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport=PHONE)
    page.goto(page_file.as_uri())
    heights = page.eval_on_selector_all(".pv-side:last-child .card", "cs => cs.map(c => c.offsetHeight)")
    within = sum(h <= PHONE["height"] for h in heights)
    assert within >= 0.9 * len(heights), (within, len(heights))


def test_the_preview_command_writes_the_page(tmp_path: Path) -> None:
    guide = ROOT / "tests" / "fixtures" / "anki" / "guide"
    result = CliRunner().invoke(cli, ["preview", str(guide), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "preview" / "index.html").read_text(encoding="utf-8")
    assert html.count('class="pv-card"') > 20 and "352-containers.md:" in html
    assert list((tmp_path / "preview").glob("cheatdeck-*.png"))  # the cards' image is beside it


# Each span.cloze of the visible cards: its colour and weight, and those of the text around it.
CLOZE_JS = """() => [...document.querySelectorAll('.pv-card:not([hidden]) span.cloze')].map(span => {
  const s = getComputedStyle(span), line = getComputedStyle(span.parentElement);
  return [s.color, s.fontWeight, line.color, line.fontWeight];
})"""


def test_a_cloze_stands_out_from_its_line_light_and_night(browser, page_file: Path) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport=PHONE)
    page.goto(page_file.as_uri())
    page.select_option("#pv-type", "Cloze / Cloze")
    for mode in ("light", "night"):
        if mode == "night":
            page.click("#pv-night")
        spans = page.evaluate(CLOZE_JS)
        assert len(spans) > 20
        for color, weight, line_color, line_weight in spans:
            assert color != line_color and int(weight) >= 600 and int(line_weight) < 600, (mode, spans[0])
