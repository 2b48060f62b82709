"""The reader: guide files on disk to one `Guide` model plus located diagnostics."""

from __future__ import annotations

import fnmatch
import gc
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from builder.diagnostics import Diagnostic, Ignore, SourceError, error, info, name_languages, warning
from builder.model import DatedFact, Exam, Guide, Objective, SourceFile, SourcePos, Topic
from builder.reader.assemble import FileAssembler, FileResult
from builder.reader.merge import merge_files as _merge
from builder.reader.shapes import objective_from_path
from builder.reader.blocks import MAX_NESTING, make_parser, nesting_limit_line, read_blocks
from builder.reader.containers import unwrap_containers
from builder.reader.decode import decode_source
from builder.reader.exam import read_exam
from builder.reader.certification import name_exam
from builder.reader.vocabulary import DEFAULT_LANG, language_from_labels, language_from_path
from builder.reader.fences import FenceCut, tokenize
from builder.reader.identity import resolve_identities
from builder.reader.exam_lines import looks_like_exam, may_be_exam, read_lines
from builder.reader.opening import MAX_FILE_BYTES, Refused, read_source
from builder.reader.dated import read_dated
from builder.reader.ignores import read_ignores

GUIDE_SUFFIXES = (".md", ".markdown")


@dataclass(frozen=True, slots=True)
class ReadResult:
    """The model and what the reader found wrong on the way."""

    guide: Guide
    diagnostics: tuple[Diagnostic, ...]
    ignores: tuple[Ignore, ...] = ()  # the guide's `<!-- cheatdeck: ignore[...] -->` comments
    languages: tuple[str, ...] = ()  # every language of the files read: the guide's, then others


def discover(sources: list[str]) -> tuple[list[str], Path]:
    """The guide files named by SOURCES (files, or folders searched recursively) and their root."""
    files: list[str] = []
    roots: list[Path] = []
    for source in sources:
        path = Path(os.path.normpath(source))
        if not path.exists():
            raise SourceError(f"{source}: no such file or directory (give a guide file or a folder "
                              "of .md files)")
        if path.is_dir():
            if not os.access(path, os.R_OK | os.X_OK):
                raise SourceError(f"{source}: folder is not readable (check its permissions)")
            roots.append(path)
            found = sorted(p for p in path.rglob("*") if p.suffix.lower() in GUIDE_SUFFIXES
                           and p.is_file() and not any(part.startswith(".") for part in
                                                       p.relative_to(path).parts))
            files.extend(str(p) for p in found)
        else:
            roots.append(path.parent)
            files.append(str(path))
            files.extend(str(p) for p in translations_beside(path))
    root = Path(os.path.commonpath([str(r.resolve()) for r in roots])) if roots else Path(".")
    return list(dict.fromkeys(files)), root


def translations_beside(path: Path) -> list[Path]:
    """`README_pt.md`, `README.pt-BR.md` beside a named `README.md`: its translations, built with it."""
    if language_from_path(path.name):
        return []
    found = []
    for sibling in sorted(path.parent.glob(f"{path.stem}[._-]*{path.suffix}")):
        tag = sibling.stem[len(path.stem) + 1:]
        if sibling.is_file() and sibling != path and language_from_path(f"x_{tag}{path.suffix}"):
            found.append(Path(os.path.normpath(sibling)))
    return found


def root_as_given(sources: list[str]) -> str:
    """The source root as the user named it, normalised (`a/../b` -> `b`), never rebuilt from
    the current folder: one source's folder, else the common folder of relative sources, else the
    absolute common folder."""
    given = [os.path.normpath(s if Path(s).is_dir() else os.path.dirname(s) or ".") for s in sources]
    if len(set(given)) == 1:
        return Path(given[0]).as_posix()
    if all(not os.path.isabs(g) and not g.startswith("..") for g in given):
        return Path(os.path.commonpath(given) or ".").as_posix()
    return Path(os.path.commonpath([os.path.abspath(g) for g in given])).as_posix()


@dataclass(frozen=True, slots=True)
class GuideSettings:
    """What the project file or the command line says about the guide as a whole."""

    exam: str | None = None
    deck: str | None = None
    lang: str | None = None  # the guide's language when the project file or command line names it
    root: str | None = None  # the source root when a project file names it (its folder)
    languages: tuple[tuple[str, str], ...] = ()  # (file glob, language) from the project file


