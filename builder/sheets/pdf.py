"""HTML to PDF with WeasyPrint: a fetcher confined to two folders and WeasyPrint's log captured."""

from __future__ import annotations

import logging
import mimetypes
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import unquote, urlsplit

import builder.sheets.weasy  # noqa: F401  (first: WeasyPrint's libraries found without a compiler)
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from builder.sheets.copytext import actual_text, fold_spans
from builder.sheets.overflow import overflows
from builder.sheets.rendered import Rendered
from builder.sheets.pagerefs import anchor_pages, fill_page_refs, lift_page_refs, ref_targets, take_foreign_links
from builder.media import MediaRejected, read_bounded

NOTDEF = re.compile(r"\.notdef glyph rendered for .*\(U\+([0-9A-F]{4,6})\)")


class RefusedURL(ValueError):
    """A URL the sheet fetcher will not serve."""


class SafeFetcher(URLFetcher):
    """Serves files under the allowed folders only: no network, no escape, no redirects.

    Every refusal is remembered (url, reason) so the writer can report it with a source line.
    """

    def __init__(self, roots: tuple[Path, ...]) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.roots = tuple(Path(r).resolve() for r in roots)
        self.refused: list[tuple[str, str]] = []

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        try:
            path = self.allowed_path(url)
        except RefusedURL as exc:
            self.refused.append((url, str(exc)))
            raise
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        try:  # images, fonts and stylesheets alike: never more than an image's limit read
            data = read_bounded(path)
        except (OSError, MediaRejected) as exc:
            self.refused.append((url, str(exc)))
            raise RefusedURL(str(exc)) from exc
        return URLFetcherResponse(path.as_uri(), data, {"Content-Type": mime})

    def allowed_path(self, url: str) -> Path:
        """The file a URL names, if it is a regular file inside one of the roots."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file":
            raise RefusedURL(f"only local files are fetched, not {parts.scheme or 'relative'} URLs")
        if parts.netloc not in ("", "localhost"):
            raise RefusedURL(f"file URL names another host ({parts.netloc})")
        raw = Path(unquote(parts.path))
        if ".." in raw.parts:
            raise RefusedURL("'..' in a file URL")
        # resolve() follows symlinks, so a link pointing out of the roots is caught here.
        path = raw.resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            raise RefusedURL("outside the source and templates folders")
        if not path.is_file():
            raise RefusedURL("no such file")
        return path


@dataclass
class LogCapture(logging.Handler):
    """Collects WeasyPrint's warnings and errors during one render instead of printing them."""

    records: list[tuple[str, str]] = field(default_factory=list)  # (level name, message)

    def __post_init__(self) -> None:
        logging.Handler.__init__(self, logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.levelname, record.getMessage()))

    def __hash__(self) -> int:
        return id(self)


class PdfRenderer:
    """Long-lived: fonts and the parsed stylesheet are set up once and reused for every page."""

    def __init__(self, css_text: str, css_base: Path, roots: tuple[Path, ...],
                 variant: str | None = None) -> None:
        self.roots = tuple(roots) + (css_base,)
        self.variant = variant
        self.fonts = FontConfiguration()
        fetcher = SafeFetcher(self.roots)
        with _captured():
            self.css = CSS(string=css_text, base_url=css_base.as_uri() + "/", url_fetcher=fetcher,
                           font_config=self.fonts)

    def render(self, html: str, base: Path) -> Rendered:
        """Lay out one HTML document against `base` (the source root) and write it as PDF."""
        return self._render(html, base, _filled)

    def render_body(self, html: str, base: Path, columns: int = 1) -> Rendered:
        """An objective laid out once, its page references left blank and recorded: the same
        render is its objective PDF and its pages of the topic PDF (builder/sheets/stamp.py).
        `columns` is the page's column count, for how full each page is (`fills`)."""
        return self._render(html, base, lambda document: _lifted(document, columns))

    def render_part(self, html: str, base: Path, pages: Callable[[int], dict[str, int]]) -> Rendered:
        """A topic's contents or index: its page numbers are `pages(its own page count)`, its
        links point into the objectives' renders (added when the topic is put together)."""
        return self._render(html, base, lambda document: _pointing(document, pages(len(document.pages))))

    def _render(self, html: str, base: Path, finish: Callable[[Any], dict[str, Any]]) -> Rendered:
        fetcher = SafeFetcher(self.roots)
        # fontTools dates the fonts it subsets from SOURCE_DATE_EPOCH: the build context sets it
        # for the build (in a worker, when the worker starts), never here.
        with _captured() as capture:
            page = HTML(string=html, base_url=base.as_uri() + "/", url_fetcher=fetcher)
            document = page.render(stylesheets=[self.css], font_config=self.fonts)
            found = finish(document)  # page numbers from this one layout: none laid out again
            outside = overflows(document)
            with actual_text(fold_spans(page, document)):  # a folded line copies as one
                pdf = document.write_pdf(pdf_variant=self.variant)
        glyphs = tuple(dict.fromkeys(chr(int(m.group(1), 16)) for _, text in capture.records
                                     if (m := NOTDEF.search(text))))
        return Rendered(pdf, len(document.pages), tuple(fetcher.refused), tuple(capture.records), glyphs,
                        outside, **found)


