"""Page references filled in after one layout: the page numbers of links, without repagination.

A sheet prints the page each contents entry, index entry and cited object links to. With CSS
`target-counter()` WeasyPrint lays out every page holding a forward reference again (three
times: it re-reads a page-based counter only after laying the page out), so a topic document
took 142 page layouts for 78 pages. Instead each reference is laid out holding a placeholder
(`<a class="pg" href="#anchor">00</a>`, digits of the same advance width as the number); once the
pages are laid out, where every anchor landed is known, and each placeholder's text box gets the
number, shaped by Pango with the box's own style. A number with fewer or more digits than its
placeholder moves what follows it on its line by the difference (what precedes it, on a line
aligned right), so nothing is laid out twice.
"""

from __future__ import annotations

import re
from typing import Any

import builder.sheets.weasy  # noqa: F401  (first: WeasyPrint's libraries found without a compiler)
from weasyprint.document import Page
from weasyprint.formatting_structure.boxes import LineBox, ParentBox, TextBox
from weasyprint.text.line_break import split_first_line

from builder.sheets.stamp import PageRef

REF_CLASS = "pg"


class _NoHyphenation:
    """The layout context split_first_line asks for: only its hyphenation dictionaries."""

    dictionaries: dict[Any, Any] = {}


def anchor_pages(document: Any) -> dict[str, int]:
    """Each anchor's page number (1-based), the first place it is defined."""
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for name in page.anchors:
            pages.setdefault(name, number)
    return pages


def fill_page_refs(document: Any, pages: dict[str, int] | None = None) -> int:
    """Put the page number of each `a.pg` link's target into its text; returns how many changed.

    `pages` gives the numbers when the targets are in other documents (a topic's contents and
    index point into its objectives' renders); by default, where the anchors landed here. A link
    whose target is on no page keeps its placeholder (WeasyPrint warns about the missing anchor
    itself).
    """
    pages = anchor_pages(document) if pages is None else pages
    changed = 0
    for index, page in enumerate(document.pages):
        touched = False
        for line in _lines(page._page_box):
            if _fill_line(line, pages):
                touched = changed = changed + 1
        if touched:  # link rectangles and anchors are gathered from the boxes' positions
            document.pages[index] = Page(page._page_box)
    return changed


def ref_targets(document: Any) -> tuple[str, ...]:
    """The anchor each `a.pg` placeholder of a laid-out document refers to, in page order."""
    return tuple(target for page in document.pages for line in _lines(page._page_box)
                 for box, _ in _leaves(line, ()) if (target := _ref_target(box)) is not None)


def _lines(box: Any) -> Any:
    """Every line box under `box`."""
    if isinstance(box, LineBox):
        yield box
    if isinstance(box, ParentBox):  # a line's floats and inline blocks hold lines of their own
        for child in box.all_children():
            yield from _lines(child)


def _fill_line(line: Any, pages: dict[str, int]) -> bool:
    """Fill the references of one line, moving the rest of the line by each width change."""
    leaves = list(_leaves(line, ()))
    done = False
    for i, (box, ancestors) in enumerate(leaves):
        target = _ref_target(box)
        if target is None or target not in pages or box.text == str(pages[target]):
            continue
        delta = _reshape(box, str(pages[target]))
        done = True
        if line.style["text_align_all"] in ("right", "end"):
            box.translate(-delta)
            for other, _ in leaves[:i]:
                other.translate(-delta)
        else:
            for other, _ in leaves[i + 1:]:
                other.translate(delta)
        for parent in ancestors:  # the inline boxes that hold it grow or shrink with it
            parent.width += delta
    return done


def _leaves(box: Any, ancestors: tuple[Any, ...]) -> Any:
    """The boxes of a line without children, in order, each with its inline ancestors."""
    for child in box.children:
        if isinstance(child, ParentBox) and not isinstance(child, LineBox) and child.children \
                and child.is_in_normal_flow() and child.style["display"] == ("inline", "flow"):
            yield from _leaves(child, ancestors + (child,))
        else:
            yield child, ancestors


def _ref_target(box: Any) -> str | None:
    """The anchor a placeholder's text box refers to, if `box` is one."""
    # the text of `<a class="pg">` itself, not of its ::before (", " between two numbers)
    if not isinstance(box, TextBox) or box.element is None or box.element_tag != "a":
        return None
    if REF_CLASS not in (box.element.get("class") or "").split():
        return None
    href = box.element.get("href") or ""
    return href[1:] if href.startswith("#") else None


def _reshape(box: Any, text: str) -> float:
    """Give a text box new text, shaped in its style; returns the change of its width."""
    layout, _, _, width, _, _ = split_first_line(text, box.style, _NoHyphenation, None,
                                                 box.justification_spacing)
    delta = width - box.width
    box.text, box.pango_layout, box.width = text, layout, width
    return delta


def lift_page_refs(document: Any) -> list[PageRef]:
    """Take every `a.pg` placeholder's text out of the layout and say where it was.

    The link around it keeps its size, so it stays clickable where the number will be printed.
    """
    refs = []
    for index, page in enumerate(document.pages):
        box = page._page_box
        x0, y0 = box.content_box_x(), box.content_box_y()
        for line in _lines(box):
            for leaf, ancestors in list(_leaves(line, ())):
                target = _ref_target(leaf)
                if target is None:
                    continue
                refs.append(PageRef(index, target, leaf.position_x - x0, leaf.position_y - y0,
                                    leaf.height, _css(leaf.style)))
                parent = ancestors[-1] if ancestors else line
                kept = [c for c in parent.children if c is not leaf]
                parent.children = tuple(kept) if isinstance(parent.children, tuple) else kept
    return refs


def _css(style: Any) -> str:
    # names from the stylesheet, quoted; nothing that could end the quote or the <style> element
    families = ", ".join('"' + re.sub(r'["<>\\\n]', "", name) + '"' for name in style["font_family"])
    return (f"font-family: {families}; font-size: {style['font_size']:.3f}px; "
            f"font-weight: {style['font_weight']}; font-style: {style['font_style']}; "
            f"color: {style['color']}")


def take_foreign_links(document: Any) -> list[tuple[int, tuple[float, float, float, float], str]]:
    """(page, rectangle in PDF points from the bottom left, anchor) of each link to an anchor
    this document does not hold, taken out of it: a topic's contents and index point into other
    renders, and the topic PDF gets these links when it is put together."""
    here = anchor_pages(document)
    found = []
    for index, page in enumerate(document.pages):
        height, kept = page.height, []
        for link in page.links:
            kind, target, (x0, y0, x1, y1), _ = link
            if kind == "internal" and target not in here:
                found.append((index, (x0 * 0.75, (height - y1) * 0.75, x1 * 0.75, (height - y0) * 0.75),
                              target))
            else:
                kept.append(link)
        page.links = kept
    return found
