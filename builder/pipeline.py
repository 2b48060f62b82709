"""The build: read the guide once, check it, then hand the model to each writer."""

from __future__ import annotations

import errno
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from builder.artifacts import Artifact, WriterResult
from builder.catalogue import CODES
from builder.config import BuildConfig
from builder.context import BuildContext, check_day
from builder.diagnostics import (BuildError, Diagnostic, DiagnosticFilter, Ignore, SelectionError,
                                 Severity, matches, name_languages, sort_diagnostics, warning)
from builder.media import vet_images
from builder.model import Guide
from builder.output import ensure_dir, remove_stale_temps, write_error
from builder.project import plan
from builder.reader import GuideSettings, read_guide
from builder.remember import new_build
from builder.rules import check_guide
from builder.snapshot import Stamp, stamps, verify
from builder.version import guide_version, source_folder

if TYPE_CHECKING:  # the writers, their cache and the release step load only when a build runs
    from builder.writer_cache import WriterCache
    from builder.writers import Writer


@dataclass(frozen=True, slots=True)
class CheckResult:
    guide: Guide
    diagnostics: tuple[Diagnostic, ...]
    keep: DiagnosticFilter = DiagnosticFilter()  # applied to what the writers find too
    stamps: dict[str, Stamp] = field(default_factory=dict, compare=False)  # the sources as read
    # The same sources' guides in other languages (README_pt.md beside README.md), each checked
    # and built as a guide of its own; `diagnostics` above already holds theirs.
    translations: tuple[CheckResult, ...] = ()

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity is severity)

    def failed(self, strict: bool) -> bool:
        return self.count(Severity.ERROR) > 0 or (strict and self.count(Severity.WARNING) > 0)


@dataclass(frozen=True, slots=True)
class BuildResult(CheckResult):
    artifacts: tuple[Artifact, ...] = ()  # every file written, with what it holds

    @property
    def outputs(self) -> tuple[Path, ...]:
        return tuple(a.path for a in self.artifacts)


def check(sources: list[str], *, exam: str | None = None, version: str | None = None,
          settings: GuideSettings | None = None, select_codes: tuple[str, ...] = (),
          ignore_codes: tuple[str, ...] = ()) -> CheckResult:
    """Read the sources and run every rule; no files are written. Only the codes selected
    (default: all) are kept, less those ignored and those the guide's comments ignore."""
    if version is None:
        version = guide_version(source_folder(sources))
    if settings is None:  # called as a library: the project file beside the sources still counts
        settings = replace(plan(sources, sources[0] if sources else ".").settings, root=None)
    main, languages = _check_one(sources, exam, version, settings, select_codes, ignore_codes)
    if settings.lang is not None or len(languages) < 2:
        return main
    # Files in other languages form guides of their own (a configured language builds one only).
    translations = tuple(_translation(sources, exam, version, settings, lang, select_codes, ignore_codes)
                         for lang in languages[1:])
    every = dict.fromkeys([*main.diagnostics, *(d for t in translations for d in t.diagnostics)])
    return replace(main, diagnostics=tuple(sort_diagnostics(list(every))), translations=translations)


def _translation(sources: list[str], exam: str | None, version: str, settings: GuideSettings, lang: str,
                 select_codes: tuple[str, ...], ignore_codes: tuple[str, ...]) -> CheckResult:
    """The guide of the files in `lang`; the guide's own files are not "left out" of it."""
    deck = settings.deck and f"{settings.deck} ({lang})"  # both decks fit one collection
    result, _ = _check_one(sources, exam, version, replace(settings, lang=lang, deck=deck),
                           select_codes, ignore_codes)
    return replace(result, diagnostics=tuple(d for d in result.diagnostics if d.rule != "other-language"))


