"""The exam Anki writer: dist/anki/<exam-slug>-exam.apkg for every practice exam in the sources.

Exam notes keep their own identity ledger beside the guide's (`cheatdeck-exams.lock` next to
`cheatdeck.lock`): the guide's Anki writer treats notes missing from its build as removed, so
one ledger shared by two writers would tombstone the other writer's notes on every build.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from builder.anki import ledger
from builder.anki.notes import AnkiNote, deck_description
from builder.anki.notetypes import NoteType, NoteTypeText, card_css, note_types_for
from builder.anki.links import linked
from builder.anki.exam import EXAM_NOTE_TYPES, TEMPLATE_DIR, deck_name, exam_notes
from builder.anki.package import PackagePlan, apkg_bytes, note_rows, package_counts
from builder.artifacts import Artifact, WriterResult
from builder.context import BuildContext
from builder.diagnostics import info
from builder.i18n import SOURCE_LANG, translate_card_template
from builder.model import Exam, Guide
from builder.output import atomic_write
from builder.resources import templates_dir

NAME = "exam-anki"
CSS_FILE = "exam-cards.css"
# Ledger note ids are 0 or 8 modulo 16 (GUID-hashed ones 0; older ones `seconds * 1000` plus
# steps of 16), and a guide card id is its note id plus 0 or 1; exam ids sit 4 above, so the
# guide's and the exam's note and card ids never collide in one collection.
ID_OFFSET = 4


def template_file(name: str, override: Path | None) -> Path:
    """`<override>/exam/anki/<name>` when the build has one, else the built-in copy."""
    if override is not None and (override / TEMPLATE_DIR / "anki" / name).is_file():
        return override / TEMPLATE_DIR / "anki" / name
    return templates_dir() / TEMPLATE_DIR / "anki" / name


def load_text(nt: NoteType, override: Path | None, lang: str = SOURCE_LANG) -> NoteTypeText:
    """A note type's templates (in `lang`), and the guide cards' CSS followed by the exam cards' own."""
    def read(name: str) -> str:
        return translate_card_template(template_file(name, override).read_text(encoding="utf-8"), lang)

    texts = tuple((read(t.front), read(t.back)) for t in nt.templates)
    css = card_css(override) + "\n" + template_file(CSS_FILE, override).read_text(encoding="utf-8")
    return NoteTypeText(nt, texts, css)


@dataclass(frozen=True, slots=True)
class Options:
    """The exam deck writer's options (the ledger, --locked and --templates are the build's)."""


def exam_ledger_path(ctx: BuildContext) -> Path:
    main = ctx.ledger
    return main.with_name(f"{main.stem}-exams{main.suffix}")


def write(guide: Guide, ctx: BuildContext) -> WriterResult:
    if not guide.exams:
        return WriterResult()
    texts = [load_text(nt, ctx.templates, guide.lang) for nt in note_types_for(guide.lang, EXAM_NOTE_TYPES)]
    per_exam, shared = exam_notes(guide)
    notes = [n for _, mine in per_exam for n in mine]
    stamps = _stamp(ctx, notes, texts, ctx.time.stamp)
    # After the ledger's hashes, as the guide's decks do: a moved link changes no note's mod.
    per_exam = [(exam, [linked(n, ctx.source_links, guide.lang) for n in mine]) for exam, mine in per_exam]
    artifacts = []
    for exam, mine in per_exam:
        plan = _plan(guide, exam, mine, texts, stamps)
        rows = note_rows(plan)  # made once: the package and its counts both use them
        data = apkg_bytes(replace(plan, rows=rows))
        path = atomic_write(ctx.output / "anki" / ctx.named(f"{exam.slug}-exam.apkg"), data)
        artifacts.append(Artifact.of(path, data, **package_counts(mine, rows)))
        ctx.progress(f"exam-anki: wrote {path} ({len(mine)} notes)")
    return WriterResult(tuple(artifacts),
                        tuple(info(pos, "exam-card-shared", message) for pos, message in shared))



def _plan(guide: Guide, exam: Exam, notes: list[AnkiNote], texts: list[NoteTypeText],
          stamps: ledger.Stamps) -> PackagePlan:
    description = deck_description(guide)
    decks = ((guide.deck_title, description), (f"{guide.deck_title}::Exam", description),
             (deck_name(guide, exam), description))
    return PackagePlan(tuple(notes), tuple(texts), tuple(dict.fromkeys(decks)),
                       {n.guid: stamps.mods[n.guid] for n in notes},
                       {n.guid: stamps.ids[n.guid] + ID_OFFSET for n in notes},
                       {t.note_type.id: stamps.mods[str(t.note_type.id)] for t in texts},
                       max(stamps.mods.values(), default=0))


def _stamp(ctx: BuildContext, notes: list[AnkiNote], texts: list[NoteTypeText],
           now: int) -> ledger.Stamps:
    """Mods that move only when a note changes; the exam ledger is updated (or checked, --locked)."""
    path = exam_ledger_path(ctx)
    entries = [ledger.Entry(n.guid, n.digest[:16], n.identity, n.objective) for n in notes]
    types = [ledger.Entry(str(t.note_type.id), t.digest[:16], t.note_type.name) for t in texts]
    text = ledger.read(path)
    old = None if text is None else ledger.parse(text, str(path))
    stamps = ledger.stamp(old, entries, types, now, None)
    if ctx.locked:
        if old is None or stamps.out_of_date:
            raise ledger.LedgerError(f"{path}: exam identity ledger is missing or out of date; run "
                                     "the build without --locked and commit it")
    elif (new_text := ledger.dump(stamps.data)) != text:  # out of date, or not in the stable layout
        if _writable(path):
            atomic_write(path, new_text)
        else:
            ctx.progress(f"exam-anki: warning: cannot write the exam identity ledger {path}: "
                            f"changed notes get mod {now} (pass --ledger PATH to keep history)")
    for guid in stamps.newly_removed:
        ctx.progress(f"exam-anki: removed since the last build: "
                        f"{stamps.removed[guid]['identity']} (search Id:{guid})")
    return stamps


def _writable(path: Path) -> bool:
    if path.exists():
        return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    return path.parent.is_dir() and os.access(path.parent, os.W_OK)
