"""The build: read the guide once, check it, then hand the model to each writer."""

from __future__ import annotations

import errno
import os
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from pathlib import Path

from builder.config import BuildConfig
from builder.catalogue import CODES
from builder.diagnostics import (BuildError, Diagnostic, DiagnosticFilter, Ignore, SelectionError,
                                 Severity, matches, name_languages, sort_diagnostics, warning)
from builder.media import vet_images
from builder.model import Guide
from builder.output import ensure_dir, remove_stale_temps, write_error
from builder.project import plan
from builder.reader import GuideSettings, read_guide
from builder.release import source_date_epoch, write_release
from builder.rules import check_guide
from builder.snapshot import Stamp, stamps, verify
from builder.version import guide_version, source_folder
from builder.writer_cache import WriterCache
from builder.writers import WRITERS, load_writer


@dataclass(frozen=True, slots=True)
class CheckResult:
    guide: Guide
    diagnostics: tuple[Diagnostic, ...]
    keep: DiagnosticFilter = DiagnosticFilter()  # applied to what the writers find too
    stamps: dict[str, Stamp] = field(default_factory=dict, compare=False)  # the sources as read

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity is severity)

    def failed(self, strict: bool) -> bool:
        return self.count(Severity.ERROR) > 0 or (strict and self.count(Severity.WARNING) > 0)


@dataclass(frozen=True, slots=True)
class BuildResult(CheckResult):
    outputs: tuple[Path, ...] = ()


def check(sources: list[str], *, exam: str | None = None, version: str | None = None,
          settings: GuideSettings | None = None, select_codes: tuple[str, ...] = (),
          ignore_codes: tuple[str, ...] = ()) -> CheckResult:
    """Read the sources and run every rule; no files are written. Only the codes selected
    (default: all) are kept, less those ignored and those the guide's comments ignore."""
    if version is None:
        version = guide_version(source_folder(sources))
    if settings is None:  # called as a library: the project file beside the sources still counts
        settings = replace(plan(sources, sources[0] if sources else ".").settings, root=None)
    before = stamps(sources)
    result = read_guide(sources, exam=exam, version=version, settings=settings)
    verify(result.guide, before, "reading")  # a half-saved file must not reach the ledger
    keep = DiagnosticFilter(select_codes, ignore_codes, result.ignores)
    guide, rejected = vet_images(result.guide, Path(result.guide.root))  # writers never read these
    found = [*result.diagnostics, *check_guide(result.guide), *rejected, *unknown_codes(result.ignores)]
    return CheckResult(guide, tuple(sort_diagnostics(keep(found))), keep, before)


def names_a_code(pattern: str) -> bool:
    """Whether a code or glob given to --select, --ignore or an ignore comment names any code."""
    return any(matches(code, (pattern,)) for code in CODES)


def unknown_codes(ignores: tuple[Ignore, ...]) -> list[Diagnostic]:
    """An ignore comment that names no catalogued code ignores nothing: a typo, say so."""
    return [warning(i.pos, "unknown-code", f"ignore comment names {code!r}, which matches no "
                                           "diagnostic code (the README's rules table lists them)")
            for i in ignores for code in i.codes if not names_a_code(code)]


def select(guide: Guide, only: tuple[str, ...]) -> Guide:
    """Keep the objectives named by --only (and the topics that hold them); refuse unknown ids
    before anything is written."""
    if not only:
        return guide
    missing = set(only) - {o.id for o in guide.objectives}
    if missing:
        raise SelectionError(f"--only: no objective {', '.join(sorted(missing))} in the guide "
                             f"(it has {', '.join(o.id for o in guide.objectives) or 'none'})")
    topics = tuple(replace(t, objectives=tuple(o for o in t.objectives if o.id in only))
                   for t in guide.topics)
    return replace(guide, topics=tuple(t for t in topics if t.objectives))


def build(sources: list[str], config: BuildConfig, *, exam: str | None = None,
          version: str | None = None, settings: GuideSettings | None = None,
          select_codes: tuple[str, ...] = (), ignore_codes: tuple[str, ...] = ()) -> BuildResult:
    """Check, then run the writers for each requested format into config.output."""
    checked = check(sources, exam=exam, version=version, settings=settings,
                    select_codes=select_codes, ignore_codes=ignore_codes)
    guide = select(checked.guide, config.only)
    ensure_dir(config.output)
    remove_stale_temps(config.output)
    root = Path(guide.root)
    config = replace(config, source_root=Path(os.path.abspath(root)))
    outputs: list[Path] = []
    found: list[Diagnostic] = []  # what writers found while writing (sheets: refused URLs, glyphs)
    if {"anki", "exam-anki"} & set(config.formats):  # a killed ledger write leaves its temp there
        from builder.writers.anki import ledger_path
        remove_stale_temps(ledger_path(config).parent, recursive=False)
    # Writers date their output from SOURCE_DATE_EPOCH; in a git checkout it defaults to the
    # source's last commit, so two builds of one commit agree byte for byte.
    try:
        with source_date_epoch(config.source_root):
            for written, diagnostics in run_writers(guide, config):
                outputs.extend(written)
                found.extend(diagnostics)
            if config.options.get("release"):
                outputs.extend(write_release(guide, config, outputs))
    except OSError as exc:  # a full disk under a library's own writes (atomic_write says it itself)
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        raise write_error(Path(exc.filename or config.output), exc) from exc
    verify(checked.guide, checked.stamps, "writing outputs from")
    found = checked.keep(name_languages(found, guide.languages))
    diagnostics = tuple(sort_diagnostics([*checked.diagnostics, *found])) if found else checked.diagnostics
    return BuildResult(guide, diagnostics, checked.keep, checked.stamps, tuple(outputs))


def run_writers(guide: Guide, config: BuildConfig) -> list[tuple[list[Path], list[Diagnostic]]]:
    """Each format's outputs and findings, in format order.

    Writers run in threads: the sheets writer mostly waits on its render processes, so the deck
    is built meanwhile. A writer whose inputs did not change since it last ran is skipped.
    """
    names = [name for name in config.formats if name in WRITERS]
    cache = WriterCache(guide, config)
    with ThreadPoolExecutor(max_workers=max(1, len(names))) as pool:
        futures = [pool.submit(_run_writer, name, guide, config, cache) for name in names]
        wait(futures)  # a writer that fails never stops the others from writing their files
    for future in futures:
        if isinstance(future.exception(), BuildError):
            raise future.exception()  # type: ignore[misc]
    return [future.result() for future in futures]


def _run_writer(name: str, guide: Guide, config: BuildConfig,
                cache: WriterCache) -> tuple[list[Path], list[Diagnostic]]:
    fresh = cache.fresh(name)
    if fresh is not None:
        config.progress(f"{name}: up to date")
        return fresh, []
    writer = load_writer(name)
    written = list(writer.write(guide, config))
    cache.remember(name, written)
    return written, list(getattr(writer, "take_diagnostics", list)())
