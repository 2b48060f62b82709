"""The identity ledger (cheatdeck.lock): per note and note type, its content hash and last `mod`.

Anki's importer updates a GUID-matched note only when the incoming `mod` is newer, so a note's
`mod` must move exactly when its content does. The ledger remembers both across builds, and
keeps tombstones of notes that disappeared so that the build can list them for deletion.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from builder.diagnostics import BuildError

FORMAT = 1
ID_STEP = 16  # note ids are spaced so that card ids (note id + template ordinal) never collide


class LedgerError(BuildError):
    """The ledger cannot be read, or is out of date under --locked."""


@dataclass(frozen=True, slots=True)
class Entry:
    """What the ledger records for one built note (or note type)."""

    key: str  # GUID, or the note type ID
    digest: str  # content hash
    identity: str  # readable identity, for removed.txt
    objective: str = ""  # "" for note types


@dataclass(slots=True)
class Stamps:
    """The result of comparing a build with the ledger: the mod and id of everything built."""

    mods: dict[str, int] = field(default_factory=dict)  # GUID or note type ID -> mod
    ids: dict[str, int] = field(default_factory=dict)  # GUID -> note id
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: dict[str, dict[str, object]] = field(default_factory=dict)  # tombstones, all of them
    newly_removed: list[str] = field(default_factory=list)
    data: dict[str, object] = field(default_factory=dict)  # the ledger as it should now be

    @property
    def out_of_date(self) -> bool:
        return bool(self.new or self.changed or self.newly_removed)


def load(path: Path) -> dict[str, object] | None:
    """The ledger at `path`, or None when there is none yet."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise LedgerError(f"{path}: cannot read the identity ledger: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise LedgerError(f"{path}: not a cheatdeck identity ledger of format {FORMAT}")
    return data


# One encoder for every entry: json.dumps with options builds a new one per call.
_ENTRY = json.JSONEncoder(sort_keys=True, ensure_ascii=False)


def dump(data: dict[str, object]) -> str:
    """Stable text: sorted keys, one entry per line, so diffs of the lock file are readable."""
    lines = ["{", f' "format": {FORMAT},']
    for section in ("note_types", "notes", "removed"):
        entries = data.get(section, {})
        assert isinstance(entries, dict)
        body = ",\n".join(f"  {json.dumps(k)}: {_ENTRY.encode(v)}" for k, v in sorted(entries.items()))
        comma = "," if section != "removed" else ""
        lines.append(f' "{section}": {{\n{body}\n }}{comma}' if body else f' "{section}": {{}}{comma}')
    return "\n".join(lines) + "\n}\n"


def stamp(ledger: dict[str, object] | None, notes: list[Entry], types: list[Entry], now: int,
          scope: set[str] | None) -> Stamps:
    """Mods and ids for this build; `scope` limits removals to the objectives built (None: all)."""
    old = ledger or {}
    old_notes: dict[str, dict] = dict(old.get("notes", {}))  # type: ignore[arg-type]
    old_types: dict[str, dict] = dict(old.get("note_types", {}))  # type: ignore[arg-type]
    stamps = Stamps(removed=dict(old.get("removed", {})))  # type: ignore[arg-type]
    next_id = max([now * 1000] + [int(e["id"]) + ID_STEP for e in old_notes.values()])
    new_notes = {}
    for entry in notes:
        record, next_id = _stamp_one(entry, old_notes.get(entry.key), now, next_id, stamps)
        stamps.ids[entry.key] = int(record["id"])
        stamps.removed.pop(entry.key, None)
        new_notes[entry.key] = record
    for guid, record in old_notes.items():
        if guid in new_notes:
            continue
        if scope is not None and record.get("objective") not in scope:
            new_notes[guid] = record  # a partial build says nothing about other objectives
            continue
        stamps.newly_removed.append(guid)
        stamps.removed[guid] = {"identity": record.get("identity", ""),
                                "objective": record.get("objective", ""), "removed": now}
    new_types = {}
    for entry in types:
        record, _ = _stamp_one(entry, old_types.get(entry.key), now, 0, stamps)
        record.pop("id", None)
        new_types[entry.key] = record
    stamps.data = {"format": FORMAT, "note_types": new_types, "notes": new_notes,
                   "removed": stamps.removed}
    return stamps


def _stamp_one(entry: Entry, old: dict | None, now: int, next_id: int,
               stamps: Stamps) -> tuple[dict[str, object], int]:
    record: dict[str, object] = {"hash": entry.digest, "identity": entry.identity}
    if entry.objective:
        record["objective"] = entry.objective
    if old is None:
        record.update(mod=now, id=next_id)
        stamps.new.append(entry.key)
        next_id += ID_STEP
    elif old.get("hash") != entry.digest or old.get("identity") != entry.identity:
        # Strictly newer than the recorded mod, or Anki would skip the update.
        record.update(mod=max(now, int(old["mod"]) + 1), id=old.get("id", next_id))
        stamps.changed.append(entry.key)
    else:
        record.update(mod=int(old["mod"]), id=old.get("id", next_id))
    stamps.mods[entry.key] = int(record["mod"])  # type: ignore[arg-type]
    return record, next_id

