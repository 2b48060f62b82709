"""The guide's notes kept between runs of `cheatdeck progress`: making them is most of its time, and
a learner asks again and again of one guide. Keyed by the tool version, the guide's settings and
the bytes of every guide file and of cheatdeck's code; kept only in a cache folder no other user may write."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from builder import __version__
from builder.context import machine_cache
from builder.output import atomic_write
from builder.progress.facts import Fact, GuideNote, GuideNotes, ObjectiveInfo

FORMAT = 1
GUIDE_FILES = ("*.md", "cheatdeck.toml", "pyproject.toml")


def guide_key(sources: list[str], settings: object) -> str:
    """A digest of what the notes are made from: every guide file under `sources`, in order, and
    cheatdeck's own code (a checkout between releases changes the notes without the version)."""
    digest = hashlib.sha256(f"{FORMAT}\x1f{__version__}\x1f{settings!r}".encode("utf-8"))
    for path in sorted(Path(__file__).resolve().parents[1].rglob("*.py")):
        digest.update(path.read_bytes())
    for source in sources:
        root = Path(source)
        files = [root] if root.is_file() else sorted(p for pattern in GUIDE_FILES for p in root.rglob(pattern)
                                                     if p.is_file())
        for path in files:
            digest.update(f"\x1e{path}\x1f".encode("utf-8", "surrogateescape") + path.read_bytes())
    return digest.hexdigest()


def cached_notes(sources: list[str], settings: object, make: Callable[[], GuideNotes]) -> GuideNotes:
    """The notes kept for these sources, else `make()`, kept for the next run."""
    folder = _folder()
    if folder is None:
        return make()
    path = folder / f"{guide_key(sources, settings)}.json"
    try:
        return from_data(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        pass  # absent or unreadable: made again, and written over
    notes = make()
    try:
        atomic_write(path, json.dumps(to_data(notes), ensure_ascii=False))
    except Exception:  # a cache that cannot be written costs time, never the report
        pass
    return notes


def _folder() -> Path | None:
    from builder.anki.media import private

    cache = machine_cache()
    if cache is None:
        return None
    folder = cache / "progress"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    return folder if private(cache) and private(folder) else None


def to_data(notes: GuideNotes) -> dict[str, object]:
    return {"exam": notes.exam, "objectives": [asdict(o) for o in notes.objectives],
            "notes": [asdict(n) for n in notes.notes.values()]}


def from_data(data: dict) -> GuideNotes:  # type: ignore[type-arg]
    def fact(f: dict) -> Fact:  # type: ignore[type-arg]
        return Fact(**{**f, "lines": tuple(f["lines"]), "columns": tuple(tuple(c) for c in f["columns"])})

    notes = [GuideNote(**{**n, "fact": fact(n["fact"])}) for n in data["notes"]]
    return GuideNotes(str(data["exam"]), tuple(ObjectiveInfo(**o) for o in data["objectives"]),
                      {n.guid: n for n in notes})
