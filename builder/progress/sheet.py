"""The weak-spots sheet: the report as a template context, rendered to HTML and PDF by the sheets
machinery (the one Jinja environment, WeasyPrint) and written atomically."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from builder import __version__
from builder.output import atomic_write
from builder.progress.facts import GuideNotes, ObjectiveInfo
from builder.progress.plan import Plan
from builder.progress.readiness import EXAM_METHOD, METHODS, Readiness, WeakSpot

TEMPLATE = "weak-spots.html"
NAME = "weak-spots"


@dataclass(frozen=True, slots=True)
class WeakGroup:
    """One objective's weak spots, worst first."""

    objective: ObjectiveInfo
    spots: tuple[WeakSpot, ...]


@dataclass(frozen=True, slots=True)
class WeakSheet:
    """What weak-spots.html receives (besides base.html's names)."""

    report: Readiness
    groups: tuple[WeakGroup, ...]  # heaviest objective first
    plan: Plan | None
    method: str  # the retrievability formula, in words
    exam_method: str


def weak_sheet(report: Readiness, guide: GuideNotes, plan: Plan | None) -> WeakSheet:
    by_id = {o.id: o for o in guide.objectives}
    groups: dict[str, list[WeakSpot]] = {}
    for spot in report.weak:  # already in weight order
        groups.setdefault(spot.objective, []).append(spot)
    return WeakSheet(report, tuple(WeakGroup(by_id[oid], tuple(s)) for oid, s in groups.items()), plan,
                     METHODS[report.method], EXAM_METHOD)


def write_sheet(sheet: WeakSheet, exam: str, out: Path, pdf: bool = True) -> list[Path]:
    """weak-spots.html (with sheet.css beside it) and weak-spots.pdf in `out`."""
    from builder.sheets.context import Layout, SheetMeta
    from builder.sheets.render import STYLESHEET, SheetRenderer

    renderer = SheetRenderer()
    css, css_base = renderer.stylesheet()
    meta = SheetMeta(exam=exam, topic="Weak spots", title=f"{exam}: weak spots on {sheet.report.today.isoformat()}",
                     subject=f"{exam}: the cards forgotten most, with the guide's facts", keywords="",
                     tool_version=__version__, guide_version=None, created=None)
    layout = Layout("a4", "portrait", "color")

    def page(href: str | None) -> str:
        return renderer.env.get_template(TEMPLATE).render(
            sheet=sheet, meta=meta, layout=layout, body_class="sheet weak-spots",
            header_right=f"weak spots · {sheet.report.today.isoformat()}", footer_left=f"cheatdeck {__version__}",
            stylesheet_href=href)

    written = [atomic_write(out / STYLESHEET, css), atomic_write(out / f"{NAME}.html", page(STYLESHEET))]
    if pdf:
        from builder.sheets.pdf import PdfRenderer

        rendered = PdfRenderer(css, css_base, (css_base,)).render(page(None), css_base)
        written.append(atomic_write(out / f"{NAME}.pdf", rendered.pdf))
    return written
