"""Release notes from the identity ledger: per objective, the notes added, updated and retired
since the previous release's ledger (the one committed at the previous tag), in a learner's words,
each objective with the Anki search that finds its notes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from builder.anki import ledger
from builder.model import Guide
from builder.version import git_output as _git

CHANGES = "CHANGES.md"
# A note's kind as a learner calls the card.
KIND_WORDS = {"overview": "objective overview", "command": "command", "cited": "cited object",
              "row": "table row", "definition": "definition", "timeline": "timeline event",
              "cloze": "fill-in"}
MAX_LISTED = 40  # items listed per objective and change; the rest are counted
MAX_ID_SEARCH = 50  # notes an `Id:… OR Id:…` search names at most


@dataclass(slots=True)
class ObjectiveChanges:
    """What changed in one objective's notes: readable identities and GUIDs of each change."""

    added: list[tuple[str, str]] = field(default_factory=list)  # (identity, guid)
    changed: list[tuple[str, str]] = field(default_factory=list)
    retired: list[tuple[str, str]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"added": len(self.added), "changed": len(self.changed), "retired": len(self.retired)}


@dataclass(frozen=True, slots=True)
class Changes:
    """The notes that changed between two ledgers, per objective id."""

    since: str | None  # the previous release's tag; None: the first release
    objectives: dict[str, ObjectiveChanges]

    def totals(self) -> dict[str, int]:
        out = {"added": 0, "changed": 0, "retired": 0}
        for one in self.objectives.values():
            for key, n in one.counts().items():
                out[key] += n
        return out


def compare(old: dict[str, object] | None, new: dict[str, object], since: str | None) -> Changes:
    """Notes in `new` and not in `old` are added, in both with another hash updated, in `old`
    and not in `new` (a tombstone now) retired."""
    before: dict[str, dict] = dict((old or {}).get("notes", {}))  # type: ignore[arg-type]
    after: dict[str, dict] = dict(new.get("notes", {}))  # type: ignore[arg-type]
    found: dict[str, ObjectiveChanges] = {}

    def add(kind: str, guid: str, entry: dict) -> None:
        one = found.setdefault(str(entry.get("objective", "")), ObjectiveChanges())
        getattr(one, kind).append((str(entry.get("identity", "")), guid))

    for guid, entry in after.items():
        was = before.get(guid)
        if was is None:
            add("added", guid, entry)
        elif was.get("hash") != entry.get("hash") or was.get("identity") != entry.get("identity"):
            add("changed", guid, entry)
    for guid, entry in before.items():
        if guid not in after:
            add("retired", guid, entry)
    for one in found.values():
        for items in (one.added, one.changed, one.retired):
            items.sort()
    return Changes(since, dict(sorted(found.items(), key=lambda kv: _objective_order(kv[0]))))


def _objective_order(oid: str) -> list[int | str]:
    return [int(p) if p.isdigit() else p for p in oid.split(".")]


def previous_release(folder: Path) -> str | None:
    """The tag of the release before this build: the newest tag below HEAD when HEAD is tagged
    (this build is that tag's release), else the newest tag HEAD descends from."""
    at_head = _git(folder, "tag", "--points-at", "HEAD")
    return _git(folder, "describe", "--tags", "--abbrev=0", "HEAD^" if at_head else "HEAD")


def ledger_at(folder: Path, path: Path, tag: str) -> dict[str, object] | None:
    """The ledger `path` as it was committed at `tag`; None when it did not exist then."""
    top = _git(folder, "rev-parse", "--show-toplevel")
    if top is None:
        return None
    try:
        rel = path.resolve().relative_to(Path(top).resolve()).as_posix()
    except ValueError:
        return None
    text = _git(folder, "show", f"{tag}:{rel}")
    return None if text is None else ledger.parse(text + "\n", f"{tag}:{rel}")


def release_changes(folder: Path, ledger_path: Path) -> Changes | None:
    """What this release changed against the previous one; None without a ledger."""
    current = ledger.load(ledger_path)
    if current is None:
        return None
    since = previous_release(folder)
    return compare(ledger_at(folder, ledger_path, since) if since else None, current, since)


def objective_tag(guide: Guide, oid: str) -> str:
    """The Anki tag every note of an objective carries (as builder.anki.context makes it)."""
    o = next((o for o in guide.objectives if o.id == oid), None)
    topic = o.topic if o is not None else oid.split(".")[0]
    return "".join(f"{'::'.join(guide.exam.split())}::{topic}::{oid}".split())


def manifest_section(guide: Guide, changes: Changes) -> dict[str, object]:
    """The manifest's `changes`: counts per objective with the search that finds its notes."""
    return {"since": changes.since, "notes": changes.totals(),
            "objectives": {oid: {**one.counts(), "search": f"tag:{objective_tag(guide, oid)}"}
                           for oid, one in changes.objectives.items()}}


def learner_words(identity: str) -> str:
    """'352.1 command lsns -p <pid>' -> 'command: `lsns -p <pid>`'."""
    parts = identity.split(" ", 2)
    if len(parts) < 3:
        return identity
    kind, key = parts[1], parts[2]
    return f"{KIND_WORDS.get(kind, kind)}: `{' '.join(key.replace('`', chr(39)).split())}`"


def render_changes(guide: Guide, changes: Changes, version: str | None) -> str:
    """CHANGES.md: the release body, one section per objective that changed."""
    totals = changes.totals()
    title = f"# {guide.exam} {version or ''}".rstrip()
    since = f"since {changes.since}" if changes.since else "in this first release"
    lines = [title, "",
             f"Anki notes {since}: {totals['added']} new, {totals['changed']} updated, "
             f"{totals['retired']} retired.", "",
             "Import the decks as usual (docs/anki.md): updated notes keep their reviews. "
             "Retired notes stay in your collection until you delete them: `removed.txt` has "
             "the search that finds them.", ""]
    titles = {o.id: o.title for o in guide.objectives}
    for oid, one in changes.objectives.items():
        lines += [f"## {oid} {titles.get(oid, '')}".rstrip(), "",
                  f"Find its notes in Anki's Browse window: `tag:{objective_tag(guide, oid)}`", ""]
        for label, items in (("New", one.added), ("Updated", one.changed), ("Retired", one.retired)):
            if not items:
                continue
            lines.append(f"{label} ({len(items)}):")
            lines += [f"- {learner_words(identity)}" for identity, _ in items[:MAX_LISTED]]
            if len(items) > MAX_LISTED:
                lines.append(f"- … and {len(items) - MAX_LISTED} more")
            if label != "Retired" and len(items) <= MAX_ID_SEARCH:
                lines.append(f"- search: `{' OR '.join(f'Id:{guid}' for _, guid in items)}`")
            lines.append("")
    if not changes.objectives:
        lines += ["No note changed.", ""]
    return "\n".join(lines)
