"""Render jobs run in long-lived worker processes, each paying WeasyPrint's start-up once."""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from builder.model import Guide
from builder.sheets.context import Layout, SheetMeta
from builder.sheets.stamp import MemberLayout
from builder.context import set_worker_epoch
from builder.diagnostics import BuildError
from builder.workers import cores, die_with, start_forkserver

if TYPE_CHECKING:
    from builder.sheets.rendered import Rendered
    from builder.sourcelinks import SourceLinks


@dataclass(frozen=True, slots=True)
class RenderSetup:
    """What every worker needs once: templates, the folders it may read, the PDF variant."""

    templates: Path | None  # the --templates folder
    roots: tuple[Path, ...]
    variant: str | None
    epoch: int | None  # the build's epoch (fontTools dates subset fonts with it)
    budget: float = field(default_factory=lambda: RENDER_BUDGET)  # CPU seconds a job may take in a worker


@dataclass(frozen=True, slots=True)
class PageJob:
    """Make one objective's sheet: its context, both HTML pages, its PDF."""

    key: str
    guide: Guide  # the guide with only this objective's topic and the objective in it
    layout: Layout
    created: str | None
    base: Path  # the source root: relative image URLs resolve against it
    links: SourceLinks | None = None  # each block's link to its guide line
    relayout: bool = True  # false for an objective cut to the page budget: the cut sets its length


@dataclass(frozen=True, slots=True)
class LaidOut:
    """An objective laid out: its topic can be put together now (FinishJob makes the rest)."""

    sheet: Any  # its ObjectiveSheet, as laid out
    body: Rendered  # the layout alone, as its topic PDF prints it under the topic's heads and numbers


@dataclass(frozen=True, slots=True)
class FinishJob:
    """Make an objective's PDF (its layout with its heads and page numbers printed over it) and
    its HTML pages, while its topic is put together in another worker."""

    key: str
    laid: LaidOut
    base: Path
    lang: str


@dataclass(frozen=True, slots=True)
class PageResult:
    rendered: Rendered  # the objective PDF: its layout with its heads and page numbers printed over it
    standalone: str  # the objective's HTML page for a browser
    article: str  # the objective's article, for the topic's HTML page
    body: bytes  # the layout alone, as its topic PDF prints it under the topic's heads and numbers


@dataclass(frozen=True, slots=True)
class SharedPart:
    """Small neighbouring objectives of a topic laid out together (their pages shared)."""

    key: str  # over the objectives' keys: laid out again only when one of them changes
    html: str
    objectives: tuple[tuple[str, str], ...]  # (anchor, running head) of each, in order
    stored: tuple[Path, MemberLayout] | None  # its render and layout, when the cache holds them


@dataclass(frozen=True, slots=True)
class TopicResult:
    rendered: Rendered  # the topic PDF
    shared: tuple[tuple[str, Rendered, bytes], ...]  # (key, render, layout record) of new shared parts


@dataclass(frozen=True, slots=True)
class TopicJob:
    """Put a topic PDF together: lay out its contents and index, print heads and page numbers
    over every page, join them with its objectives' renders (each laid out once, already)."""

    key: str
    cover_html: str
    index_html: str | None
    members: tuple[tuple[Path | bytes, MemberLayout] | SharedPart, ...]  # each objective's bare render
    # (its cached file, or itself when just laid out) and its layout, or small objectives laid out together
    meta: SheetMeta
    layout: Layout
    heads: tuple[str, str, str]  # the running head of the contents and index pages; the index's bookmark
    base: Path
    metadata: tuple[tuple[str, str], ...]  # PDF Info entries: Title, Subject, Keywords, ...
    lang: str
    parts: PartsResult | None = None  # its contents and index laid out already, if still right


@dataclass(frozen=True, slots=True)
class PartsJob:
    """Lay out a topic's contents and index while an objective of it is laid out again, their
    page numbers from the layouts its objectives had (`members`, the edited ones' guessed:
    builder/sheets/stamp.py: guessed_layout). The topic PDF uses them only if every number
    they print is right by the new layouts (`_still_right`)."""

    key: str  # the topic's
    cover_html: str
    index_html: str | None
    members: tuple[MemberLayout, ...]
    base: Path
    lang: str
    meta: SheetMeta  # the topic's, and the rest of what its heads and page numbers need
    layout: Layout
    heads: tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class PartsResult:
    cover_html: str
    index_html: str | None
    cover: Rendered
    index: Rendered | None
    shares: bool  # the index starts on the last objective page
    reserve: tuple[float | None, ...] | None
    printed: tuple[tuple[str, int | None], ...]  # each page reference's target and its number
    stamp_html: str | None = None  # the topic's heads and page numbers, by the same layouts
    stamp: Rendered | None = None


