"""Cards as Anki's reviewer shows them: the backend's own question and answer HTML, on a page
laid out like the reviewer's, measured in a real Chromium (line boxes, computed styles)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from pathlib import Path

from anki_helpers import T0, open_collection, import_deck, source_date_epoch
from builder.config import BuildConfig
from builder.pipeline import build

from chromium import CHROMIUM  # noqa: F401  (re-exported for the browser tests)
PHONE = {"width": 390, "height": 844}
# The classes the reviewers put on <body>: the desktop (and AnkiMobile) add both night classes,
# AnkiDroid only `night_mode`; `card card<ord+1>` always.
MODES = {"light": "", "night": "nightMode night_mode", "night-ankidroid": "night_mode"}
# What the desktop reviewer's own style sheet sets around a card (ts/reviewer/reviewer.scss).
REVIEWER_CSS = ("body { margin: 20px; overflow-wrap: break-word; }\n"
                "#typeans { width: 100%; box-sizing: border-box; }\n"
                "code#typeans { white-space: pre-wrap; }\n"
                ".typeGood { background: #afa; color: black; }\n")
_TYPE = re.compile(r"\[\[type:(.+?)\]\]")
_STYLE = re.compile(r"^<style>(.*?)</style>", re.S)


@dataclass(frozen=True, slots=True)
class ShownCard:
    """One card as the reviewer shows it: its note type, template ordinal and both sides."""

    id: int
    note_type: str
    ord: int
    question: str
    answer: str
    typed: str  # the answer a type-in box expects ("" when the card has none)


def build_package(sources: list[str], out: Path) -> Path:
    """The whole-exam package of `sources`, with the ledger kept in `out`."""
    with source_date_epoch(T0):
        build(sources, BuildConfig(output=out, formats=("anki",),
                                   options={"ledger": str(out / "cheatdeck.lock")}))
    return max((out / "anki").glob("*.apkg"), key=lambda p: p.stat().st_size)


def shown_cards(apkg: Path, folder: Path) -> tuple[str, list[ShownCard]]:
    """The card CSS and every card of the package, rendered by Anki's backend after import."""
    col = open_collection(folder)
    try:
        import_deck(col, apkg)
        cards, css = [], set()
        for cid in col.find_cards(""):
            card = col.get_card(cid)
            out = card.render_output()
            css.add(out.css)
            typed = _typed(col, card, out.question_text)
            cards.append(ShownCard(cid, card.note_type()["name"], card.ord,
                                   _type_box(out.question_text, None),
                                   _type_box(out.answer_text, typed), typed or ""))
    finally:
        col.close()
    assert len(css) == 1, "every cheatdeck note type shares one style sheet"
    return css.pop(), cards


def _typed(col, card, question: str) -> str | None:  # type: ignore[no-untyped-def]
    """What the reviewer compares a typed answer with (its `_contentForCloze`)."""
    m = _TYPE.search(question)
    if not m:
        return None
    field = m.group(1).split(":")[-1]
    text = card.note()[field]
    if m.group(1).startswith("cloze:"):
        found = re.findall(r"\{\{c%d::(.+?)\}\}" % (card.ord + 1), text, re.S)
        text = ", ".join(dict.fromkeys(t.split("::")[0] for t in found))
    return re.sub(r"<[^>]+>", "", text)


def _type_box(html: str, typed: str | None) -> str:
    """The reviewer's type-in box on the front, its comparison (a right answer) on the back."""
    if typed is None:
        box = '<center><input type=text id=typeans style="font-family: \'Arial\'; font-size: 20px;"></center>'
    else:
        box = (f'<span style="font-family: \'Arial\'; font-size: 20px"><div><code id=typeans>'
               f'<span class=typeGood>{escape(typed)}</span></code></div></span>')
    return _TYPE.sub(lambda _m: box, html)


def card_page(css: str, body_html: str, mode: str, ord_: int = 0) -> str:
    """One card side as the reviewer's page: its CSS, the body classes, the card in #qa."""
    classes = f"card card{ord_ + 1} isLin {MODES[mode]}".strip()
    return (f"<!DOCTYPE html><html><head><meta charset=utf-8>"
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<style>{REVIEWER_CSS}</style><style>{css}</style></head>"
            f'<body class="{classes}"><div id="qa">{body_html}</div></body></html>')


def deck_page(css: str, sides: list[tuple[int, str]], mode: str) -> str:
    """Many card sides on one page, each in a box that takes the body's part (the `.card` classes,
    whose `margin: 0` overrides the reviewer's), so one page load measures a whole deck."""
    boxes = "".join(f'<div class="card card1 isLin {MODES[mode]} qa" data-id="{i}" '
                    f'style="margin: 0 0 20px">{html}</div>' for i, html in sides)
    return (f"<!DOCTYPE html><html><head><meta charset=utf-8>"
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<style>{REVIEWER_CSS}</style><style>{css}</style></head>"
            f'<body style="margin: 0">{boxes}</body></html>')


# For every box: the soft line breaks inside its code (pre and code elements), found from the
# line box of each character (Range.getClientRects), with the characters on either side and
# the whitespace-separated word the break falls in.
BREAKS_JS = r"""() => {
  const range = document.createRange();
  const out = [];
  for (const box of document.querySelectorAll('.qa')) {
    const found = [];
    for (const code of box.querySelectorAll('pre, code')) {
      if (code.parentElement.closest('pre, code')) continue;
      const chars = [];
      const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
      let node;
      while ((node = walker.nextNode())) {
        const text = node.data;
        // a code line (span.ln) is a block of its own: the step to the next one is no soft break
        const line = node.parentElement.closest('.ln') || code;
        for (let i = 0; i < text.length; i++) {
          if (text[i] === '\n') { chars.push({c: '\n', top: null, line}); continue; }
          range.setStart(node, i); range.setEnd(node, i + 1);
          const rects = [...range.getClientRects()].filter(r => r.width > 0);
          chars.push({c: text[i], top: rects.length ? rects[0].top : null, line});
        }
      }
      let last = null;
      for (let i = 0; i < chars.length; i++) {
        const ch = chars[i];
        if (ch.c === '\n' || (last !== null && chars[last].line !== ch.line)) { last = null; }
        if (ch.c === '\n' || ch.top === null) continue;
        if (last !== null && ch.top > chars[last].top + 2) {
          let a = i - 1, b = i;
          while (a > 0 && !/\s/.test(chars[a - 1].c)) a--;
          while (b < chars.length - 1 && !/\s/.test(chars[b + 1].c)) b++;
          const word = chars.slice(a, b + 1).map(x => x.c).join('');
          found.push({before: chars[i - 1].c, after: ch.c, word: word, at: i - a});
        }
        last = i;
      }
    }
    if (found.length) out.push({id: box.dataset.id, breaks: found});
  }
  return out;
}"""


def dash_option_break(b: dict) -> bool:
    """A break right after a dash inside a word that starts with a dash (`--` ⏎ `protocol`)."""
    return b["before"] == "-" and not b["after"].isspace() and b["word"].lstrip().startswith("-")


def after_hyphen_break(b: dict) -> bool:
    """A break right after a hyphen inside any word (`virt-` ⏎ `install`, `--log-` ⏎ `driver`)."""
    return b["before"] == "-" and not b["after"].isspace()


def broken_run(b: dict) -> str:
    """The run of letters, digits, `_ . -` the break falls in (`noble-server-cloudimg-amd64.img`)."""
    left, right = b["word"][:b["at"]], b["word"][b["at"]:]
    return re.search(r"[\w.-]*$", left).group(0) + re.match(r"[\w.-]*", right).group(0)  # type: ignore[union-attr]
