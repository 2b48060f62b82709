"""The reader: guide files on disk to one `Guide` model plus located diagnostics."""

from __future__ import annotations

import gc
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from builder.diagnostics import Diagnostic, Ignore, SourceError, error, warning
from builder.model import Exam, Guide, Objective, SourceFile, SourcePos, Topic
from builder.reader.assemble import FileAssembler, ObjectiveDraft, TopicDraft
from builder.reader.blocks import MAX_NESTING, make_parser, nesting_limit_line, read_blocks
from builder.reader.decode import decode_source
from builder.reader.exam import read_exam
from builder.reader.exam_lines import looks_like_exam, may_be_exam, read_lines
from builder.reader.ignores import read_ignores

MAX_FILE_BYTES = 8 * 1024 * 1024  # a guide is a few hundred KB; larger files are refused
GUIDE_SUFFIXES = (".md", ".markdown")


@dataclass(frozen=True, slots=True)
class ReadResult:
    """The model and what the reader found wrong on the way."""

    guide: Guide
    diagnostics: tuple[Diagnostic, ...]
    ignores: tuple[Ignore, ...] = ()  # the guide's `<!-- cheatdeck: ignore[...] -->` comments


def discover(sources: list[str]) -> tuple[list[str], Path]:
    """The guide files named by SOURCES (files, or folders searched recursively) and their root."""
    files: list[str] = []
    roots: list[Path] = []
    for source in sources:
        path = Path(source)
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
    root = Path(os.path.commonpath([str(r.resolve()) for r in roots])) if roots else Path(".")
    return list(dict.fromkeys(files)), root


def read_guide(sources: list[str], *, exam: str | None = None, version: str | None = None) -> ReadResult:
    """Read every guide file once, in name order, and merge topics split over several files."""
    with _no_cyclic_gc():
        return _read_guide(sources, exam=exam, version=version)


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


def _read_guide(sources: list[str], *, exam: str | None, version: str | None) -> ReadResult:
    files, root = discover(sources)
    parser = make_parser()
    diags: list[Diagnostic] = []
    topic_drafts: list[TopicDraft] = []
    objective_drafts: list[ObjectiveDraft] = []
    source_files: list[SourceFile] = []
    exams: list[Exam] = []
    ignores: list[Ignore] = []
    for name in files:
        data = _read_bytes(name, diags)
        if data is None:
            continue
        source_files.append(SourceFile(name, hashlib.sha256(data).hexdigest(), data.count(b"\n") + 1))
        decoded = decode_source(data, name)
        diags.extend(decoded.diagnostics)
        if decoded.binary:
            continue
        lines = decoded.text.split("\n")
        tokens = parser.parse(decoded.text)
        if "cheatdeck:" in decoded.text:
            ignores.extend(read_ignores(tokens, name, len(lines)))
        if (deep := nesting_limit_line(tokens)) is not None:
            diags.append(warning(SourcePos(name, deep), "nesting-too-deep",
                                 f"lists or block quotes nest deeper than {MAX_NESTING} levels; "
                                 "what is deeper is read as plain text"))
        exam_events = read_lines(tokens, lines) if may_be_exam(decoded.text) else []
        if exam_events and looks_like_exam(exam_events):  # a practice exam, not a guide: no objectives expected
            exam_result = read_exam(exam_events, name)
            exams.append(exam_result.exam)
            diags.extend(exam_result.diagnostics)
            continue
        blocks = read_blocks(tokens, lines)
        result = FileAssembler(name, root, Path(name).parent, lines).run(blocks)
        diags.extend(result.diagnostics)
        if not result.objectives:
            diags.append(warning(SourcePos(name, 1), "no-objectives",
                                 "no objective headings (like '### 352.1 Title') found in this file"))
        topic_drafts.extend(result.topics)
        objective_drafts.extend(result.objectives)
    topics = _merge(topic_drafts, objective_drafts, diags)
    guide = Guide(tuple(topics), tuple(source_files), Path(os.path.relpath(root)).as_posix(),
                  exam=exam or "LPIC-3 305-300", version=version, exams=tuple(exams))
    return ReadResult(guide, tuple(diags), tuple(ignores))


def _read_bytes(name: str, diags: list[Diagnostic]) -> bytes | None:
    pos = SourcePos(name, 1)
    try:
        size = os.path.getsize(name)
        if size > MAX_FILE_BYTES:
            diags.append(error(pos, "file-too-large",
                               f"file is {size / 1048576:.1f} MiB; guides over "
                               f"{MAX_FILE_BYTES // 1048576} MiB are not read (split it per objective)"))
            return None
        with open(name, "rb") as fh:
            return fh.read()
    except OSError as exc:
        diags.append(error(pos, "unreadable", f"cannot read file: {exc.strerror or exc}"))
        return None


def _merge(topic_drafts: list[TopicDraft], objective_drafts: list[ObjectiveDraft],
           diags: list[Diagnostic]) -> list[Topic]:
    """One topic per number (an explicit `Topic NNN` heading names it), objectives in id order."""
    names: dict[str, TopicDraft] = {}
    for draft in topic_drafts:
        known = names.get(draft.number)
        if known is None or (draft.explicit and not known.explicit):
            names[draft.number] = draft
    seen: dict[str, ObjectiveDraft] = {}
    by_topic: dict[str, list[Objective]] = {n: [] for n in names}
    for draft in objective_drafts:
        if draft.id in seen:
            first = seen[draft.id].pos
            diags.append(error(draft.pos, "duplicate-objective",
                               f"objective {draft.id} is defined twice (first at {first}); "
                               "this one is skipped: merge them or fix the number"))
            continue
        seen[draft.id] = draft
        by_topic.setdefault(draft.id.split(".")[0], []).append(draft.freeze())
    topics = []
    for number in sorted(by_topic):
        draft = names[number]
        objectives = sorted(by_topic[number], key=lambda o: tuple(int(x) for x in o.id.split(".")))
        topics.append(Topic(number, draft.title, draft.icon, tuple(objectives), draft.pos))
    return topics