Job = PageJob | TopicJob | PartsJob | FinishJob  # what a worker does


# CPU seconds one render job may use in a worker (a topic of LPIC-3, the largest document the
# sheets make of source/, needs about 14); a guide that asks for more (a drawing that expands
# beyond what the SVG check counts, a pathological table) ends the build with one line.
RENDER_BUDGET = 120.0


class RenderBudgetError(BuildError):
    """A render job went over its time budget."""


class SheetLayoutError(BuildError):
    """WeasyPrint failed to lay out a sheet, also with nothing spanning the page."""


class _OverBudget(BaseException):
    """Raised inside a worker when its job's time is up: a BaseException, like KeyboardInterrupt,
    so no `except Exception` in the renderer swallows it (and raised again each second of CPU
    until the job ends, should anything swallow it all the same)."""


_budget: float | None = None  # this worker's budget per job (None: the build's own process)
_renderer: Any = None  # the PdfRenderer of this process, made once by _start
_pages: Any = None  # the SheetRenderer (Jinja) of this process


# What the forkserver imports once for every worker it forks: WeasyPrint, Jinja and pypdf (which
# puts pages together), else each worker imports them again (about 0.8 s of CPU a worker).
PRELOAD = ["builder.sheets.pdf", "builder.sheets.pool", "builder.sheets.render", "builder.sheets.assemble"]


def _start(setup: RenderSetup, parent: int | None = None) -> None:
    """Make this process's renderers; in a worker, first tie its life to the build's."""
    global _renderer, _pages, _budget
    if parent is not None:  # a worker: a process of its own, started by a server long-lived
        die_with(parent)
        set_worker_epoch(setup.epoch)
        _budget = setup.budget
    from builder.sheets.pdf import PdfRenderer
    from builder.sheets.render import SheetRenderer

    _pages = SheetRenderer(setup.templates)
    css_text, css_base = _pages.stylesheet()
    _renderer = PdfRenderer(css_text, css_base, setup.roots, setup.variant)


def run_job(job: Job) -> Any:
    """Do a job in this process (a worker, or the main one with -j 1); in a worker, within its
    budget of CPU time (SIGPROF: a loaded machine slows a job, never fails it; a worker runs its
    jobs in its main thread, where the signal interrupts them)."""
    if _budget is None:
        return _run_job(job)

    def over(_number: int, _frame: object) -> None:
        raise _OverBudget()

    previous = signal.signal(signal.SIGPROF, over)
    signal.setitimer(signal.ITIMER_PROF, _budget, 1.0)
    try:
        return _run_job(job)
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def _run_job(job: Job) -> Any:
    from builder.i18n import override

    with override(job.guide.lang if isinstance(job, PageJob) else job.lang):
        if isinstance(job, PartsJob):
            return _parts_ahead(job)
        if isinstance(job, FinishJob):
            return _finish(job)
        return _page(job) if isinstance(job, PageJob) else _topic(job)


def _page(job: PageJob) -> LaidOut:
    """The context is made here too, so the main process never keeps the workers waiting."""
    sheet, body = _laid_out(job)
    return LaidOut(sheet, body)


def _finish(job: FinishJob) -> PageResult:
    from builder.sheets.assemble import stamped
    from builder.sheets.render import objective_head
    from builder.sheets.stamp import stamp_pages

    sheet, body = job.laid.sheet, job.laid.body
    numbers: dict[str, int] = {}
    for name, page in body.anchors:
        numbers.setdefault(name, page + 1)
    pages = stamp_pages([objective_head(sheet, weight=True)] * body.pages, [(r.page, r) for r in body.refs],
                        numbers)
    stamp = _renderer.render(_pages.stamp(sheet.meta, sheet.layout, pages), job.base)
    rendered = replace(body, pdf=stamped(body.pdf, stamp.pdf))
    return PageResult(rendered, _pages.objective(sheet, standalone=True), _pages.article(sheet), body.pdf)


