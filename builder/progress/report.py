"""The readiness table as terminal lines and as JSON data (pure)."""

from __future__ import annotations

from builder.progress.plan import Plan
from builder.progress.readiness import EXAM_METHOD, METHODS, Readiness

HEAD = ("objective", "weight", "cards", "seen", "due", "mature", "lapses", "recall 30d", "mean R", "ready")


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def table_lines(report: Readiness, plan: Plan | None = None) -> list[str]:
    """The readiness table, the exam figure with its method, and the plan when there is one."""
    rows = [HEAD] + [(r.id, str(r.weight if r.weight is not None else "?"), str(r.cards), str(r.seen),
                      str(r.due), str(r.mature), str(r.lapses), _pct(r.recall), _pct(r.retrievability),
                      _pct(r.readiness)) for r in report.rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEAD))]
    lines = [f"Readiness on {report.today.isoformat()}"]
    lines += ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths)))
              for row in rows]
    lines.append(f"exam readiness: {_pct(report.exam)}")
    lines.append(f"  retrievability from {METHODS[report.method]}")
    lines.append(f"  {EXAM_METHOD}")
    lines.append(f"retired: {report.retired_notes} note(s), {report.retired_cards} card(s) no longer in the "
                 f"guide; ignored: {report.ignored_cards} card(s) of other decks")
    if plan is not None:
        lines += plan_lines(plan)
    return lines


def plan_lines(plan: Plan) -> list[str]:
    lines = [f"Plan to the exam on {plan.exam.isoformat()}: every card seen by {plan.last_day.isoformat()} "
             f"({plan.margin} days before)"]
    if plan.late:
        lines.append("  too late for the margin: every unseen card would have to be seen today")
    lines.append(f"  {plan.per_day} new card(s) a day for {plan.days} day(s), heaviest objectives first:")
    for row in plan.rows:
        done = f", done {row.finished.isoformat()}" if row.finished else ""
        lines.append(f"  {row.objective:<8} weight {row.weight if row.weight is not None else '?':>2}  "
                     f"{row.unseen:>5} unseen  {row.per_day:>4} a day{done}")
    week = plan.forecast[:7]
    lines.append("  reviews due (from due dates): " + ", ".join(f"{d.isoformat()} {n}" for d, n in week)
                 + (f"; {sum(n for _, n in plan.forecast)} before the exam" if plan.forecast else ""))
    return lines


def report_data(report: Readiness, plan: Plan | None = None) -> dict[str, object]:
    """The same as JSON data."""
    data: dict[str, object] = {
        "today": report.today.isoformat(),
        "method": {"retrievability": report.method, "formula": METHODS[report.method], "exam": EXAM_METHOD},
        "exam_readiness": report.exam,
        "objectives": [{"id": r.id, "title": r.title, "weight": r.weight, "cards": r.cards, "seen": r.seen,
                        "due": r.due, "mature": r.mature, "lapses": r.lapses, "reviews_30d": r.reviews,
                        "recall_30d": r.recall, "mean_retrievability": r.retrievability,
                        "readiness": r.readiness} for r in report.rows],
        "retired": {"notes": report.retired_notes, "cards": report.retired_cards},
        "ignored_cards": report.ignored_cards,
        "weak_spots": [{"guid": w.guid, "objective": w.objective, "identity": w.identity, "lapses": w.lapses,
                        "retrievability": w.retrievability, "leech": w.leech, "source": w.fact.pos}
                       for w in report.weak],
    }
    if plan is not None:
        data["plan"] = {"exam": plan.exam.isoformat(), "margin": plan.margin, "last_day": plan.last_day.isoformat(),
                        "days": plan.days, "late": plan.late, "new_per_day": plan.per_day,
                        "objectives": [{"id": r.objective, "weight": r.weight, "unseen": r.unseen,
                                        "per_day": r.per_day,
                                        "finished": r.finished.isoformat() if r.finished else None}
                                       for r in plan.rows],
                        "forecast": [{"day": d.isoformat(), "reviews": n} for d, n in plan.forecast]}
    return data
