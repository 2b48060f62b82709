"""A page budget per objective sheet: what would lay out past it is cut before rendering."""

from __future__ import annotations

from dataclasses import replace

from builder.diagnostics import Diagnostic, warning
from builder.model import Guide, Objective, RichText, Span

MAX_SHEET_PAGES = 40  # the default of `[writers.sheets] max_pages` (builder/sheets/plan.py: SheetOptions)
# Measured: 500 one-line command groups (1,000 lines) fill 7 A4 landscape pages, about 143
# lines a page; a lower figure errs towards cutting a little early, never laying out thousands.
LINES_PER_PAGE = 120
CHARS_PER_LINE = 80  # a long line wraps in its column


def fit_pages(guide: Guide, pages: int | None = None) -> tuple[Guide, list[Diagnostic]]:
    """The guide with each objective cut to about `pages` (default MAX_SHEET_PAGES) pages of
    sheet, and a `sheet-too-long` warning for each objective that was cut (decks keep everything)."""
    pages = MAX_SHEET_PAGES if pages is None else pages
    found: list[Diagnostic] = []
    topics = []
    for topic in guide.topics:
        objectives = []
        for o in topic.objectives:
            cut = _fit(o, pages * LINES_PER_PAGE)
            if cut is not o:
                found.append(warning(o.pos, "sheet-too-long", f"objective {o.id} would fill about "
                                     f"{_lines(o) // LINES_PER_PAGE} pages; its sheet is cut at about "
                                     f"{pages} pages (decks keep all of it): split the objective"))
            objectives.append(cut)
        topics.append(replace(topic, objectives=tuple(objectives)))
    return (replace(guide, topics=tuple(topics)) if found else guide), found


def _wrapped(text: str) -> int:
    return sum(1 + len(line) // CHARS_PER_LINE for line in text.split("\n"))


def _sizes(o: Objective) -> dict[str, list[int]]:
    """Estimated laid-out lines of each item of each part of the sheet, in sheet order."""
    return {
        "key_knowledge_areas": [_wrapped(k.plain) for k in o.key_knowledge_areas],
        "cited_objects": [1 for _ in o.cited_objects],
        "command_groups": [1 + sum(_wrapped(c.text) for c in g.lines) for g in o.command_groups],
        "samples": [2 + _wrapped(s.text) for s in o.samples],
        "tables": [2 + sum(max((_wrapped(c.plain) for c in r.cells), default=1) for r in t.rows)
                   for t in o.tables],
        "definitions": [_wrapped(d.term + " " + d.text.plain) for d in o.definitions],
        "timeline": [1 for _ in o.timeline],
    }


def _lines(o: Objective) -> int:
    head = _wrapped(o.description.plain) if o.description else 0
    return head + sum(sum(sizes) for sizes in _sizes(o).values())


def _fit(o: Objective, budget: int) -> Objective:
    """`o` itself when it fits; else a copy keeping, part by part, the items that still fit."""
    if _lines(o) <= budget:
        return o
    changes: dict[str, object] = {}
    left = budget
    if o.description:
        description = _cut_text(o.description, left * CHARS_PER_LINE)
        left -= _wrapped(description.plain)
        changes["description"] = description
    for name, sizes in _sizes(o).items():
        kept = 0
        while kept < len(sizes) and sizes[kept] <= left:
            left -= sizes[kept]
            kept += 1
        changes[name] = getattr(o, name)[:kept]
    return replace(o, **changes)  # type: ignore[arg-type]


def _cut_text(text: RichText, chars: int) -> RichText:
    spans: list[Span] = []
    for span in text.spans:
        if chars <= 0:
            break
        spans.append(span if len(span.text) <= chars else replace(span, text=span.text[:chars] + "…"))
        chars -= len(span.text)
    return RichText(tuple(spans))
