"""The deck of source/ as Anki renders it, in a real headless Chromium at phone width: a cloze's
answer stands out from its line (light and night), and code never wraps inside an option."""

from __future__ import annotations

from pathlib import Path

import pytest

from anki_reviewer import (CHROMIUM, MODES, PHONE, BREAKS_JS, ShownCard, after_hyphen_break,
                           broken_run, build_package, card_page, dash_option_break, deck_page,
                           shown_cards)
from builder.anki.fields import NOWRAP_MAX

ROOT = Path(__file__).resolve().parents[1]
sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")]

# For every span.cloze of the page: its computed style and its line's (the element it sits in),
# and the card's background, as [r, g, b] where a colour.
CLOZE_STYLE_JS = r"""() => {
  const rgb = s => (s.match(/[\d.]+/g) || []).slice(0, 3).map(Number);
  const pick = el => { const s = getComputedStyle(el);
    return {color: rgb(s.color), weight: parseInt(s.fontWeight), background: s.backgroundColor}; };
  const card = getComputedStyle(document.body);
  return [...document.querySelectorAll('span.cloze')].map(span => ({
    text: span.textContent, cloze: pick(span), line: pick(span.parentElement),
    card: rgb(card.backgroundColor)}));
}"""


def _luminance(rgb: list[float]) -> float:
    def channel(v: float) -> float:
        v /= 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: list[float], b: list[float]) -> float:
    """WCAG contrast ratio of two colours."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.fixture(scope="module")
def deck(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[ShownCard]]:
    """The card CSS and every card of source/'s whole-exam package, as Anki's backend renders them."""
    tmp = tmp_path_factory.mktemp("render")
    return shown_cards(build_package([str(ROOT / "source")], tmp / "dist"), tmp / "col")


def _cloze_sample(cards: list[ShownCard]) -> list[ShownCard]:
    """Cloze cards of every shape: with and without a type-in box, in code and in prose."""
    cloze = [c for c in cards if c.note_type == "cheatdeck Cloze"]
    shapes: dict[tuple[bool, bool], list[ShownCard]] = {}
    for c in cloze:
        shapes.setdefault((bool(c.typed), "<pre" in c.answer), []).append(c)
    assert len(shapes) >= 3, sorted(shapes)
    return [c for group in shapes.values() for c in group[::max(1, len(group) // 8)]]


@pytest.mark.parametrize("mode", sorted(MODES))
def test_a_cloze_stands_out_from_its_line(browser, deck, mode: str) -> None:  # type: ignore[no-untyped-def]
    css, cards = deck
    page = browser.new_page(viewport=PHONE)
    try:
        for card in _cloze_sample(cards):
            for side, html in (("front", card.question), ("back", card.answer)):
                page.set_content(card_page(css, html, mode, card.ord))
                spans = page.evaluate(CLOZE_STYLE_JS)
                assert spans, (card.id, side)
                for s in spans:
                    where = (mode, side, card.id, s["text"])
                    # The text around a blank is the guide's ordinary text, not bold.
                    assert s["line"]["weight"] < 600, where
                    # The blank and the revealed answer differ from their line in colour and weight.
                    assert s["cloze"]["color"] != s["line"]["color"], where
                    assert s["cloze"]["weight"] >= 600, where
                    assert contrast(s["cloze"]["color"], s["card"]) >= 4.5, where
    finally:
        page.close()


def test_code_never_wraps_inside_an_option_at_phone_width(browser, deck) -> None:  # type: ignore[no-untyped-def]
    css, cards = deck
    sides = [(2 * i + j, html) for i, c in enumerate(cards) for j, html in enumerate((c.question, c.answer))]
    page = browser.new_page(viewport=PHONE)
    try:
        page.set_content(deck_page(css, sides, "light"))
        found = page.evaluate(BREAKS_JS)
        wide = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    finally:
        page.close()
    breaks = [(cards[int(f["id"]) // 2].id, b) for f in found for b in f["breaks"]]
    # Lines do wrap (the test measures something), but never between a dash and its option
    # (`--` / `protocol`), nor after a hyphen inside a word (`virt-` / `install`) that fits a line.
    assert len(breaks) > 100
    assert [b for b in breaks if dash_option_break(b[1])] == []
    assert [b for b in breaks if after_hyphen_break(b[1]) and len(broken_run(b[1])) <= NOWRAP_MAX] == []
    assert wide[0] <= wide[1], wide  # and nothing is pushed sideways instead
