"""Three-way merge of identity ledgers (a git merge driver): union of notes, newer mods, unique ids."""

from __future__ import annotations

from pathlib import Path

from builder.anki.ledger import FORMAT, LedgerError, dump, note_id, parse, read
from builder.output import atomic_write

Record = dict[str, object]
State = tuple[str, Record] | None  # (section, record) of one GUID in one version, or absent
SIDES = ("base", "ours", "theirs")


def merge_files(base: Path, ours: Path, theirs: Path) -> str:
    """Merge BASE, OURS and THEIRS and write the result over OURS; returns a one-line summary."""
    data = [_read(path) for path in (base, ours, theirs)]
    merged, moved = merge(*data)
    atomic_write(ours, dump(merged))
    notes, removed = merged["notes"], merged["removed"]
    assert isinstance(notes, dict) and isinstance(removed, dict)
    return (f"merged identity ledger: {len(notes)} notes, {len(removed)} removed, "
            f"{moved} new id(s) moved off a clash")


def _read(path: Path) -> dict[str, object]:
    text = read(path)  # a regular file, capped: git hands the driver paths, a user anything
    if text is None:
        raise LedgerError(f"{path}: cannot read the identity ledger: no such file")
    # git gives an empty base when both sides added the file.
    return parse(text, str(path)) if text.strip() else {"format": FORMAT}


def merge(base: dict[str, object], ours: dict[str, object],
          theirs: dict[str, object]) -> tuple[dict[str, object], int]:
    """The merged ledger, and how many notes got a new id because two sides gave one id twice."""
    versions = (base, ours, theirs)
    types = [_section(v, "note_types") for v in versions]
    merged_types = {}
    for key in sorted(set().union(*types)):
        chosen = _resolve(*(("note_types", t[key]) if key in t else None for t in types))
        if chosen is not None:
            merged_types[key] = chosen[1]
    notes: dict[str, Record] = {}
    removed: dict[str, Record] = {}
    origin: dict[str, int] = {}  # GUID -> which version its id comes from (0 base, 1 ours, 2 theirs)
    states = [_note_states(v) for v in versions]
    for guid in sorted(set().union(*states)):
        per_side = [s.get(guid) for s in states]
        chosen = _resolve(*per_side)
        if chosen is None:
            continue
        section, record = chosen
        record = dict(record)
        for i, state in enumerate(per_side):  # the oldest known id: base, then ours
            if state is not None and "id" in state[1]:
                record["id"], origin[guid] = state[1]["id"], i
                break
        (notes if section == "notes" else removed)[guid] = record
    moved = _reassign_clashes(notes, removed, origin)
    return {"format": FORMAT, "note_types": merged_types, "notes": notes, "removed": removed}, moved


def _section(data: dict[str, object], name: str) -> dict[str, Record]:
    section = data.get(name, {})
    assert isinstance(section, dict)
    return section


def _note_states(data: dict[str, object]) -> dict[str, tuple[str, Record]]:
    states = {guid: ("removed", r) for guid, r in _section(data, "removed").items()}
    states.update({guid: ("notes", r) for guid, r in _section(data, "notes").items()})
    return states


def _resolve(base: State, ours: State, theirs: State) -> State:
    """What one side changed wins; when both changed, a live note beats a tombstone, then the
    newer mod (ours on a tie), and the winner's mod is one above both sides' (with one
    SOURCE_DATE_EPOCH both sides stamp the same mod: keeping it, a learner who imported the
    losing side's text would never be updated, as Anki imports only newer notes)."""
    if ours == theirs or theirs == base:
        return ours
    if ours == base:
        return theirs
    if ours is None or theirs is None:
        return ours or theirs
    rank = [(side[0] == "notes", _mod(side[1])) for side in (ours, theirs)]
    winner, loser = (ours, theirs) if rank[0] >= rank[1] else (theirs, ours)
    record = dict(winner[1])
    if "mod" in record or "mod" in loser[1]:
        record["mod"] = max(_mod(winner[1]), _mod(loser[1])) + 1
    return winner[0], record


def _mod(record: Record) -> int:
    return int(record.get("mod", record.get("removed", 0)))  # type: ignore[arg-type]


def _reassign_clashes(notes: dict[str, Record], removed: dict[str, Record],
                      origin: dict[str, int]) -> int:
    """Two GUIDs with one id (new notes on both sides): the older source keeps it, the other
    note takes its next free slot. Anki matches notes by GUID, so a moved id changes nothing
    for a learner who imported either side."""
    records = {**removed, **notes}
    by_id: dict[int, list[str]] = {}
    for guid, record in records.items():
        if "id" in record:
            by_id.setdefault(int(record["id"]), []).append(guid)  # type: ignore[arg-type]
    used = set(by_id)
    moved = 0
    for guids in by_id.values():
        for guid in sorted(guids, key=lambda g: (origin.get(g, 3), g))[1:]:
            records[guid]["id"] = note_id(guid, used)
            used.add(records[guid]["id"])  # type: ignore[arg-type]
            moved += 1
    return moved
