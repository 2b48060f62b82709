"""Card quality report: per card type, fronts that ask, tall backs, duplicate fronts, answers shown early."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser

from pathlib import Path

from builder.anki.notes import AnkiNote, guide_notes
from builder.anki.notetypes import NoteTypeText, load_text, note_types_for
from builder.anki.render import RenderedCard, plain, render_note
from builder.model import Guide

# A phone: 390 × 844 CSS px, less what Anki's own bars take (~120 px), at the cards' 19 px font.
PHONE_HEIGHT = 720
TEXT_CHARS, CODE_CHARS = 36, 38  # characters per line of body text and of code at 390 px
TEXT_LINE, CODE_LINE, BLOCK_GAP = 27.5, 23.0, 8.0
_BLOCKS = {"div", "p", "li", "tr", "td", "th", "dt", "dd", "pre", "hr", "ul", "ol", "dl", "table",
           "img"}


class _Height(HTMLParser):
    """A rough height of HTML at phone width: block boxes of wrapped lines (tables stacked)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.px = 0.0
        self.buf = ""
        self.pre = 0

    def flush(self) -> None:
        if self.buf.strip():
            if self.pre:
                for line in self.buf.strip("\n").split("\n"):
                    self.px += CODE_LINE * max(1, math.ceil(len(line) / CODE_CHARS))
            else:
                self.px += TEXT_LINE * math.ceil(len(" ".join(self.buf.split())) / TEXT_CHARS)
            self.px += BLOCK_GAP
        self.buf = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.flush()
        if tag == "br":
            self.buf += "\n" if self.pre else " " * (TEXT_CHARS - len(self.buf) % TEXT_CHARS)
        if tag == "pre":
            self.pre += 1
        if tag == "img":
            self.px += 200

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.flush()
        if tag == "pre":
            self.pre = max(0, self.pre - 1)

    def handle_data(self, data: str) -> None:
        self.buf += data


def height(html: str) -> float:
    parser = _Height()
    parser.feed(html)
    parser.close()
    parser.flush()
    return parser.px + 40  # the card's own padding


_CTX = re.compile(r'<div class="ctx">.*?</div>', re.S)
_ASK = re.compile(r'<div class="ask">(.*?)</div>', re.S)
_PROMPT = re.compile(r'<div class="prompt">(.*?)</div>', re.S)
_ANS = re.compile(r'<div class="ans[^"]*">(.*?)</div>', re.S)
# A cloze's text may hold spans of its own (`<span class="nw">--force</span>`).
_CLOZE = re.compile(r'<span class="cloze">((?:<span\b[^>]*>.*?</span>|.)*?)</span>', re.S)


def asks(card: RenderedCard) -> bool:
    """Does the front say what it asks: a question line ending in '?', or a cloze blank?"""
    if card.note.note_type.cloze:
        return bool(_CLOZE.search(card.front))
    return any(plain(m).endswith("?") for m in _ASK.findall(card.front) + _PROMPT.findall(card.front))


def answer_text(card: RenderedCard) -> str:
    found = _CLOZE.findall(card.back) if card.note.note_type.cloze else _ANS.findall(card.back)
    return plain(found[0]) if found else ""


def shows_answer(card: RenderedCard) -> bool:
    """Does the front already hold the whole answer (word-wise, case folded)?"""
    # Code is case-sensitive (`-d` is not `-D`); prose is not.
    fold = (lambda s: s) if card.note.note_type.cloze else str.casefold
    answer = fold(answer_text(card))
    if len(answer) < 2:
        return False
    # The context line (card kind, objective, section) is the same on every card of its deck.
    front = fold(plain(_CTX.sub("", card.front)))
    return re.search(r"(?<![\w-])" + re.escape(answer) + r"(?![\w-])", front) is not None


@dataclass(frozen=True, slots=True)
class TypeStats:
    name: str
    count: int
    asking: int
    tall: int
    duplicate: int
    answer_on_front: int


def rendered_cards(notes: list[AnkiNote], texts: list[NoteTypeText]) -> list[RenderedCard]:
    by_id = {t.note_type.id: t for t in texts}
    return [c for n in notes for c in render_note(n, by_id[n.note_type.id])]


def report(cards: list[RenderedCard]) -> list[TypeStats]:
    """Per card type, in first-seen order."""
    fronts = Counter((c.note.deck, plain(c.front)) for c in cards)
    stats: dict[str, list[int]] = {}
    for c in cards:
        s = stats.setdefault(c.type_name, [0, 0, 0, 0, 0])
        s[0] += 1
        s[1] += asks(c)
        s[2] += height(c.back) > PHONE_HEIGHT
        s[3] += fronts[(c.note.deck, plain(c.front))] > 1
        s[4] += shows_answer(c)
    return [TypeStats(name, *v) for name, v in stats.items()]


def report_lines(stats: list[TypeStats], cloze_notes: int) -> list[str]:
    lines = ["ask: fronts that say what they ask; tall: backs over one phone screen (390 x 844);",
             "dup: fronts that read like another in the deck; shown: fronts that hold their answer", "",
             f"{'card type':<28}{'cards':>7}{'ask':>7}{'tall':>7}{'dup':>6}{'shown':>7}"]
    for s in stats:
        lines.append(f"{s.name:<28}{s.count:>7}{_pct(s.asking, s.count):>7}{s.tall:>7}"
                     f"{s.duplicate:>6}{s.answer_on_front:>7}")
    total = TypeStats("all", *(sum(getattr(s, f) for s in stats)
                               for f in ("count", "asking", "tall", "duplicate", "answer_on_front")))
    lines.append(f"{total.name:<28}{total.count:>7}{_pct(total.asking, total.count):>7}"
                 f"{total.tall:>7}{total.duplicate:>6}{total.answer_on_front:>7}")
    within = total.count - total.tall
    lines.append(f"backs within one phone screen: {_pct(within, total.count)}; "
                 f"duplicate fronts: {total.duplicate}; answers on the front: "
                 f"{total.answer_on_front}; cloze notes: {cloze_notes}")
    return lines


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def guide_report(guide: Guide, override: Path | None = None) -> tuple[list[TypeStats], int]:
    """The report for a guide's deck: per-type stats and the number of cloze notes."""
    notes = guide_notes(guide, Path(guide.root).resolve())
    texts = [load_text(nt, override, guide.lang) for nt in note_types_for(guide.lang)]
    return report(rendered_cards(notes, texts)), sum(n.note_type.cloze for n in notes)
