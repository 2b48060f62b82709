"""What one sheets build works from: every sheet with the key of its inputs, and the build's state."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from builder import __version__
from builder.context import BuildContext
from builder.i18n import catalogue_digest
from builder.model import Guide, Objective, Topic
from builder.sheets.cache import Entry, SheetCache, content_key, file_digest
from builder.sheets.context import practice_lines
from builder.sheets.diagnose import entry_for
from builder.sheets.limits import MAX_SHEET_PAGES
from builder.sheets.names import slug
from builder.sheets.progress import Progress
from builder.workers import cores

CACHE = Path(".cache") / "sheets"


@dataclass(frozen=True, slots=True)
class SheetOptions:
    """The sheets writer's typed options: what changes how a sheet looks."""

    paper: str = "a4"
    orientation: str = "landscape"
    emoji: str = "color"
    pdf_variant: str | None = None
    max_pages: int = MAX_SHEET_PAGES  # about how many pages an objective's sheet may fill


@dataclass(frozen=True, slots=True)
class Planned:
    """One output sheet and the key of everything it is made from."""

    topic: Topic
    objective: Objective | None  # None for a topic sheet
    key: str
    stem: str


def _weasyprint_version() -> str:
    try:
        return version("weasyprint")
    except PackageNotFoundError:
        return "unknown"


def plan(guide: Guide, ctx: BuildContext, options: SheetOptions, templates_digest: str) -> list[Planned]:
    """Every sheet of the guide with its content key (objectives first, then topics)."""
    root = ctx.source_root
    links = ctx.source_links
    base = (__version__, _weasyprint_version(), templates_digest, options.paper, options.orientation,
            options.emoji, options.pdf_variant, guide.exam, guide.version, ctx.time.iso,
            guide.lang, catalogue_digest(guide.lang),
            links and (links.template, links.commit))
    sheets: list[Planned] = []
    topics: list[Planned] = []
    for topic in guide.topics:
        keys = []
        for o in topic.objectives:
            images = [file_digest(root / i.resolved) for i in o.images if i.resolved and i.exists]
            key = content_key(base, topic.number, topic.title, o, images, practice_lines(guide, o.id))
            keys.append(key)
            sheets.append(Planned(topic, o, key, f"{o.id}-{slug(o.title)}"))
        if not ctx.only:
            topics.append(Planned(topic, None, content_key(base, "topic", topic.number, topic.title, keys),
                                  f"{topic.number}-{slug(topic.title)}"))
    return sheets + topics


def shared_key(keys: list[str]) -> str:
    """The key of small objectives laid out together: over theirs (the options are in them)."""
    return content_key("shared", keys)


class SheetPlan:
    """One sheets build's state: the plan, its options and cache, and the renderer when needed."""

    def __init__(self, guide: Guide, ctx: BuildContext, options: SheetOptions,
                 cut: frozenset[str] = frozenset()) -> None:
        from builder.sheets.folders import sheet_template_dirs, templates_digest

        self.guide, self.ctx, self.options, self.cut = guide, ctx, options, cut
        self.templates = ctx.templates
        self.source_root = ctx.source_root
        self.created = ctx.time.iso  # PDF dates come from the epoch only, never the clock
        # A translation's sheets get a folder (and cache) of their own: same names, own stylesheet.
        language = ctx.suffix.lstrip(".")
        self.folder = ctx.output / "sheets" / language if language else ctx.output / "sheets"
        self.cache = SheetCache(ctx.output / f"{CACHE}{ctx.suffix}", ctx.progress)
        self.template_dirs = sheet_template_dirs(ctx.templates)
        self.plan = plan(guide, ctx, options, templates_digest(self.template_dirs))
        self.progress = Progress(ctx.progress, ctx.progress_bar)
        self._renderer: Any = None

    def outputs(self, p: Planned) -> tuple[Path, Path]:
        return self.folder / f"{p.stem}.pdf", self.folder / f"{p.stem}.html"

    def stale(self, p: Planned) -> bool:
        return not all(self.cache.fresh(path, p.key) for path in self.outputs(p))

    @property
    def renderer(self) -> Any:
        """The Jinja side, made only when some page must be written (a no-op build never imports it)."""
        if self._renderer is None:
            from builder.sheets.render import SheetRenderer

            self._renderer = SheetRenderer(self.templates)
        return self._renderer

    def worker_count(self, work: int) -> int:
        return max(1, min(self.ctx.jobs or cores(), work))

    def support_paths(self) -> list[Path]:
        """The stylesheet and copied images the standalone HTML pages link to (released with them)."""
        images = sorted({image.resolved for p in self.plan if p.objective
                         for image in p.objective.images if image.resolved and image.exists})
        paths = [self.folder / "sheet.css", *(self.folder / "media" / name for name in images)]
        return [path for path in paths if path.is_file()]

    def member_layout(self, key: str, head: str) -> Any:
        """A cached objective render's layout (builder/sheets/stamp.py: MemberLayout), or None."""
        from builder.sheets.stamp import member_layout

        path = self.cache.part_path(key, ".layout.json")
        return member_layout(path.read_bytes(), head, head) if self.cache.has(key) and path.is_file() else None

    def shared_layout(self, key: str, objectives: tuple[tuple[str, str], ...]) -> Any:
        """The cached layout of small objectives laid out together, or None."""
        from builder.sheets.stamp import shared_layout

        found = self.member_layout(key, "")
        if found is None:
            return None
        return shared_layout(found.pages, found.anchors, found.refs, found.fills, list(objectives), found.tail,
                             found.column)

    def shared_keys(self) -> set[str]:
        """The keys of every topic's small objectives laid out together (kept when pruning)."""
        from builder.sheets.stamp import small_runs

        keys = set()
        for topic in {id(p.topic): p.topic for p in self.plan}.values():
            members = [p for p in self.plan if p.objective is not None and p.topic is topic]
            layouts = [self.member_layout(p.key, "") for p in members]
            if all(layouts):
                keys |= {shared_key([members[k].key for k in run]) for run in small_runs(layouts)}
        return keys

    def store(self, p: Planned, rendered: Any, parts: dict[str, bytes] | None = None) -> Entry:
        """Keep a fresh render in the cache, with its findings located relative to the objective."""
        entry = entry_for(rendered, p.objective or p.topic, self.template_dirs)
        self.cache.store(p.key, rendered.pdf, entry, parts)
        return entry

