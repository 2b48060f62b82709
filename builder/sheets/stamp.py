"""What is printed over laid-out pages: each page's head and its page references' numbers.

An objective is laid out once, without heads, footers or page numbers (`bare`). Its objective
PDF and its pages in the topic PDF differ only in those: the objective PDF says `page 2 of 3`
and names the objective, the topic PDF counts through the topic and names every objective on
the page. So each is a small document of empty pages holding only them (stamp.html), laid out
in a few milliseconds a page, and printed over the render (builder/sheets/assemble.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from builder.sheets.pagerefs import PageRef


@dataclass(frozen=True, slots=True)
class StampRef:
    """A page number printed where its placeholder was laid out."""

    left: float  # CSS px from the page's content box
    top: float
    height: float
    css: str
    text: str


@dataclass(frozen=True, slots=True)
class StampPage:
    head: str  # the running head's right part
    refs: tuple[StampRef, ...]


def stamp_pages(heads: list[str], refs: list[tuple[int, PageRef]],
                numbers: dict[str, int]) -> tuple[StampPage, ...]:
    """One stamp page per page: `heads[i]` and, for each (page, ref), its target's number.

    A reference whose target is on no page prints nothing (the placeholder's link stays).
    """
    on: list[list[StampRef]] = [[] for _ in heads]
    for page, ref in refs:
        if ref.target in numbers:
            on[page].append(StampRef(ref.left, ref.top, ref.height, ref.css, str(numbers[ref.target])))
    return tuple(StampPage(head, tuple(found)) for head, found in zip(heads, on))


@dataclass(frozen=True, slots=True)
class MemberLayout:
    """What a topic needs of an objective's render: its pages, anchors and blank references."""

    head: str  # the objective as the topic's running head names it
    title: str  # its bookmark
    pages: int
    anchors: tuple[tuple[str, int], ...]  # (anchor, 0-based page)
    refs: tuple[PageRef, ...]


def topic_numbers(cover_pages: int, members: list[MemberLayout]) -> tuple[dict[str, int], list[int]]:
    """Each anchor's page in the topic PDF (1-based) and each member's first page (0-based)."""
    numbers: dict[str, int] = {}
    starts = []
    start = cover_pages
    for m in members:
        starts.append(start)
        for name, page in m.anchors:
            numbers.setdefault(name, start + page + 1)
        start += m.pages
    return numbers, starts


def layout_record(pages: int, anchors: tuple[tuple[str, int], ...], refs: tuple[PageRef, ...]) -> bytes:
    """What the cache keeps of a render for its topic (`.layout.json`)."""
    return json.dumps({"pages": pages, "anchors": [list(a) for a in anchors],
                       "refs": [[r.page, r.target, r.left, r.top, r.height, r.css] for r in refs]},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def member_layout(data: bytes, head: str, title: str) -> MemberLayout | None:
    """A cached `.layout.json` read back, or None when it is not one (render again)."""
    try:
        record = json.loads(data)
        anchors = tuple((str(name), int(page)) for name, page in record["anchors"])
        refs = tuple(PageRef(int(page), str(target), float(left), float(top), float(height), str(css))
                     for page, target, left, top, height, css in record["refs"])
        pages = int(record["pages"])
    except (ValueError, TypeError, KeyError):
        return None
    if pages < 1 or any(not 0 <= page < pages for _, page in anchors) or any(not 0 <= r.page < pages for r in refs):
        return None
    return MemberLayout(head, title, pages, anchors, refs)