def _check_one(sources: list[str], exam: str | None, version: str, settings: GuideSettings,
               select_codes: tuple[str, ...], ignore_codes: tuple[str, ...]) -> tuple[CheckResult, tuple[str, ...]]:
    """One language's guide checked, and every language the files are in."""
    before = stamps(sources)
    result = read_guide(sources, exam=exam, version=version, settings=settings)
    verify(result.guide, before, "reading")  # a half-saved file must not reach the ledger
    keep = DiagnosticFilter(select_codes, ignore_codes, result.ignores)
    guide, rejected = vet_images(result.guide, Path(result.guide.root))  # writers never read these
    from builder.anki.counts import card_diagnostics  # cards are checked by their own makers' rule
    found = [*result.diagnostics, *check_guide(result.guide, check_day()), *card_diagnostics(result.guide),
             *rejected,
             *unknown_codes(result.ignores)]
    return CheckResult(guide, tuple(sort_diagnostics(keep(found))), keep, before), result.languages


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
    """Check, then run the writers for each requested format into config.output: the guide's,
    then each translation's (their files named with the language: `lpic-3-305-300.pt-BR.apkg`)."""
    from builder.release import write_release
    from builder.writers import WRITERS, load_writer

    new_build()  # a watching build forgets what the last build did not use
    writers = {name: load_writer(name) for name in config.formats if name in WRITERS}
    for writer in writers.values():  # what a writer starts now runs while the guide is read
        prepare = getattr(writer, "prepare", None)
        if prepare is not None:
            prepare(int(config.options.get("jobs") or 0))  # type: ignore[arg-type]
    checked = check(sources, exam=exam, version=version, settings=settings,
                    select_codes=select_codes, ignore_codes=ignore_codes)
    guide = select(checked.guide, config.only)
    if not guide.objectives and not guide.exams:  # nothing read: no empty deck, the error says why
        return BuildResult(guide, checked.diagnostics, checked.keep, checked.stamps, checked.translations)
    ensure_dir(config.output)
    remove_stale_temps(config.output)
    options = {n: w.Options for n, w in writers.items()}
    ctx = BuildContext.create(config, Path(guide.root), options)
    jobs = [(checked, guide, ctx)] + [
        (t, g, BuildContext.create(config, Path(g.root), options, suffix=f".{g.lang}", title=guide.deck_title))
        for t in checked.translations if (g := select_translation(t.guide, config.only)) is not None
        and (g.objectives or g.exams)]
    if {"anki", "exam-anki"} & set(writers):  # a killed ledger write leaves its temp there
        remove_stale_temps(ctx.ledger.parent, recursive=False)
    results: list[WriterResult] = []
    found: list[Diagnostic] = []  # what the writers found, each in its guide's language
    try:
        for _, one, one_ctx in jobs:
            # The build time is the context's (SOURCE_DATE_EPOCH, else the source's last commit),
            # so two builds of one commit agree byte for byte.
            with one_ctx.activated():
                done = run_writers(one, one_ctx, writers)
            results += done
            found += name_languages([d for r in done for d in r.findings], one.languages)
        artifacts = [a for r in results for a in r.artifacts]
        if ctx.release:
            artifacts += write_release(guide, ctx, artifacts)
    except OSError as exc:  # a full disk under a library's own writes (atomic_write says it itself)
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        raise write_error(Path(exc.filename or config.output), exc) from exc
    for one_checked, _, _ in jobs:
        verify(one_checked.guide, one_checked.stamps, "writing outputs from")
    found = checked.keep(found)
    diagnostics = tuple(sort_diagnostics([*checked.diagnostics, *found])) if found else checked.diagnostics
    return BuildResult(guide, diagnostics, checked.keep, checked.stamps, checked.translations,
                       tuple(artifacts))


def select_translation(guide: Guide, only: tuple[str, ...]) -> Guide | None:
    """A translation's objectives named by --only (None when it has none of them)."""
    if not only:
        return guide
    if not {o.id for o in guide.objectives} & set(only):
        return None
    return select(guide, tuple(o for o in only if guide.objective(o) is not None))


def run_writers(guide: Guide, ctx: BuildContext, writers: dict[str, Writer]) -> list[WriterResult]:
    """Each format's result, in format order.

    Writers run in threads: the sheets writer mostly waits on its render processes, so the deck
    is built meanwhile. A writer whose inputs did not change since it last ran is skipped.
    """
    from builder.writer_cache import WriterCache

    cache = WriterCache(guide, ctx)
    with ThreadPoolExecutor(max_workers=max(1, len(writers))) as pool:
        futures = [pool.submit(_run_writer, name, writer, guide, ctx, cache)
                   for name, writer in writers.items()]
        wait(futures)  # a writer that fails never stops the others from writing their files
    for future in futures:
        if isinstance(future.exception(), BuildError):
            raise future.exception()  # type: ignore[misc]
    return [future.result() for future in futures]


def _run_writer(name: str, writer: Writer, guide: Guide, ctx: BuildContext,
                cache: WriterCache) -> WriterResult:
    fresh = cache.fresh(name)
    if fresh is not None:
        ctx.progress(f"{name}: up to date")
        return WriterResult(tuple(fresh))
    result = writer.write(guide, ctx)
    cache.remember(name, list(result.artifacts))
    return result
