"""A learner's Anki collection, read from a temporary copy through Anki's own backend (the one
module that imports `anki`): cards, their memory state and the review log, never written back."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from builder.diagnostics import BuildError

EXTRA = "pip install 'cheatdeck[progress]'"
DAY = 86_400
HELP = ("open it in Anki and run Tools > Check Database, or export a backup with "
        "File > Export (Anki Collection Package, .colpkg) and pass that")


class CollectionError(BuildError):
    """The collection cannot be read: missing backend, open in Anki, corrupt."""


@dataclass(frozen=True, slots=True)
class CardState:
    """One card as the scheduler left it."""

    id: int
    guid: str  # its note's GUID
    tags: tuple[str, ...]  # its note's tags
    type: int  # 0 new, 1 learning, 2 review, 3 relearning
    suspended: bool  # suspended or buried: never counted due
    due_in: int | None  # days from today to its due day (<= 0: due); None for new cards
    ivl: int  # days
    lapses: int
    stability: float | None  # FSRS memory state, days; None without one
    decay: float | None  # FSRS decay of its preset (FSRS-6), None for the FSRS-5 curve
    last_review: int | None  # days since its last review; None when never reviewed


@dataclass(frozen=True, slots=True)
class Review:
    """One entry of the review log."""

    card: int
    days_ago: int  # 0: today
    ease: int  # 1 Again .. 4 Easy; 0 a manual reschedule
    kind: int  # 0 learning, 1 review, 2 relearning, 3 filtered, 4 manual, 5 rescheduled


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What the report reads of a collection."""

    today: date  # the collection's current day (Anki's day starts at its rollover hour)
    fsrs: bool  # the collection schedules with FSRS
    cards: tuple[CardState, ...]
    reviews: tuple[Review, ...]  # the last `window` days only


def read_collection(path: Path, window: int = 30) -> Snapshot:
    """Copy `path` (a collection.anki2 or a .colpkg) to a temporary folder and read the copy."""
    try:
        from anki.collection import Collection
    except ImportError:
        raise CollectionError(f"reading an Anki collection needs Anki's backend: {EXTRA}") from None
    if not path.is_file():
        raise CollectionError(f"{path}: no such file (a collection.anki2 or a .colpkg backup)")
    with tempfile.TemporaryDirectory(prefix="cheatdeck-progress-") as tmp:
        copy = Path(tmp) / "collection.anki2"
        if zipfile.is_zipfile(path):
            _restore_package(path, copy)
        else:
            _copy_database(path, copy)
        try:
            col = Collection(str(copy))
        except Exception as exc:  # the backend's DBError and friends: all one answer to the user
            raise CollectionError(f"{path}: not a readable Anki collection ({_first_line(exc)}): {HELP}") from None
        try:  # the scheduler's own day and setting; the rows are read with SQLite, faster than the backend
            today, cutoff, fsrs = col.sched.today, col.sched.day_cutoff, bool(col.get_config("fsrs", False))
        finally:
            col.close()
        db = sqlite3.connect(copy)
        db.create_collation("unicase", _unicase)
        try:
            return _snapshot(db, today, cutoff, fsrs, window)
        except sqlite3.Error as exc:
            raise CollectionError(f"{path}: not a readable Anki collection ({exc}): {HELP}") from None
        finally:
            db.close()


def _restore_package(path: Path, copy: Path) -> None:
    """A .colpkg (the legacy collection.anki2, or collection.anki21b compressed with zstd) restored
    by Anki's own importer into the temporary folder."""
    from anki._backend import RustBackend

    try:
        RustBackend().import_collection_package(col_path=str(copy), backup_path=str(path),
                                                media_folder=str(copy.parent / "media"),
                                                media_db=str(copy.parent / "media.db"))
    except Exception as exc:
        raise CollectionError(f"{path}: not a readable Anki collection package ({_first_line(exc)}): "
                              f"export it again with File > Export (.colpkg)") from None


def _copy_database(path: Path, copy: Path) -> None:
    """The database and its -wal copied together, then made one consistent file with SQLite's
    backup API in the temporary folder; a file that changed meanwhile (Anki has it open) is refused."""
    wal = path.with_name(path.name + "-wal")
    raw = copy.with_name("raw.anki2")
    before = _stamp(path, wal)
    shutil.copyfile(path, raw)
    if wal.exists():
        shutil.copyfile(wal, raw.with_name(raw.name + "-wal"))
    if _stamp(path, wal) != before:
        raise CollectionError(f"{path}: changed while it was copied (Anki has it open): close Anki, "
                              f"or export a .colpkg with File > Export, and run this again")
    try:
        source = sqlite3.connect(raw)
        # Anki's indexes sort by its own collation; SQLite's check needs one of that name.
        source.create_collation("unicase", _unicase)
        try:
            if source.execute("pragma quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("quick_check failed")
            target = sqlite3.connect(copy)
            source.backup(target)
            target.close()
        finally:
            source.close()
    except sqlite3.Error as exc:
        raise CollectionError(f"{path}: not a readable Anki collection ({exc}): {HELP}") from None


def _unicase(a: str, b: str) -> int:
    a, b = a.casefold(), b.casefold()
    return (a > b) - (a < b)


def _stamp(*paths: Path) -> tuple[tuple[int, int] | None, ...]:
    return tuple((s.st_size, s.st_mtime_ns) if (s := _stat(p)) else None for p in paths)


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except FileNotFoundError:
        return None


def _snapshot(db: sqlite3.Connection, today: int, cutoff: int, fsrs: bool, window: int) -> Snapshot:
    last = dict(db.execute("select cid, max(id) from revlog where type < 4 or ease > 0 group by cid"))
    cards = []
    for cid, guid, tags, ctype, queue, due, odue, odid, ivl, lapses, data in db.execute(
            "select c.id, n.guid, n.tags, c.type, c.queue, c.due, c.odue, c.odid, c.ivl, c.lapses, "
            "c.data from cards c join notes n on c.nid = n.id"):
        memory = _memory(data) if fsrs else {}  # the state is read only where it is used
        stability, decay = memory.get("s"), memory.get("decay")
        seen_at = last.get(cid)
        cards.append(CardState(
            cid, guid, tuple(tags.split()), ctype, queue < 0,
            _due_in(ctype, queue, odue if odid else due, today, cutoff), ivl, lapses,
            float(stability) if stability else None, float(decay) if decay else None,
            _days_ago(seen_at / 1000, cutoff) if seen_at else None))
    since = (cutoff - window * DAY) * 1000
    reviews = tuple(Review(cid, _days_ago(rid / 1000, cutoff), ease, kind) for rid, cid, ease, kind in
                    db.execute("select id, cid, ease, type from revlog where id >= ?", (since,)))
    day = datetime.fromtimestamp(cutoff - DAY).date()
    return Snapshot(day, fsrs, tuple(cards), reviews)


def _memory(data: str) -> dict[str, float]:
    try:
        value = json.loads(data) if data else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _due_in(ctype: int, queue: int, due: int, today: int, cutoff: int) -> int | None:
    """Days from today to the card's due day: review and day-learning cards count days, (re)learning
    cards a timestamp."""
    if ctype == 0:
        return None
    if queue == 1 or (queue < 0 and ctype in (1, 3) and due > 1_000_000_000):
        return 0 if due < cutoff else -(-(due - cutoff + 1) // DAY)
    return due - today


def _days_ago(timestamp: float, cutoff: int) -> int:
    return max(0, int((cutoff - 1 - timestamp) // DAY))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__