def _laid_out(job: PageJob) -> tuple[Any, Any]:
    """An objective's sheet and its layout. One whose last page is nearly empty (stamp.THIN) is
    laid out again to save that page, judged from the length the layout filled: snug with all
    its prose, when 93 % of that length fits a page less; each leaner prose level that prints
    less, when the estimate's saving for it does; snug with the leanest. At most TRIES of these,
    and none for a sheet of more than RELAYOUT_PAGES pages or one cut to the page budget (the
    cut sets its length). When none saves the page, roomy (first with its closing figures across
    the page, if it has some: that may save the page too), if that still ends on it. A layout
    WeasyPrint fails is done again with nothing spanning the page; if that fails too,
    SheetLayoutError names the objective."""
    from builder.sheets.context import leaner_levels, objective_sheet, snug_may_save
    from builder.sheets.prose import LEANEST
    from builder.sheets.stamp import THIN

    topic = job.guide.topics[0]
    objective = topic.objectives[0]

    def sheet_at(level: Any = None, spacing: str = "") -> Any:
        made = objective_sheet(job.guide, topic, objective, job.layout, job.created, job.links, level)
        return replace(made, spacing=spacing)

    def lay_out(sheet: Any) -> Any:
        html = _pages.objective(sheet, standalone=False)  # a template's own error is not caught here
        try:
            return _renderer.render_body(html, job.base, job.layout.columns)
        except Exception as first:  # WeasyPrint failed on what spans the page: lay it out in columns
            flat = _pages.objective(sheet, standalone=False, spanning=False)
            try:
                return _renderer.render_body(flat, job.base, job.layout.columns)
            except Exception:
                raise SheetLayoutError(
                    f"{objective.pos}: WeasyPrint could not lay out the sheet of objective "
                    f"{objective.id} ({type(first).__name__}); build without -f sheets, or split its "
                    "long tables and images, and report it with this guide") from None

    sheet = sheet_at()
    body = lay_out(sheet)
    if not job.relayout or body.pages == 1 or body.pages > RELAYOUT_PAGES or body.fills[-1] >= THIN:
        return sheet, body
    printed = body.pages - 1 + body.fills[-1]
    snug = snug_may_save(printed)
    tries = [(sheet.level, "snug")] if snug else []  # all of its prose, lines a little closer
    tries += [(level, "") for level in leaner_levels(sheet, objective, printed)]
    tries += [(LEANEST, "snug")] if snug and sheet.level != LEANEST else []
    for level, spacing in tries[:TRIES]:
        other = sheet_at(level, spacing)
        laid = lay_out(other)
        if laid.pages < body.pages:
            return other, laid
    # Nothing saves the page: use it. Figures of the closing section across the page, two to a
    # row and taller (`.across` in sheet.css), when there are some; lines a little wider apart.
    spacings = (["roomy across"] if any(not f.wide and not f.dark for f in sheet.loose_figures) else []) + ["roomy"]
    for spacing in spacings:
        other = replace(sheet, spacing=spacing)
        try:
            laid = lay_out(other)
        except SheetLayoutError:
            continue
        # Two figures to a row can take less room than a column of them; a section across the
        # page that WeasyPrint left hanging below the last page is no layout to keep.
        if laid.pages <= body.pages and not laid.spills:
            return other, laid
    return sheet, body


TRIES = 3  # layouts that may save a nearly empty last page (then one or two roomy)
RELAYOUT_PAGES = 7  # a longer sheet is not laid out again: one page saved of more is not worth the layouts


