"""Card quality report: per card type, fronts that ask, tall backs, duplicates, leaks, trivial blanks, empty backs."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser

from pathlib import Path

from builder.anki.cloze import drilled_programs
from builder.anki.leaks import (URL, everyday, filler_cell, gives_away, leaks, says_more, setup_step,
                               ubiquitous_key)
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


# Which field holds the answer of each card, by note kind and template (cloze: the revealed blank).
ANSWER_FIELD = {("command", "Recall"): "Commands", ("command", "Recognize"): "Purpose",
                ("row", "Row"): "Cells", ("row", "Reverse"): "Row", ("definition", "Definition"): "Definition",
                ("timeline", "When"): "Period", ("overview", "Overview"): "Weight", ("cited", "Object"): "Shows"}
# The shape of each card's answer (builder/anki/leaks.py SHAPES), as the card makers use it.
SHAPE = {("command", "Recall"): "command", ("command", "Recognize"): "text", ("definition", "Definition"): "text",
         ("cited", "Object"): "text"}
CLOZE_SHAPE = {"procedure": "command", "line": "text"}  # by the note's identity; others: "term"
_FLAG = re.compile(r"^\S+ cloze flag (.*)$", re.S)
_STEP = re.compile(r"^\S+ cloze procedure ")
_SAMPLE = re.compile(r"^\S+ cloze sample / ")


@dataclass(frozen=True, slots=True)
class Seen:
    """A card as a reviewer reads it: the front's words (with the section) and the answer."""

    card: RenderedCard
    front: str
    answer: str

    @property
    def kind(self) -> tuple[str, str]:
        return self.card.note.kind, self.card.template


def seen(card: RenderedCard) -> Seen:
    values = dict(zip(card.note.note_type.field_names, card.note.fields))
    # The objective's id is on every card and answers nothing (`353.2` is no weight of 2).
    # The question line ("Which command line does this?") is the same on every card of a type.
    front = plain(_ASK.sub("", _CTX.sub("", card.front))).replace(card.note.objective, " ")
    front += " " + plain(values.get("Section", ""))
    if card.note.note_type.cloze:
        return Seen(card, front, answer_text(card))
    body = values.get(ANSWER_FIELD.get((card.note.kind, card.template), ""), "")
    if card.note.kind == "cited":  # the meaning, not the examples of use after it
        body = next(iter(_ANS.findall(body)), body)
    return Seen(card, front, plain(body))


def shape(s: Seen) -> str:
    if s.card.note.note_type.cloze:
        what = s.card.note.identity.split(" ", 3)[2] if s.card.note.identity.count(" ") >= 2 else ""
        return CLOZE_SHAPE.get(what, "term")
    return SHAPE.get(s.kind, "term")


def leaked(s: Seen) -> bool:
    """The shared rule (builder/anki/leaks.py) applied to what the card shows."""
    return bool(s.answer) and gives_away(s.answer, s.front, shape(s))


def trivial_blank(s: Seen, cited: frozenset[str] = frozenset()) -> bool:
    """A blank with nothing to learn: an option of an everyday utility, a setup step, a key every
    configuration has, a filler cell."""
    identity = s.card.note.identity
    if m := _FLAG.match(identity):
        words = m.group(1).split()
        prog = next((w.rsplit("/", 1)[-1] for w in words if w not in ("sudo", "env")
                     and not w.startswith("-") and "=" not in w), "")
        return everyday(prog) and prog not in cited  # a cited `tar` is what the objective teaches
    if _STEP.match(identity):
        return setup_step(s.answer.split()[0] if s.answer.split() else "")
    if _SAMPLE.match(identity):
        return ubiquitous_key(s.answer)
    if s.kind in {("row", "Row"), ("row", "Reverse")}:
        return filler_cell(s.answer)
    return False


