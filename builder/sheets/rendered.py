"""What a render returns: a PDF and what WeasyPrint said while making it.

Its own module, free of WeasyPrint, because renders come back from the render workers: the build
process unpickles them, and should not import WeasyPrint to do so.
"""

from __future__ import annotations

from dataclasses import dataclass

from builder.sheets.stamp import PageRef


@dataclass(frozen=True, slots=True)
class Rendered:
    """A PDF and what WeasyPrint said while making it."""

    pdf: bytes
    pages: int
    refused: tuple[tuple[str, str], ...]  # (url, reason)
    log: tuple[tuple[str, str], ...]  # (level, message)
    missing_glyphs: tuple[str, ...]  # characters no font could draw
    overflow: tuple[tuple[int, str, float], ...] = ()  # (page, text, mm) printed past a column
    refs: tuple[PageRef, ...] = ()  # page references left blank, printed over the page later
    anchors: tuple[tuple[str, int], ...] = ()  # each anchor's page (0-based), for a topic's numbers
    links: tuple[tuple[int, tuple[float, float, float, float], str], ...] = ()  # to other renders
    fills: tuple[float, ...] = ()  # how full each page is (0 to 1), of a bare render
    tail: tuple[float, ...] = ()  # how far down each column of its last page is filled (0 to 1)
    column: float = 0.0  # a column's height, CSS px
    targets: tuple[str, ...] = ()  # the anchors a contents or index refers to (their numbers filled in)
    spills: bool = False  # something is drawn below a page's content box (WeasyPrint did not move it on)
