"""A plan to the exam date: new cards per day per objective, and the review load already due (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from builder.progress.collection import Snapshot
from builder.progress.facts import GuideNotes
from builder.progress.readiness import Readiness

FORECAST_LIMIT = 366  # days of forecast at most


@dataclass(frozen=True, slots=True)
class PlanRow:
    """One objective's share of the new cards."""

    objective: str
    weight: int | None
    unseen: int
    per_day: int  # new cards a day, from today to the last day
    finished: date | None  # the day its last new card is seen at that rate; None when none left


@dataclass(frozen=True, slots=True)
class Plan:
    """New cards per day so that every card is seen `margin` days before the exam, heaviest first."""

    exam: date
    margin: int
    last_day: date  # the last day a card may first be seen
    days: int  # study days from today to last_day, both counted (0: too late)
    rows: tuple[PlanRow, ...]  # heaviest objective first
    forecast: tuple[tuple[date, int], ...]  # reviews due each day from today to the day before the exam

    @property
    def per_day(self) -> int:
        return sum(row.per_day for row in self.rows)

    @property
    def late(self) -> bool:
        """No day is left before the margin: every unseen card would have to be seen today."""
        return self.days < 1


def make_plan(report: Readiness, snapshot: Snapshot, guide: GuideNotes, exam: date, margin: int) -> Plan:
    """The plan from today; the forecast counts the guide's cards only."""
    last_day = exam - timedelta(days=margin)
    days = (last_day - report.today).days + 1
    rows = []
    for row in sorted(report.rows, key=lambda r: -(r.weight or 0)):  # stable: guide order within a weight
        unseen = row.cards - row.seen
        per_day = unseen if days < 1 else -(-unseen // days)
        finished = report.today + timedelta(days=max(0, -(-unseen // per_day) - 1)) if per_day else None
        rows.append(PlanRow(row.id, row.weight, unseen, per_day, finished))
    return Plan(exam, margin, last_day, max(days, 0), tuple(rows), forecast(snapshot, guide, report.today, exam))


def forecast(snapshot: Snapshot, guide: GuideNotes, today: date, exam: date) -> tuple[tuple[date, int], ...]:
    """Reviews due on each day before the exam, from the cards' due dates (overdue ones today)."""
    span = max(0, min((exam - today).days, FORECAST_LIMIT))
    load = [0] * span
    for card in snapshot.cards:
        if card.guid in guide.notes and not card.suspended and card.due_in is not None and span:
            day = max(card.due_in, 0)
            if day < span:
                load[day] += 1
    return tuple((today + timedelta(days=i), n) for i, n in enumerate(load))
