"""What a writer returns: the files it wrote with what they hold, and what it found on the way."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from builder.diagnostics import Diagnostic


@dataclass(frozen=True, slots=True)
class Artifact:
    """One written file: its size and sha256, and what is inside (decks: notes and cards per
    kind; PDFs: pages). The release manifest is made from these, never by re-opening files."""

    path: Path
    size: int
    sha256: str
    notes: Mapping[str, int] | None = None  # notes per kind (decks)
    cards: Mapping[str, int] | None = None  # cards per kind (decks)
    pages: int | None = None  # PDFs

    @classmethod
    def of(cls, path: Path, data: bytes | None = None, **inside: object) -> Artifact:
        """The artifact for a file just written; `data` (its bytes) spares reading it back."""
        if data is None:
            data = path.read_bytes()
        return cls(path, len(data), hashlib.sha256(data).hexdigest(), **inside)  # type: ignore[arg-type]

    def metadata(self) -> dict[str, object]:
        """What the manifest says about the file besides its path."""
        data: dict[str, object] = {"size": self.size, "sha256": self.sha256,
                                   "type": self.path.suffix.lstrip(".").lower()}
        if self.notes is not None:
            data["notes"] = dict(sorted(self.notes.items()))
        if self.cards is not None:
            data["cards"] = dict(sorted(self.cards.items()))
        if self.pages is not None:
            data["pages"] = self.pages
        return data


@dataclass(frozen=True, slots=True)
class WriterResult:
    """A writer's artifacts in the order written, and the diagnostics it found."""

    artifacts: tuple[Artifact, ...] = ()
    findings: tuple[Diagnostic, ...] = field(default=())

    @property
    def paths(self) -> list[Path]:
        return [a.path for a in self.artifacts]