def asks_nothing(s: Seen) -> bool:
    """A card that asks nothing: no answer, a link as the answer, an overview that is only a
    title, a back whose every word the front shows, a recognize card whose purpose only restates
    its command."""
    if not s.answer or URL.fullmatch(s.answer):
        return True
    if s.kind == ("command", "Recognize"):
        return not says_more(s.answer, s.front)
    return leaks(s.answer, s.front, code=shape(s) == "command" or s.answer.startswith("-"))


@dataclass(frozen=True, slots=True)
class TypeStats:
    name: str
    count: int
    asking: int
    tall: int
    duplicate: int
    answer_on_front: int
    leaked: int = 0
    trivial: int = 0
    empty: int = 0
    nothing: int = 0


COLUMNS = ("count", "asking", "tall", "duplicate", "answer_on_front", "leaked", "trivial", "empty", "nothing")


def rendered_cards(notes: list[AnkiNote], texts: list[NoteTypeText]) -> list[RenderedCard]:
    by_id = {t.note_type.id: t for t in texts}
    return [c for n in notes for c in render_note(n, by_id[n.note_type.id])]


def report(cards: list[RenderedCard], cited: dict[str, frozenset[str]] | None = None) -> list[TypeStats]:
    """Per card type, in first-seen order (`cited`: each objective's cited programs)."""
    fronts = Counter((c.note.deck, plain(c.front)) for c in cards)
    stats: dict[str, list[int]] = {}
    for c in cards:
        v = seen(c)
        nothing = asks_nothing(v)
        row = (1, asks(c) and not nothing, height(c.back) > PHONE_HEIGHT,
               fronts[(c.note.deck, plain(c.front))] > 1, shows_answer(c), leaked(v),
               trivial_blank(v, (cited or {}).get(c.note.objective, frozenset())),
               not v.answer, nothing)
        s = stats.setdefault(c.type_name, [0] * len(COLUMNS))
        for i, x in enumerate(row):
            s[i] += bool(x)
    return [TypeStats(name, *v) for name, v in stats.items()]


def report_lines(stats: list[TypeStats], cloze_notes: int) -> list[str]:
    lines = ["ask: fronts that say what they ask, with a back that adds to them; tall: backs over one",
             "phone screen (390 x 844); dup: fronts that read like another in the deck; shown: fronts",
             "that hold their answer word for word; leak: fronts that give it away by the shared rule",
             "(stems, inverses, the section); trivial: blanks on everyday utilities, setup steps, keys",
             "every config has, filler cells; empty: no answer; nothing: backs that add nothing (a link,",
             "a restated command, a bare title)", "",
             f"{'card type':<28}{'cards':>7}{'ask':>6}{'tall':>6}{'dup':>5}{'shown':>7}{'leak':>6}"
             f"{'triv':>6}{'empty':>7}{'nothing':>9}"]
    total = TypeStats("all", *(sum(getattr(s, f) for s in stats) for f in COLUMNS))
    for s in [*stats, total]:
        lines.append(f"{s.name:<28}{s.count:>7}{_pct(s.asking, s.count):>6}{s.tall:>6}{s.duplicate:>5}"
                     f"{s.answer_on_front:>7}{s.leaked:>6}{s.trivial:>6}{s.empty:>7}{s.nothing:>9}")
    within = total.count - total.tall
    lines.append(f"backs within one phone screen: {_pct(within, total.count)}; "
                 f"duplicate fronts: {total.duplicate}; answers on the front: "
                 f"{total.answer_on_front}; leaks: {total.leaked}; trivial blanks: {total.trivial}; "
                 f"empty backs: {total.empty}; cards that ask nothing: {total.nothing}; cloze notes: {cloze_notes}")
    return lines


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def guide_report(guide: Guide, override: Path | None = None) -> tuple[list[TypeStats], int]:
    """The report for a guide's deck: per-type stats and the number of cloze notes."""
    notes = guide_notes(guide, Path(guide.root).resolve())
    texts = [load_text(nt, override, guide.lang) for nt in note_types_for(guide.lang)]
    cited = {o.id: frozenset(drilled_programs(o)) for o in guide.objectives}
    return report(rendered_cards(notes, texts), cited), sum(n.note_type.cloze for n in notes)
