"""The Anki writer: dist/anki/<exam>.apkg, one .apkg per topic, and removed.txt."""

from __future__ import annotations

import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from builder.anki import ledger
from builder.anki.notes import AnkiNote, deck_description, deck_name, guide_notes
from builder.anki.notetypes import NoteTypeText, load_text, note_types_for
from builder.anki.package import PackagePlan, write_package
from builder.config import BuildConfig
from builder.model import Guide, Topic
from builder.output import atomic_write

NAME = "anki"
LEDGER_NAME = "cheatdeck.lock"
REMOVED_NAME = "removed.txt"


def build_time() -> int:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(epoch) if epoch.isdigit() else int(time.time())


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "deck"


def ledger_path(config: BuildConfig) -> Path:
    option = config.options.get("ledger")
    return Path(str(option)) if option else config.source_root / LEDGER_NAME


def write(guide: Guide, config: BuildConfig) -> list[Path]:
    override = config.options.get("templates_dir")
    texts = [load_text(nt, Path(str(override)) if override else None, guide.lang)
             for nt in note_types_for(guide.lang)]
    notes = guide_notes(guide, config.source_root)
    stamps = _stamp(guide, config, notes, texts, build_time())
    out = config.output / "anki"
    jobs: list[tuple[Path, Topic | None, list[AnkiNote]]] = [
        (out / f"{slug(guide.deck_title)}.apkg", None, notes)]
    by_objective: dict[str, list[AnkiNote]] = {}
    for note in notes:
        by_objective.setdefault(note.objective, []).append(note)
    for topic in guide.topics:
        mine = [n for o in topic.objectives for n in by_objective.get(o.id, [])]
        jobs.append((out / f"{slug(guide.deck_title)}-{slug(topic.number)}.apkg", topic, mine))
    # sqlite and zlib release the GIL, so packages built side by side share the cores.
    with ThreadPoolExecutor(max_workers=_workers(config, len(jobs))) as pool:
        outputs = list(pool.map(lambda job: _package(job[0], guide, job[1], job[2], texts, stamps),
                                jobs))
    outputs.append(atomic_write(out / REMOVED_NAME, removed_text(stamps.removed)))
    for path in outputs:
        config.progress(f"anki: wrote {path}")
    return outputs


def _workers(config: BuildConfig, packages: int) -> int:
    """Threads for packaging: one per package, at most --jobs (default: the cores)."""
    return max(1, min(packages, int(config.options.get("jobs") or 0) or os.cpu_count() or 1))


def _stamp(guide: Guide, config: BuildConfig, notes: list[AnkiNote], texts: list[NoteTypeText],
           now: int) -> ledger.Stamps:
    """Mods and ids from the ledger; update it, or fail under --locked when it is out of date."""
    path = ledger_path(config)
    entries = [ledger.Entry(n.guid, n.digest[:16], n.identity, n.objective) for n in notes]
    types = [ledger.Entry(str(t.note_type.id), t.digest[:16], t.note_type.name) for t in texts]
    scope = {o.id for o in guide.objectives} if config.only else None
    old = ledger.load(path)
    stamps = ledger.stamp(old, entries, types, now, scope)
    if old is None and not notes:
        return stamps  # nothing built (an empty --only selection): no ledger to start
    if config.options.get("locked"):
        _check_locked(path, old, stamps)
    elif old is None and not _writable(path):
        config.progress(f"anki: warning: no identity ledger at {path} and it cannot be created: "
                        f"every note gets mod {now} (pass --ledger PATH to keep update history)")
    elif (text := ledger.dump(stamps.data)) != (ledger.dump(old) if old is not None else None):
        if _writable(path):
            atomic_write(path, text)
        else:
            config.progress(f"anki: warning: identity ledger {path} is read-only and out of date")
    for guid in stamps.newly_removed:
        config.progress(f"anki: removed since the last build: {stamps.removed[guid]['identity']} "
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


def _package(path: Path, guide: Guide, topic: Topic | None, notes: list[AnkiNote],
             texts: list[NoteTypeText], stamps: ledger.Stamps) -> Path:
    topics = [topic] if topic else list(guide.topics)
    description = deck_description(guide)
    decks = [(guide.deck_title, description)]
    for t in topics:
        decks.append((deck_name(guide, t), description))
        decks += [(deck_name(guide, t, o), description) for o in t.objectives]
    plan = PackagePlan(tuple(notes), tuple(texts), tuple(decks),
                       {n.guid: stamps.mods[n.guid] for n in notes},
                       {n.guid: stamps.ids[n.guid] for n in notes},
                       {t.note_type.id: stamps.mods[str(t.note_type.id)] for t in texts},
                       max(stamps.mods.values(), default=0))
    return write_package(path, plan)


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
