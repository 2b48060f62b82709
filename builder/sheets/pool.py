"""Render jobs run in long-lived worker processes, each paying WeasyPrint's start-up once."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class RenderSetup:
    """What every worker needs once: the stylesheet, the folders it may read, the PDF variant."""

    css_text: str
    css_base: Path
    roots: tuple[Path, ...]
    variant: str | None
    epoch: str | None  # SOURCE_DATE_EPOCH of the build


@dataclass(frozen=True, slots=True)
class PageJob:
    """Lay out one objective sheet."""

    key: str
    html: str
    base: Path  # the source root: relative image URLs resolve against it


@dataclass(frozen=True, slots=True)
class TopicJob:
    """Lay out a topic cover, then join it with the objective PDFs already rendered."""

    key: str
    cover_html: str
    base: Path
    parts: tuple[tuple[str, str, Path], ...]  # (anchor, title, stored objective PDF)
    metadata: tuple[tuple[str, str], ...]  # PDF Info entries: Title, Subject, Keywords, ...
    lang: str


_renderer: Any = None  # the PdfRenderer of this process, made once by _start


def _start(setup: RenderSetup) -> None:
    global _renderer
    from builder.sheets.pdf import PdfRenderer

    _renderer = PdfRenderer(setup.css_text, setup.css_base, setup.roots, setup.variant, setup.epoch)


def run_job(job: PageJob | TopicJob) -> Any:
    """Render a job in this process (a worker, or the main one with -j 1)."""
    if isinstance(job, PageJob):
        return _renderer.render(job.html, job.base)
    from dataclasses import replace

    from builder.sheets.assemble import assemble_topic

    cover = _renderer.render(job.cover_html, job.base)
    pdf = assemble_topic(cover.pdf, list(job.parts), metadata=dict(job.metadata), lang=job.lang)
    return replace(cover, pdf=pdf)


class RenderPool:
    """`jobs` workers (forked from a server that imported WeasyPrint once), or in-process for one."""

    def __init__(self, setup: RenderSetup, jobs: int) -> None:
        self.executor: ProcessPoolExecutor | None = None
        self.pending: dict[Future[Any], PageJob | TopicJob] = {}
        self.waiting: list[PageJob | TopicJob] = []
        if jobs > 1:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["builder.sheets.pdf"])
            self.executor = ProcessPoolExecutor(jobs, mp_context=context, initializer=_start,
                                                initargs=(setup,))
        else:
            _start(setup)

    def submit(self, job: PageJob | TopicJob) -> None:
        """Start a job now (in-process: later, when results are asked for)."""
        if self.executor is None:
            self.waiting.append(job)
        else:
            self.pending[self.executor.submit(run_job, job)] = job

    def results(self) -> Iterator[tuple[PageJob | TopicJob, Any]]:
        """Each submitted job with its result, in the order they finish."""
        while self.waiting:
            job = self.waiting.pop(0)
            yield job, run_job(job)
        while self.pending:
            done, _ = wait(self.pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield self.pending.pop(future), future.result()

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
