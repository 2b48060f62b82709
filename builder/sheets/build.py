"""One sheets build: which sheets are stale, render them in the pool, write dist/sheets/."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from builder import __version__
from builder.config import BuildConfig
from builder.diagnostics import BuildError, Diagnostic
from builder.i18n import catalogue_digest
from builder.model import Guide, Objective, Topic
from builder.sheets.cache import Entry, SheetCache, content_key, file_digest
from builder.sheets.context import practice_lines
from builder.sheets.diagnose import entry_for, rebase
from builder.sheets.names import slug
from builder.sheets.progress import Progress

CACHE = Path(".cache") / "sheets"


@dataclass(frozen=True, slots=True)
class SheetOptions:
    """The writer options that change what a sheet looks like, plus how to build them."""

    paper: str = "a4"
    orientation: str = "landscape"
    emoji: str = "color"
    variant: str | None = None
    templates: Path | None = None
    jobs: int = 0  # 0: one worker per core
    progress: bool | None = None

    @classmethod
    def from_config(cls, config: BuildConfig) -> SheetOptions:
        o = config.options
        templates = o.get("templates_dir")
        return cls(paper=str(o.get("paper") or "a4"), orientation=str(o.get("orientation") or "landscape"),
                   emoji=str(o.get("emoji") or "color"),
                   variant=str(o["pdf_variant"]) if o.get("pdf_variant") else None,
                   templates=_templates_folder(templates),
                   jobs=int(o.get("jobs") or 0), progress=o.get("progress"))  # type: ignore[arg-type]

    def worker_count(self, work: int) -> int:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        return max(1, min(self.jobs or cores or 1, work))


@dataclass(frozen=True, slots=True)
class Planned:
    """One output sheet and the key of everything it is made from."""

    topic: Topic
    objective: Objective | None  # None for a topic sheet
    key: str
    stem: str


def _templates_folder(value: object) -> Path | None:
    """The --templates folder made absolute (workers and file URLs need it), checked once here."""
    if not value:
        return None
    folder = Path(str(value)).expanduser().resolve()
    if not folder.is_dir():
        raise BuildError(f"{value}: the --templates folder does not exist (give a folder holding "
                         "sheets/ with the templates to replace)")
    return folder


def created_date() -> str | None:
    """The PDF creation date from SOURCE_DATE_EPOCH, never the wall clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch or not epoch.strip().isdigit():
        return None
    return datetime.fromtimestamp(int(epoch), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _weasyprint_version() -> str:
    try:
        return version("weasyprint")
    except PackageNotFoundError:
        return "unknown"


def plan(guide: Guide, config: BuildConfig, options: SheetOptions, templates_digest: str) -> list[Planned]:
    """Every sheet of the guide with its content key (objectives first, then topics)."""
    root = config.source_root
    base = (__version__, _weasyprint_version(), templates_digest, options.paper, options.orientation,
            options.emoji, options.variant, guide.exam, guide.version, created_date(),
            guide.lang, catalogue_digest(guide.lang))
    sheets: list[Planned] = []
    topics: list[Planned] = []
    for topic in guide.topics:
        keys = []
        for o in topic.objectives:
            images = [file_digest(root / i.resolved) for i in o.images if i.resolved and i.exists]
            key = content_key(base, topic.number, topic.title, o, images, practice_lines(guide, o.id))
            keys.append(key)
            sheets.append(Planned(topic, o, key, f"{o.id}-{slug(o.title)}"))
        if not config.only:
            topics.append(Planned(topic, None, content_key(base, "topic", topic.number, topic.title, keys),
                                  f"{topic.number}-{slug(topic.title)}"))
    return sheets + topics


class SheetBuild:
    """Brings dist/sheets/ up to date with the guide, rendering only what changed."""

    def __init__(self, guide: Guide, config: BuildConfig) -> None:
        from builder.sheets.folders import sheet_template_dirs, templates_digest

        self.guide, self.config = guide, config
        self.options = SheetOptions.from_config(config)
        self.folder = config.output / "sheets"
        self.cache = SheetCache(config.output / CACHE, config.progress)
        self.template_dirs = sheet_template_dirs(self.options.templates)
        self.plan = plan(guide, config, self.options, templates_digest(self.template_dirs))
        self.progress = Progress(config.progress, self.options.progress)
        self.diagnostics: list[Diagnostic] = []
        self._renderer: Any = None
        self.written: list[Path] = []

    def outputs(self, p: Planned) -> tuple[Path, Path]:
        return self.folder / f"{p.stem}.pdf", self.folder / f"{p.stem}.html"

    def stale(self, p: Planned) -> bool:
        return not all(self.cache.fresh(path, p.key) for path in self.outputs(p))

    @property
    def renderer(self) -> Any:
        """The Jinja side, made only when some page must be written (a no-op build never imports it)."""
        if self._renderer is None:
            from builder.sheets.render import SheetRenderer

            self._renderer = SheetRenderer(self.options.templates)
        return self._renderer

    def run(self) -> list[Path]:
        stale = [p for p in self.plan if self.stale(p)]
        if stale:
            from builder.sheets.write import write_stale

            write_stale(self, stale)
        self._collect_diagnostics()
        keep = {path.name for p in self.plan for path in self.outputs(p)}
        if not self.config.only:
            self.cache.forget_except(keep, self.folder)
        self.cache.save()
        self.cache.prune({entry[0] for entry in self.cache.manifest.values()})
        return [path for p in self.plan for path in self.outputs(p)] + self.support_paths()

    def support_paths(self) -> list[Path]:
        """The stylesheet and copied images the standalone HTML pages link to (released with them)."""
        images = sorted({image.resolved for p in self.plan if p.objective
                         for image in p.objective.images if image.resolved and image.exists})
        paths = [self.folder / "sheet.css", *(self.folder / "media" / name for name in images)]
        return [path for path in paths if path.is_file()]

    def _collect_diagnostics(self) -> None:
        """Findings of every sheet, fresh or cached, so a rebuild reports what a cold build did."""
        for p in self.plan:
            if self.cache.has(p.key):
                self.diagnostics.extend(rebase(self.cache.entry(p.key), p.objective or p.topic))

    def store(self, p: Planned, rendered: Any) -> Entry:
        """Keep a fresh render in the cache, with its findings located relative to the objective."""
        entry = entry_for(rendered, p.objective or p.topic, self.template_dirs)
        self.cache.store(p.key, rendered.pdf, entry)
        return entry

