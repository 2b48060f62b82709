"""What is printed over laid-out pages: each page's head and its page references' numbers.

An objective is laid out once, without heads, footers or page numbers (`bare`). Its objective
PDF and its pages in the topic PDF differ only in those: the objective PDF says `page 2 of 3`
and names the objective, the topic PDF counts through the topic and names every objective on
the page. So each PDF has a stamp (stamp.html): one tall page laid out once, a band the size of
a page for each of its pages, holding only those; builder/sheets/assemble.py prints each band's
text over its page.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class PageRef:
    """A page reference left blank in a layout, to be printed over it (stamp_pages):
    the same layout serves the objective PDF (its own page numbers) and its topic PDF."""

    page: int  # 0-based page of the render
    target: str  # the anchor it points to
    left: float  # CSS px from the page's content box
    top: float
    height: float  # its line's height, so the number sits on the same baseline
    css: str  # its font and colour


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
    """What a topic needs of a render (one objective's, or a few small ones' laid out together):
    its pages with their running heads, bookmarks, anchors and blank page references."""

    heads: tuple[str, ...]  # each page's running head: the objectives on it
    outline: tuple[tuple[str, int], ...]  # (bookmark, 0-based page) of each objective in it
    anchors: tuple[tuple[str, int], ...]  # (anchor, 0-based page)
    refs: tuple[PageRef, ...]
    fills: tuple[float, ...] = ()  # how full each page is
    tail: tuple[float, ...] = ()  # how far down each column of the last page is filled
    column: float = 0.0  # a column's height, CSS px

    @property
    def pages(self) -> int:
        return len(self.heads)


# A last page less full than this is nearly empty: its objective is laid out again, snug or with
# leaner prose to save the page, else roomy to fill it (builder/sheets/pool.py: _laid_out).
THIN = 0.35

# A render of one page this much full or less is small: it shares pages with its small
# neighbours in the topic PDF (laid out together, `shared_layout`).
SMALL = 0.45


def small_runs(members: list[MemberLayout]) -> list[range]:
    """Runs of two or more neighbouring small objectives (one page, at most SMALL full)."""
    runs, start = [], None
    for i, m in enumerate([*members, None]):
        small = m is not None and m.pages == 1 and m.fills[:1] != () and m.fills[0] <= SMALL
        if small and start is None:
            start = i
        elif not small and start is not None:
            if i - start >= 2:
                runs.append(range(start, i))
            start = None
    return runs


def shared_layout(pages: int, anchors: tuple[tuple[str, int], ...], refs: tuple[PageRef, ...],
                  fills: tuple[float, ...], objectives: list[tuple[str, str]],
                  tail: tuple[float, ...] = (), column: float = 0.0) -> MemberLayout:
    """The layout of small objectives laid out together; `objectives` are (anchor, head) in order.

    Each page's head names every objective with a part on it (from its first anchor to its last).
    """
    spans = []
    for anchor, head in objectives:
        own = [page for name, page in anchors if name == anchor or name.startswith(anchor + "-")]
        first = dict(anchors).get(anchor, min(own, default=0))
        spans.append((head, first, max(own, default=first)))
    heads = tuple("  \u00b7  ".join(h for h, first, last in spans if first <= page <= last)
                  for page in range(pages))
    return MemberLayout(heads, tuple((h, first) for h, first, _ in spans), anchors, refs, fills, tail, column)


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


def layout_record(pages: int, anchors: tuple[tuple[str, int], ...], refs: tuple[PageRef, ...],
                  fills: tuple[float, ...] = (), tail: tuple[float, ...] = (), column: float = 0.0) -> bytes:
    """What the cache keeps of a render for its topic (`.layout.json`)."""
    return json.dumps({"pages": pages, "anchors": [list(a) for a in anchors], "fills": list(fills),
                       "tail": list(tail), "column": column,
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
        fills = tuple(float(f) for f in record["fills"])
        tail = tuple(float(f) for f in record["tail"])
        column = float(record["column"])
    except (ValueError, TypeError, KeyError):
        return None
    if pages < 1 or any(not 0 <= page < pages for _, page in anchors) or any(not 0 <= r.page < pages for r in refs):
        return None
    return MemberLayout((head,) * pages, ((title, 0),), anchors, refs, fills, tail, column)


# The index of a topic PDF starts on its last objective's last page when a column there has at
# least this much of its height free (below the last line, or a whole empty column).
INDEX_ROOM = 0.25
INDEX_GAP = 12.0  # CSS px (about 3 mm) between the objective's last line and the index


def index_reserve(last: MemberLayout | None) -> tuple[float | None, ...] | None:
    """What the index leaves alone on the page it shares with the last objective: for each
    column up to the one it starts in, None (the whole column) or the height in CSS px it
    starts below. None when the index starts on a page of its own."""
    if last is None or not last.tail or last.column <= 0:
        return None
    used = [i for i, depth in enumerate(last.tail) if depth > 0]
    if not used:
        return None
    k = used[-1]
    if 1 - last.tail[k] >= INDEX_ROOM:
        return (None,) * k + (round(last.tail[k] * last.column + INDEX_GAP, 2),)
    if k + 1 < len(last.tail):
        return (None,) * (k + 1)
    return None


def guessed_layout(old: MemberLayout, anchors: Iterable[str]) -> MemberLayout:
    """The layout an edited objective may have, to lay out its topic's contents and index while
    it is laid out again: the one it had, each of `anchors` (its anchors in sheet order) it did
    not have placed on the page of the one before it. The topic PDF uses what was laid out so
    only if every page number it printed is the one the new layout gives."""
    pages = dict(old.anchors)
    added, last = [], 0
    for anchor in anchors:
        if anchor in pages:
            last = pages[anchor]
        else:
            added.append((anchor, last))
    return replace(old, anchors=old.anchors + tuple(added)) if added else old
