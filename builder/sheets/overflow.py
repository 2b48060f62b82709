"""What prints outside its column: text and images past the column box they are laid out in.

WeasyPrint lets content wider than its box overflow it, so a table too wide for its column
prints over the next column, or past the page edge. After layout every text box and image knows
where it is; each must lie inside the box of its column (the page's content box for what spans
the page: the title block, a table laid out across the page).
"""

from __future__ import annotations

from typing import Any

import builder.sheets.weasy  # noqa: F401  (first: WeasyPrint's libraries found without a compiler)
from weasyprint.formatting_structure.boxes import MarginBox, ParentBox, ReplacedBox, TextBox

# A CSS px is 0.75 pt; less than this past the edge is rounding, not a glyph over the rule.
TOLERANCE = 0.5
MM_PER_PX = 25.4 / 96


def overflows(document: Any) -> tuple[tuple[int, str, float], ...]:
    """(page number, text, mm past the edge) of everything laid out outside its column box."""
    found: list[tuple[int, str, float]] = []
    for number, page in enumerate(document.pages, start=1):
        box = page._page_box
        bounds = (box.content_box_x(), box.content_box_x() + box.width)
        for child in box.children:
            if not isinstance(child, MarginBox):
                found += ((number, text, past) for text, past in _walk(child, bounds))
    return tuple(found)


def _walk(box: Any, bounds: tuple[float, float]) -> Any:
    if getattr(box, "is_column", False):
        bounds = (box.position_x, box.position_x + box.width)
    if isinstance(box, TextBox) and box.text.strip():
        yield from _outside(box.text.strip(), box.position_x, box.position_x + box.width, bounds)
    elif isinstance(box, ReplacedBox):
        yield from _outside("<image>", box.border_box_x(), box.border_box_x() + box.border_width(), bounds)
    if isinstance(box, ParentBox):
        for child in box.all_children():
            yield from _walk(child, bounds)


def _outside(text: str, left: float, right: float, bounds: tuple[float, float]) -> Any:
    past = max(bounds[0] - left, right - bounds[1])
    if past > TOLERANCE:
        yield text[:60], round(past * MM_PER_PX, 1)