def read_guide(sources: list[str], *, exam: str | None = None, version: str | None = None,
               settings: GuideSettings | None = None) -> ReadResult:
    """Read every guide file once, in name order, and merge topics split over several files."""
    settings = settings or GuideSettings()
    if exam:
        settings = replace(settings, exam=exam)
    with _no_cyclic_gc():
        return _read_guide(sources, settings=settings, version=version)


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Parsing allocates hundreds of thousands of short-lived, acyclic objects (tokens, spans);
    the cycle collector finds nothing in them and costs about 15% of the read. Reference
    counting still frees them; the collector runs again afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _read_guide(sources: list[str], *, settings: GuideSettings, version: str | None) -> ReadResult:
    files, root = discover(sources)
    if settings.root is not None:
        root = Path(settings.root).resolve()
    parser = make_parser()
    diags: list[Diagnostic] = []
    topic_drafts: list[TopicDraft] = []
    objective_drafts: list[ObjectiveDraft] = []
    source_files: list[SourceFile] = []
    exams: list[Exam] = []
    titles: list[tuple[str, bool]] = []  # each file's title, and whether the file holds objectives
    results: list[FileResult] = []
    no_objectives: list[SourcePos] = []
    headings: list[tuple[SourcePos, str]] = []  # every file's first headings, for "nothing found"
    texts: list[tuple[str, str, list[str], str]] = []  # name, text, lines, language
    ignores: list[Ignore] = []
    dated: list[DatedFact] = []
    for name in files:
        data = _read_bytes(name, root, diags)
        if data is None:
            continue
        source_files.append(SourceFile(name, hashlib.sha256(data).hexdigest(), data.count(b"\n") + 1))
        decoded = decode_source(data, name)
        diags.extend(decoded.diagnostics)
        if not decoded.binary:
            lines = decoded.text.split("\n")
            texts.append((name, decoded.text, lines, file_language(name, lines, settings)))
    # A file is another language's guide only when its name or the project file says so
    # (README_pt.md); a file whose words alone are in another language is part of the guide.
    marked = {name: marked_language(name, settings) for name, *_ in texts}
    natural = _main_language([marked[t[0]] or t[3] for t in texts])
    lang = settings.lang or natural
    languages = tuple(dict.fromkeys([lang, natural, *(m for m in marked.values() if m)]))
    for name, text, lines, read_lang in texts:
        file_lang = marked[name] or natural
        if file_lang != lang:
            if settings.lang is not None:  # configured: a guide of one language only
                diags.append(warning(SourcePos(name, 1), "other-language",
                                     f"this file is in {file_lang} and the guide is configured as "
                                     f"{lang}: it is left out (name its language under [languages] "
                                     f"in cheatdeck.toml, or build it on its own: cheatdeck build {name})"))
            continue
        lines = unwrap_containers(lines)  # `!!! note`, `> [!TIP]`, `{% hint %}`, `:::tip`, `<details>`
        tokens, cuts = tokenize(parser, lines)
        diags.extend(_cut_diagnostic(name, cut) for cut in cuts)
        if "cheatdeck:" in text:
            ignores.extend(read_ignores(tokens, name, len(lines)))
        if "<!--" in text:  # `<!-- until: 2026-12-31 -->`: the statements that can go stale
            facts, found = read_dated(tokens, name)
            dated.extend(facts)
            diags.extend(found)
        if (deep := nesting_limit_line(tokens)) is not None:
            diags.append(warning(SourcePos(name, deep), "nesting-too-deep",
                                 f"lists or block quotes nest deeper than {MAX_NESTING} levels; "
                                 "what is deeper is read as plain text"))
        exam_events = read_lines(tokens, lines) if may_be_exam(text) else []
        if exam_events and looks_like_exam(exam_events):  # a practice exam, not a guide: no objectives expected
            exam_result = read_exam(exam_events, name)
            exams.append(exam_result.exam)
            diags.extend(exam_result.diagnostics)
            continue
        blocks = read_blocks(tokens, lines)
        cut_fences = {cut.fence_line for cut in cuts}
        result = FileAssembler(name, root, Path(name).parent, lines, cut_fences=cut_fences,
                               lang=read_lang).run(blocks)
        if not result.objectives and (implied := objective_from_path(os.path.realpath(name), os.path.realpath(root))):
            result = FileAssembler(name, root, Path(name).parent, lines, cut_fences=cut_fences,
                                   lang=read_lang).run(blocks, implied)
        diags.extend(result.diagnostics)
        if result.title:  # an exam named in any title; a deck named only by a file of no objective
            titles.append((result.title, bool(result.objectives)))
        if not result.objectives:
            no_objectives.append(SourcePos(name, 1))
        headings.extend(result.headings)
        results.append(result)
    topics = _merge(results, diags)
    diags.extend(_unread_objectives(results, topics))
    if not topics and no_objectives and not exams:
        diags.append(_nothing_found(no_objectives, headings))
    elif no_objectives:
        diags.extend(info(pos, "no-objectives", "no objective headings (like '### 352.1 Title') "
                                                "found in this file") for pos in no_objectives)
    titles += [(e.title, True) for e in exams]
    numbers = [t.number for t in topics] + [q.topic for e in exams for q in e.questions if q.topic]
    named = name_exam(settings.exam, titles, numbers)
    if lang != DEFAULT_LANG and not settings.deck:
        settings = replace(settings, deck=f"{named.name} ({lang})")  # both decks fit one collection
    if named.origin == "fallback" and topics:
        diags.append(warning(topics[0].pos, "exam-unknown",
                             f"no exam is named in the configuration or a title line, and topics "
                             f"{', '.join(t.number for t in topics)} are not one LPI exam's: decks "
                             f"are named '{named.name}' (set exam = \"...\" in cheatdeck.toml)"))
    given_root = Path(os.path.normpath(settings.root)).as_posix() if settings.root else root_as_given(sources)
    guide = Guide(tuple(topics), tuple(source_files), given_root, exam=named.name,
                  version=version, exams=tuple(exams), deck=settings.deck, lang=lang,
                  namespace=namespace_for(lang), dated=tuple(dated))
    langs = {name: file_lang for name, _, _, file_lang in texts}
    return ReadResult(guide, tuple(name_languages(diags, langs)), tuple(ignores), languages)


