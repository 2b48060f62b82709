"""Sheet contexts to HTML through the one Jinja2 environment (autoescape on, StrictUndefined)."""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from builder import i18n
from builder.i18n import _
from builder.sheets.folders import sheet_template_dirs
from builder.sheets.context import Layout, ObjectiveSheet, SheetMeta, TopicCover
from builder.sheets.stamp import StampPage

STYLESHEET = "sheet.css"
# What a PDF's page references are laid out holding before their numbers are filled in
# (builder/sheets/pagerefs.py): two digits, as most topic pages have. HTML pages hold none.
PAGE_PLACEHOLDER = "00"
# Where a topic's index template keeps room for the last objective's lines (reserve_html()); an
# index template without it starts on a page of its own.
RESERVE_MARK = "<!-- cheatdeck: reserve -->"


def css_string(value: object) -> Markup:
    """A CSS string literal, safe inside <style> (no quote, backslash or `</style>` escapes)."""
    text = re.sub(r'[\\"<>\n\r\f]', lambda m: f"\\{ord(m.group()):x} ", str(value))
    return Markup(f'"{text}"')


def page_counter() -> Markup:
    """The footer's `page 1 of 3` as CSS content, its words in the current language."""
    words = re.split(r"(\{page\}|\{pages\})", _("page {page} of {pages}"))
    return Markup(" ".join(f"counter({w[1:-1]})" if w in ("{page}", "{pages}") else css_string(w)
                           for w in words if w))


def page_words(page: int, pages: int) -> str:
    """`page 1 of 3` as text, in the current language (page_counter's words)."""
    return _("page {page} of {pages}").format(page=page, pages=pages)


def css_ident(value: object) -> Markup:
    """Plain CSS keywords only (`A4 landscape`)."""
    text = str(value)
    if not re.fullmatch(r"[A-Za-z0-9 -]+", text):
        raise ValueError(f"not a CSS keyword list: {text!r}")
    return Markup(text)


class SheetRenderer:
    """Renders objective sheets and topic covers; one Environment for every template."""

    def __init__(self, replacement: Path | None = None) -> None:
        self.dirs = sheet_template_dirs(replacement)
        # Sandboxed: a --templates folder is data, never Python run on the build machine.
        self.env = SandboxedEnvironment(loader=ChoiceLoader([FileSystemLoader(str(d)) for d in self.dirs]),
                               autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True,
                               extensions=["jinja2.ext.i18n"])
        # Called when a page renders, so each page speaks the language i18n.override() set.
        self.env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
        self.env.policies["ext.i18n.trimmed"] = True
        self.env.globals["page_counter"] = page_counter
        self.env.globals["page_words"] = page_words
        self.env.filters["number"] = i18n.number
        self.env.filters["css_string"] = css_string
        self.env.filters["css_ident"] = css_ident

    def stylesheet(self) -> tuple[str, Path]:
        """The sheet stylesheet's text and the folder it was found in (its base for url())."""
        source, filename, _ = self.env.loader.get_source(self.env, STYLESHEET)  # type: ignore[union-attr]
        return source, Path(filename).parent

    def objective(self, sheet: ObjectiveSheet, *, standalone: bool, spanning: bool = True) -> str:
        """One objective's page; standalone pages link the stylesheet and the copied media.

        The PDF's is laid out bare: its heads, footers and page numbers are printed over it
        (stamp()), so the same layout also makes its pages of the topic PDF. Without `spanning`
        nothing spans the page: wide tables print row by row, wide figures in their column.
        """
        return self.env.get_template("objective.html").render(
            sheet=sheet, meta=sheet.meta, layout=sheet.layout, body_class=f"sheet {sheet.spacing}".strip(),
            header_right=objective_head(sheet, weight=True), footer_left=footer(sheet.meta),
            stylesheet_href=STYLESHEET if standalone else None,
            media_prefix="media/" if standalone else "", spanning=spanning,
            page_ref="" if standalone else PAGE_PLACEHOLDER, bare=not standalone)

    def topic_part(self, name: str, cover: TopicCover, **context: object) -> str:
        """A topic PDF's contents (`topic-cover.html`) or index (`topic-index.html`), laid out bare."""
        return self.env.get_template(name).render(
            cover=cover, meta=cover.meta, layout=cover.layout, body_class="topic", header_right="",
            footer_left="", stylesheet_href=None, media_prefix="", page_ref=PAGE_PLACEHOLDER,
            bare=True, reserve=Markup(RESERVE_MARK), **context)

    def stamp(self, meta: SheetMeta, layout: Layout, pages: tuple[StampPage, ...]) -> str:
        """The heads, footers and page numbers of `pages`, one band each on one tall page
        (builder/sheets/stamp.py)."""
        width, height = layout.page_mm
        return self.env.get_template("stamp.html").render(
            meta=meta, layout=layout, pages=pages, body_class="stamp-pages", header_right="",
            footer_left=footer(meta), stylesheet_href=None, bare=True, width=width, height=height)

    def article(self, sheet: ObjectiveSheet) -> str:
        """One objective's article alone, as the topic's standalone page includes it."""
        return self.env.get_template("article.html").render(sheet=sheet, media_prefix="media/", page_ref="",
                                                              spanning=True)

    def topic(self, cover: TopicCover, articles: tuple[str, ...]) -> str:
        """A topic's standalone HTML: the cover, then every objective's article (from article())."""
        return self.env.get_template("topic.html").render(
            cover=cover, articles=articles, meta=cover.meta, layout=cover.layout, body_class="topic",
            header_right=topic_words(cover.number), footer_left=footer(cover.meta),
            stylesheet_href=STYLESHEET, media_prefix="media/", page_ref="")


def reserve_html(index_html: str, reserve: tuple[float | None, ...]) -> str | None:
    """The index laid out to start below the last objective's lines (builder/sheets/stamp.py:
    index_reserve): empty blocks fill each column it leaves alone. None when the template keeps
    no room for them."""
    if RESERVE_MARK not in index_html:
        return None
    blocks = "".join('<div class="reserve" style="height: 0.01px; break-after: column"></div>' if height is None
                     else f'<div class="reserve" style="height: {height:.2f}px"></div>' for height in reserve)
    return index_html.replace(RESERVE_MARK, blocks, 1)


def objective_head(sheet: ObjectiveSheet, *, weight: bool) -> str:
    """`352.2 LXC`, with `  ·  weight 3` on the objective's own PDF."""
    head = f"{sheet.id} {sheet.title}"
    return head + ("  \u00b7  " + weight_words(sheet.weight) if weight and sheet.weight is not None else "")


def footer(meta: SheetMeta) -> str:
    """`cheatdeck 0.1.0 · guide 2025.1`: what built this page, never when."""
    made = f"cheatdeck {meta.tool_version}"
    return f"{made}  \u00b7  " + _("guide {version}").format(version=meta.guide_version) if meta.guide_version else made


def weight_words(weight: int) -> str:
    return _("weight {weight}").format(weight=i18n.number(weight))


def topic_words(number: str, title: str | None = None) -> str:
    """`Topic 352`, or `Topic 352: Container Virtualization`."""
    if title is None:
        return _("Topic {number}").format(number=number)
    return _("Topic {number}: {title}").format(number=number, title=title)