def _topic(job: TopicJob) -> TopicResult:
    """The contents (its numbers known once its own page count is), the objectives, the index."""
    from builder.sheets.assemble import assemble_topic
    from builder.sheets.stamp import layout_record, shared_layout

    bodies: list[bytes] = []
    members: list[MemberLayout] = []
    shared = []
    for part in job.members:
        if isinstance(part, SharedPart) and part.stored is None:
            laid = _renderer.render_body(part.html, job.base, job.layout.columns)
            found = shared_layout(laid.pages, laid.anchors, laid.refs, laid.fills, list(part.objectives),
                                  laid.tail, laid.column)
            record = layout_record(laid.pages, laid.anchors, laid.refs, laid.fills, laid.tail, laid.column)
            shared.append((part.key, laid, record))
            bodies.append(laid.pdf)
        else:
            path, found = part.stored if isinstance(part, SharedPart) else part  # type: ignore[misc]
            bodies.append(path if isinstance(path, bytes) else path.read_bytes())
        members.append(found)
    ahead = job.parts is not None and _still_right(job.parts, members)
    parts = job.parts if ahead else _parts(job.cover_html, job.index_html, members, job.base)  # type: ignore[assignment]
    cover, index, shares = parts.cover, parts.index, parts.shares
    starts, first, pages, stamp_html = _topic_stamp(job.meta, job.layout, job.heads, cover, index, shares, members)
    stamp = parts.stamp if ahead and parts.stamp is not None and parts.stamp_html == stamp_html \
        else _renderer.render(stamp_html, job.base)  # type: ignore[union-attr]
    outline = [(job.meta.title, 0)] + [(title, start + page) for m, start in zip(members, starts)
                                        for title, page in m.outline]
    links = list(cover.links)
    parts = [cover.pdf, *bodies]
    if index is not None:
        outline.append((job.heads[2], first))
        links += [(first + page, rect, anchor) for page, rect, anchor in index.links]
    pdf = assemble_topic(parts, outline, stamp.pdf, links, metadata=dict(job.metadata), lang=job.lang,
                         index=index.pdf if index else None, shares=shares)
    laid = [cover] + ([index] if index else [])
    rendered = replace(cover, pdf=pdf, pages=pages, links=(),
                       refused=tuple(r for part in laid for r in part.refused),
                       log=tuple(r for part in laid for r in part.log),
                       missing_glyphs=tuple(dict.fromkeys(g for part in laid for g in part.missing_glyphs)),
                       overflow=cover.overflow + tuple((page + first, text, mm) for page, text, mm in
                                                       (index.overflow if index else ())))
    return TopicResult(rendered, tuple(shared))


# While `kept_pools()` is open (a watching build), a pool outlives its build: the next build with
# the same setup uses its workers, WeasyPrint and stylesheet already loaded.
_kept: dict[RenderSetup, RenderPool] | None = None


def start_server(jobs: int) -> None:
    """Start the render workers' server before the guide is read, when workers may render
    (`jobs` is not 1): it imports WeasyPrint, Jinja and pypdf while the build reads and checks
    the guide. A build whose sheets are all up to date leaves it unused; it ends with the build."""
    if jobs != 1 and (jobs or cores()) > 1:
        start_forkserver(PRELOAD)


@contextmanager
def kept_pools() -> Iterator[None]:
    """Keep render pools from one build to the next until the block ends (`build --watch`)."""
    global _kept
    _kept = {}
    try:
        yield
    finally:
        pools, _kept = list(_kept.values()), None
        for pool in pools:
            pool.shutdown()


def open_pool(setup: RenderSetup, jobs: int) -> RenderPool:
    """A pool for one build: a kept one with this setup whose workers are all alive, else new."""
    if _kept is None:
        return RenderPool(setup, jobs)
    pool = _kept.pop(setup, None)
    if pool is not None and not pool.broken:
        _kept[setup] = pool
        return pool
    if pool is not None:
        pool.shutdown()
    for other in _kept.values():  # the setup changed (templates, variant): its workers are done
        other.shutdown()
    _kept.clear()
    pool = _kept[setup] = RenderPool(setup, jobs)
    pool.kept = True
    return pool


def _topic_stamp(meta: SheetMeta, layout: Layout, topic_heads: tuple[str, str, str], cover: Rendered,
                 index: Rendered | None, shares: bool,
                 members: list[MemberLayout]) -> tuple[list[int], int, int, str]:
    """Where each objective starts in a topic PDF, where its index starts, its pages, and the
    HTML of its heads and page numbers (builder/sheets/stamp.py)."""
    from builder.sheets.stamp import stamp_pages, topic_numbers

    numbers, starts = topic_numbers(cover.pages, members)
    after = starts[-1] + members[-1].pages if members else cover.pages
    first = after - 1 if shares else after  # the index's first page in the topic PDF
    heads = [topic_heads[0]] * cover.pages + [head for m in members for head in m.heads] \
        + [topic_heads[1]] * (index.pages - (after - first) if index else 0)
    if shares:
        heads[first] = f"{heads[first]}  \u00b7  {topic_heads[1]}"
    refs = [(start + r.page, r) for m, start in zip(members, starts) for r in m.refs]
    return starts, first, len(heads), _pages.stamp(meta, layout, stamp_pages(heads, refs, numbers))