def _unread_objectives(results: list[FileResult], topics: list[Topic]) -> list[Diagnostic]:
    """`objective-unrecognised`: a paragraph that opens like an objective the guide does not have
    (each number once), so that an objective written in a shape cheatdeck does not read is never
    lost in silence."""
    have = {o.id for t in topics for o in t.objectives} | {o.id for r in results for o in r.objectives}
    found: list[Diagnostic] = []
    for result in results:
        for pos, number, title in result.unread:
            if number in have:
                continue
            have.add(number)
            found.append(warning(pos, "objective-unrecognised",
                                 f"'{number} {title}' opens like objective {number}, which the guide does "
                                 f"not have, and is read as a paragraph: as a heading ('## {number} "
                                 f"{title}'), a bold line, or a line with 'Weight:' under it, it would "
                                 f"be read as the objective"))
    return found


def file_language(name: str, lines: list[str], settings: GuideSettings) -> str:
    """A file's language: the project file's, else its name's, else its labels', else English."""
    return marked_language(name, settings) or language_from_labels(lines[:2000]) or DEFAULT_LANG


def marked_language(name: str, settings: GuideSettings) -> str | None:
    """The language the project file or the file's own name gives it (`README_pt.md`), if any."""
    for pattern, lang in settings.languages:
        if fnmatch.fnmatch(Path(name).as_posix(), pattern) or fnmatch.fnmatch(Path(name).name, pattern):
            return lang
    return language_from_path(name)


def _nothing_found(files: list[SourcePos], headings: list[tuple[SourcePos, str]]) -> Diagnostic:
    """The one error of a build that found no objective at all: what was looked for, what was seen."""
    seen = "; ".join(f"{pos.path}:{pos.line} '{text[:50]}'" for pos, text in headings[:4])
    return error(files[0], "no-objectives-found",
                 f"no objective found in {len(files)} file(s): cheatdeck looks for headings such as "
                 f"'### 352.1 Title', '## Title (201.1)' or '## Objective 200.1: Title', or an objective "
                 f"number in a file or folder name ('1011-title.md', '1.1-title/'); "
                 + (f"the first headings are: {seen}" if seen else "the files have no headings"))


def _main_language(langs: list[str]) -> str:
    """The guide's language when the configuration names none: the most files', English on a tie."""
    if not langs:
        return DEFAULT_LANG
    counts = {lang: langs.count(lang) for lang in langs}
    best = max(counts.values())
    return DEFAULT_LANG if counts.get(DEFAULT_LANG) == best else next(l for l in langs if counts[l] == best)


def namespace_for(lang: str) -> str:
    """The GUID namespace: English keeps the original one, so existing decks keep their history."""
    return "cheatdeck" if lang == DEFAULT_LANG else f"cheatdeck-{lang}"


def _cut_diagnostic(name: str, cut: FenceCut) -> Diagnostic:
    return error(SourcePos(name, cut.fence_line), "fence-swallows-heading",
                 f"the fence opened at line {cut.fence_line} is never closed before "
                 f"'{cut.text[:60]}' at line {cut.line}; it is read as closed there: close it "
                 f"(add a ``` line) or remove it")


def _read_bytes(name: str, root: Path, diags: list[Diagnostic]) -> bytes | None:
    pos = SourcePos(name, 1)
    try:
        return read_source(name, root, MAX_FILE_BYTES)
    except Refused as exc:
        diags.append(error(pos, exc.rule, str(exc)))
    except OSError as exc:
        diags.append(error(pos, "unreadable", f"cannot read file: {exc.strerror or exc}"))
    return None
