"""Readiness by objective and the weak spots: the collection's cards joined to the guide's notes (pure)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from builder.anki.notetypes import TOOL_NAME
from builder.progress.collection import CardState, Snapshot
from builder.progress.facts import Fact, GuideNotes

RECALL_DAYS = 30  # the window of the recall rate
MATURE_IVL = 21  # days: Anki's own "mature"
FSRS5_DECAY = 0.5  # FSRS-4.5 and FSRS-5; FSRS-6 cards carry their preset's own decay
WEAK_R = 0.9  # below Anki's default desired retention a card is weak even without a lapse
METHODS = {
    "fsrs": "FSRS memory state: R = (1 + f*t/S)^-d with Anki's stability S and decay d "
            "(f = 0.9^(-1/d) - 1, so R = 0.9 at t = S), t = days since the last review",
    "interval": "intervals: R = (1 + t/(9*S))^-1 with stability S = the card's interval "
                "(so R = 0.9 at t = S), t = days since the last review",
}
EXAM_METHOD = ("Exam readiness = sum over objectives of weight * readiness / sum of weights; an "
               "objective's readiness = the mean R of its cards in the guide, unseen cards counting 0")


@dataclass(frozen=True, slots=True)
class ObjectiveRow:
    """One objective's line of the readiness table."""

    id: str
    title: str
    weight: int | None
    cards: int  # cards the guide's notes make
    seen: int  # of those, studied at least once
    due: int  # due today or overdue (suspended and buried cards not counted)
    mature: int  # interval of 21 days or more
    lapses: int
    reviews: int  # learning and review answers in the last 30 days
    recalled: int  # of those, answered Hard, Good or Easy
    retrievability: float | None  # mean R over the seen cards
    readiness: float  # mean R over all the guide's cards, unseen counting 0

    @property
    def recall(self) -> float | None:
        return self.recalled / self.reviews if self.reviews else None


@dataclass(frozen=True, slots=True)
class WeakSpot:
    """A note the learner forgets: its worst card's figures and the fact it asks."""

    guid: str
    objective: str
    identity: str
    lapses: int  # over the note's cards
    retrievability: float | None  # the lowest R among its cards
    leech: bool  # Anki tagged it leech
    fact: Fact


@dataclass(frozen=True, slots=True)
class Readiness:
    """The whole report but the plan."""

    today: date
    method: str  # "fsrs" or "interval"
    rows: tuple[ObjectiveRow, ...]  # guide order
    exam: float | None  # weighted by the objectives' weights; None when no objective has one
    retired_notes: int  # ours by their tags, no longer in the guide
    retired_cards: int
    ignored_cards: int  # other decks' cards
    weak: tuple[WeakSpot, ...]  # grouped by objective, heaviest first, worst first within


def retrievability(card: CardState, fsrs: bool) -> float | None:
    """The probability of recalling the card today; None for a card never reviewed."""
    if card.type == 0 or card.last_review is None:
        return None
    t = card.last_review
    if fsrs and card.stability:
        decay = card.decay or FSRS5_DECAY
        factor = 0.9 ** (-1 / decay) - 1
        return float((1 + factor * t / card.stability) ** -decay)
    return 1 / (1 + t / (9 * max(card.ivl, 1)))


def readiness(snapshot: Snapshot, guide: GuideNotes, top: int = 20) -> Readiness:
    """Each objective's figures, the exam figure and the `top` weak spots."""
    fsrs = snapshot.fsrs and any(c.stability for c in snapshot.cards)
    ours: dict[str, list[CardState]] = defaultdict(list)
    retired: dict[str, int] = defaultdict(int)
    ignored = 0
    prefix = "::".join(guide.exam.split()).lower() + "::"
    for card in snapshot.cards:
        if card.guid in guide.notes:
            ours[card.guid].append(card)
        elif TOOL_NAME in card.tags and any(t.lower().startswith(prefix) for t in card.tags):
            retired[card.guid] += 1
        else:
            ignored += 1
    r = {c.id: retrievability(c, fsrs) for cards in ours.values() for c in cards}
    rows = tuple(_row(o, [n for n in guide.notes.values() if n.objective == o.id], ours, r, snapshot)
                 for o in guide.objectives)
    weighted = [(row.weight, row.readiness) for row in rows if row.weight]
    exam = sum(w * x for w, x in weighted) / sum(w for w, _ in weighted) if weighted else None
    return Readiness(snapshot.today, "fsrs" if fsrs else "interval", rows, exam, len(retired),
                     sum(retired.values()), ignored, weak_spots(guide, ours, r, top))


def _row(o, notes, ours, r, snapshot: Snapshot) -> ObjectiveRow:  # type: ignore[no-untyped-def]
    cards = [c for n in notes for c in ours.get(n.guid, ())]
    count = sum(len(ours[n.guid]) if n.guid in ours else n.cards for n in notes)
    ids = {c.id for c in cards}
    answers = [v for v in snapshot.reviews if v.card in ids and v.days_ago < RECALL_DAYS
               and v.kind in (0, 1, 2) and v.ease > 0]
    seen = [c for c in cards if c.type != 0]
    rs = [x for c in seen if (x := r[c.id]) is not None]
    return ObjectiveRow(
        o.id, o.title, o.weight, count, len(seen),
        sum(1 for c in seen if not c.suspended and c.due_in is not None and c.due_in <= 0),
        sum(1 for c in seen if c.type == 2 and c.ivl >= MATURE_IVL), sum(c.lapses for c in cards),
        len(answers), sum(1 for v in answers if v.ease > 1),
        sum(rs) / len(rs) if rs else None, sum(rs) / count if count else 0.0)


def weak_spots(guide: GuideNotes, ours: dict[str, list[CardState]], r: dict[int, float | None],
               top: int) -> tuple[WeakSpot, ...]:
    """The `top` notes forgotten most: leeches first, then most lapses, then lowest R; a note is
    weak when it is a leech, has lapsed, or its R is below 0.9. Grouped by objective, heaviest first."""
    found = []
    for guid, cards in ours.items():
        rs = [x for c in cards if (x := r[c.id]) is not None]
        low = min(rs) if rs else None
        lapses = sum(c.lapses for c in cards)
        leech = any(t.lower() == "leech" for c in cards for t in c.tags)
        if leech or lapses or (low is not None and low < WEAK_R):
            note = guide.notes[guid]
            found.append(WeakSpot(guid, note.objective, note.identity, lapses, low, leech, note.fact))
    found.sort(key=lambda w: (not w.leech, -w.lapses, w.retrievability if w.retrievability is not None else 1.0,
                              w.identity))
    chosen = found[:top]
    order = {o.id: (-(o.weight or 0), i) for i, o in enumerate(guide.objectives)}
    return tuple(sorted(chosen, key=lambda w: order[w.objective]))  # stable: worst first within