def _parts_ahead(job: PartsJob) -> PartsResult:
    """A topic's contents and index laid out while an objective of it is (PartsJob), and its
    heads and page numbers too: the topic PDF uses the ones whose HTML is what the new layouts
    give, so an edit that moves no page number lays out none of them after its objective."""
    parts = _parts(job.cover_html, job.index_html, list(job.members), job.base)
    *_, html = _topic_stamp(job.meta, job.layout, job.heads, parts.cover, parts.index, parts.shares,
                              list(job.members))
    return replace(parts, stamp_html=html, stamp=_renderer.render(html, job.base))


def _parts(cover_html: str, index_html: str | None, members: list[MemberLayout], base: Path) -> PartsResult:
    """A topic's contents, its page numbers known once its own page count is, and its index:
    in the last objective's free columns when it has some (and the template keeps room for its
    lines), else on a page of its own."""
    from builder.sheets.render import reserve_html
    from builder.sheets.stamp import index_reserve, topic_numbers

    cover = _renderer.render_part(cover_html, base, lambda count: topic_numbers(count, members)[0])
    numbers, _ = topic_numbers(cover.pages, members)
    reserve = index_reserve(members[-1]) if index_html and members else None
    shared_html = reserve_html(index_html, reserve) if reserve and index_html else None
    laid_html = shared_html or index_html
    index = _renderer.render_part(laid_html, base, lambda _: numbers) if laid_html else None
    targets = cover.targets + (index.targets if index else ())
    return PartsResult(cover_html, index_html, cover, index, shared_html is not None, reserve,
                       tuple((t, numbers.get(t)) for t in dict.fromkeys(targets)))


def _still_right(parts: PartsResult, members: list[MemberLayout]) -> bool:
    """Whether contents and index laid out from guessed layouts print what the real ones give:
    the same page numbers, and the index sharing the same room of the last page."""
    from builder.sheets.stamp import index_reserve, topic_numbers

    numbers, _ = topic_numbers(parts.cover.pages, members)
    reserve = index_reserve(members[-1]) if parts.index_html and members else None
    return parts.reserve == reserve and all(numbers.get(t) == n for t, n in parts.printed)


class RenderPool:
    """`jobs` workers (forked from a server that imported WeasyPrint once), or in-process for one."""

    kept = False  # kept for the next build (kept_pools): close() leaves its workers running

    def __init__(self, setup: RenderSetup, jobs: int) -> None:
        self.executor: ProcessPoolExecutor | None = None
        self.pending: dict[Future[Any], Job] = {}
        self.waiting: list[Job] = []
        self.budget = setup.budget
        if jobs > 1:
            start_forkserver(PRELOAD)  # running already when the build started it (start_server)
            self.executor = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("forkserver"),
                                                initializer=_start, initargs=(setup, os.getpid()))
        else:
            _start(setup)

    def submit(self, job: Job) -> None:
        """Start a job now (in-process: later, when results are asked for)."""
        if self.executor is None:
            self.waiting.append(job)
        else:
            self.pending[self.executor.submit(run_job, job)] = job

    def results(self) -> Iterator[tuple[Job, Any]]:
        """Each submitted job with its result, in the order they finish."""
        while self.waiting:
            job = self.waiting.pop(0)
            yield job, run_job(job)
        while self.pending:
            done, _ = wait(self.pending, return_when=FIRST_COMPLETED)
            for future in done:
                job = self.pending.pop(future)
                try:
                    result = future.result()
                except _OverBudget:
                    raise RenderBudgetError(
                        f"the sheet of {_name(job)} took over {self.budget:g} s of CPU to render "
                        "and was stopped (simplify its images or tables, or build without -f "
                        "sheets)") from None
                yield job, result

    @property
    def broken(self) -> bool:
        return self.executor is not None and bool(getattr(self.executor, "_broken", False))

    def close(self) -> None:
        """The build is done with the pool: its workers end, unless it is kept for the next build
        (then only what this build left unfinished is dropped)."""
        if not self.kept:
            self.shutdown()
            return
        for future in self.pending:
            future.cancel()
        self.pending.clear()
        self.waiting.clear()

    def shutdown(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)


def _name(job: Job) -> str:
    if isinstance(job, PageJob):
        return f"objective {job.guide.topics[0].objectives[0].id}"
    if isinstance(job, PartsJob):
        return "a topic's contents and index"
    if isinstance(job, FinishJob):
        return f"objective {job.laid.sheet.id}"
    return dict(job.metadata).get("Title") or "a topic"
