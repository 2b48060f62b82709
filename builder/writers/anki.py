"""The Anki writer: dist/anki/<exam>.apkg, one .apkg per topic, and removed.txt."""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from builder.anki import ledger
from builder.anki.links import linked
from builder.anki.notes import AnkiNote, deck_description, deck_name, guide_notes
from builder.anki.notetypes import NoteTypeText, load_text, note_types_for
from builder.anki.media import build_media
from builder.anki.package import NoteRows, PackagePlan, note_rows, package_counts, write_package
from builder.artifacts import Artifact, WriterResult
from builder.context import BuildContext
from builder.model import Guide, Topic
from builder.output import atomic_write

NAME = "anki"
REMOVED_NAME = "removed.txt"


@dataclass(frozen=True, slots=True)
class Options:
    """The deck writer's options (the ledger, --locked and --templates are the build's)."""

    image_max_side: int = 1600  # longest side of deck images in pixels; 0: images as they are


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "deck"


def write(guide: Guide, ctx: BuildContext) -> WriterResult:
    options: Options = ctx.options_for(NAME, Options)
    texts = [load_text(nt, ctx.templates, guide.lang) for nt in note_types_for(guide.lang)]
    with build_media(guide, ctx.source_root, ctx.output, options.image_max_side,
                     _workers(ctx, len(guide.objectives)), ctx.machine_cache,
                     reuse=not ctx.release) as media:  # a release prepares every image itself
        notes = guide_notes(guide, ctx.source_root, media)
    stamps = _stamp(guide, ctx, notes, texts, ctx.time.stamp)
    # After the ledger's hashes: a link that moves with each commit changes no note's `mod`.
    notes = [linked(n, ctx.source_links, guide.lang) for n in notes]
    out = ctx.output / "anki"
    stem = slug(ctx.title or guide.deck_title)  # a translation is named after the guide
    jobs: list[tuple[Path, Topic | None, list[AnkiNote]]] = [
        (out / ctx.named(f"{stem}.apkg"), None, notes)]
    by_objective: dict[str, list[AnkiNote]] = {}
    for note in notes:
        by_objective.setdefault(note.objective, []).append(note)
    for topic in guide.topics:
        mine = [n for o in topic.objectives for n in by_objective.get(o.id, [])]
        jobs.append((out / ctx.named(f"{stem}-{slug(topic.number)}.apkg"), topic, mine))
    # Topic packages filter the whole guide's note and card rows instead of making them again.
    rows = note_rows(_plan(guide, None, notes, texts, stamps))
    # sqlite and zlib release the GIL, so packages built side by side share the cores.
    with ThreadPoolExecutor(max_workers=_workers(ctx, len(jobs))) as pool:
        packages = list(pool.map(
            lambda job: write_package(job[0], _plan(guide, job[1], job[2], texts, stamps, rows)), jobs))
    artifacts = [Artifact.of(path, **package_counts(mine, rows))  # read back for its sha256
                 for path, (_, _, mine) in zip(packages, jobs)]
    removed = removed_text(stamps.removed).encode("utf-8")
    artifacts.append(Artifact.of(atomic_write(out / ctx.named(REMOVED_NAME), removed), removed))
    for artifact in artifacts:
        ctx.progress(f"anki: wrote {artifact.path}")
    return WriterResult(tuple(artifacts))


def _workers(ctx: BuildContext, packages: int) -> int:
    """Threads for packaging: one per package, at most --jobs (default: the cores)."""
    return max(1, min(packages, ctx.jobs or os.cpu_count() or 1))


def _stamp(guide: Guide, ctx: BuildContext, notes: list[AnkiNote], texts: list[NoteTypeText],
           now: int) -> ledger.Stamps:
    """Mods and ids from the ledger; update it, or fail under --locked when it is out of date."""
    path = ctx.ledger
    entries = [ledger.Entry(n.guid, n.digest[:16], n.identity, n.objective) for n in notes]
    types = [ledger.Entry(str(t.note_type.id), t.digest[:16], t.note_type.name) for t in texts]
    scope = {o.id for o in guide.objectives} if ctx.only else None
    text = ledger.read(path)
    old = None if text is None else ledger.parse(text, str(path))
    stamps = ledger.stamp(old, entries, types, now, scope)
    if old is None and not notes:
        return stamps  # nothing built (an empty --only selection): no ledger to start
    if ctx.locked:
        _check_locked(path, old, stamps)
    elif old is None and not _writable(path):
        ctx.progress(f"anki: warning: no identity ledger at {path} and it cannot be created: "
                        f"every note gets mod {now} (pass --ledger PATH to keep update history)")
    elif (new_text := ledger.dump(stamps.data)) != text:  # out of date, or not in the stable layout
        if _writable(path):
            atomic_write(path, new_text)
        else:
            ctx.progress(f"anki: warning: identity ledger {path} is read-only and out of date")
    stamps.data = {}  # written: a large guide's ledger is tens of MB, not needed again
    for guid in stamps.newly_removed:
        ctx.progress(f"anki: removed since the last build: {stamps.removed[guid]['identity']} "
                        f"(search Id:{guid})")
    return stamps


def _check_locked(path: Path, old: dict[str, object] | None, stamps: ledger.Stamps) -> None:
    if old is None:
        raise ledger.LedgerError(f"{path}: no identity ledger; run the build without --locked "
                                 f"to create it")
    if stamps.out_of_date:
        raise ledger.LedgerError(
            f"{path}: identity ledger is out of date ({len(stamps.new)} new, {len(stamps.changed)} "
            f"changed, {len(stamps.newly_removed)} removed); run the build without --locked "
            f"and commit it")


def _writable(path: Path) -> bool:
    if path.exists():
        return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    return path.parent.is_dir() and os.access(path.parent, os.W_OK)


def _plan(guide: Guide, topic: Topic | None, notes: list[AnkiNote], texts: list[NoteTypeText],
          stamps: ledger.Stamps, rows: NoteRows | None = None) -> PackagePlan:
    topics = [topic] if topic else list(guide.topics)
    description = deck_description(guide)
    decks = [(guide.deck_title, description)]
    for t in topics:
        decks.append((deck_name(guide, t), description))
        decks += [(deck_name(guide, t, o), description) for o in t.objectives]
    return PackagePlan(tuple(notes), tuple(texts), tuple(decks),
                       {n.guid: stamps.mods[n.guid] for n in notes},
                       {n.guid: stamps.ids[n.guid] for n in notes},
                       {t.note_type.id: stamps.mods[str(t.note_type.id)] for t in texts},
                       max(stamps.mods.values(), default=0), rows)


def removed_text(removed: dict[str, dict[str, object]]) -> str:
    """removed.txt: notes earlier builds made that this one does not, with Anki searches."""
    lines = ["# Notes that an earlier build of this guide made and this build no longer makes.",
             "# An .apkg cannot delete notes: paste a search into Anki's Browse window and delete",
             "# the notes it finds (Notes > Delete) if you no longer want them.", ""]
    if not removed:
        return "\n".join(lines + ["# (none)", ""])
    ordered = sorted(removed.items(), key=lambda kv: (str(kv[1].get("identity")), kv[0]))
    lines += ["# all of them at once:", " OR ".join(f"Id:{guid}" for guid, _ in ordered), "",
              "# one by one:"]
    lines += [f"Id:{guid}\t{entry.get('identity', '')}" for guid, entry in ordered]
    return "\n".join(lines) + "\n"
