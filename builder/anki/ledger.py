"""The identity ledger (cheatdeck.lock): per note and note type, its content hash and last `mod`.

Anki's importer updates a GUID-matched note only when the incoming `mod` is newer, so a note's
`mod` must move exactly when its content does. The ledger remembers both across builds, and
keeps tombstones of notes that disappeared so that the build can list them for deletion.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from builder.anki import ledger_check
from builder.diagnostics import BuildError
from builder.media import MediaRejected, read_bounded

FORMAT = 1
ID_STEP = 16  # note ids are spaced so that card ids (note id + template ordinal) never collide
# A new note's id comes from its GUID: a slot in a range of past millisecond timestamps
# (2001-09-09 onwards, ~17 years), like the ids Anki itself makes, far below 2**53.
ID_BASE = 1_000_000_000_000
ID_SLOTS = 1 << 35
MAX_LEDGER_BYTES = 64 * 1024 * 1024  # the ledger of a guide 20 times LPIC-3's is 12.5 MB
MERGE_HELP = ("run `cheatdeck ledger merge BASE OURS THEIRS` on the three versions, or set up "
              "the merge driver (docs/anki.md) and run `git checkout -m {path}`")


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


def note_id(guid: str, used: set[int]) -> int:
    """The id a new note gets: its GUID's hash slot, or the next free slot after it."""
    digest = hashlib.sha256(guid.encode("utf-8")).digest()
    slot = (int.from_bytes(digest[:7], "big") >> 4) % ID_SLOTS  # 52 bits of the hash
    while (nid := ID_BASE + ID_STEP * slot) in used:
        slot = (slot + 1) % ID_SLOTS
    return nid


def read(path: Path) -> str | None:
    """The ledger file's text, or None when there is none yet. It is opened as a guide is: a
    regular file only (a FIFO, /dev/stdin or /dev/zero is refused without blocking or reading),
    never more than MAX_LEDGER_BYTES read."""
    try:
        return read_bounded(path, MAX_LEDGER_BYTES, what="a ledger").decode("utf-8")
    except FileNotFoundError:
        return None
    except MediaRejected as exc:
        raise LedgerError(f"{path}: cannot read the identity ledger: {exc}") from exc
    except (OSError, ValueError) as exc:
        raise LedgerError(f"{path}: cannot read the identity ledger: {exc}") from exc


def load(path: Path) -> dict[str, object] | None:
    """The ledger at `path`, or None when there is none yet."""
    text = read(path)
    return None if text is None else parse(text, str(path))


def parse(text: str, name: str) -> dict[str, object]:
    """A ledger's text, checked: conflict markers, JSON, the schema and unique note ids."""
    line = ledger_check.conflict_line(text)
    if line is not None:
        raise LedgerError(f"{name}:{line}: the identity ledger has git conflict markers; "
                          + MERGE_HELP.format(path=name))
    try:
        data = ledger_check.parse(text)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise LedgerError(f"{name}: not a cheatdeck identity ledger of format {FORMAT}")
        ledger_check.check(data)
    except ValueError as exc:
        raise LedgerError(f"{name}: cannot read the identity ledger: {exc}") from exc
    except RecursionError as exc:
        raise LedgerError(f"{name}: cannot read the identity ledger: it nests too deeply to be "
                          "a ledger; restore the file from git") from exc
    except ledger_check.ShapeFault as exc:
        raise LedgerError(f"{name}:{ledger_check.line_of(text, exc.where)}: identity ledger entry "
                          f"{ledger_check.describe(exc.where)} {exc.problem}; fix or delete that "
                          f"entry, restore the file from git, or redo a merge with "
                          f"`cheatdeck ledger merge`") from exc
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


def used_ids(data: dict[str, object]) -> set[int]:
    """Every note id a ledger holds, tombstones included (a removed note may come back)."""
    return {int(e["id"]) for section in ("notes", "removed")  # type: ignore[index]
            for e in data.get(section, {}).values() if "id" in e}  # type: ignore[attr-defined]


def stamp(ledger: dict[str, object] | None, notes: list[Entry], types: list[Entry], now: int,
          scope: set[str] | None) -> Stamps:
    """Mods and ids for this build; `scope` limits removals to the objectives built (None: all)."""
    old = ledger or {}
    old_notes: dict[str, dict] = dict(old.get("notes", {}))  # type: ignore[arg-type]
    old_types: dict[str, dict] = dict(old.get("note_types", {}))  # type: ignore[arg-type]
    stamps = Stamps(removed=dict(old.get("removed", {})))  # type: ignore[arg-type]
    new_notes = {}
    for entry in notes:
        # A returning note is stamped against its tombstone: its old id, a mod above its last.
        tombstone = stamps.removed.pop(entry.key, None)
        new_notes[entry.key] = _stamp_one(entry, old_notes.get(entry.key) or tombstone, now, stamps)
    # New ids after all kept ones, in GUID order: the same notes get the same ids in any order.
    used = used_ids(old)
    for guid in sorted(g for g, r in new_notes.items() if "id" not in r):
        new_notes[guid]["id"] = note_id(guid, used)
        used.add(new_notes[guid]["id"])  # type: ignore[arg-type]
    stamps.ids = {e.key: int(new_notes[e.key]["id"]) for e in notes}  # type: ignore[arg-type]
    for guid, record in old_notes.items():
        if guid in new_notes:
            continue
        if scope is not None and record.get("objective") not in scope:
            new_notes[guid] = record  # a partial build says nothing about other objectives
            continue
        stamps.newly_removed.append(guid)
        stamps.removed[guid] = {"identity": record.get("identity", ""),
                                "objective": record.get("objective", ""), "removed": now,
                                "id": record["id"], "mod": record["mod"]}
    new_types = {entry.key: _stamp_one(entry, old_types.get(entry.key), now, stamps)
                 for entry in types}
    stamps.data = {"format": FORMAT, "note_types": new_types, "notes": new_notes,
                   "removed": stamps.removed}
    return stamps


def _stamp_one(entry: Entry, old: dict | None, now: int, stamps: Stamps) -> dict[str, object]:
    """The entry's record; a new one has no id yet. `old` may be a tombstone (no hash)."""
    record: dict[str, object] = {"hash": entry.digest, "identity": entry.identity}
    if entry.objective:
        record["objective"] = entry.objective
    if "id" in (old or {}):
        record["id"] = old["id"]  # type: ignore[index]
    if old is None or "hash" not in old:
        # New, or back from the tombstones: strictly newer than any mod it had, or Anki's
        # "update if newer" would keep the wording a learner imported before.
        record["mod"] = max(now, int(old["mod"]) + 1) if old and "mod" in old else now
        stamps.new.append(entry.key)
    elif old.get("hash") != entry.digest or old.get("identity") != entry.identity:
        # Strictly newer than the recorded mod, or Anki would skip the update.
        record["mod"] = max(now, int(old["mod"]) + 1)
        stamps.changed.append(entry.key)
    else:
        record["mod"] = int(old["mod"])
        if record == old:  # unchanged: share the parsed entry (a large guide's ledger is not held twice)
            record = old
    stamps.mods[entry.key] = int(record["mod"])  # type: ignore[arg-type]
    return record