def _filled(document: Any) -> dict[str, Any]:
    fill_page_refs(document)
    return {}


def _lifted(document: Any, columns: int) -> dict[str, Any]:
    anchors = tuple((name, page - 1) for name, page in anchor_pages(document).items())
    drawn = [column_depths(page, columns) for page in document.pages]
    depths = [tuple(min(1.0, depth) for depth in page) for page in drawn]
    return {"refs": tuple(lift_page_refs(document)), "anchors": anchors,
            "fills": tuple(round(sum(d) / columns, 3) for d in depths), "tail": depths[-1] if depths else (),
            "column": round(document.pages[0]._page_box.height, 3) if document.pages else 0.0,
            "spills": any(depth > 1.001 for page in drawn for depth in page)}


def column_depths(page: Any, columns: int) -> tuple[float, ...]:
    """How far down each column of a laid-out page something is drawn, as a share of the page's
    content height (a title across the page counts in the columns under it; over 1 where
    something hangs below the page). The page's fill is their mean, each at most 1."""
    box = page._page_box
    x0, y0, width, height = box.content_box_x(), box.content_box_y(), box.width, box.height
    lowest = [0.0] * columns
    for x, y, w, h in _drawn(box):
        first = min(columns - 1, max(0, int((x - x0) / width * columns)))
        last = min(columns - 1, max(first, int((x + w - x0 - 1) / width * columns)))
        for column in range(first, last + 1):
            lowest[column] = max(lowest[column], y + h - y0)
    return tuple(round(low / height, 4) if height else 0.0 for low in lowest)


def _drawn(box: Any) -> Any:
    """(x, y, width, height) of what a page draws: lines of text, images, and boxes with a
    background or a border."""
    from weasyprint.formatting_structure.boxes import LineBox, PageBox, ParentBox, ReplacedBox

    if isinstance(box, (LineBox, ReplacedBox)):
        yield box.position_x, box.position_y, box.margin_width(), box.margin_height()
        return
    style = box.style
    if not isinstance(box, PageBox) and (style["background_color"].alpha > 0 or style["background_image"] != (("none", None),)
                                        or any(style[f"border_{side}_width"] for side in ("top", "right", "bottom", "left"))):
        yield box.border_box_x(), box.border_box_y(), box.border_width(), box.border_height()
    if isinstance(box, ParentBox):
        for child in box.all_children():
            yield from _drawn(child)


def _pointing(document: Any, pages: dict[str, int]) -> dict[str, Any]:
    targets = ref_targets(document)
    fill_page_refs(document, pages)
    return {"links": tuple(take_foreign_links(document)), "targets": targets}


class _captured:
    """Route the weasyprint loggers into a LogCapture for the duration of a render."""

    NAMES = ("weasyprint", "weasyprint.progress")

    def __enter__(self) -> LogCapture:
        self.capture = LogCapture()
        self.saved = []
        for name in self.NAMES:
            logger = logging.getLogger(name)
            self.saved.append((logger, logger.propagate, list(logger.handlers)))
            logger.handlers = [self.capture]
            logger.propagate = False
        return self.capture

    def __exit__(self, *exc: object) -> None:
        for logger, propagate, handlers in self.saved:
            logger.handlers = handlers
            logger.propagate = propagate
